/**
 * A two-batch release task: batch 1 releases the API with a gray (dark launch by
 * traffic weight) release, batch 2 the web front end with a rolling release. The task
 * and the components it releases must already exist in ServiceStage. With `runOnChange`,
 * each `pulumi up` that changes the task also executes it once and follows the run to its
 * end (docs/release-runs.md). Credentials come from config or the environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { ReleasePlan } from "pulumi-servicestage";

const config = new pulumi.Config();
const environmentId = config.get("environmentId") ?? "env-demo";
const clusterId = config.get("cceClusterId") ?? "cce-cluster-demo";
const apiVersion = config.get("apiVersion") ?? "1.0.1";

const plan = new ReleasePlan("release-demo", {
  releasePlanId: config.get("releasePlanId") ?? "bb09c189-d17e-480a-a0e4-3a102b3795b0",
  name: "release-demo",
  desc: "Two batches: the API first, then the web front end",
  failStrategy: "stop",
  components: [
    {
      seq: 1,
      componentId: "comp-api",
      name: "demo-api",
      environmentId,
      runtimeStack: { name: "OpenJDK17", version: "1.0.0", type: "Java", deployMode: "container" },
      source: { kind: "image", storage: "swr", url: pulumi.interpolate`swr.cn-north-4.myhuaweicloud.com/demo/api:${apiVersion}` },
      version: apiVersion,
      replica: 2,
      workloadKind: "deployment",
      referResources: [{ id: clusterId, type: "cce", parameters: { namespace: "default" } }],
      deployStrategy: { type: "GrayRelease", grayRelease: { type: "WEIGHT", firstBatchWeight: 20, firstBatchReplica: 1, remainingBatch: 1 } },
    },
    {
      seq: 2,
      componentId: "comp-web",
      name: "demo-web",
      environmentId,
      runtimeStack: { name: "Nodejs18", version: "1.0.0", type: "Nodejs", deployMode: "container" },
      source: { kind: "image", storage: "swr", url: "swr.cn-north-4.myhuaweicloud.com/demo/web:1.0.0" },
      version: "1.0.0",
      replica: 3,
      workloadKind: "deployment",
      referResources: [{ id: clusterId, type: "cce", parameters: { namespace: "default" } }],
      deployStrategy: { type: "RollingRelease", rollingRelease: { batches: 3 } },
      updateStrategy: { type: "RollingUpdate", maxUnavailable: "25%", maxSurge: 1 },
    },
  ],
  // Execute the task after each change (and on create), and follow the run batch by batch.
  runOnChange: true,
});

export const releasePlanId = plan.id;
export const runStatus = plan.runStatus;
