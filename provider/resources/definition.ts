/**
 * What a resource is, said once: its name (the type token `servicestage:index:<name>` and
 * the TypeScript class), its docs, the ServiceStage body it deploys, its own properties
 * (which object, how to wait: each with its codec, doc, default and whether a change
 * replaces), the outputs it adds, and its lifecycle. Every front door and generator reads
 * the definitions (resources/index.ts lists them): provider/index.ts, the plugin,
 * scripts/gen-types.js (sdk/'s Args, classes, key lists) and scripts/gen-schema.js (the
 * schema, and through it the Go and Python SDKs). CONTRIBUTING.md: "Adding a resource".
 */
import * as t from "io-ts";
import { bool, int, obj } from "../codecs/primitives";
import { ID_RULE, REGION_RULE, isId, isRegion } from "../urlParts";
import type { Lifecycle } from "../lifecycle";

export interface PropertyOptions {
  /** What the property means, in every language's docs (`describe` adds the default and the replacement). */
  readonly doc: string;
  /** What check fills in when the program leaves it out. */
  readonly default?: string | number | boolean;
  /** A change names another ServiceStage object: the resource is replaced. */
  readonly replaceOnChange?: boolean;
}

export interface OwnProperty<C extends t.Mixed = t.Mixed, R extends boolean = boolean> extends PropertyOptions {
  readonly codec: C;
  readonly required: R;
}

export const required = <C extends t.Mixed>(codec: C, options: PropertyOptions): OwnProperty<C, true> => ({ codec, required: true, ...options });
export const optional = <C extends t.Mixed>(codec: C, options: PropertyOptions): OwnProperty<C, false> => ({ codec, required: false, ...options });

export type OwnPropertyMap = Readonly<Record<string, OwnProperty>>;
type RequiredKeys<P extends OwnPropertyMap> = { [K in keyof P]: P[K] extends OwnProperty<t.Mixed, true> ? K : never }[keyof P];
/** The value a program gives for each own property, derived from their codecs. */
export type OwnValues<P extends OwnPropertyMap> = { [K in RequiredKeys<P>]: t.TypeOf<P[K]["codec"]> } & {
  [K in Exclude<keyof P, RequiredKeys<P>>]?: t.TypeOf<P[K]["codec"]>;
};

/** The codec of a resource's own properties, built from their definitions (the field model reads it as any table). */
export const ownCodec = <P extends OwnPropertyMap>(name: string, properties: P): t.Type<OwnValues<P>, OwnValues<P>, unknown> => {
  const codecs = (wanted: boolean) =>
    Object.fromEntries(
      Object.entries(properties)
        .filter(([, p]) => p.required === wanted)
        .map(([k, p]) => [k, p.codec]),
    );
  return obj(name, codecs(true), codecs(false)) as unknown as t.Type<OwnValues<P>, OwnValues<P>, unknown>;
};

export interface OutputProperty {
  readonly doc: string;
}

/** Everything about a resource but its lifecycle, which reads it. */
export interface ResourceShape {
  /** The type token's name (`servicestage:index:<name>`) and the TypeScript class's. */
  readonly name: string;
  /** What it is and does, first line first: the class's TSDoc and the schema's description. */
  readonly doc: string;
  /** The ServiceStage request body the resource deploys, camelCased for programs: its spec. */
  readonly body: t.Mixed;
  /** One line about the body, for its generated type. */
  readonly bodyDoc: string;
  readonly ownProperties: OwnPropertyMap;
  /** The codec of the own properties (`ownCodec(…, ownProperties)`). */
  readonly ownCodec: t.Mixed;
  /** What the resource adds to its inputs (all strings). */
  readonly outputs: Readonly<Record<string, OutputProperty>>;
  /** What names its body's types where another resource's table of the same name differs (JobDeployStrategy); default its name. */
  readonly typePrefix?: string;
}

export interface ResourceDefinition extends ResourceShape {
  /**
   * The name provider/index.ts exports the lifecycle under. Stored stacks' serialized
   * providers call it by this name (sdk/shim.ts): it never changes.
   */
  readonly providerExport: string;
  readonly lifecycle: Lifecycle;
}

/** The prefix of the resource's type names, in every language (scripts/lib/typeNames.js). */
export const typePrefixOf = (shape: ResourceShape): string => shape.typePrefix ?? shape.name;

/** The own properties' names. */
export const ownKeysOf = (shape: ResourceShape): string[] => Object.keys(shape.ownProperties);
/** The outputs' names. */
export const outputKeysOf = (shape: ResourceShape): string[] => Object.keys(shape.outputs);
/** The own properties whose change replaces the resource. */
export const replaceKeysOf = (shape: ResourceShape): string[] =>
  Object.entries(shape.ownProperties)
    .filter(([, p]) => p.replaceOnChange === true)
    .map(([k]) => k);
/** The defaults check fills in, by property. */
export const defaultsOf = (shape: ResourceShape): Record<string, string | number | boolean> =>
  Object.fromEntries(Object.entries(shape.ownProperties).flatMap(([k, p]) => (p.default === undefined ? [] : [[k, p.default]])));

/** A property's full doc, as every language shows it: its meaning, its default, and that a change replaces. */
export const describe = (p: OwnProperty): string =>
  [
    p.doc,
    ...(p.default !== undefined ? [`Default ${JSON.stringify(p.default)}.`] : []),
    ...(p.replaceOnChange === true ? ["Changing it replaces the resource."] : []),
  ].join(" ");

// ---------------------------------------------------------------------------------------
// Codecs and properties more than one resource uses.

/** A path segment of the request (urlParts.ts): never `.`, `..`, blank or a separator. */
export const segmentId = new t.Type<string, string, unknown>(
  "string (a ServiceStage id)",
  (u): u is string => typeof u === "string" && isId(u),
  (u, c) => (typeof u === "string" && isId(u) ? t.success(u) : t.failure(u, c, ID_RULE)),
  t.identity,
);
/** Part of the endpoint's host (urlParts.ts): one DNS label. */
export const regionName = new t.Type<string, string, unknown>(
  "string (a region name)",
  (u): u is string => typeof u === "string" && isRegion(u),
  (u, c) => (typeof u === "string" && isRegion(u) ? t.success(u) : t.failure(u, c, REGION_RULE)),
  t.identity,
);
export const positiveInt = new t.Type<number, number, unknown>(
  "positive integer",
  (u): u is number => typeof u === "number" && Number.isInteger(u) && u > 0,
  (u, c) => (int.is(u) && u > 0 ? t.success(u) : t.failure(u, c, "must be a positive integer (seconds)")),
  t.identity,
);
export { bool };

/** Any values, as pulumi-command's `triggers`: what a change of them does is the resource's (`does`). */
export const TRIGGERS = (does: string) =>
  optional(t.array(t.unknown), {
    doc: `Any values: a change of them ${does}. Nothing else changes; the preview shows the change and the reason.`,
  });

/** Where a resource lives, when it is not where the provider points: every resource has these two. */
export const WHERE = {
  projectId: optional(segmentId, {
    doc: "Project ID; defaults to stack config servicestage:projectId, then HW_PROJECT_ID.",
    replaceOnChange: true,
  }),
  region: optional(regionName, {
    doc:
      "Region (e.g. cn-north-4), for a program that reaches several; defaults to stack config servicestage:region, then HW_REGION_NAME. " +
      "A fixed servicestage:endpoint serves only its own region: write {region} in it to serve others.",
    replaceOnChange: true,
  }),
} as const;
