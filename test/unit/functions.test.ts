/**
 * The read functions (provider/functions/) in-process against the emulator, as TypeScript
 * programs call them (`invoke`): each answers from GETs only, with the property and the
 * rule for bad arguments before any request.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { FUNCTIONS, invoke } from "../../provider/functions/index";
import { setStackSettings } from "../../provider/providerState";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, seed } from "../harness/world";

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
});
afterEach(() => emulator.close());

const onlyGets = () => emulator.requests().every((r) => r.method === "GET");
const settled = () => new Promise((r) => setTimeout(r, 100));

describe("read functions", () => {
  test("getJobComponent: the live spec in camelCase and the status", async () => {
    const answer = await invoke("getJobComponent", { applicationId: APP_ID, componentId: COMPONENT_ID });
    const live = emulator.getComponent(APP_ID, COMPONENT_ID);
    expect(answer.spec).toMatchObject({ name: live?.spec.name, version: live?.spec.version, runtimeStack: expect.any(Object) });
    expect(answer).toMatchObject({ status: expect.objectContaining({ componentStatus: expect.any(String) }), lastJobId: expect.any(String) });
    expect(onlyGets()).toBe(true);
  });

  test("getJob: a failed job's tasks and their messages", async () => {
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["image pull failed"] });
    const { jobId } = emulator.consoleAction(APP_ID, COMPONENT_ID, "restart");
    await settled();
    emulator.clearRequests();
    const job = await invoke("getJob", { jobId });
    expect(job).toMatchObject({ executionStatus: "FAILED", taskCount: expect.any(Number) });
    expect(job.failedTaskMessages).toEqual([expect.stringContaining("image pull failed")]);
    expect((job.tasks as Array<Record<string, unknown>>)[0]).toHaveProperty("taskName");
    expect(onlyGets()).toBe(true);
  });

  test("getComponentRecords and getApplicationComponents", async () => {
    emulator.consoleAction(APP_ID, COMPONENT_ID, "restart");
    await settled();
    const records = await invoke("getComponentRecords", { applicationId: APP_ID, componentId: COMPONENT_ID, limit: 10 });
    expect(records.count).toBeGreaterThanOrEqual(1);
    expect((records.records as Array<Record<string, unknown>>)[0]).toMatchObject({
      deployType: "restart",
      jobs: [expect.objectContaining({ jobId: expect.any(String) })],
    });
    const components = await invoke("getApplicationComponents", { applicationId: APP_ID });
    expect(components.components).toEqual(expect.arrayContaining([expect.objectContaining({ id: COMPONENT_ID })]));
    expect(components.count).toBe((components.components as unknown[]).length);
    expect(onlyGets()).toBe(true);
  });

  test("bad arguments name the property and the rule, before any request", async () => {
    await expect(invoke("getJob", {})).rejects.toThrow(/invalid arguments to getJob: jobId/);
    await expect(invoke("getJobComponent", { applicationId: APP_ID, componentId: "a/b" })).rejects.toThrow(/componentId must be a ServiceStage id/);
    await expect(invoke("getJob", { jobId: "JOB1", region: "cn-north-4\n::error::x" })).rejects.toThrow(/region/);
    await expect(invoke("getComponentRecords", { applicationId: APP_ID, componentId: COMPONENT_ID, limit: 500 })).rejects.toThrow(
      /limit 500 must be from 1 to 100/,
    );
    await expect(invoke("getEverything", {})).rejects.toThrow(/unknown function "getEverything"/);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("every function is in the schema, and in Go and Python", () => {
    const schema = require("../../plugin/schema.json") as { functions: Record<string, unknown> };
    expect(Object.keys(schema.functions)).toEqual(FUNCTIONS.map((f) => `servicestage:index:${f.name}`));
    const repo = path.resolve(__dirname, "..", "..");
    for (const f of FUNCTIONS) {
      // Pulumi's Go generator names get<Resource> Lookup<Resource>, beside the resource's own Get<Resource>.
      const Name = f.name.replace(/^get(JobComponent|ReleasePlan|ComponentAction)$/, "lookup$1").replace(/^./, (c) => c.toUpperCase());
      const snake = f.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      expect(fs.readFileSync(path.join(repo, "sdk", "go", "servicestage", `${f.name}.go`), "utf8")).toContain(`func ${Name}(ctx *pulumi.Context`);
      expect(fs.readFileSync(path.join(repo, "sdk", "python", "pulumi_servicestage", `${snake}.py`), "utf8")).toContain(`def ${snake}(`);
    }
  });
});
