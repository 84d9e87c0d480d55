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
/** What started a job: a redeploy (through the API or the console) or an action. */
type JobCause = "redeploy" | ComponentAction;

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
    const changesSpec = job.cause === "redeploy" || ROLLBACKS.has(job.cause);
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

  private lastJobRunning(component: StoredComponent): boolean {
    const job = typeof component.status.last_job_id === "string" ? this.jobs.get(component.status.last_job_id) : undefined;
    return job !== undefined && !ENDED.has(this.reportedStatus(job));
  }

  private startJob(applicationId: string, componentId: string, cause: JobCause): Job {
    const queue = this.scripted.get(componentId);
    const outcome = queue?.shift() ?? { status: "SUCCEEDED" };
    if (queue && queue.length === 0) this.scripted.delete(componentId);
    const createdAt = this.now();
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
    const limitText = query.get("limit");
    const limit = limitText === null ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0 || (limitText !== null && limit > 100))
      return badRequest(`Invalid parameter: limit must be an integer from 0 to 100, got ${JSON.stringify(limitText)}`);
    const offset = Number(query.get("offset") ?? "0");
    if (!Number.isInteger(offset) || offset < 0)
      return badRequest(`Invalid parameter: offset must be a non-negative integer, got ${JSON.stringify(query.get("offset"))}`);
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

  /** The stored spec, the status as the GET shows it, and (not on the wire) the last job's status, for tests. */
  getComponent(applicationId: string, componentId: string): { spec: Wire; status: Wire; lastJobStatus?: ReportedJobStatus } | undefined {
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

  /** PUT .../release-plans/{id}: edits an existing plan only. */
  editReleasePlan(releasePlanId: string, body: unknown): Result<{ release_plan_id: string }> {
    if (!this.releasePlans.has(releasePlanId)) return releasePlanNotFound(releasePlanId);
    const plan = dropNulls(body);
    const invalid = invalidBody("edit-release-plan", plan);
    if (invalid) return invalid;
    this.releasePlans.set(releasePlanId, structuredClone(plan as Wire));
    this.releasePlanTimes.set(releasePlanId, { created: this.releasePlanTimes.get(releasePlanId)?.created ?? this.now(), modified: this.now() });
    return ok({ release_plan_id: releasePlanId });
  }

  /**
   * GET .../release-plans/{id}: the stored plan with the fields the GET page
   * (servicestage_06_0233) adds: action, status, swimlane_id, create_time, modify_time,
   * execute_time, creator; a component's `seq` answers as an Integer.
   */
  readReleasePlan(releasePlanId: string): Result<Wire> {
    const plan = this.releasePlans.get(releasePlanId);
    if (!plan) return releasePlanNotFound(releasePlanId);
    const shown = structuredClone(plan);
    if (Array.isArray(shown.components))
      shown.components = shown.components.map((c: unknown) =>
        c !== null && typeof c === "object" && typeof (c as Wire).seq === "string" ? { ...(c as Wire), seq: Number((c as Wire).seq) } : c,
      );
    const times = this.releasePlanTimes.get(releasePlanId) ?? { created: 0, modified: 0 };
    return ok({
      id: releasePlanId,
      action: "deploy",
      status: "CREATED",
      swimlane_id: "",
      create_time: times.created,
      modify_time: times.modified,
      execute_time: 0,
      creator: "emulator",
      ...shown,
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
  continue_deploy: "UPGRADING",
  modify_gray_rule: "UPGRADING",
  // Neither changes the workload: the component keeps running while they do.
  check_gray_release: "RUNNING",
  sync_workload: "RUNNING",
};

const key = (applicationId: string, componentId: string): string => `${applicationId}\u0000${componentId}`;
const checkDuration = (ms: number): void => {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a job duration is a non-negative number of milliseconds, got ${ms}`);
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
