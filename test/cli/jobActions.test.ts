/**
 * Three features on the user's path, each with the plain `pulumi` CLI in a fresh copy of a
 * program folder (test/programs/ts-triggers, yaml-actions, python-release-run) against the
 * emulator, counting what the emulator saw at each step:
 * - a JobComponent's `triggers` (TypeScript, the dynamic-provider host): a change of them
 *   alone is exactly one redeploy, shown by the preview with its reason and no write;
 * - a ComponentAction (YAML, the plugin): one action per change, its job waited for and
 *   recorded, a failed job recorded then settled by the next up, a Ctrl-C that ends the
 *   wait and records the job;
 * - a ReleasePlan with runOnChange (Python, the plugin): one edit and one execute followed
 *   to the end, none without a change, one even when the execute's answer is lost.
 * `npm test` sources scripts/pulumi-env.sh first (the CLI, its language hosts, the plugin).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, Seed, Wire, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { descendants, killAll } from "../harness/processes";
import { releasePlanWire } from "../fixtures/wire";
import { APP_ID, COMPONENT_ID, RELEASE_PLAN_ID, exampleSeed } from "../harness/world";

jest.setTimeout(600_000);

const TOKEN = "demo-token";
const ACTION = "servicestage:index:ComponentAction";
const RELEASE = "servicestage:index:ReleasePlan";

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

/**
 * A copy of test/programs/<name> in a folder of its own, as deep in the repository as the
 * original (.tools/work/<name>-XXXXXX), so that the program's relative paths (Python's
 * requirements.txt) and Node.js's module resolution (the root's node_modules) hold.
 */
const programCopy = (name: string): string => {
  const base = path.join(repo, ".tools", "work");
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, `${name}-`));
  fs.cpSync(path.join(repo, "test", "programs", name), dir, { recursive: true, filter: (src) => !/(^|\/)(venv|__pycache__)$/.test(src) });
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
/** The YAML host colours its diagnostics even without a terminal. */
const plainText = (output: string) => output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
const until = async (what: string, done: () => boolean, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const requests = (emu: Emulator, method: string, pathIncludes: string) => emu.requests().filter((r) => r.method === method && r.path.includes(pathIncludes));
/** Actions ServiceStage received for comp-job (POST .../action), lost answers included. */
const actions = (emu: Emulator) => requests(emu, "POST", `/components/${COMPONENT_ID}/action`).length;
const lastJob = (emu: Emulator) => emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id as string | undefined;
type StateResource = { type: string; id?: string; outputs?: Record<string, unknown>; initErrors?: string[] };
const inState = async (s: ProgramStack, type: string): Promise<StateResource[]> =>
  (JSON.parse(await s.exportState()) as { deployment: { resources?: StateResource[] } }).deployment.resources?.filter((r) => r.type === type) ?? [];

test("TypeScript: a change of `triggers` alone is previewed with its reason and no write, then exactly one redeploy; an unchanged up none", async () => {
  const emu = await emulator(exampleSeed());
  const stack = await configured("ts-triggers", emu, { trigger: "build-1" });

  const first = await stack.up();
  expect(first.resourceChanges).toMatchObject({ create: 2 });
  expect(emu.redeployCount(COMPONENT_ID)).toBe(1);
  const created = await stack.outputs();
  expect(created).toEqual({ jobId: lastJob(emu), jobStatus: "SUCCEEDED" });

  await stack.pulumi(["config", "set", "trigger", "build-2"]);
  emu.clearRequests();
  const preview = await stack.pulumi(["preview", "--diff"]);
  expect(preview).toMatch(/~ triggers\s*:/);
  expect(preview).toMatch(/~\s*\[0\]\s*: "build-1" => "build-2"/);
  expect(preview).toContain("servicestage: component app-demo/comp-job: triggers changed: `pulumi up` re-runs the job once with the same spec");
  expect(preview).toMatch(/~ 1 to update/);
  // The preview reads at most: no write, nothing to the redeploy endpoint.
  expect(emu.requests().filter((r) => r.method !== "GET")).toEqual([]);
  expect(emu.requests().filter((r) => r.path.endsWith("/redeployment"))).toEqual([]);
  expect(emu.redeployCount(COMPONENT_ID)).toBe(1);

  const rerun = await stack.up();
  expect(rerun.resourceChanges).toMatchObject({ update: 1 });
  expect(emu.redeployCount(COMPONENT_ID)).toBe(2);
  expect(requests(emu, "PUT", "/redeployment")).toHaveLength(1);
  const after = await stack.outputs();
  expect(after).toEqual({ jobId: lastJob(emu), jobStatus: "SUCCEEDED" });
  expect(after.jobId).not.toBe(created.jobId);

  emu.clearRequests();
  const same = await stack.up();
  expect(same.resourceChanges).toEqual({ same: 2 });
  expect(emu.redeployCount(COMPONENT_ID)).toBe(2);
  expect(emu.requests().filter((r) => r.method !== "GET")).toEqual([]);
  expect(await stack.outputs()).toEqual(after);
});

test("YAML: a ComponentAction scale is one action per change, its job waited for and recorded; a failed job fails the up with its message, is recorded, and the next up settles it with one more action", async () => {
  const emu = await emulator(exampleSeed());
  const stack = await configured("yaml-actions", emu, { replica: "2" });

  expect(await stack.preview()).toEqual({ create: 2 });
  expect(emu.requests()).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 2 });
  expect(actions(emu)).toBe(1);
  expect(emu.redeployCount()).toBe(0);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)).toMatchObject({ spec: { replica: 2 }, lastJobStatus: "SUCCEEDED" });
  const first = await stack.outputs();
  expect(first).toEqual({ jobId: lastJob(emu), jobStatus: "SUCCEEDED" });
  expect(plainText(up.messages.join(""))).toContain(`scale started, job ${first.jobId as string}`);

  await stack.pulumi(["config", "set", "replica", "3"]);
  const change = await stack.up();
  expect(change.resourceChanges).toMatchObject({ update: 1 });
  expect(actions(emu)).toBe(2);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.spec.replica).toBe(3);
  const second = await stack.outputs();
  expect(second).toEqual({ jobId: lastJob(emu), jobStatus: "SUCCEEDED" });
  expect(second.jobId).not.toBe(first.jobId);

  emu.clearRequests();
  expect((await stack.up()).resourceChanges).toEqual({ same: 2 });
  expect(actions(emu)).toBe(0);
  expect(emu.requests().filter((r) => r.method !== "GET")).toEqual([]);

  // The next action's job fails.
  emu.clearRequests();
  emu.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["insufficient quota for 4 instances"] });
  await stack.pulumi(["config", "set", "replica", "4"]);
  const failed = await stack.apply("up");
  expect(failed.result).toBe("failed");
  expect(actions(emu)).toBe(1);
  const failedJob = lastJob(emu);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus).toBe("FAILED");
  const message = plainText(failed.messages.join(""));
  expect(message).toContain(`scale of job component ${APP_ID}/${COMPONENT_ID} failed`);
  expect(message).toContain("insufficient quota for 4 instances");
  expect(message).toContain("the next `pulumi up` performs the action once more");
  const [recorded] = await inState(stack, ACTION);
  expect(recorded.outputs).toMatchObject({ jobId: failedJob, jobStatus: "FAILED", parameters: { replica: 4 } });

  // Nothing changed since: the next up performs the action once more, and only once.
  const settled = await stack.up();
  expect(settled.resourceChanges).toMatchObject({ update: 1 });
  expect(actions(emu)).toBe(2);
  expect(plainText(settled.messages.join(""))).toContain(`job ${failedJob as string}, recorded by the last update, ended FAILED: performing scale once more`);
  const last = await stack.outputs();
  expect(last).toEqual({ jobId: lastJob(emu), jobStatus: "SUCCEEDED" });
  expect(last.jobId).not.toBe(failedJob);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.spec.replica).toBe(4);

  emu.clearRequests();
  expect((await stack.up()).resourceChanges).toEqual({ same: 2 });
  expect(actions(emu)).toBe(0);
});

test("Python: a ReleasePlan with runOnChange is one edit and one execute followed to the end; an unchanged up executes nothing; a lost execute answer is still one execution", async () => {
  // The release task's components exist, at an earlier version than the program's.
  const plan = releasePlanWire();
  const seed: Seed = {
    ...exampleSeed(),
    components: [
      ...exampleSeed().components,
      ...(plan.components as Wire[]).map((entry) => {
        const { seq: _seq, component_id: componentId, deploy_strategy: _strategy, ...spec } = entry;
        return { applicationId: APP_ID, componentId: String(componentId), spec: { ...spec, version: "0.9.0" } };
      }),
    ],
    releasePlans: [{ releasePlanId: RELEASE_PLAN_ID, plan }],
  };
  const emu = await emulator(seed);
  const stack = await configured("python-release-run", emu);
  const planPath = `/v3/${emu.projectId}/cas/release-plans/${RELEASE_PLAN_ID}`;
  const executions = () => emu.releaseExecutionCount(RELEASE_PLAN_ID);
  const writes = () =>
    emu
      .requests()
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);

  // The first preview makes the virtualenv (requirements.txt), and calls nothing.
  expect(await stack.preview()).toEqual({ create: 2 });
  expect(emu.requests()).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 2 });
  expect(writes()).toEqual([`PUT ${planPath}`, `POST ${planPath}/execute`]);
  expect(executions()).toBe(1);
  const first = await stack.outputs();
  expect(first).toEqual({ releasePlanId: RELEASE_PLAN_ID, runStatus: "SUCCESS", runExecuteTime: expect.stringMatching(/^\d+$/) as string });
  // Followed to the end: both batches deployed the program's version.
  for (const component of ["comp-api", "comp-web"]) expect(emu.getComponent(APP_ID, component)?.spec.version).toBe("1.0.0");
  expect(plainText(up.messages.join(""))).toMatch(/\[batch 2\/2, component 1\/1\] web \(comp-web\): job JOB\S+ SUCCEEDED/);

  emu.clearRequests();
  expect((await stack.up()).resourceChanges).toEqual({ same: 2 });
  expect(writes()).toEqual([]);
  expect(executions()).toBe(1);

  // A change, and the execute's answer is lost after ServiceStage started the run.
  await stack.pulumi(["config", "set", "version", "1.1.0"]);
  emu.clearRequests();
  emu.injectFault({ kind: "lostAnswer", method: "POST", pathIncludes: "/execute" });
  const lost = await stack.up();
  expect(lost.resourceChanges).toMatchObject({ update: 1 });
  expect(executions()).toBe(2);
  // The fault struck (the run started, its answer never came), and the execute was not sent again.
  expect(requests(emu, "POST", "/execute")).toEqual([expect.objectContaining({ status: 0, processedStatus: expect.any(Number) as number })]);
  expect(requests(emu, "PUT", planPath)).toHaveLength(1);
  const second = await stack.outputs();
  expect(second).toMatchObject({ runStatus: "SUCCESS" });
  expect(Number(second.runExecuteTime)).toBeGreaterThan(Number(first.runExecuteTime));
  for (const component of ["comp-api", "comp-web"]) expect(emu.getComponent(APP_ID, component)?.spec.version).toBe("1.1.0");
  const [recorded] = await inState(stack, RELEASE);
  expect(recorded.outputs).toMatchObject({ runOnChange: true, runStatus: "SUCCESS" });

  emu.clearRequests();
  expect((await stack.up()).resourceChanges).toEqual({ same: 2 });
  expect(executions()).toBe(2);
  expect(writes()).toEqual([]);
});

test("YAML: one Ctrl-C ends the plugin's wait for a ComponentAction's slow job within seconds; the stack records the job; no second action", async () => {
  const emu = await emulator(exampleSeed());
  emu.setJobDuration({ componentId: COMPONENT_ID, ms: 60_000 });
  const stack = await configured("yaml-actions", emu, { replica: "3" });

  const cli = stack.start(["up", "--yes", "--skip-preview"], { pipeOutput: true });
  let output = "";
  cli.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  cli.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
  await until("the action arrived", () => actions(emu) === 1);
  await until("the action's job is known", () => lastJob(emu) !== undefined && emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus === "RUNNING");
  const running = lastJob(emu) as string;
  await until("the plugin polled the job", () => emu.requests().some((r) => r.method === "GET" && r.path.endsWith(`/jobs/${running}`)));
  // Hosts to end if the CLI leaves any behind.
  leftovers = descendants(cli.pid as number);

  // One Ctrl-C, to the CLI alone (a terminal would signal the group; the hosts ignore it anyway).
  const signalled = Date.now();
  process.kill(cli.pid as number, "SIGINT");
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), 60_000)))]);
  clearTimeout(timer);
  const exitMs = Date.now() - signalled;
  expect(code).not.toBe("still running");
  expect(code).not.toBe(0);
  expect(exitMs).toBeLessThan(20_000);
  expect(plainText(output)).toMatch(
    new RegExp(
      `scale of job component ${APP_ID}/${COMPONENT_ID} did not finish: .*job ${running} still (SUBMITTED|SCHEDULED|RUNNING) when the wait was cancelled. Job ${running} is still running in ServiceStage; it is recorded in the stack`,
    ),
  );
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus).toBe("RUNNING");
  await killAll(leftovers);
  leftovers = [];

  // The stack holds the job (partial state), and nothing asked for a second action.
  const [recorded] = await inState(stack, ACTION);
  expect(recorded).toBeDefined();
  expect(recorded.outputs).toMatchObject({ jobId: running, parameters: { replica: 3 } });
  expect(["SUBMITTED", "SCHEDULED", "RUNNING"]).toContain(recorded.outputs?.jobStatus);
  expect(actions(emu)).toBe(1);
  expect(lastJob(emu)).toBe(running);
});
