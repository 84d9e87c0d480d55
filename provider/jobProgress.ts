/**
 * What the user sees of a job while it is waited for, in the shape of pulumi-kubernetes'
 * await: the job's stage and `[tasks done/total]` as the resource's ephemeral status, each
 * failed task's messages as a warning on the resource, and one kept line when the job
 * ends. `jobProgress` makes the lines from one answer (pure); `jobProgressReporter` is a
 * waiter's `onPoll` that sends each line once, when it changes.
 *
 * Everything in these lines comes from the server (the job id, statuses, task names and
 * messages), so every control character is escaped: no answer can start a line of its own
 * in a terminal or a CI log.
 */
import { JobResponse } from "./codecs/responses";
import { escapeControls } from "./errors";
import { failedTaskMessages, hasFailed } from "./jobWaiter";
import { reportProgress, reportStatus, reportWarning } from "./progress";

export interface JobProgress {
  /** e.g. `job JOB-1 RUNNING [2/5 tasks] deploy-job`: the status, the tasks done of all, the task under way. */
  line: string;
  /** The job has ended (SUCCEEDED or a failure status): its line is kept, not ephemeral. */
  ended: boolean;
  /** One per failed task, e.g. `deploy-job (FAILED): image pull failed`. */
  warnings: string[];
}

/** `task_count` is not in the codec's type and comes as a number or a string of digits; the tasks listed, else. */
const taskCountOf = (job: JobResponse): number => {
  const listed = job.tasks?.length ?? 0;
  const said = (job as { task_count?: unknown }).task_count;
  const count = typeof said === "number" ? said : typeof said === "string" && /^\d+$/.test(said) ? Number(said) : undefined;
  return count !== undefined && Number.isSafeInteger(count) && count >= listed ? count : listed;
};

export const jobProgress = (jobId: string, job: JobResponse): JobProgress => {
  const status = job.job.execution_status;
  const tasks = job.tasks ?? [];
  const total = taskCountOf(job);
  const done = tasks.filter((task) => task.task_status === "SUCCEEDED").length;
  const ended = status === "SUCCEEDED" || hasFailed(status);
  // The task under way: the first not yet succeeded, once the job has one.
  const current = ended ? undefined : tasks.find((task) => task.task_status !== "SUCCEEDED")?.task_name;
  const line =
    `job ${escapeControls(jobId)} ${escapeControls(status)}` +
    (total > 0 ? ` [${done}/${total} tasks]` : "") +
    (current !== undefined && current !== "" ? ` ${escapeControls(current)}` : "");
  // Only tasks in a failure status: a task SCHEDULED or ROLLBACKING has not failed (yet).
  const failed = tasks.filter((task) => task.task_status !== undefined && hasFailed(task.task_status));
  return { line, ended, warnings: failedTaskMessages({ ...job, tasks: failed }).map(escapeControls) };
};

/**
 * A waiter's `onPoll`: the status line while the job runs (again only when it changed, as
 * `[n/m]` moves while the status stays RUNNING), each warning once, and the line kept
 * when the job ends. `prefix` names the resource, e.g. `servicestage: component app/web: `.
 */
export const jobProgressReporter = (prefix: string, jobId: string): ((job: JobResponse) => void) => {
  let shown: string | undefined;
  const warned = new Set<string>();
  return (job) => {
    const { line, ended, warnings } = jobProgress(jobId, job);
    for (const warning of warnings) {
      if (warned.has(warning)) continue;
      warned.add(warning);
      reportWarning(`${prefix}job ${escapeControls(jobId)}: ${warning}`);
    }
    if (ended) reportProgress(`${prefix}${line}`);
    else if (line !== shown) reportStatus(`${prefix}${line}`);
    shown = line;
  };
};
