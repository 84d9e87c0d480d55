/**
 * ComponentAction: an action on a job component (start, stop, restart, scale, roll back),
 * performed on create and again when its inputs or `triggers` change, waited for through
 * its job like a redeploy, recorded in the stack, and forgotten on delete (an action
 * cannot be undone by deleting its record). The same rules against a second job as a
 * redeploy's: a lost answer is settled by reading the component before any retry, and a
 * job that failed, timed out or was cancelled is recorded (InitFailedError) and settled
 * by the next update.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ComponentActionBody } from "../codecs/componentAction";
import { DEFAULT_JOB_TIMEOUT_SECONDS, TIMED_OUT, WAIT_CANCELLED, hasFailed, waitForJob } from "../jobWaiter";
import { InitFailedError, InputError, JobFailedError, quote } from "../errors";
import {
  LifecycleDiff,
  OperationOptions,
  PropertyBag,
  ResourceLifecycle,
  assertReachable,
  decodeBody,
  diffProps,
  notFoundToAdopt,
  split,
  toFailures,
  validate,
} from "../lifecycle";
import { cancellable, clientFor, reportProgress } from "../providerState";
import { jobProgressReporter } from "../jobProgress";
import { sameValue } from "../compare";
import { secretKeys } from "../codecs/fields";
import { UNKNOWN } from "../pulumiValues";
import { OwnValues, ResourceDefinition, TRIGGERS, WHERE, bool, defaultsOf, ownCodec, optional, positiveInt, required, segmentId } from "./definition";

const ownProperties = {
  applicationId: required(segmentId, { doc: "Application ID of the component (path parameter application_id).", replaceOnChange: true }),
  componentId: required(segmentId, { doc: "Component ID (path parameter component_id). The component must already exist.", replaceOnChange: true }),
  ...WHERE,
  waitForJob: optional(bool, { doc: "Wait for the action's job to finish.", default: true }),
  jobTimeoutSeconds: optional(positiveInt, { doc: "How long to wait for the job, in seconds.", default: DEFAULT_JOB_TIMEOUT_SECONDS }),
  triggers: TRIGGERS("performs the action again"),
};

const shape = {
  name: "ComponentAction",
  doc:
    "An action on an existing ServiceStage job component: start, stop, restart, scale (with parameters.replica) or roll back. " +
    "Creating it performs the action and waits for its job; a change of its action, parameters or triggers performs it again; " +
    "deleting it only removes it from the stack.",
  body: ComponentActionBody,
  bodyDoc: "The action request body (POST .../components/{component_id}/action), in camelCase.",
  ownProperties,
  ownCodec: ownCodec("ComponentActionOwnProperties", ownProperties),
  outputs: {
    jobId: { doc: "The job the last performance of the action started." },
    jobStatus: { doc: "That job's last status seen: SUCCEEDED, or SUBMITTED when waitForJob is false." },
  },
} as const;

export type ComponentActionOwnProperties = OwnValues<typeof ownProperties>;
export type ComponentActionInputs = ComponentActionOwnProperties & Record<string, unknown>;
export type ComponentActionState = ComponentActionInputs & { jobId?: string; jobStatus?: string };

const DEFAULTS = defaultsOf(shape) as Required<Pick<ComponentActionOwnProperties, "waitForJob" | "jobTimeoutSeconds">>;
const label = (p: ComponentActionOwnProperties) => `${p.applicationId}/${p.componentId}`;

/** The job and, when it did not succeed in the wait, why: the caller records it either way. */
interface Performed {
  job: { jobId: string; jobStatus: string };
  failure?: string;
}

/** Waits for the action's job, the shorter of jobTimeoutSeconds and the operation's customTimeouts. */
const settle = async (p: ComponentActionInputs, action: string, jobId: string, options: OperationOptions | undefined): Promise<Performed> => {
  if (p.waitForJob === false) return { job: { jobId, jobStatus: "SUBMITTED" } };
  const client = await clientFor(p);
  const jobTimeoutMs = (p.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds) * 1000;
  const customMs = options?.timeoutSeconds !== undefined && options.timeoutSeconds > 0 ? options.timeoutSeconds * 1000 : undefined;
  try {
    const job = await cancellable((signal) =>
      waitForJob(jobId, (id) => client.getJob(id), {
        timeoutMs: customMs !== undefined && customMs < jobTimeoutMs ? customMs : jobTimeoutMs,
        onPoll: jobProgressReporter(`servicestage: component ${label(p)}: ${action} `, jobId),
        signal,
      }),
    );
    return { job: { jobId, jobStatus: job.job.execution_status } };
  } catch (e) {
    if (!(e instanceof JobFailedError)) throw e;
    const still = e.status === TIMED_OUT || e.status === WAIT_CANCELLED;
    return {
      job: { jobId, jobStatus: e.lastSeen },
      failure: still
        ? `${action} of job component ${label(p)} did not finish: ${e.message}. Job ${jobId} is still running in ServiceStage; it is recorded in the stack, and the next \`pulumi up\` waits for it instead of acting again`
        : `${action} of job component ${label(p)} failed: ${e.message}. The job is recorded in the stack; the next \`pulumi up\` performs the action once more`,
    };
  }
};

/**
 * Performs the action once: reads the component (it must exist; its last job is the one
 * known before the request), one POST, and its job waited for. A lost answer adopts the
 * component's newest job when it is not the one known before; no job since, a retry.
 */
const perform = async (p: ComponentActionInputs, options: OperationOptions | undefined): Promise<Performed> => {
  const body = decodeBody(shape, split(p, shape).spec);
  const client = await clientFor(p);
  const live = await client.getComponent(p);
  if (!live.found) throw notFoundToAdopt(shape, "job component", label(p), live);
  const knownJobId = live.value.status?.last_job_id;
  const { value, adopted } = await client.componentAction(p, body, async () => {
    const now = await client.getComponent(p);
    const lastJobId = now.found ? now.value.status?.last_job_id : undefined;
    return lastJobId !== undefined && lastJobId !== "" && lastJobId !== knownJobId ? { adopt: { job_id: lastJobId } } : { retry: true };
  });
  reportProgress(`servicestage: component ${label(p)}: ${body.action} ${adopted ? "adopted (its answer was lost)" : "started"}, job ${value.job_id}`);
  return settle(p, body.action, value.job_id, options);
};

/** The state, or that state handed to the engine with the error (partial state). */
const recorded = (id: string, news: ComponentActionInputs, outcome: Performed): ComponentActionState => {
  const state = { ...news, ...outcome.job };
  if (outcome.failure !== undefined) throw new InitFailedError(outcome.failure, id, state);
  return state;
};

/** The action's inputs beyond how to wait: a change of any performs it again. */
const asks = (props: PropertyBag) => {
  const { own, spec } = split(props, shape);
  return { spec, triggers: own.triggers ?? [], where: [own.applicationId, own.componentId, own.projectId, own.region] };
};
const performsAgain = (olds: PropertyBag, news: PropertyBag): boolean => !sameValue(asks(olds), asks(news));
/** A job the last update recorded without seeing it succeed. */
const unsettled = (olds: ComponentActionState, news: ComponentActionInputs): string | undefined =>
  olds.jobId !== undefined && olds.jobStatus !== "SUCCEEDED" && olds.waitForJob !== false && news.waitForJob !== false ? olds.jobId : undefined;

const lifecycle: ResourceLifecycle<ComponentActionInputs, ComponentActionState> = {
  async check(_olds, news): Promise<dynamic.CheckResult<ComponentActionInputs>> {
    const { own, spec } = split(news, shape);
    const issues = validate(shape, own, spec);
    await assertReachable(issues, own);
    return { inputs: { waitForJob: DEFAULTS.waitForJob, jobTimeoutSeconds: DEFAULTS.jobTimeoutSeconds, ...news }, failures: toFailures(issues) };
  },

  async diff(_id, olds, news): Promise<LifecycleDiff> {
    const all = diffProps(olds, news, shape);
    const changed = sameValue(olds.triggers ?? [], news.triggers ?? []) ? all.changedKeys.filter((k) => k !== "triggers") : all.changedKeys;
    if (changed.length > 0 && all.replaces?.length === 0 && performsAgain(olds, news))
      reportProgress(`servicestage: component ${label(news)}: ${changed.join(", ")} changed: \`pulumi up\` performs ${String(news.action)} again`);
    return { ...all, changes: changed.length > 0, changedKeys: changed };
  },

  async create(inputs, options): Promise<dynamic.CreateResult<ComponentActionState>> {
    const id = `${label(inputs)}/${String(inputs.action)}`;
    return { id, outs: recorded(id, inputs, await perform(inputs, options)) };
  },

  async update(id, olds, news, options): Promise<dynamic.UpdateResult<ComponentActionState>> {
    if (performsAgain(olds, news)) return { outs: recorded(id, news, await perform(news, options)) };
    const jobId = unsettled(olds, news);
    if (jobId === undefined) return { outs: { ...news, jobId: olds.jobId, jobStatus: olds.jobStatus } };
    // The recorded job: running, wait for it; succeeded, record it; failed or gone, perform the action once more.
    const job = await (await clientFor(news)).findJob(jobId);
    const status = job.found ? job.value.job.execution_status : undefined;
    if (status !== undefined && !hasFailed(status)) return { outs: recorded(id, news, await settle(news, String(news.action), jobId, options)) };
    reportProgress(
      `servicestage: component ${label(news)}: job ${jobId}, recorded by the last update, ${status !== undefined ? `ended ${status}` : "is gone"}: performing ${String(news.action)} once more`,
    );
    return { outs: recorded(id, news, await perform(news, options)) };
  },

  async read(id, props): Promise<dynamic.ReadResult<ComponentActionState>> {
    if (props?.applicationId === undefined) throw new InputError(`ComponentAction ${quote(id)} cannot be imported: an action is performed, not adopted`);
    const client = await clientFor(props);
    const live = await client.getComponent(props);
    if (!live.found) return {}; // the component is gone: so is what the action did
    const job = typeof props.jobId === "string" ? await client.findJob(props.jobId) : undefined;
    const jobStatus = job?.found ? job.value.job.execution_status : props.jobStatus;
    const { jobId: _jobId, jobStatus: _status, ...inputs } = props;
    return { id, props: { ...props, jobStatus }, inputs: inputs as ComponentActionInputs };
  },

  async delete(): Promise<void> {
    // What an action did stays done: leaving the stack only forgets it.
  },

  previewOutputs(news, olds) {
    const kept = olds !== undefined && !performsAgain(olds, news) && unsettled(olds, news) === undefined;
    return { ...news, jobId: kept ? olds.jobId : UNKNOWN, jobStatus: kept ? olds.jobStatus : UNKNOWN };
  },

  secretKeys: secretKeys(ComponentActionBody),
};

export const componentAction = { ...shape, providerExport: "componentActionProvider", lifecycle } satisfies ResourceDefinition;
