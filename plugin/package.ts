/**
 * The package the plugin belongs to: its root (package.json, the plugin's version) and the
 * schema (`plugin/schema.json`, generated from the codecs by scripts/gen-schema.js), from
 * dist/plugin or plugin alike, and from an installed asset of scripts/pack-plugin.js: there the
 * bundle runs inside a single executable, whose __dirname is the executable's own folder (the
 * real one, symlinks resolved), where the asset puts package.json and plugin/schema.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const packageRoot = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-servicestage") return dir;
    if (path.dirname(dir) === dir) throw new Error(`pulumi-resource-servicestage: no pulumi-servicestage package.json above ${__dirname}`);
  }
})();

export const PLUGIN_VERSION = (JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
const SCHEMA_PATH = path.join(packageRoot, "plugin", "schema.json");

let schemaCache: string | undefined;
/** Read once, on GetSchema: no work at start-up. Secrets are the field model's (provider/codecs/fields.ts), not read from here. */
export const schemaText = (): string => (schemaCache ??= fs.readFileSync(SCHEMA_PATH, "utf8"));
