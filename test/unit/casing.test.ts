/**
 * camelCase (user) <-> snake_case (wire) renaming, driven by the codecs
 * (provider/codecs/casing.ts): round trips, keys that pass verbatim, keys the pages
 * already spell in camelCase, and each page's own spelling of its quirks.
 */
import * as t from "io-ts";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { EditReleasePlanBody } from "../../provider/codecs/editReleasePlan";
import { Issue, dropNulls, fromWire, toWire } from "../../provider/codecs/casing";
import { camelKey } from "../../provider/codecs/spellings";
import { decodeSpec } from "../../provider/codecs/decode";
import { UNKNOWN } from "../../provider/pulumiValues";
import { Spec, getAt, jobMaximal, jobPageExample, jobPageExampleVerbatim, releaseMaximal, releaseTwoComponents, setAt } from "../fixtures/specs";

const JOB = RedeployJobComponentBody as unknown as t.Mixed;
const RELEASE = EditReleasePlanBody as unknown as t.Mixed;

/** toWire, asserting it found no unknown property. */
const wire = (codec: t.Mixed, camel: unknown): Spec => {
  const issues: Issue[] = [];
  const out = toWire(codec, camel, issues);
  expect(issues).toEqual([]);
  return out as Spec;
};

const fixtures: Array<[string, t.Mixed, () => Spec]> = [
  ["job page example", JOB, jobPageExample],
  ["maximal job spec", JOB, jobMaximal],
  ["two-component release", RELEASE, releaseTwoComponents],
  ["maximal release", RELEASE, releaseMaximal],
];

describe("round trip camel -> wire -> camel", () => {
  test.each(fixtures)("%s", (_name, codec, fixture) => expect(fromWire(codec, wire(codec, fixture()))).toEqual(fixture()));

  test.each(fixtures)("%s: the wire has no camelCase key the page does not spell so", (_name, codec, fixture) => {
    // Every key on the wire is snake_case, except the page's own camelCase names and
    // the keys of free-form maps/user build parameters (checked separately below).
    const allowedCamel = new Set(["sermantAgentInjectActionFlag", "availableZone"]);
    const verbatimParents = new Set(["sys_config", "input_values", "http_headers", "node_label_selector", "parameters"]);
    const offenders: string[] = [];
    const walk = (v: unknown, parent: string): void => {
      if (Array.isArray(v)) return v.forEach((x) => walk(x, parent));
      if (v === null || typeof v !== "object") return;
      for (const [k, x] of Object.entries(v)) {
        if (!verbatimParents.has(parent) && /[A-Z]/.test(k) && !allowedCamel.has(k)) offenders.push(k);
        walk(x, k);
      }
    };
    walk(wire(codec, fixture()), "");
    expect(offenders).toEqual([]);
  });

  test("the decoded body reads back as the user's spec (numbers the page types as String come back as strings)", () => {
    const decoded = decodeSpec(RedeployJobComponentBody, jobMaximal());
    expect(decoded.ok).toBe(true);
    const expected = setAt(jobMaximal(), "affinity[0].weight", "100");
    expect(decoded.ok && fromWire(JOB, decoded.value)).toEqual(expected);
  });

  test("null means absent: the page example's null does not survive the trip", () => {
    expect(fromWire(JOB, dropNulls(wire(JOB, jobPageExampleVerbatim())))).toEqual(jobPageExample());
    expect(fromWire(JOB, wire(JOB, jobPageExampleVerbatim()))).toEqual(jobPageExample());
  });
});

describe("snake_case on the wire", () => {
  const job = () => wire(JOB, jobMaximal());
  test.each([
    ["runtime_stack.deploy_mode", "container"],
    ["task_setting.completion_mode", "NonIndexed"],
    ["task_setting.active_deadline_seconds", 3600],
    ["vmapp_config.app_home.path", "/opt/app"],
    ["refer_resources[0].parameters.obs_volume_type", "STANDARD"],
    ["envs[1].value_from.reference_type", "secretKey"],
    ["multi_containers[0].container_name", "sidecar"],
    ["multi_containers[0].liveness_probe.type", "tcp"],
    ["storages[0].mounts[0].sub_path", "app"],
    ["template_source.http_headers[0].key", "X-Token"],
    ["auto_lts_config.lts_log_path[0]", "/var/log/app/*.log"],
    ["affinity[0].topology_key", "kubernetes.io/hostname"],
    ["source.http_username", "deployer"],
  ])("job %s", (path, value) => expect(getAt(job(), path)).toEqual(value));

  test.each([
    ["components[0].deploy_strategy.gray_release.first_batch_weight", 20],
    ["components[1].deploy_strategy.rolling_release.batches", 3],
    ["fail_strategy", "stop"],
    ["components[1].component_id", "0d4c3a2b-1111-4c2e-9f00-000000000002"],
  ])("release %s", (path, value) => expect(getAt(wire(RELEASE, releaseTwoComponents()), path)).toEqual(value));

  test.each([
    ["components[0].update_strategy.max_unavailable", "25%"],
    ["components[0].update_strategy.progress_deadline_seconds", 600],
    ["components[0].tolerations[2].toleration_seconds", 300],
    ["components[0].ports[0].target_port", "8080"],
    ["components[0].config_encryption.key_id", "dew-key-1"],
    ["components[0].multi_containers[0].config_encryption.key_id", "dew-key-2"],
    ["components[0].deploy_strategy.gray_release.rule_match_mode", "ANY"],
    ["components[0].deploy_strategy.gray_release.rules[1].condition", "IN"],
  ])("release %s", (path, value) => expect(getAt(wire(RELEASE, releaseMaximal()), path)).toEqual(value));
});

describe("keys that pass verbatim", () => {
  const job = () => wire(JOB, jobMaximal());
  const release = () => wire(RELEASE, releaseMaximal());

  test("sysConfig keys", () => expect(job().sys_config).toEqual({ "app.conf_path": "/opt/app/conf", LOG_LEVEL: "info", snake_key: "v" }));
  test("inputValues keys", () => expect(job().input_values).toEqual({ replica_count: "2", "image.tag": "1.4.2", ImageRepo: "swr" }));
  test("source.httpHeaders keys", () =>
    expect(getAt(job(), "source.http_headers")).toEqual({ "X-Api-Key": "abc123", trace_id: "t-1", "Accept-Encoding": "gzip" }));
  test("build.parameters.nodeLabelSelector keys", () =>
    expect(getAt(job(), "build.parameters.node_label_selector")).toEqual({ "kubernetes.io/arch": "amd64", node_pool: "build" }));
  test("build.parameters: documented keys renamed, the user's own keys as written", () =>
    expect(getAt(job(), "build.parameters")).toEqual({
      build_cmd: "mvn clean package -DskipTests",
      dockerfile_path: "./docker/Dockerfile",
      artifact_namespace: "cas_team",
      cluster_id: "1d6f6a3a-8a0c-11ee-b9d1-0242ac120002",
      node_label_selector: { "kubernetes.io/arch": "amd64", node_pool: "build" },
      environment_id: "env-build",
      MY_KEY: "user value",
      some_key: "kept verbatim",
    }));
  test("release: build.parameters user key and sysConfig", () => {
    expect(getAt(release(), "components[0].build.parameters.CUSTOM_FLAG")).toBe("1");
    expect(getAt(release(), "components[0].build.parameters.build_cmd")).toBe("./build.sh");
    expect(getAt(release(), "components[0].sys_config")).toEqual({ "orders.conf": "/opt/orders/conf" });
  });
  test("a user build parameter named like an Object.prototype member survives the round trip", () => {
    const spec = setAt(setAt(jobMaximal(), "build.parameters.constructor", "c"), "build.parameters.toString", "s");
    const w = wire(JOB, spec);
    expect(getAt(w, "build.parameters")).toMatchObject({ constructor: "c", toString: "s" });
    expect(fromWire(JOB, w)).toEqual(spec);
  });
  test("fromWire keeps map keys and user build parameters as they are", () => {
    const back = fromWire(JOB, { name: "a", sys_config: { some_key: "v" }, build: { parameters: { cluster_id: "c", my_key: 1 } } });
    expect(back).toEqual({ name: "a", sysConfig: { some_key: "v" }, build: { parameters: { clusterId: "c", my_key: 1 } } });
  });
});

describe("names the pages spell in camelCase stay so on the wire", () => {
  const wireOf = { job: () => wire(JOB, jobMaximal()), release: () => wire(RELEASE, releaseMaximal()) };
  test.each([
    ["job", "sermantAgentInjectActionFlag", true],
    ["job", "refer_resources[0].parameters.availableZone", "cn-north-4a"],
    ["release", "components[0].sermantAgentInjectActionFlag", false],
    ["release", "components[0].refer_resources[1].parameters.availableZone", "cn-north-4b"],
  ] as Array<["job" | "release", string, unknown]>)("%s %s", (page, path, value) => expect(getAt(wireOf[page](), path)).toEqual(value));
  test("no snake_case variant is produced", () => {
    const w = wire(JOB, jobMaximal());
    expect(w).not.toHaveProperty("sermant_agent_inject_action_flag");
    expect(getAt(w, "refer_resources[0].parameters")).not.toHaveProperty("available_zone");
  });
});

describe("page quirks: each endpoint gets its own page's spelling", () => {
  test("job page: configs[].config_id and host_aliases[].hostnames", () => {
    const w = wire(JOB, jobMaximal());
    expect(w.configs).toEqual([{ config_id: "cfg-0001", mount_path: "/etc/report" }]);
    expect(w.host_aliases).toEqual([{ ip: "10.0.0.10", hostnames: ["db.internal", "cache.internal"] }]);
  });
  test("release page: configs[].conifg_id and host_aliases[].hostname", () => {
    const w = wire(RELEASE, releaseMaximal());
    expect(getAt(w, "components[0].configs")).toEqual([{ conifg_id: "cfg-0002", mount_path: "/etc/orders" }]);
    expect(getAt(w, "components[0].host_aliases")).toEqual([{ ip: "10.0.0.20", hostname: ["payments.internal"] }]);
  });
  test("users write configId and hostnames for both; reading the release wire gives them back", () => {
    const back = fromWire(RELEASE, {
      name: "r",
      components: [{ configs: [{ conifg_id: "c", mount_path: "/m" }], host_aliases: [{ ip: "1.2.3.4", hostname: ["h"] }] }],
    });
    expect(back).toEqual({ name: "r", components: [{ configs: [{ configId: "c", mountPath: "/m" }], hostAliases: [{ ip: "1.2.3.4", hostnames: ["h"] }] }] });
  });
  test("the decoded release body carries the page's spelling", () => {
    const r = decodeSpec(EditReleasePlanBody, releaseMaximal());
    expect(r.ok && getAt(r.value, "components[0].configs[0]")).toEqual({ conifg_id: "cfg-0002", mount_path: "/etc/orders" });
    expect(r.ok && getAt(r.value, "components[0].host_aliases[0].hostname")).toEqual(["payments.internal"]);
  });
});

describe("camelKey", () => {
  test.each([
    ["runtime_stack", "runtimeStack"],
    ["first_batch_weight", "firstBatchWeight"],
    ["lts_log_path", "ltsLogPath"],
    ["run_as_user", "runAsUser"],
    ["name", "name"],
    ["conifg_id", "configId"],
    ["config_id", "configId"],
    ["hostname", "hostnames"],
    ["hostnames", "hostnames"],
    ["sermantAgentInjectActionFlag", "sermantAgentInjectActionFlag"],
    ["availableZone", "availableZone"],
    ["constructor", "constructor"],
    ["toString", "toString"],
  ])("%s -> %s", (wireKey, camel) => expect(camelKey(wireKey)).toBe(camel));
});

describe("other toWire/fromWire behaviour", () => {
  test("the unknown sentinel passes toWire unchanged at any depth", () => {
    const spec = {
      name: UNKNOWN,
      runtimeStack: UNKNOWN,
      source: { kind: UNKNOWN },
      labels: [UNKNOWN, { key: UNKNOWN, value: "v" }],
      sysConfig: { a: UNKNOWN },
    };
    expect(wire(JOB, spec)).toEqual({
      name: UNKNOWN,
      runtime_stack: UNKNOWN,
      source: { kind: UNKNOWN },
      labels: [UNKNOWN, { key: UNKNOWN, value: "v" }],
      sys_config: { a: UNKNOWN },
    });
    expect(wire(JOB, UNKNOWN)).toBe(UNKNOWN);
  });
  test("fromWire drops keys the codec does not declare (ids, status) and nulls", () => {
    expect(
      fromWire(JOB, { name: "a", id: "x", status: { component_status: "RUNNING" }, description: null, labels: [{ key: "k", value: "v", extra: 1 }] }),
    ).toEqual({
      name: "a",
      labels: [{ key: "k", value: "v" }],
    });
  });
  test("toWire reports unknown properties with their camelCase path", () => {
    const issues: Issue[] = [];
    toWire(RELEASE, { components: [{}, { source: { commit_id: "x" } }] }, issues);
    expect(issues).toEqual([{ path: "components[1].source.commit_id", message: "is not a known property; did you mean 'commitId'?" }]);
  });
  test("values that are not the declared shape pass through for the decoder to report", () => {
    expect(wire(JOB, { labels: "x", source: [1], sysConfig: 3 })).toEqual({ labels: "x", source: [1], sys_config: 3 });
  });
});
