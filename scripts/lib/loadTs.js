/**
 * Loads a TypeScript module of this repository at run time, for the generators
 * (scripts/gen-types.js, scripts/gen-schema.js), which read the field model and the codecs
 * as the provider runs them: transpiled in memory, its relative imports loaded the same
 * way, packages from node_modules. Nothing is written, no global hook installed, and no
 * build is needed first.
 */
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const repo = path.resolve(__dirname, "..", "..");
const cache = new Map();
const resolveTs = (base) => [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));

const load = (file) => {
  const cached = cache.get(file);
  if (cached !== undefined) return cached.exports;
  const module = { exports: {} };
  cache.set(file, module);
  const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const localRequire = (specifier) => {
    if (!specifier.startsWith(".")) return require(specifier);
    const resolved = resolveTs(path.resolve(path.dirname(file), specifier));
    if (resolved === undefined) throw new Error(`loadTs: cannot resolve ${specifier} from ${file}`);
    return load(resolved);
  };
  new Function("exports", "require", "module", "__filename", "__dirname", outputText)(module.exports, localRequire, module, file, path.dirname(file));
  return module.exports;
};

/** @param {string} relative a path from the repository's root, e.g. "provider/codecs/fields.ts" */
const loadTs = (relative) => load(path.join(repo, relative));

module.exports = { loadTs };
