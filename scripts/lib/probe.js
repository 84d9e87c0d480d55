/**
 * The codecs' and sdk/'s types as the TypeScript checker sees them, for the generators
 * (scripts/gen-types.js, scripts/gen-schema.js): `source` is written to a probe file in a
 * temporary folder, so that `--check` writes nothing into the tree, and `read` gets the
 * checker and the probe's source file.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const ts = require("typescript");

const repo = path.resolve(__dirname, "..", "..");

/**
 * @template T
 * @param {string} source the probe's TypeScript: imports by absolute path and exported aliases
 * @param {(checker: import("typescript").TypeChecker, probe: import("typescript").SourceFile) => T} read
 * @returns {T}
 */
const withProbe = (source, read) => {
  const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-probe-"));
  const probe = path.join(probeDir, "probe.ts");
  fs.writeFileSync(probe, source);
  try {
    const program = ts.createProgram([probe], {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      skipLibCheck: true,
      baseUrl: repo,
      paths: { "pulumi-servicestage": ["./sdk/index.ts"] },
    });
    return read(program.getTypeChecker(), program.getSourceFile(probe));
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
};

module.exports = { withProbe };
