/**
 * The SDKs generated from the plugin's schema (scripts/gen-sdks.js): sdk/go and sdk/python
 * are what the generator makes from the schema, the Go SDK vets and builds, every Python file
 * compiles, the Node.js SDK that the schema makes compiles under tsc, and the generator
 * refuses a broken schema with its diagnostics.
 *
 * Go and Python 3 are required: when one is missing the tests that need it fail, saying
 * so; nothing is skipped. Every go command runs with GOPROXY=off (the network is only
 * 127.0.0.1), so the module cache must already hold the CLI's modules and what
 * sdk/go/go.sum pins: `npm run gen:sdks`, or the lint step of `npm test`, fetches them on
 * a cold machine.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { diffTrees } from "../../scripts/gen-sdks";

// A cold build of the generator and of the Go SDK's dependencies takes minutes; warm, the
// whole file takes about 10 s.
jest.setTimeout(600_000);

const repo = path.resolve(__dirname, "..", "..");
const goSdk = path.join(repo, "sdk", "go");
const pythonSdk = path.join(repo, "sdk", "python");
const generator = path.join(repo, ".tools", "bin", "gen-sdk");
const schemaPath = path.join(repo, "plugin", "schema.json");

/** Go flags of the caller without its -mod, which each command sets itself. */
const callerGoFlags = (process.env.GOFLAGS ?? "").split(/\s+/).filter((flag) => flag !== "" && !flag.startsWith("-mod="));
/** The module cache only, no go.work, and go.mod/go.sum never edited. */
const goEnv: NodeJS.ProcessEnv = { ...process.env, GOPROXY: "off", GOWORK: "off", GOFLAGS: [...callerGoFlags, "-mod=readonly"].join(" ") };

const HINTS: Record<string, string> = {
  go: "install Go 1.25 or later (https://go.dev/dl/); the Go SDK's checks and the generator need it",
  python3: "install Python 3 (3.9 or later); the Python SDK's check needs it",
};

/** Runs a command to its end; a command that is not installed fails the test with a hint. */
function exec(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: options.cwd ?? repo, env: options.env ?? goEnv, maxBuffer: 64 << 20 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new Error(`'${command}' is not on PATH: ${HINTS[command] ?? "it is needed"}`);
  }
  if (result.error) throw result.error;
  return result;
}

/** What a finished command printed, for assertion messages. */
const transcript = (result: SpawnSyncReturns<string>): string => `exit ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

/** Every file under `dir` whose name passes `keep`, relative. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).filter((file) => keep(file) && fs.statSync(path.join(dir, file)).isFile());
}

let scratch: string;
/** `node scripts/gen-sdks.js --check`, run once for the tests that read its report. */
let check: SpawnSyncReturns<string>;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-sdks-"));
  check = exec(process.execPath, [path.join(repo, "scripts", "gen-sdks.js"), "--check"]);
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("sdk/go and sdk/python are what the generator makes from the schema", () => {
  expect({ status: check.status, transcript: transcript(check) }).toEqual({ status: 0, transcript: expect.any(String) });
  expect(check.stderr).toContain("gen-sdks: sdk/go is up to date");
  expect(check.stderr).toContain("gen-sdks: sdk/python is up to date");
});

test("the Node.js SDK that the schema makes compiles under tsc, and is not kept", () => {
  expect(check.stderr).toMatch(/gen-sdks: the Node\.js SDK \(\d+ files\) compiles under tsc/);
  expect(fs.existsSync(path.join(repo, "sdk", "nodejs"))).toBe(false);
});

test("go vet and go build pass on sdk/go, with its go.mod and go.sum as they are", () => {
  const before = ["go.mod", "go.sum"].map((file) => fs.readFileSync(path.join(goSdk, file), "utf8"));
  for (const args of [
    ["vet", "./..."],
    ["build", "./..."],
  ]) {
    const result = exec("go", args, { cwd: goSdk });
    expect({ command: `go ${args.join(" ")}`, status: result.status, output: result.stderr }).toEqual({
      command: `go ${args.join(" ")}`,
      status: 0,
      output: "",
    });
  }
  expect(["go.mod", "go.sum"].map((file) => fs.readFileSync(path.join(goSdk, file), "utf8"))).toEqual(before);
});

test("python3 -m py_compile passes on every Python file of sdk/python", () => {
  const sources = filesUnder(pythonSdk, (file) => /\.pyi?$/.test(file) && !file.split(path.sep).includes("__pycache__"));
  expect(sources).toEqual(
    expect.arrayContaining(["setup.py", path.join("pulumi_servicestage", "__init__.py"), path.join("pulumi_servicestage", "job_component.py")]),
  );
  // The byte code goes to the scratch folder, not beside the sources in the tree.
  const result = exec("python3", ["-m", "py_compile", ...sources], {
    cwd: pythonSdk,
    env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(scratch, "pycache") },
  });
  expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: "" });
  expect(filesUnder(pythonSdk, (file) => file.endsWith(".pyc"))).toEqual([]);
});

test("the generator prints nothing on success, and refuses a broken schema with its diagnostics, writing nothing", () => {
  // beforeAll's check built the generator.
  if (!fs.existsSync(generator)) throw new Error(`${generator} was not built: see why in the first test's transcript`);
  const ok = exec(generator, ["-schema", schemaPath, "-out", path.join(scratch, "ok")]);
  expect({ status: ok.status, stdout: ok.stdout, stderr: ok.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  expect(fs.readdirSync(path.join(scratch, "ok")).sort()).toEqual(["go", "nodejs", "python"]);

  const spec = JSON.parse(fs.readFileSync(schemaPath, "utf8")) as { resources: Record<string, { inputProperties: Record<string, unknown> }> };
  spec.resources["servicestage:index:JobComponent"].inputProperties.componentId = { $ref: "#/types/servicestage:index:NoSuchType" };
  const broken = path.join(scratch, "broken.json");
  fs.writeFileSync(broken, JSON.stringify(spec));
  const out = path.join(scratch, "broken");
  const refused = exec(generator, ["-schema", broken, "-out", out]);
  expect(refused.status).toBe(1);
  expect(refused.stdout).toBe("");
  expect(refused.stderr).toContain("the schema has 1 diagnostic(s)");
  expect(refused.stderr).toContain(
    "error: #/resources/servicestage:index:JobComponent/inputProperties/componentId/$ref: type servicestage:index:NoSuchType not found",
  );
  expect(fs.existsSync(out)).toBe(false);

  // A misspelt top-level key would otherwise vanish before validation.
  fs.writeFileSync(broken, JSON.stringify({ ...spec, langauge: {} }));
  const typo = exec(generator, ["-schema", broken, "-out", out]);
  expect({ status: typo.status, stderr: typo.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('unknown field "langauge"') });
});

test("--check names every changed, missing and extra file; README.md and Python's caches are not compared", () => {
  const expected = path.join(scratch, "expected");
  const actual = path.join(scratch, "actual");
  const write = (root: string, file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  for (const [file, text] of [
    ["go.mod", "module m\n"],
    ["pkg/same.go", "package pkg\n"],
    ["pkg/changed.go", "package pkg\n"],
    ["pkg/missing.go", "package pkg\n"],
  ]) {
    write(expected, file, text);
  }
  for (const [file, text] of [
    ["go.mod", "module m\n"],
    ["pkg/same.go", "package pkg\n"],
    ["pkg/changed.go", "package pkg \n"],
    ["pkg/stale.go", "package pkg\n"],
    ["README.md", "written by hand\n"],
    ["pkg/__pycache__/x.cpython-311.pyc", "cache"],
  ]) {
    write(actual, file, text);
  }
  expect(diffTrees(expected, actual)).toEqual(["pkg/changed.go: differs", "pkg/missing.go: missing", "pkg/stale.go: not generated (remove it)"]);
  expect(diffTrees(expected, expected)).toEqual([]);
  // A README.md deeper down is generated (pulumi_servicestage/README.md), so it is compared.
  write(actual, "pkg/README.md", "x");
  expect(diffTrees(expected, actual)).toContain("pkg/README.md: not generated (remove it)");
});
