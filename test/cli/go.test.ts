/**
 * A Go program, as its users run it: the plain `pulumi` CLI with the Go language host
 * (pulumi-language-go, built by scripts/provision-pulumi.sh) in examples/go-job-component,
 * which uses the Go SDK generated from the plugin's schema (sdk/go, through a `replace`)
 * and the native plugin, against the emulator, counting the HTTP calls each step makes.
 */
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { exampleSeed, otherProjectSeed } from "../harness/world";

jest.setTimeout(600_000);

const TOKEN = "demo-token";
const JOB = "servicestage:index:JobComponent";
const goDir = path.join(repo, "examples", "go-job-component");

let emulators: Emulator[] = [];
let stack: ProgramStack | undefined;

afterEach(async () => {
  await stack?.dispose();
  stack = undefined;
  for (const e of emulators) await e.close();
  emulators = [];
});

const emulator = async (seed: Seed): Promise<Emulator> => {
  const e = await startEmulator({ seed, token: TOKEN, jobDurationMs: 300 });
  emulators.push(e);
  return e;
};
const puts = (emu: Emulator) =>
  emu
    .requests()
    .filter((r) => r.method === "PUT")
    .map((r) => r.path);
type StateResource = { type: string; id?: string; protect?: boolean; outputs?: Record<string, unknown> };
/** The JobComponents in `pulumi stack export`. */
const jobsInState = async (s: ProgramStack): Promise<StateResource[]> =>
  (JSON.parse(await s.exportState()) as { deployment: { resources: StateResource[] } }).deployment.resources.filter((r) => r.type === JOB);
const timed = async <T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
  const started = Date.now();
  const value = await run();
  return { value, seconds: (Date.now() - started) / 1000 };
};

test("examples/go-job-component: preview (compiling, then warm), up, a config change is one PUT, refresh drift, an explicit provider's own project, destroy", async () => {
  const emu = await emulator(exampleSeed());
  const other = await emulator(otherProjectSeed());
  stack = new ProgramStack(goDir);
  await stack.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId }, { "servicestage:authToken": TOKEN });

  // The first preview builds the program (the Go host runs `go build`); the next one is warm.
  const cold = await timed(() => (stack as ProgramStack).preview());
  expect(cold.value).toEqual({ create: 2 });
  const warm = await timed(() => (stack as ProgramStack).preview());
  expect(warm.value).toEqual({ create: 2 });
  expect(emu.requests()).toHaveLength(0);
  console.log(`go program: first preview ${cold.seconds.toFixed(1)} s (compiles), warm preview ${warm.seconds.toFixed(1)} s`);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 2 });
  expect(puts(emu)).toEqual([`/v3/${emu.projectId}/cas/applications/app-demo/components/comp-job/redeployment`]);
  const first = await stack.outputs();
  expect(first).toMatchObject({ jobStatus: "SUCCEEDED", version: "2025.0323.15181", jobId: emu.getComponent("app-demo", "comp-job")?.status.last_job_id });

  await stack.pulumi(["config", "set", "version", "2025.0401.1"]);
  emu.clearRequests();
  expect((await stack.preview(["--diff"])).update).toBe(1);
  expect(emu.requests()).toHaveLength(0);
  expect((await stack.up()).resourceChanges).toMatchObject({ update: 1 });
  expect(puts(emu)).toHaveLength(1);
  expect(emu.getComponent("app-demo", "comp-job")?.spec.version).toBe("2025.0401.1");

  emu.putComponent("app-demo", "comp-job", { ...emu.getComponent("app-demo", "comp-job")?.spec, version: "2025.0402.9" });
  emu.clearRequests();
  expect((await stack.apply("refresh")).resourceChanges).toMatchObject({ update: 1 });
  expect(puts(emu)).toHaveLength(0);
  // Refresh updates the resource's state (stack outputs stay until the next up).
  expect((await jobsInState(stack)).find((r) => r.id === "app-demo/comp-job")?.outputs?.version).toBe("2025.0402.9");

  // An explicit provider reaches its own project at its own endpoint.
  await stack.pulumi(["config", "set", "otherProjectId", other.projectId]);
  await stack.pulumi(["config", "set", "otherEndpoint", other.url]);
  await stack.pulumi(["config", "set", "--secret", "otherAuthToken", TOKEN]);
  emu.clearRequests();
  const withOther = await stack.up();
  expect(withOther.resourceChanges).toMatchObject({ create: 2 }); // the provider and its component
  expect(puts(other)).toEqual([`/v3/${other.projectId}/cas/applications/app-demo/components/comp-other/redeployment`]);
  expect((await stack.outputs()).otherJobId).toBe(other.getComponent("app-demo", "comp-other")?.status.last_job_id);
  expect(await stack.exportState()).not.toContain(TOKEN);

  emu.clearRequests();
  other.clearRequests();
  expect((await stack.apply("destroy")).result).toBe("succeeded");
  expect([...emu.requests(), ...other.requests()]).toHaveLength(0);
});

test("pulumi import in a Go project (--generate-code=false: the Go host cannot generate code), and a clear error for an id that does not exist", async () => {
  const emu = await emulator(exampleSeed());
  stack = new ProgramStack(goDir);
  await stack.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId }, { "servicestage:authToken": TOKEN });
  await stack.pulumi(["import", JOB, "imported", "app-demo/comp-job", "--yes", "--generate-code=false"]);
  const [imported] = await jobsInState(stack);
  expect(imported).toMatchObject({ id: "app-demo/comp-job", protect: true, outputs: { name: "mycomponent", version: "2025.0323.15181" } });
  expect(puts(emu)).toHaveLength(0);

  const missing = await stack.run(["import", JOB, "missing", "app-demo/comp-missing", "--yes", "--generate-code=false"]);
  expect(missing.code).not.toBe(0);
  expect(missing.output).toContain("resource 'app-demo/comp-missing' does not exist");
});
