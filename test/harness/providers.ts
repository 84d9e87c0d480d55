/**
 * The two providers as a front door sees them (provider/lifecycle.ts's `Lifecycle`): any
 * property bag goes in. The provider modules type their inputs; tests also send bags that
 * are wrong on purpose, so they call the providers through this view, as the plugin does.
 */
import type { Lifecycle } from "../../provider/lifecycle";
import { jobComponentProvider as typedJobComponentProvider } from "../../provider/jobComponent";
import { releasePlanProvider as typedReleasePlanProvider } from "../../provider/releasePlan";

export const jobComponentProvider: Lifecycle = typedJobComponentProvider;
export const releasePlanProvider: Lifecycle = typedReleasePlanProvider;
