/**
 * The user's path, end to end: the plain `pulumi` CLI and its Node.js language host run
 * inside the example folders and a test program folder (test/programs/fleet), against the
 * emulator, counting the HTTP calls each step makes, reading `pulumi stack export`, and
 * watching what the user sees. `npm test` provisions the CLI (scripts/pulumi-env.sh).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { ACCESS_KEY, PROJECT_ID, SECRET_KEY, TOKEN, exampleSeed, fleetSeed } from "../harness/world";
import { lastJobEnded } from "../harness/jobs";

jest.setTimeout(300_000);

const JOB_TYPE = "pulumi-nodejs:dynamic/servicestage:JobComponent";
const jobComponentDir = path.join(repo, "examples", "job-component");
const releasePlanDir = path.join(repo, "examples", "release-plan");
const fleetDir = path.join(repo, "test", "programs", "fleet");

let emulator: Emulator | undefined;
let stack: ProgramStack | undefined;

const the = (): Emulator => {
  if (emulator === undefined) throw new Error("no emulator");
  return emulator;
};
const calls = (method?: string, pathIncludes = "") =>
  the()
    .requests()
    .filter((r) => (method === undefined || r.method === method) && r.path.includes(pathIncludes));
const tokenConfig = () => ({ "servicestage:endpoint": the().url, "servicestage:projectId": the().projectId });

/** The resources of a type in `pulumi stack export`. */
const exported = async (type: string): Promise<Array<{ inputs: Record<string, unknown>; outputs: Record<string, unknown> }>> =>
  (JSON.parse(await (stack as ProgramStack).exportState()).deployment.resources ?? []).filter((r: { type: string }) => r.type === type);

afterEach(async () => {
  await stack?.dispose();
  stack = undefined;
  await emulator?.close();
  emulator = undefined;
});

test.each([jobComponentDir, releasePlanDir, fleetDir])("%s loads this package by its name and exactly one @pulumi/pulumi", (dir) => {
  const resolve = (from: string, name: string) =>
    execFileSync(process.execPath, ["-p", `require.resolve(${JSON.stringify(name)})`], { cwd: from, encoding: "utf8" }).trim();
  expect(fs.realpathSync(resolve(dir, "pulumi-servicestage"))).toBe(path.join(repo, "dist", "sdk", "index.js"));
  // The package (at the repository root) and the program resolve the same copy.
  expect(resolve(dir, "@pulumi/pulumi")).toBe(resolve(repo, "@pulumi/pulumi"));
  expect(fs.existsSync(path.join(dir, "node_modules", "@pulumi"))).toBe(false);
});

test("examples/job-component: stack init, config, preview, up, a version change, refresh of drift, destroy", async () => {
  emulator = await startEmulator({ seed: exampleSeed(), token: "demo-token", jobDurationMs: 300 });
  stack = new ProgramStack(jobComponentDir);
  await stack.init(tokenConfig(), { "servicestage:authToken": "demo-token" });

  expect(await stack.preview()).toEqual({ create: 2 });
  expect(calls()).toHaveLength(0);

  const up = await stack.up();
  expect(up).toMatchObject({ result: "succeeded", resourceChanges: { create: 2 } });
  expect(calls("PUT").map((r) => r.path)).toEqual([`/v3/${PROJECT_ID}/cas/applications/app-demo/components/comp-job/redeployment`]);
  expect(up.messages.join("")).toMatch(/job JOB[\w-]+ RUNNING[\s\S]*job JOB[\w-]+ SUCCEEDED/);
  const first = await stack.outputs();
  expect(first).toMatchObject({ jobStatus: "SUCCEEDED", version: "2025.0323.15181", jobId: the().getComponent("app-demo", "comp-job")?.status.last_job_id });

  the().clearRequests();
  expect(await stack.up()).toMatchObject({ result: "succeeded", resourceChanges: { same: 2 } });
  expect(calls("PUT")).toHaveLength(0);

  await stack.pulumi(["config", "set", "version", "2025.0401.1"]);
  the().clearRequests();
  const diff = await stack.pulumi(["preview", "--diff"]);
  expect(diff).toMatch(/~ version\s*: "2025.0323.15181" => "2025.0401.1"/);
  expect(calls()).toHaveLength(0);
  const change = await stack.up();
  expect(change.resourceChanges).toMatchObject({ update: 1 });
  expect(calls("PUT")).toHaveLength(1);
  expect(the().getComponent("app-demo", "comp-job")?.spec.version).toBe("2025.0401.1");
  expect((await stack.outputs()).jobId).not.toBe(first.jobId);

  // Out of band: the console scales the job and sets another version; refresh shows both.
  the().putComponent("app-demo", "comp-job", { ...the().getComponent("app-demo", "comp-job")?.spec, replica: 3, version: "2025.0402.9" });
  the().clearRequests();
  const refresh = await stack.run(["refresh", "--yes", "--skip-preview", "--diff"]);
  expect(refresh.code).toBe(0);
  expect(refresh.output).toMatch(/~ replica\s*: 1 => 3/);
  expect(refresh.output).toMatch(/~ version\s*: "2025.0401.1" => "2025.0402.9"/);
  expect(calls().every((r) => r.method === "GET")).toBe(true);
  expect(await stack.preview()).toMatchObject({ update: 1 });

  const state = await stack.exportState();
  expect(state).not.toContain("demo-token");
  the().clearRequests();
  expect(await stack.apply("destroy")).toMatchObject({ result: "succeeded", resourceChanges: { delete: 2 } });
  expect(calls()).toHaveLength(0);
  expect(the().getComponent("app-demo", "comp-job")).toBeDefined();
});

test("examples/release-plan: up edits the task once, a change is one PUT, refresh sees drift and deletion, destroy calls nothing", async () => {
  emulator = await startEmulator({ seed: exampleSeed(), token: "demo-token" });
  stack = new ProgramStack(releasePlanDir);
  await stack.init(tokenConfig(), { "servicestage:authToken": "demo-token" });
  const planPath = `/v3/${PROJECT_ID}/cas/release-plans/bb09c189-d17e-480a-a0e4-3a102b3795b0`;

  expect(await stack.preview()).toEqual({ create: 2 });
  expect(calls()).toHaveLength(0);
  expect(await stack.up()).toMatchObject({ result: "succeeded", resourceChanges: { create: 2 } });
  expect(calls("PUT").map((r) => r.path)).toEqual([planPath]);
  expect(the().getReleasePlan("bb09c189-d17e-480a-a0e4-3a102b3795b0")).toMatchObject({ fail_strategy: "stop" });

  await stack.pulumi(["config", "set", "apiVersion", "1.0.2"]);
  the().clearRequests();
  expect(await stack.pulumi(["preview", "--diff"])).toMatch(/~ 1 to update/);
  expect(calls()).toHaveLength(0);
  expect((await stack.up()).resourceChanges).toMatchObject({ update: 1 });
  expect(calls("PUT").map((r) => r.path)).toEqual([planPath]);
  const components = the().getReleasePlan("bb09c189-d17e-480a-a0e4-3a102b3795b0")?.components as Array<Record<string, unknown>>;
  expect(components[0]).toMatchObject({ version: "1.0.2", source: { url: "swr.cn-north-4.myhuaweicloud.com/demo/api:1.0.2" } });

  the().clearRequests();
  expect((await stack.up()).resourceChanges).toMatchObject({ same: 2 });
  expect(calls("PUT")).toHaveLength(0);

  the().putReleasePlan("bb09c189-d17e-480a-a0e4-3a102b3795b0", { ...the().getReleasePlan("bb09c189-d17e-480a-a0e4-3a102b3795b0"), fail_strategy: "continue" });
  expect((await stack.apply("refresh")).resourceChanges).toMatchObject({ update: 1 });
  the().deleteReleasePlan("bb09c189-d17e-480a-a0e4-3a102b3795b0");
  expect((await stack.apply("refresh")).resourceChanges).toMatchObject({ delete: 1 });
  the().clearRequests();
  expect((await stack.apply("destroy")).result).toBe("succeeded");
  expect(calls()).toHaveLength(0);
});

test("AK/SK from stack config and an http source with a password: no credential in `pulumi stack export`, secrets encrypted", async () => {
  emulator = await startEmulator({ seed: fleetSeed(1), accessKey: ACCESS_KEY, secretKey: SECRET_KEY, jobDurationMs: 50 });
  stack = new ProgramStack(fleetDir);
  await stack.init({ ...tokenConfig(), "servicestage:accessKey": ACCESS_KEY }, { "servicestage:secretKey": SECRET_KEY, httpPassword: "hunter2-http-password" });
  expect((await stack.up()).result).toBe("succeeded");
  expect(calls().every((r) => r.auth === "aksk")).toBe(true);
  expect(the().getComponent("app-demo", "comp-00")?.spec.source).toMatchObject({ storage: "http", http_password: "hunter2-http-password" });
  const state = await stack.exportState();
  for (const secret of [SECRET_KEY, "hunter2-http-password"]) expect(state).not.toContain(secret);
  const [job] = await exported(JOB_TYPE);
  expect(job.inputs.source).toHaveProperty("ciphertext");
  expect(job.outputs.source).toHaveProperty("ciphertext");
  expect(job.outputs.jobId).toMatch(/^JOB/);
  expect(String(job.inputs.__provider)).not.toContain(repo);
});

test("a FAILED job fails up with the job id and the task message, records the spec sent and that job; the next up redeploys once", async () => {
  emulator = await startEmulator({ seed: fleetSeed(1), token: TOKEN, jobDurationMs: 50 });
  stack = new ProgramStack(fleetDir);
  await stack.init(tokenConfig(), { "servicestage:authToken": TOKEN });
  await stack.up();
  const [before] = await exported(JOB_TYPE);

  await stack.pulumi(["config", "set", "version", "2025.0402.1"]);
  the().scriptNextJob("comp-00", { status: "FAILED", messages: ["exit code 137: OOMKilled"] });
  const failed = await stack.run(["up", "--yes", "--skip-preview"]);
  expect(failed.code).not.toBe(0);
  expect(failed.output).toMatch(/job JOB[\w-]+ ended FAILED[\s\S]*exit code 137: OOMKilled/);
  expect(failed.output).not.toContain(TOKEN);
  expect(await stack.exportState()).not.toContain(TOKEN);
  // ServiceStage took the spec: the stack records it with its failed job (Pulumi's partial failure), not the job before.
  const [after] = await exported(JOB_TYPE);
  expect(after.outputs).toMatchObject({ version: "2025.0402.1", jobId: the().getComponent("app-demo", "comp-00")?.status.last_job_id, jobStatus: "FAILED" });
  expect(after.outputs.jobId).not.toBe(before.outputs.jobId);

  the().clearRequests();
  const retried = await stack.up();
  expect(retried.resourceChanges).toMatchObject({ update: 1 });
  expect(calls("PUT")).toHaveLength(1);
  expect((await exported(JOB_TYPE))[0].outputs).toMatchObject({ version: "2025.0402.1", jobStatus: "SUCCEEDED" });
});

test("a stack of 50 JobComponents where 5 change makes exactly those 5 redeploys", async () => {
  emulator = await startEmulator({ seed: fleetSeed(50), token: TOKEN, jobDurationMs: 50 });
  stack = new ProgramStack(fleetDir);
  await stack.init({ ...tokenConfig(), count: "50" }, { "servicestage:authToken": TOKEN });
  await stack.up();
  expect(the().redeployCount()).toBe(50);
  const changed = ["comp-10", "comp-11", "comp-12", "comp-13", "comp-14"];
  await stack.pulumi(["config", "set", "versions", JSON.stringify(Object.fromEntries(changed.map((c) => [c, "2025.0501.1"])))]);
  the().clearRequests();
  const up = await stack.up();
  expect(up.resourceChanges).toMatchObject({ update: 5, same: 46 });
  expect(the().redeployCount()).toBe(55);
  expect(
    calls("PUT")
      .map((r) => r.path.split("/")[7])
      .sort(),
  ).toEqual(changed);
});

test("a redeploy made outside Pulumi, then ServiceStage failing every redeploy: the other job is never taken, up fails, the state keeps what Pulumi deployed, the next up redeploys", async () => {
  emulator = await startEmulator({ seed: fleetSeed(1), token: TOKEN, jobDurationMs: 50 });
  stack = new ProgramStack(fleetDir);
  await stack.init(tokenConfig(), { "servicestage:authToken": TOKEN });
  await stack.up();
  const [before] = await exported(JOB_TYPE);

  // Another pipeline redeploys the component, and its job ends.
  const { jobId: foreign } = the().consoleRedeploy("app-demo", "comp-00", { version: "2025.0999.1" });
  await lastJobEnded(the(), "app-demo", "comp-00");

  the().injectFault({ method: "PUT", kind: "status", status: 500, times: 100 });
  await stack.pulumi(["config", "set", "version", "2025.0402.1"]);
  the().clearRequests();
  const failed = await stack.run(["up", "--yes", "--skip-preview"]);
  expect(failed.code).not.toBe(0);
  expect(failed.output).toContain("SVCSTG.00100500");
  // Read just before the redeploy, the foreign job is known: each 500 is checked, nothing was started, the PUT is retried.
  expect(failed.output).toContain("after 6 attempts");
  expect(failed.output).not.toContain(foreign);
  expect(the().redeployCount("comp-00")).toBe(2); // Pulumi's first, and the foreign one
  const [after] = await exported(JOB_TYPE);
  expect(after.outputs).toMatchObject({ version: before.outputs.version, jobId: before.outputs.jobId });

  the().clearFaults();
  the().clearRequests();
  expect((await stack.up()).resourceChanges).toMatchObject({ update: 1 });
  expect(calls("PUT")).toHaveLength(1);
  expect((await exported(JOB_TYPE))[0].outputs).toMatchObject({ version: "2025.0402.1", jobId: the().getComponent("app-demo", "comp-00")?.status.last_job_id });
});

test("one TypeScript program reaches two regions: each JobComponent's region through {region} in the endpoint", async () => {
  emulator = await startEmulator({ seed: fleetSeed(2), token: TOKEN, jobDurationMs: 50 });
  stack = new ProgramStack(fleetDir);
  await stack.init(
    {
      ...tokenConfig(),
      // {region} as a label of the host; *.localhost is loopback (the client resolves it so).
      "servicestage:endpoint": the().url.replace("127.0.0.1", "{region}.localhost"),
      "servicestage:region": "cn-north-4",
      count: "2",
      regions: '{"comp-01":"ap-southeast-1"}',
    },
    { "servicestage:authToken": TOKEN },
  );
  expect(await stack.preview()).toEqual({ create: 3 });
  expect(calls()).toHaveLength(0);
  await stack.up();
  const redeploy = (component: string) => `/v3/${PROJECT_ID}/cas/applications/app-demo/components/${component}/redeployment`;
  const port = new URL(the().url).port;
  expect(
    calls("PUT")
      .map((r) => `${r.host} ${r.path}`)
      .sort(),
  ).toEqual([`ap-southeast-1.localhost:${port} ${redeploy("comp-01")}`, `cn-north-4.localhost:${port} ${redeploy("comp-00")}`]);
  const jobs = await exported(JOB_TYPE);
  expect(jobs.map((j) => j.outputs.region).sort()).toEqual(["ap-southeast-1", undefined]);
});
