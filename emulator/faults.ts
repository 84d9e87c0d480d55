/**
 * Misbehaving on purpose, as a gateway in front of ServiceStage does: injected faults
 * and rate limiting. Both strike before routing and authentication, because the real
 * gateway throttles and fails before it looks at credentials.
 *
 * A fault strikes either before the request is carried out (the work is not done) or,
 * for `lostAnswer` and `afterProcessing`, after it (the work is done and the client
 * does not learn it): the ambiguous case a client must handle without doing the work twice.
 */
import { STATUS_CODES } from "node:http";
import * as t from "io-ts";
import { Reply, errorReply } from "./http";

export type FaultKind = "status" | "reset" | "delay" | "malformed" | "html" | "lostAnswer";

export interface Fault {
  /** Matches any method when absent (case-insensitive). */
  method?: string;
  /** Matches when the request path (as sent) contains this. */
  pathIncludes?: string;
  /** How many matching requests the fault takes (default 1). */
  times?: number;
  /**
   * - status: an error answer (see `status`, `errorCode`, `retryAfterSeconds`), nothing carried out;
   * - reset: the connection is destroyed without an answer, nothing carried out;
   * - delay: wait `delayMs`, then carry out and answer normally;
   * - malformed: 200 with truncated JSON, nothing carried out;
   * - html: 502 with an nginx HTML page, nothing carried out;
   * - lostAnswer: carried out, then the connection is destroyed without an answer.
   */
  kind: FaultKind;
  /** kind "status": the status (default 500). */
  status?: number;
  /** kind "status": the error_code (default SVCSTG.00100500; APIG.0202, the gateway's backend timeout, after processing). */
  errorCode?: string;
  /** kind "status": adds Retry-After. */
  retryAfterSeconds?: number;
  /** kind "delay": wait this long, then answer normally. */
  delayMs?: number;
  /**
   * Kinds "status", "html" and "malformed": carry the request out first, then answer with
   * the fault instead of ServiceStage's answer (the gateway 5xx that hides a success).
   * A dropped connection after processing is `lostAnswer`.
   */
  afterProcessing?: boolean;
}

const FAULT_KINDS: Record<FaultKind, null> = { status: null, reset: null, delay: null, malformed: null, html: null, lostAnswer: null };
/** Kinds that answer, and so can answer after the work was done. */
const ANSWERING_KINDS: ReadonlySet<FaultKind> = new Set(["status", "html", "malformed"]);

/** A fault as sent to the control API. */
export const FaultPayload: t.Decoder<unknown, Fault> = t.intersection([
  t.type({ kind: t.keyof(FAULT_KINDS) }),
  t.partial({
    method: t.string,
    pathIncludes: t.string,
    times: t.number,
    status: t.number,
    errorCode: t.string,
    retryAfterSeconds: t.number,
    delayMs: t.number,
    afterProcessing: t.boolean,
  }),
]);

/** What a fault does to the answer: a reply instead of ServiceStage's, or a dropped connection. */
export type FaultEffect = Reply | "hangUp";

/** How a request meets its fault: wait, then an effect instead of carrying it out, or after carrying it out. */
export interface Encounter {
  delayMs?: number;
  instead?: FaultEffect;
  after?: FaultEffect;
}

const BAD_GATEWAY_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

function effectOf(fault: Fault): FaultEffect | undefined {
  switch (fault.kind) {
    case "status": {
      const status = fault.status ?? 500;
      const retry = fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined;
      return fault.afterProcessing
        ? errorReply(status, fault.errorCode ?? "APIG.0202", `${STATUS_CODES[status] ?? "Error"} (injected after the request was carried out)`, retry)
        : errorReply(status, fault.errorCode ?? "SVCSTG.00100500", `${STATUS_CODES[status] ?? "Error"} (injected fault)`, retry);
    }
    case "reset":
    case "lostAnswer":
      return "hangUp";
    case "malformed":
      return { status: 200, text: '{"job_id": ' };
    case "html":
      return { status: 502, text: BAD_GATEWAY_PAGE, contentType: "text/html" };
    case "delay":
      return undefined;
  }
}

/** Injected faults, first match first, each consumed `times` times. */
export class FaultQueue {
  private faults: Array<Fault & { remaining: number }> = [];

  inject(fault: Fault): void {
    if (fault.afterProcessing && !ANSWERING_KINDS.has(fault.kind))
      throw new Error(
        `afterProcessing applies to kinds ${[...ANSWERING_KINDS].join(", ")}, not ${fault.kind} (a connection dropped after processing is lostAnswer)`,
      );
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first matching fault (consumed once), as what happens to the request; {} when none matches. */
  take(method: string, path: string): Encounter {
    const index = this.faults.findIndex(
      (f) => (f.method === undefined || f.method.toUpperCase() === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (index < 0) return {};
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    if (fault.kind === "delay") return { delayMs: fault.delayMs ?? 0 };
    const effect = effectOf(fault);
    return fault.kind === "lostAnswer" || fault.afterProcessing ? { after: effect } : { instead: effect };
  }
}

export const THROTTLED: Reply = errorReply(429, "APIG.0308", "The throttling threshold has been reached", { "Retry-After": "1" });

/** At most N requests per sliding second; beyond it the gateway answers THROTTLED. */
export class RateLimiter {
  private requestsPerSecond: number | undefined;
  /** Arrival times of admitted requests within the last second. */
  private admitted: number[] = [];

  /** undefined = unlimited. */
  set(requestsPerSecond: number | undefined): void {
    this.requestsPerSecond = requestsPerSecond;
    this.admitted = [];
  }

  admits(now: number): boolean {
    if (this.requestsPerSecond === undefined) return true;
    this.admitted = this.admitted.filter((at) => now - at < 1000);
    if (this.admitted.length >= this.requestsPerSecond) return false;
    this.admitted.push(now);
    return true;
  }
}
