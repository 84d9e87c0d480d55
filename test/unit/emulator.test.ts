/**
 * The ServiceStage emulator over real HTTP (node:http client, no keep-alive so a
 * reset never leaks into the next request).
 */
import { request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isRight } from "fp-ts/Either";
import { dropNulls } from "../../provider/codecs/casing";
import { EditReleasePlanBody } from "../../provider/codecs/editReleasePlan";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { ComponentResponse, JobResponse, ReleasePlanResponse } from "../../provider/codecs/responses";
import { percentEncode, signRequest } from "../../provider/signer";
import { CONTROLS } from "../../emulator/control";
import { ControlError, Emulator, EmulatorOptions, Seed, startEmulator } from "../../emulator/server";
import { parseSeed } from "../../emulator/state";

const PROJECT = "0a1b2c3d4e5f";
const APP = "app-demo";
const COMP = "comp-job";
const PLAN = "bb09c189-d17e-480a-a0e4-3a102b3795b0";
const TOKEN = "emulator-token";
const AKSK = { accessKey: "EMULATORAK", secretKey: "EMULATORSK" };
// Long enough that "RUNNING" is still observable on a loaded CI machine.
const JOB_MS = 400;

const exampleSeed: Seed = parseSeed(JSON.parse(readFileSync(join(__dirname, "..", "..", "emulator", "seed.example.json"), "utf8")));
const exampleSpec = (): Record<string, unknown> => structuredClone(exampleSeed.components[0].spec);
const examplePlan = (): Record<string, unknown> => structuredClone(exampleSeed.releasePlans[0].plan);

const componentPath = (app = APP, comp = COMP, project = PROJECT) => `/v3/${project}/cas/applications/${app}/components/${comp}`;
const redeployPath = (app = APP, comp = COMP) => `${componentPath(app, comp)}/redeployment`;
const planPath = (id = PLAN) => `/v3/${PROJECT}/cas/release-plans/${id}`;
const jobPath = (id: string) => `/v3/${PROJECT}/cas/jobs/${id}`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

type Auth =
  "token" | "aksk" | "none" | { token: string } | { aksk: { accessKey: string; secretKey: string }; date?: Date; tamper?: (h: Record<string, string>) => void };

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  auth?: Auth;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

let emu: Emulator;
const started: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ seed: exampleSeed, jobDurationMs: JOB_MS, ...options });
  started.push(e);
  return e;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

/** Resolves with the answer, rejects when the connection dies without one. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

function call(method: string, path: string, opts: CallOptions = {}, base = emu.url): Promise<Answer> {
  const body = opts.rawBody ?? (opts.body === undefined ? "" : JSON.stringify(opts.body));
  const query = opts.query;
  const fullPath = query
    ? `${path}?${Object.entries(query)
        .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
        .join("&")}`
    : path;
  const headers: Record<string, string> = { "Content-Type": "application/json", ...opts.headers };
  const auth = opts.auth ?? "token";
  if (auth === "token") headers["X-Auth-Token"] = TOKEN;
  else if (typeof auth === "object" && "token" in auth) headers["X-Auth-Token"] = auth.token;
  else if (auth !== "none") {
    const spec = auth === "aksk" ? { aksk: AKSK } : auth;
    const toSign = { "Content-Type": "application/json", "X-Project-Id": PROJECT, Host: new URL(base).host };
    Object.assign(headers, toSign, signRequest({ method, path: decodeURIComponent(path), query, headers: toSign, body }, spec.aksk, spec.date));
    spec.tamper?.(headers);
  }
  return send(base, method, fullPath, headers, body);
}

const control = (method: string, path: string, body?: unknown): Promise<Answer> => call(method, `/__control/${path}`, { body, auth: "none" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The v3 job page's statuses of a job still going. */
const GOING = ["SUBMITTED", "SCHEDULED", "RUNNING", "ROLLBACKING"];
/** Polls the job until its status is not a going one; `endedBy` is when that first answer arrived (the emulator judged it no later). */
async function pollJob(jobId: string, auth: Auth = "token"): Promise<{ answer: Answer; endedBy: number }> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    const answer = await call("GET", jobPath(jobId), { auth });
    if (!GOING.includes(answer.json?.job?.execution_status)) return { answer, endedBy: Date.now() };
    await sleep(20);
  }
  throw new Error("job never finished");
}
const waitForJob = async (jobId: string, auth: Auth = "token"): Promise<Answer> => (await pollJob(jobId, auth)).answer;

beforeEach(async () => {
  emu = await start();
});

describe("seed.example.json", () => {
  it("decodes with the request codecs", () => {
    expect(isRight(RedeployJobComponentBody.decode(dropNulls(exampleSpec())))).toBe(true);
    expect(isRight(EditReleasePlanBody.decode(dropNulls(examplePlan())))).toBe(true);
    expect(exampleSeed.projectId).toBe(PROJECT);
    expect(emu.projectId).toBe(PROJECT);
  });

  it("serves a default empty project without a seed", async () => {
    const e = await startEmulator({});
    started.push(e);
    expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call("GET", componentPath(), {}, e.url)).json.error_code).toBe("SVCSTG.00100403");
  });
});

describe("redeploy and job status", () => {
  it.each(["token", "aksk"] as const)("redeploys, runs the job RUNNING -> SUCCEEDED (%s)", async (auth) => {
    const spec = {
      ...exampleSpec(),
      version: "2025.0324.1",
      replica: 3,
      task_setting: { parallelism: 1, active_deadline_seconds: null, completion_mode: "Indexed", suspend: false },
    };
    const put = await call("PUT", redeployPath(), { body: spec, auth });
    expect(put.status).toBe(200);
    expect(put.headers["content-type"]).toBe("application/json");
    expect(put.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const jobId: string = put.json.job_id;
    expect(jobId).toMatch(/^JOB[0-9a-f-]{36}$/);

    const running = await call("GET", jobPath(jobId), { auth });
    expect(running.status).toBe(200);
    expect(isRight(JobResponse.decode(running.json))).toBe(true);
    expect(running.json.job).toEqual({
      execution_status: expect.stringMatching(/^(SUBMITTED|SCHEDULED|RUNNING)$/),
      job_id: jobId,
      job_type: "DAILY_OPERATION",
      rollback_enabled: false,
    });
    const during = await call("GET", componentPath(), { auth });
    expect(during.json.status).toMatchObject({ component_status: "UPGRADING", last_job_id: jobId });

    const done = await waitForJob(jobId, auth);
    expect(done.json.job.execution_status).toBe("SUCCEEDED");
    expect(done.json.task_count).toBe(2);
    expect(done.json.tasks[1]).toMatchObject({ task_name: "deploy-job", task_status: "SUCCEEDED", messages: "" });

    const after = await call("GET", componentPath(), { auth });
    expect(after.status).toBe(200);
    expect(isRight(ComponentResponse.decode(after.json))).toBe(true);
    expect(after.json).toMatchObject({ id: COMP, application_id: APP, version: "2025.0324.1", replica: 3 });
    expect(after.json.status).toMatchObject({ component_status: "RUNNING", available_replica: 3, replica: 3, last_job_id: jobId });
    // fail_detail is an enum of the SDK (ComponentFailDetail) with no "nothing failed" value: absent.
    expect(after.json.status).not.toHaveProperty("fail_detail");
    expect(typeof after.json.status.update_time).toBe("number");
    expect(emu.redeployCount(COMP)).toBe(1);
    expect(emu.redeployCount()).toBe(1);
    expect(emu.requests().map((r) => r.auth)).toEqual(expect.arrayContaining([auth]));
    expect(emu.requests().every((r) => r.auth === auth)).toBe(true);
  });

  it("GET returns only the fields the real GET returns (no task_setting, workload_kind...)", async () => {
    const put = await call("PUT", redeployPath(), { body: { ...exampleSpec(), workload_kind: "job", timezone: "Asia/Shanghai" } });
    expect(put.status).toBe(200);
    const got = await call("GET", componentPath());
    expect(got.json.timezone).toBe("Asia/Shanghai");
    expect(got.json.task_setting).toBeUndefined();
    expect(got.json.workload_kind).toBeUndefined();
    expect(Object.keys(got.json).sort()).toEqual(
      [
        "application_id",
        "config_mode",
        "description",
        "envs",
        "external_accesses",
        "id",
        "labels",
        "name",
        "refer_resources",
        "replica",
        "runtime_stack",
        "source",
        "status",
        "swimlane_id",
        "timezone",
        "tomcat_opts",
        "version",
      ].sort(),
    );
    // ...but the emulator keeps what was sent.
    expect(emu.getComponent(APP, COMP)?.spec.task_setting).toEqual({ parallelism: 1, completion_mode: "Indexed", suspend: false });
  });

  it("stores what the live service adds (Huawei's clients): inner envs, TZ for the timezone, its own external accesses, sets in its own order", async () => {
    const envs = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ];
    const accesses = [
      { protocol: "http", address: "a.example", forward_port: 80 },
      { protocol: "https", address: "b.example", forward_port: 443 },
    ];
    const body = { ...exampleSpec(), timezone: "Asia/Shanghai", envs, external_accesses: accesses };
    const first = await call("PUT", redeployPath(), { body });
    expect(first.status).toBe(200);
    const got = (await call("GET", componentPath())).json;
    // The declared envs, in another order, with the server's own: marked inner, and TZ (unmarked, as Terraform drops it by name).
    expect(got.envs.filter((e: { inner?: boolean; name: string }) => e.inner !== true && e.name !== "TZ")).toEqual([...envs].reverse());
    expect(got.envs.filter((e: { inner?: boolean }) => e.inner === true).length).toBeGreaterThan(0);
    expect(got.envs).toContainEqual({ name: "TZ", value: "Asia/Shanghai" });
    // The declared accesses, in another order, and one of the server's own of a protocol no client may declare.
    expect(got.external_accesses.filter((a: { protocol: string }) => /^https?$/i.test(a.protocol))).toEqual([...accesses].reverse());
    expect(got.external_accesses.some((a: { protocol: string }) => !/^https?$/i.test(a.protocol))).toBe(true);
    // refer_resources is a set too.
    const refs = [
      { id: "r1", type: "ecs" },
      { id: "r2", type: "ecs" },
    ];
    await waitForJob(first.json.job_id);
    expect((await call("PUT", redeployPath(), { body: { ...exampleSpec(), refer_resources: refs } })).status).toBe(200);
    expect((await call("GET", componentPath())).json.refer_resources).toEqual([...refs].reverse());
  });

  it("rejects a bad body with 400 naming the snake_case path, as ServiceStage does", async () => {
    const spec = exampleSpec();
    spec.runtime_stack = { ...(spec.runtime_stack as object), type: "Cobol" };
    const put = await call("PUT", redeployPath(), { body: spec });
    expect(put.status).toBe(400);
    expect(put.json.error_code).toBe("SVCSTG.00100400");
    expect(put.json.error_msg).toBe("Invalid request body: runtime_stack.type: must be one of Java, Tomcat, Nodejs, Php, Docker, Python");
    const notJson = await call("PUT", redeployPath(), { rawBody: "{nope" });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error_msg).toMatch(/not valid JSON/);
    expect(emu.redeployCount()).toBe(0);
  });

  it("refuses to change name or runtime_stack", async () => {
    const renamed = await call("PUT", redeployPath(), { body: { ...exampleSpec(), name: "other-name" } });
    expect(renamed.status).toBe(400);
    expect(renamed.json).toMatchObject({ error_code: "SVCSTG.00100400", error_msg: expect.stringMatching(/name cannot be modified/) });
    const restacked = await call("PUT", redeployPath(), {
      body: { ...exampleSpec(), runtime_stack: { name: "OpenJDK17", version: "1.1.1", type: "Java", deploy_mode: "virtualmachine" } },
    });
    expect(restacked.status).toBe(400);
    expect(restacked.json.error_msg).toMatch(/runtime_stack cannot be modified/);
    // Same stack with keys in another order is not a change.
    const reordered = await call("PUT", redeployPath(), {
      body: { ...exampleSpec(), runtime_stack: { deploy_mode: "virtualmachine", type: "Java", version: "1.1.1", name: "OpenJDK8" } },
    });
    expect(reordered.status).toBe(200);
  });

  it("refuses a redeploy while the last job runs", async () => {
    expect((await call("PUT", redeployPath(), { body: exampleSpec() })).status).toBe(200);
    const again = await call("PUT", redeployPath(), { body: exampleSpec() });
    expect(again.status).toBe(400);
    expect(again.json.error_msg).toMatch(/being deployed/);
    expect(emu.redeployCount(COMP)).toBe(1);
  });

  it("runs a scripted FAILED job and reports the messages", async () => {
    emu.scriptNextJob(COMP, { status: "FAILED", messages: ["image pull failed", "exit code 1"] });
    const jobId: string = (await call("PUT", redeployPath(), { body: exampleSpec() })).json.job_id;
    const done = await waitForJob(jobId);
    expect(done.json.job.execution_status).toBe("FAILED");
    expect(done.json.tasks).toContainEqual(
      expect.objectContaining({ task_name: "deploy-job", task_status: "FAILED", messages: "image pull failed; exit code 1" }),
    );
    const component = await call("GET", componentPath());
    // The component says why in the SDK's ComponentFailDetail terms; the job's tasks carry the messages.
    expect(component.json.status).toMatchObject({ component_status: "FAILED", available_replica: 0, fail_detail: "create_failed" });
    // The script was used up: the next job succeeds.
    const next = await waitForJob((await call("PUT", redeployPath(), { body: exampleSpec() })).json.job_id);
    expect(next.json.job.execution_status).toBe("SUCCEEDED");
  });

  it("keeps a RUNNING_FOREVER job running", async () => {
    emu.scriptNextJob(COMP, { status: "RUNNING_FOREVER" });
    const jobId: string = (await call("PUT", redeployPath(), { body: exampleSpec() })).json.job_id;
    await sleep(JOB_MS * 2);
    expect((await call("GET", jobPath(jobId))).json.job.execution_status).toBe("RUNNING");
    expect((await call("GET", componentPath())).json.status.component_status).toBe("UPGRADING");
  });
});

describe("jobs on the clock", () => {
  const SECOND = "comp-2";
  const secondSpec = () => ({ ...exampleSpec(), name: "second" });
  const redeploy = async (componentId: string, body: unknown): Promise<string> => {
    const put = await call("PUT", redeployPath(APP, componentId), { body });
    expect(put.status).toBe(200);
    return put.json.job_id;
  };
  /** The job's end as its deploy task reports it, minus its start: the duration it was given, exactly. */
  const durationOf = (job: Answer): number => Number(job.json.tasks[1].update_at) - Number(job.json.tasks[1].created_at);

  beforeEach(() => emu.putComponent(APP, SECOND, secondSpec()));

  it("the component carries the job, and the time it was accepted, as soon as the redeploy is", async () => {
    emu.setJobDuration({ componentId: COMP, ms: 5_000 });
    const before = Date.now();
    const jobId = await redeploy(COMP, { ...exampleSpec(), version: "2025.0501.1" });
    const component = await call("GET", componentPath());
    const job = await call("GET", jobPath(jobId));
    expect(component.json).toMatchObject({ version: "2025.0501.1", status: { component_status: "UPGRADING", last_job_id: jobId, available_replica: 0 } });
    expect(String(component.json.status.update_time)).toBe(job.json.tasks[1].created_at);
    expect(component.json.status.update_time).toBeGreaterThanOrEqual(before);
    expect(emu.getComponent(APP, COMP)?.status).toMatchObject({ last_job_id: jobId, update_time: component.json.status.update_time });
  });

  it("a component's duration: RUNNING for that many real milliseconds, then SUCCEEDED; other components keep the default", async () => {
    emu.setJobDuration({ componentId: COMP, ms: 1_500 });
    const slow = await redeploy(COMP, exampleSpec());
    const fast = await redeploy(SECOND, secondSpec());
    const fastDone = await pollJob(fast);
    const slowDone = await pollJob(slow);
    expect(durationOf(fastDone.answer)).toBe(JOB_MS);
    expect(durationOf(slowDone.answer)).toBe(1_500);
    expect(slowDone.answer.json.job.execution_status).toBe("SUCCEEDED");
    // Never reported ended before its time.
    expect(slowDone.endedBy).toBeGreaterThanOrEqual(Number(slowDone.answer.json.tasks[1].created_at) + 1_500);
    const component = await call("GET", componentPath());
    expect(component.json.status).toMatchObject({
      component_status: "RUNNING",
      last_job_id: slow,
      update_time: Number(slowDone.answer.json.tasks[1].update_at),
    });
  });

  it("a job scripted to fail runs its own duration, then FAILED with its messages", async () => {
    emu.setJobDuration({ componentId: COMP, ms: 5_000 });
    emu.scriptNextJob(COMP, { status: "FAILED", messages: ["exit code 3"], durationMs: 1_200 });
    const jobId = await redeploy(COMP, exampleSpec());
    expect((await call("GET", componentPath())).json.status.component_status).toBe("UPGRADING");
    const done = await pollJob(jobId);
    expect(done.answer.json.job.execution_status).toBe("FAILED");
    expect(done.answer.json.tasks[1]).toMatchObject({ task_status: "FAILED", messages: "exit code 3" });
    expect(durationOf(done.answer)).toBe(1_200);
    expect(done.endedBy).toBeGreaterThanOrEqual(Number(done.answer.json.tasks[1].created_at) + 1_200);
    expect((await call("GET", componentPath())).json.status).toMatchObject({ component_status: "FAILED", fail_detail: "create_failed" });
    // The next job is back to the component's duration.
    const next = await redeploy(COMP, exampleSpec());
    expect(GOING).toContain((await call("GET", jobPath(next))).json.job.execution_status);
  });

  it("the emulator-wide duration applies to jobs started afterwards, not to a running one, nor to a component with its own", async () => {
    const started = await redeploy(SECOND, secondSpec());
    emu.setJobDuration({ ms: 900 });
    emu.setJobDuration({ componentId: COMP, ms: 600 });
    expect(durationOf(await waitForJob(started))).toBe(JOB_MS);
    const [own, byDefault] = [await redeploy(COMP, exampleSpec()), await redeploy(SECOND, secondSpec())];
    expect(durationOf(await waitForJob(own))).toBe(600);
    expect(durationOf(await waitForJob(byDefault))).toBe(900);
    expect(() => emu.setJobDuration({ ms: -1 })).toThrow(RangeError);
    expect(() => emu.scriptNextJob(COMP, { status: "SUCCEEDED", durationMs: Number.NaN })).toThrow(RangeError);
  });

  it("a console redeploy: the given spec and version, a job, no API request; refused like a redeploy", async () => {
    emu.setJobDuration({ componentId: COMP, ms: 5_000 });
    const { jobId } = emu.consoleRedeploy(APP, COMP, { version: "2025.0999.1", spec: { replica: 4 } });
    expect(jobId).toMatch(/^JOB/);
    expect(emu.requests()).toEqual([]);
    expect(emu.redeployCount(COMP)).toBe(1);
    const component = await call("GET", componentPath());
    expect(component.json).toMatchObject({
      name: "mycomponent",
      version: "2025.0999.1",
      replica: 4,
      status: { component_status: "UPGRADING", last_job_id: jobId },
    });
    expect(emu.getComponent(APP, COMP)?.spec.task_setting).toEqual(exampleSpec().task_setting); // the rest is kept
    // While its job runs, neither Pulumi nor the console can redeploy.
    expect((await call("PUT", redeployPath(), { body: exampleSpec() })).json.error_msg).toMatch(new RegExp(`being deployed: wait for job ${jobId}`));
    expect(() => emu.consoleRedeploy(APP, COMP, { version: "2025.1000.1" })).toThrow(ControlError);
    expect(() => emu.consoleRedeploy(APP, COMP, { version: "2025.1000.1" })).toThrow(/being deployed/);
    expect(() => emu.consoleRedeploy(APP, SECOND, { spec: { name: "renamed" } })).toThrow(/name cannot be modified/);
    expect(() => emu.consoleRedeploy(APP, "nope", {})).toThrow(expect.objectContaining({ status: 404, code: "SVCSTG.00100404" }));
    expect(emu.redeployCount()).toBe(1);
  });
});

describe("the component GET, actions and records as Huawei's models declare them", () => {
  const actionPath = (app = APP, comp = COMP) => `${componentPath(app, comp)}/action`;
  const recordsPath = (app = APP, comp = COMP) => `${componentPath(app, comp)}/records`;
  const act = (action: string, parameters?: Record<string, unknown>) => call("POST", actionPath(), { body: { action, ...(parameters ? { parameters } : {}) } });
  const redeployed = async (version: string): Promise<string> => {
    const put = await call("PUT", redeployPath(), { body: { ...exampleSpec(), version } });
    expect(put.status).toBe(200);
    await waitForJob(put.json.job_id);
    return put.json.job_id;
  };

  it("swimlane_id and config_mode: what the component set, else no lane and ui (ShowComponentInfoResponse, Terraform's read)", async () => {
    expect((await call("GET", componentPath())).json).toMatchObject({ swimlane_id: "", config_mode: "ui" });
    expect((await call("PUT", redeployPath(), { body: { ...exampleSpec(), swimlane_id: "lane-1", config_mode: "ui" } })).status).toBe(200);
    expect((await call("GET", componentPath())).json).toMatchObject({ swimlane_id: "lane-1", config_mode: "ui" });
    // A component made elsewhere (Terraform's acceptance test sets config_mode yaml) shows its own.
    emu.putComponent(APP, "comp-yaml", { ...exampleSpec(), name: "yaml", config_mode: "yaml" });
    expect((await call("GET", componentPath(APP, "comp-yaml"))).json.config_mode).toBe("yaml");
  });

  it("an affinity rule's weight, sent as the page's String, is read back as a number (Terraform asserts float64)", async () => {
    const rule = (weight: unknown) => ({ kind: "node", condition: "preferred", weight, match_expressions: [{ key: "zone", operation: "In", value: "a" }] });
    const body = { ...exampleSpec(), affinity: [rule("80")], anti_affinity: [rule("100"), { ...rule("5"), kind: "pod" }] };
    expect((await call("PUT", redeployPath(), { body })).status).toBe(200);
    const got = (await call("GET", componentPath())).json;
    expect(got.affinity).toEqual([rule(80)]);
    expect(got.anti_affinity).toEqual(expect.arrayContaining([rule(100), { ...rule(5), kind: "pod" }]));
  });

  it("fail_detail takes the SDK's ComponentFailDetail values only: create_failed by default, or the one scripted", async () => {
    emu.scriptNextJob(COMP, { status: "FAILED", failDetail: "namespace_unavailable", messages: ["namespace default is terminating"] });
    await waitForJob((await call("PUT", redeployPath(), { body: exampleSpec() })).json.job_id);
    expect((await call("GET", componentPath())).json.status).toMatchObject({ component_status: "FAILED", fail_detail: "namespace_unavailable" });
    emu.scriptNextJob(COMP, { status: "PARTIALLY_FAILED" });
    await waitForJob((await call("PUT", redeployPath(), { body: exampleSpec() })).json.job_id);
    expect((await call("GET", componentPath())).json.status.fail_detail).toBe("create_failed");
    expect((await control("POST", "jobs/script", { componentId: COMP, status: "FAILED", failDetail: "image_pull_failed" })).status).toBe(400);
  });

  it.each(["start", "stop", "restart", "continue_deploy", "check_gray_release", "modify_gray_rule", "sync_workload"])(
    "action %s: its own job becomes last_job_id, named in its task; no redeploy; the spec stays",
    async (action) => {
      const answer = await act(action);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ job_id: expect.stringMatching(/^JOB/) });
      const job = await waitForJob(answer.json.job_id);
      expect(job.json.job.execution_status).toBe("SUCCEEDED");
      expect(job.json.tasks[1]).toMatchObject({ task_name: `${action}-job`, task_type: action });
      const got = (await call("GET", componentPath())).json;
      expect(got.status.last_job_id).toBe(answer.json.job_id);
      expect(got.version).toBe(exampleSpec().version);
      expect(emu.redeployCount()).toBe(0);
    },
  );

  it("refuses what Huawei's model does not list, a scale without a replica, and any action while the last job runs", async () => {
    for (const action of ["sync_import", "explode", 3]) {
      const refused = await act(action as string);
      expect([refused.status, refused.json.error_code]).toEqual([400, "SVCSTG.00100400"]);
    }
    expect((await act("scale")).json.error_msg).toMatch(/parameters.replica/);
    emu.setJobDuration({ componentId: COMP, ms: 5_000 });
    expect((await act("scale", { replica: 2 })).status).toBe(200);
    expect((await act("continue_deploy")).json.error_msg).toMatch(/being deployed/);
  });

  it("rollback_current puts back the spec the last deployment replaced, once; rollback goes to a version it ran", async () => {
    const seeded = exampleSpec().version as string;
    await redeployed("2025.0501.1");
    await redeployed("2025.0502.1");
    expect((await act("rollback", { version: "2025.0502.1" })).json.error_msg).toMatch(/already runs version 2025.0502.1/);
    expect((await act("rollback", { version: "2024.0101.1" })).json.error_msg).toMatch(/never ran version 2024.0101.1/);

    const back = await act("rollback_current");
    expect(back.status).toBe(200);
    const during = (await call("GET", componentPath())).json;
    expect(during).toMatchObject({ version: "2025.0501.1", status: { component_status: "UPGRADING", last_job_id: back.json.job_id } });
    await waitForJob(back.json.job_id);
    // "A component that has been rolled back cannot be rolled back again" (the console's rollback page).
    expect((await act("rollback_current")).json.error_msg).toMatch(/rolled back already/);

    const toSeed = await act("rollback", { version: seeded });
    expect(toSeed.status).toBe(200);
    await waitForJob(toSeed.json.job_id);
    expect((await call("GET", componentPath())).json).toMatchObject({
      version: seeded,
      status: { component_status: "RUNNING", last_job_id: toSeed.json.job_id },
    });
    expect(emu.getComponent(APP, COMP)?.spec.task_setting).toEqual(exampleSpec().task_setting);
    expect(emu.redeployCount(COMP)).toBe(2);
  });

  it("a component never redeployed has nothing to roll back to", async () => {
    expect((await act("rollback_current")).json.error_msg).toMatch(/no earlier deployment/);
    expect((await act("rollback")).json.error_msg).toMatch(/no earlier deployment/);
  });

  it("GET .../records: one record per redeploy and action, with its job, newest first, paged as the records page says", async () => {
    expect((await call("GET", recordsPath())).json).toEqual({ count: 0, records: [] });
    const redeployJob = await redeployed("2025.0501.1");
    const restart = (await act("restart")).json.job_id as string;
    const all = await call("GET", recordsPath());
    expect(all.status).toBe(200);
    expect(all.json.count).toBe(2);
    const [newest, oldest] = all.json.records;
    expect(newest).toEqual({
      begin_time: expect.stringMatching(/^\d+$/),
      end_time: "",
      description: {},
      instance_id: expect.any(String),
      version: "2025.0501.1",
      current_used: true,
      status: expect.stringMatching(/^(SUBMITTED|SCHEDULED|RUNNING)$/),
      deploy_type: "restart",
      jobs: [{ sequence: 1, deploy_type: "restart", job_id: restart, job_info: { source_url: "obs://bucket0001/weather-1.0.0.jar", replica: 1 } }],
    });
    expect(oldest).toMatchObject({ deploy_type: "redeploy", current_used: false, status: "SUCCEEDED", end_time: expect.stringMatching(/^\d+$/) });
    expect(oldest.jobs[0].job_id).toBe(redeployJob);
    expect(oldest.instance_id).toBe(newest.instance_id);

    const asc = await call("GET", recordsPath(), { query: { order: "asc", limit: "1", offset: "1" } });
    expect(asc.json).toMatchObject({ count: 2, records: [{ deploy_type: "restart" }] });
    expect((await call("GET", recordsPath(), { query: { limit: "0" } })).json).toEqual({ count: 2, records: [] });
    expect((await call("GET", recordsPath(), { query: { order_by: "nonsense" } })).json.records[0].deploy_type).toBe("restart");
    for (const query of [{ limit: "101" }, { limit: "x" }, { offset: "-1" }] as Array<Record<string, string>>)
      expect((await call("GET", recordsPath(), { query })).json.error_code).toBe("SVCSTG.00100400");
    expect((await call("GET", recordsPath(), { auth: "aksk", query: { limit: "1" } })).status).toBe(200);
  });

  it("a missing component: 404 by default on the GET, the action and the records; 401 SVCSTG.00100401 as Terraform expects of the live service", async () => {
    const paths: Array<[string, string, unknown]> = [
      ["GET", componentPath(APP, "gone"), undefined],
      ["POST", actionPath(APP, "gone"), { action: "restart" }],
      ["GET", recordsPath(APP, "gone"), undefined],
    ];
    for (const [method, path, body] of paths) expect((await call(method, path, { body })).json.error_code).toBe("SVCSTG.00100404");
    emu.setNotFoundAs401(true);
    for (const [method, path, body] of paths) {
      const answer = await call(method, path, { body });
      expect([path, answer.status, answer.json.error_code]).toEqual([path, 401, "SVCSTG.00100401"]);
    }
  });
});

describe("release plans", () => {
  it.each(["token", "aksk"] as const)("edits and reads a release plan (%s)", async (auth) => {
    const plan = { ...examplePlan(), desc: "edited" };
    const put = await call("PUT", planPath(), { body: plan, auth });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ release_plan_id: PLAN });
    const got = await call("GET", planPath(), { auth });
    expect(got.status).toBe(200);
    expect(isRight(ReleasePlanResponse.decode(got.json))).toBe(true);
    // The plan as edited, with the fields the GET page adds (servicestage_06_0233).
    expect(got.json).toEqual({
      id: PLAN,
      ...plan,
      action: expect.any(String),
      status: expect.any(String),
      swimlane_id: expect.any(String),
      create_time: expect.any(Number),
      modify_time: expect.any(Number),
      execute_time: expect.any(Number),
      creator: expect.any(String),
    });
    expect(emu.getReleasePlan(PLAN)?.desc).toBe("edited");
  });

  it("rejects a bad body with 400 naming the path", async () => {
    const plan = examplePlan();
    (plan.components as Array<Record<string, unknown>>)[1].replica = "2";
    const put = await call("PUT", planPath(), { body: plan });
    expect(put.status).toBe(400);
    expect(put.json.error_code).toBe("SVCSTG.00100400");
    expect(put.json.error_msg).toBe("Invalid request body: components[1].replica: must be an integer (Integer)");
  });

  it("answers 404 SVCSTG.00100433 for a missing plan", async () => {
    expect((await call("GET", planPath("nope"))).json).toMatchObject({ error_code: "SVCSTG.00100433" });
    const put = await call("PUT", planPath("nope"), { body: examplePlan() });
    expect(put.status).toBe(404);
    expect(put.json.error_code).toBe("SVCSTG.00100433");
  });
});

describe("not found", () => {
  it("uses the documented 404 codes", async () => {
    const cases: Array<[string, string, string]> = [
      ["GET", componentPath("no-app"), "SVCSTG.00100403"],
      ["GET", componentPath(APP, "no-comp"), "SVCSTG.00100404"],
      ["PUT", redeployPath("no-app"), "SVCSTG.00100403"],
      ["PUT", redeployPath(APP, "no-comp"), "SVCSTG.00100404"],
      ["GET", jobPath("JOBnope"), "SVCSTG.00100429"],
    ];
    for (const [method, path, code] of cases) {
      const answer = await call(method, path, { body: method === "PUT" ? exampleSpec() : undefined });
      expect([path, answer.status, answer.json.error_code]).toEqual([path, 404, code]);
    }
  });

  it("answers unknown routes and projects", async () => {
    const route = await call("GET", "/v3/whatever", { auth: "none" });
    expect(route.status).toBe(404);
    expect(route.json).toEqual({ error_code: "SVCSTG.00100000", error_msg: "no such route" });
    expect((await call("POST", componentPath())).json.error_code).toBe("SVCSTG.00100000");
    const project = await call("GET", componentPath(APP, COMP, "other-project"));
    expect(project.status).toBe(404);
    expect(project.json.error_code).toBe("SVCSTG.00100402");
  });

  it("reproduces the 401 SVCSTG.00100401 quirk: option, runtime switch and per request", async () => {
    const quirky = await start({ notFoundAs401: true });
    const a = await call("GET", componentPath(APP, "no-comp"), {}, quirky.url);
    expect([a.status, a.json.error_code]).toEqual([401, "SVCSTG.00100401"]);
    const b = await call("PUT", redeployPath("no-app"), { body: exampleSpec() }, quirky.url);
    expect([b.status, b.json.error_code]).toEqual([401, "SVCSTG.00100401"]);
    // Existing things and other kinds of resource are unaffected.
    expect((await call("GET", componentPath(), {}, quirky.url)).status).toBe(200);
    expect((await call("GET", planPath("nope"), {}, quirky.url)).status).toBe(404);
    // A request header overrides the setting either way.
    const perRequest = await call("GET", componentPath(APP, "no-comp"), { headers: { "X-Emulator-Not-Found-As-401": "false" } }, quirky.url);
    expect(perRequest.status).toBe(404);
    expect((await call("GET", componentPath(APP, "no-comp"), { headers: { "X-Emulator-Not-Found-As-401": "true" } })).status).toBe(401);
    emu.setNotFoundAs401(true);
    expect((await call("GET", componentPath(APP, "no-comp"))).json.error_code).toBe("SVCSTG.00100401");
  });
});

describe("authentication", () => {
  it("rejects missing or wrong credentials", async () => {
    const none = await call("GET", componentPath(), { auth: "none" });
    expect([none.status, none.json.error_code]).toEqual([401, "APIG.1000"]);
    const wrongToken = await call("GET", componentPath(), { auth: { token: "nope" } });
    expect(wrongToken.json).toEqual({ error_code: "APIG.0301", error_msg: expect.stringMatching(/^Incorrect IAM authentication information/) });
    const wrongAk = await call("GET", componentPath(), { auth: { aksk: { accessKey: "OTHER", secretKey: AKSK.secretKey } } });
    expect([wrongAk.status, wrongAk.json.error_code]).toEqual([401, "APIG.0301"]);
    const wrongSk = await call("GET", componentPath(), { auth: { aksk: { accessKey: AKSK.accessKey, secretKey: "wrong" } } });
    expect([wrongSk.status, wrongSk.json.error_code]).toEqual([401, "APIG.0301"]);
    expect(emu.requests().map((r) => r.auth)).toEqual(["none", "token", "aksk", "aksk"]);
  });

  it("checks the signature over body, query and signed headers", async () => {
    // A body changed after signing.
    const spec = JSON.stringify(exampleSpec());
    const headers = { "Content-Type": "application/json", "X-Project-Id": PROJECT };
    const signed = signRequest({ method: "PUT", path: redeployPath(), headers, body: spec }, AKSK);
    const changed = await send(emu.url, "PUT", redeployPath(), { ...headers, ...signed }, spec.replace("mycomponent", "mycomponenT"));
    expect([changed.status, changed.json.error_code]).toEqual([401, "APIG.0301"]);
    // A signed header changed after signing.
    const header = await call("GET", componentPath(), { auth: { aksk: AKSK, tamper: (h) => (h["X-Project-Id"] = "other") } });
    expect(header.status).toBe(401);
    // Query parameters are signed (and a signed query is accepted).
    expect((await call("GET", componentPath(), { auth: "aksk", query: { limit: "10", q: "a b/c" } })).status).toBe(200);
  });

  it("requires a signed X-Sdk-Date within 15 minutes", async () => {
    const stale = await call("GET", componentPath(), { auth: { aksk: AKSK, date: new Date(Date.now() - 16 * 60 * 1000) } });
    expect(stale.status).toBe(401);
    expect(stale.json.error_msg).toMatch(/15 minutes/);
    const slightlyOff = await call("GET", componentPath(), { auth: { aksk: AKSK, date: new Date(Date.now() + 5 * 60 * 1000) } });
    expect(slightlyOff.status).toBe(200);
    // An Authorization that does not list x-sdk-date among the signed headers.
    const unsignedDate = await call("GET", componentPath(), {
      auth: { aksk: AKSK, tamper: (h) => (h.Authorization = h.Authorization.replace(/SignedHeaders=[^,]+/, "SignedHeaders=content-type;host;x-project-id")) },
    });
    expect(unsignedDate.status).toBe(401);
    expect(unsignedDate.json.error_msg).toMatch(/x-sdk-date must be a signed header/);
  });

  it("revokeToken: token requests get 401 APIG.0307, AK/SK still works", async () => {
    expect((await call("GET", componentPath())).status).toBe(200);
    emu.revokeToken();
    const expired = await call("GET", componentPath());
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error_code: "APIG.0307", error_msg: "The token must be updated" });
    expect((await call("GET", componentPath(), { auth: "aksk" })).status).toBe(200);
  });

  it("accepts configured credentials", async () => {
    const custom = await start({ token: "T1", accessKey: "AK1", secretKey: "SK1" });
    expect((await call("GET", componentPath(), { auth: { token: "T1" } }, custom.url)).status).toBe(200);
    expect((await call("GET", componentPath(), { auth: { aksk: { accessKey: "AK1", secretKey: "SK1" } } }, custom.url)).status).toBe(200);
    expect((await call("GET", componentPath(), { auth: "token" }, custom.url)).status).toBe(401);
  });
});

describe("faults", () => {
  it("status: answers the injected status and Retry-After, then recovers", async () => {
    emu.injectFault({ kind: "status", status: 503, retryAfterSeconds: 2, pathIncludes: "/components/", times: 2 });
    for (let i = 0; i < 2; i++) {
      const a = await call("GET", componentPath());
      expect([a.status, a.headers["retry-after"], a.json.error_code]).toEqual([503, "2", "SVCSTG.00100500"]);
    }
    expect((await call("GET", componentPath())).status).toBe(200);
    emu.injectFault({ kind: "status", status: 500, errorCode: "SVCSTG.00100999", method: "put" });
    expect((await call("GET", componentPath())).status).toBe(200); // method does not match
    const put = await call("PUT", redeployPath(), { body: exampleSpec() });
    expect([put.status, put.json.error_code, put.headers["retry-after"]]).toEqual([500, "SVCSTG.00100999", undefined]);
    expect(emu.redeployCount()).toBe(0);
  });

  it("reset: destroys the connection without answering or processing", async () => {
    emu.injectFault({ kind: "reset", method: "PUT" });
    await expect(call("PUT", redeployPath(), { body: exampleSpec() })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emu.redeployCount()).toBe(0);
    expect(emu.requests()[0]).toMatchObject({ method: "PUT", status: 0 });
  });

  it("delay: answers normally after the delay", async () => {
    emu.injectFault({ kind: "delay", delayMs: 150 });
    const t0 = Date.now();
    const a = await call("GET", componentPath());
    expect(a.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("malformed: 200 with truncated JSON", async () => {
    emu.injectFault({ kind: "malformed" });
    const a = await call("PUT", redeployPath(), { body: exampleSpec() });
    expect(a.status).toBe(200);
    expect(a.text).toBe('{"job_id": ');
    expect(a.json).toBeUndefined();
    expect(emu.redeployCount()).toBe(0);
  });

  it("html: 502 with an HTML page", async () => {
    emu.injectFault({ kind: "html" });
    const a = await call("GET", componentPath());
    expect(a.status).toBe(502);
    expect(a.headers["content-type"]).toBe("text/html");
    expect(a.text).toMatch(/<html>/);
  });

  it("lostAnswer: processes the request, then hangs up", async () => {
    emu.injectFault({ kind: "lostAnswer", pathIncludes: "/redeployment" });
    await expect(call("PUT", redeployPath(), { body: exampleSpec() })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emu.redeployCount(COMP)).toBe(1);
    expect(emu.requests()[0]).toMatchObject({ method: "PUT", status: 0, processedStatus: 200 });
    const component = await call("GET", componentPath());
    expect(component.json.status.last_job_id).toMatch(/^JOB/);
    expect(component.json.status.component_status).toBe("UPGRADING");
  });

  it("afterProcessing: carries the request out, then answers the injected 5xx instead", async () => {
    emu.injectFault({ kind: "status", status: 503, afterProcessing: true, method: "PUT", pathIncludes: "/redeployment" });
    const put = await call("PUT", redeployPath(), { body: { ...exampleSpec(), version: "2025.0501.1" } });
    expect([put.status, put.json.error_code]).toEqual([503, "APIG.0202"]);
    expect(put.json.error_msg).toMatch(/after the request was carried out/);
    expect(emu.redeployCount(COMP)).toBe(1);
    expect(emu.requests()).toEqual([expect.objectContaining({ method: "PUT", path: redeployPath(), status: 503, processedStatus: 200 })]);
    const component = await call("GET", componentPath());
    expect(component.json).toMatchObject({ version: "2025.0501.1", status: { component_status: "UPGRADING", last_job_id: expect.stringMatching(/^JOB/) } });
    // A refused request stays refused: the fault replaces whatever ServiceStage answered.
    emu.injectFault({ kind: "html", afterProcessing: true });
    const refused = await call("PUT", redeployPath(), { body: exampleSpec() });
    expect([refused.status, refused.headers["content-type"]]).toEqual([502, "text/html"]);
    expect(emu.requests()[2]).toMatchObject({ status: 502, processedStatus: 400 }); // the job still runs
    expect(emu.redeployCount(COMP)).toBe(1);
    // A connection dropped after processing has its own kind.
    expect(() => emu.injectFault({ kind: "reset", afterProcessing: true })).toThrow(/lostAnswer/);
  });

  it("clearFaults removes pending faults", async () => {
    emu.injectFault({ kind: "html", times: 5 });
    emu.clearFaults();
    expect((await call("GET", componentPath())).status).toBe(200);
  });
});

describe("rate limit", () => {
  it("answers 429 APIG.0308 with Retry-After beyond the limit", async () => {
    emu.setRateLimit(3);
    const answers = await Promise.all(Array.from({ length: 5 }, () => call("GET", componentPath())));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const throttled = answers.find((a) => a.status === 429)!;
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.json).toEqual({ error_code: "APIG.0308", error_msg: "The throttling threshold has been reached" });
    await sleep(1050);
    expect((await call("GET", componentPath())).status).toBe(200);
    emu.setRateLimit(undefined);
    const burst = await Promise.all(Array.from({ length: 10 }, () => call("GET", componentPath())));
    expect(burst.every((a) => a.status === 200)).toBe(true);
  });
});

describe("in-process state controls", () => {
  it("puts, reads and deletes components and plans out of band", async () => {
    emu.putComponent("app-2", "comp-2", { ...exampleSpec(), name: "second" });
    const got = await call("GET", componentPath("app-2", "comp-2"));
    expect(got.json).toMatchObject({ id: "comp-2", application_id: "app-2", name: "second", status: { component_status: "RUNNING" } });
    emu.deleteComponent("app-2", "comp-2");
    expect((await call("GET", componentPath("app-2", "comp-2"))).json.error_code).toBe("SVCSTG.00100404");
    expect(emu.getComponent("app-2", "comp-2")).toBeUndefined();
    // Out-of-band drift shows in the GET.
    emu.putComponent(APP, COMP, { ...exampleSpec(), replica: 7 });
    expect((await call("GET", componentPath())).json.replica).toBe(7);
    emu.deleteReleasePlan(PLAN);
    expect((await call("GET", planPath())).status).toBe(404);
    emu.putReleasePlan(PLAN, examplePlan());
    expect((await call("GET", planPath())).json.name).toBe("release-demo");
  });

  it("records requests (not control ones) and clears them", async () => {
    await call("PUT", redeployPath(), { body: exampleSpec() });
    await control("GET", "stats");
    const log = emu.requests();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ method: "PUT", path: redeployPath(), status: 200, auth: "token", body: { name: "mycomponent" } });
    expect(typeof log[0].at).toBe("number");
    emu.clearRequests();
    expect(emu.requests()).toEqual([]);
  });

  it("writes a log line per request", async () => {
    const lines: string[] = [];
    const logged = await start({ log: (l) => lines.push(l) });
    await call("GET", componentPath(), {}, logged.url);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^GET ${componentPath()} -> 200 \\(auth token`))]);
  });
});

describe("control API over HTTP", () => {
  it("every control is a method in process and a route over HTTP", async () => {
    for (const [name, c] of Object.entries(CONTROLS)) {
      expect([name, typeof (emu as unknown as Record<string, unknown>)[name]]).toEqual([name, "function"]);
      const path = c.path.replace(":app", APP).replace(":component", COMP).replace(":plan", PLAN);
      const answer = await control(c.method, path, c.method === "GET" || c.method === "DELETE" ? undefined : {});
      expect([name, answer.json?.error_code]).not.toEqual([name, "SVCSTG.00100000"]);
    }
  });

  it("drives job durations, console redeploys, redeploy counts and after-processing faults", async () => {
    expect((await control("POST", "jobs/duration", { componentId: COMP, ms: 5_000 })).status).toBe(200);
    expect((await control("POST", "jobs/duration", { ms: -5 })).status).toBe(400);
    const consoleJob = await control("POST", `components/${APP}/${COMP}/console-redeploy`, { version: "2025.0999.1" });
    expect(consoleJob.status).toBe(200);
    expect(consoleJob.json).toEqual({ jobId: expect.stringMatching(/^JOB/) });
    expect((await call("GET", componentPath())).json).toMatchObject({ version: "2025.0999.1", status: { last_job_id: consoleJob.json.jobId } });
    const refused = await control("POST", `components/${APP}/${COMP}/console-redeploy`, { version: "2025.1000.1" });
    expect([refused.status, refused.json.error_code]).toEqual([400, "SVCSTG.00100400"]);
    expect((await control("POST", `components/${APP}/nope/console-redeploy`, {})).status).toBe(404);
    expect((await control("GET", `redeploy-count?componentId=${COMP}`)).json).toBe(1);
    expect((await control("GET", "redeploy-count?componentId=other")).json).toBe(0);
    expect((await control("GET", "redeploy-count")).json).toBe(1);

    expect((await control("POST", "jobs/script", { componentId: "comp-2", status: "FAILED", durationMs: 50 })).status).toBe(200);
    emu.putComponent(APP, "comp-2", { ...exampleSpec(), name: "second" });
    const failed = await waitForJob((await call("PUT", redeployPath(APP, "comp-2"), { body: { ...exampleSpec(), name: "second" } })).json.job_id);
    expect(failed.json.job.execution_status).toBe("FAILED");
    expect(failed.json.tasks[1].update_at - failed.json.tasks[1].created_at).toBe(50);

    expect((await control("POST", "faults", { kind: "status", status: 502, afterProcessing: true, method: "GET" })).status).toBe(200);
    expect((await call("GET", componentPath())).status).toBe(502);
    expect(emu.requests().at(-1)).toMatchObject({ status: 502, processedStatus: 200 });
    expect((await control("POST", "faults", { kind: "delay", afterProcessing: true })).status).toBe(400);
  });

  it("drives everything without auth", async () => {
    // requests / stats
    await call("GET", componentPath());
    expect((await control("GET", "requests")).json).toHaveLength(1);
    expect((await control("DELETE", "requests")).status).toBe(200);
    expect((await control("GET", "requests")).json).toEqual([]);

    // components
    const comp = await control("GET", `components/${APP}/${COMP}`);
    expect(comp.json.spec.name).toBe("mycomponent");
    expect((await control("PUT", `components/app-x/comp-x`, { ...exampleSpec(), name: "xx" })).status).toBe(200);
    expect((await call("GET", componentPath("app-x", "comp-x"))).json.name).toBe("xx");
    expect((await control("DELETE", `components/app-x/comp-x`)).status).toBe(200);
    expect((await control("GET", `components/app-x/comp-x`)).status).toBe(404);
    expect((await control("PUT", `components/app-x/comp-x`, [1])).status).toBe(400);

    // release plans
    expect((await control("GET", `release-plans/${PLAN}`)).json.name).toBe("release-demo");
    expect((await control("PUT", `release-plans/p2`, examplePlan())).status).toBe(200);
    expect((await call("GET", planPath("p2"))).json.id).toBe("p2");
    expect((await control("DELETE", `release-plans/p2`)).status).toBe(200);
    expect((await control("GET", `release-plans/p2`)).status).toBe(404);

    // scripted job
    expect((await control("POST", "jobs/script", { componentId: COMP, status: "CANCELLED", messages: ["cancelled by user"] })).status).toBe(200);
    const jobId: string = (await call("PUT", redeployPath(), { body: exampleSpec() })).json.job_id;
    const done = await waitForJob(jobId);
    expect(done.json.job.execution_status).toBe("CANCELLED");
    expect(done.json.tasks[1].messages).toBe("cancelled by user");
    expect((await control("POST", "jobs/script", { componentId: COMP, status: "EXPLODED" })).status).toBe(400);

    // faults
    expect((await control("POST", "faults", { kind: "status", status: 500, times: 1 })).status).toBe(200);
    expect((await call("GET", componentPath())).status).toBe(500);
    await control("POST", "faults", { kind: "html" });
    expect((await control("DELETE", "faults")).status).toBe(200);
    expect((await call("GET", componentPath())).status).toBe(200);
    const badFault = await control("POST", "faults", { kind: "meltdown" });
    expect(badFault.status).toBe(400);

    // rate limit
    await control("POST", "rate-limit", { requestsPerSecond: 1 });
    expect((await call("GET", componentPath())).status).toBe(200);
    expect((await call("GET", componentPath())).status).toBe(429);
    await control("POST", "rate-limit", { requestsPerSecond: null });
    expect((await call("GET", componentPath())).status).toBe(200);

    // not-found-as-401
    await control("POST", "not-found-as-401", { enabled: true });
    expect((await call("GET", componentPath(APP, "gone"))).status).toBe(401);
    await control("POST", "not-found-as-401", { enabled: false });
    expect((await call("GET", componentPath(APP, "gone"))).status).toBe(404);

    // stats
    const stats = await control("GET", "stats");
    expect(stats.json).toEqual({ redeploys: { [COMP]: 1 }, requests: emu.requests().length });

    // revoke
    expect((await control("POST", "revoke-token")).status).toBe(200);
    expect((await call("GET", componentPath())).json.error_code).toBe("APIG.0307");

    // unknown control route; control answers carry a request id too
    const unknown = await control("GET", "nothing");
    expect(unknown.status).toBe(404);
    expect(unknown.headers["x-request-id"]).toBeDefined();
    expect(emu.requests().some((r) => r.path.startsWith("/__control"))).toBe(false);
  });
});
