/**
 * `count` job components (comp-00, comp-01, ... named job-comp-00, ...) with the redeploy
 * page's example spec, and with `releasePlanId` set a release task too. Stack config:
 *   count             how many components (default 1)
 *   version           their version (default 2025.0323.15181)
 *   versions          JSON object: a version per component id, over `version`
 *   httpPassword      (secret) deploy from an http package source with this password
 *   releasePlanId     also declare the release task of that id (two batches)
 *   parallelism       their taskSetting.parallelism (default 1), a field the GET does not return
 *   jobTimeoutSeconds how long each update waits for its job (default the resource's)
 *   regions           JSON object: a region per component id (default the provider's)
 *   envs              JSON list of {name, value}: their envs (default none)
 *   timezone          their timezone (default none)
 */
import * as pulumi from "@pulumi/pulumi";
import { JobComponent, ReleasePlan } from "pulumi-servicestage";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 1;
const version = config.get("version") ?? "2025.0323.15181";
const versions = config.getObject<Record<string, string>>("versions") ?? {};
const httpPassword = config.getSecret("httpPassword");
const releasePlanId = config.get("releasePlanId");
const parallelism = config.getNumber("parallelism") ?? 1;
const jobTimeoutSeconds = config.getNumber("jobTimeoutSeconds");
const regions = config.getObject<Record<string, string>>("regions") ?? {};
const envs = config.getObject<Array<{ name: string; value: string }>>("envs");
const timezone = config.get("timezone");

const source = httpPassword
  ? ({
      kind: "package",
      storage: "http",
      url: "https://repo.example/app.jar",
      httpUsername: "deploy",
      httpPassword,
      httpCommand: "curl",
      httpHeaders: { "X-Trace": "1" },
    } as const)
  : ({ kind: "package", storage: "obs", url: "obs://bucket0001/weather-1.0.0.jar", version: "" } as const);

const jobs = Array.from({ length: count }, (_, i) => {
  const componentId = `comp-${String(i).padStart(2, "0")}`;
  return new JobComponent(componentId, {
    applicationId: "app-demo",
    componentId,
    name: `job-${componentId}`,
    version: versions[componentId] ?? version,
    runtimeStack: { name: "OpenJDK8", version: "1.1.1", type: "Java", deployMode: "virtualmachine" } as const,
    source,
    referResources: [{ id: "67835bb3-1235-4cc9-be71-becbb2b4ca0d", type: "ecs" } as const],
    taskSetting: { parallelism, completionMode: "Indexed", suspend: false } as const,
    replica: 1,
    envs,
    timezone,
    jobTimeoutSeconds,
    region: regions[componentId],
  });
});

const releaseComponent = (seq: number, componentId: string, name: string) => ({
  seq,
  componentId,
  name,
  environmentId: "env-prod",
  runtimeStack: { name: "OpenJDK17", version: "17.0.1", type: "Java", deployMode: "container" } as const,
  source: { kind: "image", url: "swr.cn-north-4.myhuaweicloud.com/demo/app:1.0.0", storage: "swr" } as const,
  version: "1.0.0",
  replica: 2,
  referResources: [{ id: "cce-cluster-1", type: "cce", parameters: { namespace: "default" } } as const],
});
const plan = releasePlanId
  ? new ReleasePlan("plan", {
      releasePlanId,
      name: "release-2025-q3",
      desc: config.get("releaseDesc") ?? "two batches",
      failStrategy: "stop" as const,
      components: [
        {
          ...releaseComponent(1, "comp-api", "api"),
          deployStrategy: { type: "GrayRelease", grayRelease: { type: "WEIGHT", firstBatchWeight: 20, firstBatchReplica: 1, remainingBatch: 2 } } as const,
        },
        { ...releaseComponent(2, "comp-web", "web"), deployStrategy: { type: "RollingRelease", rollingRelease: { batches: 2 } } as const },
      ],
    })
  : undefined;

export const jobIds = pulumi.all(jobs.map((j) => j.jobId));
export const jobStatuses = pulumi.all(jobs.map((j) => j.jobStatus));
export const releasePlan = plan?.id;
