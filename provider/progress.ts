/**
 * Progress messages (job status changes, retries) must reach the user's terminal, not
 * only verbose logs. Inside Pulumi's dynamic-provider host the engine's address is the
 * host's first argument: we send messages through the engine's Log RPC, which the CLI
 * prints with the update's diagnostics. The plugin sets its own sink (the engine's Log,
 * under the resource). Elsewhere (tests, in-process use) they go to stderr.
 *
 * A message is information or a warning, and kept or ephemeral: an ephemeral one is the
 * resource's status while it lasts (pulumi-kubernetes' await shows "[1/2] Waiting for ..."
 * the same way), replaced by the next and gone from the update's record. reportProgress
 * keeps a line, reportStatus shows one while it lasts, reportWarning warns.
 */
import { LogSeverity, engineLog } from "./pulumiRpc";

/** How a message is shown: a warning or information (the default), kept or ephemeral (the default: kept). */
export interface ProgressOptions {
  severity?: LogSeverity;
  /** The resource's status while it lasts: the CLI replaces it with the next and keeps none. */
  ephemeral?: boolean;
}

/** Where messages go: a sink that takes only the message shows every one as kept information. */
export type ProgressSink = (message: string, options?: ProgressOptions) => void;

let sink: ProgressSink | undefined;

/** Inside the dynamic-provider host (cmd/dynamic-provider), whose first argument is the engine's address. */
const dynamicHostSink = (): ProgressSink | undefined => {
  const engineAddress = process.argv[2];
  const isHost = (process.argv[1] ?? "").replace(/\\/g, "/").includes("cmd/dynamic-provider");
  if (!isHost || engineAddress === undefined || !/^[\w.-]+:\d+$/.test(engineAddress)) return undefined;
  try {
    const log = engineLog(engineAddress);
    return (message, options) => log(message, options);
  } catch {
    return undefined;
  }
};

/** Outside Pulumi: a warning says so, and every line is kept (a plain stream cannot take one back). */
const stderrSink: ProgressSink = (message, options) => process.stderr.write(`${options?.severity === "warning" ? "warning: " : ""}${message}\n`);

const send = (message: string, options?: ProgressOptions): void => {
  sink ??= dynamicHostSink() ?? stderrSink;
  sink(message, options);
};

/** A line the user keeps: a status change, a retry, a job's end. */
export const reportProgress = (message: string): void => send(message);

/** The resource's status while it lasts, replaced by the next (a job's stage and `[tasks done/total]`). */
export const reportStatus = (message: string): void => send(message, { ephemeral: true });

/** A warning on the resource, kept (a failed task's messages). */
export const reportWarning = (message: string): void => send(message, { severity: "warning" });

/** Where progress goes instead: the plugin's engine Log, or a test's capture. */
export const setProgressSink = (s: ProgressSink | undefined): void => {
  sink = s;
};
