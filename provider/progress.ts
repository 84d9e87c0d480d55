/**
 * Progress messages (job status changes, retries) must reach the user's terminal, not
 * only verbose logs. Inside Pulumi's dynamic-provider host the engine's address is the
 * host's first argument: we send messages through the engine's Log RPC, which the CLI
 * prints with the update's diagnostics. Elsewhere (tests, in-process use) they go to
 * stderr.
 */
import type * as grpc from "@grpc/grpc-js";
import * as path from "node:path";

type Sink = (message: string) => void;

let sink: Sink | undefined;

const engineSink = (): Sink | undefined => {
  const engineAddress = process.argv[2];
  const isHost = (process.argv[1] ?? "").replace(/\\/g, "/").includes("cmd/dynamic-provider");
  if (!isHost || engineAddress === undefined || !/^[\w.-]+:\d+$/.test(engineAddress)) return undefined;
  try {
    // Loaded lazily and only inside the host, resolved from @pulumi/pulumi (which ships them).
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const grpcJs = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof grpc;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engineProto = require("@pulumi/pulumi/proto/engine_pb");
    const client = new engineRpc.EngineClient(engineAddress, grpcJs.credentials.createInsecure());
    return (message) => {
      const req = new engineProto.LogRequest();
      req.setSeverity(engineProto.LogSeverity.INFO);
      req.setMessage(message);
      client.log(req, () => undefined);
    };
  } catch {
    return undefined;
  }
};

export const reportProgress = (message: string): void => {
  sink ??= engineSink() ?? ((m) => process.stderr.write(`${m}\n`));
  sink(message);
};

/** Tests capture progress here. */
export const setProgressSink = (s: Sink | undefined): void => {
  sink = s;
};
