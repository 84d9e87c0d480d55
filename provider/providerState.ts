/**
 * The provider's state inside its process (Pulumi's dynamic-provider host, or the
 * plugin): the settings given to `configure` (the dynamic host) or `setStackSettings`
 * (the plugin's Configure, and tests), one client per project and region, the job waits
 * that Cancel can end, and where progress messages go. It lives in this module (loaded by
 * `require` at call time), never in the serialized `__provider`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ServiceStageClient } from "./client";
import { reportProgress } from "./progress";
import { RawSettings, ResourceTarget, readEnvironment, readStackConfig, resolveClientOptions } from "./settings";
import { containsUnknown } from "./pulumiValues";
import { SettingsError } from "./errors";

let stackSettings: RawSettings = {};
const clients = new Map<string, ServiceStageClient>();
/** settingsIssue's answer per target, until the settings change: check runs for every resource of every preview. */
const settingsIssues = new Map<string, string | undefined>();
const targetKey = (projectId: string | undefined, region: string | undefined) => `${projectId ?? ""}\u0000${region ?? ""}`;
/** Job waits in flight, so that Cancel can end them (and only them: later work of this process goes on). */
const waits = new Set<AbortController>();

export const configure = async (req: dynamic.ConfigureRequest): Promise<void> => {
  stackSettings = readStackConfig((key) => req.config.get(key));
  clients.clear();
  settingsIssues.clear();
};

/** The settings as the plugin's Configure reads them (and tests that drive the provider in-process). */
export const setStackSettings = (settings: RawSettings): void => {
  stackSettings = settings;
  clients.clear();
  settingsIssues.clear();
};

/** The client for a resource: one per project and region, so that a program can reach several. */
export const clientFor = (target: ResourceTarget): ServiceStageClient => {
  const key = targetKey(target.projectId, target.region);
  let client = clients.get(key);
  if (client === undefined) {
    const options = resolveClientOptions(stackSettings, readEnvironment(process.env), target);
    // Loaded on first use: preview (check and diff) never needs the HTTP stack, and axios
    // is most of this package's start-up time in the provider host.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ServiceStageClient: Client } = require("./client") as typeof import("./client");
    client = new Client({
      ...options,
      onRetry: (e) =>
        reportProgress(`servicestage: ${e.method} ${e.path}: retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt + 1}): ${e.reason}`),
    });
    clients.set(key, client);
  }
  return client;
};

/**
 * Check's look at the settings an update will need (project, region or endpoint,
 * credentials), without HTTP: a preview fails when the up would. Skipped while the
 * resource's own projectId or region is still unknown; the up then judges.
 */
export const settingsIssue = (target: { projectId?: unknown; region?: unknown }): string | undefined => {
  if (containsUnknown(target.projectId) || containsUnknown(target.region)) return undefined;
  const known = (v: unknown) => (typeof v === "string" ? v : undefined);
  const projectId = known(target.projectId);
  const region = known(target.region);
  const key = targetKey(projectId, region);
  if (settingsIssues.has(key)) return settingsIssues.get(key);
  let issue: string | undefined;
  try {
    resolveClientOptions(stackSettings, readEnvironment(process.env), { projectId, region });
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    issue = e.message;
  }
  settingsIssues.set(key, issue);
  return issue;
};

/** Runs a job wait that `cancelInFlight` can end. */
export const cancellable = async <T>(wait: (signal: AbortSignal) => Promise<T>): Promise<T> => {
  const controller = new AbortController();
  waits.add(controller);
  try {
    return await wait(controller.signal);
  } finally {
    waits.delete(controller);
  }
};

/** Pulumi's Cancel: ends every job wait in flight (each update then fails, naming its job). */
export const cancelInFlight = (): void => {
  for (const controller of waits) controller.abort();
};

export { reportProgress };
