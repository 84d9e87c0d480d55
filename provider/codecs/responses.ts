/**
 * Responses of the neighbouring endpoints (NOTES.md): component GET, release task GET,
 * job status, and the two error body shapes. Request/response pairs of the two
 * specified operations live with their pages.
 */
import * as t from "io-ts";
import { RedeployJobComponentBody } from "./redeployJobComponent";
import { EditReleasePlanBody, ReleaseComponent } from "./editReleasePlan";
import { int, num, oneOf, str } from "./primitives";


/** `status` of a component GET. */
export const ComponentStatus = t.partial(
  {
    component_status: str,
    available_replica: int,
    replica: int,
    fail_detail: str,
    last_job_id: str,
    creator: str,
    create_time: num,
    update_time: num,
  },
  "ComponentStatus",
);

/**
 * GET .../components/{component_id}: the spec in the redeploy body's shape, a subset of
 * it (so every field is optional here), plus ids and status.
 */
export const ComponentResponse = t.intersection(
  [
    t.type({ name: str }),
    t.partial({
      ...RedeployJobComponentBody.props,
      id: str,
      application_id: str,
      environment_id: str,
      status: ComponentStatus,
    }),
  ],
  "ComponentResponse",
);
export type ComponentResponse = t.TypeOf<typeof ComponentResponse>;

/** GET .../release-plans/{release_plan_id}: the edit body's shape plus its id. */
export const ReleasePlanResponse = t.intersection(
  [
    t.type({ name: str }),
    t.partial({ ...EditReleasePlanBody.optional, id: str, components: t.array(ReleaseComponent), status: str }),
  ],
  "ReleasePlanResponse",
);
export type ReleasePlanResponse = t.TypeOf<typeof ReleasePlanResponse>;

/** `execution_status` values: RUNNING, SUCCEEDED, FAILED, and those older docs add. */
export const ExecutionStatus = oneOf("SUBMITTED", "SCHEDULED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKING", "ROLLBACKED", "UNKNOWN");
export type ExecutionStatus = t.TypeOf<typeof ExecutionStatus>;

export const JobTask = t.intersection(
  [
    t.type({ task_name: str }),
    t.partial({ task_id: str, task_status: str, task_type: str, messages: t.union([str, t.array(str)]), created_at: t.union([str, num]), update_at: t.union([str, num]) }),
  ],
  "JobTask",
);
export type JobTask = t.TypeOf<typeof JobTask>;

/** GET .../jobs/{job_id} */
export const JobResponse = t.intersection(
  [
    t.type({ job: t.intersection([t.type({ execution_status: ExecutionStatus, job_id: str }), t.partial({ job_type: str, rollback_enabled: t.boolean })]) }),
    t.partial({ task_count: int, tasks: t.array(JobTask) }),
  ],
  "JobResponse",
);
export type JobResponse = t.TypeOf<typeof JobResponse>;

/** `{ error_code, error_msg }` from ServiceStage; `{ error: { code, message } }` from some gateways. */
export const ErrorBody = t.union(
  [t.intersection([t.type({ error_code: str }), t.partial({ error_msg: str })]), t.type({ error: t.intersection([t.type({ code: str }), t.partial({ message: str })]) })],
  "ErrorBody",
);
export type ErrorBody = t.TypeOf<typeof ErrorBody>;

export const errorCodeAndMessage = (body: ErrorBody): { code: string; message?: string } =>
  "error_code" in body ? { code: body.error_code, message: body.error_msg } : { code: body.error.code, message: body.error.message };
