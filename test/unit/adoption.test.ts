/**
 * When a job component's last job is taken instead of starting another (provider/adoption.ts):
 * the rule on its own, then through the JobComponent lifecycle in-process against the
 * emulator, counting redeploys. The same flows through the plain CLI are in
 * test/cli/interrupted.test.ts.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { jobCarryingSpec, lostAnswerVerdict, showsChanges, showsSpec } from "../../provider/adoption";
import type { ComponentResponse } from "../../provider/codecs/responses";
import { cancelInFlight, setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { jobComponentProvider } from "../harness/providers";
import { InitFailedError } from "../../provider/errors";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobComponentInputs, seed } from "../harness/world";
import { lastJobEnded } from "../harness/jobs";

const live = (fields: Record<string, unknown>, status: Record<string, unknown> = { last_job_id: "JOB-2" }): ComponentResponse => ({
  name: "c",
  ...fields,
  status,
});

describe("the rule", () => {
  test("showsSpec: every field the GET returns carries what was sent, and the GET shows the version", () => {
    expect(showsSpec(live({ version: "1.0.1", replica: "2" }), { version: "1.0.1", replica: 2, task_setting: { parallelism: 3 } })).toBe(true);
    expect(showsSpec(live({ version: "1.0.0" }), { version: "1.0.1" })).toBe(false);
    expect(showsSpec(live({ replica: 2 }), { version: "1.0.1", replica: 2 })).toBe(false);
  });

  test("showsChanges: a change is proven only where the GET returns the field", () => {
    const shown = { version: "1.0.1", source: { kind: "package", url: "obs://b/a.jar" } };
    expect(showsChanges(shown, { version: "1.0.0" }, { version: "1.0.1" })).toBe(true);
    // task_setting and http_password are never returned.
    expect(showsChanges(shown, { version: "1.0.1", task_setting: { parallelism: 1 } }, { version: "1.0.1", task_setting: { parallelism: 2 } })).toBe(false);
    expect(
      showsChanges(shown, { source: { kind: "package", url: "obs://b/a.jar" } }, { source: { kind: "package", url: "obs://b/a.jar", http_password: "x" } }),
    ).toBe(false);
    // A removed field looks the same as one the GET leaves out.
    expect(showsChanges(shown, { version: "1.0.1", replica: 2 }, { version: "1.0.1" })).toBe(false);
    // A first deploy: every declared field is a change.
    expect(showsChanges(shown, undefined, { version: "1.0.1", source: { kind: "package" } })).toBe(true);
    expect(showsChanges(shown, undefined, { version: "1.0.1", task_setting: { parallelism: 1 } })).toBe(false);
    // Lists item by item.
    expect(showsChanges({ envs: [{ name: "A", value: "2" }] }, { envs: [{ name: "A", value: "1" }] }, { envs: [{ name: "A", value: "2" }] })).toBe(true);
    expect(showsChanges({ envs: [{ name: "A" }] }, { envs: [{ name: "A", value: "1" }] }, { envs: [{ name: "A", value: "2" }] })).toBe(false);
  });

  test("jobCarryingSpec: the last job, only when the spec and every change are shown", () => {
    const sent = { version: "1.0.1", replica: 2 };
    expect(jobCarryingSpec(live({ version: "1.0.1", replica: 2 }), sent, { version: "1.0.0", replica: 2 })).toBe("JOB-2");
    expect(jobCarryingSpec(live({ version: "1.0.0", replica: 2 }), sent, { version: "1.0.0", replica: 2 })).toBeUndefined();
    expect(jobCarryingSpec(live({ version: "1.0.1", replica: 2 }, {}), sent, { version: "1.0.0", replica: 2 })).toBeUndefined();
    expect(
      jobCarryingSpec(live({ version: "1.0.1" }), { ...sent, task_setting: { parallelism: 2 } }, { ...sent, task_setting: { parallelism: 1 } }),
    ).toBeUndefined();
  });

  test("lostAnswerVerdict: retry when no job was started, adopt ours, stop on someone else's", () => {
    const now = Date.now();
    const found = (fields: Record<string, unknown>, status: Record<string, unknown>) => ({ found: true as const, value: live(fields, status) });
    const sent = { version: "1.0.1" };
    expect(lostAnswerVerdict({ found: false, status: 404, errorCode: "SVCSTG.00100404" }, sent, "JOB-1", now)).toEqual({ retry: true });
    expect(lostAnswerVerdict(found({ version: "1.0.0" }, { last_job_id: "JOB-1" }), sent, "JOB-1", now)).toEqual({ retry: true });
    expect(lostAnswerVerdict(found({ version: "1.0.1" }, { last_job_id: "JOB-2", update_time: now }), sent, "JOB-1", now)).toEqual({
      adopt: { job_id: "JOB-2" },
    });
    // Within the 5 s allowed for clock skew.
    expect(lostAnswerVerdict(found({ version: "1.0.1" }, { last_job_id: "JOB-2", update_time: now - 4_000 }), sent, "JOB-1", now)).toEqual({
      adopt: { job_id: "JOB-2" },
    });
    const foreign = lostAnswerVerdict(found({ version: "9.9.9" }, { last_job_id: "JOB-2", update_time: now }), sent, "JOB-1", now);
    expect(foreign).toEqual({ stop: expect.stringMatching(/changed outside Pulumi: its last job is JOB-2.*does not show the spec/) });
    const older = lostAnswerVerdict(found({ version: "1.0.1" }, { last_job_id: "JOB-2", update_time: now - 60_000 }), sent, "JOB-1", now);
    expect(older).toEqual({ stop: expect.stringMatching(/older than this request/) });
    // No job known before, and this one predates the request: not ours, and nothing was started.
    expect(lostAnswerVerdict(found({ version: "1.0.1" }, { last_job_id: "JOB-2", update_time: now - 60_000 }), sent, undefined, now)).toEqual({ retry: true });
  });
});

describe("through the JobComponent lifecycle", () => {
  let emulator: Emulator;
  const progress: string[] = [];
  const ID = `${APP_ID}/${COMPONENT_ID}`;

  const start = async (jobDurationMs: number) => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs });
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  };
  beforeEach(() => {
    progress.length = 0;
    setProgressSink((m) => progress.push(m));
  });
  afterEach(() => emulator.close());

  const redeploys = () => emulator.requests().filter((r) => r.method === "PUT" && r.path.endsWith("/redeployment")).length;
  const lastJobId = () => emulator.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id;
  const created = async (overrides: Record<string, unknown> = {}) => {
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs(overrides))).inputs;
    return (await jobComponentProvider.create(inputs)).outs as Record<string, unknown>;
  };
  const failureOf = async (p: Promise<unknown>): Promise<Error> => {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected a failure");
  };
  /** Once the update has polled its job, its wait is in flight: a Cancel ends it (a Cancel sent earlier has no wait to end). */
  const jobPolled = async () => {
    const deadline = Date.now() + 30_000;
    while (redeploys() < 2 || !emulator.requests().some((r) => r.method === "GET" && r.path.endsWith(`/jobs/${lastJobId()}`))) {
      if (Date.now() > deadline) throw new Error("the update never polled its job");
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const jobEnded = async () => {
    await lastJobEnded(emulator, APP_ID, COMPONENT_ID);
  };

  test("a lost answer: the job our redeploy started is adopted, not started again", async () => {
    await start(30);
    emulator.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "lostAnswer" });
    const outs = await created({ version: "2025.0401.1" });
    expect(outs).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    expect(redeploys()).toBe(1);
    expect(progress.some((m) => m.includes("adopted the job already started by a redeploy whose answer was lost"))).toBe(true);
  });

  test("a lost answer on the second update adopts the newer job, not the one it knew", async () => {
    await start(30);
    const first = await created();
    emulator.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "lostAnswer" });
    const second = (await jobComponentProvider.update(ID, first, { ...first, version: "2025.0323.15182" })).outs;
    expect(second?.jobId).not.toBe(first.jobId);
    expect(second?.jobId).toBe(lastJobId());
    expect(redeploys()).toBe(2);
  });

  test("a redeploy refused before it reached ServiceStage (reset) is retried once: one job", async () => {
    await start(30);
    const first = await created();
    emulator.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "reset" });
    const second = (await jobComponentProvider.update(ID, first, { ...first, version: "2025.0323.15182" })).outs;
    expect(second?.jobId).toBe(lastJobId());
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
  });

  test("a foreign redeploy between our failed PUT and the check: never taken for ours; the update fails naming it, no retry", async () => {
    await start(30);
    const first = await created();
    emulator.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "status", status: 500, times: 10 });
    let foreign: string | undefined;
    // The client reports a retry before it waits and checks: the console redeploys right then.
    setProgressSink((m) => {
      if (foreign === undefined && m.includes("retrying in")) foreign = emulator.consoleRedeploy(APP_ID, COMPONENT_ID, { version: "2025.0999.1" }).jobId;
    });
    const e = await failureOf(jobComponentProvider.update(ID, first, { ...first, version: "2025.0501.1" }));
    expect(e.message).toContain(`its last job is ${foreign}`);
    expect(e.message).toMatch(/changed outside Pulumi.*next `pulumi up` will try again/);
    expect(redeploys()).toBe(2); // ours at create, and the PUT answered 500
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2); // ours at create, and the foreign one
  });

  test("(a) an update that timed out names the running job; the next update waits for that job: 0 extra redeploys", async () => {
    await start(2_500);
    const first = await created({ jobTimeoutSeconds: 60 });
    const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 1 };
    const e = await failureOf(jobComponentProvider.update(ID, first, news));
    const running = lastJobId();
    expect(e.message).toContain(`job ${running} still RUNNING after 1 s`);
    expect(e.message).toContain(`Job ${running} is still running in ServiceStage; it is recorded in the stack, and the next \`pulumi up\` will wait for it`);
    const before = redeploys();
    const again = (await jobComponentProvider.update(ID, first, { ...news, jobTimeoutSeconds: 60 })).outs;
    expect(redeploys()).toBe(before);
    expect(again).toMatchObject({ jobId: running, jobStatus: "SUCCEEDED", version: "2025.0501.1" });
    expect(progress.some((m) => m.includes(`deployed by job ${running} (RUNNING) before this update; waiting for it instead of starting another`))).toBe(true);
  });

  test("a job that already succeeded is taken: one GET of the component, one of the job, no PUT", async () => {
    await start(1_500);
    const first = await created({ jobTimeoutSeconds: 60 });
    const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 1 };
    await failureOf(jobComponentProvider.update(ID, first, news));
    const ran = lastJobId();
    await jobEnded();
    emulator.clearRequests();
    const again = (await jobComponentProvider.update(ID, first, news)).outs;
    expect(again).toMatchObject({ jobId: ran, jobStatus: "SUCCEEDED" });
    expect(emulator.requests().map((r) => `${r.method} ${r.path.split("/cas/")[1].replace(/JOB[\w-]+/, "JOB")}`)).toEqual([
      `GET applications/${APP_ID}/components/${COMPONENT_ID}`,
      "GET jobs/JOB",
    ]);
  });

  test("(c) a job that failed is redeployed once by the next update", async () => {
    await start(30);
    const first = await created();
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["image pull failed"] });
    const news = { ...first, version: "2025.0501.1" };
    await expect(jobComponentProvider.update(ID, first, news)).rejects.toThrow(/ended FAILED/);
    const before = redeploys();
    const again = (await jobComponentProvider.update(ID, first, news)).outs;
    expect(redeploys()).toBe(before + 1);
    expect(again).toMatchObject({ jobStatus: "SUCCEEDED", jobId: lastJobId() });
  });

  test("(d) a console redeploy with another spec in between: the next update redeploys once", async () => {
    await start(1_500);
    const first = await created({ jobTimeoutSeconds: 60 });
    const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 1 };
    await failureOf(jobComponentProvider.update(ID, first, news));
    emulator.putComponent(APP_ID, COMPONENT_ID, { ...emulator.getComponent(APP_ID, COMPONENT_ID)?.spec, version: "2025.0999.1" });
    await jobEnded();
    const before = redeploys();
    const again = (await jobComponentProvider.update(ID, first, { ...news, jobTimeoutSeconds: 60 })).outs;
    expect(redeploys()).toBe(before + 1);
    expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe("2025.0501.1");
    expect(again?.jobId).toBe(lastJobId());
  });

  test("(e) a change only in taskSetting, which the GET does not return, is redeployed when nothing recorded the job", async () => {
    await start(2_500);
    const first = await created({ jobTimeoutSeconds: 60 });
    const news = { ...first, taskSetting: { parallelism: 2, completionMode: "Indexed", suspend: false }, jobTimeoutSeconds: 1 };
    await failureOf(jobComponentProvider.update(ID, first, news));
    const before = redeploys();
    await jobEnded();
    await jobComponentProvider.update(ID, first, { ...news, jobTimeoutSeconds: 60 });
    expect(redeploys()).toBe(before + 1);
  });

  test("Cancel ends a job wait promptly, naming the running job; the next update waits for that job", async () => {
    await start(30);
    const first = await created({ jobTimeoutSeconds: 60 });
    emulator.setJobDuration({ ms: 10_000 });
    const news = { ...first, version: "2025.0501.1" };
    const update = failureOf(jobComponentProvider.update(ID, first, news));
    await jobPolled();
    const cancelledAt = Date.now();
    cancelInFlight();
    const e = await update;
    expect(Date.now() - cancelledAt).toBeLessThan(5_000); // far below the job's 10 s, loose enough for a loaded machine
    const running = lastJobId();
    expect(e.message).toMatch(/still (SUBMITTED|SCHEDULED|RUNNING|running) when the wait was cancelled/);
    expect(e.message).toContain(`Job ${running} is still running in ServiceStage; it is recorded in the stack, and the next \`pulumi up\` will wait for it`);
    // Cancel ends only the waits in flight: later work of the process goes on.
    const again = (await jobComponentProvider.update(ID, first, news)).outs;
    expect(again).toMatchObject({ jobId: running, jobStatus: "SUCCEEDED" });
    expect(redeploys()).toBe(2);
  });

  test("(f) no change: no call", async () => {
    await start(30);
    const first = await created();
    emulator.clearRequests();
    await jobComponentProvider.update(ID, first, { ...first });
    expect(emulator.requests()).toHaveLength(0);
  });

  describe("a kill (nothing recorded the job), then an action from the console, then the next update", () => {
    /**
     * An update to 2025.0501.1 that ends while its job runs, whose state is lost, as after a
     * killed CLI: the next update starts again from `first`. Returns the job it started.
     */
    const killedUpdate = async (first: Record<string, unknown>, news: Record<string, unknown>): Promise<string> => {
      await failureOf(jobComponentProvider.update(ID, first, { ...news, jobTimeoutSeconds: 1 }));
      const ours = lastJobId() as string;
      await jobEnded();
      expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus).toBe("SUCCEEDED");
      return ours;
    };
    const fromConsole = (action: string, parameters?: Record<string, unknown>): string =>
      emulator.consoleAction(APP_ID, COMPONENT_ID, action, parameters).jobId;

    test.each([
      ["rollback_current", undefined],
      ["rollback", { version: "2025.0323.15181" }],
    ] as const)(
      "a console %s puts the earlier version back: exactly one redeploy, and the rollback's job is never taken as the redeploy's",
      async (action, parameters) => {
        await start(1_500);
        const first = await created({ version: "2025.0323.15181", jobTimeoutSeconds: 60 });
        const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 60 };
        const ours = await killedUpdate(first, news);
        emulator.setJobDuration({ ms: 30 });
        const rollback = fromConsole(action, parameters);
        await jobEnded();
        expect(emulator.getComponent(APP_ID, COMPONENT_ID)).toMatchObject({ spec: { version: "2025.0323.15181" }, status: { last_job_id: rollback } });
        const before = redeploys();

        const again = (await jobComponentProvider.update(ID, first, news)).outs;
        expect(redeploys()).toBe(before + 1);
        expect(again).toMatchObject({ version: "2025.0501.1", jobStatus: "SUCCEEDED", jobId: lastJobId() });
        expect([rollback, ours]).not.toContain(again?.jobId);
        expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe("2025.0501.1");
        expect(progress.join("\n")).not.toContain(rollback);
      },
    );

    test("a lost answer, then a console rollback before the check: the rollback's job is not adopted, nothing is retried; the next update redeploys once", async () => {
      await start(30);
      const first = await created({ version: "2025.0323.15181" });
      const news = { ...first, version: "2025.0501.1" };
      emulator.setJobDuration({ ms: 0 });
      emulator.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "lostAnswer" });
      let rollback: string | undefined;
      // The client reports its retry before it checks: the console rolls back right then.
      setProgressSink((m) => {
        if (rollback === undefined && m.includes("retrying in")) rollback = fromConsole("rollback_current");
      });
      const e = await failureOf(jobComponentProvider.update(ID, first, news));
      expect(rollback).toBeDefined();
      expect(e.message).toContain(`its last job is ${rollback}`);
      expect(e.message).toMatch(/changed outside Pulumi.*does not show the spec/);
      expect(redeploys()).toBe(2); // the create's, and the one whose answer was lost
      await jobEnded();

      const again = (await jobComponentProvider.update(ID, first, news)).outs;
      expect(redeploys()).toBe(3);
      expect(again).toMatchObject({ version: "2025.0501.1", jobStatus: "SUCCEEDED", jobId: lastJobId() });
      expect(again?.jobId).not.toBe(rollback);
    });

    test.each(["continue_deploy", "check_gray_release", "modify_gray_rule", "sync_workload"])(
      "a console %s keeps the spec the killed update deployed: no job runs twice (0 redeploys), and its job is taken as restart's and scale's are",
      async (action) => {
        await start(1_500);
        const first = await created({ jobTimeoutSeconds: 60 });
        const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 60 };
        await killedUpdate(first, news);
        emulator.setJobDuration({ ms: 30 });
        const actionJob = fromConsole(action);
        await jobEnded();
        const before = redeploys();

        const again = (await jobComponentProvider.update(ID, first, news)).outs;
        // No documented field tells these jobs from a redeploy's (docs/no-job-runs-twice.md):
        // the component carries the spec and its last job succeeded, so that job is recorded.
        expect(redeploys()).toBe(before);
        expect(again).toMatchObject({ version: "2025.0501.1", jobStatus: "SUCCEEDED", jobId: actionJob });
      },
    );
  });

  describe("the job an update recorded (Pulumi's partial failure)", () => {
    /** The failure, and the state it hands the engine, which becomes the next update's olds. */
    const recordedFailure = async (p: Promise<unknown>) => {
      const e = await failureOf(p);
      expect(e).toBeInstanceOf(InitFailedError);
      return e as InitFailedError;
    };
    const calls = () => emulator.requests().map((r) => `${r.method} ${r.path.split("/cas/")[1].replace(/JOB[\w-]+/, "JOB")}`);

    test("a timeout records the spec sent, the job and the status last seen, with the component's id", async () => {
      await start(3_000);
      const first = await created({ jobTimeoutSeconds: 60 });
      const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 1 };
      const e = await recordedFailure(jobComponentProvider.update(ID, first, news));
      expect(e.id).toBe(ID);
      expect(e.properties).toMatchObject({ ...news, jobId: lastJobId(), jobStatus: "RUNNING" });
      expect(e.reasons).toEqual([e.message]);
      expect(e.message).toContain("it is recorded in the stack");
    });

    test("(d) the recorded job still runs: the next update waits for it, with no look at the component: 0 redeploys", async () => {
      await start(2_500);
      const first = await created({ jobTimeoutSeconds: 60 });
      const news = { ...first, version: "2025.0501.1", jobTimeoutSeconds: 1 };
      const state = (await recordedFailure(jobComponentProvider.update(ID, first, news))).properties;
      const running = lastJobId();
      emulator.clearRequests();
      const again = (await jobComponentProvider.update(ID, state, { ...news, jobTimeoutSeconds: 60 })).outs;
      expect(again).toMatchObject({ jobId: running, jobStatus: "SUCCEEDED", version: "2025.0501.1" });
      expect(redeploys()).toBe(0);
      expect(calls().every((c) => c === "GET jobs/JOB")).toBe(true);
    });

    test("(c) the recorded job failed and a console scale succeeded since: exactly one redeploy, the scale's job never taken", async () => {
      await start(30);
      const first = await created();
      emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["image pull failed"] });
      const news = { ...first, version: "2025.0501.1" };
      const e = await recordedFailure(jobComponentProvider.update(ID, first, news));
      expect(e.properties).toMatchObject({ jobStatus: "FAILED" });
      expect(e.message).toMatch(/ended FAILED: deploy-job \(FAILED\): image pull failed/);
      const scale = emulator.consoleAction(APP_ID, COMPONENT_ID, "scale", { replica: 2 }).jobId;
      await jobEnded();
      expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.status).toMatchObject({ last_job_id: scale, component_status: "RUNNING" });
      emulator.clearRequests();
      const again = (await jobComponentProvider.update(ID, e.properties, news)).outs;
      expect(redeploys()).toBe(1);
      expect(again?.jobId).toBe(lastJobId());
      expect(again?.jobId).not.toBe(scale);
      expect(again).toMatchObject({ jobStatus: "SUCCEEDED" });
      // The settle: one GET of the recorded job; then the redeploy: the look, the PUT, the polls.
      expect(calls().slice(0, 3)).toEqual([
        "GET jobs/JOB",
        `GET applications/${APP_ID}/components/${COMPONENT_ID}`,
        `PUT applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`,
      ]);
    });

    test("(e) cancelled, and the job succeeded meanwhile: recorded SUCCEEDED with one job GET, 0 redeploys", async () => {
      await start(30);
      const first = await created({ jobTimeoutSeconds: 60 });
      emulator.setJobDuration({ ms: 1_500 });
      const news = { ...first, version: "2025.0501.1" };
      const update = recordedFailure(jobComponentProvider.update(ID, first, news));
      await jobPolled();
      cancelInFlight();
      const state = (await update).properties;
      await jobEnded();
      emulator.clearRequests();
      const again = (await jobComponentProvider.update(ID, state, news)).outs;
      expect(again).toMatchObject({ jobId: state.jobId, jobStatus: "SUCCEEDED" });
      expect(calls()).toEqual(["GET jobs/JOB"]);
    });

    test("a change of spec after a recorded failure deploys the new spec; a preview's diff says why an unchanged one updates", async () => {
      await start(30);
      const first = await created();
      emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED" });
      const news = { ...first, version: "2025.0501.1" };
      const state = (await recordedFailure(jobComponentProvider.update(ID, first, news))).properties;
      progress.length = 0;
      expect((await jobComponentProvider.diff(ID, state, news)).changes).toBe(false);
      expect(progress.join("\n")).toMatch(/recorded job JOB[\w-]+ as FAILED without seeing it succeed; `pulumi up` will look at that job/);
      const newer = (await jobComponentProvider.update(ID, state, { ...news, version: "2025.0502.1" })).outs;
      expect(newer).toMatchObject({ version: "2025.0502.1", jobStatus: "SUCCEEDED", jobId: lastJobId() });
    });

    test("waitForJob: false records what it saw and never settles it later", async () => {
      await start(30);
      const first = await created({ waitForJob: false });
      emulator.clearRequests();
      await jobComponentProvider.update(ID, first, { ...first });
      expect(emulator.requests()).toHaveLength(0);
    });
  });
});
