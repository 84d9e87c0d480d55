/**
 * JobComponent: owns the deployed spec of an existing ServiceStage job component.
 * A change reads the component, then is one PUT .../redeployment and a wait for the job it
 * returns, unless the component's last job already carries the spec (adoption.ts): then
 * that job is waited for or taken, so that no job runs twice.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { RedeployJobComponentBody } from "./codecs/redeployJobComponent";
import { ComponentResponse, JobResponse } from "./codecs/responses";
import { TIMED_OUT, WAIT_CANCELLED, hasFailed, waitForJob } from "./jobWaiter";
import type { Lookup } from "./client";
import { jobCarryingSpec, lostAnswerVerdict, showsChanges } from "./adoption";
import { toWire } from "./codecs/casing";
import { InputError, JobFailedError } from "./errors";
import { Props, assertReachable, diffProps, refreshedSpec, split, toFailures, validate } from "./lifecycle";
import { JOB_COMPONENT_DEFAULTS, JobComponentInputs, JobComponentProps, JobComponentState } from "./resourceProps";
import { JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS } from "./ownKeys";
import { cancellable, clientFor, reportProgress } from "./runtime";
import { carries, sameValue } from "./compare";
import { decodeSpec } from "./codecs/decode";
import { containsUnknown } from "./unknown";

const REPLACE_KEYS = ["projectId", "region", "applicationId", "componentId"];

/** The redeploy page: name and runtime_stack "cannot be modified". */
const IMMUTABLE: ReadonlyArray<{ key: string; what: string }> = [
  { key: "name", what: "name" },
  { key: "runtimeStack", what: "runtime stack" },
];

/** A value still unknown anywhere inside (e.g. runtimeStack.version during a preview) is judged when it is known. */
const immutabilityIssues = (olds: Props, news: Props) =>
  IMMUTABLE.filter(({ key }) => olds[key] !== undefined && news[key] !== undefined && !containsUnknown(news[key]) && !sameValue(olds[key], news[key])).map(
    ({ key, what }) => ({
      path: key,
      message:
        `cannot be modified: ServiceStage keeps a job component's ${what} for its lifetime (the redeploy API refuses a change). ` +
        `Restore the previous value; to deploy under another ${what}, create a new component in ServiceStage and point a JobComponent (a new componentId) at it.`,
    }),
  );

const decodeBody = (spec: Props) => {
  const decoded = decodeSpec(RedeployJobComponentBody, spec);
  if (!decoded.ok) throw new InputError(`invalid JobComponent spec: ${decoded.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  return decoded.value;
};

const componentLabel = (p: JobComponentProps) => `${p.applicationId}/${p.componentId}`;

/** The component must exist, under the declared name and runtime stack: the redeploy API can change neither. */
const checkIdentity = (p: JobComponentInputs, body: RedeployJobComponentBody, live: Lookup<ComponentResponse>): ComponentResponse => {
  if (!live.found)
    throw new Error(
      `job component ${componentLabel(p)} was not found (HTTP ${live.status} ${live.errorCode}). ` +
        `JobComponent adopts a component that already exists in ServiceStage: ` +
        `create it there first, or fix applicationId/componentId.`,
    );
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
 * Waits for a job (unless told not to). A job still running at the timeout goes on in
 * ServiceStage; the message says whether the next `pulumi up` can recognise it
 * (adoption.ts) and wait for it instead of starting another.
 */
const settle = async (p: JobComponentInputs, jobId: string, seen: JobResponse | undefined, recognisable: boolean): Promise<JobOutputs> => {
  const status = seen?.job.execution_status;
  if (p.waitForJob === false || status === "SUCCEEDED") return { jobId, jobStatus: status ?? "SUBMITTED" };
  const client = clientFor(p);
  const job = await cancellable((signal) =>
    waitForJob(jobId, (id) => client.getJob(id), {
      timeoutMs: (p.jobTimeoutSeconds ?? JOB_COMPONENT_DEFAULTS.jobTimeoutSeconds) * 1000,
      onStatus: (s) => reportProgress(`servicestage: component ${componentLabel(p)}: job ${jobId} ${s}`),
      signal,
    }),
  ).catch((e: unknown) => {
    if (!(e instanceof JobFailedError)) throw e;
    if (e.status !== TIMED_OUT && e.status !== WAIT_CANCELLED)
      throw new Error(`redeploy of job component ${componentLabel(p)} failed: ${e.message}`, { cause: e });
    const next = recognisable
      ? `the next \`pulumi up\` will wait for it instead of starting another`
      : `the next \`pulumi up\` cannot tell that it carries this change (the component's GET does not show every changed field) and will start another: let this job end first`;
    const knob = e.status === TIMED_OUT ? " (raise jobTimeoutSeconds to wait longer in one update)" : "";
    throw new Error(
      `redeploy of job component ${componentLabel(p)} did not finish: ${e.message}. Job ${jobId} is still running in ServiceStage; ${next}${knob}`,
      { cause: e },
    );
  });
  return { jobId, jobStatus: job.job.execution_status };
};

/**
 * Deploys the spec: reads the component first, and when its last job already carries
 * this spec (an update that ended before its job did), waits for that job or takes it
 * instead of starting another; otherwise one PUT .../redeployment and a wait for its job.
 * `deployed` is the spec Pulumi deployed before (none on create).
 */
const deploy = async (p: JobComponentInputs, spec: Props, deployed: Props | undefined): Promise<JobOutputs> => {
  const body = decodeBody(spec);
  const sent = RedeployJobComponentBody.encode(body);
  const client = clientFor(p);
  const live = checkIdentity(p, body, await client.getComponent(p));
  const before = deployed === undefined ? undefined : toWire(RedeployJobComponentBody, deployed, []);
  const label = `servicestage: component ${componentLabel(p)}`;

  const carrying = jobCarryingSpec(live, sent, before);
  if (carrying !== undefined) {
    const job = await client.findJob(carrying);
    const status = job.found ? job.value.job.execution_status : undefined;
    if (job.found && status !== undefined && !hasFailed(status)) {
      reportProgress(
        `${label}: already carries this spec, deployed by job ${carrying} (${status}) before this update; ` +
          `${status === "SUCCEEDED" ? "taking it" : "waiting for it"} instead of starting another`,
      );
      return settle(p, carrying, job.value, true);
    }
    reportProgress(`${label}: job ${carrying} carried this spec but ${status !== undefined ? `ended ${status}` : "is gone"}: redeploying`);
  }

  const knownJobId = live.status?.last_job_id;
  const startedAt = Date.now();
  const { value, adopted } = await client.redeployJobComponent(p, body, async () =>
    lostAnswerVerdict(await client.getComponent(p), sent, knownJobId, startedAt),
  );
  reportProgress(`${label}: ${adopted ? "adopted the job already started by a redeploy whose answer was lost" : "redeploy started"}, job ${value.job_id}`);
  return settle(p, value.job_id, undefined, showsChanges(live, before, sent));
};

export const jobComponentProvider: Required<Omit<dynamic.ResourceProvider<JobComponentInputs, JobComponentState>, "configure">> = {
  async check(olds, news): Promise<dynamic.CheckResult<JobComponentInputs>> {
    const { own: ownProps, spec } = split(news, JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS);
    const issues = [...validate(JobComponentProps, ownProps, RedeployJobComponentBody, spec), ...immutabilityIssues(olds, news)];
    assertReachable(issues, ownProps);
    // Written as a literal, not `{ ...DEFAULTS, ...news }`: V8 copies that form ~40x slower
    // (measured), and check runs for every resource of every preview. Spread (not
    // Object.assign) keeps a `__proto__` key a plain key.
    const inputs = { waitForJob: JOB_COMPONENT_DEFAULTS.waitForJob, jobTimeoutSeconds: JOB_COMPONENT_DEFAULTS.jobTimeoutSeconds, ...news };
    return { inputs, failures: toFailures(issues) };
  },

  async diff(_id, olds, news): Promise<dynamic.DiffResult> {
    return diffProps(olds, news, REPLACE_KEYS, JOB_OUTPUT_KEYS);
  },

  async create(inputs): Promise<dynamic.CreateResult<JobComponentState>> {
    const { spec } = split(inputs, JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS);
    const job = await deploy(inputs, spec, undefined);
    return { id: componentLabel(inputs), outs: { ...inputs, ...job } };
  },

  async update(_id, olds, news): Promise<dynamic.UpdateResult<JobComponentState>> {
    const { spec: oldSpec } = split(olds, JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS);
    const { spec } = split(news, JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS);
    // Only a change of the spec redeploys; waitForJob or jobTimeoutSeconds alone do not.
    if (sameValue(oldSpec, spec)) return { outs: { ...news, jobId: olds.jobId, jobStatus: olds.jobStatus } };
    const job = await deploy(news, spec, oldSpec);
    return { outs: { ...news, ...job } };
  },

  async read(id, props): Promise<dynamic.ReadResult<JobComponentState>> {
    // `pulumi import` gives the id alone: "application/component".
    const [applicationId, componentId] = id.split("/");
    const p: JobComponentState = { ...props, applicationId: props?.applicationId ?? applicationId, componentId: props?.componentId ?? componentId };
    const live = await clientFor(p).getComponent(p);
    if (!live.found) return {}; // gone: Pulumi drops it from the stack
    const { own: ownProps, spec } = split(p, JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS);
    const refreshed = refreshedSpec(RedeployJobComponentBody, spec, live.value);
    const inputs = { ...JOB_COMPONENT_DEFAULTS, ...ownProps, ...refreshed } as JobComponentInputs;
    const outputs = { ...inputs, ...(p.jobId !== undefined ? { jobId: p.jobId, jobStatus: p.jobStatus } : {}) };
    return { id, props: outputs, inputs };
  },

  async delete(): Promise<void> {
    // Adopted, not created: leaving the stack must not remove the component from ServiceStage.
  },
};
