/**
 * ComponentAction in-process against the emulator: an action performed once and waited
 * for through its job, performed again only when its inputs or triggers change, a lost
 * answer settled without a second job, a failed job recorded and settled by the next up,
 * and the rules of an action refused at check with no HTTP.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { componentAction } from "../../provider/resources/index";
import type { Lifecycle, PropertyBag } from "../../provider/lifecycle";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { UNKNOWN } from "../../provider/pulumiValues";
import { InitFailedError } from "../../provider/errors";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, seed } from "../harness/world";

const provider: Lifecycle = componentAction.lifecycle;
let emulator: Emulator;
const progress: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  progress.length = 0;
  setProgressSink((m) => progress.push(m));
});
afterEach(() => emulator.close());

const scale = (replica: number, more: PropertyBag = {}): PropertyBag => ({
  applicationId: APP_ID,
  componentId: COMPONENT_ID,
  action: "scale",
  parameters: { replica },
  ...more,
});
const actions = () => emulator.requests().filter((r) => r.method === "POST" && r.path.endsWith("/action")).length;
const checked = async (news: PropertyBag, olds: PropertyBag = {}) => {
  const r = await provider.check(olds, news);
  expect(r.failures).toEqual([]);
  return r.inputs as PropertyBag;
};

describe("ComponentAction", () => {
  test("a scale is one action, waited for through its job and recorded; the component shows the replica count", async () => {
    const inputs = await checked(scale(3));
    const r = await provider.create(inputs);
    expect(actions()).toBe(1);
    expect(r.outs).toMatchObject({ jobStatus: "SUCCEEDED", jobId: expect.stringMatching(/^JOB/) });
    expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.spec.replica).toBe(3);
    expect(progress.join("\n")).toMatch(/scale started, job JOB/);
  });

  test("no change performs nothing; a new replica count or new triggers perform it again, once; the preview says so and calls nothing", async () => {
    const olds = (await provider.create(await checked(scale(2, { triggers: ["a"] })))).outs as PropertyBag;
    emulator.clearRequests();
    const same = await provider.update("x", olds, await checked(scale(2, { triggers: ["a"] }), olds));
    expect(emulator.requests()).toHaveLength(0);
    expect(same.outs).toMatchObject({ jobId: olds.jobId });
    const news = await checked(scale(2, { triggers: ["b"] }), olds);
    expect(await provider.diff("x", olds, news)).toMatchObject({ changes: true, changedKeys: ["triggers"] });
    expect(provider.previewOutputs(news, olds)).toMatchObject({ jobId: UNKNOWN });
    expect(emulator.requests()).toHaveLength(0);
    expect(progress.join("\n")).toMatch(/triggers changed: `pulumi up` performs scale again/);
    const again = await provider.update("x", olds, news);
    expect(actions()).toBe(1);
    expect(again.outs?.jobId).not.toBe(olds.jobId);
  });

  test("a lost answer adopts the job the action started: one action", async () => {
    emulator.injectFault({ kind: "lostAnswer", method: "POST", pathIncludes: "/action" });
    const r = await provider.create(await checked({ applicationId: APP_ID, componentId: COMPONENT_ID, action: "restart" }));
    expect(actions()).toBe(1);
    expect(r.outs).toMatchObject({ jobStatus: "SUCCEEDED" });
    expect(progress.join("\n")).toMatch(/restart adopted \(its answer was lost\)/);
  });

  test("a failed action's job is recorded; the next up performs it once more", async () => {
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["quota exceeded"] });
    const inputs = await checked(scale(5));
    const failure = await provider.create(inputs).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InitFailedError);
    expect((failure as Error).message).toMatch(/scale of job component .* failed: .*quota exceeded.*performs the action once more/);
    const state = (failure as InitFailedError).properties;
    expect(state).toMatchObject({ jobStatus: "FAILED" });
    emulator.clearRequests();
    const r = await provider.update("x", state, inputs);
    expect(actions()).toBe(1);
    expect(r.outs).toMatchObject({ jobStatus: "SUCCEEDED" });
  });

  test("a job still going at the timeout is recorded; the next up waits for it and acts no more", async () => {
    emulator.setJobDuration({ componentId: COMPONENT_ID, ms: 2_500 });
    const inputs = await checked(scale(4, { jobTimeoutSeconds: 1 }));
    const failure = await provider.create(inputs).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InitFailedError);
    const state = (failure as InitFailedError).properties;
    emulator.clearRequests();
    const r = await provider.update("x", state, { ...inputs, jobTimeoutSeconds: 60 });
    expect(actions()).toBe(0);
    expect(r.outs).toMatchObject({ jobId: state.jobId, jobStatus: "SUCCEEDED" });
  });

  test("check refuses what an action cannot take, naming the property and the rule, with no HTTP", async () => {
    const failures = async (news: PropertyBag) => ((await provider.check({}, news)).failures ?? []).map((f) => f.reason);
    expect(await failures({ applicationId: APP_ID, componentId: COMPONENT_ID, action: "scale" })).toEqual([
      expect.stringMatching(/^parameters\.replica is required when action is scale/),
    ]);
    expect(await failures({ applicationId: APP_ID, componentId: COMPONENT_ID, action: "stop", parameters: { replica: 1 } })).toEqual([
      expect.stringMatching(/^parameters\.replica applies to action scale only, not stop/),
    ]);
    expect(await failures({ applicationId: APP_ID, componentId: COMPONENT_ID, action: "sync_workload" })).toEqual([expect.stringMatching(/^action /)]);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("delete forgets, and calls nothing", async () => {
    const r = await provider.create(await checked(scale(1)));
    emulator.clearRequests();
    await provider.delete(r.id, r.outs as PropertyBag);
    expect(emulator.requests()).toHaveLength(0);
  });
});
