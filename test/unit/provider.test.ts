/**
 * The provider's lifecycle in-process against the emulator: check, diff, create,
 * update, read and delete for both resources, with the HTTP calls each one makes.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { UNKNOWN } from "../../provider/pulumiValues";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobComponentInputs, releasePlanInputs, seed } from "../harness/world";

let emulator: Emulator;
const progress: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  progress.length = 0;
  setProgressSink((m) => progress.push(m));
});
afterEach(() => emulator.close());

const calls = () => emulator.requests().map((r) => `${r.method} ${r.path.replace(`/v3/${PROJECT_ID}/cas`, "").replace(/JOB[\w-]+/, "JOB")}`);

describe("JobComponent check", () => {
  test("accepts the page's example and fills in defaults, without HTTP", async () => {
    const r = await jobComponentProvider.check({}, jobComponentInputs());
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ waitForJob: true, jobTimeoutSeconds: 1200, name: "mycomponent" });
    expect(emulator.requests()).toHaveLength(0);
  });

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

  test("refuses a change of name or runtime stack, saying why and what to do", async () => {
    const olds = jobComponentInputs();
    const r = await jobComponentProvider.check(
      olds,
      jobComponentInputs({ name: "renamed", runtimeStack: { name: "OpenJDK17", version: "1", type: "Java", deployMode: "virtualmachine" } }),
    );
    expect((r.failures ?? []).map((f) => f.property).sort()).toEqual(["name", "runtimeStack"]);
    expect(r.failures?.[0].reason).toMatch(/cannot be modified.*create a new component/);
  });
});

describe("JobComponent diff", () => {
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

describe("JobComponent create, update, read, delete", () => {
  test("create adopts the component: one GET, one PUT, then job polls", async () => {
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs({ version: "2025.0401.1" }))).inputs;
    const r = await jobComponentProvider.create(inputs);
    expect(r.id).toBe(`${APP_ID}/${COMPONENT_ID}`);
    expect(r.outs).toMatchObject({ version: "2025.0401.1", jobStatus: "SUCCEEDED", jobId: expect.stringMatching(/^JOB/) });
    const c = calls();
    expect(c.slice(0, 2)).toEqual([
      `GET /applications/${APP_ID}/components/${COMPONENT_ID}`,
      `PUT /applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`,
    ]);
    expect(c.slice(2).every((x) => x === "GET /jobs/JOB")).toBe(true);
    expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe("2025.0401.1");
    expect(progress.some((m) => m.includes("SUCCEEDED"))).toBe(true);
  });

  test("create of a component that does not exist says so", async () => {
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs({ componentId: "missing" }))).inputs;
    await expect(jobComponentProvider.create(inputs)).rejects.toThrow(/app-demo\/missing was not found.*adopts a job component that already exists/);
  });

  test("create with a different name than ServiceStage's is refused before any PUT", async () => {
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs({ name: "othername" }))).inputs;
    await expect(jobComponentProvider.create(inputs)).rejects.toThrow(/named "mycomponent".*cannot be modified/);
    expect(emulator.redeployCount()).toBe(0);
  });

  test("update: exactly one PUT, new jobId; a timeout-only change makes none", async () => {
    const olds = { ...(await jobComponentProvider.create((await jobComponentProvider.check({}, jobComponentInputs())).inputs)).outs };
    emulator.clearRequests();
    const news = (await jobComponentProvider.check(olds, { ...olds, version: "2025.0501.2" })).inputs;
    const r = await jobComponentProvider.update(`${APP_ID}/${COMPONENT_ID}`, olds, news);
    expect(calls().filter((c) => c.startsWith("PUT"))).toHaveLength(1);
    expect(r.outs?.jobId).not.toBe(olds.jobId);
    expect(r.outs?.jobStatus).toBe("SUCCEEDED");
    emulator.clearRequests();
    await jobComponentProvider.update(`${APP_ID}/${COMPONENT_ID}`, r.outs ?? {}, { ...r.outs, jobTimeoutSeconds: 60 });
    expect(emulator.requests()).toHaveLength(0);
  });

  test("a FAILED job fails the update with the job id and the task's message", async () => {
    const olds = { ...(await jobComponentProvider.create((await jobComponentProvider.check({}, jobComponentInputs())).inputs)).outs };
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["image pull failed: manifest unknown"] });
    await expect(jobComponentProvider.update("x", olds, { ...olds, version: "9.9.9" })).rejects.toThrow(
      /job JOB[\w-]+ ended FAILED: .*image pull failed: manifest unknown/,
    );
  });

  test("a job that outlives jobTimeoutSeconds fails with the job id", async () => {
    emulator.scriptNextJob(COMPONENT_ID, { status: "RUNNING_FOREVER" });
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs({ jobTimeoutSeconds: 1 }))).inputs;
    await expect(jobComponentProvider.create(inputs)).rejects.toThrow(/job JOB[\w-]+ still RUNNING after 1 s/);
  });

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

  test("read reports the component gone on 404 and on the 401 SVCSTG.00100401 quirk", async () => {
    const created = await jobComponentProvider.create((await jobComponentProvider.check({}, jobComponentInputs())).inputs);
    emulator.deleteComponent(APP_ID, COMPONENT_ID);
    expect(await jobComponentProvider.read(created.id, created.outs)).toEqual({});
    const quirky = await startEmulator({ seed: seed(), token: TOKEN, notFoundAs401: true });
    try {
      quirky.deleteComponent(APP_ID, COMPONENT_ID);
      setStackSettings({ endpoint: quirky.url, projectId: PROJECT_ID, authToken: TOKEN });
      expect(await jobComponentProvider.read(created.id, created.outs)).toEqual({});
      expect(quirky.requests()[0].status).toBe(401);
    } finally {
      await quirky.close();
    }
  });

  test("delete leaves ServiceStage alone", async () => {
    await jobComponentProvider.delete(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs());
    expect(emulator.requests()).toHaveLength(0);
    expect(emulator.getComponent(APP_ID, COMPONENT_ID)).toBeDefined();
  });

  test("missing settings name both ways to set them", async () => {
    setStackSettings({ endpoint: emulator.url, authToken: TOKEN });
    const saved = process.env.HW_PROJECT_ID;
    delete process.env.HW_PROJECT_ID;
    try {
      await expect(jobComponentProvider.create(jobComponentInputs())).rejects.toThrow(/servicestage:projectId.*HW_PROJECT_ID/);
    } finally {
      if (saved !== undefined) process.env.HW_PROJECT_ID = saved;
    }
  });
});

describe("ReleasePlan", () => {
  test("check, create, update, read, delete", async () => {
    const bad = await releasePlanProvider.check({}, releasePlanInputs({ failStrategy: "retry" }));
    expect(bad.failures).toEqual([{ property: "failStrategy", reason: expect.stringContaining("must be one of: continue, stop") }]);
    const inputs = (await releasePlanProvider.check({}, releasePlanInputs())).inputs;
    const created = await releasePlanProvider.create(inputs);
    expect(created.id).toBe(RELEASE_PLAN_ID);
    expect(calls()).toEqual([`GET /release-plans/${RELEASE_PLAN_ID}`, `PUT /release-plans/${RELEASE_PLAN_ID}`]);
    emulator.clearRequests();
    const news = releasePlanInputs({ desc: "edited" });
    expect(await releasePlanProvider.diff(created.id, created.outs, news)).toMatchObject({ changes: true, replaces: [] });
    await releasePlanProvider.update(created.id, created.outs, news);
    expect(calls()).toEqual([`PUT /release-plans/${RELEASE_PLAN_ID}`]);
    expect(emulator.getReleasePlan(RELEASE_PLAN_ID)?.desc).toBe("edited");
    emulator.putReleasePlan(RELEASE_PLAN_ID, { ...emulator.getReleasePlan(RELEASE_PLAN_ID), fail_strategy: "continue" });
    const read = await releasePlanProvider.read(created.id, news);
    expect(read.props).toMatchObject({ failStrategy: "continue", desc: "edited" });
    emulator.deleteReleasePlan(RELEASE_PLAN_ID);
    expect(await releasePlanProvider.read(created.id, news)).toEqual({});
    emulator.clearRequests();
    await releasePlanProvider.delete(created.id, news);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("the release page's spellings go on the wire: conifg_id and hostname", async () => {
    const component = {
      ...(releasePlanInputs().components as Record<string, unknown>[])[0],
      configs: [{ configId: "cfg-1", mountPath: "/etc/cfg" }],
      hostAliases: [{ ip: "10.0.0.1", hostnames: ["db.local"] }],
    };
    const inputs = (await releasePlanProvider.check({}, releasePlanInputs({ components: [component] }))).inputs;
    await releasePlanProvider.create(inputs);
    const put = emulator.requests().find((r) => r.method === "PUT");
    expect(JSON.stringify(put?.body)).toContain('"conifg_id":"cfg-1"');
    expect(JSON.stringify(put?.body)).toContain('"hostname":["db.local"]');
  });
});
