/**
 * Running a release task: the answers a run reads (docs/api/NOTES.md, "Running a release
 * task"). One codec per table of Huawei's pages:
 *
 * - GET .../release-plans/{id} (servicestage_06_0233, Tables 3 and 4): ReleaseTaskResponse;
 * - GET .../release-plans/{id}/deploy-info (servicestage_06_0234, Tables 3 and 4):
 *   DeployInfoResponse;
 * - GET .../applications/{application_id}/components (Huawei's SDK models
 *   ShowComponentsInApplicationResponse and ComponentList): ComponentListResponse.
 *
 * Execute (servicestage_06_0235), rollback (0236) and abort (0251) are POSTs to
 * RELEASE_TASK_ACTIONS with no request body and no answer body: there is nothing to decode,
 * and whatever a gateway answers with a 200 is ignored. Execute answering nothing is why a
 * lost answer is settled by reading `status` and `execute_time` here.
 *
 * Liberal as responses.ts: extra keys pass, every field a run does not need is optional,
 * times come as numbers or numeric strings, empty or null where nothing is known, and a
 * status is any string (the known values are listed, and the helpers judge the rest).
 */
import * as t from "io-ts";
import { str } from "./primitives";
import { ComponentStatus, looseNumber } from "./responses";

/** A string, or null / absent meaning none (a live answer may send `"job_id": null`). */
const optionalText = new t.Type<string | undefined, string | undefined, unknown>(
  "string",
  (u): u is string | undefined => u === undefined || typeof u === "string",
  (u, c) => (u === undefined || u === null ? t.success(undefined) : typeof u === "string" ? t.success(u) : t.failure(u, c, "must be a string")),
  t.identity,
);

/**
 * A time in milliseconds: a number or a numeric string; "", 0, null or absent mean "not
 * yet" (the deploy-info page types start_time a Long and rollback_start_time a String).
 */
const optionalTime = new t.Type<number | undefined, number | undefined, unknown>(
  "milliseconds",
  (u): u is number | undefined => u === undefined || typeof u === "number",
  (u, c) => {
    if (u === undefined || u === null || u === "" || u === 0 || u === "0") return t.success(undefined);
    const decoded = looseNumber.validate(u, c);
    return decoded._tag === "Right" ? t.success(decoded.right) : decoded;
  },
  t.identity,
);

/** The path after .../release-plans/{release_plan_id}/ of each action: POST, no body either way. */
export const RELEASE_TASK_ACTIONS = { execute: "execute", rollback: "rollback", abort: "abort" } as const;
export type ReleaseTaskAction = keyof typeof RELEASE_TASK_ACTIONS;

// ---- the task (servicestage_06_0233) --------------------------------------------------

/**
 * The task's `status`. The GET page lists no values; the list page's example shows
 * SUCCESS, the deploy-info page's component statuses give the others' spelling, and
 * RUNNING and ROLLBACKING are the emulator's choice where nothing Huawei publishes names
 * the state (NOTES.md). Any other value may come.
 */
export const RELEASE_TASK_STATUSES = ["CREATED", "RUNNING", "SUCCESS", "FAILED", "ABORTED", "ROLLBACKING", "ROLLBACK_SUCCEED", "ROLLBACK_FAILED"] as const;
export type KnownReleaseTaskStatus = (typeof RELEASE_TASK_STATUSES)[number];

/**
 * What a status means to a run:
 * - notStarted: never executed (CREATED);
 * - going: executing or rolling back;
 * - succeeded, failed, aborted, rolledBack, rollbackFailed: ended that way;
 * - unknown: a value no source names (a waiter keeps waiting, up to its timeout).
 */
export type ReleaseTaskPhase = "notStarted" | "going" | "succeeded" | "failed" | "aborted" | "rolledBack" | "rollbackFailed" | "unknown";

const PHASES: Readonly<Record<KnownReleaseTaskStatus, ReleaseTaskPhase>> = {
  CREATED: "notStarted",
  RUNNING: "going",
  ROLLBACKING: "going",
  SUCCESS: "succeeded",
  FAILED: "failed",
  ABORTED: "aborted",
  ROLLBACK_SUCCEED: "rolledBack",
  ROLLBACK_FAILED: "rollbackFailed",
};

/** Upper-cased, as Huawei's statuses are; a misspelling that only differs in case is the same status. */
export const releaseTaskPhase = (status: string | undefined): ReleaseTaskPhase =>
  (PHASES as Readonly<Record<string, ReleaseTaskPhase>>)[(status ?? "").trim().toUpperCase()] ?? "unknown";

/** The run (or its rollback) is over: nothing more will change until someone executes or rolls back again. */
export const runHasEnded = (status: string | undefined): boolean => {
  const phase = releaseTaskPhase(status);
  return phase !== "notStarted" && phase !== "going" && phase !== "unknown";
};

/** A component of the task (Table 4): a run needs its batch and id; the rest is the edit page's spec and passes through. */
export const ReleaseTaskComponent = t.intersection(
  [t.type({ component_id: str }), t.partial({ seq: looseNumber, name: optionalText, version: optionalText })],
  "ReleaseTaskComponent",
);
export type ReleaseTaskComponent = t.TypeOf<typeof ReleaseTaskComponent> & Record<string, unknown>;

/**
 * GET .../release-plans/{release_plan_id} (Table 3). `status` is required: a run is
 * settled by it. `execute_time` (Integer, ms) tells whether an execution was accepted
 * after a given moment; 0 or absent means never.
 */
export const ReleaseTaskResponse = t.intersection(
  [
    t.type({ status: str }),
    t.partial({
      id: optionalText,
      name: optionalText,
      action: optionalText,
      fail_strategy: optionalText,
      execute_time: optionalTime,
      create_time: optionalTime,
      modify_time: optionalTime,
      components: t.array(ReleaseTaskComponent),
    }),
  ],
  "ReleaseTaskResponse",
);
export type ReleaseTaskResponse = t.TypeOf<typeof ReleaseTaskResponse> & Record<string, unknown>;

/** Whether the task shows an execution accepted at or after `since` (ms): what a lost execute answer is settled by. */
export const executedSince = (task: ReleaseTaskResponse, since: number): boolean =>
  task.execute_time !== undefined && task.execute_time >= since && releaseTaskPhase(task.status) !== "notStarted";

// ---- the deploy information (servicestage_06_0234) ------------------------------------

/** A component's `status` in the deploy information: the page's values; any other may come. */
export const DEPLOY_INFO_STATUSES = ["SUCCESS", "CREATED", "FAILED", "PARTIALLY_FAILED", "ROLLBACK_FAILED", "ROLLBACK_SUCCEED", "ABORTED"] as const;
/** A component's `job_status` and `rollback_job_status`: the page's values; any other may come. */
export const DEPLOY_INFO_JOB_STATUSES = ["CREATED", "FAILED", "RUNNING", "SUCCEEDED"] as const;

/**
 * One component of the deploy information (Table 4, "job_info"). `id` is the component's
 * id and `seq` its batch (a String on this page, an Integer on the GET's: both decode to a
 * number). `job_id` is absent (or empty) until its job started; the times are
 * milliseconds, absent until known.
 */
export const DeployInfoComponent = t.intersection(
  [
    t.type({ id: str }),
    t.partial({
      name: optionalText,
      seq: looseNumber,
      version: optionalText,
      status: optionalText,
      job_id: optionalText,
      job_status: optionalText,
      start_time: optionalTime,
      end_time: optionalTime,
      fail_message: optionalText,
      rollback_job_id: optionalText,
      rollback_job_status: optionalText,
      rollback_start_time: optionalTime,
      rollback_end_time: optionalTime,
      rollback_fail_message: optionalText,
    }),
  ],
  "DeployInfoComponent",
);
export type DeployInfoComponent = t.TypeOf<typeof DeployInfoComponent> & Record<string, unknown>;

/** GET .../release-plans/{release_plan_id}/deploy-info (Table 3): `{id, components}`. */
export const DeployInfoResponse = t.intersection([t.type({ components: t.array(DeployInfoComponent) }), t.partial({ id: optionalText })], "DeployInfoResponse");
export type DeployInfoResponse = t.TypeOf<typeof DeployInfoResponse> & Record<string, unknown>;

/** The id of the component's job, if it has one (an empty string is none). */
export const jobIdOf = (c: DeployInfoComponent): string | undefined => (c.job_id !== undefined && c.job_id !== "" ? c.job_id : undefined);
export const rollbackJobIdOf = (c: DeployInfoComponent): string | undefined =>
  c.rollback_job_id !== undefined && c.rollback_job_id !== "" ? c.rollback_job_id : undefined;

/** The components in batches, ascending `seq`, in the order the answer lists them within one; a component without seq goes last. */
export const batchesOf = <C extends { seq?: number }>(components: readonly C[]): C[][] => {
  const bySeq = new Map<number, C[]>();
  for (const c of components) {
    const seq = c.seq ?? Number.POSITIVE_INFINITY;
    bySeq.set(seq, [...(bySeq.get(seq) ?? []), c]);
  }
  return [...bySeq.entries()].sort(([a], [b]) => a - b).map(([, batch]) => batch);
};

// ---- an application's components (Huawei's SDK) --------------------------------------

/**
 * One component of the list (the SDK's ComponentList): id, name and application are
 * what a run checks (a release task names a component by id alone); the rest passes.
 */
export const ComponentListItem = t.intersection(
  [
    t.type({ id: str }),
    t.partial({ name: optionalText, application_id: optionalText, environment_id: optionalText, version: optionalText, status: ComponentStatus }),
  ],
  "ComponentListItem",
);
export type ComponentListItem = t.TypeOf<typeof ComponentListItem> & Record<string, unknown>;

/**
 * GET .../applications/{application_id}/components: `{count, components}`. Paged with
 * `limit` (0-100; none: at most 1000) and `offset`; `count` is the total, so a reader pages
 * until it has `count` components or a page comes back short.
 */
export const ComponentListResponse = t.intersection(
  [t.type({ components: t.array(ComponentListItem) }), t.partial({ count: looseNumber })],
  "ComponentListResponse",
);
export type ComponentListResponse = t.TypeOf<typeof ComponentListResponse> & Record<string, unknown>;
