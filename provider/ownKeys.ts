/**
 * The names of the resources' own properties, the ones that are not part of a ServiceStage
 * body (which object, how to wait), and of what a JobComponent adds to its inputs. One
 * list each, used by the provider (to split a resource's properties) and by sdk/ (to
 * expose them as outputs). No imports: programs load this file at start-up and must not
 * pay for io-ts; ownProperties.ts checks at compile time that the lists match the codecs.
 */
export const JOB_COMPONENT_OWN_KEYS = ["applicationId", "componentId", "projectId", "region", "waitForJob", "jobTimeoutSeconds"] as const;
export const RELEASE_PLAN_OWN_KEYS = ["releasePlanId", "projectId", "region"] as const;
/** Outputs a JobComponent adds to its inputs. */
export const JOB_OUTPUT_KEYS = ["jobId", "jobStatus"] as const;
/** The serialized provider a dynamic resource carries among its properties. */
export const PROVIDER_KEY = "__provider";
