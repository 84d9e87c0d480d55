/**
 * A local ServiceStage v3 emulator: a real HTTP server on 127.0.0.1 (node:http only)
 * that speaks the two specified operations and their neighbours (component GET, actions
 * and records, an application's components, release task GET, running a release task
 * (execute, deploy information, abort, rollback), job status), authenticates like the API gateway (IAM token or
 * AK/SK signature), and lets tests misbehave it on purpose: injected faults, rate
 * limiting, scripted job outcomes and durations, a revoked token, the "not found as 401" quirk.
 *
 * This file is the wiring. The parts: http.ts (reading requests, writing replies),
 * auth.ts (token and AK/SK), routes.ts (the ServiceStage endpoints), faults.ts (faults
 * and rate limiting), control.ts (the control API, in process and under `/__control/`),
 * state.ts (applications, components, release plans, jobs) and pages.ts (request
 * validation read from the API pages in docs/api, never from the provider's codecs).
 *
 * A ServiceStage request goes through, in order: rate limit, faults, routing, auth,
 * project check, handler. The gateway throttles and fails before it authenticates,
 * and answers an unknown route without looking at credentials.
 */
import { randomUUID } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, authKind, authenticate, signedBy } from "./auth";
import { ControlRoute, Controls, EmulatorParts, bindControls, controlRoutes } from "./control";
import { IamWorld, iamReply, isIamPath } from "./iam";
import { FaultEffect, FaultQueue, RateLimiter, THROTTLED } from "./faults";
import { MAX_BODY_BYTES, ParsedUrl, RecordedRequest, Reply, errorReply, loggedBody, noSuchRoute, parseUrl, readBody, send } from "./http";
import { ServiceStageRoute, matchRoute, notFoundAs401For, serviceStageRoutes } from "./routes";
import { DEFAULT_PROJECT_ID, EmulatorState, Seed } from "./state";

export { DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN } from "./auth";
export { ControlError } from "./control";
export type { Controls } from "./control";
export type { Fault, FaultKind } from "./faults";
export type { RecordedRequest } from "./http";
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
  /** How long a job stays RUNNING before its outcome (default 300); see setJobDuration for one component's. */
  jobDurationMs?: number;
  /** Answer a missing application/component with 401 SVCSTG.00100401 (default false). */
  notFoundAs401?: boolean;
  /** Request log sink, one line per ServiceStage request. */
  log?: (line: string) => void;
  /** The IAM side and ECS metadata (iam.ts): projects, identity providers, agencies; none by default. */
  iam?: IamWorld;
}

/** A running emulator: its address, every control (see control.ts), and close. */
export interface Emulator extends Controls {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The project id the emulator serves (the seed's). */
  projectId: string;
  close(): Promise<void>;
}

class EmulatorServer {
  url = "";
  readonly parts: EmulatorParts;
  private readonly server: Server;
  /** Pending delay-fault timers, cancelled by close(). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routes: ServiceStageRoute[];
  private readonly controlRoutes: ControlRoute[];

  constructor(private readonly options: EmulatorOptions) {
    const seed = options.seed ?? { projectId: DEFAULT_PROJECT_ID, components: [], releasePlans: [] };
    this.parts = {
      state: new EmulatorState(seed, options.jobDurationMs ?? 300),
      log: [],
      faults: new FaultQueue(),
      rateLimit: new RateLimiter(),
      credentials: {
        token: options.token ?? DEFAULT_TOKEN,
        accessKey: options.accessKey ?? DEFAULT_ACCESS_KEY,
        secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
        tokenRevoked: false,
        users: new Map(),
        temporary: new Map(),
        tokens: new Map(),
      },
      iam: { world: options.iam ?? {}, log: [] },
      settings: { notFoundAs401: options.notFoundAs401 ?? false },
    };
    this.routes = serviceStageRoutes(this.parts.state);
    this.controlRoutes = controlRoutes(this.parts);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // A handler bug must not take the emulator down: answer 500 if still possible.
        if (!res.headersSent && !res.destroyed) send(res, errorReply(500, "SVCSTG.00100500", `emulator error: ${String(e)}`), randomUUID());
      });
    });
  }

  get projectId(): string {
    return this.parts.state.projectId;
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
      const matched = matchRoute(this.controlRoutes, method, url.segments.slice(1));
      const reply = matched ? matched.route.handle({ params: matched.params, query: new URLSearchParams(url.rawQuery), body }) : noSuchRoute();
      send(res, reply, requestId);
      return;
    }
    if (isIamPath(url)) {
      const { reply, principal, issued } = iamReply({ method, url, headers: req.headers, body }, this.parts.iam, this.parts.credentials);
      this.parts.iam.log.push({ method, path: url.rawPath, status: reply.status, at: Date.now(), principal, ...(issued !== undefined ? { issued } : {}) });
      this.options.log?.(`IAM ${method} ${url.rawPath} -> ${reply.status} (${principal})`);
      send(res, reply, requestId);
      return;
    }
    await this.handleServiceStage(req, res, { method, url, body, requestId });
  }

  private async handleServiceStage(
    req: IncomingMessage,
    res: ServerResponse,
    r: { method: string; url: ParsedUrl; body: Buffer; requestId: string },
  ): Promise<void> {
    const record: RecordedRequest = {
      method: r.method,
      path: r.url.rawPath,
      ...(req.headers.host !== undefined ? { host: req.headers.host } : {}),
      status: 0,
      at: Date.now(),
      auth: authKind(req.headers),
      ...signedBy(req.headers),
    };
    const logged = loggedBody(r.body);
    if (logged !== undefined) {
      record.body = logged;
      record.rawBody = r.body.toString("utf8");
    }
    this.parts.log.push(record);
    const answer = (reply: Reply): void => {
      record.status = reply.status;
      this.logLine(record);
      send(res, reply, r.requestId);
    };
    const deliver = (effect: FaultEffect): void => {
      if (effect !== "hangUp") return answer(effect);
      this.logLine(record, "connection destroyed");
      req.socket.destroy();
    };

    if (!this.parts.rateLimit.admits(record.at)) return answer(THROTTLED);
    const fault = this.parts.faults.take(r.method, r.url.rawPath);
    if (fault.delayMs !== undefined) await this.sleep(fault.delayMs);
    if (fault.instead !== undefined) return deliver(fault.instead);
    const reply = this.serviceStageReply(req, r.method, r.url, r.body);
    if (fault.after === undefined) return answer(reply);
    record.processedStatus = reply.status; // carried out, but the client never learns the outcome
    deliver(fault.after);
  }

  private serviceStageReply(req: IncomingMessage, method: string, url: ParsedUrl, body: Buffer): Reply {
    if (url.segments === undefined) return errorReply(400, "SVCSTG.00100400", "path is not valid percent-encoding");
    // An endpoint may carry a path prefix (a gateway serving regions as `https://host/{region}`):
    // one segment before `v3` is accepted, and the recorded path shows it.
    const prefixed = url.segments[0] !== "v3" && url.segments[1] === "v3" ? 1 : 0;
    const matched = matchRoute(this.routes, method, url.segments.slice(prefixed));
    if (!matched) return noSuchRoute();
    const request = { method, headers: req.headers, path: "/" + url.segments.join("/"), rawQuery: url.rawQuery, body };
    const denied = authenticate(request, this.parts.credentials, Date.now());
    if (denied) return denied;
    if (matched.params.project !== this.projectId)
      // Deliberately not a "component/application not found" code: a wrong project is a
      // configuration error, and a client must not read it as "the resource is gone".
      return errorReply(404, "SVCSTG.00100402", `project ${matched.params.project} not found (this emulator serves ${this.projectId})`);
    return matched.route.handle({
      params: matched.params,
      query: new URLSearchParams(url.rawQuery),
      body,
      notFoundAs401: notFoundAs401For(req.headers, this.parts.settings.notFoundAs401),
    });
  }

  private logLine(record: RecordedRequest, note?: string): void {
    this.options.log?.(`${record.method} ${record.path} -> ${note ?? record.status} (auth ${record.auth}, ${Date.now() - record.at} ms)`);
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
  const server = new EmulatorServer(options);
  await server.listen(options.port ?? 0);
  return { ...bindControls(server.parts), url: server.url, projectId: server.projectId, close: () => server.close() };
}
