/**
 * ReleasePlan's run option against the emulator (docs/release-runs.md): an edit then one
 * execute, no run without a change or without runOnChange, a failed component named with
 * its job, a lost execute answer, a timeout settled by the next update, a cancel that
 * aborts, a rollback on failure, and a preview that calls nothing. Every count of
 * executions is the emulator's (`releaseExecutionCount`), never the provider's word.
 */
import { Emulator, Seed, Wire, startEmulator } from "../../emulator/server";
import { releasePlanProvider } from "../harness/providers";
import { cancelInFlight, setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { InitFailedError } from "../../provider/errors";
import { UNKNOWN } from "../../provider/pulumiValues";
import { releasePlanWire } from "../fixtures/wire";
import { APP_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, releasePlanInputs } from "../harness/world";

type Bag = Record<string, unknown>;
const JOB_MS = 40;

/** The two components the test world's release task deploys (comp-api, then comp-web), at an earlier version. */
const runSeed = (): Seed => ({
  projectId: PROJECT_ID,
  components: (releasePlanWire().components as Wire[]).map((entry) => {
    const { seq: _seq, component_id: componentId, deploy_strategy: _strategy, ...spec } = entry;
    return { applicationId: APP_ID, componentId: String(componentId), spec: { ...spec, version: "0.9.0" } };
  }),
  releasePlans: [{ releasePlanId: RELEASE_PLAN_ID, plan: releasePlanWire() }],
});

let emulator: Emulator;
const progress: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ seed: runSeed(), token: TOKEN, jobDurationMs: JOB_MS });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  progress.length = 0;
  setProgressSink((m) => progress.push(m));
});
afterEach(() => emulator.close());

const executions = () => emulator.releaseExecutionCount(RELEASE_PLAN_ID);
const calls = () => emulator.requests().map((r) => `${r.method} ${r.path.replace(`/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`, "")}`);
const checked = async (overrides: Bag = {}): Promise<Bag> => (await releasePlanProvider.check({}, releasePlanInputs(overrides))).inputs as Bag;
/** A stack that holds the task without a run yet: create with runOnChange off. */
const adopted = async (overrides: Bag = {}): Promise<Bag> => (await releasePlanProvider.create(await checked(overrides))).outs as Bag;
const newVersion = (inputs: Bag, version: string): Bag => ({
  ...inputs,
  components: (inputs.components as Bag[]).map((c) => ({ ...c, version })),
});
/** The state an InitFailedError hands the engine. */
const recordedBy = async (p: Promise<unknown>): Promise<{ error: InitFailedError; state: Bag }> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InitFailedError)) throw new Error(`expected an InitFailedError, got ${String(error)}`);
  return { error, state: error.properties };
};
const until = async (what: () => boolean): Promise<void> => {
  for (const deadline = Date.now() + 10_000; !what(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > deadline) throw new Error("timed out waiting in the test");
};

describe("a change runs the task once", () => {
  test("runOnChange: an edit then one execute, followed batch by batch to SUCCESS", async () => {
    const olds = await adopted({ runOnChange: true, triggers: [] });
    expect(olds).toMatchObject({ runStatus: "SUCCESS", runExecuteTime: expect.stringMatching(/^\d+$/) });
    expect(executions()).toBe(1);
    emulator.clearRequests();
    progress.length = 0;

    const news = newVersion(await checked({ runOnChange: true, triggers: [] }), "1.1.0");
    const { outs } = await releasePlanProvider.update(RELEASE_PLAN_ID, olds, news);
    expect(executions()).toBe(2);
    expect(outs).toMatchObject({ runStatus: "SUCCESS" });
    expect(Number(outs.runExecuteTime)).toBeGreaterThan(Number(olds.runExecuteTime));
    expect(emulator.getComponent(APP_ID, "comp-web")?.spec.version).toBe("1.1.0");
    const c = calls();
    expect(c.slice(0, 4)).toEqual(["GET ", "PUT ", "POST /execute", "GET "]);
    expect(c.filter((x) => x === "POST /execute")).toHaveLength(1);
    expect(progress).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\[batch 1\/2, component 1\/1\] api \(comp-api\): job JOB\S+ SUCCEEDED, component SUCCESS/),
        expect.stringMatching(/\[batch 2\/2, component 1\/1\] web \(comp-web\): job JOB\S+ SUCCEEDED/),
      ]),
    );
    // Figures for docs/release-runs.md: the requests of one run.
    console.log(`one run: ${c.length} requests (${c.join(", ")})`);
  });

  test("no change: no request at all; a change of triggers alone runs the same spec again", async () => {
    const olds = await adopted({ runOnChange: true, triggers: ["a"] });
    emulator.clearRequests();
    const same = await checked({ runOnChange: true, triggers: ["a"] });
    expect(await releasePlanProvider.diff(RELEASE_PLAN_ID, olds, same)).toMatchObject({ changes: false });
    await releasePlanProvider.update(RELEASE_PLAN_ID, olds, same);
    expect(emulator.requests()).toHaveLength(0);
    expect(executions()).toBe(1);

    const rerun = await checked({ runOnChange: true, triggers: ["b"] });
    expect(await releasePlanProvider.diff(RELEASE_PLAN_ID, olds, rerun)).toMatchObject({ changes: true, changedKeys: ["triggers"] });
    const { outs } = await releasePlanProvider.update(RELEASE_PLAN_ID, olds, rerun);
    expect(executions()).toBe(2);
    expect(calls().filter((x) => x === "PUT ")).toHaveLength(0);
    expect(outs).toMatchObject({ runStatus: "SUCCESS", triggers: ["b"] });
  });

  test("runOnChange false (the default) never executes: create and changes only edit", async () => {
    const olds = await adopted({ triggers: ["a"] });
    expect(olds.runOnChange).toBe(false);
    await releasePlanProvider.update(RELEASE_PLAN_ID, olds, newVersion(await checked({ triggers: ["b"] }), "1.2.0"));
    expect(executions()).toBe(0);
    expect(calls()).toEqual(["GET ", "PUT ", "PUT "]);
  });

  test("waitForRun false: the update ends once ServiceStage accepted the execute", async () => {
    emulator.setJobDuration({ ms: 2000 });
    const { outs } = await releasePlanProvider.create(await checked({ runOnChange: true, waitForRun: false }));
    expect(outs).toMatchObject({ runStatus: "RUNNING", runExecuteTime: expect.stringMatching(/^\d+$/) });
    expect(calls().filter((x) => x.endsWith("/deploy-info"))).toHaveLength(0);
    expect(executions()).toBe(1);
  });
});

describe("a run that does not succeed is recorded and settled once", () => {
  test("a failed component fails the update naming it, its job and the job's messages; the next up executes nothing", async () => {
    const olds = await adopted({ runOnChange: true });
    emulator.scriptNextJob("comp-api", { status: "FAILED", messages: ["exit code 3"] });
    const news = newVersion(await checked({ runOnChange: true }), "1.3.0");
    const { error, state } = await recordedBy(releasePlanProvider.update(RELEASE_PLAN_ID, olds, news));
    expect(error.message).toMatch(/run \(execute_time \d+\) ended FAILED: \[batch 1\/2, component 1\/1\] api \(comp-api\): job JOB\S+ FAILED: exit code 3/);
    expect(state).toMatchObject({ runStatus: "FAILED", components: news.components });
    expect(executions()).toBe(2);

    // The engine updates a resource holding an init error: the same spec executes nothing, and says how to run again.
    emulator.clearRequests();
    progress.length = 0;
    const again = await releasePlanProvider.update(RELEASE_PLAN_ID, state, news);
    expect(again.outs).toMatchObject({ runStatus: "FAILED" });
    expect(executions()).toBe(2);
    expect(emulator.requests()).toHaveLength(0);
    expect(progress.join("\n")).toMatch(/nothing executes again: change `triggers`/);
  });

  test("a lost execute answer: the task is read, the run taken, never a second execute", async () => {
    const olds = await adopted({ runOnChange: true });
    emulator.clearRequests();
    emulator.injectFault({ kind: "lostAnswer", method: "POST", pathIncludes: "/execute" });
    const { outs } = await releasePlanProvider.update(RELEASE_PLAN_ID, olds, newVersion(await checked({ runOnChange: true }), "1.4.0"));
    expect(outs).toMatchObject({ runStatus: "SUCCESS" });
    expect(executions()).toBe(2);
    expect(calls().filter((x) => x === "POST /execute")).toHaveLength(1);
    expect(progress.join("\n")).toMatch(/took the run started by an execute whose answer was lost/);
  });

  test("a timeout records the run; the next up waits for that run and executes none", async () => {
    const olds = await adopted({ runOnChange: true });
    emulator.setJobDuration({ ms: 700 });
    const news = newVersion(await checked({ runOnChange: true }), "1.5.0");
    const { error, state } = await recordedBy(releasePlanProvider.update(RELEASE_PLAN_ID, olds, news, { timeoutSeconds: 0.3 }));
    expect(error.message).toMatch(/still RUNNING.*customTimeouts ended the wait.*next `pulumi up` will wait for it/);
    expect(state).toMatchObject({ runStatus: "RUNNING" });

    expect(releasePlanProvider.previewOutputs(news, state)).toMatchObject({ runStatus: UNKNOWN });
    const { outs } = await releasePlanProvider.update(RELEASE_PLAN_ID, state, news);
    expect(outs).toMatchObject({ runStatus: "SUCCESS", runExecuteTime: state.runExecuteTime });
    expect(executions()).toBe(2);
  });

  test("a killed update (nothing recorded): a run in progress is waited for and taken, not executed again", async () => {
    const olds = await adopted({ runOnChange: true });
    emulator.setJobDuration({ ms: 300 });
    const news = newVersion(await checked({ runOnChange: true }), "1.6.0");
    // What the killed update did before dying: the edit and the execute.
    await releasePlanProvider.update(RELEASE_PLAN_ID, olds, { ...news, waitForRun: false });
    expect(executions()).toBe(2);
    const { outs } = await releasePlanProvider.update(RELEASE_PLAN_ID, olds, news);
    expect(executions()).toBe(2);
    expect(outs).toMatchObject({ runStatus: "SUCCESS" });
    expect(progress.join("\n")).toMatch(/already RUNNING.*taking it as this update's/);
  });

  test("a cancel aborts the run once, says so, and records it ABORTED", async () => {
    const olds = await adopted({ runOnChange: true });
    emulator.scriptNextJob("comp-api", { status: "RUNNING_FOREVER" });
    const update = recordedBy(releasePlanProvider.update(RELEASE_PLAN_ID, olds, newVersion(await checked({ runOnChange: true }), "1.7.0")));
    await until(() => progress.some((m) => m.includes("run started")));
    cancelInFlight();
    const { error, state } = await update;
    expect(error.message).toMatch(/cancelled.*abort requested, and the task is ABORTED/);
    expect(state).toMatchObject({ runStatus: "ABORTED" });
    expect(calls().filter((x) => x === "POST /abort")).toHaveLength(1);
    expect(progress.join("\n")).toMatch(/aborting the run/);
  });

  test("rollbackOnFailure: a failed run is rolled back, its jobs followed, both reported", async () => {
    const olds = await adopted({ runOnChange: true, rollbackOnFailure: true });
    emulator.scriptNextJob("comp-web", { status: "FAILED", messages: ["image pull failed"] });
    const { error, state } = await recordedBy(
      releasePlanProvider.update(RELEASE_PLAN_ID, olds, newVersion(await checked({ runOnChange: true, rollbackOnFailure: true }), "1.8.0")),
    );
    expect(error.message).toMatch(
      /ended FAILED: .*web \(comp-web\): job JOB\S+ FAILED: image pull failed.*Rolled back \(rollbackOnFailure\): ROLLBACK_SUCCEED/,
    );
    expect(state).toMatchObject({ runStatus: "ROLLBACK_SUCCEED" });
    expect(calls().filter((x) => x === "POST /rollback")).toHaveLength(1);
    expect(emulator.getComponent(APP_ID, "comp-api")?.spec.version).toBe("1.0.0");
    expect(progress.join("\n")).toMatch(/rollback job JOB\S+ SUCCEEDED/);
  });
});

describe("preview", () => {
  test("previewOutputs and diff call nothing, and say a run will happen", async () => {
    const olds = await adopted({ runOnChange: true, triggers: [1] });
    emulator.clearRequests();
    progress.length = 0;
    const news = await checked({ runOnChange: true, triggers: [2] });
    expect(releasePlanProvider.previewOutputs(news, olds)).toMatchObject({ runStatus: UNKNOWN, runExecuteTime: UNKNOWN });
    expect(releasePlanProvider.previewOutputs(await checked({ runOnChange: true, triggers: [1] }), olds)).toMatchObject({
      runStatus: "SUCCESS",
      runExecuteTime: olds.runExecuteTime,
    });
    expect(releasePlanProvider.previewOutputs(news)).toMatchObject({ runStatus: UNKNOWN });
    expect(await releasePlanProvider.diff(RELEASE_PLAN_ID, olds, news)).toMatchObject({ changes: true, replaces: [], changedKeys: ["triggers"] });
    expect(progress.join("\n")).toMatch(/triggers changed: `pulumi up` executes the release task once/);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("a stack written before the run options shows no change", async () => {
    const { runOnChange: _a, waitForRun: _b, runTimeoutSeconds: _c, rollbackOnFailure: _d, ...old } = await adopted();
    expect(await releasePlanProvider.diff(RELEASE_PLAN_ID, old, await checked())).toMatchObject({ changes: false });
    // Its refresh: Read's inputs hold none of them either, and the engine diffs the stored state against those.
    const read = await releasePlanProvider.read(RELEASE_PLAN_ID, old);
    expect(read.inputs).not.toHaveProperty("runOnChange");
    expect(await releasePlanProvider.diff(RELEASE_PLAN_ID, old, read.inputs ?? {})).toMatchObject({ changes: false });
  });
});
