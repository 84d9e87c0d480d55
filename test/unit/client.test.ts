/**
 * ServiceStageClient against the real emulator over HTTP on 127.0.0.1, plus a few tiny
 * node:http servers (also on 127.0.0.1) for what the emulator cannot do on purpose:
 * echo credentials back, answer a 200 that breaks the codec, answer 500 after it has
 * carried out a redeploy.
 *
 * Not covered: an endpoint with a path prefix (e.g. https://proxy/servicestage). The
 * emulator serves only /v3/..., and a prefix-stripping proxy would break AK/SK (the
 * signature covers the prefixed path, as a real gateway sees it).
 */
import { jobPageExampleWire, releasePlanWire } from "../fixtures/wire";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { ClientOptions, Credentials, ServiceStageClient } from "../../provider/client";
import { ServiceStageError } from "../../provider/errors";
import { EditReleasePlanBody } from "../../provider/codecs/editReleasePlan";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { decodeSpec } from "../../provider/codecs/decode";
import { Emulator, RecordedRequest, startEmulator } from "../../emulator/server";
import { ACCESS_KEY, APP_ID, COMPONENT, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, SECRET_KEY, TOKEN, jobSpec, releaseSpec, seed } from "../harness/world";

const SECURITY_TOKEN = "temp-security-token-3c7b1e";
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };
const JOB_MS = 50;

const TOKEN_AUTH: Credentials = { kind: "token", token: TOKEN };
const AKSK_AUTH: Credentials = { kind: "aksk", accessKey: ACCESS_KEY, secretKey: SECRET_KEY };
const STS_AUTH: Credentials = { kind: "aksk", accessKey: ACCESS_KEY, secretKey: SECRET_KEY, securityToken: SECURITY_TOKEN };

const COMPONENT_PATH = `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`;
const REDEPLOY_PATH = `${COMPONENT_PATH}/redeployment`;
const PLAN_PATH = `/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`;

const redeployBody = (overrides: Record<string, unknown> = {}): RedeployJobComponentBody => {
  const decoded = decodeSpec(RedeployJobComponentBody, jobSpec(overrides));
  if (!decoded.ok) throw new Error(`jobSpec does not decode: ${JSON.stringify(decoded.issues)}`);
  return decoded.value;
};
const planBody = (overrides: Record<string, unknown> = {}): EditReleasePlanBody => {
  const decoded = decodeSpec(EditReleasePlanBody, releaseSpec(overrides));
  if (!decoded.ok) throw new Error(`releaseSpec does not decode: ${JSON.stringify(decoded.issues)}`);
  return decoded.value;
};

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ seed: seed(), token: TOKEN, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, jobDurationMs: JOB_MS });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await emu.close();
});

const clientFor = (options: Partial<ClientOptions> = {}): ServiceStageClient =>
  new ServiceStageClient({ endpoint: emu.url, projectId: PROJECT_ID, credentials: TOKEN_AUTH, timeoutMs: 2000, retry: FAST, ...options });

/** The requests the emulator received for one method and exact path. */
const received = (method: string, path: string): RecordedRequest[] => emu.requests().filter((r) => r.method === method && r.path === path);

/** The ServiceStageError a promise rejects with (fails the test if it resolves or throws something else). */
const failureOf = async (promise: Promise<unknown>): Promise<ServiceStageError> => {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceStageError);
    return e as ServiceStageError;
  }
  throw new Error("expected the call to fail");
};

// ---- tiny local servers -------------------------------------------------------------

interface Local {
  url: string;
  seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }>;
  close(): Promise<void>;
}
const locals: Local[] = [];
afterEach(async () => {
  await Promise.all(locals.splice(0).map((l) => l.close()));
});

/** A node:http server on 127.0.0.1 answering with `handle`; it records what it received. */
async function localServer(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<Local> {
  const seen: Local["seen"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const local: Local = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
  locals.push(local);
  return local;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "X-Request-Id": "req-local-1", ...headers });
  res.end(text);
};

// ---- operations and authentication ---------------------------------------------------

/** A package source fetched over http: the one that carries a password. */
const httpSource = (password: string) => ({
  kind: "package",
  storage: "http",
  url: "http://repo/a.jar",
  httpUsername: "u",
  httpPassword: password,
  httpCommand: "wget",
  httpHeaders: {},
});
describe("operations", () => {
  it.each([
    ["an IAM token", TOKEN_AUTH, "token"],
    ["AK/SK", AKSK_AUTH, "aksk"],
    ["AK/SK with a security token", STS_AUTH, "aksk"],
  ] as const)("every operation works with %s", async (_name, credentials, kind) => {
    const client = clientFor({ credentials });

    const component = await client.getComponent(COMPONENT);
    expect(component).toMatchObject({ found: true, value: { name: "mycomponent", id: COMPONENT_ID } });

    const redeployed = await client.redeployJobComponent(COMPONENT, redeployBody());
    expect(redeployed).toEqual({ value: { job_id: expect.stringMatching(/^JOB/) }, adopted: false });

    const job = await client.getJob(redeployed.value.job_id);
    expect(job.job.job_id).toBe(redeployed.value.job_id);
    expect(["SUBMITTED", "SCHEDULED", "RUNNING", "SUCCEEDED"]).toContain(job.job.execution_status);

    expect(await client.editReleasePlan(RELEASE_PLAN_ID, planBody({ desc: "edited" }))).toEqual({ release_plan_id: RELEASE_PLAN_ID });
    expect(await client.getReleasePlan(RELEASE_PLAN_ID)).toMatchObject({ found: true, value: { name: "release-2025-q3", desc: "edited" } });

    const requests = emu.requests();
    expect(requests).toHaveLength(5);
    for (const r of requests) expect(r).toMatchObject({ status: 200, auth: kind });
  });

  it("sends the X-Security-Token header with temporary credentials (and none without)", async () => {
    const server = await localServer((_req, _body, res) => json(res, 200, { id: RELEASE_PLAN_ID, name: "p" }));
    await clientFor({ endpoint: server.url, credentials: STS_AUTH }).getReleasePlan(RELEASE_PLAN_ID);
    await clientFor({ endpoint: server.url, credentials: AKSK_AUTH }).getReleasePlan(RELEASE_PLAN_ID);
    expect(server.seen[0].headers["x-security-token"]).toBe(SECURITY_TOKEN);
    expect(server.seen[0].headers["x-project-id"]).toBe(PROJECT_ID);
    expect(server.seen[0].headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=TESTAKEXAMPLE, SignedHeaders=.*x-security-token.*, Signature=[0-9a-f]{64}$/);
    expect(server.seen[1].headers["x-security-token"]).toBeUndefined();
  });

  it("sends the redeploy and release-plan bodies in snake_case", async () => {
    const client = clientFor();
    await client.redeployJobComponent(COMPONENT, redeployBody());
    await client.editReleasePlan(RELEASE_PLAN_ID, planBody());

    const [redeploy] = received("PUT", REDEPLOY_PATH);
    const [edit] = received("PUT", PLAN_PATH);
    // The literal snake_case fixtures, nulls aside (null means absent).
    expect(redeploy.body).toEqual(JSON.parse(JSON.stringify(jobPageExampleWire(), (_k, v) => (v === null ? undefined : v))));
    expect(edit.body).toEqual(releasePlanWire());
    expect(redeploy.body).toMatchObject({
      runtime_stack: { deploy_mode: "virtualmachine" },
      task_setting: { completion_mode: "Indexed" },
      refer_resources: [expect.anything()],
    });
    expect(edit.body).toMatchObject({ fail_strategy: "stop", components: [{ component_id: "comp-api", environment_id: "env-prod" }, expect.anything()] });
    const camelKeys = (v: unknown): string[] =>
      Array.isArray(v)
        ? v.flatMap(camelKeys)
        : v !== null && typeof v === "object"
          ? Object.entries(v).flatMap(([k, x]) => [...(/[A-Z]/.test(k) ? [k] : []), ...camelKeys(x)])
          : [];
    expect(camelKeys(redeploy.body)).toEqual([]);
    expect(camelKeys(edit.body)).toEqual([]);
  });

  it.each([
    ["a token", TOKEN_AUTH],
    ["AK/SK", AKSK_AUTH],
  ] as const)("accepts an endpoint with a trailing slash (%s)", async (_name, credentials) => {
    const client = clientFor({ endpoint: `${emu.url}/`, credentials });
    expect(await client.getComponent(COMPONENT)).toMatchObject({ found: true });
    expect(emu.requests().map((r) => r.path)).toEqual([COMPONENT_PATH]);
  });

  it("does not read a wrong project as 'not found'", async () => {
    const e = await failureOf(clientFor({ projectId: "ffffffffffff" }).getComponent(COMPONENT));
    expect(e).toMatchObject({ status: 404, errorCode: "SVCSTG.00100402", attempts: 1 });
  });
});

// ---- retries ----------------------------------------------------------------------------

describe("retries", () => {
  it("rides out a 429 storm and reports each retry", async () => {
    emu.injectFault({ method: "GET", pathIncludes: COMPONENT_ID, times: 3, kind: "status", status: 429, errorCode: "APIG.0308" });
    const retries: Array<{ attempt: number; reason: string }> = [];
    const result = await clientFor({ onRetry: (e) => retries.push(e) }).getComponent(COMPONENT);
    expect(result.found).toBe(true);
    expect(received("GET", COMPONENT_PATH).map((r) => r.status)).toEqual([429, 429, 429, 200]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(retries[0].reason).toContain("APIG.0308");
  });

  it("waits at least Retry-After before retrying", async () => {
    emu.injectFault({ method: "GET", kind: "status", status: 429, errorCode: "APIG.0308", retryAfterSeconds: 1 });
    const delays: number[] = [];
    await clientFor({ onRetry: (e) => delays.push(e.delayMs) }).getReleasePlan(RELEASE_PLAN_ID);
    const [first, second] = received("GET", PLAN_PATH);
    expect([first.status, second.status]).toEqual([429, 200]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
    expect(delays).toEqual([1000]);
  });

  it.each([500, 502, 503, 504])("retries a burst of %i and then succeeds", async (status) => {
    emu.injectFault({ method: "GET", kind: "status", status, times: 2 });
    const result = await clientFor().getReleasePlan(RELEASE_PLAN_ID);
    expect(result).toMatchObject({ found: true, value: { name: "release-2025-q3" } });
    expect(received("GET", PLAN_PATH).map((r) => r.status)).toEqual([status, status, 200]);
  });

  it("retries an edit of a release task (idempotent) through a 503 burst", async () => {
    emu.injectFault({ method: "PUT", kind: "status", status: 503, times: 2 });
    expect(await clientFor().editReleasePlan(RELEASE_PLAN_ID, planBody({ desc: "third time" }))).toEqual({ release_plan_id: RELEASE_PLAN_ID });
    expect(received("PUT", PLAN_PATH).map((r) => r.status)).toEqual([503, 503, 200]);
    expect(emu.getReleasePlan(RELEASE_PLAN_ID)?.desc).toBe("third time");
  });

  it("retries a redeploy refused with 503 before it started a job, asking its hook first, and starts exactly one", async () => {
    emu.injectFault({ method: "PUT", kind: "status", status: 503, times: 2 });
    const client = clientFor();
    const result = await client.redeployJobComponent(COMPONENT, redeployBody(), async () => {
      await client.getComponent(COMPONENT);
      return { retry: true };
    });
    expect(result.adopted).toBe(false);
    expect(emu.redeployCount(COMPONENT_ID)).toBe(1);
    expect(emu.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 503", "GET 200", "PUT 503", "GET 200", "PUT 200"]);
    expect(emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id).toBe(result.value.job_id);
  });

  it("retries after a connection reset", async () => {
    emu.injectFault({ method: "GET", kind: "reset", times: 2 });
    expect(await clientFor().getComponent(COMPONENT)).toMatchObject({ found: true });
    expect(received("GET", COMPONENT_PATH).map((r) => r.status)).toEqual([0, 0, 200]);
  });

  it("gives up on a response slower than the timeout and retries", async () => {
    emu.injectFault({ method: "GET", kind: "delay", delayMs: 5000 });
    const reasons: string[] = [];
    expect(await clientFor({ timeoutMs: 300, onRetry: (e) => reasons.push(e.reason) }).getReleasePlan(RELEASE_PLAN_ID)).toMatchObject({ found: true });
    // Two requests, the first given up for its timeout: had the client waited for the slow
    // answer, that answer would have been the only request. No wall-clock bound (the
    // parallel loop runs this on a loaded machine).
    expect(received("GET", PLAN_PATH)).toHaveLength(2);
    expect(reasons).toEqual([expect.stringContaining("no answer within 300 ms")]);
  });

  it("reports a timeout that never clears as a timeout", async () => {
    emu.injectFault({ method: "GET", kind: "delay", delayMs: 1500, times: 2 });
    const e = await failureOf(clientFor({ timeoutMs: 100, retry: { ...FAST, maxAttempts: 2 } }).getReleasePlan(RELEASE_PLAN_ID));
    expect(e).toMatchObject({ kind: "timeout", method: "GET", path: PLAN_PATH, attempts: 2 });
    expect(e.message).toContain("no answer within 100 ms");
  });

  it("retries a malformed JSON 200 (a cut or mangled answer) and, if it persists, names the request", async () => {
    const client = clientFor();
    const { job_id } = (await client.redeployJobComponent(COMPONENT, redeployBody())).value;
    emu.injectFault({ method: "GET", pathIncludes: "/jobs/", kind: "malformed" });
    expect((await client.getJob(job_id)).job.job_id).toBe(job_id);
    expect(received("GET", `/v3/${PROJECT_ID}/cas/jobs/${job_id}`)).toHaveLength(2);

    emu.injectFault({ method: "GET", pathIncludes: "/jobs/", kind: "malformed", times: 2 });
    const e = await failureOf(clientFor({ retry: { ...FAST, maxAttempts: 2 } }).getJob(job_id));
    expect(e).toMatchObject({ kind: "malformed", method: "GET", path: `/v3/${PROJECT_ID}/cas/jobs/${job_id}`, status: 200, attempts: 2 });
    expect(e.message).toContain(`GET /v3/${PROJECT_ID}/cas/jobs/${job_id} failed`);
    expect(e.message).toContain("not valid JSON");
    expect(e.requestId).toEqual(expect.any(String));
  });

  it("retries an HTML 502 page and, if it persists, says so clearly", async () => {
    emu.injectFault({ method: "GET", kind: "html" });
    expect(await clientFor().getReleasePlan(RELEASE_PLAN_ID)).toMatchObject({ found: true });
    expect(received("GET", PLAN_PATH).map((r) => r.status)).toEqual([502, 200]);

    emu.clearRequests();
    emu.injectFault({ method: "GET", kind: "html", times: 3 });
    const e = await failureOf(clientFor({ retry: { ...FAST, maxAttempts: 3 } }).getReleasePlan(RELEASE_PLAN_ID));
    expect(e).toMatchObject({ kind: "http", status: 502, attempts: 3, errorCode: undefined });
    expect(e.message).toMatch(/^GET \/v3\/.*\/release-plans\/.* failed, HTTP 502: no ServiceStage error body, request id .*, after 3 attempts$/);
    expect(e.message).not.toContain("<html>");
  });

  it.each([400, 401, 403, 404, 409])("never retries a %i", async (status) => {
    emu.injectFault({ method: "PUT", kind: "status", status, errorCode: "SVCSTG.00100999", times: 5 });
    const retried = jest.fn();
    const e = await failureOf(clientFor({ onRetry: retried }).editReleasePlan(RELEASE_PLAN_ID, planBody()));
    expect(e).toMatchObject({ status, errorCode: "SVCSTG.00100999", attempts: 1 });
    expect(received("PUT", PLAN_PATH)).toHaveLength(1);
    expect(retried).not.toHaveBeenCalled();
  });

  it("never retries (nor looks before retrying) a redeploy the service rejected with 400", async () => {
    const e = await failureOf(clientFor().redeployJobComponent(COMPONENT, redeployBody({ name: "renamed" })));
    expect(e).toMatchObject({ status: 400, errorCode: "SVCSTG.00100400", attempts: 1 });
    expect(emu.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 400"]);
    expect(emu.redeployCount()).toBe(0);
  });
});

// ---- not found, and what is not "not found" -------------------------------------------------

describe("not found", () => {
  it("reads a 404 component as a typed NotFound", async () => {
    emu.deleteComponent(APP_ID, COMPONENT_ID);
    const result = await clientFor().getComponent(COMPONENT);
    expect(result).toEqual({ found: false, status: 404, errorCode: "SVCSTG.00100404", requestId: expect.any(String) });
    expect(emu.requests()).toHaveLength(1);
  });

  it("reads a missing application and a missing release task as NotFound with their codes", async () => {
    const client = clientFor({ credentials: AKSK_AUTH });
    expect(await client.getComponent({ ...COMPONENT, applicationId: "no-such-app" })).toMatchObject({
      found: false,
      status: 404,
      errorCode: "SVCSTG.00100403",
    });
    emu.deleteReleasePlan(RELEASE_PLAN_ID);
    expect(await client.getReleasePlan(RELEASE_PLAN_ID)).toMatchObject({ found: false, status: 404, errorCode: "SVCSTG.00100433" });
  });

  it("reads the 401 SVCSTG.00100401 quirk as NotFound, without retrying", async () => {
    emu.setNotFoundAs401(true);
    emu.deleteComponent(APP_ID, COMPONENT_ID);
    const result = await clientFor().getComponent(COMPONENT);
    expect(result).toEqual({ found: false, status: 401, errorCode: "SVCSTG.00100401", requestId: expect.any(String) });
    expect(emu.requests()).toHaveLength(1);
  });

  it("fails (not NotFound, no retry) when the token is revoked mid-run", async () => {
    const client = clientFor();
    expect(await client.getComponent(COMPONENT)).toMatchObject({ found: true });
    emu.revokeToken();
    const e = await failureOf(client.getComponent(COMPONENT));
    expect(e).toMatchObject({ kind: "http", status: 401, errorCode: "APIG.0307", attempts: 1 });
    expect(received("GET", COMPONENT_PATH).map((r) => r.status)).toEqual([200, 401]);
    // AK/SK keeps working.
    expect(await clientFor({ credentials: AKSK_AUTH }).getComponent(COMPONENT)).toMatchObject({ found: true });
  });

  it("fails a job read of an unknown job (getJob is not a lookup)", async () => {
    const e = await failureOf(clientFor().getJob("JOBnope"));
    expect(e).toMatchObject({ status: 404, errorCode: "SVCSTG.00100429", attempts: 1 });
  });
});

// ---- bounds -------------------------------------------------------------------------------

describe("bounds", () => {
  it("stops a permanent 503 after exactly 6 attempts", async () => {
    emu.injectFault({ method: "GET", kind: "status", status: 503, times: 100 });
    const e = await failureOf(clientFor().getReleasePlan(RELEASE_PLAN_ID));
    expect(e).toMatchObject({ status: 503, attempts: 6 });
    expect(e.message).toContain("after 6 attempts");
    expect(received("GET", PLAN_PATH)).toHaveLength(6);
  });

  it("backs off exponentially up to maxDelayMs, jittered below it", async () => {
    emu.injectFault({ method: "GET", kind: "status", status: 503, times: 100 });
    const random = jest.spyOn(Math, "random").mockReturnValue(0.999999);
    const delays: number[] = [];
    await failureOf(clientFor({ retry: { baseDelayMs: 5, maxDelayMs: 20 }, onRetry: (e) => delays.push(e.delayMs) }).getReleasePlan(RELEASE_PLAN_ID));
    expect(delays).toEqual([5, 10, 20, 20, 20]);

    random.mockReturnValue(0.5);
    delays.length = 0;
    emu.injectFault({ method: "GET", kind: "status", status: 503, times: 100 });
    await failureOf(clientFor({ retry: { baseDelayMs: 8, maxDelayMs: 32 }, onRetry: (e) => delays.push(e.delayMs) }).getReleasePlan(RELEASE_PLAN_ID));
    expect(delays).toEqual([4, 8, 16, 16, 16]);
  });

  it("stops earlier when the time budget runs out", async () => {
    emu.injectFault({ method: "GET", kind: "status", status: 503, times: 100 });
    jest.spyOn(Math, "random").mockReturnValue(0.999999);
    const e = await failureOf(clientFor({ retry: { baseDelayMs: 60, maxDelayMs: 60, budgetMs: 150 } }).getReleasePlan(RELEASE_PLAN_ID));
    // Fewer than the 6 attempts allowed: the budget, not the attempt count, ended it.
    expect(e.attempts).toBeGreaterThanOrEqual(2);
    expect(e.attempts).toBeLessThan(6);
    expect(received("GET", PLAN_PATH)).toHaveLength(e.attempts);
  });

  it("does not wait out a Retry-After longer than the budget", async () => {
    emu.injectFault({ method: "GET", kind: "status", status: 429, errorCode: "APIG.0308", retryAfterSeconds: 5 });
    // Every retry's sleep is announced to onRetry first: none was, so the 5 s Retry-After was never waited out.
    const retries: number[] = [];
    const e = await failureOf(clientFor({ retry: { ...FAST, budgetMs: 1000 }, onRetry: (r) => retries.push(r.delayMs) }).getReleasePlan(RELEASE_PLAN_ID));
    expect(e).toMatchObject({ status: 429, errorCode: "APIG.0308", attempts: 1 });
    expect(retries).toEqual([]);
  });
});

// ---- ambiguous redeploys --------------------------------------------------------------------

describe("ambiguous failures of a PUT", () => {
  // What a lost answer means for a job is the lifecycle's to decide (test/unit/adoption.test.ts);
  // the client only asks its hook before a retry that could repeat what was carried out.
  const adoptJob = (job_id: string) => async () => ({ adopt: { job_id } });

  it("asks the hook after a lost answer, and returns what it adopts without a second PUT", async () => {
    emu.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "lostAnswer" });
    let asked = 0;
    const result = await clientFor().redeployJobComponent(COMPONENT, redeployBody(), () => {
      asked++;
      return adoptJob("JOB-adopted")();
    });
    expect(result).toEqual({ value: { job_id: "JOB-adopted" }, adopted: true });
    expect(asked).toBe(1);
    expect(received("PUT", REDEPLOY_PATH)).toHaveLength(1);
  });

  it("retries when the hook says so, and asks again after each ambiguous failure", async () => {
    emu.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "reset", times: 2 });
    let asked = 0;
    const result = await clientFor().redeployJobComponent(COMPONENT, redeployBody(), async () => {
      asked++;
      return { retry: true };
    });
    expect(result.adopted).toBe(false);
    expect(result.value.job_id).toBe(emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id);
    expect(asked).toBe(2);
    expect(emu.redeployCount(COMPONENT_ID)).toBe(1);
  });

  it("stops with what ServiceStage said and the hook's reason, without retrying", async () => {
    emu.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "status", status: 500, errorCode: "SVCSTG.00100500" });
    const e = await failureOf(clientFor().redeployJobComponent(COMPONENT, redeployBody(), async () => ({ stop: "someone else's job" })));
    expect(e).toMatchObject({ kind: "http", status: 500, errorCode: "SVCSTG.00100500", attempts: 1 });
    expect(e.message).toContain("not retried: someone else's job");
    expect(received("PUT", REDEPLOY_PATH)).toHaveLength(1);
  });

  it("does not retry when the hook itself fails, and says why", async () => {
    emu.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "lostAnswer" });
    const e = await failureOf(
      clientFor().redeployJobComponent(COMPONENT, redeployBody(), async () => {
        throw new Error("GET failed too");
      }),
    );
    expect(e.message).toContain("not retried: could not check whether it was carried out (GET failed too)");
    expect(received("PUT", REDEPLOY_PATH)).toHaveLength(1);
  });

  it("never asks the hook about a 429: a gateway refusal was not carried out", async () => {
    emu.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "status", status: 429, errorCode: "APIG.0308" });
    let asked = 0;
    const result = await clientFor().redeployJobComponent(COMPONENT, redeployBody(), async () => {
      asked++;
      return { retry: true };
    });
    expect(asked).toBe(0);
    expect(result.adopted).toBe(false);
  });

  it("simply retries a release-task edit whose answer was lost", async () => {
    emu.injectFault({ method: "PUT", pathIncludes: "/release-plans/", kind: "lostAnswer" });
    expect(await clientFor().editReleasePlan(RELEASE_PLAN_ID, planBody({ desc: "again" }))).toEqual({ release_plan_id: RELEASE_PLAN_ID });
    expect(received("PUT", PLAN_PATH).map((r) => r.status)).toEqual([0, 200]);
  });
});

// ---- error messages and redaction ---------------------------------------------------------

describe("errors", () => {
  it("say the method, path, status, error_code, error_msg and request id", async () => {
    const e = await failureOf(clientFor().redeployJobComponent(COMPONENT, redeployBody({ name: "renamed" })));
    expect(e).toMatchObject({ kind: "http", method: "PUT", path: REDEPLOY_PATH, status: 400, errorCode: "SVCSTG.00100400", attempts: 1 });
    expect(e.errorMessage).toContain("name cannot be modified");
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.message).toContain(`PUT ${REDEPLOY_PATH} failed`);
    expect(e.message).toContain("HTTP 400");
    expect(e.message).toContain("SVCSTG.00100400");
    expect(e.message).toContain("name cannot be modified");
    expect(e.message).toContain(`request id ${e.requestId}`);
    expect(e.name).toBe("ServiceStageError");
  });

  it("read the gateway's { error: { code, message } } shape too", async () => {
    const server = await localServer((_req, _body, res) => json(res, 403, { error: { code: "APIG.0203", message: "Forbidden by policy" } }));
    const e = await failureOf(clientFor({ endpoint: server.url }).getReleasePlan(RELEASE_PLAN_ID));
    expect(e).toMatchObject({ status: 403, errorCode: "APIG.0203", errorMessage: "Forbidden by policy", requestId: "req-local-1" });
  });

  describe("never carry a credential", () => {
    const PASSWORDS = ["plain-http-password-91", 'tricky"pass\\word-92'];
    /** The ways a secret could be spelled in an echo: as is, and JSON-escaped (once and twice). */
    const spellings = (secret: string): string[] => [secret, JSON.stringify(secret).slice(1, -1), JSON.stringify(JSON.stringify(secret)).slice(1, -1)];
    const expectClean = (e: ServiceStageError, secrets: string[]) => {
      const views = [e.message, e.stack ?? "", JSON.stringify(e), String(e), e.errorMessage ?? ""];
      for (const secret of secrets) for (const spelled of spellings(secret)) for (const view of views) expect(view).not.toContain(spelled);
    };

    /** Answers with the request's headers and body (and, like a careless gateway, the secret key) in error_msg. */
    const echo = (status: number) =>
      localServer((req, body, res) =>
        json(res, status, { error_code: "SVCSTG.00100400", error_msg: `echo ${JSON.stringify({ headers: req.headers, body })} sk=${SECRET_KEY}` }),
      );

    it.each([
      ["a token", TOKEN_AUTH, [TOKEN]],
      ["AK/SK with a security token", STS_AUTH, [SECRET_KEY, SECURITY_TOKEN]],
    ] as const)("not in a 400 that echoes the request (%s)", async (_name, credentials, held) => {
      const server = await echo(400);
      for (const password of PASSWORDS) {
        const body = redeployBody({
          source: httpSource(password),
        });
        const e = await failureOf(clientFor({ endpoint: server.url, credentials }).redeployJobComponent(COMPONENT, body));
        // The echo did carry them: the test would catch a leak.
        const sent = server.seen[server.seen.length - 1];
        expect(sent.body).toContain(JSON.stringify(password));
        if (credentials.kind === "token") expect(sent.headers["x-auth-token"]).toBe(TOKEN);
        else expect(sent.headers["x-security-token"]).toBe(SECURITY_TOKEN);
        expect(e.errorMessage).toContain("[REDACTED]");
        expectClean(e, [...held, password]);
      }
    });

    it("not in retries' reasons nor the final error of an echoing 503", async () => {
      const server = await echo(503);
      const reasons: string[] = [];
      const body = redeployBody({
        source: httpSource(PASSWORDS[1]),
      });
      const e = await failureOf(
        clientFor({ endpoint: server.url, credentials: STS_AUTH, retry: { ...FAST, maxAttempts: 2 }, onRetry: (r) => reasons.push(r.reason) }).editReleasePlan(
          RELEASE_PLAN_ID,
          planBody(),
        ),
      );
      expectClean(e, [SECRET_KEY, SECURITY_TOKEN]);
      const e2 = await failureOf(
        clientFor({
          endpoint: server.url,
          credentials: TOKEN_AUTH,
          retry: { ...FAST, maxAttempts: 2 },
          onRetry: (r) => reasons.push(r.reason),
        }).redeployJobComponent(COMPONENT, body),
      );
      expectClean(e2, [TOKEN, PASSWORDS[1]]);
      expect(reasons.length).toBeGreaterThan(0);
      for (const reason of reasons)
        for (const secret of [TOKEN, SECURITY_TOKEN, PASSWORDS[1]]) for (const spelled of spellings(secret)) expect(reason).not.toContain(spelled);
    });

    it("not in an error_code that carries one (emulator fault)", async () => {
      emu.injectFault({ method: "GET", kind: "status", status: 400, errorCode: `SVCSTG.${TOKEN}` });
      const e = await failureOf(clientFor().getComponent(COMPONENT));
      expect(e.errorCode).toBe("SVCSTG.[REDACTED]");
      expectClean(e, [TOKEN]);
      emu.injectFault({ method: "GET", kind: "status", status: 503, errorCode: SECURITY_TOKEN, times: 2 });
      const reasons: string[] = [];
      const e2 = await failureOf(
        clientFor({ credentials: STS_AUTH, retry: { ...FAST, maxAttempts: 2 }, onRetry: (r) => reasons.push(r.reason) }).getComponent(COMPONENT),
      );
      expectClean(e2, [SECRET_KEY, SECURITY_TOKEN]);
      expect(reasons.join("\n")).not.toContain(SECURITY_TOKEN);
    });

    it("not in network and timeout errors", async () => {
      emu.injectFault({ method: "GET", kind: "reset", times: 2 });
      const reset = await failureOf(clientFor({ credentials: STS_AUTH, retry: { ...FAST, maxAttempts: 2 } }).getComponent(COMPONENT));
      expect(reset.kind).toBe("network");
      expectClean(reset, [SECRET_KEY, SECURITY_TOKEN]);
      emu.injectFault({ method: "GET", kind: "delay", delayMs: 1000 });
      const slow = await failureOf(clientFor({ timeoutMs: 100, retry: { ...FAST, maxAttempts: 1 } }).getComponent(COMPONENT));
      expect(slow.kind).toBe("timeout");
      expectClean(slow, [TOKEN]);
    });
  });
});

// ---- decoding ------------------------------------------------------------------------------

describe("decoding a 200", () => {
  it("accepts a job status no document lists (the waiter keeps waiting on it) and task fields in the SDK model's types", async () => {
    const answer = {
      task_count: "2",
      job: { job_id: "JOB1", execution_status: "QUEUED", extra: 1 },
      tasks: [{ task_name: "deploy-job", task_status: "QUEUED", messages: "waiting for a node", created_at: "1751000000000" }],
    };
    const server = await localServer((_req, _body, res) => json(res, 200, answer));
    expect(await clientFor({ endpoint: server.url }).getJob("JOB1")).toEqual(answer);
  });

  it.each([
    ["a redeploy answer without a string job_id", "PUT", { job_id: 42 }, /response\.(jobId|job_id): must be a string/],
    ["a component without a name", "GET", { id: COMPONENT_ID, status: {} }, /response\.name: is required/],
    ["a job without an execution_status", "GET", { job: { job_id: "JOB1" } }, /response\.job\.(executionStatus|execution_status): is required/],
  ] as const)("fails on %s, naming the request and the field", async (_name, method, answer, field) => {
    const server = await localServer((_req, _body, res) => json(res, 200, answer));
    const client = clientFor({ endpoint: server.url });
    const call =
      method === "PUT" ? client.redeployJobComponent(COMPONENT, redeployBody()) : "id" in answer ? client.getComponent(COMPONENT) : client.getJob("JOB1");
    const e = await failureOf(call);
    expect(e).toMatchObject({ kind: "decode", status: 200, attempts: 1, requestId: "req-local-1" });
    expect(e.message).toMatch(new RegExp(`^${method} /v3/${PROJECT_ID}/cas/\\S+ failed, HTTP 200: unexpected response body: `));
    expect(e.message).toMatch(field);
    expect(server.seen).toHaveLength(1);
  });
});
