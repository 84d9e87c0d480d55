/**
 * The provider's state inside its process (Pulumi's dynamic-provider host, or the
 * plugin): the settings given to `configure` (the dynamic host) or `setStackSettings`
 * (the plugin's Configure, and tests), one client per project and region, the job waits
 * that Cancel can end, and where progress messages go. It lives in this module (loaded by
 * `require` at call time), never in the serialized `__provider`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { CredentialProvider, ServiceStageClient } from "./client";
import { CredentialPlan, credentialPlan, iamEndpointFor } from "./credentialSources";
import { reportProgress } from "./progress";
import { RawSettings, ResolvedTarget, ResourceTarget, readEnvironment, readStackConfig, resolveTarget } from "./settings";
import { containsUnknown } from "./pulumiValues";
import { SettingsError } from "./errors";

let stackSettings: RawSettings = {};
const clients = new Map<string, Promise<ServiceStageClient>>();
/** Each target's plan, until the settings change: check and the client of the same target share one. */
const plans = new Map<string, Promise<TargetPlan>>();
/** settingsIssue's answer per target, until the settings change: check runs for every resource of every preview. */
const settingsIssues = new Map<string, Promise<string | undefined>>();
/** Credential providers by source (credentialProvider.ts): temporary credentials are obtained once per process. */
const providers = new Map<string, { source: CredentialProvider; signing: CredentialProvider; projectIdOf: (region: string) => Promise<string> }>();
const targetKey = (projectId: string | undefined, region: string | undefined) => `${projectId ?? ""}\u0000${region ?? ""}`;
/** Job waits in flight, so that Cancel can end them (and only them: later work of this process goes on). */
const waits = new Set<AbortController>();

export const configure = async (req: dynamic.ConfigureRequest): Promise<void> => {
  setStackSettings(readStackConfig((key) => req.config.get(key)));
};

/** The settings as the plugin's Configure reads them (and tests that drive the provider in-process). */
export const setStackSettings = (settings: RawSettings): void => {
  stackSettings = settings;
  clients.clear();
  plans.clear();
  settingsIssues.clear();
  providers.clear();
};

interface TargetPlan {
  plan: CredentialPlan;
  resolved: ResolvedTarget;
  iamEndpoint: string;
}

/** A resource's endpoint, project and credentials, from the settings and the credentials' source; no network call. */
const newPlan = async (target: ResourceTarget): Promise<TargetPlan> => {
  const env = readEnvironment(process.env);
  const plan = await credentialPlan(stackSettings, env, process.env);
  const resolved = resolveTarget(stackSettings, env, target, { projectId: plan.projectId, region: plan.region });
  return { plan, resolved, iamEndpoint: iamEndpointFor(stackSettings.iamEndpoint ?? env.iamEndpoint, plan, resolved, process.env) };
};

/** The target's plan, made once per target until the settings change. */
const planFor = (target: ResourceTarget): Promise<TargetPlan> => {
  const key = targetKey(target.projectId, target.region);
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = newPlan(target);
    // A plan that failed (a file being fixed, say) is made again at the next request.
    plan.catch(() => plans.delete(key));
    plans.set(key, plan);
  }
  return plan;
};

/** One credential provider per source and IAM endpoint: an exchange is made once for every client of the process. */
const providerOf = (plan: CredentialPlan, iamEndpoint: string) => {
  const key = `${iamEndpoint}\u0000${JSON.stringify(plan)}`;
  let entry = providers.get(key);
  if (entry === undefined) {
    // Loaded on first use, like the client: they bring the HTTP stack.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { IamClient } = require("./iam") as typeof import("./iam");
    const { credentialProvidersFor, projectLookup } = require("./credentialProvider") as typeof import("./credentialProvider");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const iam = new IamClient(iamEndpoint);
    const { source, signing } = credentialProvidersFor(plan, iam);
    entry = { source, signing, projectIdOf: projectLookup(iam, signing) };
    providers.set(key, entry);
  }
  return entry;
};

/** The client for a resource: one per project and region, so that a program can reach several. */
export const clientFor = (target: ResourceTarget): Promise<ServiceStageClient> => {
  const key = targetKey(target.projectId, target.region);
  let client = clients.get(key);
  if (client === undefined) {
    client = newClient(target);
    // A plan that failed (a file being fixed, say) is made again at the next request.
    client.catch(() => clients.delete(key));
    clients.set(key, client);
  }
  return client;
};

const newClient = async (target: ResourceTarget): Promise<ServiceStageClient> => {
  const { plan, resolved, iamEndpoint } = await planFor(target);
  const { signing, projectIdOf } = providerOf(plan, iamEndpoint);
  const region = resolved.region;
  // Loaded on first use: preview (check and diff) never needs the HTTP stack, and axios
  // is most of this package's start-up time in the provider host.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ServiceStageClient: Client } = require("./client") as typeof import("./client");
  return new Client({
    endpoint: resolved.endpoint,
    projectId: resolved.projectId ?? (() => projectIdOf(region as string)),
    credentials: signing,
    ...(resolved.timeoutMs !== undefined ? { timeoutMs: resolved.timeoutMs } : {}),
    retry: resolved.retry,
    onRetry: (e) =>
      reportProgress(`servicestage: ${e.method} ${e.path}: retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt + 1}): ${e.reason}`),
  });
};

/**
 * Check's look at the settings an update will need (project, region or endpoint,
 * credentials): a preview fails when the up would. No ServiceStage or IAM call; when no
 * source but ECS metadata is left, the metadata service is asked once (its answer is kept
 * for the up), since nothing else can tell whether this machine has credentials there.
 * Skipped while the resource's own projectId or region is still unknown; the up then judges.
 */
export const settingsIssue = async (target: { projectId?: unknown; region?: unknown }): Promise<string | undefined> => {
  if (containsUnknown(target.projectId) || containsUnknown(target.region)) return undefined;
  const known = (v: unknown) => (typeof v === "string" ? v : undefined);
  const projectId = known(target.projectId);
  const region = known(target.region);
  const key = targetKey(projectId, region);
  let issue = settingsIssues.get(key);
  if (issue === undefined) {
    issue = (async () => {
      try {
        const { plan, iamEndpoint } = await planFor({ projectId, region });
        // The source's own keys only: an agency on top is assumed at IAM, which a preview never calls.
        if (plan.kind === "metadata") await providerOf(plan, iamEndpoint).source.current();
        return undefined;
      } catch (e) {
        if (!(e instanceof SettingsError)) throw e;
        return e.message;
      }
    })();
    settingsIssues.set(key, issue);
  }
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
