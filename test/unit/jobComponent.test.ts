/**
 * provider/resources/jobComponent.ts: the JobComponent lifecycle in-process against the
 * emulator: check's defaults and immutable properties, create, update, read and delete,
 * with the HTTP calls each one makes. What every resource shares: lifecycle.test.ts;
 * jobs taken instead of started again: adoption.test.ts.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { jobComponentProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { lifecycleWorld } from "../harness/lifecycleWorld";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobComponentInputs, seed } from "../harness/world";

const world = lifecycleWorld();
const { calls, progress } = world;
let emulator: Emulator;
beforeEach(() => {
  ({ emulator } = world);
});

describe("JobComponent check", () => {
  test("accepts the page's example and fills in defaults, without HTTP", async () => {
    const r = await jobComponentProvider.check({}, jobComponentInputs());
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ waitForJob: true, jobTimeoutSeconds: 1200, name: "mycomponent" });
    expect(emulator.requests()).toHaveLength(0);
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
