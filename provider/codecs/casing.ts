/**
 * Users write camelCase (Pulumi's convention); the wire is snake_case exactly as the
 * pages spell it. The renaming is driven by the codecs themselves, so it cannot drift
 * from them: a key is renamed only where a codec declares it, free-form maps
 * (`t.record`) and the user keys of `build.parameters` (OpenObject) pass verbatim, and
 * names the pages already spell in camelCase (`sermantAgentInjectActionFlag`,
 * `availableZone`) map to themselves.
 */
import * as t from "io-ts";
import { UNKNOWN } from "../pulumiValues";
import { isPlainObject } from "./primitives";
import { RELEASE_PAGE_SPELLINGS, camelKey } from "./spellings";
import { fieldsOf, objectProps, structural } from "./fields";
import { escapeControls } from "../errors";

type Spellings = typeof RELEASE_PAGE_SPELLINGS;
const spellings: Readonly<Record<string, string>> = RELEASE_PAGE_SPELLINGS;
/** Read side: an answer may use either page's spelling (liberal in what we accept). */
const WIRE_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(spellings).flatMap(([release, job]) => [
    [release, job],
    [job, release],
  ]),
);

type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type CamelKey<K> = K extends keyof Spellings ? CamelCase<Spellings[K]> : K extends string ? CamelCase<K> : K;
/** The camelCase view of a wire type (what users write and what outputs hold). */
export type Camelize<T> = T extends ReadonlyArray<infer U> ? Array<Camelize<U>> : T extends object ? { [K in keyof T as CamelKey<K>]: Camelize<T[K]> } : T;

/** A problem found while renaming or decoding, located by the user's (camelCase) path. */
export interface Issue {
  path: string;
  message: string;
}

const wireKeysCache = new WeakMap<t.Mixed, Map<string, string>>();
/** camelCase name -> wire key, for one object codec's fields (the field model's `key` and `wireKey`). */
const wireKeysOf = (codec: t.Mixed): Map<string, string> => {
  let map = wireKeysCache.get(codec);
  if (map === undefined) {
    map = new Map((fieldsOf(codec) ?? []).map((f) => [f.key, f.wireKey]));
    wireKeysCache.set(codec, map);
  }
  return map;
};

const pickUnionMember = (members: t.Mixed[], value: unknown): t.Mixed => {
  if (Array.isArray(value)) return members.find((m) => structural(m)._tag === "ArrayType") ?? members[0];
  if (isPlainObject(value)) return members.find((m) => objectProps(m) !== undefined) ?? members[0];
  return members[0];
};

/** A key in a path as a message shows it: a program's own key may hold anything, a line break too. */
const join = (path: string | null, key: string): string | null => (path === null ? null : path === "" ? escapeControls(key) : `${path}.${escapeControls(key)}`);

/**
 * camelCase user value -> wire value. Unknown property names become issues; null means
 * absent and is dropped. Paths are only spelled out when there is an issue to report:
 * check runs for every resource of every preview, and building a path string at every
 * node was a third of its time.
 */
export const toWire = (codec: t.Mixed, value: unknown, issues: Issue[]): unknown => {
  const found: Issue[] = [];
  const wire = rename(codec, value, found, null);
  if (found.length === 0) return wire;
  return rename(codec, value, issues, ""); // again, with paths
};

/** `path` null: not tracking (the fast pass); a string: the camelCase path so far. */
const rename = (codec: t.Mixed, value: unknown, issues: Issue[], path: string | null): unknown => {
  if (value === UNKNOWN || value === null || value === undefined) return value;
  const c = structural(codec);
  switch (c._tag) {
    case "ArrayType":
      return Array.isArray(value) ? value.map((v, i) => rename(c.type as t.Mixed, v, issues, path === null ? null : `${path}[${i}]`)) : value;
    case "DictionaryType":
      return isPlainObject(value)
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, v]) => v !== null && v !== undefined)
              .map(([k, v]) => [k, rename(c.codomain as t.Mixed, v, issues, join(path, k))]),
          )
        : value;
    case "UnionType":
      return rename(pickUnionMember(c.types ?? [], value), value, issues, path);
  }
  const props = objectProps(c);
  if (props === undefined || !isPlainObject(value)) return value;
  const wireKeyOf = wireKeysOf(c);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = value[key];
    const wireKey = wireKeyOf.get(key);
    if (wireKey !== undefined) {
      if (v !== null && v !== undefined) out[wireKey] = rename(props[wireKey], v, issues, join(path, key));
    } else if (c._tag === "OpenObject") {
      if (v !== null && v !== undefined) out[key] = v; // the user's own build parameter
    } else issues.push({ path: join(path, key) ?? escapeControls(key), message: unknownPropertyMessage(key, props) });
  }
  return out;
};

const unknownPropertyMessage = (key: string, props: t.Props): string => {
  const camelNames = Object.keys(props).map(camelKey);
  const guess = camelNames.find((n) => n === camelKey(key) || n.toLowerCase() === key.toLowerCase().replace(/_/g, ""));
  return guess !== undefined ? `is not a known property; did you mean '${guess}'?` : `is not a known property; known here: ${camelNames.join(", ")}`;
};

/** wire value -> camelCase. Keys the codec does not declare (ids, status) are dropped. */
export const fromWire = (codec: t.Mixed, value: unknown): unknown => {
  if (value === null || value === undefined) return undefined;
  const c = structural(codec);
  switch (c._tag) {
    case "ArrayType":
      return Array.isArray(value) ? value.map((v) => fromWire(c.type as t.Mixed, v)) : value;
    case "DictionaryType":
      return isPlainObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(c.codomain as t.Mixed, v)])) : value;
    case "UnionType":
      return fromWire(pickUnionMember(c.types ?? [], value), value);
  }
  const props = objectProps(c);
  if (props === undefined || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const declared = Object.hasOwn(props, key)
      ? key
      : Object.hasOwn(WIRE_ALIASES, key) && Object.hasOwn(props, WIRE_ALIASES[key])
        ? WIRE_ALIASES[key]
        : undefined;
    if (declared !== undefined) {
      const converted = fromWire(props[declared], v);
      if (converted !== undefined) out[camelKey(declared)] = converted;
    } else if (c._tag === "OpenObject" && v !== null && v !== undefined) out[key] = v;
  }
  return out;
};

/** "null means absent": the page's own example sends `active_deadline_seconds: null`. */
export const dropNulls = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  return value;
};
