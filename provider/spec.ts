/**
 * What both resources do with a declared spec: decode the user's camelCase value into
 * the wire body (or issues that name camelCase paths), compare specs, and line up what
 * a GET returns with what the user declared.
 */
import * as t from "io-ts";
import { Issue, dropNulls, toWire } from "./codecs/casing";
import { issuesOf } from "./codecs/report";
import { isPlainObject } from "./codecs/primitives";
import { containsUnknown } from "./unknown";

export type Decoded<A> = { ok: true; value: A } | { ok: false; issues: Issue[] };

/** camelCase user value -> decoded wire body. With unknowns (preview) the issues may be empty while ok is false. */
export const decodeSpec = <A>(codec: t.Type<A, unknown, unknown>, camel: unknown, prefix = ""): Decoded<A> => {
  const issues: Issue[] = [];
  const wire = dropNulls(toWire(codec, camel, issues));
  const decoded = codec.decode(wire);
  if (issues.length === 0 && decoded._tag === "Right") return { ok: true, value: decoded.right };
  const prefixed = issues.map((i) => ({ path: prefix === "" ? i.path : i.path === "" ? prefix : `${prefix}.${i.path}`, message: i.message }));
  return { ok: false, issues: [...prefixed, ...(decoded._tag === "Left" ? issuesOf(decoded.left, prefix) : [])] };
};

/** Keys in a stable order, nulls dropped: two specs that mean the same print the same. */
const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (isPlainObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => v[k] !== null && v[k] !== undefined)
        .sort()
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
};

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** The properties whose values differ; a value still unknown counts as a change. */
export const changedKeys = (keys: readonly string[], desired: Record<string, unknown>, stored: Record<string, unknown>): string[] =>
  keys.filter((k) => containsUnknown(desired[k]) || !sameValue(desired[k], stored[k]));

/**
 * The live value seen through the shape the user declared. Object keys the user did not
 * write (server defaults such as source.auth = "iam") are left out, and keys the GET
 * does not return (it never returns http_password) keep the declared value: drift is
 * judged only on what the user owns and the GET shows.
 */
export const projectOnto = (declared: unknown, live: unknown): unknown => {
  if (Array.isArray(declared) && Array.isArray(live)) return live.map((item, i) => (i < declared.length ? projectOnto(declared[i], item) : item));
  if (isPlainObject(declared) && isPlainObject(live))
    return Object.fromEntries(Object.keys(declared).map((k) => [k, k in live ? projectOnto(declared[k], live[k]) : declared[k]]));
  return live;
};

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
