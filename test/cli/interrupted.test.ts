/**
 * No job runs twice, and no spec is recorded as deployed when it was not, on the user's
 * path: the plain `pulumi` CLI in the fleet test program's folder, against the emulator
 * (which answers as Huawei's clients show: envs and accesses of its own, sets in its own
 * order, component actions with jobs of their own, rollbacks that put an earlier spec
 * back) with jobs that run on the clock.
 * The cases are (a) to (f) ((e), a cancel, needs the plugin: test/cli/yaml.test.ts).
 * An update that ends before its job succeeds records that job (Pulumi's partial
 * failure), and the next `pulumi up` settles that very job. Every test counts the
 * redeploys the emulator received. The same rules in-process: test/unit/adoption.test.ts.
 */
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { descendants, killAll } from "../harness/processes";
import { lastJobEnded } from "../harness/jobs";
import { APP_ID, TOKEN, fleetSeed } from "../harness/world";

jest.setTimeout(300_000);

const fleetDir = path.join(repo, "test", "programs", "fleet");
const COMPONENT = "comp-00";

let emulator: Emulator | undefined;
let stack: ProgramStack | undefined;
/** Hosts a killed CLI left behind, ended after each test by process id. */
let leftovers: number[] = [];

afterEach(async () => {
  await killAll(leftovers);
  leftovers = [];
  await stack?.dispose();
  stack = undefined;
  await emulator?.close();
  emulator = undefined;
});

const the = (): { emulator: Emulator; stack: ProgramStack } => {
  if (emulator === undefined || stack === undefined) throw new Error("nothing deployed");
  return { emulator, stack };
};
const redeploys = () =>
  the()
    .emulator.requests()
    .filter((r) => r.method === "PUT" && r.path.endsWith("/redeployment")).length;
const component = () => the().emulator.getComponent(APP_ID, COMPONENT);
const lastJobId = () => component()?.status.last_job_id;
const recorded = async () => {
  const outputs = await the().stack.outputs();
  return { jobId: (outputs.jobIds as string[])[0], jobStatus: (outputs.jobStatuses as string[])[0] };
};
const until = async (what: string, done: () => boolean, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const jobEnded = () => lastJobEnded(the().emulator, APP_ID, COMPONENT);
const config = (key: string, value: string) => the().stack.pulumi(["config", "set", key, value]);

/** One job component deployed by a first `pulumi up` (short jobs). */
const deployed = async () => {
  emulator = await startEmulator({ seed: fleetSeed(1), token: TOKEN, jobDurationMs: 300 });
  stack = new ProgramStack(fleetDir);
  await stack.init({ "servicestage:endpoint": emulator.url, "servicestage:projectId": emulator.projectId, count: "1" }, { "servicestage:authToken": TOKEN });
  await stack.up();
  return the();
};

/** An update whose job outlives jobTimeoutSeconds: it fails, and the job goes on. */
const timedOut = async (change: [string, string], jobMs = 4_000) => {
  const { emulator: emu, stack: s } = the();
  emu.setJobDuration({ ms: jobMs });
  await config(...change);
  await config("jobTimeoutSeconds", "1");
  const failed = await s.apply("up");
  expect(failed.result).toBe("failed");
  await config("jobTimeoutSeconds", "60");
  return failed.messages.join("");
};

const SERVICE_ENVS = JSON.stringify([
  { name: "REPORT_DAY", value: "monday" },
  { name: "REPORT_FORMAT", value: "csv" },
]);

test("(a) envs and a timezone, which ServiceStage extends and reorders: refresh, then up: 0 redeploys", async () => {
  const { emulator: emu, stack: s } = await deployed();
  await config("envs", SERVICE_ENVS);
  await config("timezone", "Asia/Shanghai");
  await s.up();
  // The GET holds the server's own envs (inner, TZ) and the declared ones in another order.
  const stored = component()?.spec.envs as Array<{ name: string; inner?: boolean }>;
  expect(stored.some((e) => e.inner === true)).toBe(true);
  expect(stored.map((e) => e.name)).toContain("TZ");
  const before = emu.redeployCount(COMPONENT);
  for (let i = 0; i < 2; i++) {
    const refreshed = await s.apply("refresh");
    expect(refreshed.resourceChanges).toEqual({ same: 2 });
    emu.clearRequests();
    const again = await s.up();
    expect(again.resourceChanges).toEqual({ same: 2 });
    expect(emu.requests()).toHaveLength(0);
  }
  expect(emu.redeployCount(COMPONENT)).toBe(before);
  const preview = await s.run(["preview", "--diff"]);
  expect(preview.output).not.toMatch(/^\s*~ /m);
});

test("(b) a lost answer (502 after the redeploy was done) on that component: 1 job, taken", async () => {
  const { emulator: emu, stack: s } = await deployed();
  await config("envs", SERVICE_ENVS);
  await config("timezone", "Asia/Shanghai");
  await s.up();
  const jobsBefore = emu.redeployCount(COMPONENT);
  emu.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "status", status: 502, afterProcessing: true });
  await config("version", "2025.0601.1");
  const after = await s.up();
  expect(emu.redeployCount(COMPONENT)).toBe(jobsBefore + 1);
  expect(await recorded()).toEqual({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
  expect(after.messages.join("")).toContain("adopted the job already started by a redeploy whose answer was lost");
});

test("(c) a timeout, the job fails, a console scale succeeds, then up: exactly 1 redeploy, the scale's job never taken", async () => {
  const { emulator: emu, stack: s } = await deployed();
  emu.scriptNextJob(COMPONENT, { status: "FAILED", messages: ["image pull failed"], durationMs: 3_000 });
  const message = await timedOut(["version", "2025.0503.1"], 3_000);
  expect(message).toContain("it is recorded in the stack");
  await jobEnded();
  expect(component()?.lastJobStatus).toBe("FAILED");
  // The stack holds the spec sent, the job and the status last seen (and still loads: the next up runs).
  const state = await s.exportState();
  expect(state).toContain("2025.0503.1");
  expect(state).toContain('"__provider"');
  emu.setJobDuration({ ms: 300 });
  const scale = emu.consoleAction(APP_ID, COMPONENT, "scale", { replica: 2 }).jobId;
  await jobEnded();
  expect(component()?.lastJobStatus).toBe("SUCCEEDED");
  const before = redeploys();

  const preview = await s.run(["preview"]);
  expect(preview.output).toMatch(/recorded job JOB[\w-]+ as RUNNING without seeing it succeed; `pulumi up` will look at that job/);
  await s.up();
  expect(redeploys()).toBe(before + 1);
  const { jobId, jobStatus } = await recorded();
  expect(jobId).toBe(lastJobId());
  expect(jobId).not.toBe(scale);
  expect(jobStatus).toBe("SUCCEEDED");
});

test("(d) an update timed out; the next `pulumi up` waits for the recorded job: 0 extra redeploys", async () => {
  await deployed();
  // Long enough that the job still runs when the next `pulumi up` looks, even on a loaded machine.
  const message = await timedOut(["version", "2025.0501.1"], 15_000);
  const running = lastJobId();
  expect(component()?.lastJobStatus).toBe("RUNNING");
  expect(message).toContain(`Job ${running} is still running in ServiceStage; it is recorded in the stack, and the next \`pulumi up\` will wait for it`);
  const before = redeploys();

  const again = await the().stack.up();
  expect(redeploys()).toBe(before);
  expect(await recorded()).toEqual({ jobId: running, jobStatus: "SUCCEEDED" });
  expect(again.messages.join("")).toContain(`job ${running}, recorded by the last update, is RUNNING: waiting for it`);
});

/**
 * A version change whose `pulumi up` is killed (SIGKILL of the CLI's process group, as a
 * closed terminal or a cancelled CI runner) while it polls the job; the hosts it left are ended.
 */
const killedWhileWaiting = async (jobMs: number) => {
  const { emulator: emu, stack: s } = the();
  emu.setJobDuration({ ms: jobMs });
  await config("version", "2025.0502.1");
  const before = redeploys();
  const cli = s.start(["up", "--yes", "--skip-preview"]);
  const exited = new Promise((resolve) => cli.on("exit", resolve));
  await until("the redeploy arrived", () => redeploys() === before + 1);
  const ours = lastJobId();
  await until("the CLI polled the job", () => emu.requests().some((r) => r.path.endsWith(`/jobs/${ours}`)));
  leftovers = descendants(cli.pid as number);
  process.kill(-(cli.pid as number), "SIGKILL");
  await exited;
  await killAll(leftovers);
  return { before, ours };
};

/** The next `pulumi up` after a kill: the file backend keeps the stack locked, so `pulumi cancel` first when it says so. */
const upAfterKill = async () => {
  const s = the().stack;
  const locked = await s.run(["up", "--yes", "--skip-preview"]);
  if (locked.code !== 0) {
    expect(locked.output).toMatch(/locked|pulumi cancel/);
    await s.pulumi(["cancel", "--yes"]);
    await s.up();
  }
};

test("(f) the CLI is killed while it waits, then a console restart: the next `pulumi up` takes the restart's job (item 4): 0 extra redeploys", async () => {
  const { emulator: emu } = await deployed();
  const { before } = await killedWhileWaiting(4_000);
  await jobEnded();
  emu.setJobDuration({ ms: 300 });
  const restart = emu.consoleAction(APP_ID, COMPONENT, "restart").jobId;
  await jobEnded();

  await upAfterKill();
  // Nothing recorded our job, and no documented field tells a restart's job from a
  // redeploy's: the component carries the spec and its last job succeeded, so it is taken.
  expect(redeploys()).toBe(before + 1);
  expect(await recorded()).toEqual({ jobId: restart, jobStatus: "SUCCEEDED" });
});

test("(g) the CLI is killed while it waits, then a console rollback: the next `pulumi up` redeploys exactly once, the rollback's job never taken", async () => {
  const { emulator: emu } = await deployed();
  const deployedVersion = component()?.spec.version;
  const { before, ours } = await killedWhileWaiting(4_000);
  await jobEnded();
  emu.setJobDuration({ ms: 300 });
  // "Roll back to the previous version": the spec the killed update replaced, with a job of its own.
  const rollback = emu.consoleAction(APP_ID, COMPONENT, "rollback_current").jobId;
  await jobEnded();
  expect(component()).toMatchObject({ spec: { version: deployedVersion }, status: { last_job_id: rollback }, lastJobStatus: "SUCCEEDED" });

  await upAfterKill();
  // The rollback left the component without the spec: one redeploy, and its job is the one recorded.
  expect(redeploys()).toBe(before + 2);
  expect(component()?.spec.version).toBe("2025.0502.1");
  const { jobId, jobStatus } = await recorded();
  expect(jobStatus).toBe("SUCCEEDED");
  expect(jobId).toBe(lastJobId());
  expect([rollback, ours]).not.toContain(jobId);
});

test("a killed CLI; after `pulumi cancel`, `pulumi up` finishes that job: 0 extra redeploys", async () => {
  await deployed();
  const { before, ours } = await killedWhileWaiting(8_000);
  await upAfterKill();
  expect(redeploys()).toBe(before + 1);
  expect(component()?.lastJobStatus).toBe("SUCCEEDED");
  expect(await recorded()).toEqual({ jobId: ours, jobStatus: "SUCCEEDED" });
});

test("a failed job; the next `pulumi up` redeploys exactly once", async () => {
  const { emulator: emu, stack: s } = await deployed();
  emu.scriptNextJob(COMPONENT, { status: "FAILED", messages: ["image pull failed"] });
  await config("version", "2025.0503.1");
  const failed = await s.apply("up");
  expect(failed.result).toBe("failed");
  expect(failed.messages.join("")).toMatch(/ended FAILED.*image pull failed/);
  const before = redeploys();

  await s.up();
  expect(redeploys()).toBe(before + 1);
  expect(await recorded()).toEqual({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
});

test("a timeout, the recorded job succeeds, then a console redeploy of another version: up records our job (0 redeploys), refresh shows the drift", async () => {
  const { emulator: emu, stack: s } = await deployed();
  await timedOut(["version", "2025.0504.1"]);
  const ours = lastJobId();
  await jobEnded();
  emu.setJobDuration({ ms: 300 });
  emu.consoleRedeploy(APP_ID, COMPONENT, { version: "2025.0999.1" });
  await jobEnded();
  const before = redeploys();

  await s.up();
  expect(redeploys()).toBe(before);
  expect(await recorded()).toEqual({ jobId: ours, jobStatus: "SUCCEEDED" });
  const refreshed = await s.apply("refresh");
  expect(refreshed.resourceChanges).toMatchObject({ update: 1 });
});

test("only taskSetting changed, which the GET does not show: the recorded job is settled, 0 redeploys", async () => {
  const { stack: s } = await deployed();
  const message = await timedOut(["parallelism", "2"]);
  expect(message).toContain("it is recorded in the stack");
  await jobEnded();
  const before = redeploys();

  await s.up();
  expect(redeploys()).toBe(before);
  expect((await recorded()).jobStatus).toBe("SUCCEEDED");
});

test("an unchanged `pulumi up` makes no call", async () => {
  const { emulator: emu, stack: s } = await deployed();
  emu.clearRequests();
  const same = await s.up();
  expect(same.resourceChanges).toEqual({ same: 2 });
  expect(emu.requests()).toHaveLength(0);
});
