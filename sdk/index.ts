/**
 * pulumi-servicestage: Pulumi dynamic resources for Huawei Cloud ServiceStage v3.
 */
export { JobComponent } from "./jobComponent";
export { ReleasePlan } from "./releasePlan";
export type {
  DeepInput,
  JobComponentArgs,
  JobComponentOutputs,
  JobComponentResult,
  JobComponentSpec,
  Outputs,
  ReleasePlanArgs,
  ReleasePlanOutputs,
  ReleasePlanSpec,
} from "./types";
// The named tables both pages share (Probe, Lifecycle, Source, Env, Storage, ...), one interface each.
export type * from "./generated";
