/**
 * JobComponent: owns the deployed spec of an existing ServiceStage job component.
 * A change reads the component, then is one PUT .../redeployment and a wait for the job it
 * returns, unless the component's last job already carries the spec (adoption.ts): then
 * that job is waited for or taken, so that no job runs twice. A job that ServiceStage
 * accepted but that did not succeed in the wait is recorded in the stack (InitFailedError),
 * and the next update settles that job and no other.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { RedeployJobComponentBody } from "../codecs/redeployJobComponent";
import { COMPONENT_UNSET_VALUES, ComponentResponse, JobResponse } from "../codecs/responses";
import { DEFAULT_JOB_TIMEOUT_SECONDS, TIMED_OUT, WAIT_CANCELLED, hasFailed, waitForJob } from "../jobWaiter";
import type { Lookup } from "../client";
import { jobCarryingSpec, lostAnswerVerdict, showsSpec } from "../adoption";
import { toWire } from "../codecs/casing";
import { InitFailedError, InputError, JobFailedError, quote } from "../errors";
import {
  OperationOptions,
  PropertyBag,
  LifecycleDiff,
  ResourceLifecycle,
  assertReachable,
  decodeBody,
  diffProps,
  notFoundToAdopt,
  refreshedSpec,
  split,
  toFailures,
  validate,
} from "../lifecycle";
import { cancellable, clientFor, reportProgress } from "../providerState";
import { jobProgressReporter } from "../jobProgress";
import { carries, sameValue } from "../compare";
import { secretKeys } from "../codecs/fields";
import { UNKNOWN, containsUnknown } from "../pulumiValues";
import { ID_RULE, isId } from "../urlParts";
import { OwnValues, ResourceDefinition, TRIGGERS, WHERE, bool, defaultsOf, ownCodec, optional, positiveInt, required, segmentId } from "./definition";

const ownProperties = {
  applicationId: required(segmentId, { doc: "Application ID of the component (path parameter application_id).", replaceOnChange: true }),
  componentId: required(segmentId, { doc: "Component ID (path parameter component_id). The component must already exist.", replaceOnChange: true }),
  ...WHERE,
  waitForJob: optional(bool, { doc: "Wait for the redeploy job to finish.", default: true }),
  jobTimeoutSeconds: optional(positiveInt, { doc: "How long to wait for the job, in seconds.", default: DEFAULT_JOB_TIMEOUT_SECONDS }),
  triggers: TRIGGERS("re-runs the job with the same spec: exactly one redeploy"),
};

const shape = {
  name: "JobComponent",
  doc:
    "The deployed spec of an existing ServiceStage job component. Creating it adopts the component and applies the spec; " +
    "changing the spec redeploys the component (PUT .../redeployment) and waits for the job; deleting it only removes it from the stack. " +
    "`source`, `multiContainers` and `templateSource` are secret, inputs and outputs (they can carry passwords).",
  body: RedeployJobComponentBody,
  bodyDoc: 'The redeploy request body (Tables 3-41 of "Redeploying a Job Component"), in camelCase.',
  typePrefix: "Job",
  ownProperties,
  ownCodec: ownCodec("JobComponentOwnProperties", ownProperties),
  outputs: {
    jobId: { doc: "The job started by the last redeploy." },
    jobStatus: { doc: "That job's last status seen: SUCCEEDED, or SUBMITTED when waitForJob is false." },
  },
} as const;

/** Which component, and how to wait. */
export type JobComponentOwnProperties = OwnValues<typeof ownProperties>;
/** A JobComponent's inputs as the engine hands them over: its own props typed, the spec (camelCase, validated by check) open. */
export type JobComponentInputs = JobComponentOwnProperties & Record<string, unknown>;
/** Its stored state: the inputs and the job of the last redeploy. */
export type JobComponentState = JobComponentInputs & { jobId?: string; jobStatus?: string };

const DEFAULTS = defaultsOf(shape) as Required<Pick<JobComponentOwnProperties, "waitForJob" | "jobTimeoutSeconds">>;

/** The redeploy page: name and runtime_stack "cannot be modified". */
const IMMUTABLE: ReadonlyArray<{ key: string; what: string }> = [
  { key: "name", what: "name" },
  { key: "runtimeStack", what: "runtime stack" },
];

/** A value still unknown anywhere inside (e.g. runtimeStack.version during a preview) is judged when it is known. */
const immutabilityIssues = (olds: PropertyBag, news: PropertyBag) =>
  IMMUTABLE.filter(({ key }) => olds[key] !== undefined && news[key] !== undefined && !containsUnknown(news[key]) && !sameValue(olds[key], news[key])).map(
    ({ key, what }) => ({
      path: key,
      message:
        `cannot be modified: ServiceStage keeps a job component's ${what} for its lifetime (the redeploy API refuses a change). ` +
        `Restore the previous value; to deploy under another ${what}, create a new component in ServiceStage and point a JobComponent (a new componentId) at it.`,
    }),
  );

const componentLabel = (p: JobComponentOwnProperties) => `${p.applicationId}/${p.componentId}`;

/** The component must exist, under the declared name and runtime stack: the redeploy API can change neither. */
const checkIdentity = (p: JobComponentInputs, body: RedeployJobComponentBody, live: Lookup<ComponentResponse>): ComponentResponse => {
  if (!live.found) throw notFoundToAdopt(shape, "job component", componentLabel(p), live);
  if (live.value.name !== body.name)
    throw new Error(
      `job component ${componentLabel(p)} is named "${live.value.name}" in ServiceStage, but the program declares name "${body.name}": ` +
        `a job component's name cannot be modified. Declare name: "${live.value.name}".`,
    );
  // Compared on the keys the program declares: a live stack may carry more (a url, keys of later versions).
  if (live.value.runtime_stack !== undefined && !carries(live.value.runtime_stack, body.runtime_stack))
    throw new Error(
      `job component ${componentLabel(p)} runs ${JSON.stringify(live.value.runtime_stack)} in ServiceStage, but the program declares runtimeStack ${JSON.stringify(body.runtime_stack)}: ` +
        `a job component's runtime stack cannot be modified.`,
    );
  return live.value;
};

type JobOutputs = Required<Pick<JobComponentState, "jobId" | "jobStatus">>;

/**
 * What a deploy ended with: the job and, when it did not succeed, why. ServiceStage took
 * the spec either way, so the caller records this job (InitFailedError) rather than
 * keeping the state from before.
 */
interface Deployed {
  job: JobOutputs;
  failure?: string;
}

/** When the operation's customTimeouts end it (epoch ms), if the engine gave one, and which operation it is. */
interface Deadline {
  at?: number;
  operation: "create" | "update";
}
const deadlineOf = (operation: Deadline["operation"], options: OperationOptions | undefined): Deadline => ({
  operation,
  ...(options?.timeoutSeconds !== undefined && options.timeoutSeconds > 0 ? { at: Date.now() + options.timeoutSeconds * 1000 } : {}),
});

/**
 * Waits for a job (unless told not to). A job that fails, or still runs at the timeout
 * or a cancel (it goes on in ServiceStage), is a failure that names the job: the caller
 * records it, and the next `pulumi up` settles that very job.
 */
const settle = async (p: JobComponentInputs, jobId: string, seen: JobResponse | undefined, deadline: Deadline): Promise<Deployed> => {
  const status = seen?.job.execution_status;
  if (p.waitForJob === false || status === "SUCCEEDED") return { job: { jobId, jobStatus: status ?? "SUBMITTED" } };
  const client = await clientFor(p);
  const jobTimeoutMs = (p.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds) * 1000;
  // The shorter bound wins: a customTimeouts that ends before jobTimeoutSeconds ends the wait there.
  const byCustomTimeout = deadline.at !== undefined && deadline.at - Date.now() < jobTimeoutMs;
  try {
    const job = await cancellable((signal) =>
      waitForJob(jobId, (id) => client.getJob(id), {
        timeoutMs: byCustomTimeout ? Math.max(0, (deadline.at as number) - Date.now()) : jobTimeoutMs,
        // The stage and [tasks done/total] as the resource's ephemeral status, failed tasks as warnings, the end kept.
        onPoll: jobProgressReporter(`servicestage: component ${componentLabel(p)}: `, jobId),
        signal,
      }),
    );
    return { job: { jobId, jobStatus: job.job.execution_status } };
  } catch (e) {
    if (!(e instanceof JobFailedError)) throw e;
    const job = { jobId, jobStatus: e.lastSeen };
    if (e.status !== TIMED_OUT && e.status !== WAIT_CANCELLED)
      return {
        job,
        failure: `redeploy of job component ${componentLabel(p)} failed: ${e.message}. The job is recorded in the stack; the next \`pulumi up\` redeploys this spec once`,
      };
    const knob =
      e.status !== TIMED_OUT
        ? ""
        : byCustomTimeout
          ? ` (the resource's customTimeouts ended the wait: raise its ${deadline.operation} timeout to wait longer in one update)`
          : " (raise jobTimeoutSeconds to wait longer in one update)";
    return {
      job,
      failure:
        `redeploy of job component ${componentLabel(p)} did not finish: ${e.message}. Job ${jobId} is still running in ServiceStage; ` +
        `it is recorded in the stack, and the next \`pulumi up\` will wait for it instead of starting another${knob}`,
    };
  }
};

/**
 * Deploys the spec: reads the component first, and (unless `infer` is off) when its last
 * job already carries this spec (an update killed before its job ended), waits for that
 * job or takes it instead of starting another; otherwise one PUT .../redeployment and a
 * wait for its job. `deployed` is the spec Pulumi deployed before (none on create).
 */
const deploy = async (p: JobComponentInputs, spec: PropertyBag, deployed: PropertyBag | undefined, infer: boolean, deadline: Deadline): Promise<Deployed> => {
  const body = decodeBody(shape, spec);
  const sent = RedeployJobComponentBody.encode(body);
  const client = await clientFor(p);
  const live = checkIdentity(p, body, await client.getComponent(p));
  const label = `servicestage: component ${componentLabel(p)}`;

  const carrying = infer ? jobCarryingSpec(live, sent, deployed === undefined ? undefined : toWire(RedeployJobComponentBody, deployed, [])) : undefined;
  if (carrying !== undefined) {
    const job = await client.findJob(carrying);
    const status = job.found ? job.value.job.execution_status : undefined;
    if (job.found && status !== undefined && !hasFailed(status)) {
      reportProgress(
        `${label}: already carries this spec, deployed by job ${carrying} (${status}) before this update; ` +
          `${status === "SUCCEEDED" ? "taking it" : "waiting for it"} instead of starting another`,
      );
      return settle(p, carrying, job.value, deadline);
    }
    reportProgress(`${label}: job ${carrying} carried this spec but ${status !== undefined ? `ended ${status}` : "is gone"}: redeploying`);
  }

  const knownJobId = live.status?.last_job_id;
  const startedAt = Date.now();
  const { value, adopted } = await client.redeployJobComponent(p, body, async () =>
    lostAnswerVerdict(await client.getComponent(p), sent, knownJobId, startedAt),
  );
  reportProgress(`${label}: ${adopted ? "adopted the job already started by a redeploy whose answer was lost" : "redeploy started"}, job ${value.job_id}`);
  return settle(p, value.job_id, undefined, deadline);
};

/**
 * Re-runs the job with the spec deployed (a change of `triggers` alone): exactly one
 * redeploy, never taken from a job already there. The component's last job must be the
 * one the stack recorded: a newer job that shows this spec may be the re-run of an
 * update that was killed (no state written) or a job started outside Pulumi (a console
 * redeploy or restart), and nothing ServiceStage answers tells them apart
 * (docs/no-job-runs-twice.md), so Pulumi starts none and takes none, and says how to go on.
 */
const rerun = async (p: JobComponentInputs, spec: PropertyBag, recordedJobId: string | undefined, deadline: Deadline): Promise<Deployed> => {
  const body = decodeBody(shape, spec);
  const sent = RedeployJobComponentBody.encode(body);
  const client = await clientFor(p);
  const live = checkIdentity(p, body, await client.getComponent(p));
  const lastJobId = live.status?.last_job_id;
  if (lastJobId !== undefined && lastJobId !== "" && lastJobId !== recordedJobId && showsSpec(live, sent))
    throw new Error(
      `job component ${componentLabel(p)}: its last job ${quote(lastJobId)} is not the job this stack recorded (${quote(recordedJobId ?? "none")}) and shows this spec: ` +
        "it may be the re-run of an update that was killed, or a job started outside Pulumi, and ServiceStage does not say which. " +
        "Pulumi started no job and took none. If it is the re-run you asked for, set `triggers` back to the value the stack holds (nothing runs); " +
        "to run the job once more, `pulumi refresh` (the stack records that job) and then `pulumi up`",
    );
  const startedAt = Date.now();
  const { value, adopted } = await client.redeployJobComponent(p, body, async () =>
    lostAnswerVerdict(await client.getComponent(p), sent, lastJobId, startedAt),
  );
  reportProgress(
    `servicestage: component ${componentLabel(p)}: ${adopted ? "adopted the job already started by a re-run whose answer was lost" : "re-run started (triggers changed)"}, job ${value.job_id}`,
  );
  return settle(p, value.job_id, undefined, deadline);
};

/**
 * The job a refresh records: the component's last job when it is not the recorded one
 * and the component shows the spec the stack holds (a re-run of an update that was
 * killed, a console redeploy or restart of the same spec: jobs that ran this spec), with
 * its status; else the recorded job. A job that deployed another spec (a killed update's
 * new spec, a scale, a rollback) is never recorded here: the next update settles it.
 */
const jobRanWithSpec = async (
  client: Awaited<ReturnType<typeof clientFor>>,
  live: ComponentResponse,
  spec: PropertyBag,
  recorded: Partial<JobOutputs>,
): Promise<Partial<JobOutputs>> => {
  const lastJobId = live.status?.last_job_id;
  if (Object.keys(spec).length === 0 || lastJobId === undefined || lastJobId === "" || lastJobId === recorded.jobId) return recorded;
  if (!showsSpec(live, toWire(RedeployJobComponentBody, spec, []))) return recorded;
  const job = await client.findJob(lastJobId);
  return job.found ? { jobId: lastJobId, jobStatus: job.value.job.execution_status } : recorded;
};

/** Whether the program asks for a re-run: `triggers` changed (an absent list and an empty one are the same ask: none). */
const triggersChanged = (olds: PropertyBag, news: PropertyBag): boolean => !sameValue(olds.triggers ?? [], news.triggers ?? []);

/**
 * The job the last update recorded without seeing it succeed (it failed, timed out or
 * was cancelled: InitFailedError), when the spec is still the one it carried. Only that
 * job is looked at, never whatever the component's last_job_id names now: a console
 * scale or restart starts jobs of its own.
 */
const unsettledJob = (olds: JobComponentState, news: JobComponentInputs): string | undefined =>
  olds.jobId !== undefined && olds.jobStatus !== "SUCCEEDED" && olds.waitForJob !== false && news.waitForJob !== false ? olds.jobId : undefined;

/**
 * Settles a recorded job: one GET of it; running: wait; succeeded: record it; failed,
 * cancelled or gone: redeploy once. `startsJob` says whether it started one (a re-run
 * asked in the same update is then that job).
 */
const settleRecorded = async (p: JobComponentInputs, spec: PropertyBag, jobId: string, deadline: Deadline): Promise<Deployed & { startsJob: boolean }> => {
  const label = `servicestage: component ${componentLabel(p)}`;
  const job = await (await clientFor(p)).findJob(jobId);
  const status = job.found ? job.value.job.execution_status : undefined;
  if (job.found && status !== undefined && !hasFailed(status)) {
    reportProgress(`${label}: job ${jobId}, recorded by the last update, is ${status}: ${status === "SUCCEEDED" ? "recording it" : "waiting for it"}`);
    return { ...(await settle(p, jobId, job.value, deadline)), startsJob: false };
  }
  reportProgress(
    `${label}: job ${jobId}, recorded by the last update, ${status !== undefined ? `ended ${status}` : "is gone from ServiceStage"}: redeploying once`,
  );
  return { ...(await deploy(p, spec, undefined, false, deadline)), startsJob: true };
};

/** The result, or the state ServiceStage now holds handed to the engine with the error. */
const recorded = (id: string, news: JobComponentInputs, outcome: Deployed): JobComponentState => {
  const state = { ...news, ...outcome.job };
  if (outcome.failure !== undefined) throw new InitFailedError(outcome.failure, id, state);
  return state;
};

/**
 * Whether an update of these states may start or settle a job: the spec or the triggers
 * changed, or the last update left its job unsettled. A preview promises the job outputs
 * only otherwise.
 */
const updateTouchesJob = (olds: PropertyBag, news: PropertyBag): boolean => {
  const before = split(olds, shape).spec;
  const after = split(news, shape).spec;
  return !sameValue(before, after) || triggersChanged(olds, news) || unsettledJob(olds as JobComponentState, news as JobComponentInputs) !== undefined;
};

const lifecycle: ResourceLifecycle<JobComponentInputs, JobComponentState> = {
  async check(olds, news): Promise<dynamic.CheckResult<JobComponentInputs>> {
    const { own: ownProps, spec } = split(news, shape);
    const issues = [...validate(shape, ownProps, spec), ...immutabilityIssues(olds, news)];
    await assertReachable(issues, ownProps);
    // Written as a literal, not `{ ...DEFAULTS, ...news }`: V8 copies that form ~40x slower
    // (measured), and check runs for every resource of every preview. Spread (not
    // Object.assign) keeps a `__proto__` key a plain key.
    const inputs = { waitForJob: DEFAULTS.waitForJob, jobTimeoutSeconds: DEFAULTS.jobTimeoutSeconds, ...news };
    return { inputs, failures: toFailures(issues) };
  },

  async diff(_id, olds, news): Promise<LifecycleDiff> {
    const all = diffProps(olds, news, shape);
    // No triggers and an empty list ask the same (no re-run): not a change.
    const changed = triggersChanged(olds, news) ? all.changedKeys : all.changedKeys.filter((k) => k !== "triggers");
    const result = { ...all, changes: changed.length > 0, changedKeys: changed };
    const jobId = unsettledJob(olds, news);
    // The engine updates such a resource anyway (it holds init errors); say why, since no property changes.
    if (result.replaces?.length === 0 && triggersChanged(olds, news) && sameValue(split(olds, shape).spec, split(news, shape).spec))
      reportProgress(`servicestage: component ${componentLabel(news)}: triggers changed: \`pulumi up\` re-runs the job once with the same spec`);
    if (jobId !== undefined && result.replaces?.length === 0)
      reportProgress(
        `servicestage: component ${componentLabel(news)}: the last update recorded job ${jobId} as ${olds.jobStatus} without seeing it succeed; ` +
          "`pulumi up` will look at that job: wait while it runs, record it if it succeeded, redeploy once if it failed",
      );
    return result;
  },

  async create(inputs, options): Promise<dynamic.CreateResult<JobComponentState>> {
    const deadline = deadlineOf("create", options);
    const { spec } = split(inputs, shape);
    const id = componentLabel(inputs);
    return { id, outs: recorded(id, inputs, await deploy(inputs, spec, undefined, true, deadline)) };
  },

  async update(id, olds, news, options): Promise<dynamic.UpdateResult<JobComponentState>> {
    const deadline = deadlineOf("update", options);
    const { spec: oldSpec } = split(olds, shape);
    const { spec } = split(news, shape);
    if (sameValue(oldSpec, spec)) {
      const jobId = unsettledJob(olds, news);
      const rerunAsked = triggersChanged(olds, news);
      // Only a change of the spec or the triggers starts a job; waitForJob or jobTimeoutSeconds alone do not.
      if (jobId === undefined && !rerunAsked) return { outs: { ...news, jobId: olds.jobId, jobStatus: olds.jobStatus } };
      if (jobId === undefined) return { outs: recorded(id, news, await rerun(news, spec, olds.jobId, deadline)) };
      // The recorded job first (never two jobs at once); a re-run asked as well is the job it starts, or one more after it.
      const settled = await settleRecorded(news, spec, jobId, deadline);
      if (!rerunAsked || settled.startsJob || settled.failure !== undefined) return { outs: recorded(id, news, settled) };
      return { outs: recorded(id, news, await rerun(news, spec, jobId, deadline)) };
    }
    return { outs: recorded(id, news, await deploy(news, spec, oldSpec, true, deadline)) };
  },

  async read(id, props): Promise<dynamic.ReadResult<JobComponentState>> {
    // `pulumi import` gives the id alone: "application/component", each part a ServiceStage id (urlParts.ts).
    const parts = id.split("/");
    const [applicationId, componentId] = parts;
    if (props?.applicationId === undefined && (parts.length !== 2 || !parts.every(isId)))
      throw new InputError(`invalid JobComponent id ${quote(id)}: write it as <applicationId>/<componentId>, where each ${ID_RULE}`);
    const p: JobComponentState = { ...props, applicationId: props?.applicationId ?? applicationId, componentId: props?.componentId ?? componentId };
    const client = await clientFor(p);
    const live = await client.getComponent(p);
    if (!live.found) return {}; // gone: Pulumi drops it from the stack
    const { own: ownProps, spec } = split(p, shape);
    const refreshed = refreshedSpec(RedeployJobComponentBody, spec, live.value, COMPONENT_UNSET_VALUES);
    const inputs = { ...DEFAULTS, ...ownProps, ...refreshed } as JobComponentInputs;
    const job = await jobRanWithSpec(client, live.value, spec, { jobId: p.jobId, jobStatus: p.jobStatus });
    const outputs = { ...inputs, ...(job.jobId !== undefined ? job : {}) };
    return { id, props: outputs, inputs };
  },

  async delete(): Promise<void> {
    // Adopted, not created: leaving the stack must not remove the component from ServiceStage.
  },

  previewOutputs(news, olds) {
    // The job outputs are kept when the update will neither start nor settle a job.
    const kept = olds !== undefined && !updateTouchesJob(olds, news);
    return { ...news, jobId: kept ? olds.jobId : UNKNOWN, jobStatus: kept ? olds.jobStatus : UNKNOWN };
  },

  secretKeys: secretKeys(RedeployJobComponentBody),
};

export const jobComponent = { ...shape, providerExport: "jobComponentProvider", lifecycle } satisfies ResourceDefinition;
