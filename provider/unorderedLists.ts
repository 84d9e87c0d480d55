/**
 * The lists ServiceStage keeps as sets, how an item of each is recognised, and which
 * items the server adds on its own. Read from Huawei's Terraform provider
 * (huaweicloud/terraform-provider-huaweicloud,
 * `huaweicloud/services/servicestage/resource_huaweicloud_servicestagev3_component.go`):
 * it declares envs, storages, mounts, logs, affinity, anti_affinity, match_expressions,
 * refer_resources and external_accesses as unordered sets, reads `envs[?!inner]` and
 * drops the env `TZ`, and drops external accesses whose protocol is not http or https.
 * The live GET answers these lists in an order of its own, so they are compared as sets
 * in diff, refresh and adoption alike (compare.ts), and an item the server added is not
 * drift.
 *
 * The rule is per field name, wherever the field sits (a container of multi_containers
 * has envs too), and in either spelling (`log_path` on the wire, `logPath` in a program).
 */
import { camelKey } from "./codecs/spellings";
import { isPlainObject } from "./codecs/primitives";

export interface ListRule {
  /**
   * The keys (wire spelling) that name an item: two items with the same values there are
   * the same item, whose other fields may differ. Empty: an item is known only by its
   * whole value (Terraform hashes the whole item), so a changed item is one removed and
   * one added.
   */
  readonly identity: readonly string[];
  /** An item the server adds to what was sent: never drift, never a sign of a foreign change. */
  readonly serverAdded?: (item: Record<string, unknown>) => boolean;
}

/** ServiceStage's own envs: marked `inner: true`, and `TZ`, which it derives from the component's timezone. */
const serverEnv = (env: Record<string, unknown>): boolean => env.inner === true || (typeof env.name === "string" && env.name.toUpperCase() === "TZ");
/** "Only external accesses of protocol http or https can be defined manually": the others are the server's. */
const serverAccess = (access: Record<string, unknown>): boolean => !["http", "https"].includes(String(access.protocol ?? "").toLowerCase());

/** Each list, by its wire name; the rule of each item key, written down from Huawei's code. */
const WIRE_RULES: Readonly<Record<string, ListRule>> = {
  /** An env is its name (a container cannot hold two of one name). */
  envs: { identity: ["name"], serverAdded: serverEnv },
  /** A storage is its volume name. */
  storages: { identity: ["name"] },
  /** A mount is its path in the container. */
  mounts: { identity: ["path"] },
  /** A log collection is its container path. */
  logs: { identity: ["log_path"] },
  /** A referenced resource is its type and id. */
  refer_resources: { identity: ["type", "id"] },
  /** An external access is its whole value; the server adds accesses of its own (TCP, UDP). */
  external_accesses: { identity: [], serverAdded: serverAccess },
  /** Scheduling rules have no name: each is its whole value. */
  affinity: { identity: [] },
  anti_affinity: { identity: [] },
  match_expressions: { identity: [] },
  /** Labels: Terraform keeps them as a map (tags), so a label is its key. */
  labels: { identity: ["key"] },
};

const RULES: ReadonlyMap<string, ListRule> = new Map(
  Object.entries(WIRE_RULES).flatMap(([wire, rule]) => [[wire, rule] as const, [camelKey(wire), rule] as const]),
);

/** The rule of the list under a key, in either spelling; none for an ordered list (a command's arguments). */
export const listRule = (key: string | undefined): ListRule | undefined => (key === undefined ? undefined : RULES.get(key));

/** An item's value at an identity key, in either spelling. */
const at = (item: Record<string, unknown>, wireKey: string): unknown => (Object.hasOwn(item, wireKey) ? item[wireKey] : item[camelKey(wireKey)]);

export const isServerAdded = (rule: ListRule, item: unknown): boolean => rule.serverAdded !== undefined && isPlainObject(item) && rule.serverAdded(item);

/**
 * Pairs each item of `ours` with the first unused item of `theirs` that is the same item:
 * the same identity values (`sameKey` compares them), or, for lists known only by whole
 * value, `sameWhole`. Returns the pairs (theirs undefined where none matched) and the
 * items of `theirs` left over.
 */
export const pairItems = (
  rule: ListRule,
  ours: readonly unknown[],
  theirs: readonly unknown[],
  sameKey: (a: unknown, b: unknown) => boolean,
  sameWhole: (our: unknown, their: unknown) => boolean,
): { pairs: Array<[unknown, unknown]>; leftover: unknown[] } => {
  const used = new Array<boolean>(theirs.length).fill(false);
  const same = (our: unknown, their: unknown): boolean => {
    if (rule.identity.length === 0 || !isPlainObject(our) || !isPlainObject(their)) return sameWhole(our, their);
    return rule.identity.every((k) => sameKey(at(our, k), at(their, k)));
  };
  const pairs = ours.map((our): [unknown, unknown] => {
    const i = theirs.findIndex((their, j) => !used[j] && same(our, their));
    if (i < 0) return [our, undefined];
    used[i] = true;
    return [our, theirs[i]];
  });
  return { pairs, leftover: theirs.filter((_, j) => !used[j]) };
};

/** An item the server marked as its own (`inner: true`): a mark only the wire carries, so it is read before renaming. */
const isMarked = (item: unknown): boolean => isPlainObject(item) && item.inner === true;

/**
 * A live wire value without the items the server added, at any depth. `marked`: only
 * those it marked (`inner: true`), before a refresh lines the value up with a declared
 * spec, where an unmarked item (`TZ`) the program declares is the program's own. `all`:
 * every server item, for an import, which has nothing declared.
 */
export const withoutServerItems = (value: unknown, which: "marked" | "all", key?: string): unknown => {
  if (Array.isArray(value)) {
    const rule = listRule(key);
    const kept = rule === undefined ? value : value.filter((item) => !isMarked(item) && (which === "marked" || !isServerAdded(rule, item)));
    return kept.map((item) => withoutServerItems(item, which));
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutServerItems(v, which, k)]));
  return value;
};
