/**
 * The types users write, derived from the codecs (the single source of truth): the
 * wire body of each page, camelCased, with every value, at any depth, a `pulumi.Input`.
 * Property documentation comes from the codecs' TSDoc, through sdk/generated.ts
 * (TypeScript drops documentation through key remapping, so the camelCase interfaces are
 * generated; the assertions below keep them equal to Camelize<wire type>).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Camelize } from "../provider/codecs/casing";
import type { EditReleasePlanBody } from "../provider/codecs/editReleasePlan";
import type { RedeployJobComponentBody } from "../provider/codecs/redeployJobComponent";
import type { JobComponentOwnProperties, ReleasePlanOwnProperties } from "../provider/ownProperties";

/** Every value a `pulumi.Input`, nested values too. */
export type DeepInput<T> =
  T extends ReadonlyArray<infer U> ? pulumi.Input<Array<DeepInput<U>>> : T extends object ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }> : pulumi.Input<T>;

import type { JobComponentSpec, ReleasePlanSpec } from "./generated";
import type { JOB_OUTPUT_KEYS } from "../provider/ownKeys";
export type { JobComponentSpec, ReleasePlanSpec };

/** True when A and B are each assignable to the other. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when sdk/generated.ts drifts from the codecs. */
export const generatedTypesMatchCodecs: [
  SameShape<JobComponentSpec, Camelize<RedeployJobComponentBody>>,
  SameShape<ReleasePlanSpec, Camelize<EditReleasePlanBody>>,
] = [true, true];

type Inputs<T> = { [K in keyof T]: DeepInput<T[K]> };

/** Every property of T as a typed output, the way a resource exposes it. */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** What a JobComponent adds to its inputs. */
export interface JobComponentResult {
  /** The job started by the last redeploy. */
  jobId: string;
  /** That job's last status seen: SUCCEEDED, or SUBMITTED when waitForJob is false. */
  jobStatus: string;
}

type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
/** Fails to compile when the outputs a JobComponent adds (provider/ownKeys.ts) miss one of JobComponentResult. */
export const resultKeysComplete: Covers<keyof JobComponentResult, (typeof JOB_OUTPUT_KEYS)[number]> = true;

/** Everything a JobComponent exposes: its arguments (resolved) and the job. */
export type JobComponentOutputs = Outputs<JobComponentSpec & JobComponentOwnProperties & JobComponentResult>;
/** Everything a ReleasePlan exposes: its arguments (resolved). */
export type ReleasePlanOutputs = Outputs<ReleasePlanSpec & ReleasePlanOwnProperties>;

/** Arguments of a JobComponent: which component, how to wait, and its full spec. */
export type JobComponentArgs = Inputs<JobComponentSpec> & {
  /** Application ID of the component (path parameter application_id). Changing it replaces the resource. */
  applicationId: pulumi.Input<string>;
  /** Component ID (path parameter component_id). The component must already exist. Changing it replaces the resource. */
  componentId: pulumi.Input<string>;
  /** Project ID; defaults to stack config servicestage:projectId, then HW_PROJECT_ID. Changing it replaces the resource. */
  projectId?: pulumi.Input<string>;
  /**
   * Region (e.g. cn-north-4), for a program that reaches several; defaults to stack config servicestage:region,
   * then HW_REGION_NAME. A fixed servicestage:endpoint serves only its own region: write {region} in it to serve others.
   * Changing it replaces the resource.
   */
  region?: pulumi.Input<string>;
  /** Wait for the redeploy job to finish (default true). */
  waitForJob?: pulumi.Input<boolean>;
  /** How long to wait for the job, in seconds (default 1200). */
  jobTimeoutSeconds?: pulumi.Input<number>;
};

/** Arguments of a ReleasePlan: which release task, and its full body. */
export type ReleasePlanArgs = Inputs<ReleasePlanSpec> & {
  /** Release task ID (path parameter release_plan_id). The task must already exist. Changing it replaces the resource. */
  releasePlanId: pulumi.Input<string>;
  /** Project ID; defaults to stack config servicestage:projectId, then HW_PROJECT_ID. Changing it replaces the resource. */
  projectId?: pulumi.Input<string>;
  /**
   * Region (e.g. cn-north-4), for a program that reaches several; defaults to stack config servicestage:region,
   * then HW_REGION_NAME. A fixed servicestage:endpoint serves only its own region: write {region} in it to serve others.
   * Changing it replaces the resource.
   */
  region?: pulumi.Input<string>;
};
