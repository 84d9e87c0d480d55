/**
 * Comparing values the way the wire means them: absent equals null, a number equals its
 * string, and a live value is judged only on what was declared or sent. Used by diff,
 * refresh (drift) and the lost-answer check before a retry.
 */
import { isAbsent, isPlainObject } from "./codecs/primitives";

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
