/**
 * ReleasePlan: owns an existing ServiceStage release task. A change is one
 * PUT .../release-plans/{id}; with `runOnChange`, a change of the spec or of `triggers`
 * then executes the task once and follows the run (releaseRun.ts, docs/release-runs.md).
 * A run that did not succeed in the wait is recorded in the stack (InitFailedError), and
 * the next update settles that run and executes none. Release tasks are "old release
 * management" in Huawei's docs: this file, releaseRun.ts, editReleasePlan.ts and
 * releaseTask.ts are all that would retire with them.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { EditReleasePlanBody } from "../codecs/editReleasePlan";
import {
  LifecycleDiff,
  OperationOptions,
  PropertyBag,
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
import { reportStatus, reportWarning } from "../progress";
import { sameValue } from "../compare";
import { secretKeys } from "../codecs/fields";
import { InitFailedError, InputError, quote } from "../errors";
import { ID_RULE, isId } from "../urlParts";
import { UNKNOWN } from "../pulumiValues";
import { releaseTaskPhase, runHasEnded } from "../codecs/releaseTask";
import { DEFAULT_RUN_TIMEOUT_SECONDS, RunFollowing, RunOutcome, RunRecord, executeAndFollow, settleRecordedRun } from "../releaseRun";
import { OwnValues, ResourceDefinition, TRIGGERS, WHERE, bool, defaultsOf, optional, ownCodec, positiveInt, required, segmentId } from "./definition";

const ownProperties = {
  releasePlanId: required(segmentId, { doc: "Release task ID (path parameter release_plan_id). The task must already exist.", replaceOnChange: true }),
  ...WHERE,
  runOnChange: optional(bool, {
    doc:
      "Execute the release task (POST .../execute) after each change of its spec or of `triggers`, and on create, then follow the run to its end. " +
      "Off, a change only edits the task.",
    default: false,
  }),
  triggers: TRIGGERS("executes the task once more with the same spec when runOnChange is on (a release of the same versions again)"),
  waitForRun: optional(bool, { doc: "Follow a run until it ends; off, the update ends once ServiceStage has accepted the execute.", default: true }),
  runTimeoutSeconds: optional(positiveInt, {
    doc: "How long to follow a run (and its rollback), in seconds. A run still going then is recorded, and the next `pulumi up` waits for it.",
    default: DEFAULT_RUN_TIMEOUT_SECONDS,
  }),
  rollbackOnFailure: optional(bool, {
    doc: "Roll a failed run back (POST .../rollback: each component the run deployed returns to its spec before the run) and follow the rollback's jobs.",
    default: false,
  }),
};

const shape = {
  name: "ReleasePlan",
  doc:
    "An existing ServiceStage release task. Creating it adopts the task and applies the declared body; changing it edits the task " +
    "(PUT .../release-plans/{id}); deleting it only removes it from the stack. Components' `source` can carry passwords, so `components` is secret.",
  body: EditReleasePlanBody,
  bodyDoc: 'The release task body (Tables 3-42 of "Editing a Release Task"), in camelCase.',
  ownProperties,
  ownCodec: ownCodec("ReleasePlanOwnProperties", ownProperties),
  outputs: {
    runStatus: {
      doc:
        "The release task's status at the end of the last run Pulumi started or took (SUCCESS, FAILED, ABORTED, ROLLBACK_SUCCEED, ROLLBACK_FAILED; " +
        "RUNNING when waitForRun is false or the wait ended first). Absent until a run.",
    },
    runExecuteTime: { doc: "That run's execute_time (milliseconds since the epoch, as a string): which run the stack recorded." },
  },
} as const;

/** Which release task. */
export type ReleasePlanOwnProperties = OwnValues<typeof ownProperties>;
export type ReleasePlanInputs = ReleasePlanOwnProperties & Record<string, unknown>;
/** The inputs and the run the stack records. */
export type ReleasePlanState = ReleasePlanInputs & Partial<RunRecord>;

const DEFAULTS = defaultsOf(shape) as Required<Pick<ReleasePlanOwnProperties, "runOnChange" | "waitForRun" | "runTimeoutSeconds" | "rollbackOnFailure">>;
/**
 * A stack written before these properties existed holds none of them: read as their
 * defaults, so that upgrading the package shows no change.
 */
const withDefaults = <P extends Record<string, unknown>>(p: P): P => ({ ...DEFAULTS, ...p });

const edit = async (p: ReleasePlanInputs, body: EditReleasePlanBody): Promise<void> => {
  await (await clientFor(p)).editReleasePlan(p.releasePlanId, body);
  reportProgress(`servicestage: release task ${p.releasePlanId} updated`);
};

/** Whether `triggers` changed (an absent list and an empty one are the same ask: none). */
const triggersChanged = (olds: PropertyBag, news: PropertyBag): boolean => !sameValue(olds.triggers ?? [], news.triggers ?? []);

/** Whether this update executes the task: runOnChange, and the spec or the triggers changed (on create: always). */
const runAsked = (olds: PropertyBag | undefined, news: PropertyBag): boolean =>
  withDefaults(news).runOnChange === true &&
  (olds === undefined || !sameValue(split(olds, shape).spec, split(news, shape).spec) || triggersChanged(olds, news));

/**
 * The run the last update recorded without seeing it end (a timeout, a cancel whose abort
 * did not end it: InitFailedError), which this update settles before anything else. A run
 * recorded as ended (FAILED, ABORTED, ...) is settled: it never executes again by itself.
 */
const unsettledRun = (olds: ReleasePlanState, news: PropertyBag): RunRecord | undefined =>
  olds.runExecuteTime !== undefined && olds.runStatus !== undefined && !runHasEnded(olds.runStatus) && olds.waitForRun !== false && news.waitForRun !== false
    ? { runStatus: olds.runStatus, runExecuteTime: olds.runExecuteTime }
    : undefined;

/** The wait's bounds: runTimeoutSeconds, or the resource's customTimeouts when they end first (the plugin passes them). */
const following = (p: ReleasePlanInputs, operation: "create" | "update", options: OperationOptions | undefined, signal: AbortSignal): RunFollowing => {
  const runTimeoutMs = (p.runTimeoutSeconds ?? DEFAULTS.runTimeoutSeconds) * 1000;
  const customMs = options?.timeoutSeconds !== undefined && options.timeoutSeconds > 0 ? options.timeoutSeconds * 1000 : undefined;
  const byCustom = customMs !== undefined && customMs < runTimeoutMs;
  return {
    report: reportProgress,
    status: reportStatus,
    warn: reportWarning,
    timeoutMs: byCustom ? customMs : runTimeoutMs,
    timeoutKnob: byCustom
      ? ` (the resource's customTimeouts ended the wait: raise its ${operation} timeout to wait longer in one update)`
      : " (raise runTimeoutSeconds to wait longer in one update)",
    signal,
    rollbackOnFailure: p.rollbackOnFailure === true,
  };
};

/** Edits the task when the spec changed, and executes it when asked: one run, followed as the properties say. */
const applyAndRun = async (
  p: ReleasePlanInputs,
  body: EditReleasePlanBody | undefined,
  run: boolean,
  operation: "create" | "update",
  options: OperationOptions | undefined,
): Promise<RunOutcome | undefined> => {
  if (!run) {
    if (body !== undefined) await edit(p, body);
    return undefined;
  }
  const client = await clientFor(p);
  return cancellable((signal) =>
    executeAndFollow(client, p.releasePlanId, {
      ...following(p, operation, options, signal),
      waitForRun: p.waitForRun !== false,
      ...(body !== undefined ? { beforeExecute: () => edit(p, body) } : {}),
    }),
  );
};

/** The new inputs with the spec and triggers of the old ones: a change not applied yet, which the next update sees again. */
const deferred = (olds: ReleasePlanState, news: ReleasePlanInputs): ReleasePlanInputs => {
  const { spec } = split(news, shape);
  const kept = Object.fromEntries(Object.entries(news).filter(([k]) => !(k in spec) && k !== "triggers"));
  return { ...kept, ...split(olds, shape).spec, ...(olds.triggers !== undefined ? { triggers: olds.triggers } : {}) } as ReleasePlanInputs;
};

/** The state to keep: the inputs and the run; a run that did not succeed goes to the engine with the error. */
const recorded = (id: string, news: ReleasePlanInputs, run: RunRecord | undefined, failure?: string): ReleasePlanState => {
  const state: ReleasePlanState = { ...news, ...(run ?? {}) };
  if (failure !== undefined) throw new InitFailedError(failure, id, state);
  return state;
};

const lifecycle: ResourceLifecycle<ReleasePlanInputs, ReleasePlanState> = {
  async check(_olds, news): Promise<dynamic.CheckResult<ReleasePlanInputs>> {
    const { own: ownProps, spec } = split(news, shape);
    const issues = validate(shape, ownProps, spec);
    await assertReachable(issues, ownProps);
    return { inputs: withDefaults(news), failures: toFailures(issues) };
  },

  async diff(_id, olds, news): Promise<LifecycleDiff> {
    // Both sides with defaults: a refresh diffs a stored state against the inputs Read gives, neither of which may hold them.
    const before = withDefaults(olds);
    const result = diffProps(before, withDefaults(news), shape);
    if (result.replaces?.length !== 0) return result;
    const label = `servicestage: release task ${String(news.releasePlanId)}`;
    const recordedRun = unsettledRun(before, news);
    // The engine updates a resource holding an init error anyway; say why, since no property may change.
    if (recordedRun !== undefined)
      reportProgress(
        `${label}: the last update recorded its run (execute_time ${recordedRun.runExecuteTime}) as ${recordedRun.runStatus} without seeing it end; ` +
          "`pulumi up` will look at that run: wait while it runs, record how it ended; it executes nothing for it",
      );
    if (runAsked(before, news))
      reportProgress(
        `${label}: ${triggersChanged(before, news) && sameValue(split(before, shape).spec, split(news, shape).spec) ? "triggers changed" : "the spec changed"}: ` +
          "`pulumi up` executes the release task once (runOnChange) and follows the run",
      );
    return result;
  },

  async create(inputs, options): Promise<dynamic.CreateResult<ReleasePlanState>> {
    const p = inputs;
    const { spec } = split(inputs, shape);
    const body = decodeBody(shape, spec);
    const live = await (await clientFor(p)).getReleasePlan(p.releasePlanId);
    if (!live.found) throw notFoundToAdopt(shape, "release task", p.releasePlanId, live);
    const run = await applyAndRun(p, body, runAsked(undefined, p), "create", options);
    return { id: p.releasePlanId, outs: recorded(p.releasePlanId, p, run?.record, run?.failure) };
  },

  async update(id, oldState, news, options): Promise<dynamic.UpdateResult<ReleasePlanState>> {
    const olds = withDefaults(oldState);
    const { spec: oldSpec } = split(olds, shape);
    const { spec } = split(news, shape);
    const body = sameValue(oldSpec, spec) ? undefined : decodeBody(shape, spec);
    const runNow = runAsked(olds, news);
    const kept = olds.runExecuteTime !== undefined ? { runStatus: olds.runStatus as string, runExecuteTime: olds.runExecuteTime } : undefined;

    // A run recorded unsettled first: never two runs at once, and ServiceStage edits no task that runs.
    const recordedRun = unsettledRun(olds, news);
    const settled =
      recordedRun === undefined
        ? undefined
        : await cancellable(async (signal) =>
            settleRecordedRun(await clientFor(news), news.releasePlanId, recordedRun, following(news, "update", options, signal)),
          );
    if (settled?.failure !== undefined) {
      const ended = runHasEnded(settled.record.runStatus);
      if (!ended || !runNow) {
        // Still going: ServiceStage edits no running task, so the change (spec and triggers) waits for the next update, which settles this run first.
        const edited = body === undefined || ended;
        if (body !== undefined && ended) await edit(news, body);
        const state = edited ? news : deferred(olds, news);
        return { outs: recorded(id, state, settled.record, settled.failure + (edited ? "" : "; the change waits for that `pulumi up` too")) };
      }
      reportProgress(`servicestage: ${settled.failure}; this update asks for a new run: executing it`);
    }
    if (!runNow && settled === undefined && kept !== undefined && runHasEnded(kept.runStatus) && releaseTaskPhase(kept.runStatus) !== "succeeded")
      reportProgress(
        `servicestage: release task ${news.releasePlanId}: its last run (execute_time ${kept.runExecuteTime}) ended ${kept.runStatus}; ` +
          "with the same spec and triggers nothing executes again: change `triggers` (or the spec) to run the task once more",
      );
    const run = await applyAndRun(news, body, runNow, "update", options);
    return { outs: recorded(id, news, run?.record ?? settled?.record ?? kept, run?.failure) };
  },

  async read(id, props): Promise<dynamic.ReadResult<ReleasePlanState>> {
    // `pulumi import` gives the id alone: the release task id, a ServiceStage id (urlParts.ts).
    if (props?.releasePlanId === undefined && !isId(id)) throw new InputError(`invalid ReleasePlan id ${quote(id)}: it ${ID_RULE}`);
    const p: ReleasePlanState = { ...props, releasePlanId: props?.releasePlanId ?? id };
    const live = await (await clientFor(p)).getReleasePlan(p.releasePlanId);
    if (!live.found) return {};
    const { own: ownProps, spec } = split(p, shape);
    // The stored own properties as they are: a stack written before the run options existed
    // refreshes with no change (check fills the defaults in, and diff reads absent ones as them).
    const inputs = { ...ownProps, ...refreshedSpec(EditReleasePlanBody, spec, live.value) } as ReleasePlanInputs;
    // The run outputs name the run Pulumi recorded: a refresh keeps them (a run started outside Pulumi is not this stack's).
    const run = p.runExecuteTime !== undefined ? { runStatus: p.runStatus, runExecuteTime: p.runExecuteTime } : {};
    return { id, props: { ...inputs, ...run }, inputs };
  },

  async delete(): Promise<void> {
    // Adopted, not created: leaving the stack must not delete the release task.
  },

  previewOutputs(news, olds) {
    // Unknown when the update will execute the task or settle a recorded run; kept otherwise.
    if (olds === undefined) return runAsked(undefined, news) ? { ...news, runStatus: UNKNOWN, runExecuteTime: UNKNOWN } : news;
    const before = withDefaults(olds);
    if (runAsked(before, news) || unsettledRun(before, news) !== undefined) return { ...news, runStatus: UNKNOWN, runExecuteTime: UNKNOWN };
    return before.runExecuteTime !== undefined ? { ...news, runStatus: before.runStatus, runExecuteTime: before.runExecuteTime } : news;
  },

  secretKeys: secretKeys(EditReleasePlanBody),
};

export const releasePlan = { ...shape, providerExport: "releasePlanProvider", lifecycle } satisfies ResourceDefinition;
