/**
 * provider/lifecycle.ts: what every resource's lifecycle shares, shown on a JobComponent
 * in-process against the emulator: check's validation and its failures (property and
 * rule), diff's replace-or-change, create's message for an object ServiceStage does not
 * have, and read's GET lined up with the declared spec. Each resource's own behaviour:
 * jobComponent.test.ts, releasePlan.test.ts, componentAction.test.ts.
 */
import type { Emulator } from "../../emulator/server";
import { jobComponentProvider } from "../harness/providers";
import { UNKNOWN } from "../../provider/pulumiValues";
import { lifecycleWorld } from "../harness/lifecycleWorld";
import { APP_ID, COMPONENT_ID, jobComponentInputs } from "../harness/world";

const world = lifecycleWorld();
const { calls } = world;
let emulator: Emulator;
beforeEach(() => {
  ({ emulator } = world);
});

describe("check: the resource's own properties and the spec validated, each failure with its property and rule", () => {
  test("names the camelCase property and the rule", async () => {
    const r = await jobComponentProvider.check({}, jobComponentInputs({ version: "v1", source: { kind: "package" }, componentId: "" }));
    expect(r.failures).toEqual(
      expect.arrayContaining([
        { property: "componentId", reason: expect.stringContaining("must be a ServiceStage id") },
        { property: "version", reason: expect.stringContaining("^([0-9]+)(.[0-9]+){2,3}$") },
        { property: "source.url", reason: expect.stringContaining("is required when kind is package or image") },
        { property: "source.storage", reason: expect.stringContaining("is required when kind is package or image") },
      ]),
    );
  });

  test("never rejects values that are unknown during preview", async () => {
    const r = await jobComponentProvider.check(
      {},
      jobComponentInputs({
        componentId: UNKNOWN,
        version: UNKNOWN,
        source: { kind: UNKNOWN, url: UNKNOWN },
        labels: UNKNOWN,
        taskSetting: { parallelism: UNKNOWN, completionMode: "Indexed", suspend: false },
      }),
    );
    expect(r.failures).toEqual([]);
  });
});

describe("diff: replace on the properties that name the object, change on the others", () => {
  const outs = () => ({ ...jobComponentInputs(), waitForJob: true, jobTimeoutSeconds: 1200, jobId: "JOB1", jobStatus: "SUCCEEDED", __provider: "old" });
  test("no change, even when __provider differs", async () => {
    expect(await jobComponentProvider.diff("x", outs(), { ...jobComponentInputs(), waitForJob: true, jobTimeoutSeconds: 1200, __provider: "new" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
      changedKeys: [],
    });
  });
  test("a version change updates in place", async () => {
    expect(await jobComponentProvider.diff("x", outs(), { ...outs(), version: "2025.0324.1" })).toMatchObject({ changes: true, replaces: [] });
  });
  test("identity changes replace", async () => {
    expect(await jobComponentProvider.diff("x", outs(), { ...outs(), componentId: "other", projectId: "p2" })).toMatchObject({
      changes: true,
      replaces: ["componentId", "projectId"],
    });
  });
  test("unknowns count as changes", async () => {
    expect(await jobComponentProvider.diff("x", outs(), { ...outs(), source: { kind: "package", url: UNKNOWN, storage: "obs" } })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(emulator.requests()).toHaveLength(0);
  });
});

describe("create: an object ServiceStage does not have", () => {
  test("create of a component that does not exist says so", async () => {
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs({ componentId: "missing" }))).inputs;
    await expect(jobComponentProvider.create(inputs)).rejects.toThrow(/app-demo\/missing was not found.*adopts a job component that already exists/);
  });
});

describe("read: the GET lined up with the declared spec", () => {
  test("read reports drift on what the GET returns and realigns inputs", async () => {
    const created = await jobComponentProvider.create((await jobComponentProvider.check({}, jobComponentInputs())).inputs);
    const live = emulator.getComponent(APP_ID, COMPONENT_ID);
    emulator.putComponent(APP_ID, COMPONENT_ID, {
      ...live?.spec,
      version: "7.7.7",
      task_setting: { parallelism: 9, completion_mode: "Indexed", suspend: false },
    });
    emulator.clearRequests();
    const r = await jobComponentProvider.read(created.id, created.outs);
    expect(calls()).toEqual([`GET /applications/${APP_ID}/components/${COMPONENT_ID}`]);
    expect(r.props).toMatchObject({ version: "7.7.7", jobId: created.outs.jobId });
    // The GET does not return task_setting: no drift can be judged there.
    expect(r.props?.taskSetting).toEqual(created.outs.taskSetting);
    expect(r.inputs).toMatchObject({ version: "7.7.7" });
    expect(r.inputs).not.toHaveProperty("jobId");
  });
});
