/**
 * The ServiceStage v3 HTTP client, and nothing but transport: the five operations this
 * package needs, authentication (token or AK/SK), each response decoded with its codec,
 * retries with jittered exponential backoff on throttling and transient failures, an
 * adaptive pace (throttle.ts), and errors that carry what the server said but never a
 * credential. What a lost answer means for a job is the lifecycle's to decide
 * (adoption.ts), through the `beforeAmbiguousRetry` hook.
 */
import axios, { AxiosInstance } from "axios";
import * as t from "io-ts";
import { EditReleasePlanBody, EditReleasePlanResponse } from "./codecs/editReleasePlan";
import { RedeployJobComponentBody, RedeployJobComponentResponse } from "./codecs/redeployJobComponent";
import { ComponentRecordsResponse, ComponentResponse, ErrorBody, JobResponse, ReleasePlanResponse, errorCodeAndMessage } from "./codecs/responses";
import { ComponentActionBody, ComponentActionResponse } from "./codecs/componentAction";
import { ComponentListItem, ComponentListResponse } from "./codecs/releaseTask";
import { DeployInfoResponse, RELEASE_TASK_ACTIONS, ReleaseTaskAction, ReleaseTaskResponse } from "./codecs/releaseTask";
import { dropNulls } from "./codecs/casing";
import { formatIssues, issuesOf } from "./codecs/report";
import { InputError, ServiceStageError, quote, redact } from "./errors";
import { ID_RULE, isId, isLoopback } from "./urlParts";
import * as dns from "node:dns";
import { formatSdkDate, percentEncode, signRequest } from "./signer";
import { AdaptiveThrottle, throttleFor } from "./throttle";
import { setTimeout as sleep } from "node:timers/promises";
import { secretsOf } from "./knownSecrets";
import { DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT_SECONDS } from "./settings";

export type Credentials = { kind: "token"; token: string } | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string };

/**
 * Credentials that can change while the process runs: temporary ones (an agency's, OIDC's,
 * ECS metadata's), renewed before they expire, also during a long job wait
 * (credentialProvider.ts).
 */
export interface CredentialProvider {
  /** The credentials to sign the next request with. */
  current(): Promise<Credentials>;
  /** Every secret it has handed out so far, for redaction. */
  secrets(): readonly string[];
}

export interface RetryPolicy {
  /** At most this many attempts per call (the first included). */
  maxAttempts: number;
  /** No retry starts after this much time has passed since the call began. */
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The first attempt and settings.ts's default retries (Terraform's max_retries), within a 2-minute budget. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 1 + DEFAULT_MAX_RETRIES, budgetMs: 120_000, baseDelayMs: 500, maxDelayMs: 10_000 };
/** One request's timeout unless requestTimeoutSeconds says otherwise. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000;

export interface ClientOptions {
  endpoint: string;
  /** The project, or how to find it (looked up at IAM from the region, once, on the first request). */
  projectId: string | (() => Promise<string>);
  credentials: Credentials | CredentialProvider;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry: for progress messages and tests. Never receives a credential. */
  onRetry?: (event: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** A read that found nothing: a distinct outcome, not an error (docs/api/NOTES.md: 404 SVCSTG codes, or 401 SVCSTG.00100401). */
export interface NotFound {
  found: false;
  status: number;
  errorCode: string;
  requestId?: string;
}
export type Lookup<A> = { found: true; value: A } | NotFound;

const NOT_FOUND_404 = new Set(["SVCSTG.00100403", "SVCSTG.00100404", "SVCSTG.00100411", "SVCSTG.00100429", "SVCSTG.00100433"]);
export const isNotFoundAnswer = (status: number, errorCode: string | undefined): boolean =>
  (status === 404 && errorCode !== undefined && NOT_FOUND_404.has(errorCode)) || (status === 401 && errorCode === "SVCSTG.00100401");

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Which job component a call is about: the two path parameters, always together. */
export interface ComponentRef {
  applicationId: string;
  componentId: string;
}

/** What to do after an answer that may hide a success: adopt what the request did, retry it, or stop and say why. */
export type AmbiguityVerdict<A> = { adopt: A } | { retry: true } | { stop: string };
/** Asked before retrying a non-GET whose first attempt may have been carried out. */
export type BeforeAmbiguousRetry<A> = () => Promise<AmbiguityVerdict<A>>;
/** A decoded answer, or what `beforeAmbiguousRetry` adopted in its place. */
export interface Answered<A> {
  value: A;
  adopted: boolean;
}

interface Answer {
  status: number;
  body: unknown;
  requestId?: string;
  retryAfterMs?: number;
}

/** Retry-After in seconds or as an HTTP date. */
const parseRetryAfter = (value: unknown): number | undefined => {
  if (typeof value !== "string" || value === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

/** Secrets a request body may carry, so that an echoing server cannot leak them through an error. */
const secretsInBody = (body: unknown): string[] => {
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === "string" && key !== undefined && /password|token|secret/i.test(key)) found.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(body);
  return found;
};

/**
 * The HTTP stack of every call to Huawei Cloud (ServiceStage here, IAM and ECS metadata in
 * iam.ts): no redirects (a credential must not follow one elsewhere), statuses and bodies
 * judged by the caller.
 */
const isOnThisMachine = (hostname: string): boolean => isLoopback(hostname) || /^169\.254\.\d{1,3}\.\d{1,3}$/.test(hostname);

export const httpTo = (baseURL: string, timeoutMs: number): AxiosInstance =>
  axios.create({
    baseURL: baseURL.replace(/\/+$/, ""),
    timeout: timeoutMs,
    // Statuses are ours to judge; bodies are parsed by us so that malformed JSON is a decode failure, not a crash.
    validateStatus: () => true,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    transformRequest: [(data: unknown) => data],
    maxRedirects: 0,
    // A loopback address is this machine and ECS metadata's link-local one is this VM: a
    // proxy from HTTP_PROXY would carry their clear-text requests (and a token) off it, or
    // ask another machine's metadata. Other hosts follow the environment's proxy (https by CONNECT).
    ...(isOnThisMachine(new URL(baseURL).hostname) ? { proxy: false as const } : {}),
    // `*.localhost` is loopback (RFC 6761), which Node's resolver does not know: an
    // emulator reached as http://{region}.localhost:port serves `{region}` in the host.
    lookup: async (hostname: string) => {
      if (hostname.endsWith(".localhost")) return ["127.0.0.1", 4];
      const { address, family } = await dns.promises.lookup(hostname);
      return [address, family === 6 ? 6 : 4];
    },
  });

export class ServiceStageClient {
  private readonly http: AxiosInstance;
  private readonly retry: RetryPolicy;
  /** The project looked up at IAM, once it answered (a failed lookup is tried again by the next request). */
  private lookedUpProjectId: string | undefined;
  private readonly throttle: AdaptiveThrottle;
  /** Parsed once: every signed request needs the host and any path prefix of the endpoint. */
  private readonly endpoint: { host: string; pathPrefix: string };

  constructor(private readonly options: ClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.throttle = throttleFor(options.endpoint);
    const url = new URL(options.endpoint);
    this.endpoint = { host: url.host, pathPrefix: url.pathname.replace(/\/+$/, "") };
    this.http = httpTo(options.endpoint, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  /** The project every request is for: the one given, or the one looked up on the first request that needs it. */
  private async project(): Promise<string> {
    const given = this.options.projectId;
    if (typeof given === "string") return given;
    return (this.lookedUpProjectId ??= await given());
  }

  /** The last guard (check refuses these earlier, with the property's name): a segment that could leave its place is never sent. */
  private async path(...segments: string[]): Promise<string> {
    const all = [await this.project(), ...segments];
    const bad = all.find((s) => !isId(s));
    if (bad !== undefined) throw new InputError(`refusing to send a request: path segment ${quote(bad)} ${ID_RULE}`);
    return `/v3/${all.map(percentEncode).join("/")}`;
  }

  /**
   * PUT .../redeployment. A redeploy may start a job even when its answer is lost, so an
   * ambiguous failure is retried only as `beforeAmbiguousRetry` decides (adoption.ts).
   */
  async redeployJobComponent(
    component: ComponentRef,
    body: RedeployJobComponentBody,
    beforeAmbiguousRetry?: BeforeAmbiguousRetry<RedeployJobComponentResponse>,
  ): Promise<Answered<RedeployJobComponentResponse>> {
    const path = await this.path("cas", "applications", component.applicationId, "components", component.componentId, "redeployment");
    return this.call("PUT", path, RedeployJobComponentResponse, RedeployJobComponentBody.encode(body), beforeAmbiguousRetry);
  }

  async editReleasePlan(releasePlanId: string, body: EditReleasePlanBody): Promise<EditReleasePlanResponse> {
    // Editing is idempotent (the same body twice leaves the same task), so plain retries are safe.
    return this.call("PUT", await this.path("cas", "release-plans", releasePlanId), EditReleasePlanResponse, EditReleasePlanBody.encode(body)).then(
      (r) => r.value,
    );
  }

  async getComponent(component: ComponentRef): Promise<Lookup<ComponentResponse>> {
    return this.lookup(await this.path("cas", "applications", component.applicationId, "components", component.componentId), ComponentResponse);
  }

  async getReleasePlan(releasePlanId: string): Promise<Lookup<ReleasePlanResponse>> {
    return this.lookup(await this.path("cas", "release-plans", releasePlanId), ReleasePlanResponse);
  }

  /** The release task with its run's `status` and `execute_time` (servicestage_06_0233), read as releaseTask.ts's codec. */
  async getReleaseTask(releasePlanId: string): Promise<Lookup<ReleaseTaskResponse>> {
    return this.lookup(await this.path("cas", "release-plans", releasePlanId), ReleaseTaskResponse);
  }

  /** GET .../deploy-info (servicestage_06_0234): each component's batch, job and status in the last run. */
  async getDeployInfo(releasePlanId: string): Promise<DeployInfoResponse> {
    return this.call("GET", await this.path("cas", "release-plans", releasePlanId, "deploy-info"), DeployInfoResponse).then((r) => r.value);
  }

  /**
   * POST .../execute (servicestage_06_0235). An execute starts a run even when its answer is
   * lost, and its answer has no body to tell: an ambiguous failure is retried only as
   * `beforeAmbiguousRetry` decides (releaseRun.ts reads the task's status and execute_time).
   */
  async executeReleasePlan(releasePlanId: string, beforeAmbiguousRetry?: BeforeAmbiguousRetry<true>): Promise<{ adopted: boolean }> {
    return this.releaseTaskAction(releasePlanId, "execute", beforeAmbiguousRetry);
  }

  /** POST .../rollback (servicestage_06_0236): a second one after a lost answer is refused or rolls back twice, so the caller decides. */
  async rollbackReleasePlan(releasePlanId: string, beforeAmbiguousRetry?: BeforeAmbiguousRetry<true>): Promise<{ adopted: boolean }> {
    return this.releaseTaskAction(releasePlanId, "rollback", beforeAmbiguousRetry);
  }

  /** POST .../abort (servicestage_06_0251): only a task being executed can be aborted. */
  async abortReleasePlan(releasePlanId: string, beforeAmbiguousRetry?: BeforeAmbiguousRetry<true>): Promise<{ adopted: boolean }> {
    return this.releaseTaskAction(releasePlanId, "abort", beforeAmbiguousRetry);
  }

  /** The three actions answer no body (releaseTask.ts): whatever comes with a 2xx is ignored. */
  private async releaseTaskAction(
    releasePlanId: string,
    action: ReleaseTaskAction,
    beforeAmbiguousRetry?: BeforeAmbiguousRetry<true>,
  ): Promise<{ adopted: boolean }> {
    const path = await this.path("cas", "release-plans", releasePlanId, RELEASE_TASK_ACTIONS[action]);
    const { adopted } = await this.call("POST", path, t.unknown, undefined, beforeAmbiguousRetry);
    return { adopted };
  }

  async getJob(jobId: string): Promise<JobResponse> {
    return this.call("GET", await this.path("cas", "jobs", jobId), JobResponse).then((r) => r.value);
  }

  /** A job that may be gone: ServiceStage keeps job records for a while only. */
  async findJob(jobId: string): Promise<Lookup<JobResponse>> {
    return this.lookup(await this.path("cas", "jobs", jobId), JobResponse);
  }

  /** GET .../records, newest first: `limit` of them, or every one the API gives (up to 1000). */
  async getComponentRecords(component: ComponentRef, limit?: number): Promise<ComponentRecordsResponse> {
    const path = await this.path("cas", "applications", component.applicationId, "components", component.componentId, "records");
    const query = limit === undefined ? "" : `?limit=${limit}`;
    return this.call("GET", `${path}${query}`, ComponentRecordsResponse).then((r) => r.value);
  }

  /** GET .../applications/{id}/components, every page (100 a page, until `count` or a short page). */
  async listComponents(applicationId: string): Promise<ComponentListItem[]> {
    const path = await this.path("cas", "applications", applicationId, "components");
    const all: ComponentListItem[] = [];
    for (;;) {
      const { value } = await this.call("GET", `${path}?limit=100&offset=${all.length}`, ComponentListResponse);
      all.push(...value.components);
      if (value.components.length < 100 || (value.count !== undefined && all.length >= value.count)) return all;
    }
  }

  /**
   * POST .../action. An action starts a job even when its answer is lost, so an ambiguous
   * failure is retried only as `beforeAmbiguousRetry` decides (componentAction.ts).
   */
  async componentAction(
    component: ComponentRef,
    body: ComponentActionBody,
    beforeAmbiguousRetry: BeforeAmbiguousRetry<ComponentActionResponse>,
  ): Promise<Answered<ComponentActionResponse>> {
    const path = await this.path("cas", "applications", component.applicationId, "components", component.componentId, "action");
    return this.call("POST", path, ComponentActionResponse, ComponentActionBody.encode(body), beforeAmbiguousRetry);
  }

  private async lookup<A>(path: string, codec: t.Type<A, unknown, unknown>): Promise<Lookup<A>> {
    try {
      const { value } = await this.call("GET", path, codec);
      return { found: true, value };
    } catch (e) {
      if (e instanceof ServiceStageError && e.status !== undefined && isNotFoundAnswer(e.status, e.errorCode))
        return { found: false, status: e.status, errorCode: e.errorCode ?? "", requestId: e.requestId };
      throw e;
    }
  }

  private get secrets(): readonly string[] {
    const c = this.options.credentials;
    return "current" in c ? c.secrets() : secretsOf(c);
  }

  private async headers(method: string, path: string, body: string): Promise<Record<string, string>> {
    const given = this.options.credentials;
    const c = "current" in given ? await given.current() : given;
    const content = { "Content-Type": "application/json;charset=utf8" };
    if (c.kind === "token") return { ...content, Accept: "application/json", "X-Auth-Token": c.token };
    const signed: Record<string, string> = {
      ...content,
      Host: this.endpoint.host,
      "X-Project-Id": await this.project(),
      "X-Sdk-Date": formatSdkDate(new Date()),
      ...(c.securityToken !== undefined ? { "X-Security-Token": c.securityToken } : {}),
    };
    // The signer encodes path segments itself, so it gets the decoded path.
    const decodedPath = path.split("/").map(decodeURIComponent).join("/");
    return { ...signed, ...signRequest({ method, path: this.endpoint.pathPrefix + decodedPath, headers: signed, body }, c), Accept: "application/json" };
  }

  private async send(method: string, path: string, body: string | undefined, attempt: number): Promise<Answer> {
    // Credentials first, outside the request's try: failing to obtain them (IAM, metadata) is
    // their source's error, to report as is, not a network failure to retry.
    const headers = await this.headers(method, path, body ?? "");
    const sentAt = await this.throttle.acquire();
    try {
      const res = await this.http.request<string>({ method, url: path, data: body, headers });
      const requestId = typeof res.headers["x-request-id"] === "string" ? res.headers["x-request-id"] : undefined;
      let parsed: unknown = res.data;
      if (typeof res.data === "string" && res.data !== "") {
        try {
          parsed = JSON.parse(res.data);
        } catch {
          const type = String(res.headers["content-type"] ?? "unknown content type");
          if (res.status >= 200 && res.status < 300)
            throw new ServiceStageError({
              kind: "malformed",
              method,
              path,
              status: res.status,
              requestId,
              attempts: attempt,
              detail: `response is not valid JSON (${type})`,
            });
          parsed = { nonJson: type };
        }
      }
      const retryAfterMs = parseRetryAfter(res.headers["retry-after"]);
      if (res.status === 429) this.throttle.onThrottled(sentAt, retryAfterMs);
      else this.throttle.onAdmitted(sentAt);
      return { status: res.status, body: parsed, requestId, retryAfterMs };
    } catch (e) {
      if (e instanceof ServiceStageError) throw e;
      // Never keep the axios error: its config holds the Authorization/X-Auth-Token headers.
      const code = axios.isAxiosError(e) ? e.code : undefined;
      const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT";
      throw new ServiceStageError({
        kind: timedOut ? "timeout" : "network",
        method,
        path,
        attempts: attempt,
        detail: timedOut ? `no answer within ${this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : `connection failed (${code ?? "unknown"})`,
      });
    }
  }

  private async call<A>(
    method: string,
    path: string,
    codec: t.Type<A, unknown, unknown>,
    body?: unknown,
    beforeAmbiguousRetry?: BeforeAmbiguousRetry<A>,
  ): Promise<Answered<A>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const secrets = [...this.secrets, ...secretsInBody(body)];
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      let failure: ServiceStageError;
      let retryAfterMs: number | undefined;
      let ambiguous: boolean;
      try {
        const answer = await this.send(method, path, payload, attempt);
        if (answer.status >= 200 && answer.status < 300) {
          const decoded = codec.decode(dropNulls(answer.body));
          if (decoded._tag === "Right") return { value: decoded.right, adopted: false };
          throw new ServiceStageError({
            kind: "decode",
            method,
            path,
            status: answer.status,
            requestId: answer.requestId,
            attempts: attempt,
            detail: `unexpected response body: ${formatIssues(issuesOf(decoded.left, "response"))}`,
          });
        }
        const error = ErrorBody.decode(answer.body);
        const said = error._tag === "Right" ? errorCodeAndMessage(error.right) : undefined;
        failure = new ServiceStageError({
          kind: "http",
          method,
          path,
          status: answer.status,
          requestId: answer.requestId,
          attempts: attempt,
          errorCode: said !== undefined ? redact(said.code, secrets) : undefined,
          errorMessage: said?.message !== undefined ? redact(said.message, secrets) : undefined,
          detail: said === undefined && answer.body !== undefined ? "no ServiceStage error body" : undefined,
        });
        if (!RETRYABLE_STATUS.has(answer.status)) throw failure;
        retryAfterMs = answer.retryAfterMs;
        // A gateway 429 was refused before reaching ServiceStage; a 5xx may have been carried out.
        ambiguous = answer.status !== 429;
      } catch (e) {
        if (!(e instanceof ServiceStageError) || e.kind === "http" || e.kind === "decode") throw e;
        failure = e;
        ambiguous = true;
      }
      const elapsed = Date.now() - started;
      const backoff = Math.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.max(backoff, retryAfterMs ?? 0);
      if (attempt >= this.retry.maxAttempts || elapsed + delayMs > this.retry.budgetMs) throw failure;
      this.options.onRetry?.({ method, path, attempt, delayMs: Math.round(delayMs), reason: failure.message });
      await sleep(delayMs);
      if (method !== "GET" && ambiguous && beforeAmbiguousRetry !== undefined) {
        // If we cannot tell whether the first attempt started a job, a retry could start a
        // second one: fail with the original error (what ServiceStage said) instead, saying why.
        const notRetried = (why: string, cause?: unknown) =>
          new ServiceStageError({
            cause,
            kind: failure.kind,
            method,
            path,
            status: failure.status,
            errorCode: failure.errorCode,
            errorMessage: failure.errorMessage,
            requestId: failure.requestId,
            attempts: attempt,
            detail: `not retried: ${why}`,
          });
        const verdict = await beforeAmbiguousRetry().catch((e: unknown) => {
          throw notRetried(`could not check whether it was carried out (${e instanceof Error ? e.message : String(e)})`, e);
        });
        if ("adopt" in verdict) return { value: verdict.adopt, adopted: true };
        if ("stop" in verdict) throw notRetried(verdict.stop);
      }
    }
  }
}
