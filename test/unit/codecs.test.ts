/**
 * Accept/reject tables for the two request bodies, built from the API pages
 * (docs/api/redeploy-job-component.txt = "job page",
 *  docs/api/edit-release-plan.txt = "release page").
 *
 * Everything goes through `decodeSpec` with camelCase input, as the Pulumi check does.
 * A rejection must name the user's camelCase path and state the broken rule.
 */
import * as t from "io-ts";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { EditReleasePlanBody } from "../../provider/codecs/editReleasePlan";
import { runtimeStackTypes } from "../../provider/codecs/componentTables";
import { decodeSpec } from "../../provider/codecs/decode";
import type { ReleasePlanComponent } from "../../sdk";
import { UNKNOWN } from "../../provider/pulumiValues";
import {
  Spec,
  deleteAt,
  formatPath,
  getAt,
  jobMaximal,
  jobPageExample,
  jobPageExampleVerbatim,
  parsePath,
  releaseMaximal,
  releaseMaximalComponent,
  releaseMinimalComponent,
  releaseTwoComponents,
  setAt,
} from "../fixtures/specs";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

type Codec = t.Type<unknown, unknown, unknown>;
const JOB = RedeployJobComponentBody as unknown as Codec;
const RELEASE = EditReleasePlanBody as unknown as Codec;
type Page = "job" | "release";
const codecOf = (page: Page): Codec => (page === "job" ? JOB : RELEASE);

/** Release base: components[0] is a GrayRelease by WEIGHT, components[1] the maximal component (GrayRelease by CONTENT). */
const releaseBase = (): Spec => ({ ...releaseTwoComponents(), components: [(releaseTwoComponents().components as Spec[])[0], releaseMaximalComponent()] });
const baseOf = (page: Page): Spec => (page === "job" ? jobMaximal() : releaseBase());
/** Where the component fields sit on each page's base. */
const C = "components[1]";
const inComponent = (page: Page, rel: string): string => (page === "job" ? rel : rel === "" ? C : `${C}.${rel}`);

const issuesOf = (codec: Codec, spec: unknown) => {
  const r = decodeSpec(codec, spec);
  return r.ok ? [] : r.issues;
};

/** Valid: ok, and (on failure) jest prints the issues. */
const expectValid = (codec: Codec, spec: unknown): void => {
  const r = decodeSpec(codec, spec);
  expect(r.ok ? "ok" : r.issues).toBe("ok");
};

/** Invalid, with an issue at `path` whose message contains `rule`. */
const expectIssue = (codec: Codec, spec: unknown, path: string, rule: string): void => {
  const r = decodeSpec(codec, spec);
  expect(r.ok).toBe(false);
  expect(r.ok ? [] : r.issues).toContainEqual({ path, message: expect.stringContaining(rule) });
};

/** A copy with the key at `path` renamed to `newKey` (same value). */
const renameKey = (spec: Spec, path: string, newKey: string): Spec => {
  const segments = parsePath(path);
  return setAt(deleteAt(spec, segments), [...segments.slice(0, -1), newKey], getAt(spec, segments));
};

/** Apply several `path: value` edits to a base. */
const edit = (base: Spec, edits: Record<string, unknown>): Spec => Object.entries(edits).reduce((s, [p, v]) => setAt(s, p, v), base);

const oneOfMessage = (allowed: readonly (string | number)[]): string => `must be one of: ${allowed.join(", ")}`;

// ---------------------------------------------------------------------------
// Fixtures and the page's example
// ---------------------------------------------------------------------------

describe("fixtures are valid", () => {
  test.each([
    ["job page example (as printed, with activeDeadlineSeconds: null)", JOB, jobPageExampleVerbatim],
    ["job page example", JOB, jobPageExample],
    ["maximal job spec", JOB, jobMaximal],
    ["two-component release (GrayRelease WEIGHT + RollingRelease)", RELEASE, releaseTwoComponents],
    ["release with the maximal component", RELEASE, releaseMaximal],
    ["release base of these tests", RELEASE, releaseBase],
    ["release with a minimal component", RELEASE, () => ({ name: "r", components: [releaseMinimalComponent()] })],
  ])("%s", (_name, codec, fixture) => expectValid(codec, fixture()));

  test("null means absent: the page's example sends active_deadline_seconds: null", () => {
    const r = decodeSpec(JOB, jobPageExampleVerbatim());
    expect(r.ok && (r.value as { task_setting: object }).task_setting).toEqual({ parallelism: 1, completion_mode: "Indexed", suspend: false });
  });
});

// ---------------------------------------------------------------------------
// Component name, version, description
// ---------------------------------------------------------------------------

const NAME_RULE = "must be 2-64 characters of letters, digits, '-' and '_', starting with a letter and ending with a letter or digit";
const VERSION_RULE = "must match ^([0-9]+)(.[0-9]+){2,3}$";
const pages: Page[] = ["job", "release"];

describe("component name: 2-64 characters, letters/digits/-/_, starts with a letter, ends with a letter or digit", () => {
  const valid = ["ab", "Ab", "a1", "a-b_c1", "mycomponent", `x${"y".repeat(62)}z` /* 64 */, `a${"-".repeat(62)}9` /* 64 */];
  const invalid: Array<[string, unknown]> = [
    ["length 1", "a"],
    ["length 65", `a${"b".repeat(64)}`],
    ["empty", ""],
    ["starts with a digit", "1abc"],
    ["starts with -", "-abc"],
    ["starts with _", "_abc"],
    ["ends with -", "abc-"],
    ["ends with _", "abc_"],
    ["contains a space", "ab c"],
    ["contains a dot", "ab.c"],
    ["non-ASCII letter", "caf\u00e9"],
  ];
  test.each(pages.flatMap((page) => valid.map((name) => ({ page, name, len: name.length }))))("$page accepts $name (length $len)", ({ page, name }) =>
    expectValid(codecOf(page), setAt(baseOf(page), inComponent(page, "name"), name)),
  );
  test.each(pages.flatMap((page) => invalid.map(([why, name]) => ({ page, why, name }))))("$page rejects $why", ({ page, name }) =>
    expectIssue(codecOf(page), setAt(baseOf(page), inComponent(page, "name"), name), inComponent(page, "name"), NAME_RULE),
  );
  test.each(pages)("%s rejects a non-string name", (page) =>
    expectIssue(codecOf(page), setAt(baseOf(page), inComponent(page, "name"), 12), inComponent(page, "name"), "must be a string"),
  );
});

describe("component version: ^([0-9]+)(.[0-9]+){2,3}$, at most 32 characters", () => {
  const max = `${"1".repeat(26)}.0.0.0`; // 32 characters
  const valid = ["1.0.0", "1.0.0.0", "0.0.0", "2025.0323.15181", max];
  const invalid = ["1.0", "1", "1.0.0.0.0", "v1.0.0", "1.0.0-beta", "1..0.0", "", "1x2x3" /* the page's unescaped '.' read as a literal dot */];
  test.each(pages.flatMap((page) => valid.map((version) => ({ page, version }))))("$page accepts $version", ({ page, version }) =>
    expectValid(codecOf(page), setAt(baseOf(page), inComponent(page, "version"), version)),
  );
  test.each(pages.flatMap((page) => invalid.map((version) => ({ page, version }))))("$page rejects '$version'", ({ page, version }) =>
    expectIssue(codecOf(page), setAt(baseOf(page), inComponent(page, "version"), version), inComponent(page, "version"), VERSION_RULE),
  );
  test.each(pages)("%s rejects 33 characters that match the pattern", (page) => {
    const version = `1${max}`;
    expect(version).toHaveLength(33);
    expectIssue(codecOf(page), setAt(baseOf(page), inComponent(page, "version"), version), inComponent(page, "version"), "must be at most 32 characters");
  });
});

describe("description: at most 128 characters", () => {
  test.each(pages.flatMap((page) => [0, 1, 128].map((n) => ({ page, n }))))("$page accepts $n characters", ({ page, n }) =>
    expectValid(codecOf(page), setAt(baseOf(page), inComponent(page, "description"), "d".repeat(n))),
  );
  test.each(pages)("%s rejects 129 characters", (page) =>
    expectIssue(
      codecOf(page),
      setAt(baseOf(page), inComponent(page, "description"), "d".repeat(129)),
      inComponent(page, "description"),
      "must be at most 128 characters",
    ),
  );
});

// ---------------------------------------------------------------------------
// Enums: every enum of both pages
// ---------------------------------------------------------------------------

interface EnumCase {
  page: Page;
  path: string;
  valid: unknown;
  invalid: unknown;
  allowed: readonly (string | number)[];
}

/** The same table on both pages (component-relative path). */
const onBoth = (path: string, valid: unknown, invalid: unknown, allowed: readonly (string | number)[]): EnumCase[] =>
  pages.map((page) => ({ page, path: inComponent(page, path), valid, invalid, allowed }));
const onJob = (path: string, valid: unknown, invalid: unknown, allowed: readonly (string | number)[]): EnumCase => ({
  page: "job",
  path,
  valid,
  invalid,
  allowed,
});
const onRelease = (path: string, valid: unknown, invalid: unknown, allowed: readonly (string | number)[]): EnumCase => ({
  page: "release",
  path,
  valid,
  invalid,
  allowed,
});

const JOB_REFER_TYPES = ["vpc", "eip", "elb", "cce", "ecs", "as", "cse", "nacos", "dcs", "rds", "gaussdb", "dms_rocketmq", "css_es", "custom_k8s"];
const RELEASE_REFER_TYPES = ["vpc", "eip", "elb", "cce", "ecs", "dcs", "rds", "cse", "nacos", "customServer", "pvc", "gaussdb", "dms_rocketmq", "css_es"];

const enumCases: EnumCase[] = [
  // Shared tables
  ...onBoth("runtimeStack.deployMode", "virtualmachine", "kubernetes", ["container", "virtualmachine"]),
  onJob("runtimeStack.type", "Tomcat", "Go", runtimeStackTypes),
  // The release page lists Python in its type row but allows it in neither deploy mode.
  onRelease(`${C}.runtimeStack.type`, "Tomcat", "Python", ["Java", "Tomcat", "Nodejs", "Php", "Docker"]),
  ...onBoth("source.kind", "code", "git", ["code", "package", "image"]),
  ...onBoth("source.storage", "obs", "s3", ["devcloud", "obs", "http", "swr"]),
  ...onBoth("source.auth", "none", "token", ["iam", "none"]),
  ...onBoth("source.repoType", "BitBucket", "Gitee", ["GitHub", "BitBucket", "GitLab"]),
  ...onBoth("storages[2].type", "Secret", "NFS", ["HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim"]),
  ...onBoth("postStart.type", "http", "exec", ["http", "command"]),
  ...onBoth("preStop.scheme", "HTTPS", "FTP", ["HTTP", "HTTPS"]),
  ...onBoth("livenessProbe.type", "tcp", "grpc", ["http", "tcp", "command"]),
  ...onBoth("readinessProbe.scheme", "HTTPS", "https", ["HTTP", "HTTPS"]),
  ...onBoth("logs[0].hostExtendPath", "PodUID/ContainerName", "PodIP", ["None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"]),
  ...onBoth("dnsPolicy", "ClusterFirstWithHostNet", "ClusterFirstWithHost", ["Default", "ClusterFirst", "ClusterFirstWithHostNet", "None"]),
  ...onBoth("affinity[0].kind", "pod", "zone", ["node", "pod"]),
  ...onBoth("antiAffinity[0].condition", "preferred", "must", ["required", "preferred"]),
  ...onBoth("referResources[0].parameters.type", "evs", "nas", ["efs", "obs", "sfs", "evs"]),
  ...onBoth("referResources[0].parameters.class", "csi-disk", "csi-foo", ["csi-sfsturbo", "csi-obs", "csi-nas", "csi-disk"]),
  ...onBoth("referResources[0].parameters.accessMode", "ReadWriteMany", "ReadOnlyMany", ["ReadWriteOnce", "ReadWriteMany"]),
  ...onBoth("envs[1].valueFrom.referenceType", "configMapKey", "fieldRef", ["configMapKey", "secretKey"]),
  ...onBoth("externalAccesses[0].protocol", "https", "tcp", ["http", "https"]),
  ...onBoth("multiContainers[0].startupProbe.type", "http", "exec", ["http", "tcp", "command"]),
  // Job page only
  onJob("workloadKind", "job", "deployment", ["job"]),
  onJob("deployStrategy.type", "OneBatchRelease", "GrayRelease", ["OneBatchRelease", "RollingRelease"]),
  onJob("referResources[0].type", "custom_k8s", "customServer", JOB_REFER_TYPES),
  onJob("referResources[0].type", "as", "pvc", JOB_REFER_TYPES),
  onJob("taskSetting.completionMode", "Indexed", "Parallel", ["NonIndexed", "Indexed"]),
  onJob("vmappConfigMode", "system", "user", ["system", "custom_system"]),
  onJob("templateSource.storage", "devcloud_repository", "swr", ["devcloud", "obs", "http", "devcloud_repository"]),
  onJob("configMode", "ui", "yaml", ["ui"]),
  // Release page only
  onRelease("failStrategy", "continue", "retry", ["continue", "stop"]),
  onRelease(`${C}.workloadKind`, "deployment", "job", ["deployment", "statefulset", "daemonset"]),
  onRelease(`${C}.deployStrategy.type`, "GrayRelease", "BlueGreen", ["OneBatchRelease", "RollingRelease", "GrayRelease"]),
  onRelease("components[0].deployStrategy.grayRelease.type", "WEIGHT", "TRAFFIC", ["WEIGHT", "CONTENT"]),
  onRelease("components[0].deployStrategy.grayRelease.deploymentMode", 3, 2, [1, 3, 4]),
  onRelease(`${C}.deployStrategy.grayRelease.deploymentMode`, 1, "4", [1, 3, 4]),
  onRelease(`${C}.deployStrategy.grayRelease.replicaSurgeMode`, "NOSURGE", "BLUE", ["MIRROR", "EXTRA", "NOSURGE"]),
  onRelease(`${C}.deployStrategy.grayRelease.ruleMatchMode`, "ALL", "SOME", ["ALL", "ANY"]),
  onRelease(`${C}.deployStrategy.grayRelease.rules[0].type`, "HEADER", "COOKIE", ["HEADER"]),
  onRelease(`${C}.deployStrategy.grayRelease.rules[1].condition`, "MATCH", "LIKE", ["EQUAL", "MATCH", "IN"]),
  onRelease(`${C}.tolerations[0].operator`, "Equal", "In", ["Equal", "Exists"]),
  onRelease(`${C}.tolerations[1].effect`, "NoScheduler", "NoRun", ["NoSchedule", "NoScheduler", "PreferNoSchedule", "NoExecute"]),
  onRelease(`${C}.updateStrategy.type`, "Recreate", "BlueGreen", ["RollingUpdate", "Recreate"]),
  onRelease(`${C}.referResources[0].type`, "pvc", "custom_k8s", RELEASE_REFER_TYPES),
  onRelease(`${C}.referResources[0].type`, "customServer", "as", RELEASE_REFER_TYPES),
];

describe("enums: one valid value accepted, one invalid rejected with the allowed list", () => {
  test.each(enumCases)("$page $path accepts $valid", ({ page, path, valid }) => expectValid(codecOf(page), setAt(baseOf(page), path, valid)));
  test.each(enumCases)("$page $path rejects $invalid", ({ page, path, invalid, allowed }) =>
    expectIssue(codecOf(page), setAt(baseOf(page), path, invalid), path, oneOfMessage(allowed)),
  );
  test.each([
    ["statefulset", "components[1].workloadKind"],
    ["daemonset", "components[1].workloadKind"],
  ])("release accepts workloadKind %s", (kind, path) => expectValid(RELEASE, setAt(releaseTwoComponents(), path, kind)));
  test.each(["NoSchedule", "PreferNoSchedule", "NoScheduler"])("release toleration effect %s (page spells NoScheduler; Kubernetes NoSchedule)", (effect) =>
    expectValid(RELEASE, setAt(releaseBase(), `${C}.tolerations[0].effect`, effect)),
  );
});

// ---------------------------------------------------------------------------
// runtime_stack.type per deploy_mode
// ---------------------------------------------------------------------------

describe("runtimeStack.type allowed per deployMode", () => {
  const ALL = ["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"];
  const allowed: Record<Page, Record<string, string[]>> = {
    job: { virtualmachine: ["Java", "Tomcat", "Nodejs"], container: ALL },
    release: { virtualmachine: ["Java", "Tomcat", "Nodejs"], container: ["Java", "Tomcat", "Nodejs", "Php", "Docker"] },
  };
  const cases = pages.flatMap((page) =>
    (["virtualmachine", "container"] as const).flatMap((mode) => ALL.map((type) => ({ page, mode, type, ok: allowed[page][mode].includes(type) }))),
  );
  test.each(cases.filter((c) => c.ok))("$page accepts $type with $mode", ({ page, mode, type }) =>
    expectValid(codecOf(page), edit(baseOf(page), { [inComponent(page, "runtimeStack.deployMode")]: mode, [inComponent(page, "runtimeStack.type")]: type })),
  );
  test.each(cases.filter((c) => !c.ok))("$page rejects $type with $mode", ({ page, mode, type }) =>
    expectIssue(
      codecOf(page),
      edit(baseOf(page), { [inComponent(page, "runtimeStack.deployMode")]: mode, [inComponent(page, "runtimeStack.type")]: type }),
      inComponent(page, "runtimeStack.type"),
      // The release page allows Python in neither mode, so its type does not offer it at all.
      page === "release" && type === "Python"
        ? "must be one of: Java, Tomcat, Nodejs, Php, Docker"
        : `must be one of ${allowed[page][mode].join(", ")} when deployMode is ${mode}`,
    ),
  );
});

// ---------------------------------------------------------------------------
// Conditional rules
// ---------------------------------------------------------------------------

interface RuleCase {
  name: string;
  page: Page;
  spec: Spec;
  path: string;
  rule: string;
}
interface OkCase {
  name: string;
  page: Page;
  spec: Spec;
}

const http = (page: Page) => inComponent(page, "source");
const ruleCases: RuleCase[] = [
  // source (Tables 29 / 32)
  ...pages.flatMap((page) =>
    (["package", "image"] as const).flatMap((kind) =>
      (["url", "storage"] as const).map((field) => ({
        name: `source.${field} when kind is ${kind}`,
        page,
        spec: setAt(baseOf(page), http(page), { kind }),
        path: `${http(page)}.${field}`,
        rule: "is required when kind is package or image",
      })),
    ),
  ),
  ...pages.flatMap((page) =>
    (["httpUsername", "httpPassword", "httpCommand", "httpHeaders"] as const).map((field) => ({
      name: `source.${field} when storage is http`,
      page,
      spec: setAt(baseOf(page), http(page), { kind: "package", url: "https://x.example.com/a.jar", storage: "http" }),
      path: `${http(page)}.${field}`,
      rule: "is required when storage is http",
    })),
  ),
  // deploy_strategy
  ...pages.map((page) => ({
    name: "rollingRelease when type is RollingRelease",
    page,
    spec: setAt(baseOf(page), inComponent(page, "deployStrategy"), { type: "RollingRelease" }),
    path: inComponent(page, "deployStrategy.rollingRelease"),
    rule: "is required when type is RollingRelease",
  })),
  {
    name: "grayRelease when type is GrayRelease",
    page: "release",
    spec: setAt(releaseBase(), `${C}.deployStrategy`, { type: "GrayRelease" }),
    path: `${C}.deployStrategy.grayRelease`,
    rule: "is required when type is GrayRelease",
  },
  ...["firstBatchWeight", "firstBatchReplica", "remainingBatch"].map((field) => ({
    name: `grayRelease.${field} when type is WEIGHT`,
    page: "release" as const,
    spec: deleteAt(releaseBase(), `components[0].deployStrategy.grayRelease.${field}`),
    path: `components[0].deployStrategy.grayRelease.${field}`,
    rule: "is required when type is WEIGHT",
  })),
  ...["replicaSurgeMode", "ruleMatchMode", "rules"].map((field) => ({
    name: `grayRelease.${field} when type is CONTENT`,
    page: "release" as const,
    spec: deleteAt(releaseBase(), `${C}.deployStrategy.grayRelease.${field}`),
    path: `${C}.deployStrategy.grayRelease.${field}`,
    rule: "is required when type is CONTENT",
  })),
  // build (Table 4): mandatory for containers deployed from code or a package
  {
    name: "build for a container deployed from a package",
    page: "release",
    spec: edit(releaseBase(), {
      [`${C}.build`]: undefined,
      [`${C}.runtimeStack.deployMode`]: "container",
      [`${C}.source`]: { kind: "package", url: "obs://b/app.jar", storage: "obs" },
    }),
    path: `${C}.build`,
    rule: "is required when the component is deployed in containers",
  },
  // tolerations (Table 36)
  {
    name: "toleration value when operator is Equal",
    page: "release",
    spec: deleteAt(releaseBase(), `${C}.tolerations[0].value`),
    path: `${C}.tolerations[0].value`,
    rule: "is required when operator is Equal",
  },
  {
    name: "no toleration value with Exists",
    page: "release",
    spec: setAt(releaseBase(), `${C}.tolerations[1].value`, "x"),
    path: `${C}.tolerations[1].value`,
    rule: "must not be set when operator is Exists",
  },
  ...[{ effect: "NoSchedule" }, {}].map((effect) => ({
    name: `tolerationSeconds with effect ${JSON.stringify(effect)}`,
    page: "release" as const,
    spec: setAt(releaseBase(), `${C}.tolerations[1]`, { key: "k", operator: "Exists", ...effect, tolerationSeconds: 60 }),
    path: `${C}.tolerations[1].tolerationSeconds`,
    rule: "can be set only when effect is NoExecute",
  })),
  // update_strategy (Table 39)
  {
    name: "progressDeadlineSeconds > minReadySeconds",
    page: "release",
    spec: edit(releaseBase(), { [`${C}.updateStrategy.minReadySeconds`]: 600, [`${C}.updateStrategy.progressDeadlineSeconds`]: 600 }),
    path: `${C}.updateStrategy.progressDeadlineSeconds`,
    rule: "must be greater than minReadySeconds",
  },
  ...["statefulset", "daemonset"].flatMap((kind) =>
    ["maxUnavailable", "maxSurge"].map((field) => ({
      name: `${field} only for deployments (${kind})`,
      page: "release" as const,
      spec: setAt(releaseBase(), `${C}.workloadKind`, kind),
      path: `${C}.updateStrategy.${field}`,
      rule: "can be set only when workloadKind is deployment",
    })),
  ),
  // refer_resources (Tables 24 / 25, 27 / 28)
  {
    name: "job: parameters when type is cce",
    page: "job",
    spec: deleteAt(jobMaximal(), "referResources[0].parameters"),
    path: "referResources[0].parameters",
    rule: "is required when type is cce",
  },
  ...(
    [
      ["efs", "csi-obs", "csi-sfsturbo"],
      ["obs", "csi-disk", "csi-obs"],
      ["sfs", "csi-sfsturbo", "csi-nas"],
      ["evs", "csi-nas", "csi-disk"],
    ] as const
  ).flatMap(([type, wrongClass, fixedClass]) =>
    pages.map((page) => ({
      name: `volume class fixed by type ${type}`,
      page,
      spec: edit(baseOf(page), {
        [inComponent(page, "referResources[0].parameters.type")]: type,
        [inComponent(page, "referResources[0].parameters.class")]: wrongClass,
      }),
      path: inComponent(page, "referResources[0].parameters.class"),
      rule: `must be ${fixedClass} when type is ${type}`,
    })),
  ),
  // storages (Tables 5-7 / 6-8)
  ...pages.flatMap((page) => [
    {
      name: "storage path for HostPath",
      page,
      spec: deleteAt(baseOf(page), inComponent(page, "storages[0].parameters.path")),
      path: inComponent(page, "storages[0].parameters.path"),
      rule: "is required when type is HostPath",
    },
    ...[2, 3, 4].map((i) => ({
      name: `storage name for storages[${i}]`,
      page,
      spec: deleteAt(baseOf(page), inComponent(page, `storages[${i}].parameters.name`)),
      path: inComponent(page, `storages[${i}].parameters.name`),
      rule: `is required when type is ${["ConfigMap", "Secret", "PersistentVolumeClaim"][i - 2]}`,
    })),
  ]),
  // build.parameters (Tables 31 / 34)
  ...pages.map((page) => ({
    name: "build.parameters.clusterId",
    page,
    spec: deleteAt(baseOf(page), inComponent(page, "build.parameters.clusterId")),
    path: inComponent(page, "build.parameters.clusterId"),
    rule: "is required when parameters are given",
  })),
  // multi_containers: only images (Tables 34 / 37)
  ...pages.flatMap((page) =>
    ["package", "code"].map((kind) => ({
      name: `multiContainers source kind ${kind}`,
      page,
      spec: setAt(baseOf(page), inComponent(page, "multiContainers[0].source"), { kind, url: "obs://b/a.jar", storage: "obs" }),
      path: inComponent(page, "multiContainers[0].source.kind"),
      rule: "must be image: multi-container components support only images",
    })),
  ),
];

const okCases: OkCase[] = [
  {
    name: "no build for a container deployed from an image",
    page: "release",
    spec: edit(releaseBase(), {
      [`${C}.build`]: undefined,
      [`${C}.runtimeStack.deployMode`]: "container",
      [`${C}.source`]: { kind: "image", url: "swr.example.com/a:1", storage: "swr" },
    }),
  },
  {
    name: "no build for a VM deployed from a package",
    page: "release",
    spec: edit(releaseBase(), {
      [`${C}.build`]: undefined,
      [`${C}.runtimeStack`]: { name: "OpenJDK8", version: "1", type: "Java", deployMode: "virtualmachine" },
      [`${C}.source`]: { kind: "package", url: "obs://b/app.jar", storage: "obs" },
    }),
  },
  ...pages.map((page) => ({ name: "source kind code needs no url/storage", page, spec: setAt(baseOf(page), http(page), { kind: "code" }) })),
  ...pages.map((page) => ({
    name: "source storage obs needs no http fields",
    page,
    spec: setAt(baseOf(page), http(page), { kind: "image", url: "swr.example.com/a:1", storage: "swr" }),
  })),
  ...pages.map((page) => ({
    name: "source with storage http and every http field",
    page,
    spec: setAt(baseOf(page), http(page), {
      kind: "package",
      url: "u",
      storage: "http",
      httpUsername: "u",
      httpPassword: "p",
      httpCommand: "c",
      httpHeaders: {},
    }),
  })),
  ...pages.map((page) => ({
    name: "RollingRelease with rollingRelease",
    page,
    spec: setAt(baseOf(page), inComponent(page, "deployStrategy"), { type: "RollingRelease", rollingRelease: { batches: 2 } }),
  })),
  {
    name: "gray rules as a single object (the page types rules as Object)",
    page: "release",
    spec: setAt(releaseBase(), `${C}.deployStrategy.grayRelease.rules`, { type: "HEADER", key: "k", value: "v", condition: "MATCH" }),
  },
  { name: "WEIGHT without the CONTENT fields", page: "release", spec: releaseTwoComponents() },
  { name: "CONTENT without the WEIGHT fields", page: "release", spec: releaseMaximal() },
  { name: "toleration Equal with an empty value", page: "release", spec: setAt(releaseBase(), `${C}.tolerations[0].value`, "") },
  { name: "toleration Exists without key (tolerates everything)", page: "release", spec: setAt(releaseBase(), `${C}.tolerations[1]`, { operator: "Exists" }) },
  {
    name: "tolerationSeconds with NoExecute",
    page: "release",
    spec: setAt(releaseBase(), `${C}.tolerations[0]`, { key: "k", operator: "Equal", value: "v", effect: "NoExecute", tolerationSeconds: 0 }),
  },
  { name: "maxSurge with workloadKind absent", page: "release", spec: deleteAt(releaseBase(), `${C}.workloadKind`) },
  {
    name: "statefulset update strategy without maxSurge/maxUnavailable",
    page: "release",
    spec: edit(releaseBase(), { [`${C}.workloadKind`]: "statefulset", [`${C}.updateStrategy`]: { type: "RollingUpdate", minReadySeconds: 0 } }),
  },
  { name: "release: cce without parameters", page: "release", spec: deleteAt(releaseBase(), `${C}.referResources[0].parameters`) },
  { name: "release: empty referResources list", page: "release", spec: setAt(releaseBase(), `${C}.referResources`, []) },
  ...(
    [
      ["efs", "csi-sfsturbo"],
      ["obs", "csi-obs"],
      ["sfs", "csi-nas"],
      ["evs", "csi-disk"],
    ] as const
  ).flatMap(([type, cls]) =>
    pages.map((page) => ({
      name: `volume type ${type} with class ${cls}`,
      page,
      spec: edit(baseOf(page), {
        [inComponent(page, "referResources[0].parameters.type")]: type,
        [inComponent(page, "referResources[0].parameters.class")]: cls,
      }),
    })),
  ),
  ...pages.map((page) => ({
    name: "build.parameters with only clusterId",
    page,
    spec: setAt(baseOf(page), inComponent(page, "build"), { parameters: { clusterId: "c" } }),
  })),
  ...pages.map((page) => ({ name: "build without parameters", page, spec: setAt(baseOf(page), inComponent(page, "build"), {}) })),
  ...pages.map((page) => ({ name: "EmptyDir without parameters", page, spec: setAt(baseOf(page), inComponent(page, "storages[1].parameters"), {}) })),
];

describe("conditional rules", () => {
  test.each(ruleCases)("$page rejects: $name", ({ page, spec, path, rule }) => expectIssue(codecOf(page), spec, path, rule));
  test.each(okCases)("$page accepts: $name", ({ page, spec }) => expectValid(codecOf(page), spec));
});

describe("affinity weight: 100 when required, 1-100 when preferred, as a number or a digit string", () => {
  const at = (page: Page, condition: string, weight: unknown): Spec =>
    edit(baseOf(page), { [inComponent(page, "affinity[0].condition")]: condition, [inComponent(page, "affinity[0].weight")]: weight });
  const path = (page: Page) => inComponent(page, "affinity[0].weight");
  const ok: Array<[string, unknown]> = [
    ["required", 100],
    ["required", "100"],
    ["preferred", 1],
    ["preferred", "1"],
    ["preferred", 100],
    ["preferred", "100"],
    ["preferred", 37],
  ];
  const bad: Array<[string, unknown, string]> = [
    ["required", 50, "must be 100 when condition is required"],
    ["required", "1", "must be 100 when condition is required"],
    ["preferred", 0, "must be an integer from 1 to 100"],
    ["preferred", "0", "must be an integer from 1 to 100"],
    ["preferred", 101, "must be an integer from 1 to 100"],
    ["preferred", "101", "must be an integer from 1 to 100"],
    ["preferred", 1.5, "must be an integer or a string of digits"],
    ["preferred", "-5", "must be an integer or a string of digits"],
    ["preferred", "high", "must be an integer or a string of digits"],
  ];
  test.each(pages.flatMap((page) => ok.map(([condition, weight]) => ({ page, condition, weight }))))(
    "$page accepts $condition weight $weight",
    ({ page, condition, weight }) => expectValid(codecOf(page), at(page, condition, weight)),
  );
  test.each(pages.flatMap((page) => bad.map(([condition, weight, rule]) => ({ page, condition, weight, rule }))))(
    "$page rejects $condition weight $weight",
    ({ page, condition, weight, rule }) => expectIssue(codecOf(page), at(page, condition, weight), path(page), rule),
  );
  test("the wire gets the String the page asks for", () => {
    const r = decodeSpec(JOB, jobMaximal());
    expect(r.ok && getAt(r.value, "affinity[0].weight")).toBe("100");
  });
});

describe("source.commitId: 8-40 characters starting with a lowercase letter or digit", () => {
  const ok = ["abcdef12", "0bcdef12", `a${"F".repeat(39)}`, "1234567890abcdef1234567890abcdef12345678", "a-b_c.d/"];
  const bad = ["abcdef1" /* 7 */, `a${"0".repeat(40)}` /* 41 */, "Abcdef12", "-bcdef12", "_bcdef12", ""];
  test.each(pages.flatMap((page) => ok.map((id) => ({ page, id }))))("$page accepts $id", ({ page, id }) =>
    expectValid(codecOf(page), setAt(baseOf(page), inComponent(page, "source.commitId"), id)),
  );
  test.each(pages.flatMap((page) => bad.map((id) => ({ page, id }))))("$page rejects '$id'", ({ page, id }) =>
    expectIssue(
      codecOf(page),
      setAt(baseOf(page), inComponent(page, "source.commitId"), id),
      inComponent(page, "source.commitId"),
      "must be 8-40 characters starting with a lowercase letter or digit",
    ),
  );
});

describe("updateStrategy.maxUnavailable / maxSurge: integer or percentage string", () => {
  const fields = ["maxUnavailable", "maxSurge"];
  const ok = [0, 1, 10, "0%", "25%", "100%"];
  const bad = [-1, 1.5, "25", "101%", "25.5%", "%", "abc", true];
  test.each(fields.flatMap((field) => ok.map((value) => ({ field, value }))))("$field accepts $value", ({ field, value }) =>
    expectValid(RELEASE, setAt(releaseBase(), `${C}.updateStrategy.${field}`, value)),
  );
  test.each(fields.flatMap((field) => bad.map((value) => ({ field, value }))))("$field rejects $value", ({ field, value }) =>
    expectIssue(
      RELEASE,
      setAt(releaseBase(), `${C}.updateStrategy.${field}`, value),
      `${C}.updateStrategy.${field}`,
      "must be a non-negative integer or a percentage string",
    ),
  );
});

describe("StatefulSet ports: numbers or digit strings, 1-65535; the container port may be named", () => {
  test.each([1, "1", 65535, "8080"])("accepts %p", (port) => expectValid(RELEASE, setAt(releaseBase(), `${C}.ports[0].port`, port)));
  test.each([0, "0", 65536, "70000"])("rejects %p", (port) =>
    expectIssue(RELEASE, setAt(releaseBase(), `${C}.ports[0].targetPort`, port), `${C}.ports[0].targetPort`, "must be a port from 1 to 65535"),
  );
  test("rejects a name for the service port", () =>
    expectIssue(RELEASE, setAt(releaseBase(), `${C}.ports[0].port`, "http"), `${C}.ports[0].port`, "must be an integer or a string of digits"));
  test.each(["http", "metrics", "grpc-web", "h2c", "a1234567890bcde"])("accepts the named container port %p", (name) =>
    expectValid(RELEASE, setAt(releaseBase(), `${C}.ports[0].targetPort`, name)),
  );
  test.each(["HTTP", "-http", "http-", "my--port", "1234567890abcdef", "web_port", ""])("rejects the container port name %p", (name) =>
    expectIssue(
      RELEASE,
      setAt(releaseBase(), `${C}.ports[0].targetPort`, name),
      `${C}.ports[0].targetPort`,
      "or a port name (up to 15 lowercase letters, digits and hyphens, with a letter)",
    ),
  );
  test("a number is sent as the string the page asks for", () => {
    const decoded = decodeSpec(EditReleasePlanBody, setAt(releaseBase(), `${C}.ports[0].targetPort`, 8080));
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.issues));
    expect((EditReleasePlanBody.encode(decoded.value).components[1].ports ?? [])[0]).toMatchObject({ target_port: "8080" });
  });
});

describe("affinity topologyKey: on the job page, not on the release page", () => {
  test("the job page takes it", () => expectValid(JOB, setAt(jobMaximal(), "affinity[0].topologyKey", "kubernetes.io/hostname")));
  test("the release page refuses it, saying why", () =>
    expectIssue(
      RELEASE,
      setAt(releaseBase(), `${C}.affinity[0].topologyKey`, "kubernetes.io/hostname"),
      `${C}.affinity[0].topologyKey`,
      "its Table 24 has no topology_key, unlike the job page's Table 21",
    ));
});

describe("scalar types", () => {
  test.each([
    ["job", "replica", "1", "must be an integer"],
    ["job", "replica", 1.5, "must be an integer"],
    ["job", "replica", -1, "must be an integer >= 0"],
    ["job", "limitCpu", "2", "must be a number"],
    ["job", "taskSetting.suspend", "false", "must be a boolean"],
    ["job", "labels", { key: "a", value: "b" }, "must be a list"],
    ["job", "sysConfig", { a: 1 }, "must be a string"],
    ["job", "mesher.port", 0, "must be an integer from 1 to 65535"],
    ["job", "source", "obs://b/a.jar", "must be an object"],
    ["release", "components", {}, "must be a list"],
    ["release", `${C}.seq`, "1", "must be an integer"],
    ["release", "name", 5, "must be a string"],
  ] as Array<[Page, string, unknown, string]>)("%s %s = %p: %s", (page, path, value, rule) => {
    const issuePath = path === "sysConfig" ? "sysConfig.a" : path;
    expectIssue(codecOf(page), setAt(baseOf(page), path, value), issuePath, rule);
  });
});

// ---------------------------------------------------------------------------
// Required fields
// ---------------------------------------------------------------------------

const requiredJob = [
  "name",
  "runtimeStack",
  "source",
  "version",
  "replica",
  "runtimeStack.name",
  "runtimeStack.type",
  "runtimeStack.version",
  "runtimeStack.deployMode",
  "source.kind",
  "labels[0].key",
  "labels[0].value",
  "storages[0].type",
  "storages[0].name",
  "storages[0].parameters",
  "storages[0].mounts",
  "storages[0].mounts[0].path",
  "storages[0].mounts[0].subPath",
  "storages[0].mounts[0].readOnly",
  "deployStrategy.type",
  "postStart.type",
  "mesher.port",
  "tomcatOpts.serverXml",
  "hostAliases[0].ip",
  "hostAliases[0].hostnames",
  "dnsConfig.options[0].name",
  "logs[0].logPath",
  "logs[0].rotate",
  "logs[0].hostPath",
  "logs[0].hostExtendPath",
  "customMetric.path",
  "customMetric.port",
  "customMetric.dimensions",
  "affinity[0].matchExpressions[0].key",
  "affinity[0].matchExpressions[0].operation",
  "affinity[0].matchExpressions[0].value",
  "livenessProbe.type",
  "livenessProbe.delay",
  "livenessProbe.timeout",
  "referResources[0].id",
  "referResources[0].type",
  "envs[0].name",
  "envs[1].valueFrom.referenceType",
  "envs[1].valueFrom.name",
  "multiContainers[0].containerName",
  "multiContainers[0].source",
  "multiContainers[0].logs[0].hostExtendPath",
  "configs[0].configId",
  "configs[0].mountPath",
  "templateSource.storage",
  "templateSource.url",
  "templateSource.httpHeaders[0].key",
  "templateSource.httpHeaders[0].value",
  "autoLtsConfig.enable",
  "taskSetting.parallelism",
  "taskSetting.completionMode",
  "taskSetting.suspend",
  "vmappConfig.runAsUser",
  "vmappConfig.appHome",
  "vmappConfig.logHome",
  "vmappConfig.appHome.path",
  "vmappConfig.logHome.user",
  "vmappConfig.logHome.group",
  "vmappConfig.logHome.mode",
];
const requiredRelease = [
  "name",
  "components",
  ...[
    "seq",
    "componentId",
    "name",
    "runtimeStack",
    "environmentId",
    "source",
    "version",
    "replica",
    "referResources",
    "configs[0].configId", // wire: conifg_id
    "configs[0].mountPath",
    "hostAliases[0].hostnames", // wire: hostname
    "ports[0].name",
    "ports[0].port",
    "ports[0].targetPort",
    "deployStrategy.grayRelease.type",
    "deployStrategy.grayRelease.rules[0].type",
    "deployStrategy.grayRelease.rules[0].key",
    "deployStrategy.grayRelease.rules[0].value",
    "deployStrategy.grayRelease.rules[0].condition",
    "configEncryption.keyId",
    "multiContainers[0].configEncryption.keyId",
    "affinity[0].matchExpressions[0].operation",
    "storages[4].mounts[0].readOnly",
  ].map((p) => `${C}.${p}`),
];

describe("required fields: missing -> 'is required'", () => {
  test.each(requiredJob)("job %s", (path) => expectIssue(JOB, deleteAt(jobMaximal(), path), path, "is required"));
  test.each(requiredRelease)("release %s", (path) => expectIssue(RELEASE, deleteAt(releaseBase(), path), path, "is required"));
  test("release rollingRelease.batches", () => {
    const path = "components[1].deployStrategy.rollingRelease.batches";
    expectIssue(RELEASE, deleteAt(releaseTwoComponents(), path), path, "is required");
  });
  test("the message is exactly 'is required'", () =>
    expect(issuesOf(JOB, deleteAt(jobPageExample(), "replica"))).toEqual([{ path: "replica", message: "is required" }]));
  test("an empty spec lists each required field once", () =>
    expect(issuesOf(JOB, {})).toEqual(["name", "runtimeStack", "source", "version", "replica"].map((path) => ({ path, message: "is required" }))));
});

// ---------------------------------------------------------------------------
// Unknown properties
// ---------------------------------------------------------------------------

describe("unknown properties", () => {
  const renamed: Array<[Page, string, string, string]> = [
    // page, path of the existing key, key written instead, suggestion
    ["job", "runtimeStack", "runtime_stack", "runtimeStack"],
    ["job", "runtimeStack", "RuntimeStack", "runtimeStack"],
    ["job", "source.commitId", "commit_id", "commitId"],
    ["job", "taskSetting.completionMode", "completion_mode", "completionMode"],
    ["job", "sermantAgentInjectActionFlag", "sermant_agent_inject_action_flag", "sermantAgentInjectActionFlag"],
    ["job", "referResources[0].parameters.availableZone", "available_zone", "availableZone"],
    ["job", "hostAliases[0].hostnames", "hostname", "hostnames"],
    ["job", "configs[0].configId", "config_id", "configId"],
    ["job", "multiContainers[0].source.url", "URL", "url"],
    ["release", "failStrategy", "fail_strategy", "failStrategy"],
    ["release", `${C}.environmentId`, "environment_id", "environmentId"],
    ["release", `${C}.configs[0].configId`, "conifg_id", "configId"],
    ["release", `${C}.hostAliases[0].hostnames`, "hostname", "hostnames"],
    ["release", `${C}.deployStrategy.grayRelease.ruleMatchMode`, "rule_match_mode", "ruleMatchMode"],
    ["release", `${C}.tolerations[2].tolerationSeconds`, "toleration_seconds", "tolerationSeconds"],
  ];
  test.each(renamed)("%s: %s written as %s -> did you mean '%s'?", (page, path, written, suggestion) => {
    const issuePath = formatPath([...parsePath(path).slice(0, -1), written]);
    expectIssue(codecOf(page), renameKey(baseOf(page), path, written), issuePath, `is not a known property; did you mean '${suggestion}'?`);
  });

  test.each([
    ["job", "tolerations", [] as unknown, "tolerations", "known here: name, runtimeStack"],
    ["job", "configs[0].conifgId", "x", "configs[0].conifgId", "known here: configId, mountPath"],
    ["release", `${C}.taskSetting`, {}, `${C}.taskSetting`, "known here: seq, componentId"],
    ["release", `${C}.source.httpHeader`, {}, `${C}.source.httpHeader`, "is not a known property"],
  ] as Array<[Page, string, unknown, string, string]>)("%s: %s is not a known property", (page, path, value, issuePath, rule) => {
    expectIssue(codecOf(page), setAt(baseOf(page), path, value), issuePath, "is not a known property");
    expectIssue(codecOf(page), setAt(baseOf(page), path, value), issuePath, rule);
  });

  test.each(pages)("%s: user keys of build.parameters are not unknown properties", (page) =>
    expectValid(
      codecOf(page),
      edit(baseOf(page), { [inComponent(page, "build.parameters.my_key")]: "v", [inComponent(page, "build.parameters.Other-Key")]: 3 }),
    ),
  );
});

// ---------------------------------------------------------------------------
// Preview: the unknown sentinel never yields an issue
// ---------------------------------------------------------------------------

describe("unknown sentinel at any depth yields no issues", () => {
  const job = (edits: Record<string, unknown>) => edit(jobMaximal(), edits);
  const rel = (edits: Record<string, unknown>) => edit(releaseBase(), edits);
  const cases: Array<[string, Codec, unknown]> = [
    ["job: the whole spec", JOB, UNKNOWN],
    ["release: the whole spec", RELEASE, UNKNOWN],
    ...[
      "name",
      "runtimeStack",
      "source",
      "version",
      "replica",
      "labels",
      "envs",
      "storages",
      "deployStrategy",
      "build",
      "sysConfig",
      "taskSetting",
      "affinity",
      "multiContainers",
      "templateSource",
      "vmappConfig",
    ].map((p): [string, Codec, unknown] => [`job: ${p}`, JOB, job({ [p]: UNKNOWN })]),
    ["job: runtimeStack.type (VM)", JOB, job({ "runtimeStack.deployMode": "virtualmachine", "runtimeStack.type": UNKNOWN })],
    ["job: runtimeStack.deployMode with type Python", JOB, job({ "runtimeStack.deployMode": UNKNOWN, "runtimeStack.type": "Python" })],
    ["job: source.kind with url and storage missing", JOB, job({ source: { kind: UNKNOWN } })],
    ["job: source.storage with http fields missing", JOB, job({ source: { kind: "package", url: "u", storage: UNKNOWN } })],
    ["job: source.commitId", JOB, job({ "source.commitId": UNKNOWN })],
    ["job: labels[0]", JOB, job({ "labels[0]": UNKNOWN })],
    ["job: labels[1].value", JOB, job({ "labels[1].value": UNKNOWN })],
    ["job: envs[1].valueFrom", JOB, job({ "envs[1].valueFrom": UNKNOWN })],
    ["job: envs[1].valueFrom.referenceType", JOB, job({ "envs[1].valueFrom.referenceType": UNKNOWN })],
    ["job: storages[0].type with path missing", JOB, job({ "storages[0].type": UNKNOWN, "storages[0].parameters": {} })],
    ["job: storages[0].parameters of a HostPath", JOB, job({ "storages[0].parameters": UNKNOWN })],
    ["job: storages[0].mounts[0].readOnly", JOB, job({ "storages[0].mounts[0].readOnly": UNKNOWN })],
    ["job: deployStrategy.type", JOB, job({ deployStrategy: { type: UNKNOWN } })],
    ["job: deployStrategy.rollingRelease of a RollingRelease", JOB, job({ deployStrategy: { type: "RollingRelease", rollingRelease: UNKNOWN } })],
    ["job: affinity[0].weight of a required affinity", JOB, job({ "affinity[0].weight": UNKNOWN })],
    ["job: affinity[0].condition with weight 50", JOB, job({ "affinity[0].condition": UNKNOWN, "affinity[0].weight": 50 })],
    ["job: referResources[0].parameters of a cce", JOB, job({ "referResources[0].parameters": UNKNOWN })],
    ["job: referResources[0].type without parameters", JOB, job({ "referResources[0].type": UNKNOWN, "referResources[0].parameters": undefined })],
    [
      "job: volume type with a class of another type",
      JOB,
      job({ "referResources[0].parameters.type": UNKNOWN, "referResources[0].parameters.class": "csi-obs" }),
    ],
    ["job: volume class", JOB, job({ "referResources[0].parameters.class": UNKNOWN })],
    ["job: build.parameters", JOB, job({ "build.parameters": UNKNOWN })],
    ["job: build.parameters.nodeLabelSelector", JOB, job({ "build.parameters.nodeLabelSelector": UNKNOWN })],
    ["job: a user build parameter", JOB, job({ "build.parameters.MY_KEY": UNKNOWN })],
    ["job: sysConfig value", JOB, job({ "sysConfig.LOG_LEVEL": UNKNOWN })],
    ["job: imagePullSecrets[0]", JOB, job({ "imagePullSecrets[0]": UNKNOWN })],
    ["job: taskSetting.parallelism", JOB, job({ "taskSetting.parallelism": UNKNOWN })],
    ["job: workloadKind", JOB, job({ workloadKind: UNKNOWN })],
    ["job: multiContainers[0].source.kind", JOB, job({ "multiContainers[0].source.kind": UNKNOWN })],
    ["job: multiContainers[0].livenessProbe.delay", JOB, job({ "multiContainers[0].livenessProbe.delay": UNKNOWN })],
    ["job: vmappConfig.appHome.mode", JOB, job({ "vmappConfig.appHome.mode": UNKNOWN })],
    ["job: templateSource.httpHeaders", JOB, job({ "templateSource.httpHeaders": UNKNOWN })],
    ["release: components", RELEASE, rel({ components: UNKNOWN })],
    ["release: components[0]", RELEASE, rel({ "components[0]": UNKNOWN })],
    ["release: failStrategy", RELEASE, rel({ failStrategy: UNKNOWN })],
    ["release: seq", RELEASE, rel({ [`${C}.seq`]: UNKNOWN })],
    ["release: runtimeStack.deployMode with type Docker", RELEASE, rel({ [`${C}.runtimeStack.deployMode`]: UNKNOWN, [`${C}.runtimeStack.type`]: "Docker" })],
    ["release: grayRelease.type with no WEIGHT or CONTENT fields", RELEASE, rel({ [`${C}.deployStrategy.grayRelease`]: { type: UNKNOWN } })],
    ["release: deployStrategy.type without grayRelease", RELEASE, rel({ [`${C}.deployStrategy`]: { type: UNKNOWN } })],
    ["release: grayRelease of a GrayRelease", RELEASE, rel({ [`${C}.deployStrategy.grayRelease`]: UNKNOWN })],
    ["release: gray rules", RELEASE, rel({ [`${C}.deployStrategy.grayRelease.rules`]: UNKNOWN })],
    ["release: gray rules[1].condition", RELEASE, rel({ [`${C}.deployStrategy.grayRelease.rules[1].condition`]: UNKNOWN })],
    ["release: deploymentMode", RELEASE, rel({ [`${C}.deployStrategy.grayRelease.deploymentMode`]: UNKNOWN })],
    ["release: toleration operator with value missing", RELEASE, rel({ [`${C}.tolerations[0]`]: { key: "k", operator: UNKNOWN } })],
    ["release: toleration effect with tolerationSeconds", RELEASE, rel({ [`${C}.tolerations[2].effect`]: UNKNOWN })],
    ["release: toleration value with Exists", RELEASE, rel({ [`${C}.tolerations[1].value`]: UNKNOWN })],
    ["release: updateStrategy.minReadySeconds", RELEASE, rel({ [`${C}.updateStrategy.minReadySeconds`]: UNKNOWN })],
    ["release: maxSurge", RELEASE, rel({ [`${C}.updateStrategy.maxSurge`]: UNKNOWN })],
    ["release: workloadKind with maxSurge set", RELEASE, rel({ [`${C}.workloadKind`]: UNKNOWN })],
    ["release: updateStrategy of a statefulset", RELEASE, rel({ [`${C}.workloadKind`]: "statefulset", [`${C}.updateStrategy`]: UNKNOWN })],
    ["release: ports[0].port", RELEASE, rel({ [`${C}.ports[0].port`]: UNKNOWN })],
    ["release: referResources[1]", RELEASE, rel({ [`${C}.referResources[1]`]: UNKNOWN })],
    ["release: configs[0].configId", RELEASE, rel({ [`${C}.configs[0].configId`]: UNKNOWN })],
    ["release: hostAliases[0].hostnames", RELEASE, rel({ [`${C}.hostAliases[0].hostnames`]: UNKNOWN })],
    ["release: configEncryption", RELEASE, rel({ [`${C}.configEncryption`]: UNKNOWN })],
  ];
  test.each(cases)("%s", (_name, codec, spec) => expect(issuesOf(codec, spec)).toEqual([]));

  test("an unknown does not hide a real error elsewhere", () =>
    expect(issuesOf(JOB, edit(jobMaximal(), { replica: UNKNOWN, name: "1bad" }))).toEqual([{ path: "name", message: expect.stringContaining(NAME_RULE) }]));
  test("a known wrong value next to an unknown one is still reported", () =>
    expectIssue(
      RELEASE,
      rel({ [`${C}.tolerations[0].operator`]: UNKNOWN, [`${C}.tolerations[1].effect`]: "NoRun" }),
      `${C}.tolerations[1].effect`,
      "must be one of",
    ));
});

describe("exported types follow the codecs' promises", () => {
  test("numbers are accepted where the pages type numbers as strings (weight, ports)", () => {
    // A compile-time check as much as a run-time one: this file does not compile if the types say string only.
    const component: Partial<ReleasePlanComponent> = {
      ports: [{ name: "web", port: 80, targetPort: "http" }],
      affinity: [{ kind: "pod", condition: "preferred", weight: 50, matchExpressions: [] }],
    };
    expect(decodeSpec(RELEASE, setAt(releaseBase(), C, { ...(releaseBase() as { components: object[] }).components[1], ...component })).ok).toBe(true);
  });
});
