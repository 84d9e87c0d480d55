/**
 * What the live service does to a component's spec when it stores it, as Huawei's own
 * clients show (docs/api/NOTES.md, "What Huawei's own clients show"), so that the GET is
 * not an echo of what was sent:
 *
 * - it adds envs of its own, marked `inner: true` (Terraform reads `envs[?!inner]`);
 * - it adds the env `TZ` for a component's `timezone` (Terraform drops `TZ`; its
 *   acceptance test sets a timezone and one env and expects one env back);
 * - it adds external accesses of its own, of protocols other than http and https
 *   ("only external accesses of protocol http or https can be defined manually");
 * - it keeps the lists Terraform declares as unordered sets in an order of its own;
 * - it keeps an affinity rule's `weight` as a number, whatever the request sent (the
 *   redeploy page types it String; Terraform reads it back with a float64 assertion,
 *   which a string would fail).
 *
 * Written from Huawei's code and the pages, never from the provider's codecs: the list
 * names below are the emulator's own reading, so that it can disagree with the provider.
 */
import type { Wire } from "./state";

/** The lists Terraform declares as `schema.TypeSet` (resource_huaweicloud_servicestagev3_component.go), by wire name. */
const UNORDERED = new Set(["envs", "storages", "mounts", "logs", "affinity", "anti_affinity", "match_expressions", "refer_resources", "external_accesses"]);

const isObject = (v: unknown): v is Wire => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * "An order of its own": the reverse of the order sent, at every depth. Deterministic,
 * so that a test can see it, and different from what any client sent with two items or more.
 */
const reorder = (value: unknown, key?: string): unknown => {
  if (Array.isArray(value)) {
    const items = value.map((item) => reorder(item));
    return key !== undefined && UNORDERED.has(key) ? items.reverse() : items;
  }
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reorder(v, k)]));
  return value;
};

export interface StoredFor {
  projectId: string;
  applicationId: string;
  componentId: string;
}

/** Affinity rules (Table 21) with a weight given as a string of digits stored as the number. */
const numericWeights = (rules: unknown): unknown =>
  Array.isArray(rules)
    ? rules.map((rule) => (isObject(rule) && typeof rule.weight === "string" && /^\d+$/.test(rule.weight) ? { ...rule, weight: Number(rule.weight) } : rule))
    : rules;

/** The spec as the service keeps it after a redeploy: the server's own items added, its sets in its own order, weights as numbers. */
export const asStored = (spec: Wire, at: StoredFor): Wire => {
  // Whatever inner envs a client sent back (an import of an older read), the server sets its own.
  const declaredEnvs = Array.isArray(spec.envs) ? spec.envs.filter((e) => !(isObject(e) && e.inner === true)) : [];
  const tz = typeof spec.timezone === "string" && spec.timezone !== "" && !declaredEnvs.some((e) => isObject(e) && e.name === "TZ");
  const envs = [
    { name: "PAAS_APP_NAME", value: typeof spec.name === "string" ? spec.name : at.componentId, inner: true },
    { name: "PAAS_PROJECT_ID", value: at.projectId, inner: true },
    ...(tz ? [{ name: "TZ", value: spec.timezone }] : []),
    ...declaredEnvs,
  ];
  const declaredAccesses = Array.isArray(spec.external_accesses) ? spec.external_accesses : [];
  const externalAccesses = [{ protocol: "TCP", address: `${at.componentId}.${at.applicationId}.svc.cluster.local`, forward_port: 8080 }, ...declaredAccesses];
  const affinities = Object.fromEntries((["affinity", "anti_affinity"] as const).filter((k) => spec[k] !== undefined).map((k) => [k, numericWeights(spec[k])]));
  return reorder({ ...spec, ...affinities, envs, external_accesses: externalAccesses }) as Wire;
};
