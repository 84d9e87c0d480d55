/**
 * A local ServiceStage v3 emulator: a real HTTP server on 127.0.0.1 (node:http only)
 * that speaks the two specified operations and their neighbours (component GET,
 * release task GET, job status), authenticates like the API gateway (IAM token or
 * AK/SK signature), and lets tests misbehave it on purpose: injected faults, rate
 * limiting, scripted job outcomes, a revoked token, the "not found as 401" quirk.
 *
 * Every control is available in-process (`Emulator`) and over HTTP under
 * `/__control/...` (no auth, not recorded) for an emulator in another process.
 *
 * A ServiceStage request goes through, in order: rate limit, faults, routing, auth,
 * project check, handler. The gateway throttles and fails before it authenticates,
 * and answers an unknown route without looking at credentials.
 *
 * Independence from the provider: request bodies are validated from the API pages
 * themselves (pages.ts reads docs/api/*.txt), never with the provider's codecs, and
 * errors name snake_case fields as ServiceStage does. One shared piece remains: AK/SK
 * signatures are verified with the provider's signer (provider/signer.ts). That signer
 * has its own oracle, Huawei's SDK signer and test vectors (test/signer.test.ts), so a
 * signing bug is caught there rather than agreed with here.
 */
import { randomUUID } from "node:crypto";
import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse, STATUS_CODES, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { isLeft } from "fp-ts/Either";
import * as t from "io-ts";
import { PathReporter } from "io-ts/PathReporter";
import { QueryParams, parseAuthorization, verifySignature } from "../provider/signer";
import { ApiError, DEFAULT_PROJECT_ID, EmulatorState, JobOutcome, Result, SCRIPTED_STATUSES, ScriptedStatus, Seed, Wire } from "./state";

export type { JobOutcome, Seed, Wire } from "./state";

export interface EmulatorOptions {
  /** 0 = ephemeral (default). */
  port?: number;
  /** Initial state; default: project "0a1b2c3d4e5f" with nothing in it. */
  seed?: Seed;
  /** Accepted X-Auth-Token (default "emulator-token"). */
  token?: string;
  /** Accepted AK/SK (default "EMULATORAK"/"EMULATORSK"). */
  accessKey?: string;
  secretKey?: string;
  /** How long a job stays RUNNING before its outcome (default 300). */
  jobDurationMs?: number;
  /** Answer a missing application/component with 401 SVCSTG.00100401 (default false). */
  notFoundAs401?: boolean;
  /** Request log sink, one line per ServiceStage request. */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  /** The path as sent (percent-encoded), without the query. */
  path: string;
  /** The status answered; 0 when no answer was (or has yet been) sent: reset, lostAnswer, in flight. */
  status: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  /** Which credentials the request carried (valid or not). */
  auth: "token" | "aksk" | "none";
  /** Parsed JSON body; the raw text if it is not JSON; absent when empty. */
  body?: unknown;
  /** The bytes received, as UTF-8 text; absent when empty. */
  rawBody?: string;
}

export type FaultKind = "status" | "reset" | "delay" | "malformed" | "html" | "lostAnswer";
export interface Fault {
  /** Matches any method when absent (case-insensitive). */
  method?: string;
  /** Matches when the request path (as sent) contains this. */
  pathIncludes?: string;
  /** How many matching requests the fault takes (default 1). */
  times?: number;
  kind: FaultKind;
  /** kind "status": the status (default 500). */
  status?: number;
  /** kind "status": the error_code (default SVCSTG.00100500). */
  errorCode?: string;
  /** kind "status": adds Retry-After. */
  retryAfterSeconds?: number;
  /** kind "delay": wait this long, then answer normally. */
  delayMs?: number;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The project id the emulator serves (the seed's). */
  projectId: string;
  requests(): RecordedRequest[];
  clearRequests(): void;
  injectFault(f: Fault): void;
  clearFaults(): void;
  /** Beyond it (per sliding second): 429 APIG.0308 with Retry-After: 1. undefined = unlimited. */
  setRateLimit(requestsPerSecond: number | undefined): void;
  /** Scripts the outcome of the component's next job (queued: one call per job). */
  scriptNextJob(componentId: string, outcome: JobOutcome): void;
  /** Runtime switch for the "missing answers 401" quirk (a request can also send X-Emulator-Not-Found-As-401: true|false). */
  setNotFoundAs401(enabled: boolean): void;
  getComponent(applicationId: string, componentId: string): { spec: Wire; status: Wire } | undefined;
  /** Out of band (the console, another tool): sets the spec, and the status fields given. */
  putComponent(applicationId: string, componentId: string, spec: Wire, status?: Wire): void;
  deleteComponent(applicationId: string, componentId: string): void;
  getReleasePlan(id: string): Wire | undefined;
  putReleasePlan(id: string, plan: Wire): void;
  deleteReleasePlan(id: string): void;
  /** Subsequent requests with the token get 401 APIG.0307; AK/SK keeps working. */
  revokeToken(): void;
  /** Redeployments that started a job, for one component or all. */
  redeployCount(componentId?: string): number;
  close(): Promise<void>;
}

export const DEFAULT_TOKEN = "emulator-token";
export const DEFAULT_ACCESS_KEY = "EMULATORAK";
export const DEFAULT_SECRET_KEY = "EMULATORSK";
/** The gateway rejects an X-Sdk-Date further than this from its clock. */
const SDK_DATE_TOLERANCE_MS = 15 * 60 * 1000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const NOT_FOUND_AS_401_HEADER = "x-emulator-not-found-as-401";

// ---- replies ------------------------------------------------------------------------

/** What a handler answers; written by `send`, or dropped by a lostAnswer fault. */
interface Reply {
  status: number;
  /** JSON-encoded unless `text` is given. */
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

const jsonReply = (status: number, json: unknown, headers?: Record<string, string>): Reply => ({ status, json, headers });
const errorReply = (status: number, code: string, message: string, headers?: Record<string, string>): Reply =>
  jsonReply(status, { error_code: code, error_msg: message }, headers);
const noSuchRoute = (): Reply => errorReply(404, "SVCSTG.00100000", "no such route");

function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const text = reply.text ?? JSON.stringify(reply.json ?? {});
  res.writeHead(reply.status, {
    ...reply.headers,
    "Content-Type": reply.contentType ?? "application/json",
    "Content-Length": Buffer.byteLength(text),
    "X-Request-Id": requestId,
  });
  res.end(text);
}

const BAD_GATEWAY_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

// ---- request parsing ----------------------------------------------------------------

interface ParsedUrl {
  rawPath: string;
  rawQuery: string;
  /** Decoded path segments, without the leading empty one; undefined if a segment is not valid percent-encoding. */
  segments: string[] | undefined;
}

/** Splits req.url by hand: `new URL` would normalise the path, and the signature is over the path as sent. */
function parseUrl(url: string): ParsedUrl {
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  let segments: string[] | undefined;
  try {
    segments = rawPath.split("/").slice(1).map(decodeURIComponent);
  } catch {
    segments = undefined;
  }
  return { rawPath, rawQuery, segments };
}

/** Query as the signer takes it: repeated keys become arrays; `+` stays a plus (the signer encodes spaces as %20). */
function parseQuery(rawQuery: string): QueryParams | undefined {
  const values = new Map<string, string[]>();
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  if (values.size === 0) return undefined;
  return Object.fromEntries([...values].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs]));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };
function parseJson(body: Buffer): ParsedBody {
  if (body.length === 0) return { ok: false, message: "request body is empty" };
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch (e) {
    return { ok: false, message: `request body is not valid JSON: ${(e as Error).message}` };
  }
}

/** For the request log: JSON if it parses, else the text. */
function loggedBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const parsed = parseJson(body);
  return parsed.ok ? parsed.value : body.toString("utf8");
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
};

function authKind(headers: IncomingHttpHeaders): RecordedRequest["auth"] {
  if (header(headers, "x-auth-token") !== undefined) return "token";
  if (header(headers, "authorization") !== undefined) return "aksk";
  return "none";
}

// ---- authentication -----------------------------------------------------------------

interface Credentials {
  token: string;
  accessKey: string;
  secretKey: string;
  tokenRevoked: boolean;
}

interface SignedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** Decoded path: the signer percent-encodes segments itself. */
  path: string;
  rawQuery: string;
  body: Buffer;
}

const iamError = (detail: string): Reply => errorReply(401, "APIG.0301", `Incorrect IAM authentication information: ${detail}`);

/** undefined = authenticated; otherwise the 401 to answer. */
function authenticate(req: SignedRequest, creds: Credentials, now: number): Reply | undefined {
  const token = header(req.headers, "x-auth-token");
  if (token !== undefined) {
    if (token !== creds.token) return iamError("token verification failed");
    return creds.tokenRevoked ? errorReply(401, "APIG.0307", "The token must be updated") : undefined;
  }
  const authorization = header(req.headers, "authorization");
  if (authorization === undefined) return errorReply(401, "APIG.1000", "Incorrect IAM authentication information: no X-Auth-Token or Authorization header");
  return verifyAkSk(req, authorization, creds, now);
}

function verifyAkSk(req: SignedRequest, authorization: string, creds: Credentials, now: number): Reply | undefined {
  const parsed = parseAuthorization(authorization);
  if (!parsed) return iamError("Authorization is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...");
  if (parsed.accessKey !== creds.accessKey) return iamError("access key not found");
  const signedNames = parsed.signedHeaders.map((n) => n.toLowerCase());
  if (!signedNames.includes("x-sdk-date")) return iamError("x-sdk-date must be a signed header");
  const sdkDate = header(req.headers, "x-sdk-date");
  const signedAt = sdkDate === undefined ? undefined : parseSdkDate(sdkDate);
  if (signedAt === undefined) return iamError("X-Sdk-Date missing or not YYYYMMDDTHHmmssZ");
  if (Math.abs(now - signedAt) > SDK_DATE_TOLERANCE_MS) return iamError("X-Sdk-Date is more than 15 minutes from the server time");

  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) {
    const value = header(req.headers, name);
    if (value === undefined) return iamError(`signed header ${name} is missing`);
    signedHeaders[name] = value;
  }
  let query: QueryParams | undefined;
  try {
    query = parseQuery(req.rawQuery);
  } catch {
    return iamError("query is not valid percent-encoding");
  }
  const valid = verifySignature({ method: req.method, path: req.path, query, headers: signedHeaders, body: req.body }, creds.secretKey, parsed.signature);
  return valid ? undefined : iamError("verify aksk signature fail");
}

/** `YYYYMMDDTHHmmssZ` (UTC) to ms, or undefined. */
function parseSdkDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(ms) ? undefined : ms;
}

// ---- routing ------------------------------------------------------------------------

interface RouteContext {
  params: Record<string, string>;
  body: Buffer;
  notFoundAs401: boolean;
}
interface Route {
  method: string;
  /** Segments; `:name` captures one. */
  pattern: string[];
  handle: (ctx: RouteContext) => Reply;
}

function matchRoute(routes: readonly Route[], method: string, segments: string[]): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method || route.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.pattern.every((p, i) => {
      if (p.startsWith(":")) params[p.slice(1)] = segments[i];
      return p.startsWith(":") || p === segments[i];
    });
    if (matches) return { route, params };
  }
  return undefined;
}

const split = (pattern: string): string[] => pattern.split("/").filter((s) => s !== "");

// ---- control payloads ---------------------------------------------------------------

const FaultPayload = t.intersection([
  t.type({ kind: t.keyof({ status: null, reset: null, delay: null, malformed: null, html: null, lostAnswer: null }) }),
  t.partial({
    method: t.string,
    pathIncludes: t.string,
    times: t.number,
    status: t.number,
    errorCode: t.string,
    retryAfterSeconds: t.number,
    delayMs: t.number,
  }),
]);
const RateLimitPayload = t.partial({ requestsPerSecond: t.union([t.number, t.null]) });
const ScriptPayload = t.intersection([
  t.type({ componentId: t.string, status: t.keyof(Object.fromEntries(SCRIPTED_STATUSES.map((s) => [s, null])) as Record<ScriptedStatus, null>) }),
  t.partial({ messages: t.array(t.string) }),
]);
const NotFoundAs401Payload = t.type({ enabled: t.boolean });

/** Decodes a control payload, or gives the 400 to answer. */
function decodeControl<A>(codec: t.Decoder<unknown, A>, body: Buffer): { ok: true; value: A } | { ok: false; reply: Reply } {
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, reply: errorReply(400, "EMULATOR.400", parsed.message) };
  const decoded = codec.decode(parsed.value);
  if (isLeft(decoded)) return { ok: false, reply: errorReply(400, "EMULATOR.400", PathReporter.report(decoded).join("; ")) };
  return { ok: true, value: decoded.right };
}

const isWire = (u: unknown): u is Wire => u !== null && typeof u === "object" && !Array.isArray(u);

// ---- the server ---------------------------------------------------------------------

class EmulatorServer implements Emulator {
  url = "";
  readonly projectId: string;
  private readonly server: Server;
  private readonly state: EmulatorState;
  private readonly creds: Credentials;
  private notFoundAs401: boolean;
  private readonly log: RecordedRequest[] = [];
  private faults: Array<Fault & { remaining: number }> = [];
  private rateLimit: number | undefined;
  /** Arrival times of admitted requests within the last second. */
  private admitted: number[] = [];
  /** Pending delay-fault timers, cancelled by close(). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routes: Route[];
  private readonly controlRoutes: Route[];

  constructor(private readonly options: EmulatorOptions) {
    const seed = options.seed ?? { projectId: DEFAULT_PROJECT_ID, components: [], releasePlans: [] };
    this.state = new EmulatorState(seed, options.jobDurationMs ?? 300);
    this.projectId = seed.projectId;
    this.creds = {
      token: options.token ?? DEFAULT_TOKEN,
      accessKey: options.accessKey ?? DEFAULT_ACCESS_KEY,
      secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
      tokenRevoked: false,
    };
    this.notFoundAs401 = options.notFoundAs401 ?? false;
    this.routes = this.serviceStageRoutes();
    this.controlRoutes = this.controlApiRoutes();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // A handler bug must not take the emulator down: answer 500 if still possible.
        if (!res.headersSent && !res.destroyed) send(res, errorReply(500, "SVCSTG.00100500", `emulator error: ${String(e)}`), randomUUID());
      });
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const { port: actual } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${actual}`;
  }

  // ---- request handling ---------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const method = (req.method ?? "GET").toUpperCase();
    const url = parseUrl(req.url ?? "/");
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      send(res, errorReply(413, "SVCSTG.00100413", `request body larger than ${MAX_BODY_BYTES} bytes`), requestId);
      req.socket.destroy();
      return;
    }
    if (url.segments?.[0] === "__control") {
      send(res, this.dispatch(this.controlRoutes, method, url.segments.slice(1), body, req.headers), requestId);
      return;
    }
    await this.handleServiceStage(req, res, { method, url, body, requestId });
  }

  private async handleServiceStage(
    req: IncomingMessage,
    res: ServerResponse,
    r: { method: string; url: ParsedUrl; body: Buffer; requestId: string },
  ): Promise<void> {
    const record: RecordedRequest = { method: r.method, path: r.url.rawPath, status: 0, at: Date.now(), auth: authKind(req.headers) };
    const logged = loggedBody(r.body);
    if (logged !== undefined) {
      record.body = logged;
      record.rawBody = r.body.toString("utf8");
    }
    this.log.push(record);
    const answer = (reply: Reply): void => {
      record.status = reply.status;
      this.logLine(record);
      send(res, reply, r.requestId);
    };
    const hangUp = (): void => {
      this.logLine(record, "connection destroyed");
      req.socket.destroy();
    };

    if (this.throttled(record.at)) return answer(errorReply(429, "APIG.0308", "The throttling threshold has been reached", { "Retry-After": "1" }));

    const fault = this.takeFault(r.method, r.url.rawPath);
    switch (fault?.kind) {
      case "status": {
        const status = fault.status ?? 500;
        const retry = fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined;
        return answer(errorReply(status, fault.errorCode ?? "SVCSTG.00100500", `${STATUS_CODES[status] ?? "Error"} (injected fault)`, retry));
      }
      case "reset":
        return hangUp();
      case "malformed":
        return answer({ status: 200, text: '{"job_id": ' });
      case "html":
        return answer({ status: 502, text: BAD_GATEWAY_PAGE, contentType: "text/html" });
      case "delay":
        await this.sleep(fault.delayMs ?? 0);
        break;
    }

    const reply = this.serviceStageReply(req, r.method, r.url, r.body);
    if (fault?.kind === "lostAnswer") return hangUp(); // processed, but the client never learns the outcome
    answer(reply);
  }

  private serviceStageReply(req: IncomingMessage, method: string, url: ParsedUrl, body: Buffer): Reply {
    if (url.segments === undefined) return errorReply(400, "SVCSTG.00100400", "path is not valid percent-encoding");
    const matched = matchRoute(this.routes, method, url.segments);
    if (!matched) return noSuchRoute();
    const denied = authenticate({ method, headers: req.headers, path: "/" + url.segments.join("/"), rawQuery: url.rawQuery, body }, this.creds, Date.now());
    if (denied) return denied;
    if (matched.params.project !== this.projectId)
      // Deliberately not a "component/application not found" code: a wrong project is a
      // configuration error, and a client must not read it as "the resource is gone".
      return errorReply(404, "SVCSTG.00100402", `project ${matched.params.project} not found (this emulator serves ${this.projectId})`);
    return matched.route.handle({ params: matched.params, body, notFoundAs401: this.quirkFor(req.headers) });
  }

  private dispatch(routes: readonly Route[], method: string, segments: string[], body: Buffer, headers: IncomingHttpHeaders): Reply {
    const matched = matchRoute(routes, method, segments);
    return matched ? matched.route.handle({ params: matched.params, body, notFoundAs401: this.quirkFor(headers) }) : noSuchRoute();
  }

  /** The request header, if sent, overrides the emulator-wide setting. */
  private quirkFor(headers: IncomingHttpHeaders): boolean {
    const value = header(headers, NOT_FOUND_AS_401_HEADER)?.trim().toLowerCase();
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    return this.notFoundAs401;
  }

  private logLine(record: RecordedRequest, note?: string): void {
    this.options.log?.(`${record.method} ${record.path} -> ${note ?? record.status} (auth ${record.auth}, ${Date.now() - record.at} ms)`);
  }

  private throttled(now: number): boolean {
    if (this.rateLimit === undefined) return false;
    this.admitted = this.admitted.filter((at) => now - at < 1000);
    if (this.admitted.length >= this.rateLimit) return true;
    this.admitted.push(now);
    return false;
  }

  /** The first matching fault, consumed once. */
  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) => (f.method === undefined || f.method.toUpperCase() === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---- ServiceStage endpoints ---------------------------------------------------------

  private serviceStageRoutes(): Route[] {
    const component = "v3/:project/cas/applications/:app/components/:component";
    const releasePlan = "v3/:project/cas/release-plans/:plan";
    return [
      {
        method: "PUT",
        pattern: split(`${component}/redeployment`),
        handle: (c) => this.withJsonBody(c, (b) => this.state.redeploy(c.params.app, c.params.component, b)),
      },
      { method: "GET", pattern: split(component), handle: (c) => this.toReply(this.state.readComponent(c.params.app, c.params.component), c) },
      { method: "PUT", pattern: split(releasePlan), handle: (c) => this.withJsonBody(c, (b) => this.state.editReleasePlan(c.params.plan, b)) },
      { method: "GET", pattern: split(releasePlan), handle: (c) => this.toReply(this.state.readReleasePlan(c.params.plan), c) },
      { method: "GET", pattern: split("v3/:project/cas/jobs/:job"), handle: (c) => this.toReply(this.state.readJob(c.params.job), c) },
    ];
  }

  private withJsonBody<T>(ctx: RouteContext, operation: (body: unknown) => Result<T>): Reply {
    const parsed = parseJson(ctx.body);
    return parsed.ok ? this.toReply(operation(parsed.value), ctx) : errorReply(400, "SVCSTG.00100400", parsed.message);
  }

  private toReply<T>(result: Result<T>, ctx: RouteContext): Reply {
    return result.ok ? jsonReply(200, result.value) : this.errorToReply(result.error, ctx.notFoundAs401);
  }

  private errorToReply(error: ApiError, notFoundAs401: boolean): Reply {
    if (error.notFoundQuirk && notFoundAs401) return errorReply(401, "SVCSTG.00100401", error.message);
    return errorReply(error.status, error.code, error.message);
  }

  // ---- control API --------------------------------------------------------------------

  private controlApiRoutes(): Route[] {
    const okReply = (): Reply => jsonReply(200, { ok: true });
    /** A control that only acts, answering {ok: true}. */
    const act =
      (action: (c: RouteContext) => void) =>
      (c: RouteContext): Reply => {
        action(c);
        return okReply();
      };
    const found = (value: unknown): Reply => (value === undefined ? errorReply(404, "EMULATOR.404", "not found") : jsonReply(200, value));
    const putWire = (body: Buffer, store: (w: Wire) => void): Reply => {
      const parsed = parseJson(body);
      if (!parsed.ok || !isWire(parsed.value)) return errorReply(400, "EMULATOR.400", parsed.ok ? "body must be a JSON object" : parsed.message);
      store(parsed.value);
      return okReply();
    };
    /** A control that acts on a decoded JSON payload. */
    const withPayload =
      <A>(codec: t.Decoder<unknown, A>, apply: (a: A) => void) =>
      (c: RouteContext): Reply => {
        const decoded = decodeControl(codec, c.body);
        if (!decoded.ok) return decoded.reply;
        apply(decoded.value);
        return okReply();
      };
    const component = "components/:app/:component";
    const plan = "release-plans/:plan";
    return [
      { method: "GET", pattern: ["requests"], handle: () => jsonReply(200, this.requests()) },
      { method: "DELETE", pattern: ["requests"], handle: act(() => this.clearRequests()) },
      { method: "POST", pattern: ["faults"], handle: withPayload(FaultPayload, (f) => this.injectFault(f)) },
      { method: "DELETE", pattern: ["faults"], handle: act(() => this.clearFaults()) },
      { method: "POST", pattern: ["rate-limit"], handle: withPayload(RateLimitPayload, (p) => this.setRateLimit(p.requestsPerSecond ?? undefined)) },
      { method: "POST", pattern: ["not-found-as-401"], handle: withPayload(NotFoundAs401Payload, (p) => this.setNotFoundAs401(p.enabled)) },
      {
        method: "POST",
        pattern: split("jobs/script"),
        handle: withPayload(ScriptPayload, (p) => this.scriptNextJob(p.componentId, { status: p.status, messages: p.messages })),
      },
      { method: "GET", pattern: split(component), handle: (c) => found(this.getComponent(c.params.app, c.params.component)) },
      { method: "PUT", pattern: split(component), handle: (c) => putWire(c.body, (spec) => this.putComponent(c.params.app, c.params.component, spec)) },
      { method: "DELETE", pattern: split(component), handle: act((c) => this.deleteComponent(c.params.app, c.params.component)) },
      { method: "GET", pattern: split(plan), handle: (c) => found(this.getReleasePlan(c.params.plan)) },
      { method: "PUT", pattern: split(plan), handle: (c) => putWire(c.body, (p) => this.putReleasePlan(c.params.plan, p)) },
      { method: "DELETE", pattern: split(plan), handle: act((c) => this.deleteReleasePlan(c.params.plan)) },
      { method: "POST", pattern: ["revoke-token"], handle: act(() => this.revokeToken()) },
      { method: "GET", pattern: ["stats"], handle: () => jsonReply(200, { redeploys: this.state.redeployCounts(), requests: this.log.length }) },
    ];
  }

  // ---- the Emulator interface ---------------------------------------------------------

  requests(): RecordedRequest[] {
    return this.log.map((r) => structuredClone(r));
  }
  clearRequests(): void {
    this.log.length = 0;
  }
  injectFault(f: Fault): void {
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }
  clearFaults(): void {
    this.faults = [];
  }
  setRateLimit(requestsPerSecond: number | undefined): void {
    this.rateLimit = requestsPerSecond;
    this.admitted = [];
  }
  scriptNextJob(componentId: string, outcome: JobOutcome): void {
    this.state.scriptNextJob(componentId, outcome);
  }
  setNotFoundAs401(enabled: boolean): void {
    this.notFoundAs401 = enabled;
  }
  getComponent(applicationId: string, componentId: string): { spec: Wire; status: Wire } | undefined {
    return this.state.getComponent(applicationId, componentId);
  }
  putComponent(applicationId: string, componentId: string, spec: Wire, status?: Wire): void {
    this.state.putComponent(applicationId, componentId, spec, status);
  }
  deleteComponent(applicationId: string, componentId: string): void {
    this.state.deleteComponent(applicationId, componentId);
  }
  getReleasePlan(id: string): Wire | undefined {
    return this.state.getReleasePlan(id);
  }
  putReleasePlan(id: string, plan: Wire): void {
    this.state.putReleasePlan(id, plan);
  }
  deleteReleasePlan(id: string): void {
    this.state.deleteReleasePlan(id);
  }
  revokeToken(): void {
    this.creds.tokenRevoked = true;
  }
  redeployCount(componentId?: string): number {
    return this.state.redeployCount(componentId);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive sockets would hold close() open until they time out.
    this.server.closeAllConnections();
    await closed;
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(options);
  await emulator.listen(options.port ?? 0);
  return emulator;
}
