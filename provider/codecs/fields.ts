/**
 * The field model: what the codecs say about each property, read in one place. Per field
 * its wire key (as the page spells it), its camelCase key, whether the table requires it,
 * whether it is secret (declared once, on the codec, with `secret()`), and its enum.
 * Everything that needs to know the codecs' structure reads it here: casing.ts (renaming),
 * report.ts (paths of failures), the lifecycles and the plugin (which properties to keep
 * secret), scripts/gen-schema.js (the schema, and through it the Go and Python SDKs) and
 * scripts/gen-types.js (sdk/'s types and its secret outputs). A new wrapper codec is
 * taught to all of them at once, here.
 *
 * The one thing a codec cannot carry at run time is its description: that is the TSDoc
 * of the codec property (the page's text), which only the TypeScript checker sees; the
 * generators read it at the same wire path (scripts/lib/probe.js).
 */
import * as t from "io-ts";
import { OneOf, Secret } from "./primitives";
import { camelKey } from "./spellings";

/** A codec seen through the fields io-ts and primitives.ts give its classes. */
export type Tagged = t.Mixed & {
  _tag?: string;
  inner?: t.Mixed;
  types?: t.Mixed[];
  type?: t.Mixed;
  codomain?: t.Mixed;
  props?: t.Props;
  required?: t.Props;
  optional?: t.Props;
};

export interface Field {
  /** As the page spells it, and as it goes on the wire. */
  readonly wireKey: string;
  /** What users write (spellings.ts's `camelKey`). */
  readonly key: string;
  /** The table marks it mandatory. */
  readonly required: boolean;
  /** Its codec, wrappers included. */
  readonly codec: t.Mixed;
  /** Declared secret: it is a credential. */
  readonly secret: boolean;
  /** It is, or holds at any depth, a secret field: a top-level property that does is kept secret whole. */
  readonly holdsSecret: boolean;
  /** The page's enum, when it gives one (for a list, its items'). */
  readonly enum?: Enum;
  /** A property the page leaves out on purpose (the release page's affinity topology_key): nothing may be set. */
  readonly absent: boolean;
}

export interface Enum {
  readonly kind: "string" | "integer";
  readonly values: ReadonlyArray<string | number>;
}

/** Wrappers that add rules (or secrecy) but not structure. */
const WRAPPERS = new Set(["Checked", "ExactType", "RefinementType", "ReadonlyType", "Secret"]);
const wrapped = (c: Tagged): t.Mixed => (c.inner ?? c.type) as t.Mixed;

/** Peels wrappers that add rules but not structure. */
export const structural = (codec: t.Mixed): Tagged => {
  const c = codec as Tagged;
  return c._tag !== undefined && WRAPPERS.has(c._tag) ? structural(wrapped(c)) : c;
};

/**
 * Peels `Checked` (object rules). It validates its inner codec in its own context entry,
 * so the inner codec's children (intersection members, object keys) appear directly
 * under it: a failure's parent is read through the wrapper.
 */
export const unwrapChecked = (type: Tagged): Tagged => (type._tag === "Checked" ? unwrapChecked(type.inner as Tagged) : type);

/** Declared secret, under whatever rule wrappers. */
const isSecret = (codec: t.Mixed): boolean => {
  const c = codec as Tagged;
  if (c instanceof Secret) return true;
  return c._tag !== undefined && WRAPPERS.has(c._tag) ? isSecret(wrapped(c)) : false;
};

/** The enum of a leaf codec, or of a list's items. */
export const enumOf = (codec: t.Mixed): Enum | undefined => {
  const c = structural(codec);
  if (c instanceof OneOf) return { kind: typeof c.values[0] === "number" ? "integer" : "string", values: c.values };
  if (c._tag === "ArrayType") return enumOf(c.type as t.Mixed);
  return undefined;
};

const holdsCache = new WeakMap<t.Mixed, boolean>();
/** Whether a value of this codec can hold a secret field, at any depth. Memoized: codecs are immutable values. */
export const holdsSecret = (codec: t.Mixed): boolean => {
  let holds = holdsCache.get(codec);
  if (holds === undefined) {
    const c = structural(codec);
    holds =
      isSecret(codec) ||
      (c._tag === "ArrayType"
        ? holdsSecret(c.type as t.Mixed)
        : c._tag === "DictionaryType"
          ? holdsSecret(c.codomain as t.Mixed)
          : c._tag === "UnionType"
            ? (c.types ?? []).some(holdsSecret)
            : (fieldsOf(c)?.some((f) => f.holdsSecret) ?? false));
    holdsCache.set(codec, holds);
  }
  return holds;
};

const field = (wireKey: string, codec: t.Mixed, required: boolean): Field => ({
  wireKey,
  key: camelKey(wireKey),
  required,
  codec,
  secret: isSecret(codec),
  get holdsSecret() {
    return holdsSecret(codec);
  },
  enum: enumOf(codec),
  absent: structural(codec).name === "absent",
});

const fieldsCache = new WeakMap<t.Mixed, readonly Field[] | null>();
/** The declared fields of an object codec, or undefined if it is not one. Memoized. */
export const fieldsOf = (codec: t.Mixed): readonly Field[] | undefined => {
  let fields = fieldsCache.get(codec);
  if (fields === undefined) {
    fields = computeFields(codec) ?? null;
    fieldsCache.set(codec, fields);
  }
  return fields ?? undefined;
};

const computeFields = (codec: t.Mixed): Field[] | undefined => {
  const c = codec as Tagged;
  const all = (props: t.Props | undefined, required: boolean) => Object.entries(props ?? {}).map(([k, v]) => field(k, v, required));
  switch (c._tag) {
    case "ObjectCodec":
      return [...all(c.required, true), ...all(c.optional, false)];
    case "InterfaceType":
      return all(c.props, true);
    case "PartialType":
    case "OpenObject":
      return all(c.props, false);
    case "IntersectionType": {
      const parts = (c.types ?? []).map(fieldsOf);
      if (!parts.every((p) => p !== undefined)) return undefined;
      // A key several members declare: required if any member requires it.
      const byKey = new Map<string, Field>();
      for (const f of parts.flat()) byKey.set(f.wireKey, byKey.get(f.wireKey)?.required ? { ...f, required: true } : f);
      return [...byKey.values()];
    }
    default:
      return c._tag !== undefined && WRAPPERS.has(c._tag) ? (fieldsOf(wrapped(c)) as Field[] | undefined) : undefined;
  }
};

const propsCache = new WeakMap<readonly Field[], t.Props>();
/** The declared properties (wire key -> codec) of an object codec, or undefined if it is not one. */
export const objectProps = (codec: t.Mixed): t.Props | undefined => {
  const fields = fieldsOf(codec);
  if (fields === undefined) return undefined;
  let props = propsCache.get(fields);
  if (props === undefined) {
    props = Object.fromEntries(fields.map((f) => [f.wireKey, f.codec]));
    propsCache.set(fields, props);
  }
  return props;
};

/** The top-level (camelCase) properties of an object codec that hold a secret: each is kept secret whole, in every front door. */
export const secretKeys = (codec: t.Mixed): string[] => (fieldsOf(codec) ?? []).filter((f) => f.holdsSecret).map((f) => f.key);
