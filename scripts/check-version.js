#!/usr/bin/env node
/**
 * One version for the npm package, the plugin, the schema and the SDKs: `version` in
 * package.json. Every other place that states it is read here and compared, so that a
 * release can never ship a plugin, an SDK or a Go module tag that names another version
 * (a Go program would then ask the CLI for a plugin that was never published).
 *
 *   node scripts/check-version.js                 every file agrees with package.json
 *   node scripts/check-version.js --tag v0.1.0    and the release tag is v<that version>
 *
 * `npm run lint` runs the first form; the release workflow the second, with its tag.
 * Exit 1, naming each file that disagrees.
 */
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

const repo = path.resolve(__dirname, "..");
const read = (relative) => fs.readFileSync(path.join(repo, relative), "utf8");
const json = (relative) => JSON.parse(read(relative));

/** Where the version is stated, and what each says. */
const statedVersions = () => {
  const goVersions = [...read("sdk/go/servicestage/internal/pulumiUtilities.go").matchAll(/semver\.MustParse\("([^"]+)"\)/g)].map((m) => m[1]);
  return [
    ["plugin/schema.json (version)", json("plugin/schema.json").version],
    ["sdk/go/servicestage/pulumi-plugin.json (version)", json("sdk/go/servicestage/pulumi-plugin.json").version],
    ...goVersions.map((v, i) => [`sdk/go/servicestage/internal/pulumiUtilities.go (semver.MustParse #${i + 1})`, v]),
    ["sdk/python/pulumi_servicestage/pulumi-plugin.json (version)", json("sdk/python/pulumi_servicestage/pulumi-plugin.json").version],
    ["sdk/python/setup.py (VERSION)", /^VERSION = "([^"]+)"$/m.exec(read("sdk/python/setup.py"))?.[1]],
    ["examples/yaml/sdks/servicestage.yaml (version)", /^version: (\S+)$/m.exec(read("examples/yaml/sdks/servicestage.yaml"))?.[1]],
  ];
};

const main = () => {
  const { values } = parseArgs({ options: { tag: { type: "string" } }, strict: true });
  const version = json("package.json").version;
  const problems = statedVersions()
    .filter(([, stated]) => stated !== version)
    .map(([where, stated]) => `${where} says ${stated === undefined ? "nothing" : stated}`);
  if (values.tag !== undefined && values.tag !== `v${version}`) problems.push(`the tag is ${values.tag}, not v${version}`);
  if (problems.length > 0) {
    process.stderr.write(
      `check-version: package.json says ${version}, but:\n${problems.map((p) => `  ${p}`).join("\n")}\n` +
        "Set the version in package.json, then run npm run gen:schema and npm run gen:sdks.\n",
    );
    process.exit(1);
  }
  process.stdout.write(`check-version: ${version} everywhere${values.tag !== undefined ? `, and the tag ${values.tag}` : ""}\n`);
};

main();
