/**
 * jobProgress: the lines a job's answers make (status, `[tasks done/total]`, warnings for
 * failed tasks, server text escaped); the reporter a waiter calls on every answer (each line
 * once, ephemeral while the job runs, kept at its end); and the ephemeral flag and the
 * severity reaching a fake engine's Log RPC, as the dynamic-provider host sends them.
 */
import type * as grpc from "@grpc/grpc-js";
import { JobResponse } from "../../provider/codecs/responses";
import { CONTROL_CHARACTER } from "../../provider/errors";
import { jobProgress, jobProgressReporter } from "../../provider/jobProgress";
import { waitForJob } from "../../provider/jobWaiter";
import { ProgressOptions, reportProgress, reportStatus, reportWarning, setProgressSink } from "../../provider/progress";
import { engineLog, pulumiRpc } from "../../provider/pulumiRpc";

type Task = NonNullable<JobResponse["tasks"]>[number];
const task = (task_name: string, task_status: string, messages: string | string[] = []): Task => ({ task_name, task_status, messages });

/** An answer of GET .../jobs/{job_id}; `task_count` as the server sends it (a number, or a string of digits). */
const answer = (status: string, tasks: Task[], taskCount?: number | string): JobResponse =>
  ({ ...(taskCount !== undefined ? { task_count: taskCount } : {}), job: { execution_status: status, job_id: "JOB-1" }, tasks }) as JobResponse;

describe("jobProgress", () => {
  it("shows the status, the tasks done of all, and the task under way", () => {
    const job = answer("RUNNING", [task("prepare-job", "SUCCEEDED"), task("build-job", "SUCCEEDED"), task("deploy-job", "RUNNING")], 5);
    expect(jobProgress("JOB-1", job)).toEqual({ line: "job JOB-1 RUNNING [2/5 tasks] deploy-job", ended: false, warnings: [] });
  });

  it.each([
    ["sent as a string of digits", "3", "[1/3 tasks]"],
    ["when it is missing", undefined, "[1/2 tasks]"],
    ["when it is not a count", "many", "[1/2 tasks]"],
    ["when it is fewer than the tasks listed", 1, "[1/2 tasks]"],
  ])("reads task_count %s (else counts the tasks listed): %p", (_label, taskCount, counted) => {
    const job = answer("RUNNING", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "RUNNING")], taskCount);
    expect(jobProgress("JOB-1", job).line).toBe(`job JOB-1 RUNNING ${counted} deploy-job`);
  });

  it("shows the status alone before the job has tasks", () => {
    expect(jobProgress("JOB-1", answer("SUBMITTED", []))).toEqual({ line: "job JOB-1 SUBMITTED", ended: false, warnings: [] });
    expect(jobProgress("JOB-1", { job: { execution_status: "SUBMITTED" } }).line).toBe("job JOB-1 SUBMITTED");
  });

  it("marks a job that SUCCEEDED as ended, without a task under way", () => {
    const job = answer("SUCCEEDED", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "SUCCEEDED")], 2);
    expect(jobProgress("JOB-1", job)).toEqual({ line: "job JOB-1 SUCCEEDED [2/2 tasks]", ended: true, warnings: [] });
  });

  it("warns of each failed task with its messages, and of no task merely SCHEDULED or ROLLBACKING", () => {
    const job = answer(
      "FAILED",
      [
        task("prepare-job", "SUCCEEDED"),
        task("deploy-job", "FAILED", ["image pull failed", "back-off 5m"]),
        task("notify-job", "CANCELLED", "webhook 502"),
        task("scale-job", "SCHEDULED"),
        task("undo-job", "ROLLBACKING"),
      ],
      5,
    );
    expect(jobProgress("JOB-1", job)).toEqual({
      line: "job JOB-1 FAILED [1/5 tasks]",
      ended: true,
      warnings: ["deploy-job (FAILED): image pull failed back-off 5m", "notify-job (CANCELLED): webhook 502"],
    });
  });

  it("warns of a task that failed while the job goes on (rolling back)", () => {
    const job = answer("ROLLBACKING", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "FAILED", "health check failed")], 3);
    expect(jobProgress("JOB-1", job)).toEqual({
      line: "job JOB-1 ROLLBACKING [1/3 tasks] deploy-job",
      ended: false,
      warnings: ["deploy-job (FAILED): health check failed"],
    });
  });

  it("escapes every control character the server sends, so that no answer forges a line", () => {
    const job = answer(
      "RUNNING\r\n::error::forged",
      [task("prepare-job", "SUCCEEDED"), task("deploy\n::warning::x", "FAILED", ["pull\u001b[2Kfailed", "\u202eright-to-left\u2028next"])],
      2,
    );
    const { line, warnings } = jobProgress("JOB\n-1", job);
    expect(line).toBe("job JOB\\u000a-1 RUNNING\\u000d\\u000a::error::forged [1/2 tasks] deploy\\u000a::warning::x");
    expect(warnings).toEqual(["deploy\\u000a::warning::x (FAILED): pull\\u001b[2Kfailed \\u202eright-to-left\\u2028next"]);
    for (const text of [line, ...warnings]) expect(text).not.toMatch(CONTROL_CHARACTER);
  });
});

describe("jobProgressReporter", () => {
  const shown: Array<{ message: string; options?: ProgressOptions }> = [];
  beforeEach(() => {
    shown.length = 0;
    setProgressSink((message, options) => shown.push({ message, ...(options !== undefined ? { options } : {}) }));
  });
  afterEach(() => setProgressSink(undefined));

  const PREFIX = "servicestage: component app/web: ";

  it("shows the status line while it changes, each warning once, and keeps the last line", () => {
    const onPoll = jobProgressReporter(PREFIX, "JOB-1");
    const running = (done: number, status = "RUNNING") =>
      answer(
        status,
        [task("prepare-job", "SUCCEEDED"), ...Array.from({ length: done }, (_, i) => task(`step-${i}`, "SUCCEEDED")), task("deploy-job", "RUNNING")],
        5,
      );
    onPoll(answer("SUBMITTED", []));
    onPoll(answer("SUBMITTED", []));
    onPoll(running(0));
    onPoll(running(0));
    onPoll(running(2));
    const failing = answer("ROLLBACKING", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "FAILED", "health check failed")], 5);
    onPoll(failing);
    onPoll(failing);
    onPoll(answer("ROLLBACKED", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "FAILED", "health check failed")], 5));
    expect(shown).toEqual([
      { message: `${PREFIX}job JOB-1 SUBMITTED`, options: { ephemeral: true } },
      { message: `${PREFIX}job JOB-1 RUNNING [1/5 tasks] deploy-job`, options: { ephemeral: true } },
      { message: `${PREFIX}job JOB-1 RUNNING [3/5 tasks] deploy-job`, options: { ephemeral: true } },
      { message: `${PREFIX}job JOB-1: deploy-job (FAILED): health check failed`, options: { severity: "warning" } },
      { message: `${PREFIX}job JOB-1 ROLLBACKING [1/5 tasks] deploy-job`, options: { ephemeral: true } },
      { message: `${PREFIX}job JOB-1 ROLLBACKED [1/5 tasks]` },
    ]);
  });

  it("follows a wait as its onPoll: ephemeral lines while the job runs, one kept line at its end", async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    try {
      const answers = [
        answer("RUNNING", [task("prepare-job", "RUNNING"), task("deploy-job", "INIT")], 2),
        answer("RUNNING", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "RUNNING")], 2),
        answer("RUNNING", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "RUNNING")], 2),
        answer("SUCCEEDED", [task("prepare-job", "SUCCEEDED"), task("deploy-job", "SUCCEEDED")], 2),
      ];
      let polls = 0;
      const getJob = async () => answers[Math.min(polls++, answers.length - 1)];
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const waited = waitForJob("JOB-1", getJob, { sleep, onPoll: jobProgressReporter(PREFIX, "JOB-1") });
      await jest.runAllTimersAsync();
      await waited;
    } finally {
      jest.useRealTimers();
    }
    expect(shown).toEqual([
      { message: `${PREFIX}job JOB-1 RUNNING [0/2 tasks] prepare-job`, options: { ephemeral: true } },
      { message: `${PREFIX}job JOB-1 RUNNING [1/2 tasks] deploy-job`, options: { ephemeral: true } },
      { message: `${PREFIX}job JOB-1 SUCCEEDED [2/2 tasks]` },
    ]);
  });
});

describe("the engine's Log RPC", () => {
  const rpc = pulumiRpc();
  let server: grpc.Server;
  let address: string;
  let received: Array<{ message: string; severity: number; urn: string; ephemeral: boolean }>;
  let arrived: () => void;
  let nextArrival: Promise<void>;
  const expectArrivals = (n: number) => {
    nextArrival = new Promise((resolve) => {
      arrived = () => {
        if (received.length >= n) resolve();
      };
    });
  };

  beforeEach(async () => {
    received = [];
    server = new rpc.grpc.Server();
    server.addService(rpc.engine.EngineService, {
      log: (
        call: { request: { getMessage(): string; getSeverity(): number; getUrn(): string; getEphemeral(): boolean } },
        cb: (e: null, r: unknown) => void,
      ) => {
        const r = call.request;
        received.push({ message: r.getMessage(), severity: r.getSeverity(), urn: r.getUrn(), ephemeral: r.getEphemeral() });
        cb(null, new rpc.Empty());
        arrived();
      },
      getRootResource: (_c: unknown, cb: (e: Error) => void) => cb(new Error("unimplemented")),
      setRootResource: (_c: unknown, cb: (e: Error) => void) => cb(new Error("unimplemented")),
      startDebugging: (_c: unknown, cb: (e: Error) => void) => cb(new Error("unimplemented")),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", rpc.grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    address = `127.0.0.1:${port}`;
  });
  afterEach(() => server.forceShutdown());

  const { INFO, WARNING } = rpc.engineMessages.LogSeverity;

  it("carries ephemeral, the severity and the URN", async () => {
    expectArrivals(3);
    const log = engineLog(address);
    log("job JOB-1 RUNNING [1/2 tasks] deploy-job", { ephemeral: true, urn: "urn:pulumi:s::p::t::n" });
    log("deploy-job (FAILED): x", { severity: "warning" });
    log("job JOB-1 SUCCEEDED");
    await nextArrival;
    expect(received.sort((a, b) => a.message.localeCompare(b.message))).toEqual([
      { message: "deploy-job (FAILED): x", severity: WARNING, urn: "", ephemeral: false },
      { message: "job JOB-1 RUNNING [1/2 tasks] deploy-job", severity: INFO, urn: "urn:pulumi:s::p::t::n", ephemeral: true },
      { message: "job JOB-1 SUCCEEDED", severity: INFO, urn: "", ephemeral: false },
    ]);
  });

  it("is where the dynamic-provider host's progress goes: reportStatus ephemeral, reportWarning a warning, reportProgress as before", async () => {
    const argv = process.argv;
    // The host's command line: its script, then the engine's address.
    process.argv = [argv[0], "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", address];
    setProgressSink(undefined);
    try {
      expectArrivals(3);
      reportStatus("status");
      reportWarning("warning");
      reportProgress("kept");
      await nextArrival;
    } finally {
      process.argv = argv;
      setProgressSink(undefined);
    }
    expect(received.sort((a, b) => a.message.localeCompare(b.message))).toEqual([
      { message: "kept", severity: INFO, urn: "", ephemeral: false },
      { message: "status", severity: INFO, urn: "", ephemeral: true },
      { message: "warning", severity: WARNING, urn: "", ephemeral: false },
    ]);
  });
});
