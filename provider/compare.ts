/**
 * Comparing values the way the wire means them: absent equals null, a number equals its
 * string, a live value is judged only on what was declared or sent, and the lists
 * ServiceStage keeps as sets (unorderedLists.ts) are compared as sets, items the server
 * adds aside. Used by diff, refresh (drift) and the adoption checks alike, so that all
 * three agree on when two specs are the same.
 *
 * Each function takes the key its value sits under: that key says whether a list is a set.
 */
import { isAbsent, isPlainObject } from "./codecs/primitives";
import { isServerAdded, listRule, pairItems } from "./unorderedLists";

/**
 * Deep equality where an absent key and a null value mean the same (as they do on the
 * wire), and a set list equals the same items in any order. Written out rather than
 * comparing JSON: diff runs for every resource of every preview, and this is several
 * times faster.
 */
export const sameValue = (a: unknown, b: unknown, key?: string): boolean => {
  if (a === b) return true;
  if (isAbsent(a) || isAbsent(b)) return isAbsent(a) && isAbsent(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    if (a.every((x, i) => sameValue(x, b[i]))) return true;
    const rule = listRule(key);
    if (rule === undefined) return false;
    const { pairs } = pairItems(rule, a, b, sameValue, sameValue);
    return pairs.every(([x, y]) => y !== undefined && sameValue(x, y));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k in a) if (Object.hasOwn(a, k) && !sameValue(a[k], Object.hasOwn(b, k) ? b[k] : undefined, k)) return false;
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
  keys.filter((k) => !sameValue(desired[k], stored[k], k));

/**
 * The live value seen through the shape the user declared. Object keys the user did not
 * write (server defaults such as source.auth = "iam") are left out, and keys the GET
 * does not return (it never returns http_password) keep the declared value: drift is
 * judged only on what the user owns and the GET shows. A set list keeps the declared
 * order: each declared item takes its live counterpart, an item gone from ServiceStage
 * is gone, and an item added there (by the console, not by the server) is appended.
 */
export const projectOnto = (declared: unknown, live: unknown, key?: string): unknown => {
  if (Array.isArray(declared) && Array.isArray(live)) {
    const rule = listRule(key);
    if (rule === undefined) return live.map((item, i) => (i < declared.length ? projectOnto(declared[i], item) : item));
    const { pairs, leftover } = pairItems(rule, declared, live, sameScalarOrValue, (d, l) => carries(l, d));
    return [...pairs.flatMap(([d, l]) => (l === undefined ? [] : [projectOnto(d, l)])), ...leftover.filter((item) => !isServerAdded(rule, item))];
  }
  if (isPlainObject(declared) && isPlainObject(live))
    return Object.fromEntries(Object.keys(declared).map((k) => [k, k in live ? projectOnto(declared[k], live[k], k) : declared[k]]));
  return sameScalar(declared, live) ? declared : live;
};

/** A number and the string of it are the same value: ServiceStage answers some numbers as strings. */
const sameScalar = (a: unknown, b: unknown): boolean =>
  a === b ||
  (typeof a === "number" && typeof b === "string" && b.trim() !== "" && Number(b) === a) ||
  (typeof b === "number" && typeof a === "string" && a.trim() !== "" && Number(a) === b);
const sameScalarOrValue = (a: unknown, b: unknown): boolean => sameScalar(a, b) || sameValue(a, b);

/**
 * Whether a live value carries what was sent, on everything the live value shows: keys
 * it does not return are not judged (the GET never returns http_password or
 * task_setting), keys it adds are ignored, and a number equals its string. An ordered
 * list must match item by item; a set list must hold every item sent, and nothing more
 * than what the server adds itself (an env the console added is not what was sent).
 */
export const carries = (live: unknown, sent: unknown, key?: string): boolean => {
  if (isAbsent(live) || isAbsent(sent)) return true;
  if (Array.isArray(sent)) {
    if (!Array.isArray(live)) return false;
    const rule = listRule(key);
    if (rule === undefined) return live.length === sent.length && sent.every((x, i) => carries(live[i], x));
    const { pairs, leftover } = pairItems(rule, sent, live, sameScalarOrValue, (s, l) => carries(l, s));
    return pairs.every(([s, l]) => l !== undefined && carries(l, s)) && leftover.every((item) => isServerAdded(rule, item));
  }
  if (isPlainObject(sent)) return isPlainObject(live) && Object.keys(sent).every((k) => carries(live[k], sent[k], k));
  return sameScalar(sent, live);
};
