/**
 * A JobComponent's `triggers`: a change re-runs the job with the same spec, exactly one
 * redeploy; no change, none. The rules against a second job hold for a re-run: a lost
 * answer adopts the job it started, a failed, timed-out or cancelled re-run is recorded
 * and the next update settles that job, and a job the stack did not record that shows
 * the spec (a killed re-run, or a console job) is neither taken nor followed by another
 * until the user says which it is (docs/no-job-runs-twice.md).
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { jobComponentProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { UNKNOWN } from "../../provider/pulumiValues";
import { InitFailedError } from "../../provider/errors";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobComponentInputs, seed } from "../harness/world";
import type { PropertyBag } from "../../provider/lifecycle";

let emulator: Emulator;
const progress: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  progress.length = 0;
  setProgressSink((m) => progress.push(m));
});
afterEach(() => emulator.close());

/** A stack that deployed the spec with `triggers` once: its stored outputs. */
const deployed = async (triggers: unknown[] = ["2026-12-01"]): Promise<PropertyBag> => {
  const { inputs } = await jobComponentProvider.check({}, jobComponentInputs({ triggers }));
  return (await jobComponentProvider.create(inputs ?? {})).outs as PropertyBag;
};
const puts = () => emulator.requests().filter((r) => r.method === "PUT").length;

describe("JobComponent triggers", () => {
  test("a change of triggers alone is one redeploy of the same spec, shown with its reason; no change is none", async () => {
    const olds = await deployed();
    const before = emulator.redeployCount();
    const news = { ...olds, triggers: ["2026-12-02"] };
    const diff = await jobComponentProvider.diff("x", olds, news);
    expect(diff).toMatchObject({ changes: true, replaces: [], changedKeys: ["triggers"] });
    expect(progress.join("\n")).toMatch(/triggers changed: `pulumi up` re-runs the job once with the same spec/);
    expect(jobComponentProvider.previewOutputs(news, olds)).toMatchObject({ jobId: UNKNOWN, jobStatus: UNKNOWN });
    emulator.clearRequests();
    const r = await jobComponentProvider.update("x", olds, news);
    expect(emulator.redeployCount()).toBe(before + 1);
    expect(puts()).toBe(1);
    expect(r.outs).toMatchObject({ triggers: ["2026-12-02"], jobStatus: "SUCCEEDED" });
    expect(r.outs?.jobId).not.toBe(olds.jobId);
    // The same again: nothing.
    emulator.clearRequests();
    const again = await jobComponentProvider.update("x", r.outs as PropertyBag, { ...(r.outs as PropertyBag) });
    expect(emulator.requests()).toHaveLength(0);
    expect(again.outs).toMatchObject({ jobId: r.outs?.jobId });
    expect(emulator.redeployCount()).toBe(before + 1);
  });

  test("absent and empty triggers are the same ask; a spec change with new triggers is still one redeploy", async () => {
    const olds = await deployed([]);
    const before = emulator.redeployCount();
    const { triggers: _dropped, ...withoutTriggers } = olds;
    expect(await jobComponentProvider.diff("x", olds, withoutTriggers)).toMatchObject({ changes: false });
    await jobComponentProvider.update("x", olds, { ...olds, version: "2.0.1", triggers: ["new"] });
    expect(emulator.redeployCount()).toBe(before + 1);
  });

  test("a re-run whose answer is lost adopts the job it started: one job", async () => {
    const olds = await deployed();
    const before = emulator.redeployCount();
    emulator.injectFault({ kind: "lostAnswer", method: "PUT", pathIncludes: "/redeployment" });
    const r = await jobComponentProvider.update("x", olds, { ...olds, triggers: ["again"] });
    expect(emulator.redeployCount()).toBe(before + 1);
    expect(r.outs).toMatchObject({ jobStatus: "SUCCEEDED" });
    expect(progress.join("\n")).toMatch(/adopted the job already started by a re-run whose answer was lost/);
  });

  test("a failed re-run is recorded with its triggers; the next up settles that job and runs no other on top", async () => {
    const olds = await deployed();
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["exit code 3"] });
    const news = { ...olds, triggers: ["again"] };
    const failure = await jobComponentProvider.update("x", olds, news).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InitFailedError);
    const state = (failure as InitFailedError).properties;
    expect(state).toMatchObject({ triggers: ["again"], jobStatus: "FAILED" });
    // The next up with the same program: the recorded job failed, so the spec runs once more, and only once.
    const before = emulator.redeployCount();
    await jobComponentProvider.update("x", state, news);
    expect(emulator.redeployCount()).toBe(before + 1);
  });

  test("a re-run still going at the timeout is recorded; the next up waits for that job and starts none", async () => {
    const olds = await deployed();
    emulator.setJobDuration({ componentId: COMPONENT_ID, ms: 2_500 });
    const news = { ...olds, triggers: ["again"], jobTimeoutSeconds: 1 };
    const failure = await jobComponentProvider.update("x", olds, news).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InitFailedError);
    const state = (failure as InitFailedError).properties;
    const before = emulator.redeployCount();
    const r = await jobComponentProvider.update("x", state, { ...news, jobTimeoutSeconds: 60 });
    expect(emulator.redeployCount()).toBe(before);
    expect(r.outs).toMatchObject({ jobId: state.jobId, jobStatus: "SUCCEEDED" });
  });

  test("a job the stack did not record that shows the spec (a killed re-run, a console redeploy): none started, none taken, until a refresh records it", async () => {
    const olds = await deployed();
    // An update killed after its PUT: ServiceStage ran the re-run, the stack never heard of it.
    const killedRun = emulator.consoleRedeploy(APP_ID, COMPONENT_ID, {});
    await new Promise((r) => setTimeout(r, 100));
    const before = emulator.redeployCount();
    const news = { ...olds, triggers: ["again"] };
    await expect(jobComponentProvider.update("x", olds, news)).rejects.toThrow(
      /last job "JOB[\w-]+" is not the job this stack recorded .* Pulumi started no job and took none.*set `triggers` back.*`pulumi refresh`/,
    );
    expect(emulator.redeployCount()).toBe(before);
    // The user chose to run once more: refresh records that job, then the up re-runs once.
    const refreshed = await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, olds);
    expect(refreshed.props).toMatchObject({ jobId: killedRun.jobId, jobStatus: "SUCCEEDED" });
    await jobComponentProvider.update("x", refreshed.props as PropertyBag, news);
    expect(emulator.redeployCount()).toBe(before + 1);
  });

  test("check refuses triggers that are not a list, naming the property", async () => {
    const r = await jobComponentProvider.check({}, jobComponentInputs({ triggers: "nightly" }));
    expect(r.failures).toEqual([expect.objectContaining({ property: "triggers" })]);
    expect(emulator.requests()).toHaveLength(0);
  });
});
