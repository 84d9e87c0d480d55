#!/usr/bin/env node
/**
 * `npm run pack:plugin`: the tarball of the native plugin for
 *
 *   pulumi plugin install resource servicestage <version> --file pulumi-resource-servicestage-v<version>.tar.gz
 *
 * An installed plugin is a folder of its own (~/.pulumi/plugins/resource-servicestage-v<version>/)
 * with no node_modules beside it, so the plugin is bundled with esbuild: plugin/main.ts
 * and everything it requires in one file, which needs only Node.js 20 or later on PATH. The
 * folder holds:
 *
 *   pulumi-resource-servicestage  the executable the engine starts: a launcher that requires plugin.js
 *   plugin.js                     the bundle
 *   package.json                  name and version only: where the plugin reads its version (server.ts
 *                                 `packageRoot`, found beside the bundle), so it is package.json's
 *   plugin/schema.json   the schema, at the same place relative to package.json as in the npm package
 *   LICENSE, THIRD_PARTY_LICENSES.txt  this package's license, and those of the bundled packages
 *
 * No PulumiPlugin.yaml: with `runtime: nodejs` the engine would hand the plugin to the Node.js
 * language host, whose v3.68.0 build (the one this repository can provide) has no RunPlugin.
 * The tarball is reproducible: fixed owners, modes and times, and files in a fixed order.
 *
 *   node scripts/pack-plugin.js [--out-dir DIR]   (default dist/plugin) prints the tarball's path
 */
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");
const { builtinModules } = require("node:module");
const { parseArgs } = require("node:util");
const esbuild = require("esbuild");

const repo = path.resolve(__dirname, "..");
const PLUGIN = "pulumi-resource-servicestage";
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
const schemaPath = path.join(repo, "plugin", "schema.json");

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

/** Only dead code may look for a package at run time: server.ts's and provider/progress.ts's branches for an unbundled install. */
const ALLOWED_RUNTIME_LOOKUPS = new Set(["@pulumi/pulumi/package.json"]);

const bundle = async () => {
  const result = await esbuild.build({
    entryPoints: [path.join(repo, "plugin", "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // Not minified: a user's stack trace then points at readable code. Minifying saved about 60 KB of the 0.38 MB tarball and no measurable start-up time.
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
  return { code: result.outputFiles[0].contents, packages };
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

const thirdPartyLicenses = (packages) =>
  [
    `${PLUGIN} ${pkg.version} bundles the following packages (plugin.js). Each one's license follows.\n`,
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

const LAUNCHER = `#!/usr/bin/env node
// ${PLUGIN} ${pkg.version}, the native Pulumi provider plugin of pulumi-servicestage, bundled with
// its dependencies in plugin.js beside this file (scripts/pack-plugin.js): it needs Node.js 20 or
// later on PATH and nothing else. Node resolves a symlink to this file before running it.
if (Number(process.versions.node.split(".")[0]) < 20) {
  process.stderr.write("${PLUGIN}: needs Node.js 20 or later on PATH, found " + process.version + "\\n");
  process.exit(1);
}
require("./plugin.js");
`;

// ---------------------------------------------------------------------------------------
// A ustar archive: enough for regular files and folders with short names, and reproducible.

const BLOCK = 512;
const octal = (value, width) => value.toString(8).padStart(width - 1, "0") + "\0";

const tarHeader = (name, { size, mode, type }) => {
  const header = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  header.write(name, 0);
  header.write(octal(mode, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136); // mtime: fixed, so that the same sources give the same tarball
  header.write(" ".repeat(8), 148); // the checksum counts its own field as spaces
  header.write(type, 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  header.write("root", 265);
  header.write("root", 297);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(octal(checksum, 7) + " ", 148);
  return header;
};

/** entries: [name, Buffer | undefined (a folder), mode] in the order to write them. */
const tarGz = (entries) => {
  const blocks = [];
  for (const [name, content, mode] of entries) {
    if (content === undefined) {
      blocks.push(tarHeader(`${name}/`, { size: 0, mode, type: "5" }));
      continue;
    }
    blocks.push(tarHeader(name, { size: content.length, mode, type: "0" }), content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return zlib.gzipSync(Buffer.concat(blocks), { level: 9 });
};

const main = async () => {
  const { values } = parseArgs({ options: { "out-dir": { type: "string" } }, strict: true });
  const outDir = path.resolve(values["out-dir"] ?? path.join(repo, "dist", "plugin"));
  const schema = fs.readFileSync(schemaPath);
  const schemaVersion = JSON.parse(schema.toString("utf8")).version;
  // One version for the npm package, the plugin and the SDKs (CONTRIBUTING.md, Release).
  if (schemaVersion !== pkg.version) throw new Error(`plugin/schema.json says version ${schemaVersion}, package.json ${pkg.version}: run npm run gen:schema`);

  const { code, packages } = await bundle();
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: `${PLUGIN}, bundled: the native Pulumi provider plugin of ${pkg.name} (for Go, YAML and Python programs)`,
    license: pkg.license,
    private: true,
    type: "commonjs",
  };
  const text = (s) => Buffer.from(s, "utf8");
  const tarball = tarGz([
    [PLUGIN, text(LAUNCHER), 0o755],
    ["plugin.js", Buffer.from(code), 0o644],
    ["package.json", text(JSON.stringify(manifest, null, 2) + "\n"), 0o644],
    ["plugin", undefined, 0o755],
    ["plugin/schema.json", schema, 0o644],
    ["LICENSE", fs.readFileSync(path.join(repo, "LICENSE")), 0o644],
    ["THIRD_PARTY_LICENSES.txt", text(thirdPartyLicenses(packages)), 0o644],
  ]);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${PLUGIN}-v${pkg.version}.tar.gz`);
  fs.writeFileSync(file, tarball);
  process.stdout.write(`${file}\n`);
};

main().catch((e) => {
  process.stderr.write(`pack-plugin: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
