/**
 * Waits for a ServiceStage job: first poll within a second, then backing off to every
 * 10 s (Huawei's Terraform provider polls every 10 s), until SUCCEEDED, a failure
 * status, or the timeout (default 20 minutes, as Terraform's).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ExecutionStatus, JobResponse } from "./codecs/responses";
import { JobFailedError } from "./errors";

export const DEFAULT_JOB_TIMEOUT_SECONDS = 1200;

/** The status of a JobFailedError for a job still going at the timeout. */
export const TIMED_OUT = "TIMED_OUT";
/** The status of a JobFailedError for a job still going when the wait was cancelled (a Ctrl-C reaching a native plugin). */
export const WAIT_CANCELLED = "WAIT_CANCELLED";

const FAILED: ReadonlySet<ExecutionStatus> = new Set(["FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKED", "UNKNOWN"]);

/** A job that ended without success: failed, cancelled, rolled back, or lost. Any status not here nor SUCCEEDED is a job still going. */
export const hasFailed = (status: ExecutionStatus): boolean => FAILED.has(status);

export interface JobWaitOptions {
  timeoutMs?: number;
  firstPollMs?: number;
  maxPollMs?: number;
  /** Called on every change of status, for progress messages. */
  onStatus?: (status: ExecutionStatus, job: JobResponse) => void;
  /** Ends the wait early (the job goes on in ServiceStage): Pulumi's Cancel. */
  signal?: AbortSignal;
  /** How to wait between polls (default node:timers/promises): tests pass one on a fake clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

const sleepUnless = (ms: number, signal?: AbortSignal): Promise<unknown> => sleep(ms, undefined, { signal }).catch(() => undefined);

/** The failing tasks' names and messages, e.g. `deploy-job: image pull failed`. */
export const failedTaskMessages = (job: JobResponse): string[] =>
  (job.tasks ?? [])
    .filter((task) => task.task_status === undefined || !["SUCCEEDED", "RUNNING", "INIT", "SUBMITTED"].includes(task.task_status))
    .map((task) => {
      const messages = task.messages === undefined ? [] : Array.isArray(task.messages) ? task.messages.map(String) : [task.messages];
      return `${task.task_name ?? "a task"}${task.task_status !== undefined ? ` (${task.task_status})` : ""}${messages.length > 0 ? `: ${messages.join(" ")}` : ""}`;
    });

export const waitForJob = async (jobId: string, getJob: (jobId: string) => Promise<JobResponse>, options: JobWaitOptions = {}): Promise<JobResponse> => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_JOB_TIMEOUT_SECONDS * 1000;
  const maxPollMs = options.maxPollMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  // A first look soon after the start (jobs that fail on validation end at once), then backing off.
  let delay = options.firstPollMs ?? 100;
  let last: ExecutionStatus | undefined;
  const cancelled = () => new JobFailedError(jobId, WAIT_CANCELLED, [], `still ${last ?? "running"} when the wait was cancelled`, last ?? "SUBMITTED");
  for (;;) {
    if (options.signal?.aborted) throw cancelled();
    await (options.sleep ?? sleepUnless)(Math.max(0, Math.min(delay, deadline - Date.now())), options.signal);
    if (options.signal?.aborted) throw cancelled();
    const job = await getJob(jobId);
    const status = job.job.execution_status;
    if (status !== last) {
      last = status;
      options.onStatus?.(status, job);
    }
    if (status === "SUCCEEDED") return job;
    if (hasFailed(status)) throw new JobFailedError(jobId, status, failedTaskMessages(job), `ended ${status}`);
    if (Date.now() >= deadline) throw new JobFailedError(jobId, TIMED_OUT, [], `still ${status} after ${Math.round(timeoutMs / 1000)} s`, status);
    delay = Math.min(maxPollMs, delay * 2);
  }
};
