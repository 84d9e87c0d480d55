/**
 * The real Pulumi engine end to end: preview, up, refresh and destroy of both resources
 * against the emulator, counting the HTTP calls each step makes, reading the state file,
 * and watching what the user sees. Skipped (with a message) where no pulumi CLI exists;
 * `.ci/run` provisions one.
 */
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../emulator/server";
import { JobComponent, ReleasePlan } from "../sdk";
import { EngineStack, findPulumiCli, newStack, readCheckpoint, stateText } from "./helpers/engine";
import { ACCESS_KEY, APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, SECRET_KEY, TOKEN, jobSpec, releaseSpec, seed, wireJobSpec } from "./helpers/world";

const cli = findPulumiCli();
const describeWithCli = cli !== undefined ? describe : describe.skip;
if (cli === undefined) console.warn("engine tests skipped: no pulumi CLI (run scripts/provision-pulumi.sh, or `bash .ci/run`)");

jest.setTimeout(240_000);

let emulator: Emulator;
let env: EngineStack | undefined;

const tokenConfig = () => ({
  "servicestage:endpoint": { value: emulator.url },
  "servicestage:projectId": { value: PROJECT_ID },
  "servicestage:authToken": { value: TOKEN, secret: true },
});

const countBy = (method: string) => emulator.requests().filter((r) => r.method === method).length;

afterEach(async () => {
  await env?.dispose();
  env = undefined;
  await emulator?.close();
});

describeWithCli("pulumi engine", () => {
  test("preview makes no calls; up redeploys once and shows job progress; unchanged up makes no PUT; refresh sees drift and deletion", async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 200 });
    let version = "2025.0323.15181";
    const program = async () => {
      const job = new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec({ version }) } as never);
      const plan = new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never);
      return { jobId: job.jobId, jobStatus: job.jobStatus, plan: plan.id };
    };
    env = await newStack("servicestage-engine", program, tokenConfig());
    const { stack } = env;

    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 3 });
    expect(emulator.requests()).toHaveLength(0);

    const out: string[] = [];
    const up = await stack.up({ onOutput: (s) => out.push(s) });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.jobStatus.value).toBe("SUCCEEDED");
    expect(up.outputs.jobId.value).toMatch(/^JOB/);
    expect(countBy("PUT")).toBe(2); // one redeploy, one release-task edit
    expect(out.join("")).toMatch(/job JOB[\w-]+ (RUNNING|SUCCEEDED)/);

    emulator.clearRequests();
    await stack.preview();
    expect(emulator.requests()).toHaveLength(0);
    const again = await stack.up();
    expect(again.summary.resourceChanges).toMatchObject({ same: 3 });
    expect(countBy("PUT")).toBe(0);

    version = "2025.0401.1";
    emulator.clearRequests();
    const diff = await stack.preview({ diff: true });
    expect(diff.changeSummary).toMatchObject({ update: 1, same: 2 });
    expect(emulator.requests()).toHaveLength(0);
    const update = await stack.up();
    expect(update.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(emulator.requests().filter((r) => r.method === "PUT").map((r) => r.path)).toEqual([`/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`]);
    expect(update.outputs.jobId.value).not.toBe(up.outputs.jobId.value);

    // Out-of-band change: refresh brings the drift into the state; the next preview wants to restore it.
    emulator.putComponent(APP_ID, COMPONENT_ID, { ...emulator.getComponent(APP_ID, COMPONENT_ID)?.spec, replica: 4 });
    emulator.clearRequests();
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(emulator.requests().every((r) => r.method === "GET")).toBe(true);
    expect((await stack.preview()).changeSummary).toMatchObject({ update: 1 });

    // Out-of-band deletion: refresh drops the resource.
    emulator.deleteReleasePlan(RELEASE_PLAN_ID);
    const refresh2 = await stack.refresh();
    expect(refresh2.summary.resourceChanges).toMatchObject({ delete: 1 });

    emulator.clearRequests();
    await stack.destroy();
    expect(countBy("PUT") + countBy("DELETE")).toBe(0);
    expect(emulator.getComponent(APP_ID, COMPONENT_ID)).toBeDefined();
  });

  test("state holds no credential and the secret outputs are encrypted (AK/SK)", async () => {
    emulator = await startEmulator({ seed: seed(), accessKey: ACCESS_KEY, secretKey: SECRET_KEY, jobDurationMs: 50 });
    const program = async () => {
      const job = new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec({ source: { kind: "package", storage: "http", url: "https://repo.example/app.jar", httpUsername: "deploy", httpPassword: "hunter2-http-password", httpCommand: "curl", httpHeaders: { "X-Trace": "1" } } }) } as never);
      return { jobId: job.jobId };
    };
    env = await newStack("servicestage-secrets", program, {
      "servicestage:endpoint": { value: emulator.url },
      "servicestage:projectId": { value: PROJECT_ID },
      "servicestage:accessKey": { value: ACCESS_KEY },
      "servicestage:secretKey": { value: SECRET_KEY, secret: true },
    });
    const up = await env.stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(emulator.requests().every((r) => r.auth === "aksk")).toBe(true);
    const state = stateText(env.stateDir);
    for (const secret of [SECRET_KEY, "hunter2-http-password"]) expect(state).not.toContain(secret);
    const job = readCheckpoint(env.stateDir, "servicestage-secrets").checkpoint.latest.resources.find((r) => r.type === "pulumi-nodejs:dynamic/servicestage:JobComponent");
    if (job === undefined) throw new Error("no JobComponent in the checkpoint");
    expect(job.inputs.source).toHaveProperty("ciphertext");
    expect(job.outputs.source).toHaveProperty("ciphertext");
    expect(job.outputs.jobId).toMatch(/^JOB/);
  });

  test("a FAILED job makes up fail with the job id and the task message; the next up redeploys and succeeds", async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 50 });
    let version = "2025.0323.15181";
    const program = async () => {
      const job = new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec({ version }) } as never);
      return { jobId: job.jobId };
    };
    env = await newStack("servicestage-failure", program, tokenConfig());
    const first = await env.stack.up();
    version = "2025.0402.1";
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["exit code 137: OOMKilled"] });
    const failure = await env.stack.up().catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(String(failure)).toMatch(/job JOB[\w-]+ ended FAILED.*exit code 137: OOMKilled/);
    emulator.clearRequests();
    const retried = await env.stack.up();
    expect(retried.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(countBy("PUT")).toBe(1);
    expect(retried.outputs.jobId.value).not.toBe(first.outputs.jobId.value);
  });

  test("a stack of 50 JobComponents where 5 change makes exactly 5 redeploys", async () => {
    const components = Array.from({ length: 50 }, (_, i) => `comp-${String(i).padStart(2, "0")}`);
    const s = seed();
    s.components = components.map((componentId) => ({ applicationId: APP_ID, componentId, spec: wireJobSpec(jobSpec({ name: `job-${componentId}` })) }));
    emulator = await startEmulator({ seed: s, token: TOKEN, jobDurationMs: 50 });
    let changed = new Set<string>();
    const program = async () => {
      const jobs = components.map(
        (componentId) => new JobComponent(componentId, { applicationId: APP_ID, componentId, ...jobSpec({ name: `job-${componentId}`, version: changed.has(componentId) ? "2025.0501.1" : "2025.0323.15181" }) } as never),
      );
      return { count: jobs.length, ids: pulumi.all(jobs.map((j) => j.jobId)) };
    };
    env = await newStack("servicestage-fifty", program, tokenConfig());
    await env.stack.up();
    expect(emulator.redeployCount()).toBe(50);
    changed = new Set(components.slice(10, 15));
    emulator.clearRequests();
    const up = await env.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 5, same: 46 });
    expect(emulator.redeployCount()).toBe(55);
    const puts = emulator.requests().filter((r) => r.method === "PUT").map((r) => r.path.split("/")[7]);
    expect(puts.sort()).toEqual([...changed].sort());
  });
});
