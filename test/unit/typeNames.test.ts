/**
 * One name per type in every language: each table TypeScript names (sdk/generated.ts) has
 * that name in the schema, with the same properties, and so in the Go and Python SDKs
 * generated from it; every type the schema names is in both SDKs under its name.
 * scripts/lib/typeNames.js names them for both generators.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const repo = path.resolve(__dirname, "..", "..");
const schema = JSON.parse(fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8")) as {
  types: Record<string, { properties?: Record<string, unknown>; enum?: unknown[] }>;
};
const objectTypes = new Map(
  Object.entries(schema.types)
    .filter(([, t]) => t.enum === undefined)
    .map(([token, t]) => [token.split(":")[2], Object.keys(t.properties ?? {}).sort()]),
);

/**
 * The exported interfaces of sdk/generated.ts with their properties (inherited ones too),
 * as the TypeScript checker sees them; a property typed `never` (absent from its page on
 * purpose) is not one. An open table (documented keys, and any other: a string index)
 * is a map in the schema, which has no name for it: left out.
 */
const typeScriptInterfaces = (): Map<string, string[]> => {
  const file = path.join(repo, "sdk", "generated.ts");
  const program = ts.createProgram([file], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file) as ts.SourceFile;
  const found = new Map<string, string[]>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    if (checker.getIndexInfoOfType(type, ts.IndexKind.String) !== undefined) continue;
    const present = checker.getPropertiesOfType(type).filter((p) => !(checker.getNonNullableType(checker.getTypeOfSymbol(p)).flags & ts.TypeFlags.Never));
    found.set(statement.name.text, present.map((p) => p.name).sort());
  }
  return found;
};

/**
 * What TypeScript names that is not a table of the pages: each resource's spec, own
 * properties and result, a read function's arguments and result (the schema's function
 * inputs and outputs, which Go and Python name after the function), and the bases the two
 * pages share.
 */
const NOT_TABLES = /(Spec|OwnProperties|Result|Args)$|^(WorkloadFields|ContainerFields|ComponentFields)$/;

describe("type names across languages", () => {
  test("every table TypeScript names has that name in the schema, with the same properties", () => {
    const tables = [...typeScriptInterfaces()].filter(([name]) => !NOT_TABLES.test(name));
    expect(tables.length).toBeGreaterThan(20);
    const mismatched = tables.filter(([name, keys]) => JSON.stringify(objectTypes.get(name)) !== JSON.stringify(keys)).map(([name]) => name);
    expect(mismatched).toEqual([]);
  });

  test("every type the schema names has that name in the Go and Python SDKs", () => {
    const go = fs.readFileSync(path.join(repo, "sdk", "go", "servicestage", "pulumiTypes.go"), "utf8");
    const pythonInputs = fs.readFileSync(path.join(repo, "sdk", "python", "pulumi_servicestage", "_inputs.py"), "utf8");
    const pythonOutputs = fs.readFileSync(path.join(repo, "sdk", "python", "pulumi_servicestage", "outputs.py"), "utf8");
    const missing = [...objectTypes.keys()].flatMap((name) => [
      ...(go.includes(`\ntype ${name} struct {`) ? [] : [`Go ${name}`]),
      ...(pythonInputs.includes(`\nclass ${name}Args:`) ? [] : [`Python ${name}Args`]),
      ...(pythonOutputs.includes(`\nclass ${name}(dict):`) ? [] : [`Python ${name}`]),
    ]);
    expect(objectTypes.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
