#!/usr/bin/env node
/**
 * Generates plugin/schema.json: the Pulumi package schema of the native plugin
 * (pulumi-resource-servicestage), from which Pulumi YAML type-checks programs and
 * scripts/gen-sdks.js generates the Go and Python SDKs. Nothing in it is written by hand that the code
 * already says:
 *
 * - the properties, their required-ness, kinds (integer, number, string, boolean, lists,
 *   maps, number-or-string), enums and secrets are the field model's
 *   (provider/codecs/fields.ts), read off the codecs as the provider runs them
 *   (scripts/lib/loadTs.js); a top-level property that holds a secret is secret whole, as
 *   the lifecycles keep it; the provider's secret settings are settings.ts's;
 * - the resources, their own properties (docs, defaults, replacement) and outputs are the
 *   resource definitions' (provider/resources/); every spec description is the TSDoc of
 *   the codec property (the page's text), read with the TypeScript checker;
 * - the provider's configuration (each setting's type, secrecy, description, range,
 *   default and environment variable, and the credentials' order) is provider/settings.ts's
 *   table, the version package.json's.
 *
 * What only the schema says lives below: how a setting's facts read as one description, and
 * the language settings; the object types are named by scripts/lib/typeNames.js, as the
 * TypeScript interfaces are. test/unit/schema.test.ts compares the schema with the codecs
 * field by field; test/unit/secrecy.test.ts its secrets with every
 * front door's.
 *
 *   node scripts/gen-schema.js          write plugin/schema.json
 *   node scripts/gen-schema.js --check  exit 1 if it is out of date (writes nothing)
 */
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { withProbe } = require("./lib/probe");
const { loadTs } = require("./lib/loadTs");
const { baseName, pascal } = require("./lib/typeNames");

const repo = path.resolve(__dirname, "..");
const out = path.join(repo, "plugin", "schema.json");
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));

const { camelKey } = loadTs("provider/codecs/spellings.ts");
const { RESOURCES, bodyModule } = require("./lib/resources");
const { FUNCTIONS } = loadTs("provider/functions/index.ts");
const { PACKAGE, typeToken: token } = loadTs("provider/resources/index.ts");
const { describe, defaultsOf, typePrefixOf } = loadTs("provider/resources/definition.ts");
const { SETTINGS, CONFIG_KEYS, CREDENTIAL_ORDER } = loadTs("provider/settings.ts");
const { fieldsOf, enumOf, secretKeys, structural } = loadTs("provider/codecs/fields.ts");

// ---------------------------------------------------------------------------------------
// What only the schema says.

/**
 * A setting's description in the schema: settings.ts's words, then its range and default,
 * where it is set, and for a credential the order in which sources are tried.
 */
const configDescription = (key) => {
  const setting = SETTINGS[key];
  const range = setting.number && `A ${setting.number.kind === "integer" ? "whole number" : "number"} from ${setting.number.min} to ${setting.number.max}.`;
  return [
    setting.description,
    range,
    setting.default === undefined ? undefined : `Default: ${setting.default}.`,
    `Stack config \`${CONFIG_KEYS[key]}\`; when it is not set, the environment variable \`${setting.env}\`.`,
    setting.credential ? `Credentials come whole from one source, in this order: ${CREDENTIAL_ORDER.join("; ")}.` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
};

// ---------------------------------------------------------------------------------------
// Descriptions: the TSDoc of the codecs' properties and of sdk/'s resources, by path.

const readDocs = () => {
  const source = RESOURCES.map((d, i) => {
    const { module, exportName } = bodyModule(d);
    return `import type { ${exportName} as B${i} } from ${JSON.stringify(path.join(repo, module))};\nexport type Body${i} = B${i};\n`;
  }).join("");
  return withProbe(source, (checker, sf) => {
    // One paragraph per paragraph: the line breaks of a TSDoc block are only its layout.
    const flow = (text) => text.trim().replace(/([^\n])\n(?!\n)\s*/g, "$1 ");
    const doc = (symbol) => flow(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
    const aliased = (name) => {
      const statement = sf.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === name);
      return checker.getTypeAtLocation(statement.name);
    };

    /** path (wire keys, `[]` for list items, `{}` for map values) -> description */
    const wireDocs = (type) => {
      const docs = new Map();
      const walk = (t, at) => {
        t = checker.getNonNullableType(t);
        if (t.isUnion()) return t.types.forEach((m) => walk(m, at));
        if (checker.isArrayType(t)) return walk(checker.getTypeArguments(t)[0], `${at}[]`);
        if (t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return;
        for (const p of checker.getPropertiesOfType(t)) {
          const d = doc(p);
          const key = at === "" ? p.name : `${at}.${p.name}`;
          if (d !== "") docs.set(key, d);
          walk(checker.getTypeOfSymbolAtLocation(p, sf), key);
        }
        const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
        if (index !== undefined) walk(index.type, `${at}{}`);
      };
      walk(type, "");
      return docs;
    };
    /** Each resource's body descriptions, by wire path. */
    return RESOURCES.map((_, i) => wireDocs(aliased(`Body${i}`)));
  });
};

// ---------------------------------------------------------------------------------------
// Types: the codecs walked at run time.

/** Leaf codecs (primitives.ts, ownProperties.ts) by name: their schema type. */
const leafType = (codec) => {
  const name = codec.name;
  const integerOrString = { oneOf: [{ type: "integer" }, { type: "string" }] };
  if (["integer or string of digits", "integer or percentage", "port number or name"].includes(name)) return integerOrString;
  if (["integer", "non-negative integer", "port", "positive integer"].includes(name)) return { type: "integer" };
  if (name === "number") return { type: "number" };
  if (name === "unknown") return { $ref: "pulumi.json#/Any" };
  if (name === "boolean") return { type: "boolean" };
  if (name === "string" || name === "non-empty string" || name.startsWith("string ")) return { type: "string" };
  const values = enumOf(codec);
  if (values !== undefined) return { enum: values };
  throw new Error(`gen-schema: no schema type for codec "${name}": teach leafType about it`);
};

/** Declared properties of an object codec, from the field model (provider/codecs/fields.ts). */
const fieldsIn = (codec) => fieldsOf(codec)?.filter((f) => !f.absent);

const build = () => {
  /** canonical JSON of an object type -> its entry; names are chosen once all are known. */
  const objects = new Map();
  /** Enums found under each owner (object canonical or resource name): owner -> Map(prop -> enum). */
  const enumsByOwner = new Map();

  /**
   * The schema type of a codec at a wire path. Objects become references to named types
   * (placeholders `@object:N` until named); enums stay inline markers until their owner
   * (the object holding the property) is known.
   */
  const typeOf = (codec, ctx) => {
    const c = structural(codec);
    switch (c._tag) {
      case "ArrayType":
        return { type: "array", items: typeOf(c.type, { ...ctx, path: `${ctx.path}[]`, item: true }) };
      case "DictionaryType":
        return { type: "object", additionalProperties: typeOf(c.codomain, { ...ctx, path: `${ctx.path}{}`, item: false }) };
      case "UnionType":
        return { oneOf: c.types.map((m) => typeOf(m, ctx)) };
      case "OpenObject": {
        // Documented keys are typed and renamed, any other key passes verbatim: a map, with the documented keys described.
        const known = Object.keys(c.props)
          .map((k) => [camelKey(k), ctx.docs.get(`${ctx.path}.${k}`)])
          .map(([k, d]) => `\`${k}\`${d !== undefined ? ` (${d.replace(/\.$/, "")})` : ""}`)
          .join(", ");
        return { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" }, openObjectKeys: known };
      }
      default: {
        const fields = fieldsIn(c);
        if (fields === undefined) return leafType(c);
        const { properties, required, enums } = propertiesOf(fields, ctx.path, ctx.prefix, ctx.docs);
        const spec = { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
        // The enums' values belong to the shape: the two pages' runtime stacks differ only in which types they allow.
        const canonical = JSON.stringify([spec, [...enums]]);
        let entry = objects.get(canonical);
        if (entry === undefined) {
          const base = baseName(ctx.key, ctx.item, ctx.parent);
          entry = { id: objects.size, spec, base, prefix: ctx.prefix };
          objects.set(canonical, entry);
          enumsByOwner.set(`@object:${entry.id}`, enums);
        }
        return { $ref: `@object:${entry.id}` };
      }
    }
  };

  /** Properties of an object, camelCase, with descriptions, secrets and enum markers lifted out. */
  const propertiesOf = (fields, at, prefix, docs) => {
    const properties = {};
    const required = [];
    const enums = new Map();
    for (const { wireKey, key, codec, required: isRequired, secret } of fields) {
      const path = at === "" ? wireKey : `${at}.${wireKey}`;
      const parent =
        at === ""
          ? undefined
          : camelKey(
              at
                .split(".")
                .pop()
                .replace(/\[\]|\{\}/g, ""),
            );
      const type = liftEnums(typeOf(codec, { path, key, parent, item: false, prefix, docs }), key, enums);
      const description = docs.get(path);
      properties[key] = {
        ...type,
        ...(description !== undefined || type.openObjectKeys !== undefined ? { description: describeWith(description, type.openObjectKeys) } : {}),
        ...(secret ? { secret: true } : {}),
      };
      delete properties[key].openObjectKeys;
      if (isRequired) required.push(key);
    }
    return { properties, required, enums };
  };

  const describeWith = (description, openObjectKeys) =>
    openObjectKeys === undefined
      ? description
      : `${description ?? ""}${description ? " " : ""}Documented keys: ${openObjectKeys}; any other key passes verbatim.`;

  /** Replaces enum markers (at the property, or in its list items or map values) by `@enum:<prop>` references the owner resolves. */
  const liftEnums = (type, key, enums) => {
    if (type.enum !== undefined) {
      enums.set(key, type.enum);
      return { $ref: `@enum:${key}` };
    }
    if (type.items !== undefined) return { ...type, items: liftEnums(type.items, key, enums) };
    if (type.additionalProperties !== undefined) return { ...type, additionalProperties: liftEnums(type.additionalProperties, key, enums) };
    if (type.oneOf !== undefined) return { ...type, oneOf: type.oneOf.map((member) => liftEnums(member, key, enums)) };
    return type;
  };

  return { objects, enumsByOwner, propertiesOf };
};

/** Names for the object types: a name shared by different shapes gets the resource's prefix (JobDeployStrategy, ReleasePlanDeployStrategy). */
const nameObjects = (objects) => {
  const byBase = new Map();
  for (const entry of objects.values()) byBase.set(entry.base, [...(byBase.get(entry.base) ?? []), entry]);
  const names = new Map();
  const taken = new Set();
  for (const [base, entries] of byBase) {
    for (const entry of entries) {
      const wanted = entries.length === 1 ? base : `${entry.prefix}${base}`;
      let name = wanted;
      for (let n = 2; taken.has(name); n++) name = `${wanted}${n}`;
      taken.add(name);
      names.set(entry.id, name);
    }
  }
  return names;
};

/** github.com/owner/name, from package.json's repository. */
const repositoryPath = pkg.repository.url.replace(/^git\+https:\/\//, "").replace(/\.git$/, "");
/**
 * Where the CLI downloads the plugin from (sdk/go/common/workspace/plugins.go): the GitHub
 * releases of this repository, whose assets are `pulumi-resource-servicestage-v<version>-<os>-<arch>.tar.gz`
 * (scripts/pack-plugin.js). The SDKs carry it as `server` in their pulumi-plugin.json.
 */
const [, owner, repositoryName] = repositoryPath.split("/");
// The owner alone when the repository is `pulumi-<package>`, which every CLI version takes for the default (`/<repo>` is newer).
const pluginDownloadURL = `github://api.github.com/${owner}${repositoryName === "pulumi-servicestage" ? "" : `/${repositoryName}`}`;

const generate = (docs) => {
  const { objects, enumsByOwner, propertiesOf } = build();

  /** A resource from its definition; `wireDocs`: its body's descriptions, by wire path. */
  const resource = (definition, wireDocs) => {
    const { name, ownProperties, outputs } = definition;
    const prefix = typePrefixOf(definition);
    const own = propertiesOf(fieldsIn(definition.ownCodec), "", prefix, new Map());
    for (const [key, p] of Object.entries(ownProperties))
      own.properties[key] = { ...own.properties[key], description: describe(p), ...(p.default !== undefined ? { default: p.default } : {}) };
    const body = propertiesOf(fieldsIn(definition.body), "", prefix, wireDocs);
    const inputProperties = { ...own.properties, ...body.properties };
    // Kept secret whole wherever a secret field sits below (the lifecycles' `secretKeys`, the same derivation).
    for (const key of secretKeys(definition.body)) inputProperties[key] = { ...inputProperties[key], secret: true };
    const requiredInputs = [...own.required, ...body.required];
    enumsByOwner.set(name, new Map([...own.enums, ...body.enums]));
    return {
      description: definition.doc,
      properties: { ...inputProperties, ...Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, { type: "string", description: o.doc }])) },
      // What a resource always has: its required inputs, and the defaults check fills in.
      required: [...requiredInputs, ...Object.keys(defaultsOf(definition))],
      inputProperties,
      requiredInputs,
    };
  };

  const resources = Object.fromEntries(RESOURCES.map((d, i) => [token(d), resource(d, docs[i])]));

  /** A read function from its definition (provider/functions/): inputs as a resource's own properties, outputs by kind. */
  const OUTPUT_KINDS = {
    string: { type: "string" },
    integer: { type: "integer" },
    object: { $ref: "pulumi.json#/Any" },
    objectList: { type: "array", items: { $ref: "pulumi.json#/Any" } },
    stringList: { type: "array", items: { type: "string" } },
  };
  const readFunction = (f) => {
    const inputs = propertiesOf(fieldsIn(f.inputCodec), "", f.name, new Map());
    // Its own doc only: an argument replaces nothing.
    for (const [key, p] of Object.entries(f.inputs)) inputs.properties[key] = { ...inputs.properties[key], description: p.doc };
    return {
      description: f.doc,
      inputs: { properties: inputs.properties, required: inputs.required },
      outputs: {
        properties: Object.fromEntries(
          Object.entries(f.outputs).map(([k, o]) => [k, { ...OUTPUT_KINDS[o.kind], description: o.doc, ...(o.secret ? { secret: true } : {}) }]),
        ),
        required: Object.keys(f.outputs),
      },
    };
  };
  const functions = Object.fromEntries(FUNCTIONS.map((f) => [token(f), readFunction(f)]));

  const objectNames = nameObjects(objects);
  const types = {};
  const enumName = (owner, prop) => `${owner.startsWith("@object:") ? objectNames.get(Number(owner.slice(8))) : owner}${pascal(prop)}`;
  for (const entry of objects.values()) types[objectNames.get(entry.id)] = { ...entry.spec, __owner: `@object:${entry.id}` };
  for (const [owner, enums] of enumsByOwner)
    for (const [prop, { kind, values }] of enums) {
      const name = enumName(owner, prop);
      if (types[name] !== undefined) throw new Error(`gen-schema: type name ${name} is used twice`);
      types[name] = { type: kind, enum: values.map((value) => ({ value })) };
    }
  for (const name of Object.keys(types)) if (Object.keys(resources).includes(token({ name }))) throw new Error(`gen-schema: type ${name} shadows a resource`);

  /** Placeholders to `#/types/servicestage:index:<Name>`; an enum reference resolves against the object (or resource) holding it. */
  const resolve = (value, owner) => {
    if (Array.isArray(value)) return value.map((v) => resolve(v, owner));
    if (value === null || typeof value !== "object") return value;
    const result = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "__owner") continue;
      if (k === "$ref" && v.startsWith("@object:")) result[k] = `#/types/${token({ name: objectNames.get(Number(v.slice(8))) })}`;
      else if (k === "$ref" && v.startsWith("@enum:")) result[k] = `#/types/${token({ name: enumName(owner, v.slice(6)) })}`;
      else result[k] = resolve(v, owner);
    }
    return result;
  };
  const sortedTypes = Object.fromEntries(
    Object.keys(types)
      .sort()
      .map((name) => [token({ name }), resolve(types[name], types[name].__owner)]),
  );
  const resolvedResources = Object.fromEntries(Object.entries(resources).map(([tok, r]) => [tok, resolve(r, tok.split(":")[2])]));

  const configVariables = Object.fromEntries(
    Object.entries(SETTINGS).map(([key, setting]) => [
      key,
      { type: setting.number?.kind ?? "string", description: configDescription(key), ...(setting.secret ? { secret: true } : {}) },
    ]),
  );

  return {
    name: PACKAGE,
    displayName: "Huawei Cloud ServiceStage",
    version: pkg.version,
    description: "Huawei Cloud ServiceStage v3: job component redeployment and release tasks, for every Pulumi language.",
    keywords: ["pulumi", "huaweicloud", "servicestage", "category/cloud", "kind/native"],
    homepage: pkg.homepage,
    license: pkg.license,
    repository: `https://${repositoryPath}`,
    publisher: "pulumi-servicestage",
    pluginDownloadURL,
    meta: { moduleFormat: "(.*)", supportPack: true },
    config: { variables: configVariables },
    provider: {
      description: "The ServiceStage provider: where the resources' ServiceStage is, and the credentials to reach it.",
      inputProperties: configVariables,
    },
    resources: resolvedResources,
    functions,
    types: sortedTypes,
    language: {
      go: { importBasePath: `${repositoryPath}/sdk/go/${PACKAGE}`, respectSchemaVersion: true },
      python: { packageName: "pulumi_servicestage", respectSchemaVersion: true },
    },
  };
};

const main = async () => {
  const schema = generate(readDocs());
  const prettier = require("prettier");
  const options = (await prettier.resolveConfig(out)) ?? {};
  const text = await prettier.format(JSON.stringify(schema), { ...options, filepath: out });
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    if (current !== text) {
      process.stderr.write(`${path.relative(repo, out)} is out of date: run node scripts/gen-schema.js\n`);
      process.exit(1);
    }
  } else fs.writeFileSync(out, text);
};

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
