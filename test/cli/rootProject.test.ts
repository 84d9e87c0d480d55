/**
 * The repository's own Pulumi project (Pulumi.yaml at the root, program examples/demo):
 * plain `pulumi preview` and `pulumi up` at the repository root declare both resources, a
 * JobComponent and a ReleasePlan, against the emulator. `npm test` provisions the CLI
 * (scripts/pulumi-env.sh).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { parseSeed } from "../../emulator/state";
import { ProgramStack, repo } from "../harness/cli";
import { PROJECT_ID, RELEASE_PLAN_ID } from "../harness/world";

jest.setTimeout(300_000);

const programDir = path.join(repo, "examples", "demo");

let emulator: Emulator | undefined;
let stack: ProgramStack | undefined;

const the = (): Emulator => {
  if (emulator === undefined) throw new Error("no emulator");
  return emulator;
};
const calls = (method?: string) =>
  the()
    .requests()
    .filter((r) => method === undefined || r.method === method);

afterEach(async () => {
  await stack?.dispose();
  stack = undefined;
  await emulator?.close();
  emulator = undefined;
});

test("Pulumi.yaml at the root runs examples/demo, which loads this package by its name and exactly one @pulumi/pulumi", () => {
  expect(fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8")).toMatch(/^main: examples\/demo\/index\.ts$/m);
  const resolve = (name: string) =>
    execFileSync(process.execPath, ["-p", `require.resolve(${JSON.stringify(name)})`], { cwd: programDir, encoding: "utf8" }).trim();
  expect(fs.realpathSync(resolve("pulumi-servicestage"))).toBe(path.join(repo, "dist", "sdk", "index.js"));
  expect(resolve("@pulumi/pulumi")).toBe(require.resolve("@pulumi/pulumi", { paths: [repo] }));
});

test("the repository root: preview calls nothing, up applies the JobComponent and the ReleasePlan, a version change is one redeploy, destroy calls nothing", async () => {
  const seed = parseSeed(JSON.parse(fs.readFileSync(path.join(repo, "emulator", "seed.example.json"), "utf8")));
  emulator = await startEmulator({ seed, token: "demo-token", jobDurationMs: 300 });
  stack = new ProgramStack(repo);
  await stack.init({ "servicestage:endpoint": the().url, "servicestage:projectId": the().projectId }, { "servicestage:authToken": "demo-token" });

  // The stack itself, the JobComponent and the ReleasePlan.
  expect(await stack.preview()).toEqual({ create: 3 });
  expect(calls()).toHaveLength(0);

  expect(await stack.up()).toMatchObject({ result: "succeeded", resourceChanges: { create: 3 } });
  expect(
    calls("PUT")
      .map((r) => r.path)
      .sort(),
  ).toEqual([`/v3/${PROJECT_ID}/cas/applications/app-demo/components/comp-job/redeployment`, `/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`]);
  expect(await stack.outputs()).toMatchObject({ jobStatus: "SUCCEEDED", version: "2025.0323.15181", releasePlanId: RELEASE_PLAN_ID });

  // The examples' stack config is the root project's.
  await stack.pulumi(["config", "set", "version", "2025.0401.1"]);
  the().clearRequests();
  expect((await stack.up()).resourceChanges).toMatchObject({ update: 1, same: 2 });
  expect(calls("PUT").map((r) => r.path)).toEqual([`/v3/${PROJECT_ID}/cas/applications/app-demo/components/comp-job/redeployment`]);
  expect(the().getComponent("app-demo", "comp-job")?.spec.version).toBe("2025.0401.1");

  the().clearRequests();
  expect(await stack.apply("destroy")).toMatchObject({ result: "succeeded", resourceChanges: { delete: 3 } });
  expect(calls()).toHaveLength(0);
});
