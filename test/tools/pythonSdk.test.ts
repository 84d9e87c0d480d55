/**
 * The Python SDK as a user installs it: `npm run pack:python` (scripts/pack-python.js)
 * builds sdk/python into a wheel and an sdist, with the package's version and the
 * plugin's pulumi-plugin.json inside; the wheel installs into a fresh virtualenv beside
 * Pulumi's Python SDK from the package index, and imports.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repo } from "../harness/cli";

jest.setTimeout(300_000);

const VERSION = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const PULUMI_VERSION = (JSON.parse(fs.readFileSync(path.join(repo, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string })
  .version;

let scratch: string;
let wheel: string;
let sdist: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-python-sdk-"));
  const printed = execFileSync(process.execPath, [path.join(repo, "scripts", "pack-python.js"), "--out-dir", path.join(scratch, "dist")], {
    cwd: repo,
    stdio: "pipe",
  })
    .toString()
    .trim()
    .split("\n");
  [wheel, sdist] = printed;
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("a wheel and an sdist named for the package's version, each holding pulumi-plugin.json; the generated tree is left as it was", () => {
  expect(path.basename(wheel)).toBe(`pulumi_servicestage-${VERSION}-py3-none-any.whl`);
  expect(path.basename(sdist)).toBe(`pulumi_servicestage-${VERSION}.tar.gz`);
  const wheelFiles = execFileSync("python3", ["-m", "zipfile", "-l", wheel]).toString();
  expect(wheelFiles).toContain("pulumi_servicestage/pulumi-plugin.json");
  expect(wheelFiles).toContain("pulumi_servicestage/py.typed");
  const sdistFiles = execFileSync("tar", ["-tzf", sdist]).toString();
  expect(sdistFiles).toContain(`pulumi_servicestage-${VERSION}/pulumi_servicestage/pulumi-plugin.json`);
  expect(fs.readdirSync(path.join(repo, "sdk", "python")).filter((f) => /egg-info|^build$|^dist$/.test(f))).toEqual([]);
});

test("the wheel installs into a fresh virtualenv with Pulumi's Python SDK of the CLI's version, and imports", () => {
  const venv = path.join(scratch, "venv");
  execFileSync("python3", ["-m", "venv", venv], { stdio: "pipe" });
  const python = path.join(venv, "bin", "python");
  execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, `pulumi==${PULUMI_VERSION}`], { stdio: "pipe" });
  const probe = [
    "import json, importlib.metadata, importlib.resources",
    "import pulumi_servicestage as s",
    "print(json.dumps({",
    "  'version': importlib.metadata.version('pulumi_servicestage'),",
    "  'pulumi': importlib.metadata.version('pulumi'),",
    "  'plugin': json.loads(importlib.resources.files('pulumi_servicestage').joinpath('pulumi-plugin.json').read_text()),",
    "  'resources': [n for n in ('JobComponent', 'ReleasePlan', 'Provider') if hasattr(s, n)],",
    "}))",
  ].join("\n");
  const seen = JSON.parse(execFileSync(python, ["-c", probe], { cwd: scratch }).toString()) as Record<string, unknown>;
  expect(seen).toEqual({
    version: VERSION,
    pulumi: PULUMI_VERSION,
    plugin: expect.objectContaining({ resource: true, name: "servicestage", version: VERSION }),
    resources: ["JobComponent", "ReleasePlan", "Provider"],
  });
});
