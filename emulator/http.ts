/**
 * The emulator's HTTP plumbing, shared by the ServiceStage routes and the control API:
 * reading a request (path as sent, query, body) and writing a reply.
 */
import { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One ServiceStage request as the emulator received it (control requests are not recorded). */
export interface RecordedRequest {
  method: string;
  /** The path as sent (percent-encoded), without the query. */
  path: string;
  /** The Host header: which name the client addressed (`cn-north-4.localhost:port` for an endpoint with {region} in its host). */
  host?: string;
  /** The status answered; 0 when no answer was (or has yet been) sent: reset, lostAnswer, in flight. */
  status: number;
  /**
   * Set when a fault struck after the request was carried out (lostAnswer, afterProcessing):
   * the status ServiceStage's answer had, which the client never saw.
   */
  processedStatus?: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  /** Which credentials the request carried (valid or not). */
  auth: "token" | "aksk" | "none";
  /** The access key an AK/SK request was signed with (valid or not). */
  accessKey?: string;
  /** Parsed JSON body; the raw text if it is not JSON; absent when empty. */
  body?: unknown;
  /** The bytes received, as UTF-8 text; absent when empty. */
  rawBody?: string;
}

// ---- replies ------------------------------------------------------------------------

/** What a handler answers; written by `send`, or replaced by a fault. */
export interface Reply {
  status: number;
  /** JSON-encoded unless `text` is given. */
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const jsonReply = (status: number, json: unknown, headers?: Record<string, string>): Reply => ({ status, json, headers });
export const errorReply = (status: number, code: string, message: string, headers?: Record<string, string>): Reply =>
  jsonReply(status, { error_code: code, error_msg: message }, headers);
export const noSuchRoute = (): Reply => errorReply(404, "SVCSTG.00100000", "no such route");

export function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const text = reply.text ?? JSON.stringify(reply.json ?? {});
  res.writeHead(reply.status, {
    ...reply.headers,
    "Content-Type": reply.contentType ?? "application/json",
    "Content-Length": Buffer.byteLength(text),
    "X-Request-Id": requestId,
  });
  res.end(text);
}

// ---- requests -----------------------------------------------------------------------

export interface ParsedUrl {
  rawPath: string;
  rawQuery: string;
  /** Decoded path segments, without the leading empty one; undefined if a segment is not valid percent-encoding. */
  segments: string[] | undefined;
}

/** Splits req.url by hand: `new URL` would normalise the path, and the signature is over the path as sent. */
export function parseUrl(url: string): ParsedUrl {
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

export function readBody(req: IncomingMessage): Promise<Buffer> {
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

export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };
export function parseJson(body: Buffer): ParsedBody {
  if (body.length === 0) return { ok: false, message: "request body is empty" };
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch (e) {
    return { ok: false, message: `request body is not valid JSON: ${(e as Error).message}` };
  }
}

/** For the request log: JSON if it parses, else the text. */
export function loggedBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const parsed = parseJson(body);
  return parsed.ok ? parsed.value : body.toString("utf8");
}

export const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
};
