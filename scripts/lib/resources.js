/**
 * The resource definitions (provider/resources/), for the generators: each definition,
 * and where the TypeScript checker finds it and its body codec (the module that exports
 * the very object), so that nothing names a file or an export twice.
 */
const fs = require("node:fs");
const path = require("node:path");
const { loadTs } = require("./loadTs");

const repo = path.resolve(__dirname, "..", "..");
const { RESOURCES } = loadTs("provider/resources/index.ts");

/** The module (from the repository's root, no extension) and export name holding `value`, among the .ts files of `folder`. */
const exporterOf = (folder, value, what) => {
  for (const file of fs
    .readdirSync(path.join(repo, folder))
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    const exports = loadTs(path.join(folder, file));
    const exportName = Object.keys(exports).find((k) => exports[k] === value);
    if (exportName !== undefined) return { module: path.join(folder, file.replace(/\.ts$/, "")), exportName };
  }
  throw new Error(`no module in ${folder} exports ${what}`);
};

const definitionModule = (definition) => exporterOf("provider/resources", definition, `the definition of ${definition.name}`);
const bodyModule = (definition) => exporterOf("provider/codecs", definition.body, `the body codec of ${definition.name}`);

module.exports = { RESOURCES, definitionModule, bodyModule };
