/**
 * The floor of the dynamic resources' figures (bench/hostColdStart.ts, bench/engine.ts):
 * a dynamic provider that does nothing, the floor of the engine and host, so that
 * "ours / no-op" leaves only what our provider adds. Its diff reports a change when an
 * input other than `__provider` differs, so that its update is the floor of an update.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Structural equality of two JSON values, whatever the key order (the engine does not keep
 * it): the no-op's diff, kept self-contained so that the no-op's serialized provider stays
 * small. Not provider/compare.ts's sameValue: that one equates absent and null and compares
 * ServiceStage's set lists as sets, which is ours to pay for, not the floor's, and the
 * closure would carry provider/'s comparison code with it (about 2.4 times the bytes).
 */
const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.hasOwn(bo, k) && sameJson((a as Record<string, unknown>)[k], bo[k]));
};

const noopProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => ({ inputs: news }),
  diff: async (_id, olds, news) => {
    const { __provider: _oldProvider, ...oldProps } = olds as Record<string, unknown>;
    const { __provider: _newProvider, ...newProps } = news as Record<string, unknown>;
    return { changes: !sameJson(oldProps, newProps) };
  },
  create: async (inputs) => ({ id: `noop-${Math.random().toString(36).slice(2)}`, outs: inputs }),
  update: async (_id, _olds, news) => ({ outs: news }),
  read: async (id, props) => ({ id, props }),
  delete: async () => undefined,
};

export class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(noopProvider, name, props, {}, "bench", "Noop");
  }
}
