#!/usr/bin/env node
/**
 * Generates the Go and Python SDKs of the native plugin from its schema
 * (plugin/schema.json), and checks that the schema makes a Node.js SDK that
 * compiles. `pulumi package gen-sdk` cannot do it here (the language hosts we can build
 * lack GeneratePackage), so scripts/go/pulumi-cli/cmd/gen-sdk links Pulumi's generators
 * at the CLI's version and this script drives it:
 *
 * 1. builds that generator into .tools/bin/gen-sdk (`go build` in the CLI's wrapper module,
 *    so it reuses the CLI's module and build caches; under a second when up to date);
 * 2. runs it into a scratch folder under .tools/ (validating the schema with BindSpec);
 * 3. gives the Go SDK a go.mod and go.sum (below);
 * 4. writes sdk/go/ and sdk/python/ from it, or with --check compares them byte for byte;
 * 5. compiles the Node.js SDK with this repository's TypeScript and @pulumi/pulumi, under
 *    the generator's own strict tsconfig plus exactOptionalPropertyTypes and
 *    noUncheckedIndexedAccess (the rules about our types; the unused-import and `override`
 *    rules would only judge Pulumi's templates). The Node.js SDK is never kept: the
 *    package's own TypeScript SDK (sdk/*.ts) is the one front door for Node.js.
 *
 * The Go SDK's go.mod and go.sum. The generator writes a go.mod that requires only the
 * Pulumi Go SDK (pinned by gen-sdk to the version linked into it, the CLI's). `go mod tidy`
 * would finish it, but tidy also loads the tests of every dependency, from modules that
 * the CLI build never fetched: offline it fails. So the module is resolved from the CLI's
 * module graph instead: every module is floored at the version the CLI's go.mod selects
 * (what the CLI build cached), `go list -deps` names the modules whose packages the SDK
 * builds from, for linux and darwin, and those become the go.mod's indirect requirements;
 * go.sum keeps the checksums of those modules and of the module graph, each of which the
 * CLI's go.sum or the Pulumi Go SDK's own go.sum states (checked). The result depends on
 * the CLI's go.mod and go.sum only, not on what else is cached. A Windows build needs a
 * few more modules (a `go mod tidy` there adds them).
 *
 *   node scripts/gen-sdks.js          write sdk/go/ and sdk/python/   (npm run gen:sdks)
 *   node scripts/gen-sdks.js --check  write nothing into the tree; exit 1, naming the files,
 *                                     when sdk/go/ or sdk/python/ differ from the output
 *
 * Go commands use the environment's GOPROXY: on a cold module cache they download what
 * the CLI's go.sum pins (test/tools/sdks.test.ts sets GOPROXY=off, so it only uses the cache).
 * README.md in sdk/go/ and sdk/python/ is written by hand: kept, and not compared. Python's
 * byte-code caches are not compared either (Python writes them beside the sources, and
 * the generated .gitignore ignores them).
 */
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const repo = path.resolve(__dirname, "..");
const cliModule = path.join(repo, "scripts", "go", "pulumi-cli");
const schemaPath = path.join(repo, "plugin", "schema.json");
const toolsDir = path.join(repo, ".tools");
const generatorBinary = path.join(toolsDir, "bin", "gen-sdk");
/** The SDKs kept in the tree, as sdk/<language>/. */
const KEPT_LANGUAGES = ["go", "python"];
/** Files at the top of sdk/<language>/ that are written by hand, not generated. */
const HAND_WRITTEN = new Set(["README.md"]);
/** Python's byte-code caches: written beside the sources whenever they are imported. */
const isPythonCache = (name) => name === "__pycache__" || name.endsWith(".pyc");
const PULUMI_GO_SDK = "github.com/pulumi/pulumi/sdk/v3";
const PULUMI_GO_PKG = "github.com/pulumi/pulumi/pkg/v3";
/** The platforms whose builds the Go SDK's go.mod and go.sum cover. */
const GO_PLATFORMS = ["linux", "darwin"];

const log = (message) => process.stderr.write(`gen-sdks: ${message}\n`);
const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

class GenSdksError extends Error {}

/** Runs a command and returns its stdout; fails with its stderr. */
function run(command, args, options) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20, ...options });
  } catch (error) {
    if (error.code === "ENOENT") {
      throw new GenSdksError(`'${command}' is not on PATH; ${command === "go" ? "install Go 1.25 or later (https://go.dev/dl/)" : "it is needed"}`);
    }
    const where = options && options.cwd ? ` (in ${path.relative(repo, options.cwd) || "."})` : "";
    throw new GenSdksError(`${command} ${args.join(" ")}${where} failed:\n${(error.stderr || "").trim() || error.message}`);
  }
}

/**
 * The environment of a go command: ours wins over the caller's -mod (the caller's other
 * GOFLAGS stay), no go.work, and pulumi's modules checked against go.sum only, as in
 * scripts/provision-pulumi.sh (the checksum database has no entries for them here).
 */
function goEnv(mod, extra = {}) {
  const flags = (process.env.GOFLAGS || "").split(/\s+/).filter((flag) => flag && !flag.startsWith("-mod="));
  const nosumdb = [process.env.GONOSUMDB, "github.com/pulumi/*"].filter(Boolean).join(",");
  return { ...process.env, GOFLAGS: [...flags, `-mod=${mod}`].join(" "), GOWORK: "off", GONOSUMDB: nosumdb, ...extra };
}

/**
 * Builds the generator into .tools/bin/gen-sdk; `go build` leaves an up-to-date binary alone
 * (under a second then). Go links in its work folder and renames the result into place;
 * with that folder under .tools/ too (GOTMPDIR), the rename stays on one file system, so a
 * concurrent run never executes a half-written binary. -mod=readonly: the build must not
 * edit the CLI module's committed go.mod.
 */
function buildGenerator() {
  const goTmp = path.join(toolsDir, "go-tmp");
  fs.mkdirSync(path.dirname(generatorBinary), { recursive: true });
  fs.mkdirSync(goTmp, { recursive: true });
  run("go", ["build", "-buildvcs=false", "-o", generatorBinary, "./cmd/gen-sdk"], { cwd: cliModule, env: goEnv("readonly", { GOTMPDIR: goTmp }) });
}

/** Parses a go.mod with `go mod edit -json`. */
const readGoMod = (file) => JSON.parse(run("go", ["mod", "edit", "-json", file], { cwd: path.dirname(file), env: goEnv("readonly") }));

/** The modules (path -> version) whose packages the module in `dir` builds from, on `goos`. */
function modulesBuiltFrom(dir, mod, goos) {
  const out = run("go", ["list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}}{{end}}{{end}}", "./..."], {
    cwd: dir,
    env: goEnv(mod, { GOOS: goos }),
  });
  return new Map(
    out
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ")),
  );
}

/** Completes the generated Go module in `dir` with go.mod requirements and a go.sum (see the header). */
function resolveGoModule(dir) {
  const goModPath = path.join(dir, "go.mod");
  const generated = readGoMod(goModPath);
  const sdkRequirement = (generated.Require || []).find((r) => r.Path === PULUMI_GO_SDK);
  const cli = readGoMod(path.join(cliModule, "go.mod"));
  const cliSdk = (cli.Require || []).find((r) => r.Path === PULUMI_GO_SDK);
  if (!sdkRequirement || !cliSdk || sdkRequirement.Version !== cliSdk.Version) {
    throw new GenSdksError(
      `the generated go.mod requires ${PULUMI_GO_SDK} ${sdkRequirement ? sdkRequirement.Version : "<nothing>"}, the CLI module ${cliSdk ? cliSdk.Version : "<nothing>"}`,
    );
  }

  // Floor every module at the CLI's version, with the CLI's checksums, and let `go` add what
  // the SDK's packages need (-mod=mod; a checksum it adds is verified as usual).
  fs.copyFileSync(path.join(cliModule, "go.sum"), path.join(dir, "go.sum"));
  const floors = cli.Require.filter((r) => r.Path !== PULUMI_GO_PKG && r.Path !== PULUMI_GO_SDK).map((r) => `-require=${r.Path}@${r.Version}`);
  run("go", ["mod", "edit", ...floors], { cwd: dir, env: goEnv("mod") });
  const used = new Map();
  for (const goos of GO_PLATFORMS) {
    for (const [module, version] of modulesBuiltFrom(dir, "mod", goos)) used.set(module, version);
  }
  // `go` raised the go directive to what the dependencies ask for (sdk/v3's, 1.25.11 for v3.248.0).
  const goVersion = readGoMod(goModPath).Go;

  const indirect = [...used.keys()]
    .filter((module) => module !== PULUMI_GO_SDK)
    .sort()
    .map((module) => `\t${module} ${used.get(module)} // indirect\n`);
  fs.writeFileSync(
    goModPath,
    `module ${generated.Module.Path}\n\ngo ${goVersion}\n\nrequire ${PULUMI_GO_SDK} ${sdkRequirement.Version}\n\nrequire (\n${indirect.join("")})\n`,
  );
  run("go", ["mod", "edit", "-fmt"], { cwd: dir, env: goEnv("readonly") });

  // go.sum: the zip checksums of the modules built from, the go.mod checksums of the graph.
  const graph = new Set(
    run("go", ["mod", "graph"], { cwd: dir, env: goEnv("readonly") })
      .split(/\s+/)
      .filter((node) => node.includes("@")),
  );
  const sumLines = fs
    .readFileSync(path.join(dir, "go.sum"), "utf8")
    .split("\n")
    .filter((line) => {
      const [module, version] = line.split(" ");
      if (version === undefined) return false;
      if (version.endsWith("/go.mod")) return graph.has(`${module}@${version.slice(0, -"/go.mod".length)}`);
      return used.get(module) === version;
    });
  // Each checksum is one a pinned go.sum states already: the CLI module's, or that of the
  // Pulumi Go SDK (whose own checksum the CLI's go.sum pins), never only the word of a cache.
  const sdkDir = JSON.parse(run("go", ["list", "-m", "-json", PULUMI_GO_SDK], { cwd: dir, env: goEnv("readonly") })).Dir;
  const vouched = new Set([path.join(cliModule, "go.sum"), path.join(sdkDir, "go.sum")].flatMap((file) => fs.readFileSync(file, "utf8").split("\n")));
  const unvouched = sumLines.filter((line) => !vouched.has(line));
  if (unvouched.length > 0) throw new GenSdksError(`checksums in no pinned go.sum:\n${unvouched.join("\n")}`);
  fs.writeFileSync(path.join(dir, "go.sum"), `${sumLines.join("\n")}\n`);

  // The finished module must build as it stands (-mod=readonly) from the same modules.
  for (const goos of GO_PLATFORMS) {
    const again = modulesBuiltFrom(dir, "readonly", goos);
    for (const [module, version] of again) {
      if (used.get(module) !== version) throw new GenSdksError(`resolving the Go SDK's module: ${module} ${version} on ${goos} was not in the first pass`);
    }
  }
}

/** Every file under `dir`, relative with '/', sorted; Python's caches are left out. */
function listFiles(dir) {
  const files = [];
  const walk = (relative) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (isPythonCache(entry.name)) continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  if (fs.existsSync(dir)) walk("");
  return files.sort();
}

/**
 * How the folder `actual` differs from `expected`, the generator's output, one line per
 * file: changed, missing or not generated. Hand-written files at the top (README.md) and
 * Python's caches are not compared.
 */
function diffTrees(expected, actual) {
  const want = listFiles(expected);
  const have = new Set(listFiles(actual).filter((file) => !HAND_WRITTEN.has(file)));
  const differences = [];
  for (const file of want) {
    if (!have.has(file)) differences.push(`${file}: missing`);
    else if (!fs.readFileSync(path.join(expected, file)).equals(fs.readFileSync(path.join(actual, file)))) differences.push(`${file}: differs`);
    have.delete(file);
  }
  for (const file of have) differences.push(`${file}: not generated (remove it)`);
  return differences.sort();
}

/** Replaces the generated files in `target` with those in `source`, keeping the hand-written ones. */
function replaceTree(source, target) {
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(target)) {
    if (!HAND_WRITTEN.has(entry)) fs.rmSync(path.join(target, entry), { recursive: true, force: true });
  }
  for (const file of listFiles(source)) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(source, file), path.join(target, file));
  }
}

/**
 * Compiles the generated Node.js SDK in `dir`. It sits under .tools/, inside this
 * repository, so Node's resolution finds node_modules/@pulumi/pulumi and @types/node.
 */
function compileNodeSdk(dir) {
  const tsc = path.join(repo, "node_modules", "typescript", "bin", "tsc");
  if (!fs.existsSync(tsc)) throw new GenSdksError(`${path.relative(repo, tsc)} not found; run 'npm ci' first`);
  const args = [tsc, "-p", path.join(dir, "tsconfig.json"), "--noEmit", "--exactOptionalPropertyTypes", "--noUncheckedIndexedAccess", "--pretty", "false"];
  try {
    execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw new GenSdksError(`the Node.js SDK generated from the schema does not compile:\n${`${error.stdout || ""}${error.stderr || ""}`.trim()}`);
  }
  return JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8").replace(/^\s*\/\/.*$/gm, "")).files.length;
}

function main(argv) {
  const check = argv.includes("--check");
  const unknown = argv.filter((arg) => arg !== "--check");
  if (unknown.length > 0) throw new GenSdksError(`unknown argument(s) ${unknown.join(" ")}; usage: node scripts/gen-sdks.js [--check]`);

  let start = Date.now();
  buildGenerator();
  log(`built ${path.relative(repo, generatorBinary)} in ${seconds(start)}`);

  fs.mkdirSync(toolsDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(toolsDir, "gen-sdks-"));
  try {
    start = Date.now();
    // The generator's diagnostics and its -timings lines go straight to our stderr.
    run(generatorBinary, ["-schema", schemaPath, "-out", scratch, "-timings"], { cwd: repo, stdio: ["ignore", "pipe", "inherit"] });
    log(`generated the SDKs in ${seconds(start)}`);
    start = Date.now();
    resolveGoModule(path.join(scratch, "go"));
    log(`resolved the Go SDK's go.mod and go.sum in ${seconds(start)}`);

    let stale = false;
    for (const language of KEPT_LANGUAGES) {
      const target = path.join(repo, "sdk", language);
      const generated = path.join(scratch, language);
      const differences = diffTrees(generated, target);
      if (differences.length === 0) {
        log(`sdk/${language} is up to date (${listFiles(generated).length} generated files)`);
      } else if (check) {
        stale = true;
        log(`sdk/${language} is out of date; run 'npm run gen:sdks':\n${differences.map((d) => `  sdk/${language}/${d}`).join("\n")}`);
      } else {
        replaceTree(generated, target);
        log(`wrote sdk/${language} (${differences.length} file(s) changed)`);
      }
    }

    assertPluginMetadata(scratch);
    start = Date.now();
    const files = compileNodeSdk(path.join(scratch, "nodejs"));
    log(`the Node.js SDK (${files} files) compiles under tsc, in ${seconds(start)}; not kept`);
    return stale ? 1 : 0;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Each SDK names the plugin it needs for the CLI: its version and where to download it
 * (`server`, the schema's pluginDownloadURL). A program on an SDK whose metadata lacks
 * either would have the CLI look on Pulumi's own servers, or for another version.
 */
function assertPluginMetadata(scratch) {
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  const metadata = {
    go: JSON.parse(fs.readFileSync(path.join(scratch, "go", "servicestage", "pulumi-plugin.json"), "utf8")),
    python: JSON.parse(fs.readFileSync(path.join(scratch, "python", "pulumi_servicestage", "pulumi-plugin.json"), "utf8")),
    nodejs: JSON.parse(fs.readFileSync(path.join(scratch, "nodejs", "package.json"), "utf8")).pulumi,
  };
  for (const [language, plugin] of Object.entries(metadata))
    if (plugin?.name !== schema.name || plugin?.version !== schema.version || plugin?.server !== schema.pluginDownloadURL)
      throw new GenSdksError(
        `the ${language} SDK's plugin metadata ${JSON.stringify(plugin)} does not name ${schema.name} ${schema.version} from ${schema.pluginDownloadURL}`,
      );
  log(`every SDK names plugin ${schema.name} ${schema.version} from ${schema.pluginDownloadURL}`);
}

module.exports = { diffTrees };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof GenSdksError)) throw error;
    log(`error: ${error.message}`);
    process.exitCode = 1;
  }
}
