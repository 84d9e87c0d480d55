/**
 * The properties of the resources that are not part of a ServiceStage body: which
 * object is owned, and how to wait. Written in camelCase directly.
 */
import * as t from "io-ts";
import { bool, int, obj } from "./codecs/primitives";
import { ID_RULE, REGION_RULE, isId, isRegion } from "./urlParts";
import { DEFAULT_JOB_TIMEOUT_SECONDS } from "./jobWaiter";
import { JOB_COMPONENT_OWN_KEYS, RELEASE_PLAN_OWN_KEYS } from "./ownKeys";

const positiveInt = new t.Type<number, number, unknown>(
  "positive integer",
  (u): u is number => typeof u === "number" && Number.isInteger(u) && u > 0,
  (u, c) => (int.is(u) && u > 0 ? t.success(u) : t.failure(u, c, "must be a positive integer (seconds)")),
  t.identity,
);

/** A path segment of the request (urlParts.ts): never `.`, `..`, blank or a separator. */
const segmentId = new t.Type<string, string, unknown>(
  "string (a ServiceStage id)",
  (u): u is string => typeof u === "string" && isId(u),
  (u, c) => (typeof u === "string" && isId(u) ? t.success(u) : t.failure(u, c, ID_RULE)),
  t.identity,
);
/** Part of the endpoint's host (urlParts.ts): one DNS label. */
const regionName = new t.Type<string, string, unknown>(
  "string (a region name)",
  (u): u is string => typeof u === "string" && isRegion(u),
  (u, c) => (typeof u === "string" && isRegion(u) ? t.success(u) : t.failure(u, c, REGION_RULE)),
  t.identity,
);

export const JobComponentOwnProperties = obj(
  "JobComponentOwnProperties",
  { applicationId: segmentId, componentId: segmentId },
  { projectId: segmentId, region: regionName, waitForJob: bool, jobTimeoutSeconds: positiveInt },
);
export type JobComponentOwnProperties = t.TypeOf<typeof JobComponentOwnProperties>;
export const JOB_COMPONENT_DEFAULTS = { waitForJob: true, jobTimeoutSeconds: DEFAULT_JOB_TIMEOUT_SECONDS } as const;

export const ReleasePlanOwnProperties = obj("ReleasePlanOwnProperties", { releasePlanId: segmentId }, { projectId: segmentId, region: regionName });
export type ReleasePlanOwnProperties = t.TypeOf<typeof ReleasePlanOwnProperties>;

/** True when the listed keys are exactly the codec's. */
type Lists<Codec, Listed> = [Exclude<keyof Codec, Listed>, Exclude<Listed, keyof Codec>] extends [never, never] ? true : false;
/** Fails to compile when ownKeys.ts and the codecs above disagree. */
export const ownKeysMatchCodecs: [
  Lists<JobComponentOwnProperties, (typeof JOB_COMPONENT_OWN_KEYS)[number]>,
  Lists<ReleasePlanOwnProperties, (typeof RELEASE_PLAN_OWN_KEYS)[number]>,
] = [true, true];

/** A JobComponent's inputs as the engine hands them over: its own props typed, the spec (camelCase, validated by check) open. */
export type JobComponentInputs = JobComponentOwnProperties & Record<string, unknown>;
/** Its stored state: the inputs and the job of the last redeploy. */
export type JobComponentState = JobComponentInputs & { jobId?: string; jobStatus?: string };
export type ReleasePlanInputs = ReleasePlanOwnProperties & Record<string, unknown>;
