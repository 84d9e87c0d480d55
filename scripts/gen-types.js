#!/usr/bin/env node
/**
 * Generates what TypeScript programs import, from the resource definitions
 * (provider/resources/) and their codecs:
 *
 * - sdk/generated.ts: the camelCase types users write, as plain interfaces with the TSDoc
 *   of every property copied from the codecs; each resource's own properties and outputs
 *   with the definition's docs; and the lists sdk/ needs at run time without loading
 *   io-ts (own, output, spec and secret keys). Names and secrets are the field model's
 *   (provider/codecs/fields.ts); the type text and the TSDoc are read with the TypeScript
 *   checker off `t.TypeOf` of the same codecs, because TSDoc exists nowhere else (and
 *   sdk/types.ts asserts at compile time that the result equals Camelize<wire type>).
 * - sdk/resources.ts: one dynamic-resource class per definition, with its Args and Outputs.
 *
 *   node scripts/gen-types.js          write both
 *   node scripts/gen-types.js --check  exit 1 if either is out of date
 */
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { withProbe } = require("./lib/probe");
const { baseName } = require("./lib/typeNames");

const repo = path.resolve(__dirname, "..");
const out = path.join(repo, "sdk", "generated.ts");
const resourcesOut = path.join(repo, "sdk", "resources.ts");
const functionsOut = path.join(repo, "sdk", "functions.ts");
const { loadTs } = require("./lib/loadTs");
const { RESOURCES, definitionModule, bodyModule } = require("./lib/resources");
// The names and the secrets are the field model's (provider/codecs/fields.ts), read off the codecs as the provider runs them.
const { camelKey } = loadTs("provider/codecs/spellings.ts");
const { secretKeys } = loadTs("provider/codecs/fields.ts");
const { describe, typePrefixOf } = loadTs("provider/resources/definition.ts");
const { FUNCTIONS } = loadTs("provider/functions/index.ts");

const lowerFirst = (name) => name.replace(/^./, (c) => c.toLowerCase());
/** Per resource: [spec type, body export, body module (from sdk/), body doc, spec keys' name, secret keys' name, definition]. */
const targets = RESOURCES.map((d) => {
  const body = bodyModule(d);
  return [`${d.name}Spec`, body.exportName, `../${body.module}`, d.bodyDoc, `${lowerFirst(d.name)}SpecKeys`, `${lowerFirst(d.name)}SecretKeys`, d];
});

const generate = () => {
  const source =
    `import type { OwnValues } from ${JSON.stringify(path.join(repo, "provider/resources/definition"))};\n` +
    targets
      .map(([, wire, from], i) => `import type { ${wire} as W${i} } from ${JSON.stringify(path.join(repo, "sdk", from))};\nexport type P${i} = W${i};\n`)
      .join("") +
    targets
      .map(([, , , , , , d], i) => {
        const { module, exportName } = definitionModule(d);
        return `import { ${exportName} as D${i} } from ${JSON.stringify(path.join(repo, module))};\nexport type O${i} = OwnValues<(typeof D${i})["ownProperties"]>;\n`;
      })
      .join("");
  return withProbe(source, (checker, sf) => {
    const aliases = sf.statements.filter(ts.isTypeAliasDeclaration);

    const doc = (symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const isScalarUnion = (members) =>
      members.every(
        (t) =>
          t.flags &
          (ts.TypeFlags.StringLiteral |
            ts.TypeFlags.NumberLiteral |
            ts.TypeFlags.BooleanLiteral |
            ts.TypeFlags.String |
            ts.TypeFlags.Number |
            ts.TypeFlags.Boolean),
      );

    // Tables both pages (or one page twice) share are emitted once, as named interfaces
    // users can import: an object type whose rendering occurs twice or more is hoisted and
    // named after the property it first appears under (envs -> Env, livenessProbe -> Probe).
    const hoisted = new Map(); // inline text at indent 0 -> interface name
    const definitions = new Map(); // interface name -> rendered body
    const counts = new Map();
    /** Base name -> the shapes (canonical texts) that would take it: one shape keeps it, more each get their resource's prefix. */
    const shapesByBase = new Map();

    /**
     * mode "count": everything inline, counting each object's canonical text (first pass);
     * "inline": everything inline (canonical texts); "hoist": shared objects by name.
     */
    const render = (type, indent, mode, key, item, prefix, parent) => {
      if (type.isUnion()) {
        const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
        if (isScalarUnion(members)) return checker.typeToString(checker.getNonNullableType(type));
        return members.map((t) => render(t, indent, mode, key, item, prefix, parent)).join(" | ");
      }
      // A property a page leaves out on purpose (the release page's topology_key): nothing may be set.
      if (type.flags & (ts.TypeFlags.Never | ts.TypeFlags.Undefined)) return "never";
      if (checker.isArrayType(type)) return `Array<${render(checker.getTypeArguments(type)[0], indent, mode, key, true, prefix, parent)}>`;
      if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Unknown | ts.TypeFlags.Any))
        return checker.typeToString(type);
      const props = checker.getPropertiesOfType(type);
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      if (props.length === 0 && index !== undefined) return `Record<string, ${render(index.type, indent, mode, key, false, prefix, parent)}>`;
      if (mode === "count") {
        if (key !== undefined) {
          const canonical = objectBody(props, index, 0, "inline", prefix, key);
          counts.set(canonical, (counts.get(canonical) ?? 0) + 1);
          const base = baseName(key, item, parent);
          shapesByBase.set(base, (shapesByBase.get(base) ?? new Set()).add(canonical));
        }
        return objectBody(props, index, indent, "count", prefix, key); // counts what it holds, once
      }
      if (mode === "hoist" && key !== undefined) {
        const canonical = objectBody(props, index, 0, "inline", prefix, key);
        if ((counts.get(canonical) ?? 0) >= 2) {
          let name = hoisted.get(canonical);
          if (name === undefined) {
            const base = baseName(key, item, parent);
            name = shapesByBase.get(base).size > 1 || definitions.has(base) ? `${prefix}${base}` : base;
            for (let n = 2; definitions.has(name); n++) name = `${base}${n}`;
            hoisted.set(canonical, name);
            definitions.set(name, "");
            definitions.set(name, objectBody(props, index, 0, "hoist", prefix, key));
          }
          return name;
        }
      }
      return objectBody(props, index, indent, mode, prefix, key);
    };

    /** `owner`: the property this object sits under, to name generic children (parameters, rules). */
    const propertyLines = (p, indent, mode, prefix, owner) => {
      const pad = "  ".repeat(indent);
      const lines = [];
      const d = doc(p);
      if (d !== "") lines.push(`${pad}  /** ${d.replace(/\*\//g, "*\\/")} */`);
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      const name = camelKey(p.name);
      const value = render(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, sf)), indent + 1, mode, name, false, prefix, owner);
      lines.push(`${pad}  ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)}${optional ? "?" : ""}: ${value};`);
      return lines.join("\n");
    };

    const objectBody = (props, index, indent, mode, prefix, owner) => {
      const pad = "  ".repeat(indent);
      // A body emitted as a named interface of its own (factored below): in place, its name.
      if (mode === "hoist" && named.has(props) && !(indent === 0 && emitting === props)) return named.get(props);
      const skip = mode === "hoist" && indent === 0 && emitting === props ? (inherited.get(props) ?? new Set()) : new Set();
      const lines = ["{", ...props.filter((p) => !skip.has(p.name)).map((p) => propertyLines(p, indent, mode, prefix, owner))];
      if (index !== undefined)
        lines.push(
          `${pad}  /** Your own keys pass verbatim. */`,
          `${pad}  [key: string]: ${render(index.type, indent + 1, mode, undefined, false, prefix, owner)};`,
        );
      lines.push(`${pad}}`);
      return lines.join("\n");
    };
    /** Bodies emitted as named interfaces (by their property list), the names they inherit, and the one being emitted. */
    const named = new Map();
    const inherited = new Map();
    let emitting;

    /** A resource's own properties (typed off its definition, documented by it), outputs and run-time key lists. */
    const ownTypes = ([, , , , , , d], i) => {
      const ownType = checker.getTypeAtLocation(aliases.find((a) => a.name.text === `O${i}`).name);
      const own = checker
        .getPropertiesOfType(ownType)
        .map((p) => {
          const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
          const text = checker.typeToString(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, sf)));
          return `  /** ${describe(d.ownProperties[p.name])} */\n  ${p.name}${optional ? "?" : ""}: ${text};`;
        })
        .join("\n");
      const outputs = Object.entries(d.outputs)
        .map(([k, o]) => `  /** ${o.doc} */\n  ${k}: string;`)
        .join("\n");
      const name = lowerFirst(d.name);
      const list = (keys) => `[${keys.map((k) => JSON.stringify(k)).join(", ")}] as const`;
      return (
        `/** What a ${d.name} has beyond its spec: which object, and how. */\nexport interface ${d.name}OwnProperties {\n${own}\n}\n\n` +
        (outputs === ""
          ? `/** What a ${d.name} adds to its inputs: nothing. */\nexport type ${d.name}Result = Record<never, never>;\n\n`
          : `/** What a ${d.name} adds to its inputs. */\nexport interface ${d.name}Result {\n${outputs}\n}\n\n`) +
        `/** The names of ${d.name}OwnProperties, at run time. */\nexport const ${name}OwnKeys = ${list(Object.keys(d.ownProperties))};\n` +
        `/** The names of ${d.name}Result, at run time. */\nexport const ${name}OutputKeys = ${list(Object.keys(d.outputs))};\n`
      );
    };

    const roots = targets.map((target, i) => ({
      target,
      type: checker.getTypeAtLocation(aliases[i].name),
      prefix: typePrefixOf(target[6]),
    }));
    for (const { type, prefix } of roots) render(type, 0, "count", undefined, false, prefix);

    // Bodies the two pages (nearly) share are factored: the properties written the same on
    // both go into a base interface that each extends. A job component's body and a
    // release task's component share ComponentFields; their multi_containers entries share
    // ContainerFields, which ComponentFields in turn extends.
    const [job, release] = roots;
    const propsOf = (type) => checker.getPropertiesOfType(type);
    const propType = (type, name) => checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(checker.getPropertyOfType(type, name), sf));
    const itemOf = (type, name) => checker.getTypeArguments(propType(type, name))[0];
    const sameLines = (a, b, pa, pb) => propertyLines(a, 0, "inline", pa) === propertyLines(b, 0, "inline", pb);
    const shared2 = (a, b) => propsOf(a.type).filter((x) => propsOf(b.type).some((y) => y.name === x.name && sameLines(x, y, a.prefix, b.prefix)));

    const jobBody = { name: job.target[0], type: job.type, prefix: job.prefix };
    const releaseComponent = { name: baseName("components", true), type: itemOf(release.type, "components"), prefix: release.prefix };
    const jobContainer = { name: "JobMultiContainer", type: itemOf(job.type, "multi_containers"), prefix: job.prefix };
    const releaseContainer = { name: "ReleasePlanMultiContainer", type: itemOf(releaseComponent.type, "multi_containers"), prefix: release.prefix };
    const componentFields = shared2(jobBody, releaseComponent);
    const containerFields = shared2(jobContainer, releaseContainer);
    // What all four share, written the same: the workload fields (envs, probes, storages, ...).
    const workloadFields = componentFields.filter((x) => containerFields.some((y) => y.name === x.name && sameLines(x, y, job.prefix, job.prefix)));
    const workloadNames = new Set(workloadFields.map((p) => p.name));
    const componentNames = new Set(componentFields.map((p) => p.name));
    const containerNames = new Set(containerFields.map((p) => p.name));
    for (const body of [releaseComponent, jobContainer, releaseContainer]) named.set(propsOf(body.type), body.name);
    for (const body of [jobBody, releaseComponent]) inherited.set(propsOf(body.type), componentNames);
    for (const body of [jobContainer, releaseContainer]) inherited.set(propsOf(body.type), containerNames);

    const emit = (name, base, summary, type, prefix) => {
      emitting = propsOf(type);
      const body = render(type, 0, "hoist", undefined, false, prefix);
      // Nothing beyond its base: an alias (an empty interface says the same, less plainly).
      const text =
        base && body === "{\n}"
          ? `/** ${summary} */\nexport type ${name} = ${base};\n`
          : `/** ${summary} */\nexport interface ${name}${base ? ` extends ${base}` : ""} ${body}\n`;
      emitting = undefined;
      return text;
    };
    const baseInterface = (name, base, summary, props, prefix, omit) =>
      `/** ${summary} */\nexport interface ${name}${base ? ` extends ${base}` : ""} {\n${props
        .filter((p) => !omit.has(p.name))
        .map((p) => propertyLines(p, 0, "hoist", prefix))
        .join("\n")}\n}\n`;
    const keysOf = (type) => propsOf(type).map((p) => JSON.stringify(camelKey(p.name)));
    const runtimeKeys = ([name, wire, from, , keysName, secretKeysName], type) =>
      `/** The top-level properties of ${name}, at run time (the resource declares an output for each). */\nexport const ${keysName}: ReadonlyArray<keyof ${name}> = [${keysOf(type).join(", ")}];\n` +
      `/** The top-level properties of ${name} kept secret whole, inputs and outputs: each holds a secret field (the field model's \`secretKeys\`). */\nexport const ${secretKeysName}: ReadonlyArray<keyof ${name}> = [${secretKeys(
        loadTs(path.relative(repo, path.join(repo, "sdk", `${from}.ts`)))[wire],
      )
        .map((k) => JSON.stringify(k))
        .join(", ")}];\n`;
    const specs = [
      baseInterface(
        "WorkloadFields",
        undefined,
        "What every workload body has on both pages, written the same: environment, probes, lifecycle, logs, storage, resources.",
        workloadFields,
        job.prefix,
        new Set(),
      ),
      baseInterface(
        "ContainerFields",
        "WorkloadFields",
        "What a container (multi_containers) has on both pages, written the same.",
        containerFields,
        job.prefix,
        workloadNames,
      ),
      baseInterface(
        "ComponentFields",
        "WorkloadFields",
        "What a job component's body and a release task's component share, written the same on both pages.",
        componentFields,
        job.prefix,
        workloadNames,
      ),
      emit(job.target[0], "ComponentFields", job.target[3], job.type, job.prefix),
      runtimeKeys(job.target, job.type),
      emit(release.target[0], undefined, release.target[3], release.type, release.prefix),
      runtimeKeys(release.target, release.type),
      emit(
        releaseComponent.name,
        "ComponentFields",
        "One component (batch) of a release task (Table 4 of the release page), in camelCase.",
        releaseComponent.type,
        release.prefix,
      ),
      emit(jobContainer.name, "ContainerFields", "A container of a multi-container job component (Table 34 of the job page).", jobContainer.type, job.prefix),
      emit(
        releaseContainer.name,
        "ContainerFields",
        "A container of a multi-container release component (Table 37 of the release page).",
        releaseContainer.type,
        release.prefix,
      ),
    ];
    // Every other resource's body, as it is: the two pages above are the ones that share tables.
    for (const root of roots.slice(2)) specs.push(emit(root.target[0], undefined, root.target[3], root.type, root.prefix), runtimeKeys(root.target, root.type));
    const shared = [...definitions].map(
      ([name, text]) => `/** ${name}: a table of the pages, shared by several properties. */\nexport interface ${name} ${text}\n`,
    );
    const body = [...targets.map(ownTypes), ...FUNCTIONS.map(functionTypes), ...specs, ...shared].join("\n");
    return `// Generated by scripts/gen-types.js from provider/resources and the codecs in provider/codecs: do not edit.\n// Regenerate with \`node scripts/gen-types.js\`; \`npm test\` fails when it is out of date.\n\n${body}`;
  });
};

/** A leaf codec's TypeScript type, by the name primitives.ts and definition.ts give it. */
const tsTypeOf = (codec) => {
  if (codec.name.startsWith("string")) return "string";
  if (/integer|number/.test(codec.name)) return "number";
  if (codec.name === "boolean") return "boolean";
  throw new Error(`gen-types: no TypeScript type for a function argument's codec "${codec.name}"`);
};
const OUTPUT_TYPES = {
  string: "string",
  integer: "number",
  object: "Record<string, unknown>",
  objectList: "Array<Record<string, unknown>>",
  stringList: "string[]",
};
const upperFirst = (name) => name.replace(/^./, (c) => c.toUpperCase());
/** A read function's arguments and result, documented by its definition (provider/functions/). */
const functionTypes = (f) => {
  const args = Object.entries(f.inputs)
    .map(([k, p]) => `  /** ${p.doc} */\n  ${k}${p.required ? "" : "?"}: ${tsTypeOf(p.codec)};`)
    .join("\n");
  const result = Object.entries(f.outputs)
    .map(([k, o]) => `  /** ${o.doc} */\n  ${k}: ${OUTPUT_TYPES[o.kind]};`)
    .join("\n");
  return (
    `/** The arguments of ${f.name}. */\nexport interface ${upperFirst(f.name)}Args {\n${args}\n}\n\n` +
    `/** What ${f.name} answers. */\nexport interface ${upperFirst(f.name)}Result {\n${result}\n}\n`
  );
};

/** Each read function twice, as Pulumi's SDKs have them: a Promise of plain values, and an Output whose arguments may be outputs. */
const generateFunctions = () => {
  const functions = FUNCTIONS.map((f) => {
    const Name = upperFirst(f.name);
    const secret = Object.values(f.outputs).some((o) => o.secret === true);
    return `/**
 * ${f.doc}
 */
export const ${f.name} = (args: g.${Name}Args): Promise<g.${Name}Result> => invokeInProgram<g.${Name}Result>(${JSON.stringify(f.name)}, args);

/**
 * ${f.doc} Its arguments may be outputs of other resources${secret ? "; the answer is secret (it can carry a credential)" : ""}.
 */
export const ${f.name}Output = (args: ResourceArgs<object, g.${Name}Args>): pulumi.Output<g.${Name}Result> =>
  invokeOutput<g.${Name}Result>(${JSON.stringify(f.name)}, args, ${secret});
`;
  });
  return `// Generated by scripts/gen-types.js from provider/functions: do not edit.
// Regenerate with \`node scripts/gen-types.js\`; \`npm test\` fails when it is out of date.
import type * as pulumi from "@pulumi/pulumi";
import type * as g from "./generated";
import { invokeInProgram, invokeOutput } from "./invoke";
import type { ResourceArgs } from "./types";

${functions.join("\n")}`;
};

/** One dynamic-resource class per definition: its TSDoc the definition's, its outputs typed and declared, its secrets marked. */
const generateResources = () => {
  const classes = targets.map(([spec, , , , specKeys, secretKeysName, d]) => {
    const name = lowerFirst(d.name);
    return `/** Arguments of a ${d.name}: its own properties (${d.name}OwnProperties) and its spec (${spec}). */
export type ${d.name}Args = ResourceArgs<g.${spec}, g.${d.name}OwnProperties>;
/** Everything a ${d.name} exposes: its arguments (resolved) and what it adds. */
export type ${d.name}Outputs = Outputs<g.${spec} & g.${d.name}OwnProperties & g.${d.name}Result>;

/** Every argument is also a typed output, and what the resource adds: declared by merging this interface into the class. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ${d.name} extends ${d.name}Outputs {}

const ${name}Shim = shimFor(${JSON.stringify(d.providerExport)});

/**
 * ${d.doc}
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ${d.name} extends pulumi.dynamic.Resource {
  constructor(name: string, args: ${d.name}Args, opts?: pulumi.CustomResourceOptions) {
    const { props, options } = registration(args, opts, [g.${name}OwnKeys, g.${name}OutputKeys], g.${secretKeysName});
    super(${name}Shim, name, props, options, ${JSON.stringify(PACKAGE)}, ${JSON.stringify(d.name)});
  }
}

declareSpecOutputs(${d.name}, g.${specKeys});
`;
  });
  return `// Generated by scripts/gen-types.js from provider/resources: do not edit.
// Regenerate with \`node scripts/gen-types.js\`; \`npm test\` fails when it is out of date.
import * as pulumi from "@pulumi/pulumi";
import * as g from "./generated";
import { shimFor } from "./shim";
import { declareSpecOutputs, registration } from "./registration";
import type { Outputs, ResourceArgs } from "./types";

${classes.join("\n")}`;
};
const { PACKAGE } = loadTs("provider/resources/index.ts");

const main = async () => {
  const prettier = require("prettier");
  const files = [
    [out, generate()],
    [resourcesOut, generateResources()],
    [functionsOut, generateFunctions()],
  ];
  for (const [file, raw] of files) {
    const text = await prettier.format(raw, { ...((await prettier.resolveConfig(file)) ?? {}), filepath: file });
    if (!process.argv.includes("--check")) fs.writeFileSync(file, text);
    else if ((fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "") !== text) {
      process.stderr.write(`${path.relative(repo, file)} is out of date: run node scripts/gen-types.js\n`);
      process.exit(1);
    }
  }
};
main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
