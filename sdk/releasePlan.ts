import * as pulumi from "@pulumi/pulumi";
import { releasePlanShim } from "./shim";
import { releasePlanSecretKeys, releasePlanSpecKeys } from "./generated";
import { declareSpecOutputs, secretIfSet, withOutputsFor } from "./props";
import type { ReleasePlanArgs, ReleasePlanOutputs } from "./types";
import { RELEASE_PLAN_OWN_KEYS } from "../provider/ownKeys";

/** Every argument is also a typed output (`plan.components`, `plan.failStrategy`, ...), from the generated spec types. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ReleasePlan extends ReleasePlanOutputs {}

/**
 * An existing ServiceStage release task. Creating it adopts the task and applies the
 * declared body; changing it edits the task (PUT .../release-plans/{id}); deleting it
 * only removes it from the stack. Components' `source` can carry passwords, so
 * `components` is a secret output.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ReleasePlan extends pulumi.dynamic.Resource {
  constructor(name: string, args: ReleasePlanArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      releasePlanShim,
      name,
      { ...withOutputsFor([RELEASE_PLAN_OWN_KEYS], args), ...secretIfSet(args, ...releasePlanSecretKeys) },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...releasePlanSecretKeys] },
      "servicestage",
      "ReleasePlan",
    );
  }
}

declareSpecOutputs(ReleasePlan, releasePlanSpecKeys);
