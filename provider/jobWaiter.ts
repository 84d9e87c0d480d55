/**
 * Waits for a ServiceStage job until SUCCEEDED, a failure status, or the timeout (default
 * 20 minutes, as Huawei's Terraform provider).
 *
 * One early look, 100 ms after the start, catches the jobs that fail on validation (they
 * end at once); after it, one look every 2 s. A job that ends is therefore seen within 2 s
 * however long it ran, for at most one request per 2 s per job beside the early look.
 * Each job's looks fall at a phase of their own within those 2 s, taken from its id, so
 * that the jobs one `pulumi up` starts together spread their requests evenly over the
 * interval instead of sending them in one burst (the price: a job whose phase falls just
 * after its early look spends that look twice over). Each look is planned from when the one before was
 * sent, and none is sent before the one before has answered: an answer the endpoint's
 * throttle (provider/throttle.ts) holds back delays that job's next look, and a job never
 * has more than one request queued. N jobs waited for at once cost N/2 requests a second
 * (docs/benchmarks.md, "Seeing a job end").
 */
import { setTimeout as sleep } from "node:timers/promises";
import { EXECUTION_STATUSES, ExecutionStatus, JobResponse } from "./codecs/responses";
import { JobFailedError } from "./errors";

export const DEFAULT_JOB_TIMEOUT_SECONDS = 1200;

/** The status of a JobFailedError for a job still going at the timeout. */
export const TIMED_OUT = "TIMED_OUT";
/** The status of a JobFailedError for a job still going when the wait was cancelled (a Ctrl-C reaching a native plugin). */
export const WAIT_CANCELLED = "WAIT_CANCELLED";

const FAILED: ReadonlySet<ExecutionStatus> = new Set(EXECUTION_STATUSES.failed);

/** A job that ended without success: failed, cancelled, rolled back, or lost. Any status not here nor SUCCEEDED is a job still going. */
export const hasFailed = (status: ExecutionStatus): boolean => FAILED.has(status);

/** When the early look comes, after the start: jobs refused on validation have ended by then. */
export const EARLY_LOOK_MS = 100;
/** The time between two looks at a job: the longest a job that ended goes unseen, and the most a job costs (one request per interval). */
export const POLL_INTERVAL_MS = 2000;

export interface JobWaitOptions {
  timeoutMs?: number;
  /** When the early look comes (default EARLY_LOOK_MS). */
  firstPollMs?: number;
  /** The time between the later looks (default POLL_INTERVAL_MS); tests against the emulator shorten it. */
  pollIntervalMs?: number;
  /** Called on every change of status, for progress messages. */
  onStatus?: (status: ExecutionStatus, job: JobResponse) => void;
  /** Called on every answer, before onStatus: the job's tasks move on while its status stays RUNNING (jobProgress.ts makes its lines). */
  onPoll?: (job: JobResponse) => void;
  /** Ends the wait early (the job goes on in ServiceStage): Pulumi's Cancel. */
  signal?: AbortSignal;
  /** How to wait between polls (default node:timers/promises): tests pass one on a fake clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/**
 * When a job's first look after the early one comes, and so where all its later looks fall
 * within the interval: anywhere in (0, intervalMs], the same for every wait on that job,
 * spread evenly across jobs by their ids (FNV-1a).
 */
export const phaseOf = (jobId: string, intervalMs: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i++) hash = Math.imul(hash ^ jobId.charCodeAt(i), 0x01000193) >>> 0;
  return 1 + (hash % intervalMs);
};

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
  const intervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let nextAt = Date.now() + (options.firstPollMs ?? EARLY_LOOK_MS);
  let early = true;
  let last: ExecutionStatus | undefined;
  const cancelled = () => new JobFailedError(jobId, WAIT_CANCELLED, [], `still ${last ?? "running"} when the wait was cancelled`, last ?? "SUBMITTED");
  for (;;) {
    if (options.signal?.aborted) throw cancelled();
    // The last look comes at the deadline, in place of one that would come after it.
    await (options.sleep ?? sleepUnless)(Math.max(0, Math.min(nextAt, deadline) - Date.now()), options.signal);
    if (options.signal?.aborted) throw cancelled();
    const sentAt = Date.now();
    const job = await getJob(jobId);
    const status = job.job.execution_status;
    options.onPoll?.(job);
    if (status !== last) {
      last = status;
      options.onStatus?.(status, job);
    }
    if (status === "SUCCEEDED") return job;
    if (hasFailed(status)) throw new JobFailedError(jobId, status, failedTaskMessages(job), `ended ${status}`);
    if (Date.now() >= deadline) throw new JobFailedError(jobId, TIMED_OUT, [], `still ${status} after ${Math.round(timeoutMs / 1000)} s`, status);
    nextAt = sentAt + (early ? phaseOf(jobId, intervalMs) : intervalMs);
    early = false;
  }
};
