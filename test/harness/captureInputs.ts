/**
 * What the SDK classes send to the engine: run a program under pulumi.runtime.setMocks
 * and capture each resource's type, name and inputs (including the serialized
 * `__provider`), exactly as a real program would register them.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const captureInputs = async (program: () => pulumi.Resource[]): Promise<Registered[]> => {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    true,
  );
  const resources = program();
  await Promise.all(resources.map((r) => new Promise((resolve) => (r.urn as pulumi.Output<string>).apply(resolve))));
  return registered;
};

import { SECRET_SIG_KEY } from "../../provider/pulumiValues";
/** Inputs as the engine hands them to a dynamic provider: secrets unwrapped (the host does not accept secrets). */
export const unwrapSecrets = (inputs: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(inputs, (_k, v) => (v !== null && typeof v === "object" && v[SECRET_SIG_KEY] !== undefined && "value" in v ? v.value : v)));
