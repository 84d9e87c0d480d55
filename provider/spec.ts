/**
 * What both resources do with a declared spec: decode the user's camelCase value into
 * the wire body (or issues that name camelCase paths), compare specs, and line up what
 * a GET returns with what the user declared.
 */
import * as t from "io-ts";
import { Issue, toWire } from "./codecs/casing";
import { issuesOf } from "./codecs/report";
import { isPlainObject } from "./codecs/primitives";

export type Decoded<A> = { ok: true; value: A } | { ok: false; issues: Issue[] };

/** camelCase user value -> decoded wire body. With unknowns (preview) the issues may be empty while ok is false. */
export const decodeSpec = <A>(codec: t.Type<A, unknown, unknown>, camel: unknown, prefix = ""): Decoded<A> => {
  const issues: Issue[] = [];
  const wire = toWire(codec, camel, issues);
  const decoded = codec.decode(wire);
  if (issues.length === 0 && decoded._tag === "Right") return { ok: true, value: decoded.right };
  const prefixed = issues.map((i) => ({ path: prefix === "" ? i.path : i.path === "" ? prefix : `${prefix}.${i.path}`, message: i.message }));
  return { ok: false, issues: [...prefixed, ...(decoded._tag === "Left" ? issuesOf(decoded.left, prefix) : [])] };
};

const isAbsent = (v: unknown) => v === null || v === undefined;

/**
 * Deep equality where an absent key and a null value mean the same (as they do on the
 * wire). Written out rather than comparing JSON: diff runs for every resource of every
 * preview, and this is several times faster.
 */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (isAbsent(a) || isAbsent(b)) return isAbsent(a) && isAbsent(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k in a) if (Object.hasOwn(a, k) && !sameValue(a[k], Object.hasOwn(b, k) ? b[k] : undefined)) return false;
    for (const k in b) if (Object.hasOwn(b, k) && !Object.hasOwn(a, k) && !isAbsent(b[k])) return false;
    return true;
  }
  return false;
};

/**
 * The properties whose values differ. A value still unknown counts as a change: the
 * unknown sentinel never equals a stored value, so sameValue already says so.
 */
export const changedKeys = (keys: readonly string[], desired: Record<string, unknown>, stored: Record<string, unknown>): string[] =>
  keys.filter((k) => !sameValue(desired[k], stored[k]));

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
  return sameScalar(declared, live) ? declared : live;
};

/** A number and the string of it are the same value: ServiceStage answers some numbers as strings. */
const sameScalar = (a: unknown, b: unknown): boolean =>
  a === b ||
  (typeof a === "number" && typeof b === "string" && b.trim() !== "" && Number(b) === a) ||
  (typeof b === "number" && typeof a === "string" && a.trim() !== "" && Number(a) === b);

/**
 * Whether a live value carries what was sent, on everything the live value shows: keys
 * it does not return are not judged (the GET never returns http_password or
 * task_setting), keys it adds are ignored, and a number equals its string. Lists must
 * match item by item.
 */
export const carries = (live: unknown, sent: unknown): boolean => {
  if (isAbsent(live) || isAbsent(sent)) return true;
  if (Array.isArray(sent)) return Array.isArray(live) && live.length === sent.length && sent.every((x, i) => carries(live[i], x));
  if (isPlainObject(sent)) return isPlainObject(live) && Object.keys(sent).every((k) => carries(live[k], sent[k]));
  return sameScalar(sent, live);
};

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
