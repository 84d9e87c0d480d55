/**
 * The package as a user installs it: `npm pack`, then a program folder of its own outside
 * this repository (Pulumi.yaml, package.json, tsconfig.json, index.ts) that depends on the
 * tarball, run with the plain `pulumi` CLI: preview, up, a change, an unchanged up,
 * refresh of out-of-band drift, destroy, and `pulumi stack export` read for credentials.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { PROJECT_ID, RELEASE_PLAN_ID, TOKEN, fleetSeed } from "../harness/world";

jest.setTimeout(300_000);

let program: string;
let emulator: Emulator;
let stack: ProgramStack;

const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const fleet = path.join(repo, "test", "programs", "fleet");
const componentPath = `/v3/${PROJECT_ID}/cas/applications/app-demo/components/comp-00`;
const planPath = `/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`;
const calls = (method?: string) => emulator.requests().filter((r) => method === undefined || r.method === method);

beforeAll(async () => {
  program = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-user-program-"));
  // dist/ is built by `npm test` before jest runs; pack it as is.
  const tarball = npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", program], repo).trim().split("\n").pop() as string;
  // The program: the fleet test program's files, with a manifest of a user's own.
  for (const file of ["Pulumi.yaml", "tsconfig.json", "index.ts"]) fs.copyFileSync(path.join(fleet, file), path.join(program, file));
  const manifest = JSON.parse(fs.readFileSync(path.join(fleet, "package.json"), "utf8"));
  manifest.name = "user-program";
  delete manifest.dependencies["pulumi-servicestage"];
  fs.writeFileSync(path.join(program, "package.json"), JSON.stringify(manifest, null, 2));
  const versionOf = (name: string) => JSON.parse(fs.readFileSync(path.join(repo, "node_modules", name, "package.json"), "utf8")).version;
  // Pinned to what this checkout runs, so the install is served from npm's cache.
  npm(
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      `./${tarball}`,
      `@pulumi/pulumi@${versionOf("@pulumi/pulumi")}`,
      `typescript@${versionOf("typescript")}`,
      `@types/node@${versionOf("@types/node")}`,
    ],
    program,
  );

  emulator = await startEmulator({ seed: fleetSeed(1), token: TOKEN, jobDurationMs: 50 });
  stack = new ProgramStack(program);
  await stack.init(
    { "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, releasePlanId: RELEASE_PLAN_ID },
    { "servicestage:authToken": TOKEN },
  );
}, 300_000);

afterAll(async () => {
  await stack?.dispose();
  await emulator?.close();
  if (program !== undefined) fs.rmSync(program, { recursive: true, force: true });
});

test("the program resolves this package and exactly one @pulumi/pulumi from its own node_modules", () => {
  const resolve = (name: string) =>
    execFileSync(process.execPath, ["-p", `require.resolve(${JSON.stringify(name)})`], { cwd: program, encoding: "utf8" }).trim();
  expect(resolve("pulumi-servicestage/provider")).toContain(path.join(program, "node_modules", "pulumi-servicestage"));
  const copies = execFileSync("find", [path.join(program, "node_modules"), "-path", "*/@pulumi/pulumi/package.json"], { encoding: "utf8" })
    .trim()
    .split("\n");
  expect(copies).toEqual([path.join(program, "node_modules", "@pulumi", "pulumi", "package.json")]);
});

test("a strict TypeScript program reads every argument as a typed output (none of them any) against the tarball's types", () => {
  const source = `
    import * as pulumi from "@pulumi/pulumi";
    import { JobComponent, ReleasePlan } from "pulumi-servicestage";
    type IsAny<T> = 0 extends 1 & T ? true : false;
    const notAny = <T>(_value: T, ok: IsAny<T> extends false ? true : never): boolean => ok;
    declare const job: JobComponent;
    declare const plan: ReleasePlan;
    const description: pulumi.Output<string | undefined> = job.description;
    const envs = job.envs.apply((e) => (e ?? []).map((x) => x.name.toUpperCase()));
    const strategy = job.deployStrategy.apply((d) => d?.type);
    const cpu: pulumi.Output<number | undefined> = job.limitCpu;
    const storages = job.storages.apply((s) => s?.[0]?.mounts[0]?.path);
    const components = plan.components.apply((c) => c.map((x) => x.componentId));
    const fail: pulumi.Output<"continue" | "stop" | undefined> = plan.failStrategy;
    const jobId: pulumi.Output<string> = job.jobId;
    export const checked = [
      notAny(description, true), notAny(envs, true), notAny(strategy, true), notAny(cpu, true), notAny(storages, true),
      notAny(components, true), notAny(fail, true), notAny(jobId, true), notAny(job.envs, true), notAny(plan.components, true),
    ];
  `;
  fs.writeFileSync(path.join(program, "typecheck.ts"), source);
  try {
    const tsc = path.join(program, "node_modules", "typescript", "bin", "tsc");
    execFileSync(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "false",
        "--types",
        "node",
        "--module",
        "commonjs",
        "--moduleResolution",
        "node",
        "--target",
        "ES2022",
        "typecheck.ts",
      ],
      { cwd: program, encoding: "utf8", stdio: "pipe" },
    );
  } catch (e) {
    throw new Error(`tsc failed:\n${(e as { stdout?: string }).stdout ?? e}`, { cause: e });
  } finally {
    fs.rmSync(path.join(program, "typecheck.ts"), { force: true });
  }
});

test("preview 0 calls; up one redeploy and one edit; a change one PUT; an unchanged up no PUT; refresh shows drift; destroy calls nothing", async () => {
  expect(await stack.preview()).toEqual({ create: 3 });
  expect(calls()).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 3 });
  expect(
    calls("PUT")
      .map((r) => r.path)
      .sort(),
  ).toEqual([`${componentPath}/redeployment`, planPath]);

  await stack.pulumi(["config", "set", "version", "2025.0701.1"]);
  emulator.clearRequests();
  expect(await stack.preview()).toEqual({ same: 2, update: 1 });
  expect(calls()).toHaveLength(0);
  expect((await stack.up()).resourceChanges).toEqual({ same: 2, update: 1 });
  expect(calls("PUT").map((r) => r.path)).toEqual([`${componentPath}/redeployment`]);
  expect(emulator.getComponent("app-demo", "comp-00")?.spec.version).toBe("2025.0701.1");

  emulator.clearRequests();
  expect((await stack.up()).resourceChanges).toEqual({ same: 3 });
  expect(calls("PUT")).toHaveLength(0);

  emulator.putComponent("app-demo", "comp-00", { ...emulator.getComponent("app-demo", "comp-00")?.spec, version: "2025.0702.5" });
  emulator.clearRequests();
  const refresh = await stack.run(["refresh", "--yes", "--skip-preview", "--diff"]);
  expect(refresh.code).toBe(0);
  expect(refresh.output).toMatch(/~ version\s*: "2025.0701.1" => "2025.0702.5"/);
  expect(calls().every((r) => r.method === "GET")).toBe(true);

  const state = await stack.exportState();
  expect(state).not.toContain(TOKEN);
  expect(state).not.toContain(program); // the serialized provider holds no path of this machine
  expect(state).toContain('require(\\"pulumi-servicestage/provider\\")');

  emulator.clearRequests();
  expect(await stack.apply("destroy")).toMatchObject({ result: "succeeded", resourceChanges: { delete: 3 } });
  expect(calls()).toHaveLength(0);
});
