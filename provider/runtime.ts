/**
 * State of the provider inside Pulumi's dynamic-provider host: the stack config given to
 * `configure`, one client per project, and where progress messages go. It lives in this
 * module (loaded by `require` at call time), never in the serialized `__provider`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ServiceStageClient } from "./client";
import { reportProgress } from "./progress";
import { RawSettings, readEnvironment, readStackConfig, resolveClientOptions } from "./settings";

let stackSettings: RawSettings = {};
const clients = new Map<string, ServiceStageClient>();

export const configure = async (req: dynamic.ConfigureRequest): Promise<void> => {
  stackSettings = readStackConfig((key) => req.config.get(key));
  clients.clear();
};

/** For tests and programs that drive the provider in-process. */
export const setStackSettings = (settings: RawSettings): void => {
  stackSettings = settings;
  clients.clear();
};

export const clientFor = (resourceProjectId?: string): ServiceStageClient => {
  const key = resourceProjectId ?? "";
  let client = clients.get(key);
  if (client === undefined) {
    const options = resolveClientOptions(stackSettings, readEnvironment(process.env), resourceProjectId);
    client = new ServiceStageClient({
      ...options,
      onRetry: (e) => reportProgress(`servicestage: ${e.method} ${e.path}: retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt + 1}): ${e.reason}`),
    });
    clients.set(key, client);
  }
  return client;
};

export { reportProgress };
