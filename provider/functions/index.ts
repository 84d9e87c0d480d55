/**
 * The read functions (Pulumi invokes): a job component's live spec and status, a job with
 * its tasks and messages, a component's records, the components of an application. Each is
 * defined once here, as a resource is (resources/definition.ts): its name (the token
 * `servicestage:index:<name>` and the TypeScript function), doc, inputs (the same property
 * definitions, so the same id and region rules before any request), outputs (kind, doc,
 * secrecy) and what it reads. The plugin answers Invoke with `FUNCTIONS`, the generators
 * write the schema's functions (and so Go's and Python's) and TypeScript's from them, and
 * TypeScript programs call `invoke` in their own process. They only read: GETs, with the
 * same URL and credential rules as the resources.
 */
import * as t from "io-ts";
import type { ComponentRef } from "../client";
import { fromWire } from "../codecs/casing";
import { camelKey } from "../codecs/spellings";
import { isPlainObject, nonNegativeInt } from "../codecs/primitives";
import { RedeployJobComponentBody } from "../codecs/redeployJobComponent";
import { InputError } from "../errors";
import { failedTaskMessages } from "../jobWaiter";
import { issuesOf } from "../codecs/report";
import { clientFor } from "../providerState";
import { OwnPropertyMap, OwnValues, WHERE, optional, ownCodec, required, segmentId } from "../resources/definition";

export type OutputKind = "string" | "integer" | "object" | "objectList" | "stringList";
export interface FunctionOutput {
  readonly kind: OutputKind;
  readonly doc: string;
  /** It can carry a credential (a source's httpPassword): secret in every language. */
  readonly secret?: boolean;
}

export interface FunctionDefinition {
  /** The token's name (`servicestage:index:<name>`) and the TypeScript function's. */
  readonly name: string;
  readonly doc: string;
  readonly inputs: OwnPropertyMap;
  readonly inputCodec: t.Mixed;
  readonly outputs: Readonly<Record<string, FunctionOutput>>;
  /** Reads ServiceStage; the arguments are valid (`inputCodec`). */
  read(args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Keys camelCased at every depth: what ServiceStage answers beyond the codecs, as programs write keys. */
const camelDeep = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(camelDeep)
    : isPlainObject(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [camelKey(k), camelDeep(v)]))
      : value;

const COMPONENT = {
  applicationId: required(segmentId, { doc: "Application ID." }),
  componentId: required(segmentId, { doc: "Component ID." }),
  ...WHERE,
} as const;
const defined = <I extends OwnPropertyMap>(name: string, inputs: I) => ({ inputs, inputCodec: ownCodec(`${name}Args`, inputs) });
type Args<I extends OwnPropertyMap> = OwnValues<I>;

const getJobComponent = {
  name: "getJobComponent",
  doc: "A job component as ServiceStage holds it: its live spec (the fields the component GET returns, in camelCase) and its status.",
  ...defined("GetJobComponent", COMPONENT),
  outputs: {
    spec: { kind: "object", doc: "The live spec, in the JobComponent's camelCase; secret (a source can carry httpPassword).", secret: true },
    status: { kind: "object", doc: "The component's status: componentStatus, availableReplica, replica, lastJobId, updateTime, ..." },
    componentStatus: { kind: "string", doc: "The component's status word, e.g. RUNNING, FAILED, STOPPED." },
    lastJobId: { kind: "string", doc: "The component's last job (a redeploy's or an action's)." },
  },
  async read(args: Record<string, unknown>) {
    const a = args as Args<typeof COMPONENT>;
    const live = await (await clientFor(a)).getComponent(a as ComponentRef);
    if (!live.found) throw new Error(`job component ${a.applicationId}/${a.componentId} was not found (HTTP ${live.status} ${live.errorCode})`);
    const status: Record<string, unknown> = isPlainObject(live.value.status) ? live.value.status : {};
    return {
      spec: fromWire(RedeployJobComponentBody, live.value) ?? {},
      status: camelDeep(status),
      componentStatus: typeof status.component_status === "string" ? status.component_status : "",
      lastJobId: typeof status.last_job_id === "string" ? status.last_job_id : "",
    };
  },
} satisfies FunctionDefinition;

const JOB = { jobId: required(segmentId, { doc: "Job ID, e.g. a JobComponent's or a ComponentAction's jobId." }), ...WHERE } as const;
const getJob = {
  name: "getJob",
  doc: "A ServiceStage job with its tasks and their messages.",
  ...defined("GetJob", JOB),
  outputs: {
    executionStatus: { kind: "string", doc: "RUNNING, SUCCEEDED, FAILED, ..." },
    jobType: { kind: "string", doc: "The job's type as ServiceStage reports it." },
    taskCount: { kind: "integer", doc: "How many tasks the job has." },
    tasks: { kind: "objectList", doc: "The tasks: taskName, taskStatus, taskType, messages, createdAt, updateAt, ..." },
    failedTaskMessages: { kind: "stringList", doc: "Each task that did not succeed, with its messages, e.g. `deploy-job (FAILED): image pull failed`." },
  },
  async read(args: Record<string, unknown>) {
    const a = args as Args<typeof JOB>;
    const job = await (await clientFor(a)).findJob(a.jobId);
    if (!job.found) throw new Error(`job ${a.jobId} was not found (HTTP ${job.status} ${job.errorCode})`);
    const tasks = job.value.tasks ?? [];
    // Read beyond the codec, liberally: a live answer may lack either.
    const { job_type: jobType } = job.value.job as Record<string, unknown>;
    const { task_count: taskCount } = job.value as Record<string, unknown>;
    return {
      executionStatus: job.value.job.execution_status,
      jobType: typeof jobType === "string" ? jobType : "",
      taskCount: typeof taskCount === "number" ? taskCount : tasks.length,
      tasks: camelDeep(tasks),
      failedTaskMessages: failedTaskMessages(job.value),
    };
  },
} satisfies FunctionDefinition;

const RECORDS = {
  ...COMPONENT,
  limit: optional(nonNegativeInt, { doc: "At most this many records, newest first (the API's limit, 1-100; default all, up to 1000)." }),
} as const;
const getComponentRecords = {
  name: "getComponentRecords",
  doc: "A component's deployment records, newest first: each with its jobs, version and status.",
  ...defined("GetComponentRecords", RECORDS),
  outputs: {
    count: { kind: "integer", doc: "How many records the component has." },
    records: {
      kind: "objectList",
      doc: "The records: beginTime, endTime, version, currentUsed, status, deployType, jobs [{sequence, deployType, jobId, jobInfo}], ...",
    },
  },
  async read(args: Record<string, unknown>) {
    const a = args as Args<typeof RECORDS>;
    if (a.limit !== undefined && (a.limit < 1 || a.limit > 100)) throw new InputError(`limit ${a.limit} must be from 1 to 100`);
    const answer = await (await clientFor(a)).getComponentRecords(a as ComponentRef, a.limit);
    return { count: answer.count ?? answer.records.length, records: camelDeep(answer.records) };
  },
} satisfies FunctionDefinition;

const APPLICATION = { applicationId: required(segmentId, { doc: "Application ID." }), ...WHERE } as const;
const getApplicationComponents = {
  name: "getApplicationComponents",
  doc: "The components of an application (every page).",
  ...defined("GetApplicationComponents", APPLICATION),
  outputs: {
    count: { kind: "integer", doc: "How many components the application has." },
    components: { kind: "objectList", doc: "The components: id, name, applicationId, environmentId, version, status, ..." },
  },
  async read(args: Record<string, unknown>) {
    const a = args as Args<typeof APPLICATION>;
    const components = await (await clientFor(a)).listComponents(a.applicationId);
    return { count: components.length, components: camelDeep(components) };
  },
} satisfies FunctionDefinition;

export const FUNCTIONS: readonly FunctionDefinition[] = [getJobComponent, getJob, getComponentRecords, getApplicationComponents];

/** The function named `name`, or undefined. */
export const functionNamed = (name: string): FunctionDefinition | undefined => FUNCTIONS.find((f) => f.name === name);

/** The arguments' problems (property and rule), as check reports a resource's, before any request. */
export const argumentIssues = (f: FunctionDefinition, args: Record<string, unknown>): Array<{ property: string; reason: string }> => {
  const decoded = f.inputCodec.decode(args);
  const known = new Set(Object.keys(f.inputs));
  const unknownKeys = Object.keys(args).filter((k) => !known.has(k));
  return [
    ...(decoded._tag === "Left" ? issuesOf(decoded.left).map((i) => ({ property: i.path, reason: `${i.path} ${i.message}` })) : []),
    ...unknownKeys.map((k) => ({ property: k, reason: `${k} is not an argument of ${f.name}: it takes ${[...known].join(", ")}` })),
  ];
};

/** The keys of a function's answer that are secret in every language. */
export const secretOutputs = (f: FunctionDefinition): string[] =>
  Object.entries(f.outputs)
    .filter(([, o]) => o.secret === true)
    .map(([k]) => k);

/**
 * Calls a function by name, as TypeScript programs do in their own process (sdk/functions.ts)
 * and the plugin does for Invoke: arguments checked first, then the reads.
 */
export const invoke = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const f = functionNamed(name);
  if (f === undefined) throw new InputError(`unknown function ${JSON.stringify(name)}: this package has ${FUNCTIONS.map((x) => x.name).join(", ")}`);
  const problems = argumentIssues(f, args);
  if (problems.length > 0) throw new InputError(`invalid arguments to ${f.name}: ${problems.map((p) => p.reason).join("; ")}`);
  return f.read(args);
};
