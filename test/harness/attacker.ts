/**
 * A loopback server that stands for a host a pull request names (an `iamEndpoint`, a
 * proxy): it records whatever reaches it, headers and body, and answers 404. The tests
 * that play a hostile contributor assert that nothing reached it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Attacker {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export const startAttacker = async (): Promise<Attacker> => {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not here");
    });
  });
  // A CONNECT (a proxy's tunnel) is recorded too, and refused.
  server.on("connect", (req: http.IncomingMessage, socket) => {
    received.push({ method: "CONNECT", url: req.url ?? "", headers: req.headers, body: "" });
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
