/**
 * Structural equality of two JSON values, whatever the key order (the engine does not keep
 * it): the no-op providers' diff (bench/noopDynamic.ts, bench/noopPlugin.ts). Not
 * provider/compare.ts's sameValue: that one equates absent and null and compares
 * ServiceStage's set lists as sets, which is ours to pay for, not the floor's; and the
 * dynamic no-op's serialized provider would carry provider/'s comparison code with it.
 */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.hasOwn(bo, k) && sameJson((a as Record<string, unknown>)[k], bo[k]));
};
