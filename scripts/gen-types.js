#!/usr/bin/env node
/**
 * Generates sdk/generated.ts: the camelCase types users write, as plain interfaces with
 * the TSDoc of every property copied from the codecs, and the lists sdk/ needs at run
 * time without loading io-ts (the spec keys, the secret keys). The codecs stay the single
 * source of truth: names and secrets are the field model's (provider/codecs/fields.ts);
 * the type text and the TSDoc are read with the TypeScript checker off `t.TypeOf` of the
 * same codecs, because TSDoc exists nowhere else (and sdk/types.ts asserts at compile time
 * that the result equals Camelize<wire type>). The generation exists only because
 * TypeScript drops property documentation through key remapping.
 *
 *   node scripts/gen-types.js          write sdk/generated.ts
 *   node scripts/gen-types.js --check  exit 1 if it is out of date
 */
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { withProbe } = require("./lib/probe");
const { TYPE_NAMES } = require("./lib/typeNames");

const repo = path.resolve(__dirname, "..");
const out = path.join(repo, "sdk", "generated.ts");
const { loadTs } = require("./lib/loadTs");
// The names and the secrets are the field model's (provider/codecs/fields.ts), read off the codecs as the provider runs them.
const { camelKey } = loadTs("provider/codecs/spellings.ts");
const { secretKeys } = loadTs("provider/codecs/fields.ts");

const targets = [
  [
    "JobComponentSpec",
    "RedeployJobComponentBody",
    "../provider/codecs/redeployJobComponent",
    'The redeploy request body (Tables 3-41 of "Redeploying a Job Component"), in camelCase.',
    "jobComponentSpecKeys",
    "jobComponentSecretKeys",
  ],
  [
    "ReleasePlanSpec",
    "EditReleasePlanBody",
    "../provider/codecs/editReleasePlan",
    'The release task body (Tables 3-42 of "Editing a Release Task"), in camelCase.',
    "releasePlanSpecKeys",
    "releasePlanSecretKeys",
  ],
];

const generate = () => {
  const source = targets
    .map(([, wire, from], i) => `import type { ${wire} as W${i} } from ${JSON.stringify(path.join(repo, "sdk", from))};\nexport type P${i} = W${i};\n`)
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
    const NAMES = TYPE_NAMES;
    const GENERIC = new Set(["parameters", "rules", "options", "configs"]);
    const pascal = (key) => key.replace(/^./, (c) => c.toUpperCase());
    const singular = (key) => (/(alias|access)es$/i.test(key) ? key.slice(0, -2) : /[^s]s$/.test(key) ? key.slice(0, -1) : key);
    /** Named after its property (singular for list items), a generic one after its owner too: storages[].parameters -> StorageParameters. */
    const nameFor = (key, item, parent) =>
      NAMES[key] ?? `${GENERIC.has(key) && parent !== undefined ? pascal(singular(parent)) : ""}${pascal(item ? singular(key) : key)}`;

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
        }
        return objectBody(props, index, indent, "count", prefix, key); // counts what it holds, once
      }
      if (mode === "hoist" && key !== undefined) {
        const canonical = objectBody(props, index, 0, "inline", prefix, key);
        if ((counts.get(canonical) ?? 0) >= 2) {
          let name = hoisted.get(canonical);
          if (name === undefined) {
            const base = nameFor(key, item, parent);
            name = definitions.has(base) ? `${prefix}${base}` : base;
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

    const roots = targets.map((target, i) => ({
      target,
      type: checker.getTypeAtLocation(aliases[i].name),
      prefix: target[0].replace(/Spec$/, "").replace(/^JobComponent$/, "Job"),
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
    const releaseComponent = { name: "ReleasePlanComponentSpec", type: itemOf(release.type, "components"), prefix: release.prefix };
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
    const shared = [...definitions].map(
      ([name, text]) => `/** ${name}: a table of the pages, shared by several properties. */\nexport interface ${name} ${text}\n`,
    );
    const body = [...specs, ...shared].join("\n");
    return `// Generated by scripts/gen-types.js from the codecs in provider/codecs: do not edit.\n// Regenerate with \`node scripts/gen-types.js\`; \`npm test\` fails when it is out of date.\n\n${body}`;
  });
};

const text = generate();
if (process.argv.includes("--check")) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  if (current !== text) {
    process.stderr.write("sdk/generated.ts is out of date: run node scripts/gen-types.js\n");
    process.exit(1);
  }
} else fs.writeFileSync(out, text);
