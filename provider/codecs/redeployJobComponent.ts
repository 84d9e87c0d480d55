/**
 * "Redeploying a Job Component" (PUT .../components/{component_id}/redeployment):
 * the tables of that page that differ from the release page, and the request body
 * (Table 3) and response (Table 42).
 */
import * as t from "io-ts";
import {
  ComponentName,
  ComponentVersion,
  affinity,
  containerFields,
  imageOnly,
  ReferResourceParameters,
  runtimeStack,
  sharedComponentFields,
  Source,
} from "./componentTables";
import { bool, checked, int, isAbsent, nonNegativeInt, obj, oneOf, secret, str, stringMap } from "./primitives";

/** Table 8 deploy_strategy. The page lists only OneBatchRelease yet defines Table 9
 * rolling_release; we accept RollingRelease with it, as the release page does. */
export const JobDeployStrategy = checked(
  obj(
    "deploy_strategy",
    {
      /** OneBatchRelease or RollingRelease. */ type: oneOf("OneBatchRelease", "RollingRelease"),
    },
    {
      /** Table 9: rolling deployment, required when type is RollingRelease. */ rolling_release: obj(
        "rolling_release",
        {
          /** Deployment batches. */ batches: int,
        },
        {},
      ),
    },
  ),
  (d) => (d.type === "RollingRelease" && isAbsent(d.rolling_release) ? [{ key: "rolling_release", message: "is required when type is RollingRelease" }] : []),
);

/** Table 14 host_aliases: this page spells the list `hostnames`. */
export const JobHostAlias = obj(
  "host_aliases",
  {
    /** IP address. */ ip: str,
    /** Host aliases. */ hostnames: t.array(str),
  },
  {},
);

/** Table 21 component_affinity, with the job page's topology_key. */
export const JobAffinity = affinity({
  /** Topology key. */ topology_key: str,
});

const jobReferResourceTypes = [
  "vpc",
  "eip",
  "elb",
  "cce",
  "ecs",
  "as",
  "cse",
  "nacos",
  "dcs",
  "rds",
  "gaussdb",
  "dms_rocketmq",
  "css_es",
  "custom_k8s",
] as const;
/** Table 24 refer_resources: parameters are mandatory when type is cce. */
export const JobReferResource = checked(
  obj(
    "refer_resources",
    {
      /** Resource ID. */ id: str,
      /** vpc, eip, elb, cce, ecs, as, cse, nacos, dcs, rds, gaussdb, dms_rocketmq, css_es, custom_k8s. */ type: oneOf(...jobReferResourceTypes),
    },
    {
      /** Table 25: resource parameters; required when type is cce. */ parameters: ReferResourceParameters,
    },
  ),
  (r) => (r.type === "cce" && isAbsent(r.parameters) ? [{ key: "parameters", message: "is required when type is cce" }] : []),
);

/** Table 34 multi_containers */
export const JobMultiContainer = obj(
  "multi_containers",
  {
    /** Container name. */ container_name: str,
    /** Image source (only images). */ source: imageOnly,
  },
  containerFields,
);

/** Table 35 configs */
export const JobConfig = obj(
  "configs",
  {
    /** Unified configuration ID. */ config_id: str,
    /** Mount path. */ mount_path: str,
  },
  {},
);

/** Table 37 http_headers (a list of key/value pairs here, unlike source.http_headers). */
export const TemplateHttpHeader = obj(
  "http_headers",
  {
    /** Request key. */ key: str,
    /** Request value. */ value: str,
  },
  {},
);

/** Table 36 template_source */
export const TemplateSource = obj(
  "template_source",
  {
    /** devcloud, obs, http or devcloud_repository. */
    storage: oneOf("devcloud", "obs", "http", "devcloud_repository"),
    /** Address of the component template package. */
    url: str,
  },
  {
    /** Username (storage http). */
    http_username: str,
    /** Password (storage http). Kept secret in Pulumi state. */
    http_password: secret(str),
    /** Request headers (storage http). */
    http_headers: t.array(TemplateHttpHeader),
  },
);

/** Table 39 task_setting */
export const TaskSetting = obj(
  "task_setting",
  {
    /** Number of parallel jobs. */
    parallelism: int,
    /** NonIndexed or Indexed. */
    completion_mode: oneOf("NonIndexed", "Indexed"),
    /** Suspend the job (resumed when set back to false). */
    suspend: bool,
  },
  {
    /** Timeout in seconds. */ active_deadline_seconds: nonNegativeInt,
  },
);

/** Table 41 log_config */
export const VmappDirectory = obj(
  "log_config",
  {
    /** Directory path. */ path: str,
    /** Owner user. */ user: str,
    /** Owner group. */ group: str,
    /** Permission, e.g. 755. */ mode: str,
  },
  {},
);

/** Table 40 vmapp_config */
export const VmappConfig = obj(
  "vmapp_config",
  {
    /** Running user. */ run_as_user: str,
    /** Deployment directory. */ app_home: VmappDirectory,
    /** Log directory. */ log_home: VmappDirectory,
  },
  {},
);

/** Table 28 on this page: VM deployment allows Java, Tomcat, Node.js; containers allow all six. */
export const JobRuntimeStack = runtimeStack({
  virtualmachine: ["Java", "Tomcat", "Nodejs"],
  container: ["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"],
});

/** Table 3: the redeploy request body. */
export const RedeployJobComponentBody = obj(
  "RedeployJobComponentBody",
  {
    /** Component name; cannot be modified. */
    name: ComponentName,
    /** Runtime; cannot be modified. */
    runtime_stack: JobRuntimeStack,
    /** Source of the code or software package. */
    source: Source,
    /** Component version, e.g. 1.0.0 (at most 32 characters). */
    version: ComponentVersion,
    /** Number of instances. */
    replica: nonNegativeInt,
  },
  {
    ...sharedComponentFields,
    /** Host aliases. */
    host_aliases: t.array(JobHostAlias),
    /** Workload type: fixed at job. */
    workload_kind: oneOf("job"),
    /** Affinity. */
    affinity: t.array(JobAffinity),
    /** Anti-affinity. */
    anti_affinity: t.array(JobAffinity),
    /** Associated resources. */
    refer_resources: t.array(JobReferResource),
    /** Component deployment. */
    deploy_strategy: JobDeployStrategy,
    /** Multi-container configuration. */
    multi_containers: t.array(JobMultiContainer),
    /** Unified component configuration. */
    configs: t.array(JobConfig),
    /** Workload configuration mode: fixed at ui. */
    config_mode: oneOf("ui"),
    /** Source of the component template package. */
    template_source: TemplateSource,
    /** Template package input values; keys pass verbatim. */
    input_values: stringMap,
    /** Task settings of the job workload. */
    task_setting: TaskSetting,
    /** VM directory type: system or custom_system. */
    vmapp_config_mode: oneOf("system", "custom_system"),
    /** VM directory configuration. */
    vmapp_config: VmappConfig,
  },
);
export type RedeployJobComponentBody = t.TypeOf<typeof RedeployJobComponentBody>;

/** Table 42 */
export const RedeployJobComponentResponse = t.type({ job_id: str }, "RedeployJobComponentResponse");
export type RedeployJobComponentResponse = t.TypeOf<typeof RedeployJobComponentResponse>;
