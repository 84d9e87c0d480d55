/**
 * The two providers as a front door sees them (provider/lifecycle.ts's `Lifecycle`): any
 * property bag goes in. The provider modules type their inputs; tests also send bags that
 * are wrong on purpose, so they call the providers through this view, as the plugin does.
 */
import type { Lifecycle } from "../../provider/lifecycle";
import { jobComponent, releasePlan } from "../../provider/resources/index";

export const jobComponentProvider: Lifecycle = jobComponent.lifecycle;
export const releasePlanProvider: Lifecycle = releasePlan.lifecycle;
