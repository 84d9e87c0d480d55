/**
 * waitForJob: first with a scripted fake getJob under jest's fake clock (exact poll
 * times), then for real against the emulator over HTTP on 127.0.0.1.
 */
import { ServiceStageClient } from "../../provider/client";
import { ExecutionStatus, JobResponse } from "../../provider/codecs/responses";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { JobFailedError } from "../../provider/errors";
import { JobWaitOptions, waitForJob } from "../../provider/jobWaiter";
import { decodeSpec } from "../../provider/codecs/decode";
import { Emulator, startEmulator } from "../../emulator/server";
import { ACCESS_KEY, COMPONENT, COMPONENT_ID, PROJECT_ID, SECRET_KEY, TOKEN, jobSpec, seed } from "../harness/world";

const JOB_ID = "JOB7c1e4a52-0d7b-4f43-9a54-1f0c3b2d9e11";

type Task = NonNullable<JobResponse["tasks"]>[number];
const prepareTask: Task = { task_name: "prepare-job", task_status: "SUCCEEDED", messages: [] };
const deployTask = (status: string, messages: string[] | string = []): Task => ({ task_name: "deploy-job", task_status: status, messages });

const jobWith = (status: ExecutionStatus, tasks: Task[] = [prepareTask, deployTask(status)]): JobResponse => ({
  job: { execution_status: status, job_id: JOB_ID },
  tasks,
});

type Settled = { ok: true; job: JobResponse } | { ok: false; error: unknown };

describe("waitForJob with a scripted getJob (fake clock)", () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** A getJob that answers the statuses in turn (the last one forever) and records when it was called. */
  const scripted = (answers: Array<ExecutionStatus | JobResponse>) => {
    const polledAt: number[] = [];
    const getJob = jest.fn(async (_jobId: string): Promise<JobResponse> => {
      polledAt.push(Date.now());
      const answer = answers[Math.min(polledAt.length - 1, answers.length - 1)];
      return typeof answer === "string" ? jobWith(answer) : answer;
    });
    return { getJob, polledAt };
  };

  /** Runs the wait to its end on the fake clock; `offsets` are the poll times, ms after the start. */
  const run = async (getJob: (id: string) => Promise<JobResponse>, polledAt: number[], options?: JobWaitOptions) => {
    const start = Date.now();
    // jest's fake clock drives the global setTimeout, not node:timers/promises.
    const onFakeClock = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const settled: Promise<Settled> = waitForJob(JOB_ID, getJob, { sleep: onFakeClock, ...options }).then(
      (job) => ({ ok: true, job }),
      (error: unknown) => ({ ok: false, error }),
    );
    await jest.runAllTimersAsync();
    const result = await settled;
    const offsets = polledAt.map((at) => at - start);
    const intervals = offsets.map((at, i) => at - (i === 0 ? 0 : offsets[i - 1]));
    return { result, offsets, intervals };
  };

  const failure = (result: Settled): JobFailedError => {
    if (result.ok) throw new Error("expected the wait to fail");
    expect(result.error).toBeInstanceOf(JobFailedError);
    return result.error as JobFailedError;
  };

  it("returns the job once it SUCCEEDED, asking for that job id", async () => {
    const { getJob, polledAt } = scripted(["RUNNING", "SUCCEEDED"]);
    const { result } = await run(getJob, polledAt);
    expect(result).toEqual({ ok: true, job: jobWith("SUCCEEDED") });
    expect(getJob.mock.calls).toEqual([[JOB_ID], [JOB_ID]]);
  });

  it("polls first within a second, then backs off to every 10 s", async () => {
    const { getJob, polledAt } = scripted([...Array<ExecutionStatus>(9).fill("RUNNING"), "SUCCEEDED"]);
    const { result, offsets, intervals } = await run(getJob, polledAt);
    expect(result.ok).toBe(true);
    expect(offsets[0]).toBeLessThanOrEqual(1000);
    expect(intervals).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  it("honours firstPollMs and maxPollMs", async () => {
    const { getJob, polledAt } = scripted([...Array<ExecutionStatus>(7).fill("RUNNING"), "SUCCEEDED"]);
    const { intervals } = await run(getJob, polledAt, { firstPollMs: 100, maxPollMs: 3000 });
    expect(intervals).toEqual([100, 200, 400, 800, 1600, 3000, 3000, 3000]);
  });

  it.each(["FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKED", "UNKNOWN"] as const)(
    "fails on %s with the job id and the failing tasks' names and messages",
    async (status) => {
      const tasks = [
        prepareTask,
        deployTask(status, ["image pull failed", "back-off 5m"]),
        { task_name: "notify-job", task_status: "FAILED", messages: "webhook 502" },
      ];
      const { getJob, polledAt } = scripted(["RUNNING", jobWith(status, tasks)]);
      const e = failure((await run(getJob, polledAt)).result);
      expect(e).toMatchObject({ name: "JobFailedError", jobId: JOB_ID, status });
      expect(e.taskMessages).toEqual([`deploy-job (${status}): image pull failed back-off 5m`, "notify-job (FAILED): webhook 502"]);
      expect(e.message).toBe(`job ${JOB_ID} ended ${status}: deploy-job (${status}): image pull failed back-off 5m; notify-job (FAILED): webhook 502`);
      expect(e.message).not.toContain("prepare-job");
      expect(getJob).toHaveBeenCalledTimes(2);
    },
  );

  it("fails on a failure status even when no task says why", async () => {
    const { getJob, polledAt } = scripted([jobWith("FAILED", [prepareTask])]);
    const e = failure((await run(getJob, polledAt)).result);
    expect(e.message).toBe(`job ${JOB_ID} ended FAILED`);
    expect(e.taskMessages).toEqual([]);
  });

  it("keeps waiting through SUBMITTED, SCHEDULED and ROLLBACKING", async () => {
    const { getJob, polledAt } = scripted(["SUBMITTED", "SCHEDULED", "RUNNING", "ROLLBACKING", "SUCCEEDED"]);
    const { result } = await run(getJob, polledAt);
    expect(result.ok).toBe(true);
    expect(getJob).toHaveBeenCalledTimes(5);
  });

  it("fails with the job id when it is still RUNNING at the timeout, polling last at the deadline", async () => {
    const { getJob, polledAt } = scripted(["RUNNING"]);
    const { result, offsets } = await run(getJob, polledAt, { timeoutMs: 60_000 });
    const e = failure(result);
    expect(e).toMatchObject({ jobId: JOB_ID, status: "TIMED_OUT", taskMessages: [] });
    expect(e.message).toMatch(new RegExp(`^job ${JOB_ID} still RUNNING after 60 s`));
    expect(offsets[offsets.length - 1]).toBe(60_000);
    expect(offsets).toEqual([100, 300, 700, 1500, 3100, 6300, 12_700, 22_700, 32_700, 42_700, 52_700, 60_000]);
  });

  it("times out after 20 minutes by default", async () => {
    const { getJob, polledAt } = scripted(["RUNNING"]);
    const { result, offsets } = await run(getJob, polledAt);
    expect(failure(result).status).toBe("TIMED_OUT");
    expect(offsets[offsets.length - 1]).toBe(1_200_000);
  });

  it("calls onStatus once per change of status, with the job", async () => {
    const { getJob, polledAt } = scripted(["SUBMITTED", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"]);
    const onStatus = jest.fn();
    await run(getJob, polledAt, { onStatus });
    expect(onStatus.mock.calls.map(([status]) => status)).toEqual(["SUBMITTED", "RUNNING", "SUCCEEDED"]);
    expect(onStatus).toHaveBeenLastCalledWith("SUCCEEDED", jobWith("SUCCEEDED"));
  });

  it("reports the failure status through onStatus before failing", async () => {
    const { getJob, polledAt } = scripted(["RUNNING", "RUNNING", "FAILED"]);
    const onStatus = jest.fn();
    const { result } = await run(getJob, polledAt, { onStatus });
    expect(failure(result).status).toBe("FAILED");
    expect(onStatus.mock.calls.map(([status]) => status)).toEqual(["RUNNING", "FAILED"]);
  });

  it("lets a getJob failure through", async () => {
    const boom = new Error("GET /v3/p/cas/jobs/JOB failed, HTTP 503");
    const getJob = jest.fn(async (): Promise<JobResponse> => {
      throw boom;
    });
    const { result } = await run(getJob, []);
    expect(result).toEqual({ ok: false, error: boom });
    expect(getJob).toHaveBeenCalledTimes(1);
  });
});

describe("waitForJob against the emulator", () => {
  const JOB_MS = 150;
  let emu: Emulator;
  let client: ServiceStageClient;
  beforeEach(async () => {
    emu = await startEmulator({ seed: seed(), token: TOKEN, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, jobDurationMs: JOB_MS });
    client = new ServiceStageClient({
      endpoint: emu.url,
      projectId: PROJECT_ID,
      credentials: { kind: "token", token: TOKEN },
      timeoutMs: 2000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
  });
  afterEach(() => emu.close());

  const redeploy = async (): Promise<string> => {
    const body = decodeSpec(RedeployJobComponentBody, jobSpec());
    if (!body.ok) throw new Error("jobSpec does not decode");
    return (await client.redeployJobComponent(COMPONENT, body.value)).value.job_id;
  };
  const getJob = (id: string) => client.getJob(id);
  const jobPolls = (jobId: string) => emu.requests().filter((r) => r.method === "GET" && r.path.endsWith(`/cas/jobs/${jobId}`));

  it("waits for a job to succeed with the default schedule", async () => {
    const jobId = await redeploy();
    const onStatus = jest.fn();
    const job = await waitForJob(jobId, getJob, { onStatus });
    expect(job.job).toMatchObject({ job_id: jobId, execution_status: "SUCCEEDED" });
    // When the first poll comes is asserted exactly on the fake clock above; here, that the defaults reach the end.
    expect(jobPolls(jobId).length).toBeGreaterThan(0);
    expect(onStatus.mock.calls.map(([s]) => s).at(-1)).toBe("SUCCEEDED");
  });

  it("backs off between polls up to maxPollMs, and reports each status the job passes through, up to SUCCEEDED", async () => {
    const jobId = await redeploy();
    const onStatus = jest.fn();
    await waitForJob(jobId, getJob, { firstPollMs: 10, maxPollMs: 40, onStatus });
    const at = jobPolls(jobId).map((r) => r.at);
    const intervals = at.slice(1).map((t, i) => t - at[i]);
    expect(intervals.length).toBeGreaterThanOrEqual(3);
    // 20, 40, 40, ...: each at least the planned delay. That no delay is planned beyond
    // maxPollMs is asserted exactly on the fake clock above: a wall-clock upper bound here
    // would fail on a loaded machine.
    intervals.forEach((interval, i) => expect(interval).toBeGreaterThanOrEqual(Math.min(40, 10 * 2 ** (i + 1)) - 1));
    // The emulator's job passes SUBMITTED and SCHEDULED briefly (which the polls may miss), then RUNNING.
    const seen = onStatus.mock.calls.map(([s]) => s as string);
    expect(seen.slice(-2)).toEqual(["RUNNING", "SUCCEEDED"]);
    expect(["SUBMITTED", "SCHEDULED", "RUNNING", "SUCCEEDED"].filter((s) => seen.includes(s))).toEqual(seen);
  });

  it.each([
    ["FAILED", ["image pull failed: swr.example/app:1.0.0 not found"]],
    ["CANCELLED", undefined],
    ["PARTIALLY_FAILED", ["2 of 3 instances failed"]],
  ] as const)("fails on a %s job with the job id and the failing task's messages", async (status, messages) => {
    emu.scriptNextJob(COMPONENT_ID, { status, ...(messages ? { messages: [...messages] } : {}) });
    const jobId = await redeploy();
    const error = await waitForJob(jobId, getJob, { firstPollMs: 20, maxPollMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    const e = error as JobFailedError;
    const said = messages?.join(" ") ?? `deploy job ${status.toLowerCase().replace("_", " ")}`;
    expect(e).toMatchObject({ jobId, status, taskMessages: [`deploy-job (${status}): ${said}`] });
    expect(e.message).toBe(`job ${jobId} ended ${status}: deploy-job (${status}): ${said}`);
  });

  it("fails with the job id when the job is still RUNNING at the timeout", async () => {
    emu.scriptNextJob(COMPONENT_ID, { status: "RUNNING_FOREVER" });
    const jobId = await redeploy();
    const started = Date.now();
    // The job runs forever: that the wait ended at all, TIMED_OUT, shows that it stopped waiting.
    const error = await waitForJob(jobId, getJob, { timeoutMs: 300, firstPollMs: 20, maxPollMs: 100 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ jobId, status: "TIMED_OUT" });
    expect((error as Error).message).toContain(`job ${jobId} still RUNNING`);
    expect(elapsed).toBeGreaterThanOrEqual(300);
  });
});
