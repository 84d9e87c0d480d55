import * as pulumi from "@pulumi/pulumi";
import { jobComponentShim } from "./shim";
import { jobComponentSecretKeys, jobComponentSpecKeys } from "./generated";
import { declareSpecOutputs, secretIfSet, withOutputsFor } from "./props";
import type { JobComponentArgs, JobComponentOutputs } from "./types";
import { JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS } from "../provider/ownKeys";

/**
 * Every argument is also a typed output (`job.envs`, `job.deployStrategy`, ...), and
 * `jobId`/`jobStatus`: declared by merging this interface into the class, so the list
 * comes from the generated spec types and cannot fall out of sync with the codecs.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface JobComponent extends JobComponentOutputs {}

/**
 * The deployed spec of an existing ServiceStage job component. Creating it adopts the
 * component and applies the spec; changing the spec redeploys the component
 * (PUT .../redeployment) and waits for the job; deleting it only removes it from the
 * stack. `source`, `multiContainers` and `templateSource` are secret, inputs and outputs
 * (they can carry passwords).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class JobComponent extends pulumi.dynamic.Resource {
  constructor(name: string, args: JobComponentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      jobComponentShim,
      name,
      // Secret as inputs too, not only as outputs: Pulumi stores inputs in state, and a
      // source can carry httpPassword.
      { ...withOutputsFor([JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS], args), ...secretIfSet(args, ...jobComponentSecretKeys) },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...jobComponentSecretKeys] },
      "servicestage",
      "JobComponent",
    );
  }
}

declareSpecOutputs(JobComponent, jobComponentSpecKeys);
