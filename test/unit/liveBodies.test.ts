/**
 * Liberal in what we accept: live objects made by the console, older API versions and
 * other tools, as ServiceStage returns them. The bodies are literal snake_case, built from
 * Huawei's published SDK models (huaweicloud-sdk-python-v3, servicestage v3:
 * ShowComponentInfoResponse with ComponentStatusView, ShowJobInfoResponse) beside the
 * pages: CPU and memory are floats there, `fail_detail` is an enum string
 * (ComponentFailDetail), `status` carries an `artifact`, `swimlane_id` is declared,
 * affinity has the {az, node, component} shape; and from Terraform's read of the same GET:
 * `config_mode`, affinity as a list of rules whose `weight` is a number. Nothing returns
 * `http_password`. Each body must decode, be adopted (create) and be refreshed (read),
 * with drift judged on declared fields only.
 */
import { Emulator, Wire, startEmulator } from "../../emulator/server";
import { COMPONENT_FAIL_DETAILS } from "../../emulator/state";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { PROJECT_ID, TOKEN } from "../harness/world";

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ seed: { projectId: PROJECT_ID, components: [], releasePlans: [] }, token: TOKEN, jobDurationMs: 20 });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  setProgressSink(() => undefined);
});
afterEach(() => emulator.close());

/** A job component as the console leaves it: every field the SDK model lists, in its types. */
const consoleComponent = (): Wire => ({
  name: "report-job",
  description: "Nightly report",
  labels: [{ key: "app", value: "report" }],
  runtime_stack: { name: "OpenJDK8", version: "1.1.1", type: "Java", deploy_mode: "virtualmachine" },
  source: { kind: "package", storage: "obs", url: "obs://bucket0001/report-1.0.0.jar", version: "", auth: "iam" },
  environment_id: "env-1",
  application_id: "app-demo",
  limit_cpu: 0.5,
  limit_memory: 1,
  request_cpu: 0.25,
  request_memory: 0.5,
  replica: 1,
  version: "1.0.0",
  envs: [{ name: "MODE", value: "nightly" }],
  storages: [],
  timezone: "Asia/Shanghai",
  jvm_opts: "-Xmx512m",
  deploy_strategy: { type: "OneBatchRelease" },
  refer_resources: [{ id: "67835bb3-1235-4cc9-be71-becbb2b4ca0d", type: "ecs" }],
  liveness_probe: { type: "http", delay: 30, timeout: 5, scheme: "HTTP", port: 8080, path: "/health" },
});

const consoleStatus = (): Wire => ({
  component_status: "RUNNING",
  available_replica: 1,
  replica: 1,
  fail_detail: "",
  last_job_id: "JOB-console-1",
  creator: "console-user",
  create_time: 1751000000000,
  update_time: 1751000000000,
  artifact: { type: "package", url: "obs://bucket0001/report-1.0.0.jar" },
});

/** What a program declares for that component (camelCase, within the pages' rules). */
const declared = (overrides: Record<string, unknown> = {}) => ({
  applicationId: "app-demo",
  componentId: "comp-live",
  name: "report-job",
  runtimeStack: { name: "OpenJDK8", version: "1.1.1", type: "Java", deployMode: "virtualmachine" },
  source: { kind: "package", storage: "obs", url: "obs://bucket0001/report-1.0.0.jar" },
  version: "1.0.1",
  replica: 1,
  limitCpu: 0.5,
  ...overrides,
});

/** An affinity rule as the GET answers it (Terraform reads `weight` as a number) and as a program declares it. */
const affinityRule = (weight: unknown): Wire => ({
  kind: "node",
  condition: "preferred",
  weight,
  match_expressions: [{ key: "zone", operation: "In", value: "a" }],
});
const declaredAffinityRule = (weight: unknown) => ({
  kind: "node",
  condition: "preferred",
  weight,
  matchExpressions: [{ key: "zone", operation: "In", value: "a" }],
});

const componentCases: Array<[string, (live: Wire, status: Wire) => void, Record<string, unknown>?]> = [
  ["as the console leaves it", () => undefined],
  ["a description over 128 characters", (live) => (live.description = "d".repeat(300))],
  ["limit_cpu and request_memory as strings", (live) => Object.assign(live, { limit_cpu: "0.5", request_memory: "0.5" })],
  [
    "an env value_from.reference_type outside the request enum",
    (live) =>
      (live.envs = [
        { name: "CFG", value_from: { reference_type: "configMap", name: "cm", key: "k", optional: true } },
        { name: "POD", value: "x", inner: true },
      ]),
  ],
  [
    "a deploy_strategy.type the redeploy page does not list",
    (live) => (live.deploy_strategy = { type: "BlueGreenRelease", blue_green_release: { switch: "manual" } }),
  ],
  ["a two-part version made before the current pattern", (live) => (live.version = "1.0")],
  [
    "an http source: the GET omits http_password",
    (live) => (live.source = { kind: "package", storage: "http", url: "https://repo.example/report.jar", http_username: "deploy", http_command: "curl" }),
    {
      source: {
        kind: "package",
        storage: "http",
        url: "https://repo.example/report.jar",
        httpUsername: "deploy",
        httpPassword: "s3cret-http",
        httpCommand: "curl",
        httpHeaders: { "X-Trace": "1" },
      },
    },
  ],
  [
    "a cce refer resource without parameters",
    (live) =>
      (live.refer_resources = [
        { id: "cce-1", type: "cce" },
        { id: "elb-1", type: "elb", parameters: {} },
      ]),
  ],
  [
    "affinity in the SDK model's {az, node, component} shape",
    (live) => (live.affinity = { az: ["cn-north-4a"], node: [], component: [{ displayName: "db", name: "db" }] }),
  ],
  [
    "keys no page or model knows, at any depth, and an extra runtime_stack key",
    (live) =>
      Object.assign(live, {
        workload_name: "report-job-x1",
        future_field: { nested: [1, "two"] },
        runtime_stack: { ...(live.runtime_stack as Wire), url: "https://stack.example/jdk8" },
        source: { ...(live.source as Wire), repo_ref: "main", web_url: "" },
      }),
  ],
  [
    "a status with a fail_detail, an unknown component_status and times as strings",
    (_live, status) =>
      Object.assign(status, { component_status: "GRAYING", fail_detail: "create_failed", update_time: "1751000000000", create_time: "1751000000000" }),
  ],
  ...COMPONENT_FAIL_DETAILS.map((detail): [string, (live: Wire, status: Wire) => void] => [
    `a failed component whose fail_detail is ${detail}`,
    (_live, status) => Object.assign(status, { component_status: "FAILED", fail_detail: detail }),
  ]),
  [
    "a fail_detail no model lists, an empty one, one given as an object, and status fields no model knows",
    (_live, status) =>
      Object.assign(status, {
        fail_detail: "image_pull_back_off",
        gray_status: { phase: "checking" },
        swimlane_id: 7,
        last_job_type: "rollback",
        artifact: [{ type: "image" }],
      }),
  ],
  ["an empty fail_detail", (_live, status) => Object.assign(status, { fail_detail: "" })],
  ["a fail_detail given as an object", (_live, status) => Object.assign(status, { fail_detail: { reason: "create_failed", detail: "quota" } })],
  ["a lane and config_mode yaml (a Terraform-made component)", (live) => Object.assign(live, { swimlane_id: "lane-7", config_mode: "yaml" })],
  ["swimlane_id and config_mode as the GET reports a component that never set them", (live) => Object.assign(live, { swimlane_id: "", config_mode: "ui" })],
  [
    "affinity rules with weights as numbers (Terraform's read), declared as numbers",
    (live) => (live.affinity = [affinityRule(80)]),
    { affinity: [declaredAffinityRule(80)] },
  ],
  [
    "affinity rules with weights as numbers, declared as the page's strings",
    (live) => Object.assign(live, { affinity: [affinityRule(80)], anti_affinity: [{ ...affinityRule(100), condition: "required" }] }),
    { affinity: [declaredAffinityRule("80")], antiAffinity: [{ ...declaredAffinityRule("100"), condition: "required" }] },
  ],
  ["affinity rules with weights as strings, declared as numbers", (live) => (live.affinity = [affinityRule("80")]), { affinity: [declaredAffinityRule(80)] }],
  [
    "probes with numbers as strings and an exec command",
    (live) => (live.liveness_probe = { type: "command", delay: "30", timeout: "5", command: ["sh", "-c", "true"], future: true }),
  ],
];

describe.each(componentCases)("a live job component: %s", (_name, mutate, overrides) => {
  test("decodes, is adopted (create) and refreshed (read); drift only on declared fields", async () => {
    const live = consoleComponent();
    const status = consoleStatus();
    mutate(live, status);
    emulator.putComponent("app-demo", "comp-live", live, status);
    const inputs = (await jobComponentProvider.check({}, declared(overrides))).inputs as Record<string, unknown>;

    const created = await jobComponentProvider.create(inputs);
    expect(created.outs).toMatchObject({ jobStatus: "SUCCEEDED", version: "1.0.1" });
    expect(created.outs.jobId).toBe(emulator.getComponent("app-demo", "comp-live")?.status.last_job_id);

    // The console changes it again: refresh reads the live body back.
    emulator.putComponent("app-demo", "comp-live", live, status);
    const read = await jobComponentProvider.read(created.id, created.outs);
    expect(read.id).toBe(created.id);
    const props = read.props as Record<string, unknown>;
    // Only declared keys: nothing the program did not write appears in the state.
    expect(Object.keys(props).sort()).toEqual(Object.keys(created.outs).sort());
    expect(props.version).toBe(live.version);
    // Equal values in another JSON type, and extra live keys, are not drift.
    expect(props.runtimeStack).toEqual(inputs.runtimeStack);
    expect(props.limitCpu).toBe(0.5);
    if (overrides?.source !== undefined) expect(props.source).toEqual(inputs.source);
    // A weight read back in another JSON type keeps the declared spelling: no drift, so no diff.
    for (const key of ["affinity", "antiAffinity"]) if (overrides?.[key] !== undefined) expect(props[key]).toEqual(inputs[key]);
    expect((await jobComponentProvider.diff(created.id, props, { ...inputs, version: live.version })).changes).toBe(false);
  });
});

describe("what a refresh, an update and an import make of the GET's own fields", () => {
  const ID = "app-demo/comp-live";
  const created = async (overrides: Record<string, unknown> = {}) => {
    emulator.putComponent("app-demo", "comp-live", consoleComponent(), consoleStatus());
    const inputs = (await jobComponentProvider.check({}, declared(overrides))).inputs as Record<string, unknown>;
    return (await jobComponentProvider.create(inputs)).outs as Record<string, unknown>;
  };
  const calls = () => emulator.requests().map((r) => `${r.method} ${r.path.split("/cas/")[1]}`);

  test.each([80, "80"])("affinity weight %p: the GET answers a number; refresh shows no drift and the next update makes no call", async (weight) => {
    const outs = await created({ affinity: [declaredAffinityRule(weight)] });
    expect(emulator.getComponent("app-demo", "comp-live")?.spec.affinity).toEqual([affinityRule(80)]);
    const read = await jobComponentProvider.read(ID, outs);
    expect(read.props).toEqual(outs);
    expect((await jobComponentProvider.diff(ID, read.props as Record<string, unknown>, outs)).changes).toBe(false);
    emulator.clearRequests();
    await jobComponentProvider.update(ID, read.props as Record<string, unknown>, { ...outs });
    expect(calls()).toEqual([]);
  });

  test("a declared lane and config mode: refreshed from the GET, no drift while they hold; the component leaving its lane is drift", async () => {
    const outs = await created({ swimlaneId: "lane-1", configMode: "ui" });
    expect(emulator.getComponent("app-demo", "comp-live")?.spec).toMatchObject({ swimlane_id: "lane-1", config_mode: "ui" });
    expect((await jobComponentProvider.read(ID, outs)).props).toEqual(outs);
    const spec = emulator.getComponent("app-demo", "comp-live")?.spec as Wire;
    emulator.putComponent("app-demo", "comp-live", { ...spec, swimlane_id: "" });
    expect((await jobComponentProvider.read(ID, outs)).props).toMatchObject({ swimlaneId: "", configMode: "ui" });
  });

  test("an import leaves out the swimlane_id and config_mode a component never set, and keeps the ones it set", async () => {
    emulator.putComponent("app-demo", "comp-live", consoleComponent(), consoleStatus());
    const plain = await jobComponentProvider.read(ID);
    expect(plain.inputs).toMatchObject({ applicationId: "app-demo", componentId: "comp-live", name: "report-job", version: "1.0.0" });
    expect(plain.inputs).not.toHaveProperty("swimlaneId");
    expect(plain.inputs).not.toHaveProperty("configMode");
    // A program that declares neither does not differ from what it imported.
    const program = (await jobComponentProvider.check({}, plain.inputs as Record<string, unknown>)).inputs;
    expect((await jobComponentProvider.diff(ID, plain.props as Record<string, unknown>, program)).changes).toBe(false);

    emulator.putComponent("app-demo", "comp-live", { ...consoleComponent(), swimlane_id: "lane-2", config_mode: "ui", affinity: [affinityRule(80)] });
    const laned = await jobComponentProvider.read(ID);
    expect(laned.inputs).toMatchObject({ swimlaneId: "lane-2", affinity: [declaredAffinityRule(80)] });
  });

  test.each([false, true])(
    "a missing component is not found, on a refresh and on an import, whether answered 404 or 401 SVCSTG.00100401 (notFoundAs401: %p)",
    async (quirk) => {
      const outs = await created();
      emulator.setNotFoundAs401(quirk);
      emulator.deleteComponent("app-demo", "comp-live");
      emulator.clearRequests();
      expect(await jobComponentProvider.read(ID, outs)).toEqual({});
      expect(await jobComponentProvider.read(ID)).toEqual({});
      expect(emulator.requests().map((r) => [r.status, (r.body as Wire | undefined)?.error_code])).toEqual([
        [quirk ? 401 : 404, undefined],
        [quirk ? 401 : 404, undefined],
      ]);
    },
  );
});

const consolePlan = (): Wire => ({
  id: "plan-live",
  name: "release-live",
  desc: "made in the console",
  fail_strategy: "stop",
  action: "upgrade",
  status: "WAITING",
  creator: "console-user",
  create_time: 1751000000000,
  modify_time: 1751000000000,
  components: [
    {
      seq: 1,
      component_id: "comp-api",
      name: "api",
      runtime_stack: { name: "OpenJDK17", version: "17.0.1", type: "Java", deploy_mode: "container" },
      environment_id: "env-prod",
      source: { kind: "image", storage: "swr", url: "swr.cn-north-4.myhuaweicloud.com/demo/api:1.0.0" },
      version: "1.0.0",
      replica: 2,
      refer_resources: [{ id: "cce-1", type: "cce", parameters: { namespace: "default" } }],
      configs: [{ conifg_id: "cfg-1", mount_path: "/etc/app" }],
    },
  ],
});

const declaredPlan = () => ({
  releasePlanId: "plan-live",
  name: "release-live",
  failStrategy: "stop",
  components: [
    {
      seq: 1,
      componentId: "comp-api",
      name: "api",
      runtimeStack: { name: "OpenJDK17", version: "17.0.1", type: "Java", deployMode: "container" },
      environmentId: "env-prod",
      source: { kind: "image", storage: "swr", url: "swr.cn-north-4.myhuaweicloud.com/demo/api:1.0.1" },
      version: "1.0.1",
      replica: 2,
      referResources: [{ id: "cce-1", type: "cce", parameters: { namespace: "default" } }],
      configs: [{ configId: "cfg-1", mountPath: "/etc/app" }],
    },
  ],
});

const component = (plan: Wire) => (plan.components as Wire[])[0];
const planCases: Array<[string, (plan: Wire) => void]> = [
  ["as the console leaves it", () => undefined],
  ["a component without refer_resources", (plan) => delete component(plan).refer_resources],
  [
    "config_id spelled as the job page spells it (and changed in the console)",
    (plan) => (component(plan).configs = [{ config_id: "cfg-9", mount_path: "/etc/app" }]),
  ],
  [
    "seq as a string, a swimlane and keys no page knows",
    (plan) =>
      Object.assign(plan, { swimlane_id: "lane-1", execute_time: 0, components: [{ ...component(plan), seq: "1", workload_name: "api-x", future: {} }] }),
  ],
  ["a desc over the page's length and an unknown fail_strategy", (plan) => Object.assign(plan, { desc: "d".repeat(400), fail_strategy: "pause" })],
];

describe.each(planCases)("a live release task: %s", (_name, mutate) => {
  test("decodes, is adopted (create) and refreshed (read)", async () => {
    const live = consolePlan();
    mutate(live);
    emulator.putReleasePlan("plan-live", live);
    const inputs = (await releasePlanProvider.check({}, declaredPlan())).inputs as Record<string, unknown>;
    const created = await releasePlanProvider.create(inputs);
    expect(emulator.getReleasePlan("plan-live")).toMatchObject({ components: [{ version: "1.0.1", configs: [{ conifg_id: "cfg-1" }] }] });

    emulator.putReleasePlan("plan-live", live);
    const read = await releasePlanProvider.read(created.id, created.outs);
    const props = read.props as { components: Array<Record<string, unknown>> };
    const liveConfig = (component(live).configs as Wire[])[0];
    expect(props.components[0]).toMatchObject({
      componentId: "comp-api",
      version: "1.0.0",
      configs: [{ configId: liveConfig.conifg_id ?? liveConfig.config_id, mountPath: "/etc/app" }],
    });
    if (component(live).refer_resources === undefined) expect(props.components[0].referResources).toEqual(declaredPlan().components[0].referResources);
  });
});
