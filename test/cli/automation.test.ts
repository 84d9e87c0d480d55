/**
 * Users who drive Pulumi from code: an Automation API inline program declaring both
 * resources, run through the real CLI and engine (the user's usual path, the CLI in a
 * program folder, is test/cli/engine.test.ts). Inline programs run in this process, so this
 * also proves the resources survive the provider's serialization from a host program.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { JobComponent, ReleasePlan } from "../../sdk";
import { EngineStack, newStack, stateText } from "../harness/automation";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobSpec, releaseSpec, seed } from "../harness/world";

jest.setTimeout(240_000);

let emulator: Emulator;
let env: EngineStack | undefined;

afterEach(async () => {
  await env?.dispose();
  await emulator?.close();
});

test("an inline program: preview makes no call, up applies both, a change is one redeploy, destroy calls nothing", async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 100 });
  let version = "2025.0323.15181";
  const program = async () => {
    const job = new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec({ version }) } as never);
    const plan = new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never);
    return { jobId: job.jobId, jobStatus: job.jobStatus, plan: plan.id };
  };
  env = await newStack("servicestage-automation", program, {
    "servicestage:endpoint": { value: emulator.url },
    "servicestage:projectId": { value: PROJECT_ID },
    "servicestage:authToken": { value: TOKEN, secret: true },
  });
  const { stack } = env;

  expect((await stack.preview()).changeSummary).toMatchObject({ create: 3 });
  expect(emulator.requests()).toHaveLength(0);

  const shown: string[] = [];
  const up = await stack.up({ onOutput: (s) => shown.push(s) });
  expect(up.outputs.jobStatus.value).toBe("SUCCEEDED");
  expect(up.outputs.jobId.value).toMatch(/^JOB/);
  expect(emulator.requests().filter((r) => r.method === "PUT")).toHaveLength(2);
  expect(shown.join("")).toMatch(/job JOB[\w-]+ (RUNNING|SUCCEEDED)/);

  version = "2025.0401.1";
  emulator.clearRequests();
  const change = await stack.up();
  expect(change.summary.resourceChanges).toMatchObject({ update: 1, same: 2 });
  expect(
    emulator
      .requests()
      .filter((r) => r.method === "PUT")
      .map((r) => r.path),
  ).toEqual([`/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`]);
  expect(change.outputs.jobId.value).not.toBe(up.outputs.jobId.value);
  expect(stateText(env.stateDir)).not.toContain(TOKEN);

  emulator.clearRequests();
  await stack.destroy();
  expect(emulator.requests()).toHaveLength(0);
});
