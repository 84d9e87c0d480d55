/**
 * Progress messages (job status changes, retries) must reach the user's terminal, not
 * only verbose logs. Inside Pulumi's dynamic-provider host the engine's address is the
 * host's first argument: we send messages through the engine's Log RPC, which the CLI
 * prints with the update's diagnostics. The plugin sets its own sink (the engine's Log,
 * under the resource). Elsewhere (tests, in-process use) they go to stderr.
 */
import { engineLog } from "./pulumiRpc";

type Sink = (message: string) => void;

let sink: Sink | undefined;

/** Inside the dynamic-provider host (cmd/dynamic-provider), whose first argument is the engine's address. */
const dynamicHostSink = (): Sink | undefined => {
  const engineAddress = process.argv[2];
  const isHost = (process.argv[1] ?? "").replace(/\\/g, "/").includes("cmd/dynamic-provider");
  if (!isHost || engineAddress === undefined || !/^[\w.-]+:\d+$/.test(engineAddress)) return undefined;
  try {
    const log = engineLog(engineAddress);
    return (message) => log(message);
  } catch {
    return undefined;
  }
};

export const reportProgress = (message: string): void => {
  sink ??= dynamicHostSink() ?? ((m) => process.stderr.write(`${m}\n`));
  sink(message);
};

/** Where progress goes instead: the plugin's engine Log, or a test's capture. */
export const setProgressSink = (s: Sink | undefined): void => {
  sink = s;
};
