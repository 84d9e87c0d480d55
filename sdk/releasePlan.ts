import * as pulumi from "@pulumi/pulumi";
import { releasePlanShim } from "./shim";
import { secretIfSet } from "./secrets";
import type { ReleasePlanArgs, ReleasePlanSpec } from "./types";

type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/**
 * An existing ServiceStage release task. Creating it adopts the task and applies the
 * declared body; changing it edits the task (PUT .../release-plans/{id}); deleting it
 * only removes it from the stack. Components' `source` can carry passwords, so
 * `components` is a secret output.
 */
export class ReleasePlan extends pulumi.dynamic.Resource {
  declare readonly releasePlanId: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string | undefined>;
  declare readonly name: pulumi.Output<string>;
  declare readonly desc: pulumi.Output<string | undefined>;
  declare readonly failStrategy: Outputs<ReleasePlanSpec>["failStrategy"];
  declare readonly components: Outputs<ReleasePlanSpec>["components"];

  constructor(name: string, args: ReleasePlanArgs, opts?: pulumi.CustomResourceOptions) {
    super(releasePlanShim, name, { ...args, ...secretIfSet(args, "components") }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "components"] }, "servicestage", "ReleasePlan");
  }
}
