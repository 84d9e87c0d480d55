/**
 * The package the plugin belongs to: its root (package.json, the plugin's version) and the
 * schema (`plugin/schema.json`, generated from the codecs by scripts/gen-schema.js), from
 * dist/plugin or plugin alike, and from an installed tarball (scripts/pack-plugin.js).
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

export interface TypeSpec {
  $ref?: string;
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  oneOf?: TypeSpec[];
  properties?: Record<string, PropertySpec>;
}
export interface PropertySpec extends TypeSpec {
  secret?: boolean;
}
export interface ResourceSpec {
  inputProperties: Record<string, PropertySpec>;
  properties: Record<string, PropertySpec>;
}
export interface PackageSchema {
  config: { variables: Record<string, PropertySpec> };
  resources: Record<string, ResourceSpec>;
  types: Record<string, TypeSpec>;
}

let schemaCache: { text: string; parsed: PackageSchema } | undefined;
/** Read once, on first use (GetSchema, or the first secret to mark): no work at start-up. */
export const schema = (): { text: string; parsed: PackageSchema } => {
  if (schemaCache === undefined) {
    const text = fs.readFileSync(SCHEMA_PATH, "utf8");
    schemaCache = { text, parsed: JSON.parse(text) as PackageSchema };
  }
  return schemaCache;
};
