/**
 * Component tables that both API pages define identically (the job page's number
 * first, the release page's second). Tables that differ between the pages live in
 * `redeployJobComponent.ts` and `editReleasePlan.ts`.
 */
import * as t from "io-ts";
import { isUnknown } from "../pulumiValues";
import {
  OpenObject,
  bool,
  checked,
  int,
  integerString,
  isAbsent,
  isKnownValue,
  matching,
  maxLength,
  num,
  obj,
  oneOf,
  port,
  requiredWhen,
  secret,
  str,
  stringMap,
} from "./primitives";

/** 2-64 characters: letters, digits, `-`, `_`; starts with a letter, ends with a letter or digit. */
export const ComponentName = matching(
  /^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$/,
  "must be 2-64 characters of letters, digits, '-' and '_', starting with a letter and ending with a letter or digit",
);

/**
 * `^([0-9]+)(.[0-9]+){2,3}$`, at most 32 characters. The page's `.` is unescaped; we read
 * it as the literal dot every example uses (a regex "any character" would admit 1x2y3).
 */
export const ComponentVersion = checked(
  matching(/^([0-9]+)(\.[0-9]+){2,3}$/, "must match ^([0-9]+)(.[0-9]+){2,3}$ (three or four dot-separated numbers, e.g. 1.0.0)"),
  (v) => (v.length > 32 ? [{ message: "must be at most 32 characters" }] : []),
);

export const Description = maxLength(128);

/** Table 4 / 5 labels */
export const Label = obj(
  "labels",
  {
    /** Label name. */ key: str,
    /** Label value. */ value: str,
  },
  {},
);

/** Table 6 / 7 component_storage_parameters */
export const StorageParameters = obj(
  "component_storage_parameters",
  {},
  {
    /** Host path; mandatory for HostPath. */
    path: str,
    /** ConfigMap, Secret or PVC name; mandatory for ConfigMap, Secret, PersistentVolumeClaim. */
    name: str,
    /** Mount permission in decimal (e.g. 384); ConfigMap and Secret storage. */
    default_mode: int,
    /** EmptyDir medium; `memory` enables memory storage. */
    medium: str,
  },
);

/** Table 7 / 8 mounts */
export const Mount = obj(
  "mounts",
  {
    /** Mount path. */ path: str,
    /** Subpath of the mount path. */ sub_path: str,
    /** Read only or not. */ read_only: bool,
  },
  {},
);

const storageTypes = ["HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim"] as const;
/** Table 5 / 6 storages */
export const Storage = checked(
  obj(
    "storages",
    {
      /** Data storage type: HostPath, EmptyDir, ConfigMap, Secret, PersistentVolumeClaim. */
      type: oneOf(...storageTypes),
      /** Name of the storage disk. */
      name: str,
      /** Parameters of the storage type. */
      parameters: StorageParameters,
      /** Mount paths. */
      mounts: t.array(Mount),
    },
    {},
  ),
  (s) => {
    const p = s.parameters as Record<string, unknown>;
    if (isUnknown(s.type) || isUnknown(s.parameters)) return [];
    if (s.type === "HostPath" && isAbsent(p.path)) return [{ key: "parameters.path", message: "is required when type is HostPath" }];
    if ((s.type === "ConfigMap" || s.type === "Secret" || s.type === "PersistentVolumeClaim") && isAbsent(p.name))
      return [{ key: "parameters.name", message: `is required when type is ${s.type}` }];
    return [];
  },
);

/** Table 10 / 13 command */
export const Command = obj(
  "command",
  {},
  {
    /** Command controlling the container. */ command: t.array(str),
    /** Arguments, e.g. -port=8080. */ args: t.array(str),
  },
);

/** Table 11 / 14 component_lifecycle */
export const Lifecycle = obj(
  "component_lifecycle",
  {
    /** Processing method: http or command. */ type: oneOf("http", "command"),
  },
  {
    /** HTTP or HTTPS; type http only. */
    scheme: oneOf("HTTP", "HTTPS"),
    /** Custom IP; pod IP when blank; type http only. */
    host: str,
    /** Port; type http only. */
    port: port,
    /** Request path; type http only. */
    path: str,
    /** Command list; type command only. */
    command: t.array(str),
  },
);

/** Table 12 / 15 mesher */
export const Mesher = obj(
  "mesher",
  {
    /** Process listening port. */ port: port,
  },
  {},
);

/** Table 13 / 16 tomcat_opt */
export const TomcatOpts = obj(
  "tomcat_opt",
  {
    /** Custom server.xml. */ server_xml: str,
  },
  {},
);

/** Table 15 / 18 dns_config, with Table 16 / 19 options */
export const DnsOption = obj(
  "options",
  {
    /** Operation name. */ name: str,
  },
  {
    /** Operation value. */ value: str,
  },
);
export const DnsConfig = obj(
  "dns_config",
  {},
  {
    /** DNS server IPs. */ nameservers: t.array(str),
    /** DNS search domains. */ searches: t.array(str),
    /** DNS options. */ options: t.array(DnsOption),
  },
);

export const DnsPolicy = oneOf("Default", "ClusterFirst", "ClusterFirstWithHostNet", "None");

/** Table 17 / 20 security_context, with Table 18 / 21 capabilities */
export const Capabilities = obj(
  "capabilities",
  {},
  {
    /** Linux capabilities to add. */ add: t.array(str),
    /** Linux capabilities to drop. */ drop: t.array(str),
  },
);
export const SecurityContext = obj(
  "security_context",
  {},
  {
    /** User ID running the container (0 = root). */ run_as_user: int,
    /** Group of the container processes. */ run_as_group: int,
    /** Capability set. */ capabilities: Capabilities,
  },
);

/** Table 19 / 22 logs */
export const Log = obj(
  "logs",
  {
    /** Container log path. */
    log_path: str,
    /** Interval for dumping logs. */
    rotate: str,
    /** Mounted host path. */
    host_path: str,
    /** Host extension path: None, PodUID, PodName, PodUID/ContainerName, PodName/ContainerName. */
    host_extend_path: oneOf("None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"),
  },
  {},
);

/** Table 20 / 23 custom_metric */
export const CustomMetric = obj(
  "custom_metric",
  {
    /** Collection path, e.g. /metrics. */ path: str,
    /** Collection port, e.g. 9090. */ port: port,
    /** Dimensions, e.g. cpu_usage,mem_usage. */ dimensions: str,
  },
  {},
);

/** Table 22 / 25 match_expressions */
export const MatchExpression = obj(
  "match_expressions",
  {
    /** Key of the match tag. */ key: str,
    /** Match condition. */ operation: str,
    /** Value of the match tag. */ value: str,
  },
  {},
);

/** Table 21 / 24 component_affinity; `extra` adds the job page's topology_key. */
export const affinity = <E extends t.Props>(extra: E) =>
  checked(
    obj(
      "component_affinity",
      {},
      {
        /** Object kind: node or pod. */
        kind: oneOf("node", "pod"),
        /** required or preferred. */
        condition: oneOf("required", "preferred"),
        /** Scheduling rules. */
        match_expressions: t.array(MatchExpression),
        /** Weight (a String on the page): 100 when required, 1-100 when preferred. */
        weight: integerString("must be an integer from 1 to 100", (n) => n >= 1 && n <= 100),
        ...extra,
      },
    ),
    (a) => {
      if (a.condition === "required" && a.weight !== undefined && !isUnknown(a.weight) && a.weight !== "100")
        return [{ key: "weight", message: "must be 100 when condition is required" }];
      return [];
    },
  );

/** Table 23 / 26 component_probe */
export const Probe = obj(
  "component_probe",
  {
    /** http, tcp or command. */
    type: oneOf("http", "tcp", "command"),
    /** Seconds between startup and the first probe. */
    delay: int,
    /** Probe timeout. */
    timeout: int,
  },
  {
    /** HTTP or HTTPS; type http only. */
    scheme: oneOf("HTTP", "HTTPS"),
    /** Custom IP; pod IP when blank; type http only. */
    host: str,
    /** Port; type http or tcp. */
    port: port,
    /** Request path; type http only. */
    path: str,
    /** Command list; type command only. */
    command: t.array(str),
  },
);

/** Table 25 / 28 refer_resource_parameter */
const volumeClassByType = { efs: "csi-sfsturbo", obs: "csi-obs", sfs: "csi-nas", evs: "csi-disk" } as const;
export const ReferResourceParameters = checked(
  obj(
    "refer_resource_parameter",
    {},
    {
      /** Namespace. */
      namespace: str,
      /** Resource name. */
      name: str,
      /** Storage capacity in GB. */
      capacity: int,
      /** Volume declaration type: efs, obs, sfs, evs. */
      type: oneOf("efs", "obs", "sfs", "evs"),
      /** Volume subtype, fixed by type: efs csi-sfsturbo, obs csi-obs, sfs csi-nas, evs csi-disk. */
      class: oneOf("csi-sfsturbo", "csi-obs", "csi-nas", "csi-disk"),
      /** OBS volume type (default STANDARD). */
      obs_volume_type: str,
      /** ReadWriteOnce or ReadWriteMany. */
      access_mode: oneOf("ReadWriteOnce", "ReadWriteMany"),
      /** Availability zone (the page spells it in camelCase). */
      availableZone: str,
      /** Volume type. */
      volume_type: str,
    },
  ),
  (p) =>
    p.type !== undefined && p.class !== undefined && isKnownValue(p.type) && isKnownValue(p.class) && volumeClassByType[p.type] !== p.class
      ? [{ key: "class", message: `must be ${volumeClassByType[p.type]} when type is ${p.type}` }]
      : [],
);

/** Table 27 / 30 value_from */
export const ValueFrom = obj(
  "value_from",
  {
    /** configMapKey or secretKey. */ reference_type: oneOf("configMapKey", "secretKey"),
    /** ConfigMap or secret name. */ name: str,
  },
  {
    /** Key in the ConfigMap or secret. */ key: str,
    /** Whether the key is optional. */ optional: bool,
  },
);

/** Table 26 / 29 envs */
export const Env = obj(
  "envs",
  {
    /** Variable name. */ name: str,
  },
  {
    /** Variable value. */ value: str,
    /** Variable reference. */ value_from: ValueFrom,
  },
);

/** Table 29 / 32 source */
export const Source = checked(
  obj(
    "source",
    {
      /** code, package or image. */ kind: oneOf("code", "package", "image"),
    },
    {
      /** Version number. */
      version: str,
      /** Package address; required when kind is package or image. */
      url: str,
      /** devcloud, obs, http or swr; required when kind is package or image. */
      storage: oneOf("devcloud", "obs", "http", "swr"),
      /** iam or none (default iam). */
      auth: oneOf("iam", "none"),
      /** Authorization name. */
      repo_auth: str,
      /** Code repository namespace. */
      repo_namespace: str,
      /** Branch or tag (default master). */
      repo_ref: str,
      /** GitHub, BitBucket or GitLab. */
      repo_type: oneOf("GitHub", "BitBucket", "GitLab"),
      /** Code redirection URL. */
      web_url: str,
      /** Code repository URL. */
      repo_url: str,
      /** 8-40 characters, starting with a lowercase letter or digit. */
      commit_id: matching(/^[a-z0-9].{7,39}$/s, "must be 8-40 characters starting with a lowercase letter or digit"),
      /** Username; required when storage is http. */
      http_username: str,
      /** Password; required when storage is http. Kept secret in Pulumi state. */
      http_password: secret(str),
      /** Address of the custom software package; required when storage is http. */
      http_command: str,
      /** Custom request headers; required when storage is http. Keys pass verbatim. */
      http_headers: stringMap,
    },
  ),
  requiredWhen(["url", "storage"], (s) => s.kind === "package" || s.kind === "image", "kind is package or image"),
  requiredWhen(["http_username", "http_password", "http_command", "http_headers"], (s) => s.storage === "http", "storage is http"),
);

/** Table 31 / 34 parameters: documented keys are typed, any other key is the user's and passes verbatim. */
export const BuildParameters = checked(
  new OpenObject("parameters", {
    /** Compilation command (default ./build.sh or the stack's default). */
    build_cmd: str,
    /** Dockerfile path (default ./). */
    dockerfile_path: str,
    /** Build archive organization (default cas_{project_id}). */
    artifact_namespace: str,
    /** ID of the build cluster (mandatory). */
    cluster_id: str,
    /** Node label selector; keys pass verbatim. */
    node_label_selector: stringMap,
    /** Environment ID. */
    environment_id: str,
  }),
  requiredWhen(["cluster_id"], () => true, "parameters are given"),
);

/** Table 30 / 33 build */
export const Build = obj(
  "build",
  {},
  {
    /** Build parameters. */ parameters: BuildParameters,
  },
);

/** Table 32 / 35 external_accesses */
export const ExternalAccess = obj(
  "external_accesses",
  {},
  {
    /** http or https. */ protocol: oneOf("http", "https"),
    /** External access address. */ address: str,
    /** External access port. */ forward_port: port,
  },
);

/** Table 33 / 41 auto_lts_config */
export const AutoLtsConfig = obj(
  "auto_lts_config",
  {
    /** Enable automatic LTS configuration. */ enable: bool,
  },
  {
    /** Log paths. */ lts_log_path: t.array(str),
  },
);

/** Table 38 / 42 config_encryption */
export const ConfigEncryption = obj(
  "config_encryption",
  {
    /** User key ID in DEW. */ key_id: str,
  },
  {},
);

/** In multi-container mode only images are supported (Tables 34 / 37). */
export const imageOnly = checked(Source, (s) =>
  s.kind !== "image" && !isUnknown(s.kind) ? [{ key: "kind", message: "must be image: multi-container components support only images" }] : [],
);

/** Resource quantities shared by the component body and multi_containers. */
export const resourceQuantities = {
  /** Maximum CPU, cores. */
  limit_cpu: num,
  /** Maximum memory, GiB. */
  limit_memory: num,
  /** Requested CPU, cores. */
  request_cpu: num,
  /** Requested memory, GiB. */
  request_memory: num,
};

/** Fields of a container that both multi_containers tables share. */
export const containerFields = {
  ...resourceQuantities,
  /** Environment variables. */
  envs: t.array(Env),
  /** Liveness probe. */
  liveness_probe: Probe,
  /** Readiness probe. */
  readiness_probe: Probe,
  /** Startup probe. */
  startup_probe: Probe,
  /** Startup command. */
  command: Command,
  /** Post-start processing. */
  post_start: Lifecycle,
  /** Pre-stop processing. */
  pre_stop: Lifecycle,
  /** Log collection. */
  logs: t.array(Log),
  /** Storage. */
  storages: t.array(Storage),
  /** Security policy. */
  security_context: SecurityContext,
};

/** Fields of the component body that both pages define identically (Table 3 / Table 4). */
export const sharedComponentFields = {
  /** Labels. */
  labels: t.array(Label),
  /** Description, at most 128 characters. */
  description: Description,
  /** Component build. */
  build: Build,
  ...containerFields,
  /** Service mesh for Node.js with a CSE engine bound. */
  mesher: Mesher,
  /** Time zone, e.g. Asia/Shanghai. */
  timezone: str,
  /** JVM options, e.g. -Xms256m -Xmx1024m. */
  jvm_opts: str,
  /** Tomcat options (Tomcat stacks). */
  tomcat_opts: TomcatOpts,
  /** DNS policy: Default, ClusterFirst, ClusterFirstWithHostNet, None. */
  dns_policy: DnsPolicy,
  /** DNS configuration. */
  dns_config: DnsConfig,
  /** Custom metrics. */
  custom_metric: CustomMetric,
  /** External access. */
  external_accesses: t.array(ExternalAccess),
  /** Container name. */
  container_name: str,
  /** Workload content. */
  workload_content: str,
  /** Enable Sermant. */
  enable_sermant_injection: bool,
  /** Register Spring Cloud Huawei microservices through Sermant. */
  enable_sermant_spring_register: bool,
  /** Register Dubbo microservices through Sermant. */
  enable_sermant_dubbo_register: bool,
  /** Enable the Sermant dynamic configuration plug-in. */
  enable_sermant_config: bool,
  /** Deployment cell ID. */
  cell_id: str,
  /** Lane ID. */
  swimlane_id: str,
  /** Add the JDK 17/21 --add-opens JVM options automatically (the page spells it in camelCase). */
  sermantAgentInjectActionFlag: bool,
  /** VM configuration items from a compressed package; keys pass verbatim. */
  sys_config: stringMap,
  /** Image pull secrets. */
  image_pull_secrets: t.array(str),
  /** Automatic LTS configuration. */
  auto_lts_config: AutoLtsConfig,
};

export const runtimeStackTypes = ["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"] as const;
export type RuntimeStackType = (typeof runtimeStackTypes)[number];

/**
 * Table 28 / 31 runtime_stack; the pages differ only in which types a deploy mode allows,
 * and `type` offers only the types some mode allows (the release page lists Python in its
 * type row but allows it in neither mode, so its stacks do not offer Python).
 */
export const runtimeStack = <T extends RuntimeStackType>(allowed: Record<"container" | "virtualmachine", readonly [T, ...T[]]>) =>
  checked(
    obj(
      "runtime_stack",
      {
        /** Technology stack name, e.g. OpenJDK8. */
        name: str,
        /** Technology stack type; which ones depends on deployMode. */
        type: oneOf<T>(...([...new Set([...allowed.container, ...allowed.virtualmachine])] as [T, ...T[]])),
        /** Technology stack version. */
        version: str,
        /** container or virtualmachine. */
        deploy_mode: oneOf("container", "virtualmachine"),
      },
      {},
    ),
    (r) =>
      isKnownValue(r.deploy_mode) && isKnownValue(r.type) && !(allowed[r.deploy_mode] as readonly string[]).includes(r.type)
        ? [{ key: "type", message: `must be one of ${allowed[r.deploy_mode].join(", ")} when deployMode is ${r.deploy_mode}` }]
        : [],
  );
