/**
 * pulumi-servicestage: Pulumi dynamic resources for Huawei Cloud ServiceStage v3.
 */
export { ComponentAction, JobComponent, ReleasePlan } from "./resources";
export * from "./functions";
export type { ComponentActionArgs, ComponentActionOutputs, JobComponentArgs, JobComponentOutputs, ReleasePlanArgs, ReleasePlanOutputs } from "./resources";
export type { DeepInput, Outputs, ResourceArgs } from "./types";
// The specs, own properties and results, and the named tables both pages share (Probe, Lifecycle, Source, Env, Storage, ...), one interface each.
export type * from "./generated";

// Names a type had in TypeScript alone, kept for one release: each type now has the name Go and Python give it.
import type { GrayRule, JobAffinity, ReleasePlanComponent, VmappDirectory } from "./generated";
/** @deprecated Renamed `JobAffinity`, its name in every language; this alias goes in the next release. */
export type Affinity = JobAffinity;
/** @deprecated Renamed `VmappDirectory`, its name in every language; this alias goes in the next release. */
export type AppHome = VmappDirectory;
/** @deprecated Renamed `GrayRule`, its name in every language; this alias goes in the next release. */
export type GrayReleaseRules = GrayRule;
/** @deprecated Renamed `ReleasePlanComponent`, its name in every language; this alias goes in the next release. */
export type ReleasePlanComponentSpec = ReleasePlanComponent;
