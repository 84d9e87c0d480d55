/**
 * Reliability and security under failure, through Pulumi's real dynamic-provider host
 * (and, at the end, the real engine): every fault the emulator can inject, plus a
 * gateway 5xx that hides a success (an `afterProcessing` fault). Each case checks that
 * the operation either succeeds after bounded retries or fails with a clear error
 * (method and path or the job, what the server said, the request id); that no component
 * is redeployed twice for one change; and that no credential (token, secret key,
 * security token) appears in an error, the host's stderr, its progress messages or any
 * output property.
 */
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { JobComponent, ReleasePlan } from "../../sdk";
import { captureInputs, Registered, unwrapSecrets } from "../harness/captureInputs";
import { ProgramStack, repo } from "../harness/cli";
import { ProviderHost, startProviderHost } from "../harness/providerHost";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, fleetSeed, jobSpec, releaseSpec, seed } from "../harness/world";
import { releasePlanWire } from "../fixtures/wire";
import { lastJobEnded } from "../harness/jobs";

jest.setTimeout(60_000);

type PropertyBag = Record<string, unknown>;

/** Distinctive credentials: any appearance of one of them anywhere is a leak. */
const CREDS = { token: "rel-token-Qm7Xv2Lp9sT4", accessKey: "RELAKIDQ4Z9W7", secretKey: "rel-sk-Hx83Vt1NqZ0", securityToken: "rel-sts-Wc55Jr0DbK2" };
const SECRETS = [CREDS.token, CREDS.secretKey, CREDS.securityToken];
type Auth = "token" | "aksk";
const authConfig = (auth: Auth): Record<string, string> =>
  auth === "token"
    ? { "servicestage:authToken": CREDS.token }
    : { "servicestage:accessKey": CREDS.accessKey, "servicestage:secretKey": CREDS.secretKey, "servicestage:securityToken": CREDS.securityToken };
/** The host must take everything from the stack config, never from the test's environment. */
const HOST_ENV = {
  HW_AUTH_TOKEN: "",
  HW_ACCESS_KEY: "",
  HW_SECRET_KEY: "",
  HW_SECURITY_TOKEN: "",
  HW_PROJECT_ID: "",
  SERVICESTAGE_ENDPOINT: "",
  SERVICESTAGE_REQUEST_TIMEOUT_SECONDS: "",
};

const COMPONENT_PATH = `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`;
const REDEPLOY_PATH = `${COMPONENT_PATH}/redeployment`;
const JOBS_PATH = `/v3/${PROJECT_ID}/cas/jobs/`;
const PLAN_PATH = `/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`;
const REQUEST_ID = /request id [\w-]{8,}/;

const expectNoCredential = (...things: unknown[]): void => {
  const text = things.map((t) => (typeof t === "string" ? t : JSON.stringify(t))).join("\n");
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

/** The error message of a call that must fail. */
const failureOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: Error) => e.message,
  );

// ---- one case: an emulator, the host configured for it, the component deployed once ----------

interface Case {
  emulator: Emulator;
  host: ProviderHost;
  job: PropertyBag;
  plan: PropertyBag;
  deployed?: { id: string; properties: PropertyBag };
  logMark: number;
  started: number;
  /** Errors and outputs seen: checked for credentials after the case. */
  seen: unknown[];
}

let registered: Registered[];
/** The next case's host, started while the current case runs (a host takes about a second to start). */
let warmHost: Promise<ProviderHost> | undefined;
const nextHost = (): Promise<ProviderHost> => {
  const host = warmHost ?? startProviderHost(repo, HOST_ENV);
  warmHost = startProviderHost(repo, HOST_ENV);
  return host;
};
let c: Case | undefined;
const figures: Array<{ name: string; ms: number; retries: number; requests: number; redeploys: number }> = [];

/**
 * A fresh emulator and a fresh host per case: the host configures a provider once per
 * process (Pulumi's getProvider caches it), and the client-side pace after a 429 is
 * shared by the whole process.
 */
const begin = async (o: { auth?: Auth; jobDurationMs?: number; config?: Record<string, string>; deploy?: boolean } = {}): Promise<Case> => {
  const emulator = await startEmulator({
    seed: seed(),
    token: CREDS.token,
    accessKey: CREDS.accessKey,
    secretKey: CREDS.secretKey,
    jobDurationMs: o.jobDurationMs ?? 30,
  });
  const host = await nextHost();
  c = { emulator, host, job: {}, plan: {}, logMark: 0, started: 0, seen: [] };
  await host.configure({
    "servicestage:endpoint": emulator.url,
    "servicestage:projectId": PROJECT_ID,
    ...authConfig(o.auth ?? "token"),
    ...o.config,
  });
  const inputsOf = (suffix: string) => unwrapSecrets((registered.find((r) => r.type.endsWith(suffix)) as Registered).inputs);
  c.job = (await host.check({}, inputsOf(":JobComponent"))).inputs;
  c.plan = (await host.check({}, inputsOf(":ReleasePlan"))).inputs;
  if (o.deploy !== false) {
    c.deployed = await host.create(c.job);
    c.seen.push(c.deployed.properties);
  }
  emulator.clearRequests();
  c.logMark = host.logs.length;
  c.started = Date.now();
  return c;
};

const the = (): Case => {
  if (c === undefined) throw new Error("no case begun");
  return c;
};
const newLogs = () => the().host.logs.slice(the().logMark);
const retries = () => newLogs().filter((l) => /retrying in/.test(l));
const requests = (method?: string, pathIncludes?: string) =>
  the()
    .emulator.requests()
    .filter((r) => (method === undefined || r.method === method) && (pathIncludes === undefined || r.path.includes(pathIncludes)));
const lastJobId = () => the().emulator.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id;

/** The declared change: a new version (and anything else given). */
const update = async (changes: PropertyBag = {}) => {
  const { host, deployed, job } = the();
  if (deployed === undefined) throw new Error("nothing deployed");
  const result = await host.update(deployed.id, deployed.properties, { ...job, version: "2025.0601.1", ...changes });
  the().seen.push(result.properties);
  return result;
};
const updateFails = async (changes: PropertyBag = {}) => {
  const message = await failureOf(update(changes));
  the().seen.push(message);
  return message;
};

beforeAll(async () => {
  registered = await captureInputs(() => [
    new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never),
    new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never),
  ]);
});

afterEach(async () => {
  if (c === undefined) return;
  const done = c;
  c = undefined;
  figures.push({
    name: expect.getState().currentTestName ?? "?",
    ms: Date.now() - done.started,
    retries: done.host.logs.slice(done.logMark).filter((l) => /retrying in/.test(l)).length,
    requests: done.emulator.requests().length,
    redeploys: done.emulator.redeployCount(),
  });
  try {
    expectNoCredential(done.host.stderr(), done.host.logs, ...done.seen);
  } finally {
    await done.emulator.close();
    await done.host.close();
  }
});

afterAll(async () => {
  await (await warmHost)?.close();
  if (figures.length > 0)
    console.log(
      `reliability figures:\n${figures.map((f) => `  ${f.ms} ms, ${f.retries} retries, ${f.requests} requests, ${f.redeploys} redeploys: ${f.name}`).join("\n")}`,
    );
});

// ---- transient failures: retried within bounds, the change lands once ------------------------------

describe("transient failures are retried and the update lands once", () => {
  test("malformed JSON in the redeploy answer: treated as ambiguous, checked, retried; one redeploy", async () => {
    const { emulator } = await begin();
    emulator.injectFault({ method: "PUT", kind: "malformed" });
    const out = await update();
    expect(requests("PUT").map((r) => r.status)).toEqual([200, 200]);
    // One look before the redeploy (has a job already carried this spec?), one before the retry.
    expect(requests("GET").filter((r) => r.path === COMPONENT_PATH)).toHaveLength(2);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2); // the create, then this change once
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    expect(retries()[0]).toContain("not valid JSON");
  });

  test("malformed JSON in a poll: the poll is retried and the job still waited for", async () => {
    const { emulator } = await begin();
    emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "malformed" });
    const out = await update();
    expect(requests("PUT")).toHaveLength(1);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
  });

  test("a 429 storm on the redeploy and the polls: Retry-After honoured, one redeploy", async () => {
    const { emulator } = await begin();
    emulator.injectFault({ method: "PUT", kind: "status", status: 429, errorCode: "APIG.0308", retryAfterSeconds: 1, times: 3 });
    emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "status", status: 429, errorCode: "APIG.0308", retryAfterSeconds: 1, times: 2 });
    const out = await update();
    const puts = requests("PUT");
    expect(puts.map((r) => r.status)).toEqual([429, 429, 429, 200]);
    for (let i = 1; i < puts.length; i++) expect(puts[i].at - puts[i - 1].at).toBeGreaterThanOrEqual(950);
    expect(
      requests("GET", JOBS_PATH)
        .map((r) => r.status)
        .slice(0, 3),
    ).toEqual([429, 429, 200]);
    // A 429 was refused by the gateway: no need to look for a job before retrying (only the look before the redeploy).
    expect(requests("GET").filter((r) => r.path === COMPONENT_PATH)).toHaveLength(1);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2); // the create, then this change once
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED", version: "2025.0601.1" });
    expect(retries()).toHaveLength(5);
    expect(retries()[0]).toMatch(new RegExp(`PUT ${REDEPLOY_PATH}: retrying in [1-9]\\.\\d s \\(attempt 2\\): .*HTTP 429.*APIG\\.0308.*request id`));
  });

  test("a 429 storm that outlasts 6 attempts fails clearly, and nothing is deployed", async () => {
    const { emulator } = await begin();
    emulator.injectFault({ method: "PUT", kind: "status", status: 429, errorCode: "APIG.0308", retryAfterSeconds: 0, times: 6 });
    const message = await updateFails();
    expect(message).toContain(`PUT ${REDEPLOY_PATH} failed, HTTP 429: APIG.0308: "Too Many Requests (injected fault)"`);
    expect(message).toMatch(REQUEST_ID);
    expect(message).toContain("after 6 attempts");
    expect(requests("PUT")).toHaveLength(6);
    expect(requests()).toHaveLength(7); // the look before the redeploy, then the PUTs
    expect(retries()).toHaveLength(5);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(1);
  });

  test("a 5xx burst (500, 502 on the redeploy; 503, 504 on the polls): each ambiguous PUT is checked before it is retried", async () => {
    const { emulator } = await begin({ auth: "aksk" });
    for (const status of [500, 502]) emulator.injectFault({ method: "PUT", kind: "status", status });
    for (const status of [503, 504]) emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "status", status });
    const out = await update();
    const trace = requests().map(
      (r) => `${r.method} ${r.path.startsWith(JOBS_PATH) ? "job" : r.path === COMPONENT_PATH ? "component" : "redeploy"} ${r.status}`,
    );
    expect(trace.slice(0, 8)).toEqual([
      "GET component 200",
      "PUT redeploy 500",
      "GET component 200",
      "PUT redeploy 502",
      "GET component 200",
      "PUT redeploy 200",
      "GET job 503",
      "GET job 504",
    ]);
    expect(trace[trace.length - 1]).toBe("GET job 200");
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    expect(retries()).toHaveLength(4);
    expect(retries().join("\n")).toMatch(/HTTP 500: SVCSTG\.00100500: "Internal Server Error \(injected fault\)", request id/);
  });

  test("connection resets (redeploy and poll) and a poll whose answer was lost", async () => {
    const { emulator } = await begin();
    emulator.injectFault({ method: "PUT", kind: "reset" });
    emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "reset" });
    emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "lostAnswer" });
    const out = await update();
    expect(requests("PUT").map((r) => r.status)).toEqual([0, 200]);
    expect(
      requests("GET", JOBS_PATH)
        .map((r) => r.status)
        .slice(0, 3),
    ).toEqual([0, 0, 200]);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    expect(retries()).toHaveLength(3);
    expect(retries()[0]).toMatch(/connection failed \(ECONNRESET\)/);
  });

  test("HTML error pages from a gateway are retried and described", async () => {
    const { emulator } = await begin({ auth: "aksk" });
    emulator.injectFault({ method: "PUT", kind: "html", times: 2 });
    const out = await update();
    expect(requests("PUT").map((r) => r.status)).toEqual([502, 502, 200]);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(out.properties).toMatchObject({ jobId: lastJobId() });
    expect(retries()).toHaveLength(2);
    expect(retries()[0]).toMatch(/HTTP 502: no ServiceStage error body, request id/);
  });

  test("slow answers within the default 30 s timeout are waited for, not retried", async () => {
    const { emulator } = await begin();
    emulator.injectFault({ method: "PUT", kind: "delay", delayMs: 1500 });
    emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "delay", delayMs: 1500 });
    const out = await update();
    expect(Date.now() - the().started).toBeGreaterThanOrEqual(3000);
    expect(requests("PUT").map((r) => r.status)).toEqual([200]);
    expect(retries()).toHaveLength(0);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
  });

  test("answers slower than servicestage:requestTimeoutSeconds: timed out and retried; the late redeploy is not a second deployment", async () => {
    // The redeploy times out at 0.5 s while the emulator holds it for 2 s. The retry looks
    // for a job first (none yet), redeploys, and the late original arrives while that job
    // runs: ServiceStage refuses to redeploy a running job component.
    const { emulator } = await begin({ config: { "servicestage:requestTimeoutSeconds": "0.5" }, jobDurationMs: 2500 });
    emulator.injectFault({ method: "PUT", kind: "delay", delayMs: 2000 });
    emulator.injectFault({ method: "GET", pathIncludes: JOBS_PATH, kind: "delay", delayMs: 1200 });
    const out = await update();
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    const puts = requests("PUT");
    expect(puts).toHaveLength(2);
    expect(puts.map((r) => r.status)).toEqual([400, 200]); // in arrival order: the late original was refused
    expect(retries().filter((l) => l.includes("no answer within 500 ms"))).toHaveLength(2);
  });
});

// ---- failures that must be reported, not retried ------------------------------------------------

describe("failures are reported clearly and not retried", () => {
  test("an expired token before the update: 401 APIG.0307 once, no retry", async () => {
    const { emulator } = await begin();
    emulator.revokeToken();
    const message = await updateFails();
    expect(message).toContain(`GET ${COMPONENT_PATH} failed, HTTP 401: APIG.0307: "The token must be updated"`);
    expect(message).toMatch(REQUEST_ID);
    expect(requests().map((r) => r.status)).toEqual([401]);
    expect(retries()).toHaveLength(0);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(1);
  });

  test("a token that expires while waiting for the job: the poll fails at once with the job in its path", async () => {
    const { emulator } = await begin({ jobDurationMs: 1500 });
    const pending = updateFails();
    const deadline = Date.now() + 5000;
    while (!requests("PUT").some((r) => r.status === 200) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    emulator.revokeToken();
    const message = await pending;
    expect(message).toContain(`GET ${JOBS_PATH}${lastJobId()} failed, HTTP 401: APIG.0307: "The token must be updated"`);
    expect(message).toMatch(REQUEST_ID);
    expect(requests().filter((r) => r.status === 401)).toHaveLength(1);
    expect(requests("PUT")).toHaveLength(1);
    expect(retries()).toHaveLength(0);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
  });

  test.each(["FAILED", "CANCELLED", "PARTIALLY_FAILED"] as const)(
    "a job that ends %s fails the update with the job id and the task's message",
    async (status) => {
      const { emulator } = await begin({ auth: "aksk" });
      emulator.scriptNextJob(COMPONENT_ID, { status, messages: [`task runner says ${status.toLowerCase()}`] });
      const message = await updateFails();
      expect(message).toContain(`redeploy of job component ${APP_ID}/${COMPONENT_ID} failed: job ${lastJobId()} ended ${status}`);
      expect(message).toContain(`task runner says ${status.toLowerCase()}`);
      expect(requests("PUT")).toHaveLength(1);
      expect(retries()).toHaveLength(0);
      expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    },
  );

  test("a job still RUNNING after jobTimeoutSeconds fails the update, naming the job and the knob", async () => {
    const { emulator } = await begin();
    emulator.scriptNextJob(COMPONENT_ID, { status: "RUNNING_FOREVER" });
    const message = await updateFails({ jobTimeoutSeconds: 1 });
    expect(message).toContain(`job ${lastJobId()} still RUNNING after 1 s`);
    expect(message).toContain("raise jobTimeoutSeconds");
    const elapsed = Date.now() - the().started;
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(5000);
    expect(requests("PUT")).toHaveLength(1);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
  });
});

// ---- ambiguous failures: the redeploy was carried out, its answer did not arrive ---------------------

describe("a redeploy carried out whose answer was lost adopts the started job", () => {
  test.each([
    ["update", "token"],
    ["create", "aksk"],
  ] as const)("connection dropped after the redeploy was done (%s, %s)", async (operation, auth) => {
    const { emulator, host, job } = await begin({ auth, deploy: operation === "update" });
    emulator.injectFault({ method: "PUT", kind: "lostAnswer" });
    const out = operation === "update" ? await update() : await host.create(job);
    the().seen.push(out.properties);
    expect(requests("PUT").map((r) => r.status)).toEqual([0]);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(operation === "update" ? 2 : 1);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    expect(newLogs().join("\n")).toContain(`adopted the job already started by a redeploy whose answer was lost, job ${lastJobId()}`);
  });

  test.each([
    ["update", 503],
    ["create", 502],
  ] as const)("%s: the gateway answered %i after ServiceStage carried the redeploy out", async (operation, status) => {
    const { emulator, host, job } = await begin({ deploy: operation === "update" });
    emulator.injectFault({ method: "PUT", kind: "status", status, afterProcessing: true });
    const out = operation === "update" ? await update() : await host.create(job);
    the().seen.push(out.properties);
    expect(requests("PUT")).toEqual([expect.objectContaining({ path: REDEPLOY_PATH, processedStatus: 200, status })]); // carried out, answered 5xx
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(operation === "update" ? 2 : 1);
    expect(out.properties).toMatchObject({ jobId: lastJobId(), jobStatus: "SUCCEEDED" });
    expect(newLogs().join("\n")).toContain(`adopted the job already started by a redeploy whose answer was lost, job ${lastJobId()}`);
  });

  test("a release-task edit (idempotent) is simply retried after a lost answer and a 500", async () => {
    const { emulator, host, plan } = await begin({ deploy: false });
    const created = await host.create(plan);
    emulator.clearRequests();
    emulator.injectFault({ method: "PUT", pathIncludes: "/release-plans/", kind: "lostAnswer" });
    emulator.injectFault({ method: "PUT", pathIncludes: "/release-plans/", kind: "status", status: 500 });
    const desired = { ...plan, desc: "edited under faults" };
    const out = await host.update(created.id, created.properties, desired);
    the().seen.push(created.properties, out.properties);
    expect(requests("PUT", PLAN_PATH).map((r) => r.status)).toEqual([0, 500, 200]);
    expect(emulator.getReleasePlan(RELEASE_PLAN_ID)).toMatchObject({ ...releasePlanWire(), desc: "edited under faults" });
  });
});

describe("a job started outside Pulumi is never taken for ours", () => {
  /** Another pipeline (or the console) redeploys the component, and its job ends. */
  const foreignRedeploy = async (version: string): Promise<string> => {
    const { emulator } = the();
    // The stored spec holds the server's own items (inner envs, its accesses), which no client may send: the console's redeploy takes it as it is.
    const { jobId } = emulator.consoleRedeploy(APP_ID, COMPONENT_ID, { version });
    await lastJobEnded(emulator, APP_ID, COMPONENT_ID);
    emulator.clearRequests();
    return jobId;
  };

  test("a foreign redeploy, then every redeploy answered 500: each retry checked (no new job), the update fails, starts no job, keeps what was deployed", async () => {
    const { emulator, deployed } = await begin();
    const foreign = await foreignRedeploy("2025.0999.1");
    emulator.injectFault({ method: "PUT", kind: "status", status: 500, times: 10 });
    const message = await updateFails();
    expect(message).toContain("SVCSTG.00100500");
    expect(message).toContain("after 6 attempts");
    expect(message).not.toContain("adopted");
    // Read before the redeploy, the foreign job is known: it is never taken for ours, and each 500 left it the last job.
    expect(requests("GET", COMPONENT_PATH).filter((r) => r.path === COMPONENT_PATH)).toHaveLength(6);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2); // ours at create, and the foreign one
    expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe("2025.0999.1");
    expect(deployed?.properties.jobId).not.toBe(foreign);
  });

  test("a foreign redeploy, then a lost answer to our redeploy that ServiceStage carried out: our job is adopted, not the foreign one", async () => {
    const { emulator } = await begin();
    const foreign = await foreignRedeploy("2025.0999.1");
    emulator.injectFault({ method: "PUT", kind: "lostAnswer" });
    const out = await update();
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(3);
    expect(out.properties.jobId).toBe(lastJobId());
    expect(out.properties.jobId).not.toBe(foreign);
    expect(out.properties).toMatchObject({ version: "2025.0601.1", jobStatus: "SUCCEEDED" });
    expect(newLogs().join("\n")).toContain(`adopted the job already started by a redeploy whose answer was lost, job ${lastJobId()}`);
  });

  test("a foreign redeploy, then our redeploy refused before reaching ServiceStage (reset): retried once, our job recorded, not the foreign one", async () => {
    const { emulator } = await begin();
    const foreign = await foreignRedeploy("2025.0999.1");
    emulator.injectFault({ method: "PUT", kind: "reset" });
    const out = await update();
    expect(requests("PUT").map((r) => r.status)).toEqual([0, 200]);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(3);
    expect(out.properties.jobId).toBe(lastJobId());
    expect(out.properties.jobId).not.toBe(foreign);
  });
});

// ---- the real engine: the plain CLI in the fleet test program's folder ---------------------------

describe("through the real Pulumi engine", () => {
  let emulator: Emulator | undefined;
  let stack: ProgramStack | undefined;
  const JOB_TYPE = "pulumi-nodejs:dynamic/servicestage:JobComponent";

  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
    await emulator?.close();
    emulator = undefined;
  });

  test("100 JobComponents updated in one up against a throttled emulator: nothing lost, each redeployed once, every jobId recorded", async () => {
    const components = Array.from({ length: 100 }, (_, i) => `comp-${String(i).padStart(2, "0")}`);
    emulator = await startEmulator({ seed: fleetSeed(100), token: CREDS.token, jobDurationMs: 50 });
    stack = new ProgramStack(path.join(repo, "test", "programs", "fleet"));
    await stack.init({ "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, count: "100" }, { "servicestage:authToken": CREDS.token });
    const t0 = Date.now();
    await stack.up();
    const firstUpMs = Date.now() - t0;
    expect(emulator.redeployCount()).toBe(100);

    await stack.pulumi(["config", "set", "version", "2025.0801.1"]);
    emulator.clearRequests();
    emulator.setRateLimit(10);
    const t1 = Date.now();
    const up = await stack.up();
    const upMs = Date.now() - t1;
    const sent = emulator.requests();
    expect(up.resourceChanges).toMatchObject({ update: 100 });
    for (const componentId of components) expect(emulator.redeployCount(componentId)).toBe(2);
    const puts = sent.filter((r) => r.method === "PUT" && r.status === 200).map((r) => r.path.split("/")[7]);
    expect(puts.sort()).toEqual(components);

    const state = await stack.exportState();
    const resources = (JSON.parse(state).deployment.resources as Array<{ type: string; outputs: PropertyBag }>).filter((r) => r.type === JOB_TYPE);
    expect(resources).toHaveLength(100);
    for (const r of resources) {
      const componentId = String(r.outputs.componentId);
      expect(r.outputs).toMatchObject({
        version: "2025.0801.1",
        jobStatus: "SUCCEEDED",
        jobId: emulator.getComponent(APP_ID, componentId)?.status.last_job_id,
      });
    }
    expect(new Set(resources.map((r) => r.outputs.jobId)).size).toBe(100);
    expect(((await stack.outputs()).jobIds as string[]).sort()).toEqual(resources.map((r) => String(r.outputs.jobId)).sort());
    expectNoCredential(up.messages, state);
    const throttled = sent.filter((r) => r.status === 429).length;
    figures.push({
      name: `100-component throttled up (first up ${firstUpMs} ms; ${throttled} of ${sent.length} requests answered 429)`,
      ms: upMs,
      retries: throttled,
      requests: sent.length,
      redeploys: emulator.redeployCount(),
    });
  }, 300_000);
});
