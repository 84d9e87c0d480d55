/**
 * No job runs twice, on the user's path: the plain `pulumi` CLI in the fleet test
 * program's folder, against the emulator with jobs that run on the clock. An update ends
 * before its job does (a timeout, a killed CLI), then the next `pulumi up` must finish
 * that job instead of starting another; a failed job, a console redeploy in between, or
 * a change the component's GET cannot show are redeployed exactly once. Every test counts
 * the redeploys the emulator received. The same rules in-process: test/adoption.test.ts.
 */
import * as path from "node:path";
import { Emulator, startEmulator } from "../emulator/server";
import { ProgramStack, repo } from "./helpers/cli";
import { descendants, killAll } from "./helpers/processes";
import { APP_ID, TOKEN, fleetSeed } from "./helpers/world";

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
const jobEnded = () => until("the job ended", () => !["SUBMITTED", "SCHEDULED", "RUNNING"].includes(component()?.lastJobStatus ?? ""));
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

test("(a) an update timed out; the next `pulumi up` waits for the running job: 0 extra redeploys", async () => {
  await deployed();
  // Long enough that the job still runs when the next `pulumi up` looks, even on a loaded machine.
  const message = await timedOut(["version", "2025.0501.1"], 15_000);
  const running = lastJobId();
  expect(component()?.status.component_status).toBe("RUNNING");
  expect(message).toContain(`Job ${running} is still running in ServiceStage; the next \`pulumi up\` will wait for it instead of starting another`);
  const before = redeploys();

  const again = await the().stack.up();
  expect(redeploys()).toBe(before);
  expect(await recorded()).toEqual({ jobId: running, jobStatus: "SUCCEEDED" });
  expect(again.messages.join("")).toContain(`deployed by job ${running} (RUNNING) before this update; waiting for it instead of starting another`);
});

test("(b) the CLI is killed while it waits; after `pulumi cancel`, `pulumi up` finishes that job: 0 extra redeploys", async () => {
  const { emulator: emu, stack: s } = await deployed();
  emu.setJobDuration({ ms: 8_000 });
  await config("version", "2025.0502.1");
  const before = redeploys();
  const cli = s.start(["up", "--yes", "--skip-preview"]);
  const exited = new Promise((resolve) => cli.on("exit", resolve));
  await until("the redeploy arrived", () => redeploys() === before + 1);
  const running = lastJobId();
  await until("the CLI polled the job", () => emu.requests().some((r) => r.path.endsWith(`/jobs/${running}`)));
  // As a closed terminal or a cancelled CI runner: SIGKILL of the CLI's process group.
  leftovers = descendants(cli.pid as number);
  process.kill(-(cli.pid as number), "SIGKILL");
  await exited;
  await killAll(leftovers);

  // The file backend keeps the stack locked after a killed update.
  const locked = await s.run(["up", "--yes", "--skip-preview"]);
  if (locked.code !== 0) {
    expect(locked.output).toMatch(/locked|pulumi cancel/);
    await s.pulumi(["cancel", "--yes"]);
  }
  if (locked.code !== 0) await s.up();
  expect(redeploys()).toBe(before + 1);
  expect(component()?.status.component_status).toBe("SUCCEEDED");
  expect(await recorded()).toEqual({ jobId: running, jobStatus: "SUCCEEDED" });
});

test("(c) the job failed; the next `pulumi up` redeploys exactly once", async () => {
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

test("(d) a console redeploy with another spec came in between: one redeploy", async () => {
  const { emulator: emu, stack: s } = await deployed();
  await timedOut(["version", "2025.0504.1"]);
  await jobEnded();
  emu.setJobDuration({ ms: 300 });
  const foreign = emu.consoleRedeploy(APP_ID, COMPONENT, { version: "2025.0999.1" }).jobId;
  await jobEnded();
  const before = redeploys();

  await s.up();
  expect(redeploys()).toBe(before + 1);
  expect(component()?.spec.version).toBe("2025.0504.1");
  const { jobId } = await recorded();
  expect(jobId).toBe(lastJobId());
  expect(jobId).not.toBe(foreign);
});

test("(e) only taskSetting changed, which the GET does not show: one redeploy, and the timeout said so", async () => {
  const { stack: s } = await deployed();
  const message = await timedOut(["parallelism", "2"]);
  expect(message).toMatch(/cannot tell that it carries this change .* will start another: let this job end first/);
  await jobEnded();
  const before = redeploys();

  await s.up();
  expect(redeploys()).toBe(before + 1);
});

test("(f) an unchanged `pulumi up` makes no call", async () => {
  const { emulator: emu, stack: s } = await deployed();
  emu.clearRequests();
  const same = await s.up();
  expect(same.resourceChanges).toEqual({ same: 2 });
  expect(emu.requests()).toHaveLength(0);
});
