/**
 * A release run and the read functions through the native plugin, with the plain `pulumi`
 * CLI and the YAML host, each test in a fresh copy of its program folder
 * (test/programs/yaml-release-run, yaml-reads, yaml-read-bad-argument) against its own
 * emulator: a Ctrl-C aborts a release run once and the stack records it; read functions in
 * a preview make GETs only, and a bad argument fails the preview before any request; a
 * failed run is rolled back once, and the next `pulumi up` executes nothing. Every count of
 * executions is the emulator's (`releaseExecutionCount`), never the provider's word.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, Seed, Wire, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { descendants, killAll } from "../harness/processes";
import { releasePlanWire } from "../fixtures/wire";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, seed as worldSeed } from "../harness/world";

jest.setTimeout(600_000);

const TOKEN = "demo-token";
const RELEASE = "servicestage:index:ReleasePlan";
const planPath = `/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`;

let emulators: Emulator[] = [];
let stacks: ProgramStack[] = [];
let folders: string[] = [];
/** Hosts a cancelled CLI may leave behind, ended after each test by process id. */
let leftovers: number[] = [];

afterEach(async () => {
  await killAll(leftovers);
  leftovers = [];
  for (const s of stacks) await s.dispose();
  stacks = [];
  for (const e of emulators) await e.close();
  emulators = [];
  for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
  folders = [];
});

/** A copy of test/programs/<name> in a folder of its own (.tools/work/<name>-XXXXXX). */
const programCopy = (name: string): string => {
  const base = path.join(repo, ".tools", "work");
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, `${name}-`));
  fs.cpSync(path.join(repo, "test", "programs", name), dir, { recursive: true });
  folders.push(dir);
  return dir;
};
const emulator = async (seed: Seed, jobDurationMs = 300): Promise<Emulator> => {
  const e = await startEmulator({ seed, token: TOKEN, jobDurationMs });
  emulators.push(e);
  return e;
};
/** A stack of a fresh copy of the program, its provider configuration pointing at `emu`, and the program's own config. */
const configured = async (program: string, emu: Emulator, config: Record<string, string> = {}): Promise<ProgramStack> => {
  const s = new ProgramStack(programCopy(program));
  stacks.push(s);
  await s.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId, ...config }, { "servicestage:authToken": TOKEN });
  return s;
};

/**
 * The test world's two-batch release task (comp-api in batch 1, comp-web in batch 2) and
 * its two components at an earlier version than the program's, seeded as literal
 * snake_case (test/fixtures/wire.ts).
 */
const releaseSeed = (): Seed => {
  const plan = releasePlanWire();
  return {
    projectId: PROJECT_ID,
    components: (plan.components as Wire[]).map((entry) => {
      const { seq: _seq, component_id: componentId, deploy_strategy: _strategy, ...spec } = entry;
      return { applicationId: APP_ID, componentId: String(componentId), spec: { ...spec, version: "0.9.0" } };
    }),
    releasePlans: [{ releasePlanId: RELEASE_PLAN_ID, plan }],
  };
};

/** The YAML host colours its diagnostics even without a terminal. */
const plainText = (output: string) => output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
const until = async (what: string, done: () => boolean, ms = 120_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const requests = (emu: Emulator, method: string, pathIncludes: string) => emu.requests().filter((r) => r.method === method && r.path.includes(pathIncludes));
const writes = (emu: Emulator) =>
  emu
    .requests()
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path}`);
type StateResource = { type: string; id?: string; outputs?: Record<string, unknown>; initErrors?: string[] };
const inState = async (s: ProgramStack, type: string): Promise<StateResource[]> =>
  (JSON.parse(await s.exportState()) as { deployment: { resources?: StateResource[] } }).deployment.resources?.filter((r) => r.type === type) ?? [];

test("YAML: one Ctrl-C aborts a release run through the plugin once, the CLI exits, the stack records the run ABORTED; no second execute, and the next up executes nothing", async () => {
  const emu = await emulator(releaseSeed());
  emu.setJobDuration({ ms: 60_000 });
  const stack = await configured("yaml-release-run", emu);
  const executions = () => emu.releaseExecutionCount(RELEASE_PLAN_ID);

  const cli = stack.start(["up", "--yes", "--skip-preview"], { pipeOutput: true });
  let output = "";
  cli.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  cli.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
  await until("the execute reached the emulator", () => requests(emu, "POST", `${planPath}/execute`).length === 1);
  expect(executions()).toBe(1);
  // Hosts to end if the CLI leaves any behind.
  leftovers = descendants(cli.pid as number);

  // One Ctrl-C, to the CLI alone (a terminal would signal the group; the hosts ignore it anyway).
  const signalled = Date.now();
  process.kill(cli.pid as number, "SIGINT");
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), 90_000)))]);
  clearTimeout(timer);
  const exitMs = Date.now() - signalled;
  const text = plainText(output);
  if (code === "still running" || exitMs >= 30_000) process.stderr.write(`CLI output after ${exitMs} ms:\n${text}\n`);
  expect(code).not.toBe("still running");
  expect(code).not.toBe(0);
  expect(exitMs).toBeLessThan(30_000);
  expect(requests(emu, "POST", `${planPath}/abort`)).toHaveLength(1);
  expect(requests(emu, "POST", `${planPath}/execute`)).toHaveLength(1);
  expect(executions()).toBe(1);
  expect(text).toMatch(/aborting the run/);
  expect(text).toMatch(
    new RegExp(`the update was cancelled while release task ${RELEASE_PLAN_ID} ran \\(execute_time \\d+\\): abort requested, and the task is ABORTED`),
  );
  await killAll(leftovers);
  leftovers = [];

  // The stack holds the run (partial state) as it ended.
  const [recorded] = await inState(stack, RELEASE);
  expect(recorded).toBeDefined();
  expect(recorded.outputs).toMatchObject({ runStatus: "ABORTED", runExecuteTime: expect.stringMatching(/^\d+$/) as string, runOnChange: true });
  expect(recorded.initErrors?.join("\n")).toMatch(/abort requested, and the task is ABORTED/);

  // Nothing changed since: the next up settles nothing by executing, and says how to run again.
  emu.clearRequests();
  const next = await stack.apply("up");
  expect(next.result).toBe("succeeded");
  expect(writes(emu)).toEqual([]);
  expect(executions()).toBe(1);
  expect(plainText(next.messages.join(""))).toMatch(/ended ABORTED; with the same spec and triggers nothing executes again/);
  expect(await stack.outputs()).toMatchObject({ runStatus: "ABORTED", runExecuteTime: recorded.outputs?.runExecuteTime });
});

test("YAML: read functions in a preview make GETs only and show their outputs; a jobId with a slash fails the preview naming the argument, with no request", async () => {
  const emu = await emulator(worldSeed());
  // A last job for the component to name: a restart from the console, ended.
  const { jobId } = emu.consoleAction(APP_ID, COMPONENT_ID, "restart");
  await until("the restart's job ended", () => emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus === "SUCCEEDED");
  const stack = await configured("yaml-reads", emu);

  emu.clearRequests();
  const shown = plainText(await stack.pulumi(["preview", "--show-secrets"]));
  expect(shown).toMatch(new RegExp(`lastJobId\\s*: "${jobId}"`));
  expect(shown).toMatch(/lastJobStatus\s*: "SUCCEEDED"/);
  expect(shown).toMatch(/componentStatus\s*: "\w+"/);
  expect(shown).toMatch(/lastJobTaskCount\s*: \d+/);
  const seen = emu.requests();
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(seen.filter((r) => r.method !== "GET")).toEqual([]);
  expect(seen.map((r) => r.path)).toEqual(
    expect.arrayContaining([`/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`, expect.stringMatching(new RegExp(`/jobs/${jobId}$`))]),
  );
  // Pulumi YAML marks an invoke's whole answer secret when one of its values is (getJobComponent's spec), and
  // getJob's answer too, its jobId being that secret: without --show-secrets the preview shows them as [secret].
  emu.clearRequests();
  const hidden = plainText(await stack.pulumi(["preview"]));
  expect(hidden).toMatch(/lastJobId\s*: \[secret\]/);
  expect(emu.requests().filter((r) => r.method !== "GET")).toEqual([]);

  // A job id with a slash: refused with the argument named, before any request.
  const bad = await configured("yaml-read-bad-argument", emu, { jobId: `${jobId}/../../applications` });
  emu.clearRequests();
  const refused = await bad.run(["preview"]);
  const refusedText = plainText(refused.output);
  if (refused.code === 0) process.stderr.write(`the preview succeeded:\n${refusedText}\n`);
  expect(refused.code).not.toBe(0);
  expect(refusedText).toMatch(/servicestage:index:getJob invoke failed: jobId must be a ServiceStage id: .*\(jobId\)/);
  expect(emu.requests()).toEqual([]);
});

test("YAML: rollbackOnFailure through the CLI: a failed component fails the up naming it and its job, one rollback, the run recorded; the next up executes nothing", async () => {
  const emu = await emulator(releaseSeed());
  emu.scriptNextJob("comp-web", { status: "FAILED", messages: ["image pull failed"] });
  const stack = await configured("yaml-release-run", emu, { rollbackOnFailure: "true" });
  const executions = () => emu.releaseExecutionCount(RELEASE_PLAN_ID);

  const failed = await stack.apply("up");
  const message = plainText(failed.messages.join(""));
  if (failed.result !== "failed") process.stderr.write(`the up ended ${failed.result}:\n${message}\n`);
  expect(failed.result).toBe("failed");
  expect(executions()).toBe(1);
  expect(requests(emu, "POST", `${planPath}/execute`)).toHaveLength(1);
  expect(requests(emu, "POST", `${planPath}/rollback`)).toHaveLength(1);
  // The failed job is the one the provider read for its messages (one GET).
  const jobReads = requests(emu, "GET", "/jobs/").map((r) => r.path.slice(r.path.lastIndexOf("/") + 1));
  expect(jobReads).toHaveLength(1);
  const [failedJob] = jobReads;
  expect(message).toContain(`[batch 2/2, component 1/1] web (comp-web): job ${failedJob} FAILED: image pull failed`);
  expect(message).toMatch(/Rolled back \(rollbackOnFailure\): ROLLBACK_SUCCEED/);
  // Each component the run deployed went back to its version before the run.
  for (const component of ["comp-api", "comp-web"]) expect(emu.getComponent(APP_ID, component)?.spec.version).toBe("0.9.0");
  const [recorded] = await inState(stack, RELEASE);
  expect(recorded.outputs).toMatchObject({ runStatus: "ROLLBACK_SUCCEED", rollbackOnFailure: true });

  // No change: nothing executes, nothing is rolled back again.
  emu.clearRequests();
  const next = await stack.apply("up");
  expect(next.result).toBe("succeeded");
  expect(writes(emu)).toEqual([]);
  expect(executions()).toBe(1);
  expect(plainText(next.messages.join(""))).toMatch(/ended ROLLBACK_SUCCEED; with the same spec and triggers nothing executes again/);
  expect(await stack.outputs()).toMatchObject({ runStatus: "ROLLBACK_SUCCEED" });
});
