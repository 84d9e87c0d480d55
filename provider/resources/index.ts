/**
 * The resources this package serves, each defined once (definition.ts). The front doors
 * and the generators list them from here; adding one is CONTRIBUTING.md's recipe.
 */
import { jobComponent } from "./jobComponent";
import { releasePlan } from "./releasePlan";
import { componentAction } from "./componentAction";
import type { ResourceDefinition } from "./definition";

export const RESOURCES: readonly ResourceDefinition[] = [jobComponent, releasePlan, componentAction];

export const PACKAGE = "servicestage";
/** A resource's type token. */
export const typeToken = (definition: { name: string }): string => `${PACKAGE}:index:${definition.name}`;

export { jobComponent, releasePlan, componentAction };
export type { JobComponentInputs, JobComponentOwnProperties, JobComponentState } from "./jobComponent";
export type { ReleasePlanInputs, ReleasePlanOwnProperties } from "./releasePlan";
export type { ComponentActionInputs, ComponentActionOwnProperties, ComponentActionState } from "./componentAction";
