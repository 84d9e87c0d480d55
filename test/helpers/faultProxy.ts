/**
 * A pass-through HTTP proxy in front of the emulator that can answer a request with an
 * error *after* forwarding it, i.e. after ServiceStage carried it out: the gateway 5xx
 * that hides a success. The emulator's own faults strike before the work is done (or,
 * `lostAnswer`, drop the connection after it); this is the missing ambiguous case.
 */
import { randomUUID } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer, request } from "node:http";
import { AddressInfo } from "node:net";

export interface AfterProcessingFault {
  method?: string;
  pathIncludes?: string;
  /** How many matching requests it takes (default 1). */
  times?: number;
  status: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** What the emulator answered. */
  upstreamStatus: number;
  /** What the client was told. */
  answeredStatus: number;
}

export interface FaultProxy {
  url: string;
  failAfterProcessing(fault: AfterProcessingFault): void;
  requests(): ProxiedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

const readAll = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });

export const startFaultProxy = async (upstream: string): Promise<FaultProxy> => {
  const target = new URL(upstream);
  const faults: Array<AfterProcessingFault & { remaining: number }> = [];
  const log: ProxiedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const path = req.url ?? "/";
    const body = await readAll(req);
    const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
      // Headers go through untouched (Host included): an AK/SK signature covers them.
      const out = request({ host: target.hostname, port: target.port, method, path, headers: req.headers }, resolve);
      out.on("error", reject);
      out.end(body);
    });
    const upstreamBody = await readAll(upstreamRes);
    const index = faults.findIndex(
      (f) => (f.method === undefined || f.method.toUpperCase() === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    const fault = index < 0 ? undefined : faults[index];
    if (fault !== undefined && --fault.remaining <= 0) faults.splice(index, 1);
    const entry: ProxiedRequest = {
      method,
      path: path.split("?")[0],
      upstreamStatus: upstreamRes.statusCode ?? 0,
      answeredStatus: upstreamRes.statusCode ?? 0,
    };
    log.push(entry);
    if (fault === undefined) {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      res.end(upstreamBody);
      return;
    }
    entry.answeredStatus = fault.status;
    const text = JSON.stringify({ error_code: "APIG.0202", error_msg: "Backend timeout (injected after the request was carried out)" });
    res.writeHead(fault.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "X-Request-Id": `proxy-${randomUUID()}` });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failAfterProcessing: (f) => faults.push({ ...f, remaining: f.times ?? 1 }),
    requests: () => log.map((r) => ({ ...r })),
    clearRequests: () => {
      log.length = 0;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
