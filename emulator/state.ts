/**
 * The emulator's model of ServiceStage: applications, components, release plans and
 * jobs, with the rules of the two specified operations. No HTTP here: routes.ts maps
 * the ServiceStage endpoints onto these methods and their `ApiError`s onto responses,
 * and control.ts the control API.
 *
 * Jobs run on the clock: a job is SUBMITTED, then SCHEDULED, then RUNNING from the
 * accepted redeploy (or component action) until its duration has passed, then it has its
 * outcome (a rollback passes through ROLLBACKING). Progress is computed from the clock when it is read
 * (no timers), so an emulator never has pending work to cancel and a slow test cannot
 * "miss" a transition. The duration is the scripted job's own, else its component's
 * (setJobDuration), else the emulator's (the `jobDurationMs` option, 300 ms by default).
 *
 * A release task runs on the same clock: an execution starts its first batch, and each
 * later batch starts the moment the batch before it ended, whenever that is noticed
 * (settleRun), so its jobs and its status read the same whoever asks and when.
 */
import { randomUUID } from "node:crypto";
import { isLeft } from "fp-ts/Either";
import * as t from "io-ts";
import { PathReporter } from "io-ts/PathReporter";
import { PageName, requestBodyIssues, tableParams } from "./pages";
import { asStored } from "./serverSide";

/** A JSON object in the wire's snake_case shape. */
export type Wire = Record<string, unknown>;

export interface Seed {
  projectId: string;
  components: Array<{ applicationId: string; componentId: string; spec: Wire; status?: Wire }>;
  releasePlans: Array<{ releasePlanId: string; plan: Wire }>;
}

export const DEFAULT_PROJECT_ID = "0a1b2c3d4e5f";

/** How a job ends: the final statuses of the v3 job page (servicestage_06_0190), or never (RUNNING_FOREVER). */
export type ScriptedStatus = "FAILED" | "CANCELLED" | "PARTIALLY_FAILED" | "ROLLBACKED" | "UNKNOWN" | "RUNNING_FOREVER" | "SUCCEEDED";
export const SCRIPTED_STATUSES: readonly ScriptedStatus[] = [
  "FAILED",
  "CANCELLED",
  "PARTIALLY_FAILED",
  "ROLLBACKED",
  "UNKNOWN",
  "RUNNING_FOREVER",
  "SUCCEEDED",
];

/**
 * Component actions (POST .../action): every value of Huawei's SDK enum
 * `ComponentActionType` (huaweicloudsdkservicestage v3), and `sync_workload`, which
 * Terraform's component action resource documents and its acceptance test runs. Each
 * starts a job of its own that becomes `status.last_job_id`, and none is a redeploy.
 * `rollback` (to `parameters.version`, else the version before) and `rollback_current`
 * (to the version before) put back the spec of an earlier deployment, as the console's
 * rollback does; the others keep the spec (a scale sets `replica`).
 */
export const COMPONENT_ACTIONS = [
  "start",
  "stop",
  "restart",
  "scale",
  "rollback",
  "rollback_current",
  "continue_deploy",
  "check_gray_release",
  "modify_gray_rule",
  "sync_workload",
] as const;
export type ComponentAction = (typeof COMPONENT_ACTIONS)[number];
/** The actions that put back an earlier deployment's spec. */
const ROLLBACKS: ReadonlySet<JobCause> = new Set(["rollback", "rollback_current"]);
/** What started a job: a redeploy (through the API or the console), an action, or a release task deploying the component. */
type JobCause = "redeploy" | ComponentAction | "release";

/** `status.fail_detail`: the values of Huawei's SDK enum `ComponentFailDetail`, and nothing else. */
export const COMPONENT_FAIL_DETAILS = [
  "cluster_deleted",
  "cluster_unavailable",
  "cluster_inaccessible",
  "namespace_deleted",
  "namespace_unavailable",
  "namespace_inaccessible",
  "resource_deleted",
  "create_failed",
  "delete_failed",
] as const;
export type ComponentFailDetail = (typeof COMPONENT_FAIL_DETAILS)[number];

export interface JobOutcome {
  /** How the job ends (RUNNING_FOREVER: it never does). */
  status: ScriptedStatus;
  /** The deploy task's messages once it ended; default: none for SUCCEEDED, "deploy job failed" and the like otherwise. */
  messages?: string[];
  /** How long this job stays RUNNING, overriding the component's and the emulator's duration. */
  durationMs?: number;
  /** The component's `status.fail_detail` once the job ended without success (default create_failed). */
  failDetail?: ComponentFailDetail;
}
/** What the emulator reports for one of its jobs at a given moment: the phases of a job still going, then its outcome. */
export type ReportedJobStatus = "SUBMITTED" | "SCHEDULED" | "RUNNING" | "ROLLBACKING" | Exclude<ScriptedStatus, "RUNNING_FOREVER">;
const ENDED: ReadonlySet<ReportedJobStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKED", "UNKNOWN"]);
/** The job page's job_type values are PROVISION, DEPROVISION, DAILY_OPERATION, SYSTEM_INNER and UNKNOWN: a redeploy and an action alike report the same one, so no client can tell them apart by it. */
const JOB_TYPE = "DAILY_OPERATION";

/** An error answer: HTTP status and ServiceStage's `{error_code, error_msg}`. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  /** A missing application/component: ServiceStage v3 may answer it as 401 SVCSTG.00100401. */
  notFoundQuirk?: boolean;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (status: number, code: string, message: string, notFoundQuirk?: boolean): Result<never> => ({
  ok: false,
  error: { status, code, message, ...(notFoundQuirk ? { notFoundQuirk } : {}) },
});
const badRequest = (message: string): Result<never> => fail(400, "SVCSTG.00100400", message);

/** The page's tables and prose rules (pages.ts), reported like ServiceStage: SVCSTG.00100400 and the snake_case field. */
const invalidBody = (page: PageName, body: unknown): Result<never> | undefined => {
  const issues = requestBodyIssues(page, body);
  return issues.length > 0 ? badRequest(`Invalid request body: ${issues.join("; ")}`) : undefined;
};

/** The pages' own example sends `active_deadline_seconds: null`: null means absent. */
const dropNulls = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  return value;
};

/**
 * The spec fields the component GET returns (docs/api/NOTES.md). What it does not show is the rest
 * of the redeploy body (Table 3 of the job page: task_setting, workload_kind, ...), so a
 * client can only judge drift on these. Anything else a component holds (fields the
 * console or older versions set, keys no page lists) is shown as stored, as the live
 * service shows what it has.
 */
const COMPONENT_GET_FIELDS = new Set([
  "name",
  "description",
  "labels",
  "runtime_stack",
  "source",
  "build",
  "environment_id",
  "application_id",
  "limit_cpu",
  "limit_memory",
  "request_cpu",
  "request_memory",
  "replica",
  "version",
  "envs",
  "storages",
  "command",
  "post_start",
  "pre_stop",
  "timezone",
  "mesher",
  "deploy_strategy",
  "jvm_opts",
  "tomcat_opts",
  "logs",
  "custom_metric",
  "affinity",
  "anti_affinity",
  "liveness_probe",
  "readiness_probe",
  "refer_resources",
  // Terraform reads these from the GET too.
  "external_accesses",
  "update_strategy",
  "config_mode",
  // Huawei's SDK model ShowComponentInfoResponse declares it.
  "swimlane_id",
]);

/**
 * What the GET answers for a field the component never set: the redeploy page says
 * config_mode "is fixed at ui, indicating that the deployment is configured based on the
 * UI" (Terraform reads it back, Optional and Computed), and a component in no lane has an
 * empty swimlane_id (as the release task GET's). The emulator's own choice: no Huawei
 * source shows a component without them.
 */
const GET_DEFAULTS: Readonly<Wire> = { config_mode: "ui", swimlane_id: "" };
let hiddenByGet: ReadonlySet<string> | undefined;
const isHiddenByGet = (field: string): boolean => {
  hiddenByGet ??= new Set(tableParams("redeploy-job-component", 3).filter((f) => !COMPONENT_GET_FIELDS.has(f)));
  return hiddenByGet.has(field);
};
/** Secrets the GET never returns, wherever they sit. */
const NEVER_SHOWN = new Set(["http_password"]);

const withoutSecrets = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !NEVER_SHOWN.has(k))
        .map(([k, x]) => [k, withoutSecrets(x)]),
    );
  return v;
};

interface StoredComponent {
  applicationId: string;
  componentId: string;
  spec: Wire;
  /** Status as set by the seed or the last change; a job overlays it when read. */
  status: Wire;
  /** The instance the records name (one per component here). */
  instanceId: string;
  /** Every redeploy and action, oldest first: GET .../records. */
  records: DeployRecord[];
}

/** One entry of the component's history: a redeploy or an action, and its job. */
interface DeployRecord {
  cause: JobCause;
  jobId: string;
  /** The spec the component carried once the job was accepted. */
  spec: Wire;
  /** A redeploy's or a rollback's: the spec it replaced, which `rollback_current` puts back. */
  replaced?: Wire;
}

/**
 * A release task's `status`. The GET page (servicestage_06_0233) types it a String and
 * lists no values; the list page's example (servicestage_06_0232) shows SUCCESS, and the
 * deploy-info page names a component's SUCCESS, CREATED, FAILED, ROLLBACK_SUCCEED,
 * ROLLBACK_FAILED and ABORTED. The console (servicestage_03_0257) shows To release,
 * Releasing, Released, Release failed, Rolling back, Rolled back, Rollback failed,
 * Suspending and Suspended. The emulator's words for those: the deploy-info page's where
 * it has one, RUNNING and ROLLBACKING (the job page's words) where it has none; no
 * Suspending (an abort ends the run at once).
 */
export const RELEASE_TASK_STATUSES = ["CREATED", "RUNNING", "SUCCESS", "FAILED", "ABORTED", "ROLLBACKING", "ROLLBACK_SUCCEED", "ROLLBACK_FAILED"] as const;
export type ReleaseTaskStatus = (typeof RELEASE_TASK_STATUSES)[number];
/** The statuses a rollback starts from: a run that ended, not rolled back yet. */
const ROLLBACK_FROM: ReadonlySet<ReleaseTaskStatus> = new Set(["SUCCESS", "FAILED", "ABORTED"]);

/** A component's `job_status` in the deploy information: the page lists CREATED, FAILED, RUNNING and SUCCEEDED only. */
const releaseJobStatus = (status: ReportedJobStatus): "RUNNING" | "SUCCEEDED" | "FAILED" =>
  !ENDED.has(status) ? "RUNNING" : status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED";

/** One component of a release task's run. */
interface RunComponent {
  componentId: string;
  seq: number;
  /** The plan's entry without seq and component_id: what the component is deployed with. */
  spec: Wire;
  jobId?: string;
  /** Refused before any job (the component missing, a new name or runtime_stack, its last job running), and when. */
  refused?: { message: string; at: number };
  /** Its batch never started (the run stopped after a failure, or was aborted), or its job was cancelled by an abort. */
  aborted?: boolean;
  rollbackJobId?: string;
}

/** The last execution of a release task. */
interface ReleaseRun {
  executedAt: number;
  stopOnFailure: boolean;
  /** Components grouped by `seq`, in ascending order. */
  batches: RunComponent[][];
  /** How many batches have started. */
  started: number;
  /** When the last batch ended, the run stopped after a failed batch, or was aborted. */
  endedAt?: number;
  abortedAt?: number;
  rolledBackAt?: number;
}

interface Job {
  jobId: string;
  applicationId: string;
  componentId: string;
  cause: JobCause;
  createdAt: number;
  /** When RUNNING ends (ignored for RUNNING_FOREVER). */
  endsAt: number;
  outcome: JobOutcome;
  taskIds: [string, string];
}

const RUNTIME_STACK_FIELDS = ["name", "type", "version", "deploy_mode"];
const pick = (v: unknown, keys: readonly string[]): unknown =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(keys.filter((k) => k in v).map((k) => [k, (v as Wire)[k]])) : v;

/** Key-order-independent JSON equality, for "runtime_stack cannot be modified". */
const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Wire).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
};

export class EmulatorState {
  readonly projectId: string;
  /** Applications exist once a component names them; deleting components keeps them. */
  private readonly applications = new Set<string>();
  private readonly components = new Map<string, StoredComponent>();
  private readonly releasePlans = new Map<string, Wire>();
  private readonly releasePlanTimes = new Map<string, { created: number; modified: number }>();
  private readonly jobs = new Map<string, Job>();
  /** Outcomes scripted for the next jobs of a component, first in first out. */
  private readonly scripted = new Map<string, JobOutcome[]>();
  private readonly redeploys = new Map<string, number>();
  /** setJobDuration for one component; the others' jobs last defaultJobDurationMs. */
  private readonly componentJobDurations = new Map<string, number>();
  /** The last run of each release task that was executed. */
  private readonly releaseRuns = new Map<string, ReleaseRun>();
  private readonly releaseExecutions = new Map<string, number>();

  constructor(
    seed: Seed,
    private defaultJobDurationMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.projectId = seed.projectId;
    for (const c of seed.components) this.putComponent(c.applicationId, c.componentId, c.spec, c.status);
    for (const p of seed.releasePlans) this.putReleasePlan(p.releasePlanId, p.plan);
  }

  // ---- components -------------------------------------------------------------

  private findComponent(applicationId: string, componentId: string): Result<StoredComponent> {
    // A release batch whose turn came since the last request deploys before anyone sees its components.
    this.settleRuns();
    if (!this.applications.has(applicationId)) return fail(404, "SVCSTG.00100403", `application ${applicationId} not found`, true);
    const c = this.components.get(key(applicationId, componentId));
    return c ? ok(c) : fail(404, "SVCSTG.00100404", `component ${componentId} not found`, true);
  }

  /** PUT .../components/{id}/redeployment */
  redeploy(applicationId: string, componentId: string, body: unknown): Result<{ job_id: string }> {
    const found = this.findComponent(applicationId, componentId);
    if (!found.ok) return found;
    const component = found.value;
    const spec = dropNulls(body);
    const invalid = invalidBody("redeploy-job-component", spec);
    if (invalid) return invalid;
    const started = this.startRedeploy(component, spec as Wire);
    return started.ok ? ok({ job_id: started.value.jobId }) : started;
  }

  /**
   * A redeploy that did not come through the API (the console, another tool): the given
   * spec fields and version over the stored spec, then a job as for an API redeploy, with
   * the same rules (no change of name or runtime_stack, not while the last job runs).
   */
  consoleRedeploy(applicationId: string, componentId: string, change: { spec?: Wire; version?: string }): Result<{ jobId: string }> {
    const found = this.findComponent(applicationId, componentId);
    if (!found.ok) return found;
    const component = found.value;
    const spec = { ...component.spec, ...change.spec, ...(change.version !== undefined ? { version: change.version } : {}) };
    const started = this.startRedeploy(component, spec);
    return started.ok ? ok({ jobId: started.value.jobId }) : started;
  }

  /** The redeploy accepted: the component carries the new spec, and its status the new job, from now on. */
  private startRedeploy(component: StoredComponent, spec: Wire): Result<Job> {
    const immutable = this.checkImmutable(component.spec, spec);
    if (immutable) return badRequest(immutable);
    if (this.lastJobRunning(component))
      return badRequest(`component ${component.componentId} is being deployed: wait for job ${String(component.status.last_job_id)} to finish`);

    const job = this.startJob(component.applicationId, component.componentId, "redeploy");
    // environment_id is not part of a redeploy body, but the component keeps its environment.
    const kept = component.spec.environment_id !== undefined && spec.environment_id === undefined ? { environment_id: component.spec.environment_id } : {};
    const at = { projectId: this.projectId, applicationId: component.applicationId, componentId: component.componentId };
    this.deployed(component, job, asStored(structuredClone({ ...spec, ...kept }), at));
    return ok(job);
  }

  /** A job accepted: the component carries its spec and its job from now on, and its history records both. */
  private deployed(component: StoredComponent, job: Job, spec: Wire): void {
    const changesSpec = job.cause === "redeploy" || job.cause === "release" || ROLLBACKS.has(job.cause);
    component.records.push({ cause: job.cause, jobId: job.jobId, spec: structuredClone(spec), ...(changesSpec ? { replaced: component.spec } : {}) });
    component.spec = spec;
    component.status = { ...component.status, last_job_id: job.jobId, update_time: job.createdAt };
  }

  /**
   * POST .../components/{id}/action: `{action, parameters}` (the SDK's ComponentAction:
   * parameters `replica` for a scale, `hosts` for a VM scale, `version` for a rollback).
   * Starts a job of its own, not a redeploy, refused while the last job runs; answers
   * `{job_id}` (the SDK's response model also has a `result`, whose values no Huawei
   * source shows: left out).
   */
  componentAction(applicationId: string, componentId: string, body: unknown): Result<{ job_id: string }> {
    const found = this.findComponent(applicationId, componentId);
    if (!found.ok) return found;
    const component = found.value;
    const request = dropNulls(body) as Wire;
    const action = request.action;
    if (typeof action !== "string" || !(COMPONENT_ACTIONS as readonly string[]).includes(action))
      return badRequest(`Invalid request body: action must be one of ${COMPONENT_ACTIONS.join(", ")}, got ${JSON.stringify(action)}`);
    const parameters = request.parameters !== null && typeof request.parameters === "object" ? (request.parameters as Wire) : {};
    if (action === "scale" && !(typeof parameters.replica === "number" && Number.isInteger(parameters.replica) && parameters.replica >= 0))
      return badRequest("Invalid request body: parameters.replica must be a non-negative integer for scale");
    if (parameters.version !== undefined && typeof parameters.version !== "string")
      return badRequest("Invalid request body: parameters.version must be a string");
    if (this.lastJobRunning(component))
      return badRequest(`component ${component.componentId} is being deployed: wait for job ${String(component.status.last_job_id)} to finish`);
    const cause = action as ComponentAction;
    let spec: Wire = component.spec;
    if (ROLLBACKS.has(cause)) {
      const target = this.rollbackTarget(component, cause === "rollback" ? (parameters.version as string | undefined) : undefined);
      if (!target.ok) return target;
      spec = structuredClone(target.value);
    } else if (cause === "scale") spec = { ...component.spec, replica: parameters.replica };
    const job = this.startJob(applicationId, componentId, cause);
    this.deployed(component, job, spec);
    return ok({ job_id: job.jobId });
  }

  /**
   * The spec a rollback puts back. To a version: the latest spec of that version the
   * component ran (a record's, or one a redeploy replaced). Without one: the spec the
   * last deployment replaced ("the version before the upgrade or redeployment"), and,
   * as the console says, "a component that has been rolled back cannot be rolled back
   * again" that way.
   */
  private rollbackTarget(component: StoredComponent, version: string | undefined): Result<Wire> {
    const deployments = component.records.filter((r) => r.replaced !== undefined);
    if (version === undefined) {
      const last = deployments.at(-1);
      if (last === undefined) return badRequest(`component ${component.componentId} has no earlier deployment to roll back to`);
      if (ROLLBACKS.has(last.cause)) return badRequest(`component ${component.componentId} has been rolled back already (job ${last.jobId})`);
      return ok(last.replaced as Wire);
    }
    if (component.spec.version === version) return badRequest(`component ${component.componentId} already runs version ${version}`);
    const ran = deployments.flatMap((r) => [r.replaced as Wire, r.spec]).filter((s) => s.version === version);
    const target = ran.at(-1);
    return target === undefined ? badRequest(`component ${component.componentId} never ran version ${version}: nothing to roll back to`) : ok(target);
  }

  private checkImmutable(stored: Wire, requested: Wire): string | undefined {
    if (stored.name !== undefined && requested.name !== stored.name)
      return `name cannot be modified: the component is named ${JSON.stringify(stored.name)}, the request says ${JSON.stringify(requested.name)}`;
    // Judged on the fields a request sets (Table 28): a live stack may carry more.
    if (stored.runtime_stack !== undefined && !sameJson(pick(stored.runtime_stack, RUNTIME_STACK_FIELDS), pick(requested.runtime_stack, RUNTIME_STACK_FIELDS)))
      return `runtime_stack cannot be modified: the component runs ${canonicalJson(stored.runtime_stack)}, the request says ${canonicalJson(requested.runtime_stack)}`;
    return undefined;
  }

  /** Whether the component's last job is still going at `at` (now unless a release batch started earlier, see settleRun). */
  private lastJobRunning(component: StoredComponent, at: number = this.now()): boolean {
    const job = typeof component.status.last_job_id === "string" ? this.jobs.get(component.status.last_job_id) : undefined;
    return job !== undefined && !jobEndedBy(job, at);
  }

  private startJob(applicationId: string, componentId: string, cause: JobCause, createdAt: number = this.now()): Job {
    const queue = this.scripted.get(componentId);
    const outcome = queue?.shift() ?? { status: "SUCCEEDED" };
    if (queue && queue.length === 0) this.scripted.delete(componentId);
    const job: Job = {
      jobId: `JOB${randomUUID()}`,
      applicationId,
      componentId,
      cause,
      createdAt,
      endsAt: createdAt + (outcome.durationMs ?? this.componentJobDurations.get(componentId) ?? this.defaultJobDurationMs),
      outcome,
      taskIds: [randomUUID(), randomUUID()],
    };
    this.jobs.set(job.jobId, job);
    if (cause === "redeploy") this.redeploys.set(componentId, (this.redeploys.get(componentId) ?? 0) + 1);
    return job;
  }

  /** GET .../components/{id}: the listed spec fields, ids and status. */
  readComponent(applicationId: string, componentId: string): Result<Wire> {
    const found = this.findComponent(applicationId, componentId);
    if (!found.ok) return found;
    const c = found.value;
    const shown: Wire = {};
    for (const [field, value] of Object.entries(c.spec))
      if (!isHiddenByGet(field) && value !== undefined) shown[field] = withoutSecrets(structuredClone(value));
    return ok({ id: componentId, ...GET_DEFAULTS, ...shown, application_id: applicationId, status: this.componentStatus(c) });
  }

  /**
   * The stored status with the last job's progress laid over it, in the statuses of
   * Huawei's model (`component_status_type`: INITIALIZING, UPGRADING, RUNNING, FAILED,
   * STARTING, STOPPING, STOPPED, RESTARTING, ...; no SUCCEEDED).
   */
  private componentStatus(c: StoredComponent): Wire {
    const status = structuredClone(c.status);
    const job = typeof status.last_job_id === "string" ? this.jobs.get(status.last_job_id) : undefined;
    if (!job) return status;
    const execution = this.reportedStatus(job);
    const going = !ENDED.has(execution);
    const succeeded = execution === "SUCCEEDED";
    const replica = typeof c.spec.replica === "number" ? c.spec.replica : 0;
    status.component_status = going ? GOING_STATUS[job.cause] : succeeded ? (job.cause === "stop" ? "STOPPED" : "RUNNING") : "FAILED";
    status.available_replica = succeeded && job.cause !== "stop" ? replica : 0;
    status.replica = replica;
    // An enum value of the SDK's ComponentFailDetail once a job failed; the job's own messages are its tasks'.
    if (going || succeeded) delete status.fail_detail;
    else status.fail_detail = job.outcome.failDetail ?? "create_failed";
    status.update_time = going ? job.createdAt : job.endsAt;
    return status;
  }

  /**
   * GET .../components/{id}/records, in the shape of Huawei's SDK models
   * (ShowComponentRecordsResponse: `count` and `records` of ComponentRecordView, each with
   * `jobs` of RecordJob and RecordJobInfo): one record per redeploy and per action, with
   * its job. The query follows the records page (servicestage_06_0083): `limit` 0-100
   * (none: up to 1000), `offset`, `order_by` create_time (default), name or update_time,
   * `order` desc (default) or asc. Values no Huawei source shows are the emulator's own
   * (docs/api/NOTES.md): `deploy_type` is what started the job (`redeploy`, or the
   * action), times are milliseconds as strings, the newest record is the one
   * `current_used`.
   */
  readRecords(applicationId: string, componentId: string, query: URLSearchParams): Result<Wire> {
    const found = this.findComponent(applicationId, componentId);
    if (!found.ok) return found;
    const c = found.value;
    const paging = pageOf(query);
    if (!paging.ok) return paging;
    const { limit, offset } = paging.value;
    const views = c.records.map((r, i) => this.recordView(c, r, i === c.records.length - 1));
    // Unknown order_by values take the default, as the page says; records have no name, so "name" sorts by begin time too.
    const byEnd = query.get("order_by") === "update_time";
    const time = (v: Wire) => Number(byEnd ? v.end_time || v.begin_time : v.begin_time);
    const sorted = views.map((v, i) => ({ v, i })).sort((a, b) => time(a.v) - time(b.v) || a.i - b.i);
    if (query.get("order") !== "asc") sorted.reverse();
    return ok({ count: views.length, records: sorted.slice(offset, offset + limit).map(({ v }) => v) });
  }

  private recordView(c: StoredComponent, record: DeployRecord, current: boolean): Wire {
    const job = this.jobs.get(record.jobId) as Job;
    const status = this.reportedStatus(job);
    const source = record.spec.source !== null && typeof record.spec.source === "object" ? (record.spec.source as Wire) : {};
    const strategy = record.spec.deploy_strategy !== null && typeof record.spec.deploy_strategy === "object" ? (record.spec.deploy_strategy as Wire) : {};
    const jobInfo: Wire = {
      ...(typeof strategy.type === "string" ? { deploy_type: strategy.type } : {}),
      ...(typeof source.url === "string" ? { source_url: source.url } : {}),
      ...(typeof record.spec.replica === "number" ? { replica: record.spec.replica } : {}),
    };
    return {
      begin_time: String(job.createdAt),
      end_time: ENDED.has(status) ? String(job.endsAt) : "",
      description: {},
      instance_id: c.instanceId,
      ...(typeof record.spec.version === "string" ? { version: record.spec.version } : {}),
      current_used: current,
      status,
      deploy_type: record.cause,
      jobs: [{ sequence: 1, deploy_type: record.cause, job_id: record.jobId, job_info: jobInfo }],
    };
  }

  /**
   * GET .../applications/{application_id}/components: `{count, components}` as Huawei's SDK
   * models show it (ShowComponentsInApplicationResponse, ComponentList): each component's
   * id, name, labels, runtime_stack, source, version, environment_id, application_id,
   * external_accesses, creator and status (ComponentStatusView, as the GET's). The query as
   * the SDK's request model: `limit` 0-100 (none: up to 1000), `offset`, `order_by`
   * create_time (default), name or update_time, `order` desc (default) or asc. Left out,
   * as the emulator cannot know them: environment_name, application_name, platform_type.
   */
  listComponents(applicationId: string, query: URLSearchParams): Result<Wire> {
    this.settleRuns();
    if (!this.applications.has(applicationId)) return fail(404, "SVCSTG.00100403", `application ${applicationId} not found`, true);
    const paging = pageOf(query);
    if (!paging.ok) return paging;
    const { limit, offset } = paging.value;
    const views = [...this.components.values()]
      .filter((c) => c.applicationId === applicationId)
      .map((c): Wire => {
        const status = this.componentStatus(c);
        const listed: Wire = { id: c.componentId };
        for (const field of LISTED_FIELDS) if (c.spec[field] !== undefined) listed[field] = withoutSecrets(structuredClone(c.spec[field]));
        return { ...listed, application_id: applicationId, creator: status.creator, status };
      });
    const orderBy = query.get("order_by");
    const sortKey = (v: Wire): string | number =>
      orderBy === "name" ? String(v.name ?? "") : Number((v.status as Wire)[orderBy === "update_time" ? "update_time" : "create_time"] ?? 0);
    const sorted = views.map((v, i) => ({ v, i })).sort((a, b) => compareKeys(sortKey(a.v), sortKey(b.v)) || a.i - b.i);
    if (query.get("order") !== "asc") sorted.reverse();
    return ok({ count: views.length, components: sorted.slice(offset, offset + limit).map(({ v }) => v) });
  }

  /** The stored spec, the status as the GET shows it, and (not on the wire) the last job's status, for tests. */
  getComponent(applicationId: string, componentId: string): { spec: Wire; status: Wire; lastJobStatus?: ReportedJobStatus } | undefined {
    this.settleRuns();
    const c = this.components.get(key(applicationId, componentId));
    if (!c) return undefined;
    const job = typeof c.status.last_job_id === "string" ? this.jobs.get(c.status.last_job_id) : undefined;
    return { spec: structuredClone(c.spec), status: this.componentStatus(c), ...(job ? { lastJobStatus: this.reportedStatus(job) } : {}) };
  }

  /** Out-of-band create or change (no job): a new component gets a finished status. */
  putComponent(applicationId: string, componentId: string, spec: Wire, status?: Wire): void {
    this.applications.add(applicationId);
    const existing = this.components.get(key(applicationId, componentId));
    const now = this.now();
    const base: Wire = existing?.status ?? {
      component_status: "RUNNING",
      available_replica: 0,
      replica: typeof spec.replica === "number" ? spec.replica : 0,
      creator: "emulator",
      create_time: now,
      update_time: now,
    };
    this.components.set(key(applicationId, componentId), {
      applicationId,
      componentId,
      spec: structuredClone(spec),
      status: structuredClone({ ...base, ...(existing ? { update_time: now } : {}), ...(status ?? {}) }),
      instanceId: existing?.instanceId ?? randomUUID(),
      records: existing?.records ?? [],
    });
  }

  deleteComponent(applicationId: string, componentId: string): void {
    this.components.delete(key(applicationId, componentId));
  }

  redeployCount(componentId?: string): number {
    if (componentId !== undefined) return this.redeploys.get(componentId) ?? 0;
    let total = 0;
    for (const n of this.redeploys.values()) total += n;
    return total;
  }

  redeployCounts(): Record<string, number> {
    return Object.fromEntries(this.redeploys);
  }

  scriptNextJob(componentId: string, outcome: JobOutcome): void {
    if (outcome.durationMs !== undefined) checkDuration(outcome.durationMs);
    const queue = this.scripted.get(componentId) ?? [];
    queue.push({ ...outcome, ...(outcome.messages ? { messages: [...outcome.messages] } : {}) });
    this.scripted.set(componentId, queue);
  }

  /** For the jobs started from now on: of one component, or of every component without its own duration. */
  setJobDuration(duration: { ms: number; componentId?: string }): void {
    checkDuration(duration.ms);
    if (duration.componentId === undefined) this.defaultJobDurationMs = duration.ms;
    else this.componentJobDurations.set(duration.componentId, duration.ms);
  }

  // ---- release plans ----------------------------------------------------------

  /** PUT .../release-plans/{id}: edits an existing plan only, and not while it runs or rolls back. */
  editReleasePlan(releasePlanId: string, body: unknown): Result<{ release_plan_id: string }> {
    if (!this.releasePlans.has(releasePlanId)) return releasePlanNotFound(releasePlanId);
    const busy = this.refusedWhileBusy(releasePlanId, "edited");
    if (busy) return busy;
    const plan = dropNulls(body);
    const invalid = invalidBody("edit-release-plan", plan);
    if (invalid) return invalid;
    this.releasePlans.set(releasePlanId, structuredClone(plan as Wire));
    this.releasePlanTimes.set(releasePlanId, { created: this.releasePlanTimes.get(releasePlanId)?.created ?? this.now(), modified: this.now() });
    return ok({ release_plan_id: releasePlanId });
  }

  /**
   * GET .../release-plans/{id}: the stored plan with the fields the GET page
   * (servicestage_06_0233) adds: action (one of the page's clone, upgrade, create), status,
   * swimlane_id, create_time, modify_time, execute_time, creator; a component's `seq`
   * answers as an Integer. Once executed, `status` and `execute_time` are the last run's
   * (RELEASE_TASK_STATUSES); before, what the plan holds, else CREATED and 0.
   */
  readReleasePlan(releasePlanId: string): Result<Wire> {
    const plan = this.releasePlans.get(releasePlanId);
    if (!plan) return releasePlanNotFound(releasePlanId);
    this.settleRuns();
    const shown = structuredClone(plan);
    if (Array.isArray(shown.components))
      shown.components = shown.components.map((c: unknown) =>
        c !== null && typeof c === "object" && typeof (c as Wire).seq === "string" ? { ...(c as Wire), seq: Number((c as Wire).seq) } : c,
      );
    const times = this.releasePlanTimes.get(releasePlanId) ?? { created: 0, modified: 0 };
    const run = this.releaseRuns.get(releasePlanId);
    return ok({
      id: releasePlanId,
      action: "upgrade",
      status: "CREATED",
      swimlane_id: "",
      create_time: times.created,
      modify_time: times.modified,
      execute_time: 0,
      creator: "emulator",
      ...shown,
      ...(run ? { status: this.runStatus(run), execute_time: run.executedAt } : {}),
    });
  }

  getReleasePlan(releasePlanId: string): Wire | undefined {
    const plan = this.releasePlans.get(releasePlanId);
    return plan && structuredClone(plan);
  }

  putReleasePlan(releasePlanId: string, plan: Wire): void {
    this.releasePlans.set(releasePlanId, structuredClone(plan));
    this.releasePlanTimes.set(releasePlanId, { created: this.releasePlanTimes.get(releasePlanId)?.created ?? this.now(), modified: this.now() });
  }

  deleteReleasePlan(releasePlanId: string): void {
    this.releasePlans.delete(releasePlanId);
    this.releaseRuns.delete(releasePlanId);
  }

  // ---- running a release task (servicestage_06_0234 to 0236, 0251) ------------------

  /**
   * POST .../release-plans/{id}/execute: no body either way (servicestage_06_0235). The
   * components run batch by batch in `seq` order, those of one batch together; each is a
   * job that deploys the plan's entry onto the component (as a redeploy does), and the
   * next batch starts when the last job of the batch before has ended. A failed component
   * ends the run after its batch when `fail_strategy` is stop (also when absent, as the
   * console's "Best Effort Policy" starts disabled), and nothing else when it is continue.
   * Refused while the task runs or rolls back; a finished task runs again (a new run).
   */
  executeReleasePlan(releasePlanId: string): Result<void> {
    const plan = this.releasePlans.get(releasePlanId);
    if (!plan) return releasePlanNotFound(releasePlanId);
    const busy = this.refusedWhileBusy(releasePlanId, "executed");
    if (busy) return busy;
    const entries = (Array.isArray(plan.components) ? plan.components : []).filter((c): c is Wire => c !== null && typeof c === "object");
    const bySeq = new Map<number, RunComponent[]>();
    for (const entry of entries) {
      const seq = Number(entry.seq);
      const { seq: _seq, component_id: componentId, ...spec } = structuredClone(entry);
      const batch = bySeq.get(seq) ?? [];
      batch.push({ componentId: String(componentId), seq, spec });
      bySeq.set(seq, batch);
    }
    const run: ReleaseRun = {
      executedAt: this.now(),
      stopOnFailure: plan.fail_strategy !== "continue",
      batches: [...bySeq.entries()].sort(([a], [b]) => a - b).map(([, batch]) => batch),
      started: 0,
    };
    this.releaseRuns.set(releasePlanId, run);
    this.releaseExecutions.set(releasePlanId, this.releaseExecutionCount(releasePlanId) + 1);
    this.settleRun(run);
    return ok(undefined);
  }

  /**
   * POST .../release-plans/{id}/abort: "abort a release task that is being executed"
   * (servicestage_06_0251), no body either way. The jobs of the batch under way are
   * cancelled (CANCELLED, as the v3 job page names it), the batches not started never
   * start, and those components answer ABORTED; the task is ABORTED at once. Refused
   * unless the task runs.
   */
  abortReleasePlan(releasePlanId: string): Result<void> {
    if (!this.releasePlans.has(releasePlanId)) return releasePlanNotFound(releasePlanId);
    this.settleRuns();
    const run = this.releaseRuns.get(releasePlanId);
    if (run === undefined || this.runStatus(run) !== "RUNNING")
      return badRequest(`release task ${releasePlanId} is not being executed (status ${run ? this.runStatus(run) : "CREATED"}): nothing to abort`);
    const now = this.now();
    for (const c of run.batches[run.started - 1] ?? []) {
      const job = c.jobId !== undefined ? this.jobs.get(c.jobId) : undefined;
      if (job === undefined || jobEndedBy(job, now)) continue;
      job.outcome = { ...job.outcome, status: "CANCELLED", messages: [`cancelled: release task ${releasePlanId} was aborted`] };
      job.endsAt = now;
      c.aborted = true;
    }
    for (const c of run.batches.slice(run.started).flat()) c.aborted = true;
    run.abortedAt = now;
    run.endedAt = now;
    return ok(undefined);
  }

  /**
   * POST .../release-plans/{id}/rollback: no body either way (servicestage_06_0236). Every
   * component the last run deployed (one that has a job) gets a rollback job, all at once,
   * that puts back the spec that run's job replaced, as the console's rollback of a
   * release task returns it "to the status before the release". Refused unless the last
   * run has ended (SUCCESS, FAILED, ABORTED) and was not rolled back already, and while a
   * component's last job runs.
   */
  rollbackReleasePlan(releasePlanId: string): Result<void> {
    if (!this.releasePlans.has(releasePlanId)) return releasePlanNotFound(releasePlanId);
    this.settleRuns();
    const run = this.releaseRuns.get(releasePlanId);
    const status = run ? this.runStatus(run) : "CREATED";
    if (run === undefined || !ROLLBACK_FROM.has(status))
      return badRequest(
        `release task ${releasePlanId} cannot be rolled back in status ${status}: only a run that ended (${[...ROLLBACK_FROM].join(", ")}) can`,
      );
    const now = this.now();
    const targets: Array<{ c: RunComponent; component: StoredComponent; spec: Wire }> = [];
    for (const c of run.batches.flat()) {
      const component = c.jobId !== undefined ? this.componentById(c.componentId) : undefined;
      const replaced = component?.records.find((r) => r.jobId === c.jobId)?.replaced;
      if (component === undefined || replaced === undefined) continue;
      if (this.lastJobRunning(component, now))
        return badRequest(`component ${component.componentId} is being deployed: wait for job ${String(component.status.last_job_id)} to finish`);
      targets.push({ c, component, spec: replaced });
    }
    for (const { c, component, spec } of targets) {
      const job = this.startJob(component.applicationId, component.componentId, "rollback", now);
      this.deployed(component, job, structuredClone(spec));
      c.rollbackJobId = job.jobId;
    }
    run.rolledBackAt = now;
    return ok(undefined);
  }

  /**
   * GET .../release-plans/{id}/deploy-info (servicestage_06_0234): `{id, components}`, one
   * entry per component of the last run (of the plan, before any run), in batch order.
   * The page's values only: `status` SUCCESS, CREATED, FAILED, PARTIALLY_FAILED,
   * ROLLBACK_FAILED, ROLLBACK_SUCCEED, ABORTED; `job_status` CREATED, FAILED, RUNNING,
   * SUCCEEDED. Choices where the page is silent (docs/api/NOTES.md): a component whose job
   * runs is CREATED with job_status RUNNING; `seq` a String as the page types it; times
   * in milliseconds, 0 until known; the rollback times Strings as typed; fields without a
   * value (job_id before a job, fail_message, rollback_* before a rollback) left out.
   */
  readDeployInfo(releasePlanId: string): Result<Wire> {
    const plan = this.releasePlans.get(releasePlanId);
    if (!plan) return releasePlanNotFound(releasePlanId);
    this.settleRuns();
    const run = this.releaseRuns.get(releasePlanId);
    const components = run
      ? run.batches.flat().map((c) => this.deployInfoOf(c))
      : (Array.isArray(plan.components) ? plan.components : [])
          .filter((c): c is Wire => c !== null && typeof c === "object")
          .map((c) => this.deployInfoOf({ componentId: String(c.component_id), seq: Number(c.seq), spec: c }));
    return ok({ id: releasePlanId, components });
  }

  /** How many executions of the task were accepted (not on the wire): a task that must run once ran once. */
  releaseExecutionCount(releasePlanId: string): number {
    return this.releaseExecutions.get(releasePlanId) ?? 0;
  }

  private refusedWhileBusy(releasePlanId: string, what: string): Result<never> | undefined {
    this.settleRuns();
    const run = this.releaseRuns.get(releasePlanId);
    const status = run && this.runStatus(run);
    return status === "RUNNING" || status === "ROLLBACKING"
      ? badRequest(
          `release task ${releasePlanId} is ${status === "RUNNING" ? "being executed" : "being rolled back"} (execute_time ${run?.executedAt}): it cannot be ${what} until that ends`,
        )
      : undefined;
  }

  private settleRuns(): void {
    for (const run of this.releaseRuns.values()) this.settleRun(run);
  }

  /**
   * Starts each batch whose turn has come by now, at the moment the batch before it ended
   * (not when someone looks), so a run reads the same whenever it is read, as jobs do.
   */
  private settleRun(run: ReleaseRun): void {
    const now = this.now();
    while (run.endedAt === undefined) {
      const previous = run.batches[run.started - 1];
      const previousEnd = previous === undefined ? run.executedAt : this.batchEnd(previous);
      if (previousEnd === undefined || previousEnd > now) return;
      const failed = previous !== undefined && previous.some((c) => !this.componentSucceeded(c));
      if ((failed && run.stopOnFailure) || run.started === run.batches.length) {
        run.endedAt = previousEnd;
        for (const c of run.batches.slice(run.started).flat()) c.aborted = true;
        return;
      }
      for (const c of run.batches[run.started]) this.deployReleaseComponent(c, previousEnd);
      run.started += 1;
    }
  }

  /** When the last job of the batch ends; undefined while one never will (RUNNING_FOREVER). */
  private batchEnd(batch: RunComponent[]): number | undefined {
    let end = 0;
    for (const c of batch) {
      const job = c.jobId !== undefined ? this.jobs.get(c.jobId) : undefined;
      if (job !== undefined && job.outcome.status === "RUNNING_FOREVER") return undefined;
      end = Math.max(end, job?.endsAt ?? c.refused?.at ?? 0);
    }
    return end;
  }

  private componentSucceeded(c: RunComponent): boolean {
    const job = c.jobId !== undefined ? this.jobs.get(c.jobId) : undefined;
    return job !== undefined && job.outcome.status === "SUCCEEDED";
  }

  /** One component of a batch: a job as a redeploy's, refused as a redeploy is (the component then FAILED with no job). */
  private deployReleaseComponent(c: RunComponent, at: number): void {
    const component = this.componentById(c.componentId);
    const refusal =
      component === undefined
        ? `component ${c.componentId} not found`
        : (this.checkImmutable(component.spec, c.spec) ??
          (this.lastJobRunning(component, at)
            ? `component ${c.componentId} is being deployed: job ${String(component.status.last_job_id)} has not finished`
            : undefined));
    if (component === undefined || refusal !== undefined) {
      c.refused = { message: refusal ?? "", at };
      return;
    }
    const job = this.startJob(component.applicationId, component.componentId, "release", at);
    const where = { projectId: this.projectId, applicationId: component.applicationId, componentId: component.componentId };
    this.deployed(component, job, asStored(structuredClone(c.spec), where));
    c.jobId = job.jobId;
  }

  /** A release task names a component by id alone (Table 4 of the edit page has no application_id). */
  private componentById(componentId: string): StoredComponent | undefined {
    for (const c of this.components.values()) if (c.componentId === componentId) return c;
    return undefined;
  }

  private runStatus(run: ReleaseRun): ReleaseTaskStatus {
    const now = this.now();
    if (run.rolledBackAt !== undefined) {
      const rollbacks = run.batches.flat().flatMap((c) => (c.rollbackJobId !== undefined ? [this.jobs.get(c.rollbackJobId) as Job] : []));
      if (rollbacks.some((job) => !jobEndedBy(job, now))) return "ROLLBACKING";
      return rollbacks.every((job) => job.outcome.status === "SUCCEEDED") ? "ROLLBACK_SUCCEED" : "ROLLBACK_FAILED";
    }
    if (run.abortedAt !== undefined) return "ABORTED";
    if (run.endedAt === undefined) return "RUNNING";
    return run.batches.flat().some((c) => !c.aborted && !this.componentSucceeded(c)) ? "FAILED" : "SUCCESS";
  }

  private deployInfoOf(c: RunComponent): Wire {
    const now = this.now();
    const job = c.jobId !== undefined ? this.jobs.get(c.jobId) : undefined;
    const jobEnded = job !== undefined && jobEndedBy(job, now);
    const rollback = c.rollbackJobId !== undefined ? this.jobs.get(c.rollbackJobId) : undefined;
    const rollbackEnded = rollback !== undefined && jobEndedBy(rollback, now);
    const status = rollbackEnded
      ? rollback.outcome.status === "SUCCEEDED"
        ? "ROLLBACK_SUCCEED"
        : "ROLLBACK_FAILED"
      : c.aborted
        ? "ABORTED"
        : c.refused !== undefined
          ? "FAILED"
          : job === undefined || !jobEnded
            ? "CREATED"
            : job.outcome.status === "SUCCEEDED"
              ? "SUCCESS"
              : job.outcome.status === "PARTIALLY_FAILED"
                ? "PARTIALLY_FAILED"
                : "FAILED";
    const failMessage =
      c.refused?.message ?? (job !== undefined && jobEnded && job.outcome.status !== "SUCCEEDED" ? this.messagesOf(job).join("; ") : undefined);
    return {
      id: c.componentId,
      name: c.spec.name,
      seq: String(c.seq),
      version: c.spec.version,
      status,
      job_status: job !== undefined ? releaseJobStatus(this.reportedStatus(job)) : c.refused !== undefined ? "FAILED" : "CREATED",
      ...(job !== undefined ? { job_id: job.jobId } : {}),
      start_time: job?.createdAt ?? c.refused?.at ?? 0,
      end_time: jobEnded ? job.endsAt : (c.refused?.at ?? 0),
      ...(failMessage !== undefined ? { fail_message: failMessage } : {}),
      ...(rollback !== undefined
        ? {
            rollback_job_id: rollback.jobId,
            rollback_job_status: releaseJobStatus(this.reportedStatus(rollback)),
            rollback_start_time: String(rollback.createdAt),
            rollback_end_time: rollbackEnded ? String(rollback.endsAt) : "",
            ...(rollbackEnded && rollback.outcome.status !== "SUCCEEDED" ? { rollback_fail_message: this.messagesOf(rollback).join("; ") } : {}),
          }
        : {}),
    };
  }

  // ---- jobs -------------------------------------------------------------------

  /**
   * SUBMITTED for the first tenth of the job (at most 200 ms), SCHEDULED for the next (at
   * most 400 ms in all), then RUNNING, and ROLLBACKING for the last fifth of a job that
   * ends ROLLBACKED; then the outcome.
   */
  private reportedStatus(job: Job): ReportedJobStatus {
    const now = this.now();
    const elapsed = now - job.createdAt;
    const duration = job.endsAt - job.createdAt;
    if (job.outcome.status !== "RUNNING_FOREVER" && now >= job.endsAt) return job.outcome.status;
    if (elapsed < Math.min(200, duration / 10)) return "SUBMITTED";
    if (elapsed < Math.min(400, duration / 5)) return "SCHEDULED";
    if (job.outcome.status === "ROLLBACKED" && elapsed >= duration * 0.8) return "ROLLBACKING";
    return "RUNNING";
  }

  private messagesOf(job: Job): string[] {
    if (job.outcome.messages) return job.outcome.messages;
    return job.outcome.status === "SUCCEEDED" || job.outcome.status === "RUNNING_FOREVER"
      ? []
      : [`deploy job ${job.outcome.status.toLowerCase().replace("_", " ")}`];
  }

  /** GET .../jobs/{job_id}: a "prepare" task that always succeeds, then the deploy task that carries the outcome. */
  readJob(jobId: string): Result<Wire> {
    this.settleRuns();
    const job = this.jobs.get(jobId);
    if (!job) return fail(404, "SVCSTG.00100429", `job ${jobId} not found`);
    const execution = this.reportedStatus(job);
    const finished = ENDED.has(execution);
    // The SDK model types a task's messages, created_at and update_at as strings.
    const at = (ms: number) => String(ms);
    return ok({
      task_count: 2,
      job: { execution_status: execution, job_id: job.jobId, job_type: JOB_TYPE, rollback_enabled: job.outcome.status === "ROLLBACKED" },
      tasks: [
        {
          task_id: job.taskIds[0],
          task_name: "prepare-job",
          task_status: "SUCCEEDED",
          task_type: "prepare",
          messages: "",
          created_at: at(job.createdAt),
          update_at: at(job.createdAt),
        },
        {
          task_id: job.taskIds[1],
          task_name: job.cause === "redeploy" ? "deploy-job" : `${job.cause}-job`,
          task_status: execution,
          task_type: job.cause === "redeploy" ? "deploy" : job.cause,
          messages: finished ? this.messagesOf(job).join("; ") : "",
          created_at: at(job.createdAt),
          update_at: at(finished ? job.endsAt : job.createdAt),
        },
      ],
    });
  }
}

/** The component's status while a job of each cause runs. */
const GOING_STATUS: Readonly<Record<JobCause, string>> = {
  redeploy: "UPGRADING",
  start: "STARTING",
  stop: "STOPPING",
  restart: "RESTARTING",
  scale: "UPGRADING",
  rollback: "UPGRADING",
  rollback_current: "UPGRADING",
  release: "UPGRADING",
  continue_deploy: "UPGRADING",
  modify_gray_rule: "UPGRADING",
  // Neither changes the workload: the component keeps running while they do.
  check_gray_release: "RUNNING",
  sync_workload: "RUNNING",
};

const key = (applicationId: string, componentId: string): string => `${applicationId}\u0000${componentId}`;
/** Whether the job has its outcome at `at`; a RUNNING_FOREVER job never does. */
const jobEndedBy = (job: Job, at: number): boolean => job.outcome.status !== "RUNNING_FOREVER" && at >= job.endsAt;
const checkDuration = (ms: number): void => {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a job duration is a non-negative number of milliseconds, got ${ms}`);
};
/** A component's fields in the list (the SDK's ComponentList), besides ids, creator and status. */
const LISTED_FIELDS = ["name", "labels", "runtime_stack", "source", "version", "environment_id", "external_accesses"];
const compareKeys = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** `limit` and `offset` as the records and list pages (and the SDK's request models) take them: limit 0-100, none meaning up to 1000. */
const pageOf = (query: URLSearchParams): Result<{ limit: number; offset: number }> => {
  const limitText = query.get("limit");
  const limit = limitText === null ? 1000 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0 || (limitText !== null && limit > 100))
    return badRequest(`Invalid parameter: limit must be an integer from 0 to 100, got ${JSON.stringify(limitText)}`);
  const offset = Number(query.get("offset") ?? "0");
  if (!Number.isInteger(offset) || offset < 0)
    return badRequest(`Invalid parameter: offset must be a non-negative integer, got ${JSON.stringify(query.get("offset"))}`);
  return ok({ limit, offset });
};
const releasePlanNotFound = (id: string): Result<never> => fail(404, "SVCSTG.00100433", `release task ${id} not found`);

// ---- seed files -----------------------------------------------------------------

const SeedFile = t.intersection([
  t.type({ projectId: t.string }),
  t.partial({
    components: t.array(
      t.intersection([t.type({ applicationId: t.string, componentId: t.string, spec: t.UnknownRecord }), t.partial({ status: t.UnknownRecord })]),
    ),
    releasePlans: t.array(t.type({ releasePlanId: t.string, plan: t.UnknownRecord })),
  }),
]);

/** Validates a parsed seed file; `components` and `releasePlans` may be omitted. */
export function parseSeed(json: unknown): Seed {
  const decoded = SeedFile.decode(json);
  if (isLeft(decoded)) throw new Error(`invalid seed: ${PathReporter.report(decoded).join("; ")}`);
  const seed = decoded.right;
  return { projectId: seed.projectId, components: seed.components ?? [], releasePlans: seed.releasePlans ?? [] };
}
