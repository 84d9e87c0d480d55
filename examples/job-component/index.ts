/**
 * The redeploy page's example request as a Pulumi program: redeploy the job component
 * "mycomponent" and set its job settings. Credentials and the project come from stack
 * config (servicestage:*) or the environment (HW_*), never from code.
 */
import * as pulumi from "@pulumi/pulumi";
import { JobComponent } from "pulumi-servicestage";

const config = new pulumi.Config();

const job = new JobComponent("mycomponent", {
  applicationId: config.get("applicationId") ?? "app-demo",
  componentId: config.get("componentId") ?? "comp-job",
  name: "mycomponent",
  description: "",
  labels: [{ key: "com-key", value: "com-value" }],
  version: config.get("version") ?? "2025.0323.15181",
  runtimeStack: { name: "OpenJDK8", version: "1.1.1", type: "Java", deployMode: "virtualmachine" },
  source: { kind: "package", url: "obs://bucket0001/weather-1.0.0.jar", version: "", storage: "obs" },
  tomcatOpts: { serverXml: "" },
  referResources: [{ id: "67835bb3-1235-4cc9-be71-becbb2b4ca0d", type: "ecs" }],
  taskSetting: { parallelism: 1, completionMode: "Indexed", suspend: false },
  replica: 1,
  externalAccesses: [],
});

export const jobId = job.jobId;
export const jobStatus = job.jobStatus;
export const version = job.version;
