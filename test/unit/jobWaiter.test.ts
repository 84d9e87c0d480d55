/**
 * waitForJob: first with a scripted fake getJob under jest's fake clock (exact poll
 * times, how late a job's end is seen, what each job costs), then for real against the
 * emulator over HTTP on 127.0.0.1.
 */
import { ServiceStageClient } from "../../provider/client";
import { ExecutionStatus, JobResponse } from "../../provider/codecs/responses";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { JobFailedError } from "../../provider/errors";
import { EARLY_LOOK_MS, JobWaitOptions, POLL_INTERVAL_MS, phaseOf, waitForJob } from "../../provider/jobWaiter";
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

/** A reproducible stream of numbers in [0, 1) (mulberry32): the random end times and job ids, the same on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

/** jest's fake clock drives the global setTimeout, not node:timers/promises; a cancel ends the sleep at once, as the real one does. */
const onFakeClock = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

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
  const run = async (getJob: (id: string) => Promise<JobResponse>, polledAt: number[], options?: JobWaitOptions, jobId = JOB_ID) => {
    const start = Date.now();
    const settled: Promise<Settled> = waitForJob(jobId, getJob, { sleep: onFakeClock, ...options }).then(
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

  it("looks early at 100 ms, then at the job's own phase within 2 s, then every 2 s", async () => {
    const { getJob, polledAt } = scripted([...Array<ExecutionStatus>(9).fill("RUNNING"), "SUCCEEDED"]);
    const { result, intervals } = await run(getJob, polledAt);
    expect(result.ok).toBe(true);
    const phase = phaseOf(JOB_ID, POLL_INTERVAL_MS);
    expect(phase).toBeGreaterThan(0);
    expect(phase).toBeLessThanOrEqual(2000);
    expect(intervals).toEqual([EARLY_LOOK_MS, phase, ...Array<number>(8).fill(2000)]);
  });

  it("spreads the phases of jobs started together over the interval", () => {
    const random = seeded(7);
    const phases = Array.from({ length: 400 }, () => phaseOf(`JOB${Math.floor(random() * 2 ** 32).toString(16)}-${Math.floor(random() * 1e9)}`, 2000));
    expect(Math.min(...phases)).toBeGreaterThan(0);
    expect(Math.max(...phases)).toBeLessThanOrEqual(2000);
    // 400 jobs over ten 200 ms slices: none holds more than twice its share.
    const slices = Array<number>(10).fill(0);
    for (const p of phases) slices[Math.floor((p - 1) / 200)]++;
    expect(Math.max(...slices)).toBeLessThanOrEqual(80);
    expect(Math.min(...slices)).toBeGreaterThanOrEqual(20);
  });

  it("honours firstPollMs and pollIntervalMs", async () => {
    const { getJob, polledAt } = scripted([...Array<ExecutionStatus>(7).fill("RUNNING"), "SUCCEEDED"]);
    const { intervals } = await run(getJob, polledAt, { firstPollMs: 300, pollIntervalMs: 3000 });
    expect(intervals).toEqual([300, phaseOf(JOB_ID, 3000), ...Array<number>(6).fill(3000)]);
  });

  describe("a job that ends is seen within 2 s, for one request per 2 s beside the early look", () => {
    /** A getJob whose job runs until `endsAt` ms after the start, then SUCCEEDED. */
    const endingAt = (endsAt: number) => {
      const start = Date.now();
      const polledAt: number[] = [];
      const getJob = async (): Promise<JobResponse> => {
        polledAt.push(Date.now());
        return jobWith(Date.now() - start >= endsAt ? "SUCCEEDED" : "RUNNING");
      };
      return { getJob, polledAt };
    };

    const check = async (endsAt: number, jobId: string) => {
      const { getJob, polledAt } = endingAt(endsAt);
      const { result, offsets, intervals } = await run(getJob, polledAt, {}, jobId);
      expect(result.ok).toBe(true);
      const seenAt = offsets[offsets.length - 1];
      expect(seenAt - endsAt).toBeLessThanOrEqual(2000);
      // The early look, the first after it at the job's phase, then every 2 s.
      expect(intervals[0]).toBe(EARLY_LOOK_MS);
      if (intervals.length > 1) expect(intervals[1]).toBe(phaseOf(jobId, 2000));
      intervals.slice(2).forEach((interval) => expect(interval).toBe(2000));
      expect(offsets.length).toBeLessThanOrEqual(1 + Math.ceil(seenAt / 2000));
      return seenAt - endsAt;
    };

    it.each([
      ["1 s", 1000],
      ["30 s", 30_000],
      ["5 min", 300_000],
    ])("a job of %s", async (_label, endsAt) => {
      await check(endsAt, JOB_ID);
    });

    it("a job that ends before the early look is seen by it", async () => {
      const { getJob, polledAt } = endingAt(50);
      const { offsets } = await run(getJob, polledAt);
      expect(offsets).toEqual([EARLY_LOOK_MS]);
    });

    it("jobs ending at 50 random times up to 10 minutes, with random ids", async () => {
      const random = seeded(42);
      const latencies: number[] = [];
      for (let i = 0; i < 50; i++) latencies.push(await check(Math.floor(random() * 600_000), `JOB${Math.floor(random() * 2 ** 32).toString(16)}`));
      expect(Math.max(...latencies)).toBeLessThanOrEqual(2000);
    });
  });

  it("200 jobs waited for at once cost 100 requests a second, spread over each second", async () => {
    const random = seeded(200);
    const polledAt: number[] = [];
    const getJob = async (): Promise<JobResponse> => {
      polledAt.push(Date.now());
      return jobWith(Date.now() - start >= 60_000 ? "SUCCEEDED" : "RUNNING");
    };
    const start = Date.now();
    const ids = Array.from({ length: 200 }, () => `JOB${Math.floor(random() * 2 ** 32).toString(16)}`);
    const waits = Promise.all(ids.map((id) => waitForJob(id, getJob, { sleep: onFakeClock })));
    await jest.runAllTimersAsync();
    await waits;
    const offsets = polledAt.map((at) => at - start);
    // After the early looks (one burst, as the PUTs before them): every 1 s window of the
    // minute holds about 100 looks, none more than 125.
    const perSecond = Array.from({ length: 57 }, (_, s) => offsets.filter((at) => at >= 2000 + s * 1000 && at < 3000 + s * 1000).length);
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(125);
    const meanPerSecond = perSecond.reduce((a, b) => a + b, 0) / perSecond.length;
    expect(meanPerSecond).toBeGreaterThan(95);
    expect(meanPerSecond).toBeLessThanOrEqual(101);
    // Each job: the early look, then one per 2 s up to the end, seen within 2 s.
    expect(polledAt.length).toBeLessThanOrEqual(200 * (1 + 30 + 1));
  });

  it("plans each look from when the one before was sent, and sends none before it answered", async () => {
    const answers: Array<{ at: number; answeredAt: number }> = [];
    let polls = 0;
    // Answers held back: 500 ms, then 3 s (a throttled endpoint), then 500 ms again.
    const holds = [500, 500, 3000, 500, 500];
    const getJob = async (): Promise<JobResponse> => {
      const at = Date.now();
      const hold = holds[Math.min(polls, holds.length - 1)];
      polls++;
      await new Promise((resolve) => setTimeout(resolve, hold));
      answers.push({ at, answeredAt: Date.now() });
      return jobWith(polls >= 5 ? "SUCCEEDED" : "RUNNING");
    };
    const { result } = await run(getJob, []);
    expect(result.ok).toBe(true);
    const sent = answers.map((a) => a.at - answers[0].at);
    expect(sent).toEqual([0, phaseOf(JOB_ID, 2000), phaseOf(JOB_ID, 2000) + 2000, phaseOf(JOB_ID, 2000) + 5000, phaseOf(JOB_ID, 2000) + 7000]);
    answers.slice(1).forEach((a, i) => expect(a.at).toBeGreaterThanOrEqual(answers[i].answeredAt));
  });

  it("calls onPoll with every answer, before onStatus", async () => {
    const { getJob, polledAt } = scripted(["RUNNING", "RUNNING", "SUCCEEDED"]);
    const calls: string[] = [];
    await run(getJob, polledAt, {
      onPoll: (job) => calls.push(`poll ${job.job.execution_status}`),
      onStatus: (status) => calls.push(`status ${status}`),
    });
    expect(calls).toEqual(["poll RUNNING", "status RUNNING", "poll RUNNING", "poll SUCCEEDED", "status SUCCEEDED"]);
  });

  it("ends on a cancel at once, WAIT_CANCELLED with the status last seen, and looks no more", async () => {
    const { getJob, polledAt } = scripted(["RUNNING"]);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 5000);
    const { result, offsets } = await run(getJob, polledAt, { signal: cancel.signal });
    const e = failure(result);
    expect(e).toMatchObject({ jobId: JOB_ID, status: "WAIT_CANCELLED", lastSeen: "RUNNING" });
    expect(e.message).toBe(`job ${JOB_ID} still RUNNING when the wait was cancelled`);
    expect(offsets.every((at) => at < 5000)).toBe(true);
    expect(Date.now() - 1_700_000_000_000).toBe(5000);
  });

  it("does not look at all when cancelled before the early look", async () => {
    const { getJob, polledAt } = scripted(["RUNNING"]);
    const cancel = new AbortController();
    cancel.abort();
    const e = failure((await run(getJob, polledAt, { signal: cancel.signal })).result);
    expect(e).toMatchObject({ status: "WAIT_CANCELLED", lastSeen: "SUBMITTED" });
    expect(getJob).not.toHaveBeenCalled();
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
    const phase = phaseOf(JOB_ID, 2000);
    const regular = Array.from({ length: 30 }, (_, k) => 100 + phase + 2000 * k).filter((at) => at < 60_000);
    expect(offsets).toEqual([100, ...regular, 60_000]);
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

  it("looks every pollIntervalMs after the early look, and reports each status the job passes through, up to SUCCEEDED", async () => {
    const jobId = await redeploy();
    const onStatus = jest.fn();
    // When each look was sent: the plan counts from there (the emulator's receipt times add each request's own delay).
    const at: number[] = [];
    const timedGetJob = (id: string) => {
      at.push(Date.now());
      return getJob(id);
    };
    await waitForJob(jobId, timedGetJob, { firstPollMs: 10, pollIntervalMs: 40, onStatus });
    expect(jobPolls(jobId)).toHaveLength(at.length);
    const intervals = at.slice(1).map((t, i) => t - at[i]);
    expect(intervals.length).toBeGreaterThanOrEqual(3);
    // The job's phase (up to 40 ms), then 40, 40, ...: each at least the planned delay. That
    // no delay is planned beyond pollIntervalMs is asserted exactly on the fake clock above: a
    // wall-clock upper bound here would fail on a loaded machine.
    intervals.forEach((interval, i) => expect(interval).toBeGreaterThanOrEqual((i === 0 ? phaseOf(jobId, 40) : 40) - 1));
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
    const error = await waitForJob(jobId, getJob, { firstPollMs: 20, pollIntervalMs: 50 }).catch((e: unknown) => e);
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
    const error = await waitForJob(jobId, getJob, { timeoutMs: 300, firstPollMs: 20, pollIntervalMs: 100 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ jobId, status: "TIMED_OUT" });
    expect((error as Error).message).toContain(`job ${jobId} still RUNNING`);
    expect(elapsed).toBeGreaterThanOrEqual(300);
  });
});
