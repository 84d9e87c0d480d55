/**
 * The two providers as Pulumi's host sees them: any property bag goes in. The provider
 * modules type their inputs (ResourceProvider<Inputs, Outputs>); tests also send bags
 * that are wrong on purpose, so they call the providers through this view.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { jobComponentProvider as typedJobComponentProvider } from "../../provider/jobComponent";
import { releasePlanProvider as typedReleasePlanProvider } from "../../provider/releasePlan";

type AnyBag = Required<Omit<dynamic.ResourceProvider, "configure">>;
export const jobComponentProvider = typedJobComponentProvider as unknown as AnyBag;
export const releasePlanProvider = typedReleasePlanProvider as unknown as AnyBag;
