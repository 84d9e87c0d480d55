/**
 * Running a release task and following the run (docs/release-runs.md): one execute, then
 * the task's status and its deploy information read until the run ends, each component's
 * job reported as `[batch 1/2, component 2/3]` lines; a failure names the component, its
 * job and the job's task messages. A run that does not end in the wait (a timeout, a
 * cancel) goes on in ServiceStage: the caller records it, and the next update settles that
 * run only (docs/no-job-runs-twice.md, "Release runs"). Execute answers no body, so a lost
 * answer is settled by reading the task, never by executing again.
 */
import { setTimeout as sleepFor } from "node:timers/promises";
import type { AmbiguityVerdict, ServiceStageClient } from "./client";
import {
  DeployInfoComponent,
  DeployInfoResponse,
  ReleaseTaskResponse,
  batchesOf,
  jobIdOf,
  releaseTaskPhase,
  rollbackJobIdOf,
  runHasEnded,
} from "./codecs/releaseTask";
import { failedTaskMessages } from "./jobWaiter";
import { escapeControls } from "./errors";

/** How long a run is followed unless runTimeoutSeconds says otherwise: release tasks deploy several components in turn. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 1800;
/** The deploy information changes at each job's end: polled at most this often once the first look is done. */
export const MAX_RUN_POLL_MS = 2000;

export interface RunFollowing {
  /** Where progress goes (providerState's reportProgress): kept lines. */
  report: (message: string) => void;
  /** A component's line while its job runs: the resource's ephemeral status (progress.ts's reportStatus); kept lines without it. */
  status?: (message: string) => void;
  /** A component that failed: a warning on the resource (progress.ts's reportWarning). */
  warn?: (message: string) => void;
  /** How long the wait may last from its start, and what to raise when it ends it. */
  timeoutMs: number;
  timeoutKnob: string;
  /** Pulumi's Cancel (providerState's `cancellable`): the run is aborted once, then recorded. */
  signal?: AbortSignal;
  /** Roll a failed run back (servicestage_06_0236) and follow its jobs. */
  rollbackOnFailure: boolean;
  firstPollMs?: number;
  maxPollMs?: number;
  /** How to wait between polls: tests pass one on a fake clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/** What the stack records of a run: the task's status last seen and the execute_time of the run Pulumi started or took. */
export interface RunRecord {
  runStatus: string;
  runExecuteTime: string;
}

/** A run as the update ends with it; `failure` set when it did not succeed in the wait (the caller records it with InitFailedError). */
export interface RunOutcome {
  record: RunRecord;
  failure?: string;
}

const sleepUnless = (ms: number, signal?: AbortSignal): Promise<unknown> => sleepFor(ms, undefined, { signal }).catch(() => undefined);

const executeTimeOf = (task: ReleaseTaskResponse): string => String(task.execute_time ?? 0);
const recordOf = (task: ReleaseTaskResponse): RunRecord => ({ runStatus: task.status, runExecuteTime: executeTimeOf(task) });

const readTask = async (client: ServiceStageClient, planId: string): Promise<ReleaseTaskResponse> => {
  const task = await client.getReleaseTask(planId);
  if (!task.found) throw new Error(`release task ${planId} was not found (HTTP ${task.status} ${task.errorCode}): it was deleted from ServiceStage`);
  return task.value;
};

/** `[batch 1/2, component 2/3] api (comp-api)`: where a component sits in the run, as the console's batches show it. */
const placesOf = (info: DeployInfoResponse): Map<DeployInfoComponent, string> => {
  const batches = batchesOf(info.components);
  const places = new Map<DeployInfoComponent, string>();
  batches.forEach((batch, b) =>
    batch.forEach((c, i) =>
      places.set(c, `[batch ${b + 1}/${batches.length}, component ${i + 1}/${batch.length}] ${c.name !== undefined ? `${c.name} (${c.id})` : c.id}`),
    ),
  );
  return places;
};

/** A component's line when something about it changed: its job, the job's status, its own status. */
const componentLine = (c: DeployInfoComponent, rollingBack: boolean): string => {
  const jobId = rollingBack ? rollbackJobIdOf(c) : jobIdOf(c);
  const jobStatus = rollingBack ? c.rollback_job_status : c.job_status;
  return `${rollingBack ? "rollback " : ""}job ${jobId ?? "not started"}${jobStatus !== undefined ? ` ${jobStatus}` : ""}, component ${c.status ?? "?"}`;
};

const FAILED_COMPONENT = new Set(["FAILED", "PARTIALLY_FAILED", "ROLLBACK_FAILED"]);

/** The components that failed, each with its job and what the job's tasks said (one GET per failed job). */
const failuresOf = async (client: ServiceStageClient, info: DeployInfoResponse, rollingBack: boolean): Promise<string[]> => {
  const places = placesOf(info);
  const failed = info.components.filter((c) =>
    rollingBack ? c.rollback_job_status === "FAILED" || c.status === "ROLLBACK_FAILED" : FAILED_COMPONENT.has((c.status ?? "").toUpperCase()),
  );
  return Promise.all(
    failed.map(async (c) => {
      const jobId = rollingBack ? rollbackJobIdOf(c) : jobIdOf(c);
      const said = rollingBack ? c.rollback_fail_message : c.fail_message;
      const job = jobId === undefined ? undefined : await client.findJob(jobId).catch(() => undefined);
      const tasks = job?.found === true ? failedTaskMessages(job.value) : [];
      const why = [...(said !== undefined && said !== "" ? [said] : []), ...tasks.filter((m) => said === undefined || !m.includes(said))];
      return escapeControls(
        `${places.get(c) ?? c.id}: ${jobId !== undefined ? `job ${jobId}` : "no job"} ${c.status ?? "FAILED"}${why.length > 0 ? `: ${why.join("; ")}` : ""}`,
      );
    }),
  );
};

interface Followed {
  task: ReleaseTaskResponse;
  info?: DeployInfoResponse;
  /** Why the wait ended before the run did. */
  stopped?: "timeout" | "cancelled";
}

/**
 * Reads the task and its deploy information until the run (or its rollback) has ended,
 * reporting each component whose job or status changed. The first look comes soon (a
 * component refused at once ends its batch at once), then every `maxPollMs`.
 */
const follow = async (client: ServiceStageClient, planId: string, how: RunFollowing, deadline: number): Promise<Followed> => {
  const seen = new Map<string, string>();
  let delay = how.firstPollMs ?? 100;
  let task: ReleaseTaskResponse | undefined;
  let info: DeployInfoResponse | undefined;
  for (;;) {
    if (how.signal?.aborted) return { task: task ?? (await readTask(client, planId)), info, stopped: "cancelled" };
    await (how.sleep ?? sleepUnless)(Math.max(0, Math.min(delay, deadline - Date.now())), how.signal);
    if (how.signal?.aborted) return { task: task ?? (await readTask(client, planId)), info, stopped: "cancelled" };
    task = await readTask(client, planId);
    info = await client.getDeployInfo(planId);
    const rollingBack = releaseTaskPhase(task.status) === "going" && task.status.toUpperCase().startsWith("ROLLBACK");
    const places = placesOf(info);
    for (const c of info.components) {
      const line = componentLine(c, rollingBack || rollbackJobIdOf(c) !== undefined);
      if (seen.get(c.id) === line) continue;
      seen.set(c.id, line);
      // Names, ids and statuses are the server's: escaped, so that no answer starts a line of its own.
      const message = escapeControls(`servicestage: release task ${planId}: ${places.get(c)}: ${line}`);
      const status = (c.status ?? "").toUpperCase();
      if (FAILED_COMPONENT.has(status)) how.warn?.(message);
      if (status === "" || status === "CREATED") (how.status ?? how.report)(message);
      else how.report(message);
    }
    if (runHasEnded(task.status)) return { task, info };
    if (Date.now() >= deadline) return { task, info, stopped: "timeout" };
    delay = Math.min(how.maxPollMs ?? MAX_RUN_POLL_MS, delay * 2);
  }
};

/** After an ambiguous answer: the task shows the action was carried out (adopt), or not (retry). */
const verdictBy =
  (client: ServiceStageClient, planId: string, carriedOut: (task: ReleaseTaskResponse) => boolean) => async (): Promise<AmbiguityVerdict<true>> =>
    carriedOut(await readTask(client, planId)) ? { adopt: true } : { retry: true };

/**
 * Ends a wait that did not see the run end: a cancel aborts the run (once) and records
 * what the task shows then; a timeout records the run still going. Either way the message
 * says the next `pulumi up` settles this run and starts none.
 */
const unfinished = async (client: ServiceStageClient, planId: string, followed: Followed, how: RunFollowing): Promise<RunOutcome> => {
  const at = executeTimeOf(followed.task);
  if (followed.stopped === "cancelled") {
    if (releaseTaskPhase(followed.task.status) !== "going" || followed.task.status.toUpperCase().startsWith("ROLLBACK")) {
      return {
        record: recordOf(followed.task),
        failure: `the wait for release task ${planId} was cancelled while it was ${followed.task.status}; nothing was aborted (only a run being executed can be). The run is recorded in the stack, and the next \`pulumi up\` settles it and starts none`,
      };
    }
    how.report(`servicestage: release task ${planId}: the update was cancelled: aborting the run (execute_time ${at})`);
    let aborted: string;
    try {
      const { adopted } = await client.abortReleasePlan(
        planId,
        verdictBy(client, planId, (t) => releaseTaskPhase(t.status) !== "going"),
      );
      aborted = adopted ? "abort carried out (its answer was lost)" : "abort requested";
    } catch (e) {
      aborted = `abort failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const task = await readTask(client, planId);
    how.report(`servicestage: release task ${planId}: ${aborted}; the task is ${task.status}`);
    return {
      record: recordOf(task),
      failure:
        `the update was cancelled while release task ${planId} ran (execute_time ${at}): ${aborted}, and the task is ${task.status}. ` +
        "The run is recorded in the stack; the next `pulumi up` " +
        (releaseTaskPhase(task.status) === "going" ? "waits for it instead of starting another" : "executes nothing unless the spec or `triggers` change"),
    };
  }
  return {
    record: recordOf(followed.task),
    failure:
      `release task ${planId} did not finish: its run (execute_time ${at}) is still ${followed.task.status} in ServiceStage${how.timeoutKnob}. ` +
      "It is recorded in the stack, and the next `pulumi up` will wait for it instead of starting another",
  };
};

/**
 * Follows a run to its end, rolls it back when it failed and `rollbackOnFailure` asks,
 * and says how it ended. `deadline` is shared by the run and its rollback.
 */
const followToEnd = async (client: ServiceStageClient, planId: string, how: RunFollowing, deadline: number): Promise<RunOutcome> => {
  const followed = await follow(client, planId, how, deadline);
  if (followed.stopped !== undefined) return unfinished(client, planId, followed, how);
  const { task } = followed;
  const info = followed.info ?? (await client.getDeployInfo(planId));
  const phase = releaseTaskPhase(task.status);
  const at = executeTimeOf(task);
  if (phase === "succeeded") {
    how.report(`servicestage: release task ${planId}: run (execute_time ${at}) ${task.status}`);
    return { record: recordOf(task) };
  }
  const runFailures = phase === "rolledBack" || phase === "rollbackFailed" ? [] : await failuresOf(client, info, false);
  const what = `release task ${planId}: run (execute_time ${at}) ended ${task.status}${runFailures.length > 0 ? `: ${runFailures.join("; ")}` : ""}`;
  if (phase === "failed" && how.rollbackOnFailure) {
    how.report(`servicestage: ${what}; rolling it back (rollbackOnFailure)`);
    const { adopted } = await client.rollbackReleasePlan(
      planId,
      verdictBy(client, planId, (t) => t.status.toUpperCase().startsWith("ROLLBACK")),
    );
    if (adopted) how.report(`servicestage: release task ${planId}: the rollback was carried out though its answer was lost`);
    const rolled = await follow(client, planId, how, deadline);
    if (rolled.stopped !== undefined) {
      const ended = await unfinished(client, planId, rolled, how);
      return { record: ended.record, failure: `${what}. Rolling back (rollbackOnFailure): ${ended.failure ?? ""}` };
    }
    const rollbackFailures = releaseTaskPhase(rolled.task.status) === "rolledBack" ? [] : await failuresOf(client, rolled.info ?? info, true);
    return {
      record: recordOf(rolled.task),
      failure: `${what}. Rolled back (rollbackOnFailure): ${rolled.task.status}${rollbackFailures.length > 0 ? `: ${rollbackFailures.join("; ")}` : ""}`,
    };
  }
  return { record: recordOf(task), failure: what };
};

/**
 * Executes the task once and follows the run. The task is read first: a run in progress
 * (status RUNNING) is waited for and taken as this update's run instead of executing
 * another, since it may be the run of an update that was killed; a rollback in progress is
 * waited for, then the task executes. `beforeExecute` (the edit) runs once the task is
 * idle, since ServiceStage refuses to edit a task that runs. With `waitForRun` false, it
 * returns once ServiceStage has accepted the run.
 */
export const executeAndFollow = async (
  client: ServiceStageClient,
  planId: string,
  how: RunFollowing & { waitForRun: boolean; beforeExecute?: () => Promise<void> },
): Promise<RunOutcome> => {
  const deadline = Date.now() + how.timeoutMs;
  let before = await readTask(client, planId);
  const status = before.status.toUpperCase();
  if (releaseTaskPhase(status) === "going" && !status.startsWith("ROLLBACK")) {
    how.report(
      `servicestage: release task ${planId} is already ${before.status} (execute_time ${executeTimeOf(before)}): ` +
        "waiting for that run and taking it as this update's instead of executing another (it may be the run of an update that was killed)",
    );
    const outcome = how.waitForRun ? await followToEnd(client, planId, how, deadline) : { record: recordOf(before) };
    if (outcome.failure === undefined && how.beforeExecute !== undefined) await how.beforeExecute();
    return outcome;
  }
  if (releaseTaskPhase(status) === "going") {
    how.report(`servicestage: release task ${planId} is ${before.status}: waiting for that rollback to end before executing`);
    const rolled = await follow(client, planId, { ...how, rollbackOnFailure: false }, deadline);
    if (rolled.stopped !== undefined) return unfinished(client, planId, rolled, how);
    before = rolled.task;
  }
  await how.beforeExecute?.();
  const seen = before.execute_time ?? 0;
  // Execute answers nothing: a lost answer is a run when the task shows one newer than the one seen before, or running.
  const { adopted } = await client.executeReleasePlan(
    planId,
    verdictBy(
      client,
      planId,
      (t) => (t.execute_time ?? 0) > seen || (releaseTaskPhase(t.status) === "going" && !t.status.toUpperCase().startsWith("ROLLBACK")),
    ),
  );
  how.report(`servicestage: release task ${planId}: ${adopted ? "took the run started by an execute whose answer was lost" : "run started"}`);
  if (!how.waitForRun) return { record: recordOf(await readTask(client, planId)) };
  return followToEnd(client, planId, how, deadline);
};

/**
 * Settles the run the last update recorded without seeing it end (a timeout, a cancel
 * that could not abort, a lost wait): one read of the task. The same run (its
 * execute_time) still going is waited for; ended, it is recorded as it ended (and rolled
 * back if it failed and `rollbackOnFailure` asks). Nothing executes here. A task executed
 * since by someone else leaves the recorded run's end unknown.
 */
export const settleRecordedRun = async (client: ServiceStageClient, planId: string, recorded: RunRecord, how: RunFollowing): Promise<RunOutcome> => {
  const deadline = Date.now() + how.timeoutMs;
  const task = await readTask(client, planId);
  const at = executeTimeOf(task);
  if (at !== recorded.runExecuteTime) {
    how.report(
      `servicestage: release task ${planId}: the run recorded by the last update (execute_time ${recorded.runExecuteTime}) was followed by another ` +
        `(execute_time ${at}, ${task.status}) started outside this update: its own end is unknown, and nothing executes`,
    );
    return { record: { runStatus: "UNKNOWN", runExecuteTime: recorded.runExecuteTime } };
  }
  how.report(
    `servicestage: release task ${planId}: the run recorded by the last update (execute_time ${at}) is ${task.status}: ` +
      `${runHasEnded(task.status) ? "recording how it ended" : "waiting for it"}; nothing executes`,
  );
  return followToEnd(client, planId, how, deadline);
};
