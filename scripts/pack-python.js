#!/usr/bin/env node
/**
 * `npm run pack:python`: the Python SDK as a user installs it. Builds sdk/python (generated
 * by scripts/gen-sdks.js from the plugin's schema) into a wheel and an sdist in
 * dist/python/, with PyPA's `build` in a virtualenv of its own (.tools/python-build, made
 * on first use from the Python package index; pinned below). The package carries the
 * package.json version and the plugin's pulumi-plugin.json (package_data of setup.py).
 *
 *   node scripts/pack-python.js [--out-dir DIR]   prints the wheel's path, then the sdist's
 *
 * The build runs on a copy of sdk/python, so that nothing (build/, *.egg-info) is written
 * into the generated tree that `npm run check:sdks` compares.
 */
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { parseArgs } = require("node:util");

const repo = path.resolve(__dirname, "..");
/** PyPA's build frontend, pinned: the one tool this step takes from the package index. */
const BUILD_REQUIREMENT = "build==1.2.2.post1";
const venv = path.join(repo, ".tools", "python-build");
const python = path.join(venv, "bin", "python");

const run = (file, args, options = {}) => execFileSync(file, args, { stdio: ["ignore", "pipe", "inherit"], ...options }).toString();

const buildVenv = () => {
  const stamp = path.join(venv, "requirement.txt");
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === BUILD_REQUIREMENT) return;
  fs.rmSync(venv, { recursive: true, force: true });
  run("python3", ["-m", "venv", venv]);
  run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", BUILD_REQUIREMENT]);
  fs.writeFileSync(stamp, BUILD_REQUIREMENT);
};

const main = () => {
  const { values } = parseArgs({ options: { "out-dir": { type: "string" } }, strict: true });
  const outDir = path.resolve(values["out-dir"] ?? path.join(repo, "dist", "python"));
  const version = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).version;
  const setup = fs.readFileSync(path.join(repo, "sdk", "python", "setup.py"), "utf8");
  if (!setup.includes(`VERSION = "${version}"`)) throw new Error(`sdk/python/setup.py is not version ${version}: run npm run gen:sdks`);
  buildVenv();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-pack-python-"));
  try {
    const source = path.join(work, "python");
    fs.cpSync(path.join(repo, "sdk", "python"), source, { recursive: true, filter: (p) => !/__pycache__|\.egg-info|[\\/]build$/.test(p) });
    fs.mkdirSync(outDir, { recursive: true });
    run(python, ["-m", "build", "--wheel", "--sdist", "--outdir", outDir, source], { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const wheel = path.join(outDir, `pulumi_servicestage-${version}-py3-none-any.whl`);
  const sdist = path.join(outDir, `pulumi_servicestage-${version}.tar.gz`);
  for (const f of [wheel, sdist]) if (!fs.existsSync(f)) throw new Error(`pack-python: ${f} was not built`);
  process.stdout.write(`${wheel}\n${sdist}\n`);
};

try {
  main();
} catch (e) {
  process.stderr.write(`pack-python: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
