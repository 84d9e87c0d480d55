import * as pulumi from "@pulumi/pulumi";
import { jobComponentShim } from "./shim";
import { secretIfSet } from "./secrets";
import type { JobComponentArgs, JobComponentSpec } from "./types";

type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/**
 * The deployed spec of an existing ServiceStage job component. Creating it adopts the
 * component and applies the spec; changing the spec redeploys the component
 * (PUT .../redeployment) and waits for the job; deleting it only removes it from the
 * stack. `source` and `templateSource` are secret outputs (they can carry passwords).
 */
export class JobComponent extends pulumi.dynamic.Resource {
  declare readonly applicationId: pulumi.Output<string>;
  declare readonly componentId: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string | undefined>;
  declare readonly waitForJob: pulumi.Output<boolean>;
  declare readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** The job started by the last redeploy. */
  declare readonly jobId: pulumi.Output<string>;
  /** That job's last status seen: SUCCEEDED, or SUBMITTED when waitForJob is false. */
  declare readonly jobStatus: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly runtimeStack: Outputs<JobComponentSpec>["runtimeStack"];
  declare readonly source: Outputs<JobComponentSpec>["source"];
  declare readonly version: pulumi.Output<string>;
  declare readonly replica: pulumi.Output<number>;
  declare readonly taskSetting: Outputs<JobComponentSpec>["taskSetting"];

  constructor(name: string, args: JobComponentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      jobComponentShim,
      name,
      // Secret as inputs too, not only as outputs: Pulumi stores inputs in state, and a
      // source can carry httpPassword.
      { ...args, ...secretIfSet(args, "source", "templateSource"), jobId: undefined, jobStatus: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "source", "templateSource"] },
      "servicestage",
      "JobComponent",
    );
  }
}
