/**
 * How late a job's end is seen, and what seeing it costs: provider/jobWaiter.ts's
 * waitForJob against the schedule before it (a look at 100 ms, doubling to every 10 s,
 * kept below for comparison only), on a virtual clock, so that minutes of jobs take
 * milliseconds and the figures are the same on every machine.
 *
 * Per job length (1 s, 30 s, 5 min): 50 jobs ending at random times within half a length
 * either side, with random ids (a job's looks fall at a phase taken from its id): the
 * detection latency (from the job's end to the look that sees it sent), its maximum and
 * mean, and the requests per job. Then the fleet: 200 jobs of one `pulumi up` (30 s to
 * 5 min each) at the engine's default parallelism on 2 cores (8) and at `--parallel 200`:
 * the requests a second, mean and the busiest second.
 *
 *   node .tools/bench-build/bench/jobDetection.js   this figure alone (prints its rows, writes nothing)
 */
import { ExecutionStatus, JobResponse } from "../provider/codecs/responses";
import { POLL_INTERVAL_MS, hasFailed, waitForJob } from "../provider/jobWaiter";
import { record, round } from "./report";

/**
 * A clock that jumps from one timer to the next once every promise chain has settled:
 * the waiter reads it through Date.now and sleeps on it through its `sleep` option.
 */
class VirtualClock {
  now = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];

  readonly sleep = (ms: number): Promise<void> => new Promise((wake) => this.timers.push({ at: this.now + Math.max(0, ms), wake }));

  /** Runs `work` to its end, Date.now reading this clock meanwhile. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const realNow = Date.now;
    Date.now = () => this.now;
    try {
      let done = false;
      const result = work().finally(() => {
        done = true;
      });
      for (;;) {
        // setImmediate comes after every microtask: each wait has reached its next sleep, or its end.
        await new Promise((resolve) => setImmediate(resolve));
        if (done || this.timers.length === 0) break;
        const at = Math.min(...this.timers.map((t) => t.at));
        this.now = at;
        const due = this.timers.filter((t) => t.at === at);
        this.timers = this.timers.filter((t) => t.at !== at);
        due.forEach((t) => t.wake());
      }
      return await result;
    } finally {
      Date.now = realNow;
    }
  }
}

type Waiter = (jobId: string, getJob: (jobId: string) => Promise<JobResponse>, sleep: (ms: number) => Promise<unknown>) => Promise<JobResponse>;

/** The previous schedule, for comparison only: a look at 100 ms, then doubling the wait up to every 10 s. */
const previousWaiter: Waiter = async (jobId, getJob, sleep) => {
  let delay = 100;
  for (;;) {
    await sleep(delay);
    const job = await getJob(jobId);
    const status = job.job.execution_status;
    if (status === "SUCCEEDED" || hasFailed(status)) return job;
    delay = Math.min(10_000, delay * 2);
  }
};

const newWaiter: Waiter = (jobId, getJob, sleep) => waitForJob(jobId, getJob, { sleep, timeoutMs: 24 * 3600_000 });

const SCHEDULES: ReadonlyArray<readonly [string, Waiter]> = [
  ["previous", previousWaiter],
  ["new", newWaiter],
];

/** A reproducible stream of numbers in [0, 1) (mulberry32): the same jobs on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const randomJobId = (random: () => number) => `JOB${Math.floor(random() * 2 ** 32).toString(16)}-${Math.floor(random() * 2 ** 32).toString(16)}`;

interface Seen {
  latencyMs: number;
  requests: number;
  lookedAt: number[];
}

/** One job that runs `lengthMs` from `clock.now`, waited for by `waiter`: when its end was seen, and the looks it cost. */
const follow = async (clock: VirtualClock, waiter: Waiter, jobId: string, lengthMs: number): Promise<Seen> => {
  const endsAt = clock.now + lengthMs;
  const lookedAt: number[] = [];
  const getJob = async (): Promise<JobResponse> => {
    lookedAt.push(clock.now);
    const status: ExecutionStatus = clock.now >= endsAt ? "SUCCEEDED" : "RUNNING";
    return { job: { execution_status: status, job_id: jobId }, tasks: [] };
  };
  await waiter(jobId, getJob, clock.sleep);
  return { latencyMs: lookedAt[lookedAt.length - 1] - endsAt, requests: lookedAt.length, lookedAt };
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const seconds = (ms: number) => `${round(ms / 1000, 2)} s`;

/** 50 jobs around each length, on both schedules: latency max and mean, requests per job. */
const benchLengths = async () => {
  const JOBS = 50;
  for (const [label, lengthMs] of [
    ["1 s", 1000],
    ["30 s", 30_000],
    ["5 min", 300_000],
  ] as const) {
    const random = seeded(lengthMs);
    const jobs = Array.from({ length: JOBS }, () => ({ id: randomJobId(random), lengthMs: Math.round(lengthMs * (0.5 + random())) }));
    const raw: Record<string, { latenciesMs: number[]; requests: number[] }> = {};
    const parts: string[] = [];
    for (const [name, waiter] of SCHEDULES) {
      const seen: Seen[] = [];
      for (const job of jobs) {
        const clock = new VirtualClock();
        seen.push(await clock.run(() => follow(clock, waiter, job.id, job.lengthMs)));
      }
      const latencies = seen.map((s) => s.latencyMs);
      const requests = seen.map((s) => s.requests);
      raw[name] = { latenciesMs: latencies, requests };
      parts.push(`${name}: latency max ${seconds(Math.max(...latencies))}, mean ${seconds(mean(latencies))}; ${round(mean(requests), 1)} requests per job`);
    }
    // The goal: seen within 2 s, and no more requests than the early look and one per 2 s up to the end seen.
    const newLatencies = raw.new.latenciesMs;
    const withinBudget = jobs.every((job, i) => raw.new.requests[i] <= 1 + Math.ceil((job.lengthMs + newLatencies[i]) / POLL_INTERVAL_MS));
    record(
      `job end seen, 50 jobs of ${label} (+/- half), previous / new schedule`,
      parts.join("; "),
      "new: latency <= 2 s; <= 1 request per 2 s + the early look",
      Math.max(...newLatencies) <= 2000 && withinBudget,
      { lengthsMs: jobs.map((j) => j.lengthMs), ...raw },
    );
  }
};

/**
 * 200 jobs of one `pulumi up`, `parallel` of them waited for at once (an update holds its
 * slot until its job ends; a slot takes the next job as soon as its job's end is seen):
 * the requests a second over the whole run, and in its busiest second.
 */
const benchFleet = async () => {
  const JOBS = 200;
  const random = seeded(200);
  const jobs = Array.from({ length: JOBS }, () => ({ id: randomJobId(random), lengthMs: Math.round(30_000 + random() * 270_000) }));
  for (const parallel of [8, 200]) {
    const parts: string[] = [];
    const raw: Record<string, unknown> = {};
    for (const [name, waiter] of SCHEDULES) {
      const clock = new VirtualClock();
      const looks: number[] = [];
      let next = 0;
      const slot = async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          looks.push(...(await follow(clock, waiter, job.id, job.lengthMs)).lookedAt);
        }
      };
      await clock.run(() => Promise.all(Array.from({ length: parallel }, slot)));
      const wallMs = clock.now;
      const perSecond = new Map<number, number>();
      for (const at of looks) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
      const busiest = Math.max(...perSecond.values());
      // The first seconds hold every job's early look, as they held the PUTs before them.
      const busiestLater = Math.max(...[...perSecond].filter(([second]) => second >= 2).map(([, n]) => n));
      parts.push(
        `${name}: ${looks.length} requests in ${round(wallMs / 60_000, 1)} min, ${round(looks.length / (wallMs / 1000), 1)}/s, ` +
          `busiest second ${busiest} (from the third second on: ${busiestLater})`,
      );
      raw[name] = { requests: looks.length, wallMs, busiestSecond: busiest, busiestSecondFromTheThird: busiestLater };
    }
    record(`job polls, ${JOBS} jobs of 30 s to 5 min, ${parallel} at once (previous / new schedule)`, parts.join("; "), "(information)", null, raw);
  }
};

export const benchJobDetection = async () => {
  await benchLengths();
  await benchFleet();
};

if (require.main === module)
  benchJobDetection().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`);
      process.exit(1);
    },
  );
