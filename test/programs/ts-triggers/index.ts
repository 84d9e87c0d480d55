/**
 * The redeploy page's example job component (comp-job of the emulator's example world),
 * with `triggers: [<stack config trigger>]`: a change of `trigger` alone re-runs the job
 * with the same spec, exactly one redeploy. Stack config:
 *   trigger   the one value of `triggers` (required)
 */
import * as pulumi from "@pulumi/pulumi";
import { JobComponent } from "pulumi-servicestage";

const config = new pulumi.Config();

const job = new JobComponent("job", {
  applicationId: "app-demo",
  componentId: "comp-job",
  name: "mycomponent",
  version: "2025.0323.15181",
  runtimeStack: { name: "OpenJDK8", version: "1.1.1", type: "Java", deployMode: "virtualmachine" } as const,
  source: { kind: "package", storage: "obs", url: "obs://bucket0001/weather-1.0.0.jar", version: "" } as const,
  referResources: [{ id: "67835bb3-1235-4cc9-be71-becbb2b4ca0d", type: "ecs" } as const],
  taskSetting: { parallelism: 1, completionMode: "Indexed", suspend: false } as const,
  replica: 1,
  triggers: [config.require("trigger")],
});

export const jobId = job.jobId;
export const jobStatus = job.jobStatus;
