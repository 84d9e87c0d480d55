/**
 * The types users write, derived from the codecs (the single source of truth): the
 * wire body of each page, camelCased, with every value, at any depth, a `pulumi.Input`.
 * Property documentation comes from the codecs' TSDoc and the resource definitions,
 * through sdk/generated.ts (TypeScript drops documentation through key remapping, so the
 * camelCase interfaces are generated; the assertions below keep them equal to
 * Camelize<wire type>). Each resource's Args and Outputs are sdk/resources.ts's.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Camelize } from "../provider/codecs/casing";
import type { EditReleasePlanBody } from "../provider/codecs/editReleasePlan";
import type { RedeployJobComponentBody } from "../provider/codecs/redeployJobComponent";
import type { JobComponentSpec, ReleasePlanSpec } from "./generated";

/** Every value a `pulumi.Input`, nested values too. */
export type DeepInput<T> =
  T extends ReadonlyArray<infer U> ? pulumi.Input<Array<DeepInput<U>>> : T extends object ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }> : pulumi.Input<T>;

/** True when A and B are each assignable to the other. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when sdk/generated.ts drifts from the codecs. */
export const generatedTypesMatchCodecs: [
  SameShape<JobComponentSpec, Camelize<RedeployJobComponentBody>>,
  SameShape<ReleasePlanSpec, Camelize<EditReleasePlanBody>>,
] = [true, true];

/** A resource's arguments: its spec and its own properties, each value (nested too) a `pulumi.Input`. */
export type ResourceArgs<Spec, Own> = { [K in keyof (Spec & Own)]: DeepInput<(Spec & Own)[K]> };

/** Every property of T as a typed output, the way a resource exposes it. */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };
