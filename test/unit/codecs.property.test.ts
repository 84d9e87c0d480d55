/**
 * Property tests (fast-check) for the two request bodies:
 * - generated valid specs (required fields + a random subset of optional fields, each
 *   with valid values) decode, and survive camel -> wire -> camel unchanged;
 * - junk and mutations of valid specs never make `decodeSpec` throw: it answers ok, or
 *   not ok with issues that each have a string path and a non-empty message;
 * - deleting a required key is reported at that key; the preview sentinel in place of
 *   any node of a valid spec is never reported.
 */
import fc from "fast-check";
import * as t from "io-ts";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { EditReleasePlanBody } from "../../provider/codecs/editReleasePlan";
import { Issue, fromWire, toWire } from "../../provider/codecs/casing";
import { decodeSpec } from "../../provider/codecs/decode";
import { UNKNOWN } from "../../provider/pulumiValues";
import { Segment, Spec, deleteAt, formatPath, jobMaximal, nodePaths, releaseMaximal, releaseTwoComponents, setAt } from "../fixtures/specs";

const JOB = RedeployJobComponentBody as unknown as t.Type<unknown, unknown, unknown>;
const RELEASE = EditReleasePlanBody as unknown as t.Type<unknown, unknown, unknown>;
/** Runs per property; FC_NUM_RUNS=2000 for a deeper search. */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 40);

// ---------------------------------------------------------------------------
// Arbitrary builders
// ---------------------------------------------------------------------------

type Arb = fc.Arbitrary<unknown>;
/** An object with the `required` keys and a random subset of the `optional` ones. */
const obj = (required: Record<string, Arb>, optional: Record<string, Arb> = {}): fc.Arbitrary<Spec> =>
  fc.tuple(fc.record(required), fc.record(optional, { requiredKeys: [] })).map(([r, o]) => ({ ...o, ...r }) as Spec);
const list = <T>(arb: fc.Arbitrary<T>, maxLength = 2) => fc.array(arb, { maxLength });
const oneOf = (...values: Array<string | number>) => fc.constantFrom(...values);

const text = fc.string({ maxLength: 12 });
const int = fc.integer({ min: 0, max: 100_000 });
const portNumber = fc.integer({ min: 1, max: 65535 });
const quantity = fc.double({ min: 0, max: 64, noNaN: true, noDefaultInfinity: true });
const stringMap = fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 3 });
/** Integers the pages type as String: users may write either. */
const digits = (arb: fc.Arbitrary<number>) => arb.chain((n) => fc.constantFrom<number | string>(n, String(n)));

const componentName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$/);
const componentVersion = fc.array(fc.integer({ min: 0, max: 99_999 }), { minLength: 3, maxLength: 4 }).map((parts) => parts.join("."));
const commitId = fc.stringMatching(/^[a-z0-9][A-Za-z0-9]{7,39}$/);

const label = obj({ key: text, value: text });
const mount = obj({ path: text, subPath: text, readOnly: fc.boolean() });
const storage = oneOf("HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim").chain((type) =>
  obj({
    type: fc.constant(type),
    name: text,
    parameters: obj(type === "HostPath" ? { path: text } : type === "EmptyDir" ? {} : { name: text }, {
      path: text,
      name: text,
      defaultMode: int,
      medium: text,
    }),
    mounts: list(mount),
  }),
);
const command = obj({}, { command: list(text), args: list(text) });
const lifecycle = obj({ type: oneOf("http", "command") }, { scheme: oneOf("HTTP", "HTTPS"), host: text, port: portNumber, path: text, command: list(text) });
const probe = obj(
  { type: oneOf("http", "tcp", "command"), delay: int, timeout: int },
  { scheme: oneOf("HTTP", "HTTPS"), host: text, port: portNumber, path: text, command: list(text) },
);
const env = obj(
  { name: text },
  { value: text, valueFrom: obj({ referenceType: oneOf("configMapKey", "secretKey"), name: text }, { key: text, optional: fc.boolean() }) },
);
const log = obj({
  logPath: text,
  rotate: text,
  hostPath: text,
  hostExtendPath: oneOf("None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"),
});
const customMetric = obj({ path: text, port: portNumber, dimensions: text });
const matchExpression = obj({ key: text, operation: text, value: text });
/** condition and weight agree: 100 when required, 1-100 when preferred. */
const affinity = (extra: Record<string, Arb>) =>
  fc
    .tuple(
      fc.oneof(
        obj({ condition: fc.constant("required") }, { weight: digits(fc.constant(100)) }),
        obj({ condition: fc.constant("preferred") }, { weight: digits(fc.integer({ min: 1, max: 100 })) }),
        obj({}, { weight: digits(fc.integer({ min: 1, max: 100 })) }),
      ),
      obj({}, { kind: oneOf("node", "pod"), matchExpressions: list(matchExpression), ...extra }),
    )
    .map(([a, b]) => ({ ...b, ...a }));
const volumeClass = { efs: "csi-sfsturbo", obs: "csi-obs", sfs: "csi-nas", evs: "csi-disk" } as const;
const referParameters = fc
  .tuple(
    fc.option(oneOf("efs", "obs", "sfs", "evs"), { nil: undefined }),
    obj(
      {},
      {
        namespace: text,
        name: text,
        capacity: int,
        obsVolumeType: text,
        accessMode: oneOf("ReadWriteOnce", "ReadWriteMany"),
        availableZone: text,
        volumeType: text,
      },
    ),
    fc.boolean(),
  )
  .map(([type, rest, withClass]) =>
    type === undefined ? rest : { ...rest, type, ...(withClass ? { class: volumeClass[type as keyof typeof volumeClass] } : {}) },
  );
const externalAccess = obj({}, { protocol: oneOf("http", "https"), address: text, forwardPort: portNumber });
const hostAlias = obj({ ip: text, hostnames: list(text) });
const dnsConfig = obj({}, { nameservers: list(text), searches: list(text), options: list(obj({ name: text }, { value: text })) });
const securityContext = obj({}, { runAsUser: int, runAsGroup: int, capabilities: obj({}, { add: list(text), drop: list(text) }) });

/** Source: url+storage for package/image, the http fields for storage http. */
const sourceExtras = {
  version: text,
  auth: oneOf("iam", "none"),
  repoAuth: text,
  repoNamespace: text,
  repoRef: text,
  repoType: oneOf("GitHub", "BitBucket", "GitLab"),
  webUrl: text,
  repoUrl: text,
  commitId,
};
const httpFields = { httpUsername: text, httpPassword: text, httpCommand: text, httpHeaders: stringMap };
const source = (kinds: readonly string[]) =>
  fc.oneof(
    ...(kinds.includes("code") ? [obj({ kind: fc.constant("code") }, { ...sourceExtras, url: text, storage: oneOf("devcloud", "obs", "swr") })] : []),
    obj({ kind: oneOf(...kinds.filter((k) => k !== "code")), url: text, storage: oneOf("devcloud", "obs", "swr") }, { ...sourceExtras, ...httpFields }),
    obj({ kind: oneOf(...kinds.filter((k) => k !== "code")), url: text, storage: fc.constant("http"), ...httpFields }, sourceExtras),
  );

/** build.parameters: Table 31's keys plus the user's own (incl. names of Object.prototype members). */
const knownBuildKeys = new Set(["buildCmd", "dockerfilePath", "artifactNamespace", "clusterId", "nodeLabelSelector", "environmentId"]);
const knownBuildWireKeys = new Set(["build_cmd", "dockerfile_path", "artifact_namespace", "cluster_id", "node_label_selector", "environment_id"]);
const userBuildKey = fc
  .oneof(fc.constantFrom("MY_KEY", "some_key", "constructor", "toString"), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/))
  .filter((k) => !knownBuildKeys.has(k) && !knownBuildWireKeys.has(k) && k !== "__proto__");
const build = obj(
  {},
  {
    parameters: fc
      .tuple(
        fc.dictionary(userBuildKey, fc.oneof(text, int), { maxKeys: 3 }),
        obj({ clusterId: text }, { buildCmd: text, dockerfilePath: text, artifactNamespace: text, nodeLabelSelector: stringMap, environmentId: text }),
      )
      .map(([user, known]) => ({ ...user, ...known })),
  },
);

const runtimeStack = (containerTypes: readonly string[]) =>
  fc.oneof(
    obj({ name: text, version: text, deployMode: fc.constant("virtualmachine"), type: oneOf("Java", "Tomcat", "Nodejs") }),
    obj({ name: text, version: text, deployMode: fc.constant("container"), type: oneOf(...containerTypes) }),
  );

const containerFields = {
  limitCpu: quantity,
  limitMemory: quantity,
  requestCpu: quantity,
  requestMemory: quantity,
  envs: list(env),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  command,
  postStart: lifecycle,
  preStop: lifecycle,
  logs: list(log),
  storages: list(storage),
  securityContext,
};

const sharedComponentFields = {
  labels: list(label),
  description: fc.string({ maxLength: 128 }),
  build,
  ...containerFields,
  mesher: obj({ port: portNumber }),
  timezone: text,
  jvmOpts: text,
  tomcatOpts: obj({ serverXml: text }),
  dnsPolicy: oneOf("Default", "ClusterFirst", "ClusterFirstWithHostNet", "None"),
  dnsConfig,
  customMetric,
  externalAccesses: list(externalAccess),
  containerName: text,
  workloadContent: text,
  enableSermantInjection: fc.boolean(),
  enableSermantSpringRegister: fc.boolean(),
  enableSermantDubboRegister: fc.boolean(),
  enableSermantConfig: fc.boolean(),
  cellId: text,
  swimlaneId: text,
  sermantAgentInjectActionFlag: fc.boolean(),
  sysConfig: stringMap,
  imagePullSecrets: list(text),
  autoLtsConfig: obj({ enable: fc.boolean() }, { ltsLogPath: list(text) }),
  hostAliases: list(hostAlias),
};

// Job page --------------------------------------------------------------------

const jobReferResource = oneOf("vpc", "eip", "elb", "cce", "ecs", "as", "cse", "nacos", "dcs", "rds", "gaussdb", "dms_rocketmq", "css_es", "custom_k8s").chain(
  (type) =>
    type === "cce"
      ? obj({ id: text, type: fc.constant(type), parameters: referParameters })
      : obj({ id: text, type: fc.constant(type) }, { parameters: referParameters }),
);
const jobSpec: fc.Arbitrary<Spec> = obj(
  {
    name: componentName,
    runtimeStack: runtimeStack(["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"]),
    source: source(["code", "package", "image"]),
    version: componentVersion,
    replica: int,
  },
  {
    ...sharedComponentFields,
    workloadKind: fc.constant("job"),
    affinity: list(affinity({ topologyKey: text })),
    antiAffinity: list(affinity({ topologyKey: text })),
    referResources: list(jobReferResource, 3),
    deployStrategy: fc.oneof(
      obj({ type: fc.constant("OneBatchRelease") }),
      obj({ type: fc.constant("RollingRelease"), rollingRelease: obj({ batches: int }) }),
    ),
    multiContainers: list(obj({ containerName: text, source: source(["image"]) }, containerFields), 1),
    configs: list(obj({ configId: text, mountPath: text })),
    configMode: fc.constant("ui"),
    templateSource: obj(
      { storage: oneOf("devcloud", "obs", "http", "devcloud_repository"), url: text },
      { httpUsername: text, httpPassword: text, httpHeaders: list(obj({ key: text, value: text })) },
    ),
    inputValues: stringMap,
    taskSetting: obj({ parallelism: int, completionMode: oneOf("NonIndexed", "Indexed"), suspend: fc.boolean() }, { activeDeadlineSeconds: int }),
    vmappConfigMode: oneOf("system", "custom_system"),
    vmappConfig: obj({
      runAsUser: text,
      appHome: obj({ path: text, user: text, group: text, mode: text }),
      logHome: obj({ path: text, user: text, group: text, mode: text }),
    }),
  },
);

// Release page ----------------------------------------------------------------

const grayRule = obj({ type: fc.constant("HEADER"), key: text, value: text, condition: oneOf("EQUAL", "MATCH", "IN") });
const grayRelease = fc.oneof(
  obj({ type: fc.constant("WEIGHT"), firstBatchWeight: int, firstBatchReplica: int, remainingBatch: int }, { deploymentMode: oneOf(1, 3, 4) }),
  obj(
    {
      type: fc.constant("CONTENT"),
      replicaSurgeMode: oneOf("MIRROR", "EXTRA", "NOSURGE"),
      ruleMatchMode: oneOf("ALL", "ANY"),
      rules: fc.oneof(grayRule, list(grayRule, 3)),
    },
    { deploymentMode: oneOf(1, 3, 4), firstBatchWeight: int },
  ),
);
const releaseDeployStrategy = fc.oneof(
  obj({ type: fc.constant("OneBatchRelease") }),
  obj({ type: fc.constant("RollingRelease"), rollingRelease: obj({ batches: int }) }),
  obj({ type: fc.constant("GrayRelease"), grayRelease }),
);
/** Equal needs a value, Exists allows none; tolerationSeconds only with NoExecute. */
const toleration = fc
  .tuple(
    fc.oneof(obj({ operator: fc.constant("Equal"), value: text }), obj({ operator: fc.constant("Exists") }), obj({})),
    obj({}, { key: text, effect: oneOf("NoSchedule", "NoScheduler", "PreferNoSchedule", "NoExecute") }),
    fc.option(int, { nil: undefined }),
  )
  .map(([op, rest, seconds]) => ({ ...rest, ...op, ...(seconds !== undefined && rest.effect === "NoExecute" ? { tolerationSeconds: seconds } : {}) }));
/** progressDeadlineSeconds > minReadySeconds when both are given. */
const updateStrategy = fc
  .tuple(
    obj(
      {},
      {
        type: oneOf("RollingUpdate", "Recreate"),
        maxUnavailable: fc.oneof(
          int,
          fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`),
        ),
        maxSurge: fc.oneof(int, fc.constantFrom("0%", "25%", "100%")),
        terminationPeriodSeconds: int,
        revisionHistoryLimit: int,
      },
    ),
    fc.option(int, { nil: undefined }),
    fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  )
  .map(([rest, minReady, more]) => ({
    ...rest,
    ...(minReady !== undefined ? { minReadySeconds: minReady } : {}),
    ...(more !== undefined ? { progressDeadlineSeconds: (minReady ?? 0) + more } : {}),
  }));
const releaseReferResource = obj(
  { id: text, type: oneOf("vpc", "eip", "elb", "cce", "ecs", "dcs", "rds", "cse", "nacos", "customServer", "pvc", "gaussdb", "dms_rocketmq", "css_es") },
  { parameters: referParameters },
);
const releaseComponent = obj(
  {
    seq: int,
    componentId: text,
    name: componentName,
    runtimeStack: runtimeStack(["Java", "Tomcat", "Nodejs", "Php", "Docker"]),
    environmentId: text,
    source: source(["code", "package", "image"]),
    version: componentVersion,
    replica: int,
    referResources: list(releaseReferResource, 3),
  },
  {
    ...sharedComponentFields,
    workloadName: text,
    createMode: text,
    workloadKind: oneOf("deployment", "statefulset", "daemonset"),
    affinity: list(affinity({})),
    antiAffinity: list(affinity({})),
    deployStrategy: releaseDeployStrategy,
    tolerations: list(toleration, 3),
    updateStrategy,
    multiContainers: list(obj({ containerName: text, source: source(["image"]) }, { ...containerFields, configEncryption: obj({ keyId: text }) }), 1),
    serviceName: text,
    ports: list(obj({ name: text, port: digits(portNumber), targetPort: digits(portNumber) })),
    configs: list(obj({ configId: text, mountPath: text })),
    configEncryption: obj({ keyId: text }),
  },
).map((c) => {
  // "build is mandatory when the component is deployed in containers and no image is used"
  const needsBuild = (c.runtimeStack as Spec).deployMode === "container" && (c.source as Spec).kind !== "image" && c.build === undefined;
  const built = needsBuild ? { ...c, build: { parameters: { clusterId: "cce-build" } } } : c;
  // "max_unavailable and max_surge can be set only when workload_kind is deployment"
  if (built.workloadKind === undefined || built.workloadKind === "deployment" || built.updateStrategy === undefined) return built;
  const { maxSurge: _s, maxUnavailable: _u, ...strategy } = built.updateStrategy as Spec;
  return { ...built, updateStrategy: strategy };
});
const releaseSpec: fc.Arbitrary<Spec> = obj(
  { name: text, components: fc.array(releaseComponent, { minLength: 1, maxLength: 2 }) },
  { desc: text, failStrategy: oneOf("continue", "stop") },
);

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const bodies = [
  { page: "job", codec: JOB, spec: jobSpec, fixtures: [jobMaximal] },
  { page: "release", codec: RELEASE, spec: releaseSpec, fixtures: [releaseMaximal, releaseTwoComponents] },
];

const requiredKeys: Record<string, string[]> = {
  job: ["name", "runtimeStack", "source", "version", "replica"],
  release: [
    "name",
    "components",
    ...["seq", "componentId", "name", "runtimeStack", "environmentId", "source", "version", "replica", "referResources"].map((k) => `components[0].${k}`),
  ],
};

/** decodeSpec must answer, never throw; a rejection carries well-formed issues. */
const expectWellFormed = (codec: t.Type<unknown, unknown, unknown>, value: unknown) => {
  const r = decodeSpec(codec, value);
  expect(typeof r.ok).toBe("boolean");
  if (!r.ok)
    for (const issue of r.issues) {
      expect(typeof issue.path).toBe("string");
      expect(typeof issue.message).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
    }
  return r;
};

/** A valid spec (generated, or a fixture) and one of its nodes. */
const specAndNode = (spec: fc.Arbitrary<Spec>, fixtures: Array<() => Spec>) =>
  fc
    .oneof(
      spec,
      fc.constantFrom(...fixtures).map((f) => f()),
    )
    .chain((s) => {
      const paths = nodePaths(s);
      return fc.tuple(fc.constant(s), paths.length === 0 ? fc.constant<Segment[]>([]) : fc.constantFrom(...paths));
    });

describe.each(bodies)("$page body", ({ page, codec, spec, fixtures }) => {
  test("generated valid specs decode", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const r = decodeSpec(codec, s);
        expect(r.ok ? "ok" : r.issues).toBe("ok");
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("generated valid specs round-trip camel -> wire -> camel", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const issues: Issue[] = [];
        const wire = toWire(codec, s, issues);
        expect(issues).toEqual([]);
        expect(fromWire(codec, wire)).toEqual(s);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("anything at all: no exception, well-formed answer", () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        expectWellFormed(codec, junk);
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  test("a valid spec with one node replaced by anything: no exception, well-formed answer", () => {
    fc.assert(
      fc.property(specAndNode(spec, fixtures), fc.anything(), ([s, path], junk) => {
        expectWellFormed(codec, setAt(s, path, junk));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("a valid spec with one node deleted: no exception, well-formed answer, no index-like property names in paths", () => {
    fc.assert(
      fc.property(specAndNode(spec, fixtures), ([s, path]) => {
        const r = expectWellFormed(codec, deleteAt(s, path));
        // Intersection members once leaked into paths as ".0" / ".1" (e.g. "runtimeStack.0").
        if (!r.ok) for (const issue of r.issues) expect(issue.path).not.toMatch(/\.\d+(\.|\[|$)/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("deleting a required key is reported as 'is required' at that key", () => {
    fc.assert(
      fc.property(spec, fc.constantFrom(...requiredKeys[page]), (s, key) => {
        const r = decodeSpec(codec, deleteAt(s, key));
        expect(r.ok).toBe(false);
        expect(r.ok ? [] : r.issues).toContainEqual({ path: key, message: "is required" });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("the preview sentinel in place of any node of a valid spec yields no issue", () => {
    fc.assert(
      fc.property(specAndNode(spec, fixtures), ([s, path]) => {
        const r = decodeSpec(codec, setAt(s, path, UNKNOWN));
        expect({ path: formatPath(path), issues: r.ok ? [] : r.issues }).toEqual({ path: formatPath(path), issues: [] });
      }),
      { numRuns: NUM_RUNS * 2 },
    );
  });
});
