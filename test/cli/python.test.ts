/**
 * A Python program, as its users run it: the plain `pulumi` CLI with the Python language
 * host that scripts/provision-pulumi.sh provides (a normal installation's, or here the launcher
 * in front of v3.65.0 that hands it Pulumi.yaml's runtime options), through the native plugin,
 * against the emulator, counting the HTTP calls each step makes. Nothing is activated and
 * nothing is built first: in examples/python, as on a fresh clone, the first `pulumi preview`
 * creates the virtualenv that Pulumi.yaml names (`venv`) and installs requirements.txt into it
 * (Pulumi's Python SDK from the package index, the generated SDK from sdk/python through
 * sdk/python-local), and every later command reuses it. Also: `pulumi install` making a
 * program's virtualenv, and a program of one's own outside the repository (its code in a
 * sub-folder named by `main:`) whose virtualenv was made by hand before its first `pulumi up`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { exampleSeed, otherProjectSeed } from "../harness/world";

jest.setTimeout(600_000);

const TOKEN = "demo-token";
const JOB = "servicestage:index:JobComponent";
const RELEASE = "servicestage:index:ReleasePlan";
const RELEASE_ID = "bb09c189-d17e-480a-a0e4-3a102b3795b0";
const exampleDir = path.join(repo, "examples", "python");
const typoDir = path.join(repo, "test", "programs", "python-typo");
const venv = path.join(exampleDir, "venv");
const typoVenv = path.join(typoDir, "venv");
/** The type checker the example is checked with, pinned. */
const MYPY = "mypy==1.13.0";
/** What the Python host prints when it makes a virtualenv. */
const CREATING = "Creating virtual environment";
const redeployPath = (projectId: string, component = "comp-job") => `/v3/${projectId}/cas/applications/app-demo/components/${component}/redeployment`;

let emulators: Emulator[] = [];
let stacks: ProgramStack[] = [];

beforeAll(() => {
  // A fresh clone: no virtualenv in the program folders.
  for (const dir of [venv, typoVenv]) fs.rmSync(dir, { recursive: true, force: true });
  // The Python first on PATH has neither SDK: a program that runs has run in its virtualenv.
  expect(spawnSync("python3", ["-c", "import pulumi_servicestage"]).status).not.toBe(0);
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
  const s = new ProgramStack(dir);
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

/** Where a virtualenv's Python finds the two SDKs, and the version of Pulumi's. */
const installedIn = (virtualenv: string) =>
  JSON.parse(
    execFileSync(
      path.join(virtualenv, "bin", "python"),
      ["-c", "import importlib.metadata as m, json, pulumi_servicestage as s; print(json.dumps({'sdk': s.__file__, 'pulumi': m.version('pulumi')}))"],
      { encoding: "utf8" },
    ),
  ) as { sdk: string; pulumi: string };

/** A file put into a virtualenv: still there at the end, the virtualenv was never made again. */
const MARKER = "made-once.servicestage-test";
const mark = (virtualenv: string) => fs.writeFileSync(path.join(virtualenv, MARKER), "");
const marked = (virtualenv: string) => fs.existsSync(path.join(virtualenv, MARKER));

/** The files under sdk/python (the generated SDK) and sdk/python-local, Python's byte-code caches aside. */
const sdkTree = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "__pycache__" || entry.name.endsWith(".pyc")) continue;
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else files.push(path.relative(repo, child));
    }
  };
  for (const dir of ["python", "python-local"]) walk(path.join(repo, "sdk", dir));
  return files.sort();
};
let sdkBefore: string[] = [];
beforeAll(() => {
  sdkBefore = sdkTree();
});
/** Installing the SDK wrote nothing there: no build/, no *.egg-info, nothing else (`npm run check:sdks`). */
const expectSdkUntouched = () => {
  expect(sdkTree().filter((f) => /(^|\/)(build|dist)\/|\.egg-info(\/|$)/.test(f))).toEqual([]);
  expect(sdkTree()).toEqual(sdkBefore);
};

test("examples/python on a fresh clone: the first preview makes its virtualenv (requirements.txt, the SDK from sdk/python, nothing written there) and calls nothing, up is one redeploy and one release edit, a config change is one PUT, an unchanged up none, refresh shows drift, an explicit provider reaches its own project, destroy calls nothing, all in that one virtualenv", async () => {
  const emu = await emulator(exampleSeed());
  const other = await emulator(otherProjectSeed());
  const stack = await configured(exampleDir, emu);
  expect(fs.existsSync(venv)).toBe(false);

  const firstPreview = await stack.pulumi(["preview"]);
  expect(firstPreview).toContain(CREATING);
  expect(firstPreview).toMatch(/\+ 3 to create/);
  expect(emu.requests()).toHaveLength(0);
  // requirements.txt as written: Pulumi's SDK at the CLI's version, ours built from this checkout.
  expect(installedIn(venv)).toEqual({ pulumi: "3.248.0", sdk: expect.stringContaining(`${venv}${path.sep}lib${path.sep}`) as string });
  expectSdkUntouched();
  mark(venv);

  expect(await stack.preview()).toEqual({ create: 3 });
  expect(emu.requests()).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 3 });
  expect(puts(emu).sort()).toEqual([redeployPath(emu.projectId), `/v3/${emu.projectId}/cas/release-plans/${RELEASE_ID}`].sort());
  expect(await stack.outputs()).toMatchObject({
    jobStatus: "SUCCEEDED",
    version: "2025.0323.15181",
    jobId: emu.getComponent("app-demo", "comp-job")?.status.last_job_id,
    releasePlanId: RELEASE_ID,
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
  expect(marked(venv)).toBe(true);
});

test("pulumi import in a Python project (--generate-code=false: the Python host cannot generate code) puts both resources in the state; an unknown id does not exist", async () => {
  const emu = await emulator(exampleSeed());
  const stack = await configured(exampleDir, emu);
  // Host v3.65.0 answers GenerateProgram "unknown method", as the Go host does: the state is written, the code is not.
  await stack.pulumi(["import", JOB, "imported-job", "app-demo/comp-job", "--yes", "--generate-code=false"]);
  await stack.pulumi(["import", RELEASE, "imported-release", RELEASE_ID, "--yes", "--generate-code=false"]);
  const [imported] = await resourcesInState(stack, JOB);
  expect(imported).toMatchObject({ id: "app-demo/comp-job", protect: true, outputs: { name: "mycomponent", version: "2025.0323.15181" } });
  expect(await resourcesInState(stack, RELEASE)).toHaveLength(1);
  expect(puts(emu)).toHaveLength(0);

  const missing = await stack.run(["import", JOB, "missing", "app-demo/comp-missing", "--yes", "--generate-code=false"]);
  expect(missing.code).not.toBe(0);
  expect(missing.output).toContain("resource 'app-demo/comp-missing' does not exist");
});

test("pulumi install makes a program's virtualenv; then a misspelled keyword argument (versoin) fails the preview with Python's own error, before any call", async () => {
  const emu = await emulator(exampleSeed());
  const stack = await configured(typoDir, emu);
  expect(fs.existsSync(typoVenv)).toBe(false);
  // --no-plugins: the plugin comes from PATH here; the CLI would try to download it.
  const install = await stack.runCommand(["install", "--no-plugins"]);
  expect(install).toMatchObject({ code: 0, output: expect.stringContaining(CREATING) as string });
  expect(installedIn(typoVenv).pulumi).toBe("3.248.0");
  mark(typoVenv);

  const preview = await stack.run(["preview"]);
  expect(preview.code).not.toBe(0);
  expect(preview.output).toMatch(/TypeError: .*unexpected keyword argument 'versoin'/);
  expect(preview.output).not.toContain(CREATING);
  expect(marked(typoVenv)).toBe(true);
  expect(emu.requests()).toHaveLength(0);
});

test("a program of one's own outside the repository, its code in the folder `main:` names and a virtualenv made by hand before its first up: up runs in that virtualenv as it is", async () => {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-python-own-"));
  try {
    fs.mkdirSync(path.join(own, "program"));
    fs.copyFileSync(path.join(exampleDir, "__main__.py"), path.join(own, "program", "__main__.py"));
    fs.writeFileSync(path.join(own, "Pulumi.yaml"), "name: own-python\nmain: program\nruntime:\n  name: python\n  options:\n    virtualenv: .venv\n");
    // The published package's stand-in: this checkout's SDK, as examples/python installs it.
    fs.writeFileSync(path.join(own, "requirements.txt"), `pulumi==3.248.0\n${path.join(repo, "sdk", "python-local")}\n`);
    execFileSync("python3", ["-m", "venv", ".venv"], { cwd: own, stdio: "pipe" });
    execFileSync(path.join(own, ".venv", "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"], {
      cwd: own,
      stdio: "pipe",
    });
    mark(path.join(own, ".venv"));

    const emu = await emulator(exampleSeed());
    const stack = await configured(own, emu);
    const up = await stack.up();
    expect(up.resourceChanges).toEqual({ create: 3 });
    expect(up.messages.join("")).not.toContain(CREATING);
    expect(puts(emu).sort()).toEqual([redeployPath(emu.projectId), `/v3/${emu.projectId}/cas/release-plans/${RELEASE_ID}`].sort());
    expect((await stack.up()).resourceChanges).toEqual({ same: 3 });
    expect(marked(path.join(own, ".venv"))).toBe(true);
    expect((await stack.apply("destroy")).result).toBe("succeeded");
    expectSdkUntouched();
  } finally {
    for (const s of stacks) await s.dispose();
    stacks = [];
    fs.rmSync(own, { recursive: true, force: true });
  }
});

test("the example type-checks under mypy, installed into the virtualenv the CLI made", async () => {
  if (!fs.existsSync(venv)) {
    // Run alone: the virtualenv the first test's preview makes, by `pulumi install`.
    const install = await stackIn(exampleDir).runCommand(["install", "--no-plugins"]);
    expect(install.code).toBe(0);
  }
  execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", MYPY], { cwd: exampleDir, stdio: "pipe" });
  const mypy = path.join(venv, "bin", "mypy");
  // Its cache goes to the test's own folder: nothing is written into the example.
  const cacheDir = path.join(fs.mkdtempSync(path.join(repo, ".tools", "mypy-cache-")), "cache");
  const out = execFileSync(mypy, ["--strict", "--no-error-summary", "--cache-dir", cacheDir, "__main__.py"], { cwd: exampleDir, stdio: "pipe" }).toString();
  expect(out).toBe("");
  // The misspelling above is caught by the type checker too, without its ignore comment.
  const typo = fs.readFileSync(path.join(typoDir, "__main__.py"), "utf8").replace("  # type: ignore[call-arg]", "");
  const scratch = fs.mkdtempSync(path.join(repo, ".tools", "mypy-typo-"));
  try {
    fs.writeFileSync(path.join(scratch, "typo.py"), typo);
    let failed = "";
    try {
      execFileSync(mypy, ["typo.py"], { cwd: scratch, stdio: "pipe" });
    } catch (e) {
      failed = String((e as { stdout?: Buffer }).stdout ?? "");
    }
    expect(failed).toMatch(/typo\.py:\d+: error: No overload variant of "JobComponent" matches argument types/);
    expect(failed).toContain("Found 1 error in 1 file");
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
