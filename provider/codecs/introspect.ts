/**
 * Reading the structure of io-ts codecs (their `_tag`, members and properties), for the
 * modules that walk a codec beside a value: casing.ts (renaming) and report.ts (paths of
 * failures). One home, so that a new wrapper codec is taught to both at once.
 */
import * as t from "io-ts";

/** A codec seen through the fields io-ts and primitives.ts give its classes. */
export type Tagged = t.Mixed & { _tag?: string; inner?: t.Mixed; types?: t.Mixed[]; type?: t.Mixed; codomain?: t.Mixed; props?: t.Props };

const propsCache = new WeakMap<t.Mixed, t.Props | null>();

/** The declared properties (wire keys) of an object codec, or undefined if it is not one. Memoized: codecs are immutable values. */
export const objectProps = (codec: t.Mixed): t.Props | undefined => {
  let props = propsCache.get(codec);
  if (props === undefined) {
    props = computeObjectProps(codec) ?? null;
    propsCache.set(codec, props);
  }
  return props ?? undefined;
};

const computeObjectProps = (codec: t.Mixed): t.Props | undefined => {
  const c = codec as Tagged;
  switch (c._tag) {
    case "InterfaceType":
    case "PartialType":
    case "OpenObject":
    case "ObjectCodec":
      return c.props;
    case "Checked":
    case "ExactType":
    case "RefinementType":
    case "ReadonlyType":
      return objectProps((c.inner ?? c.type) as t.Mixed);
    case "IntersectionType": {
      const parts = (c.types ?? []).map(objectProps);
      return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined;
    }
    default:
      return undefined;
  }
};

/** Peels wrappers that add rules but not structure. */
export const structural = (codec: t.Mixed): Tagged => {
  const c = codec as Tagged;
  if (c._tag === "Checked") return structural(c.inner as t.Mixed);
  if (c._tag === "ExactType" || c._tag === "RefinementType" || c._tag === "ReadonlyType") return structural(c.type as t.Mixed);
  return c;
};

/**
 * Peels `Checked` (object rules). It validates its inner codec in its own context entry,
 * so the inner codec's children (intersection members, object keys) appear directly
 * under it: a failure's parent is read through the wrapper.
 */
export const unwrapChecked = (type: Tagged): Tagged => (type._tag === "Checked" ? unwrapChecked(type.inner as Tagged) : type);
