/**
 * "Editing a Release Task Based on the Release Task ID" (PUT .../release-plans/{id}):
 * the tables of that page that differ from the job page, the request body (Table 3)
 * and response (Table 43). Huawei files release tasks under "old release management";
 * everything release-specific stays in this file so it can be retired alone.
 */
import * as t from "io-ts";
import { isUnknown } from "../pulumiValues";

import {
  ComponentName,
  ComponentVersion,
  ConfigEncryption,
  affinity,
  containerFields,
  imageOnly,
  ReferResourceParameters,
  runtimeStack,
  sharedComponentFields,
  Source,
} from "./componentTables";
import {
  Rule,
  checked,
  int,
  intOrPercent,
  integerString,
  isAbsent,
  isKnownValue,
  nonNegativeInt,
  obj,
  oneOf,
  oneOfInt,
  portNumberOrName,
  requiredWhen,
  str,
} from "./primitives";

/** Table 12 gray_rules */
export const GrayRule = obj(
  "gray_rules",
  {
    /** Match type: only HEADER. */
    type: oneOf("HEADER"),
    /** Parameter name. */
    key: str,
    /** Condition value. */
    value: str,
    /** EQUAL, MATCH or IN. */
    condition: oneOf("EQUAL", "MATCH", "IN"),
  },
  {},
);

/** Table 11 gray_release. The page marks the WEIGHT fields mandatory and also says they
 * are mandatory only for WEIGHT: we require them for WEIGHT only. `rules` is typed
 * Object on the page but rule_match_mode ALL/ANY ranges over several rules: we accept
 * one rule or a list and send what the user wrote. */
export const GrayRelease = checked(
  obj(
    "gray_release",
    {
      /** WEIGHT (by traffic) or CONTENT (by content). */ type: oneOf("WEIGHT", "CONTENT"),
    },
    {
      /** First-batch traffic percentage (WEIGHT). */
      first_batch_weight: int,
      /** First-batch instances (WEIGHT). */
      first_batch_replica: int,
      /** Batches for the remaining instances (WEIGHT). */
      remaining_batch: int,
      /** Upstream: 1 microservice gateway, 3 microservice, 4 load balancer. */
      deployment_mode: oneOfInt(1, 3, 4),
      /** MIRROR, EXTRA or NOSURGE (CONTENT). */
      replica_surge_mode: oneOf("MIRROR", "EXTRA", "NOSURGE"),
      /** ALL or ANY (CONTENT). */
      rule_match_mode: oneOf("ALL", "ANY"),
      /** Dark launch rules (CONTENT). */
      rules: t.union([GrayRule, t.array(GrayRule)]),
    },
  ),
  requiredWhen(["first_batch_weight", "first_batch_replica", "remaining_batch"], (g) => g.type === "WEIGHT", "type is WEIGHT"),
  requiredWhen(["replica_surge_mode", "rule_match_mode", "rules"], (g) => g.type === "CONTENT", "type is CONTENT"),
);

/** Table 9 deploy_strategy, with Table 10 rolling_release */
export const ReleaseDeployStrategy = checked(
  obj(
    "deploy_strategy",
    {
      /** OneBatchRelease, RollingRelease or GrayRelease. */ type: oneOf("OneBatchRelease", "RollingRelease", "GrayRelease"),
    },
    {
      /** Rolling deployment; required when type is RollingRelease. */
      rolling_release: obj(
        "rolling_release",
        {
          /** Deployment batches. */ batches: int,
        },
        {},
      ),
      /** Dark launch; required when type is GrayRelease. */
      gray_release: GrayRelease,
    },
  ),
  requiredWhen(["rolling_release"], (d) => d.type === "RollingRelease", "type is RollingRelease"),
  requiredWhen(["gray_release"], (d) => d.type === "GrayRelease", "type is GrayRelease"),
);

/** Table 17 host_aliases: this page spells the list `hostname` (the job page: `hostnames`).
 * On the wire each page gets its own spelling; users write `hostnames` for both (see spellings.ts). */
export const ReleaseHostAlias = obj(
  "host_aliases",
  {
    /** IP address. */ ip: str,
    /** Host aliases. */ hostname: t.array(str),
  },
  {},
);

/**
 * Table 24 component_affinity. The job page's table (21) has topology_key, this page's
 * does not: we send what this page specifies, so it is refused here with the reason
 * rather than as an unknown property (docs/api-decisions.md).
 */
export const ReleaseAffinity = affinity({
  /** Not on the release page: its affinity table (24) has no topology key, unlike the job page's (21). */
  topology_key: new t.Type<undefined, undefined, unknown>(
    "absent",
    (u): u is undefined => u === undefined,
    (u, c) =>
      t.failure(
        u,
        c,
        "is not part of the release page's affinity (its Table 24 has no topology_key, unlike the job page's Table 21): the release API does not take it",
      ),
    (a) => a,
  ),
});

const releaseReferResourceTypes = [
  "vpc",
  "eip",
  "elb",
  "cce",
  "ecs",
  "dcs",
  "rds",
  "cse",
  "nacos",
  "customServer",
  "pvc",
  "gaussdb",
  "dms_rocketmq",
  "css_es",
] as const;
/** Table 27 refer_resources */
export const ReleaseReferResource = obj(
  "refer_resources",
  {
    /** Resource ID. */ id: str,
    /** vpc, eip, elb, cce, ecs, dcs, rds, cse, nacos, customServer, pvc, gaussdb, dms_rocketmq, css_es. */ type: oneOf(...releaseReferResourceTypes),
  },
  {
    /** Table 28: resource parameters. */ parameters: ReferResourceParameters,
  },
);

/** Table 36 tolerations */
export const Toleration = checked(
  obj(
    "tolerations",
    {},
    {
      /** Taint key. */
      key: str,
      /** Equal or Exists. */
      operator: oneOf("Equal", "Exists"),
      /** Taint value; required when operator is Equal, not allowed with Exists. */
      value: str,
      /** The page writes NoScheduler; Kubernetes' value is NoSchedule. Both are accepted and sent as written. */
      effect: oneOf("NoSchedule", "NoScheduler", "PreferNoSchedule", "NoExecute"),
      /** Tolerance window in seconds; only with effect NoExecute. */
      toleration_seconds: nonNegativeInt,
    },
  ),
  requiredWhen(["value"], (o) => o.operator === "Equal", "operator is Equal"),
  (o) => (o.operator === "Exists" && !isAbsent(o.value) ? [{ key: "value", message: "must not be set when operator is Exists" }] : []),
  (o) =>
    !isAbsent(o.toleration_seconds) && !isUnknown(o.effect) && o.effect !== "NoExecute"
      ? [{ key: "toleration_seconds", message: "can be set only when effect is NoExecute" }]
      : [],
);

/** Table 37 multi_containers: the job page's fields plus config_encryption. */
export const ReleaseMultiContainer = obj(
  "multi_containers",
  {
    /** Container name. */ container_name: str,
    /** Image source (only images). */ source: imageOnly,
  },
  { ...containerFields, /** DEW key for a multi-container component. */ config_encryption: ConfigEncryption },
);

/** Table 38 ports (port numbers are Strings on the page). */
export const StatefulSetPort = obj(
  "ports",
  {
    /** Port name. */
    name: str,
    /** Access port. */
    port: integerString("must be a port from 1 to 65535", (n) => n >= 1 && n <= 65535),
    /** Container port: a number (1-65535) or a named container port such as "http". */
    target_port: portNumberOrName,
  },
  {},
);

/** Table 39 update_strategy */
export const UpdateStrategy = checked(
  obj(
    "update_strategy",
    {},
    {
      /** RollingUpdate (default) or Recreate. */
      type: oneOf("RollingUpdate", "Recreate"),
      /** Integer or percentage string (default 25%). */
      max_unavailable: intOrPercent,
      /** Integer or percentage string (default 25%). */
      max_surge: intOrPercent,
      /** Scale-in window in seconds (default 30). */
      termination_period_seconds: nonNegativeInt,
      /** Minimum ready seconds (default 0). */
      min_ready_seconds: nonNegativeInt,
      /** Maximum upgrade duration; must exceed min_ready_seconds. */
      progress_deadline_seconds: nonNegativeInt,
      /** Old revisions kept for rollback (default 10). */
      revision_history_limit: nonNegativeInt,
    },
  ),
  (u) =>
    isKnownValue(u.progress_deadline_seconds) && isKnownValue(u.min_ready_seconds) && (u.progress_deadline_seconds as number) <= (u.min_ready_seconds as number)
      ? [{ key: "progress_deadline_seconds", message: "must be greater than minReadySeconds" }]
      : [],
);

/** Table 40 configs. The page spells the key `conifg_id` (the job page: `config_id`). We
 * send the page's spelling to this endpoint; users write `configId` for both. */
export const ReleaseConfig = obj(
  "configs",
  {
    /** Unified configuration ID. */ conifg_id: str,
    /** Mount path. */ mount_path: str,
  },
  {},
);

/** Table 31 on this page: VM deployment allows Java, Tomcat, Nodejs; containers Java, Tomcat, Nodejs, Php, Docker. */
export const ReleaseRuntimeStack = runtimeStack({
  virtualmachine: ["Java", "Tomcat", "Nodejs"],
  container: ["Java", "Tomcat", "Nodejs", "Php", "Docker"],
});

/** max_unavailable and max_surge "can be set only when workload_kind is deployment". */
const surgeOnlyForDeployments: Rule<{ workload_kind?: string; update_strategy?: { max_surge?: unknown; max_unavailable?: unknown } }> = (c) =>
  isKnownValue(c.workload_kind) && c.workload_kind !== "deployment" && isKnownValue(c.update_strategy)
    ? (["max_unavailable", "max_surge"] as const)
        .filter((k) => !isAbsent(c.update_strategy?.[k]))
        .map((k) => ({ key: `update_strategy.${k}`, message: "can be set only when workloadKind is deployment" }))
    : [];

/** Table 4: build "is mandatory when the component is deployed in containers and no image is used". */
const buildForContainersWithoutImage: Rule<{ runtime_stack?: { deploy_mode?: string }; source?: { kind?: string }; build?: unknown }> = (c) =>
  c.runtime_stack?.deploy_mode === "container" && isKnownValue(c.source?.kind) && c.source?.kind !== "image" && isAbsent(c.build)
    ? [{ key: "build", message: "is required when the component is deployed in containers from code or a package (not an image)" }]
    : [];

/** Table 4 components */
export const ReleaseComponent = checked(
  obj(
    "components",
    {
      /** Release batch. */
      seq: nonNegativeInt,
      /** Application component ID. */
      component_id: str,
      /** Component name (2-64 characters). */
      name: ComponentName,
      /** Runtime. */
      runtime_stack: ReleaseRuntimeStack,
      /** Environment ID. */
      environment_id: str,
      /** Source of the code or software package. */
      source: Source,
      /** Component version (at most 32 characters). */
      version: ComponentVersion,
      /** Number of instances. */
      replica: nonNegativeInt,
      /** Associated resources. */
      refer_resources: t.array(ReleaseReferResource),
    },
    {
      ...sharedComponentFields,
      /** Workload name. */
      workload_name: str,
      /** Creation mode; omitted by default (create and deploy). */
      create_mode: str,
      /** Host aliases. */
      host_aliases: t.array(ReleaseHostAlias),
      /** deployment, statefulset or daemonset. */
      workload_kind: oneOf("deployment", "statefulset", "daemonset"),
      /** Affinity. */
      affinity: t.array(ReleaseAffinity),
      /** Anti-affinity. */
      anti_affinity: t.array(ReleaseAffinity),
      /** Component deployment. */
      deploy_strategy: ReleaseDeployStrategy,
      /** Tolerations. */
      tolerations: t.array(Toleration),
      /** Upgrade strategy. */
      update_strategy: UpdateStrategy,
      /** Multi-container configuration. */
      multi_containers: t.array(ReleaseMultiContainer),
      /** StatefulSet service name. */
      service_name: str,
      /** StatefulSet ports. */
      ports: t.array(StatefulSetPort),
      /** Unified component configuration. */
      configs: t.array(ReleaseConfig),
      /** DEW key for a single-container component. */
      config_encryption: ConfigEncryption,
    },
  ),
  surgeOnlyForDeployments,
  buildForContainersWithoutImage,
);

/** Table 3: the edit request body. */
export const EditReleasePlanBody = obj(
  "EditReleasePlanBody",
  {
    /** Release task name. */
    name: str,
    /** Components, one entry per component and batch. */
    components: t.array(ReleaseComponent),
  },
  {
    /** Description. */
    desc: str,
    /** continue or stop. */
    fail_strategy: oneOf("continue", "stop"),
  },
);
export type EditReleasePlanBody = t.TypeOf<typeof EditReleasePlanBody>;

/** Table 43. Nothing is read from it: an answer without the id still means the edit was done. */
export const EditReleasePlanResponse = t.partial({ release_plan_id: t.unknown }, "EditReleasePlanResponse");
export type EditReleasePlanResponse = t.TypeOf<typeof EditReleasePlanResponse>;
