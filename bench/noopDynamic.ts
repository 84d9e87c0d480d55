/**
 * The floor of the dynamic resources' figures (bench/hostColdStart.ts, bench/engine.ts):
 * a dynamic provider that does nothing, the floor of the engine and host, so that
 * "ours / no-op" leaves only what our provider adds. Its diff reports a change when an
 * input other than `__provider` differs, so that its update is the floor of an update.
 */
import * as pulumi from "@pulumi/pulumi";
import { sameJson } from "./sameJson";

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
