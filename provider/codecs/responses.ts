/**
 * Responses of the neighbouring endpoints (docs/api/NOTES.md): component GET, release task GET,
 * job status, and the two error body shapes. Request/response pairs of the two
 * specified operations live with their pages.
 */
import * as t from "io-ts";
import { str } from "./primitives";

/*
 * Liberal by design. Live objects come from the console, older API versions and other
 * tools, so a response is type-checked only where the provider relies on it, and
 * everything else passes through untouched: unknown keys, unknown enum values, strings
 * longer than a request may send, numbers sent as strings. The request pages' input rules
 * are for what we send (redeployJobComponent.ts, editReleasePlan.ts), never for what we
 * read. Field names and types follow the pages and Huawei's SDK models (python-v3,
 * servicestage v3: ShowComponentInfoResponse, ComponentStatusView, ShowJobInfoResponse).
 */

/** A number, or a string holding one: SDK models type times and sizes as numbers, older answers quote them. */
export const looseNumber = new t.Type<number, number, unknown>(
  "number",
  (u): u is number => typeof u === "number",
  (u, c) =>
    typeof u === "number"
      ? t.success(u)
      : typeof u === "string" && u.trim() !== "" && Number.isFinite(Number(u))
        ? t.success(Number(u))
        : t.failure(u, c, "must be a number"),
  t.identity,
);

/** `status` of a component GET: what adoption and the lost-answer check read. */
export const ComponentStatus = t.partial({ last_job_id: str, update_time: looseNumber }, "ComponentStatus");

/**
 * GET .../components/{component_id}. Adoption checks the name and the runtime stack, the
 * lost-answer check reads the status and compares what it sent, and refresh lines the
 * body up with the declared spec (lifecycle.ts: drift on declared fields only).
 */
export const ComponentResponse = t.intersection(
  [t.type({ name: str }), t.partial({ runtime_stack: t.UnknownRecord, status: ComponentStatus })],
  "ComponentResponse",
);
export type ComponentResponse = t.TypeOf<typeof ComponentResponse> & Record<string, unknown>;

/**
 * Fields the component GET reports even when the component never set them, with the
 * value that means "not set": `swimlane_id` (Huawei's SDK model ShowComponentInfoResponse)
 * empty for a component in no lane, `config_mode` (Terraform reads it back, Optional and
 * Computed) `ui`, the only value the redeploy page accepts. An import leaves them out,
 * so that a program that never declared them does not differ from what it imported.
 */
export const COMPONENT_UNSET_VALUES: Readonly<Record<string, unknown>> = { swimlane_id: "", config_mode: "ui" };

/** GET .../release-plans/{release_plan_id}: refresh reads its components; the rest passes through. */
export const ReleasePlanResponse = t.partial({ components: t.array(t.UnknownRecord) }, "ReleasePlanResponse");
export type ReleasePlanResponse = t.TypeOf<typeof ReleasePlanResponse> & Record<string, unknown>;

/**
 * The `execution_status` values the v3 job page (servicestage_06_0190) documents, by what
 * they say of the job: still going, ended well, ended without success (failed, cancelled,
 * rolled back, or lost). jobWaiter.ts reads the last two.
 */
export const EXECUTION_STATUSES = {
  going: ["SUBMITTED", "SCHEDULED", "RUNNING", "ROLLBACKING"],
  succeeded: ["SUCCEEDED"],
  failed: ["FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKED", "UNKNOWN"],
} as const;

/** A documented `execution_status`. */
export type KnownExecutionStatus = (typeof EXECUTION_STATUSES)[keyof typeof EXECUTION_STATUSES][number];

/**
 * A job's `execution_status`: a documented value, or any other string the service may
 * add (the codec checks only that it is a string; jobWaiter.ts treats an unknown value as
 * a job still going).
 */
export type ExecutionStatus = KnownExecutionStatus | (string & {});

/** A task of a job; `messages` is a string in the SDK model, a list in some answers. */
export const JobTask = t.partial({ task_name: str, task_status: str, messages: t.union([str, t.array(t.unknown)]) }, "JobTask");
export type JobTask = t.TypeOf<typeof JobTask>;

/** GET .../jobs/{job_id}: the waiter reads the status and, when the job failed, its tasks. */
export const JobResponse = t.intersection(
  [t.type({ job: t.intersection([t.type({ execution_status: str }), t.partial({ job_id: t.unknown })]) }), t.partial({ tasks: t.array(JobTask) })],
  "JobResponse",
);
export type JobResponse = t.TypeOf<typeof JobResponse>;

/** `{ error_code, error_msg }` from ServiceStage; `{ error: { code, message } }` from some gateways. */
export const ErrorBody = t.union(
  [
    t.intersection([t.type({ error_code: str }), t.partial({ error_msg: str })]),
    t.type({ error: t.intersection([t.type({ code: str }), t.partial({ message: str })]) }),
  ],
  "ErrorBody",
);
export type ErrorBody = t.TypeOf<typeof ErrorBody>;

export const errorCodeAndMessage = (body: ErrorBody): { code: string; message?: string } =>
  "error_code" in body ? { code: body.error_code, message: body.error_msg } : { code: body.error.code, message: body.error.message };

/**
 * GET .../components/{component_id}/records (the SDK's ShowComponentRecordsResponse):
 * `{count, records}`, each record passed on as it comes (docs/api/NOTES.md lists its fields).
 */
export const ComponentRecordsResponse = t.intersection(
  [t.type({ records: t.array(t.UnknownRecord) }), t.partial({ count: looseNumber })],
  "ComponentRecordsResponse",
);
export type ComponentRecordsResponse = t.TypeOf<typeof ComponentRecordsResponse>;
