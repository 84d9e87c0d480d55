/**
 * A Python program, as its users run it: the plain `pulumi` CLI with the Python language
 * host (pulumi-language-python, built by scripts/provision-pulumi.sh) in examples/python,
 * whose virtualenv holds Pulumi's Python SDK from the package index and the generated SDK
 * as a wheel (`npm run pack:python`), through the native plugin, against the emulator,
 * counting the HTTP calls each step makes. The virtualenv is made here, by the README's
 * commands, and activated (its bin/ first on PATH): the provisioned host (v3.65.0)
 * ignores Pulumi.yaml's `virtualenv` option (scripts/go/pulumi-language-python/go.mod).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { exampleSeed, otherProjectSeed } from "../harness/world";

jest.setTimeout(600_000);

const TOKEN = "demo-token";
const JOB = "servicestage:index:JobComponent";
const RELEASE = "servicestage:index:ReleasePlan";
const exampleDir = path.join(repo, "examples", "python");
const typoDir = path.join(repo, "test", "programs", "python-typo");
const venv = path.join(exampleDir, "venv");
/** The type checker the example is checked with, pinned. */
const MYPY = "mypy==1.13.0";
const redeployPath = (projectId: string, component = "comp-job") => `/v3/${projectId}/cas/applications/app-demo/components/${component}/redeployment`;

/** `. venv/bin/activate`, as far as the CLI and its Python host see it. */
const activated = () => ({ PATH: `${path.join(venv, "bin")}${path.delimiter}${process.env.PATH ?? ""}`, VIRTUAL_ENV: venv });

let emulators: Emulator[] = [];
let stacks: ProgramStack[] = [];

beforeAll(() => {
  // The README's commands: the SDK's wheel, then a fresh virtualenv from requirements.txt.
  execFileSync(process.execPath, [path.join(repo, "scripts", "pack-python.js")], { cwd: repo, stdio: "pipe" });
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync("python3", ["-m", "venv", "venv"], { cwd: exampleDir, stdio: "pipe" });
  const pip = path.join(venv, "bin", "pip");
  execFileSync(pip, ["install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt", MYPY], { cwd: exampleDir, stdio: "pipe" });
});

afterEach(async () => {
  for (const s of stacks) await s.dispose();
  stacks = [];
  for (const e of emulators) await e.close();
  emulators = [];
});

const emulator = async (seed: Seed): Promise<Emulator> => {
  const e = await startEmulator({ seed, token: TOKEN, jobDurationMs: 300 });
  emulators.push(e);
  return e;
};
const stackIn = (dir: string): ProgramStack => {
  const s = new ProgramStack(dir, activated());
  stacks.push(s);
  return s;
};
const configured = async (dir: string, emu: Emulator): Promise<ProgramStack> => {
  const s = stackIn(dir);
  await s.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId }, { "servicestage:authToken": TOKEN });
  return s;
};
const puts = (emu: Emulator) =>
  emu
    .requests()
    .filter((r) => r.method === "PUT")
    .map((r) => r.path);
type StateResource = { type: string; id?: string; protect?: boolean; outputs?: Record<string, unknown> };
const resourcesInState = async (s: ProgramStack, type: string): Promise<StateResource[]> =>
  (JSON.parse(await s.exportState()) as { deployment: { resources: StateResource[] } }).deployment.resources.filter((r) => r.type === type);

test("examples/python: preview calls nothing, up is one redeploy and one release edit, a config change is one PUT, an unchanged up none, refresh shows drift, an explicit provider reaches its own project, destroy calls nothing", async () => {
  const emu = await emulator(exampleSeed());
  const other = await emulator(otherProjectSeed());
  const stack = await configured(exampleDir, emu);

  expect(await stack.preview()).toEqual({ create: 3 });
  expect(emu.requests()).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 3 });
  expect(puts(emu).sort()).toEqual([redeployPath(emu.projectId), `/v3/${emu.projectId}/cas/release-plans/bb09c189-d17e-480a-a0e4-3a102b3795b0`].sort());
  expect(await stack.outputs()).toMatchObject({
    jobStatus: "SUCCEEDED",
    version: "2025.0323.15181",
    jobId: emu.getComponent("app-demo", "comp-job")?.status.last_job_id,
    releasePlanId: "bb09c189-d17e-480a-a0e4-3a102b3795b0",
  });

  await stack.pulumi(["config", "set", "version", "2025.0401.1"]);
  emu.clearRequests();
  expect((await stack.preview(["--diff"])).update).toBe(1);
  expect(emu.requests()).toHaveLength(0);
  expect((await stack.up()).resourceChanges).toMatchObject({ update: 1 });
  expect(puts(emu)).toEqual([redeployPath(emu.projectId)]);

  emu.clearRequests();
  expect((await stack.up()).resourceChanges).toEqual({ same: 3 });
  expect(puts(emu)).toHaveLength(0);

  emu.putComponent("app-demo", "comp-job", { ...emu.getComponent("app-demo", "comp-job")?.spec, version: "2025.0402.9" });
  emu.clearRequests();
  expect((await stack.apply("refresh")).resourceChanges).toMatchObject({ update: 1 });
  expect(puts(emu)).toHaveLength(0);
  expect((await resourcesInState(stack, JOB)).find((r) => r.id === "app-demo/comp-job")?.outputs?.version).toBe("2025.0402.9");

  await stack.pulumi(["config", "set", "otherProjectId", other.projectId]);
  await stack.pulumi(["config", "set", "otherEndpoint", other.url]);
  await stack.pulumi(["config", "set", "--secret", "otherAuthToken", TOKEN]);
  emu.clearRequests();
  expect((await stack.up()).resourceChanges).toMatchObject({ create: 2 }); // the provider and its component
  expect(puts(other)).toEqual([redeployPath(other.projectId, "comp-other")]);
  expect((await stack.outputs()).otherJobId).toBe(other.getComponent("app-demo", "comp-other")?.status.last_job_id);
  expect(await stack.exportState()).not.toContain(TOKEN);

  emu.clearRequests();
  other.clearRequests();
  expect((await stack.apply("destroy")).result).toBe("succeeded");
  expect([...emu.requests(), ...other.requests()]).toHaveLength(0);
});

test("pulumi import in a Python project (--generate-code=false: the Python host cannot generate code) puts both resources in the state; an unknown id does not exist", async () => {
  const emu = await emulator(exampleSeed());
  const stack = await configured(exampleDir, emu);
  // Host v3.65.0 answers GenerateProgram "unknown method", as the Go host does: the state is written, the code is not.
  await stack.pulumi(["import", JOB, "imported-job", "app-demo/comp-job", "--yes", "--generate-code=false"]);
  await stack.pulumi(["import", RELEASE, "imported-release", "bb09c189-d17e-480a-a0e4-3a102b3795b0", "--yes", "--generate-code=false"]);
  const [imported] = await resourcesInState(stack, JOB);
  expect(imported).toMatchObject({ id: "app-demo/comp-job", protect: true, outputs: { name: "mycomponent", version: "2025.0323.15181" } });
  expect(await resourcesInState(stack, RELEASE)).toHaveLength(1);
  expect(puts(emu)).toHaveLength(0);

  const missing = await stack.run(["import", JOB, "missing", "app-demo/comp-missing", "--yes", "--generate-code=false"]);
  expect(missing.code).not.toBe(0);
  expect(missing.output).toContain("resource 'app-demo/comp-missing' does not exist");
});

test("a misspelled keyword argument (versoin) fails the preview with Python's own error, before any call", async () => {
  const emu = await emulator(exampleSeed());
  const stack = await configured(typoDir, emu);
  const preview = await stack.run(["preview"]);
  expect(preview.code).not.toBe(0);
  expect(preview.output).toMatch(/TypeError: .*unexpected keyword argument 'versoin'/);
  expect(emu.requests()).toHaveLength(0);
});

test("the example type-checks under mypy against the installed SDK (from its wheel)", () => {
  const mypy = path.join(venv, "bin", "mypy");
  // Its cache goes to the test's own folder: nothing is written into the example.
  const cacheDir = path.join(fs.mkdtempSync(path.join(repo, ".tools", "mypy-cache-")), "cache");
  const out = execFileSync(mypy, ["--strict", "--no-error-summary", "--cache-dir", cacheDir, "__main__.py"], {
    cwd: exampleDir,
    stdio: "pipe",
    env: { ...process.env, ...activated() },
  }).toString();
  expect(out).toBe("");
  // The misspelling above is caught by the type checker too, without its ignore comment.
  const typo = fs.readFileSync(path.join(typoDir, "__main__.py"), "utf8").replace("  # type: ignore[call-arg]", "");
  const scratch = fs.mkdtempSync(path.join(repo, ".tools", "mypy-typo-"));
  try {
    fs.writeFileSync(path.join(scratch, "typo.py"), typo);
    let failed = "";
    try {
      execFileSync(mypy, ["typo.py"], { cwd: scratch, stdio: "pipe", env: { ...process.env, ...activated() } });
    } catch (e) {
      failed = String((e as { stdout?: Buffer }).stdout ?? "");
    }
    expect(failed).toMatch(/typo\.py:\d+: error: No overload variant of "JobComponent" matches argument types/);
    expect(failed).toContain("Found 1 error in 1 file");
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
