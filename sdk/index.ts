/**
 * pulumi-servicestage: Pulumi dynamic resources for Huawei Cloud ServiceStage v3.
 */
export { JobComponent } from "./jobComponent";
export { ReleasePlan } from "./releasePlan";
export type { DeepInput, JobComponentArgs, JobComponentSpec, ReleasePlanArgs, ReleasePlanComponent, ReleasePlanSpec } from "./types";
