/**
 * `npm run bench`: what users pay for this package, each figure a median of several
 * runs, each comparison a ratio measured side by side in the same run. Prints a table
 * and writes bench/results.json (with the machine it ran on).
 *
 *   npm run bench            full run (several minutes: real engine, stacks up to 200)
 *   BENCH_QUICK=1 npm run bench   fewer runs and smaller stacks, for a smoke check
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync, spawn } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { stringify as toYaml } from "yaml";
import { startEmulator, type Emulator } from "../emulator/server";
import type { RecordedRequest } from "../emulator/http";
import { JobComponent, ReleasePlan } from "../sdk";
import { jobMaximal, jobPageExample } from "../test/fixtures/specs";
import { captureInputs, unwrapSecrets } from "../test/harness/captureInputs";
import { newStack, repo } from "../test/harness/automation";
import { ProgramStack } from "../test/harness/cli";
import type { JobComponentInputs } from "../provider/ownProperties";
import { startProviderHost } from "../test/harness/providerHost";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, fleetSeed, jobSpec, releaseSpec, seed } from "../test/harness/world";
import { jobPageExampleWire } from "../test/fixtures/wire";
import { NOOP_PACKAGE, NOOP_TYPE, noopSchema } from "./noopPlugin";

const QUICK = process.env.BENCH_QUICK === "1";
const RUNS = QUICK ? 2 : 5;
const ENGINE_RUNS = QUICK ? 1 : 3;
const SIZES = QUICK ? [1, 10] : [1, 50, 200];
/** The stack size of the native plugin's figures: one of SIZES, so that the dynamic resources' figures at the same size come from this run too. */
const PLUGIN_SIZE = QUICK ? 10 : 50;
const COLD_START_RUNS = QUICK ? 3 : 9;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  metric: string;
  value: string;
  goal: string;
  met: boolean | null;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const record = (metric: string, value: string, goal: string, met: boolean | null, raw: unknown) => {
  rows.push({ metric, value, goal, met });
  results[metric] = raw;
  log(`${metric}: ${value} (goal ${goal})`);
};

/** A row comparing the medians of two series of wall times (ms), ours first: `a s / b s = r x`. */
const recordRatio = (metric: string, ours: number[], floor: number[], limit: number | null, raw: unknown) => {
  const ratio = median(ours) / median(floor);
  record(
    metric,
    `${round(median(ours) / 1000)} s / ${round(median(floor) / 1000)} s = ${round(ratio)}x`,
    limit === null ? "(information)" : `<= ${limit.toFixed(2)}x`,
    limit === null ? null : ratio <= limit,
    raw,
  );
};

/**
 * Structural equality of two JSON values, whatever the key order (the engine does not keep
 * it): the no-op's diff, kept self-contained so that the no-op's serialized provider stays small.
 */
const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.hasOwn(bo, k) && sameJson((a as Record<string, unknown>)[k], bo[k]));
};

/**
 * A dynamic provider that does nothing: the floor of the engine and host. Its diff reports
 * a change when an input other than `__provider` differs, so that its update is the floor
 * of an update.
 */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => ({ inputs: news }),
  diff: async (_id, olds, news) => {
    const { __provider: _oldProvider, ...oldProps } = olds as Record<string, unknown>;
    const { __provider: _newProvider, ...newProps } = news as Record<string, unknown>;
    return { changes: !sameJson(oldProps, newProps) };
  },
  create: async (inputs) => ({ id: `noop-${Math.random().toString(36).slice(2)}`, outs: inputs }),
  update: async (_id, _olds, news) => ({ outs: news }),
  read: async (id, props) => ({ id, props }),
  delete: async () => undefined,
};
class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(noopProvider, name, props, {}, "bench", "Noop");
  }
}

const benchProviderSize = async () => {
  const registered = await captureInputs(() => [
    new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never),
    new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never),
  ]);
  for (const r of registered) {
    const bytes = Buffer.byteLength(String(r.inputs.__provider));
    const name = r.type.split(":").pop() as string;
    record(`__provider bytes (${name})`, `${bytes} B`, "<= 3072 B", bytes <= 3072, bytes);
  }
  return registered;
};

const benchColdStart = async (ourInputs: Record<string, unknown>, noopInputs: Record<string, unknown>) => {
  const measure = async (inputs: Record<string, unknown>) => {
    const t0 = process.hrtime.bigint();
    const host = await startProviderHost(repo, { HW_AUTH_TOKEN: "" });
    try {
      // Check refuses a resource it could not reach (no project, credentials or endpoint), as the up would; it calls nothing.
      await host.configure({ "servicestage:endpoint": "http://127.0.0.1:9", "servicestage:projectId": PROJECT_ID, "servicestage:authToken": TOKEN });
      await host.check({}, unwrapSecrets(inputs));
      return Number(process.hrtime.bigint() - t0) / 1e6;
    } finally {
      await host.close();
    }
  };
  const ours: number[] = [];
  const noop: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    // Alternate, and drop the first pair (file-system cache warm-up).
    const a = await measure(ourInputs);
    const b = await measure(noopInputs);
    if (i > 0) {
      ours.push(a);
      noop.push(b);
    }
  }
  const ratio = median(ours) / median(noop);
  record(
    "host cold start to first Check (ours / no-op)",
    `${round(median(ours), 0)} ms / ${round(median(noop), 0)} ms = ${round(ratio)}x`,
    "<= 1.15x",
    ratio <= 1.15,
    { oursMs: ours, noopMs: noop, ratio },
  );
};

/** The redeploy page's example plus what a job usually sets: about 40 fields in all. */
const realisticSpec = () => ({
  applicationId: APP_ID,
  componentId: COMPONENT_ID,
  ...jobPageExample(),
  envs: [
    { name: "SPRING_PROFILES_ACTIVE", value: "prod" },
    { name: "DB_PASSWORD", valueFrom: { referenceType: "secretKey", name: "db", key: "password" } },
  ],
  timezone: "Asia/Shanghai",
  jvmOpts: "-Xms256m -Xmx1024m",
  limitCpu: 1,
  limitMemory: 2,
  livenessProbe: { type: "http", delay: 30, timeout: 5, scheme: "HTTP", port: 8080, path: "/health" },
});

const countFields = (v: unknown): number =>
  Array.isArray(v)
    ? v.reduce((n: number, x) => n + countFields(x), 0)
    : v !== null && typeof v === "object"
      ? Object.values(v).reduce((n: number, x) => n + 1 + countFields(x), 0)
      : 0;

const benchThroughput = async () => {
  for (const [label, spec] of [
    ["realistic", realisticSpec()],
    ["maximal", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobMaximal() }],
  ] as const)
    await throughputOf(label, spec);
};

const throughputOf = async (label: string, spec: JobComponentInputs) => {
  const { jobComponentProvider } = require(path.join(repo, "dist", "provider", "jobComponent.js")) as typeof import("../provider/jobComponent");
  const { setStackSettings } = require(path.join(repo, "dist", "provider", "providerState.js")) as typeof import("../provider/providerState");
  // Check refuses a resource it could not reach, as the up would; it calls nothing.
  setStackSettings({ endpoint: "http://127.0.0.1:9", projectId: PROJECT_ID, authToken: TOKEN });
  const fields = countFields(spec);
  const olds = {
    ...(await jobComponentProvider.check(spec, spec)).inputs,
    applicationId: APP_ID,
    componentId: COMPONENT_ID,
    jobId: "JOB1",
    jobStatus: "SUCCEEDED",
  };
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      const news = { ...spec, replica: n % 7 };
      const checked = await jobComponentProvider.check(olds, news);
      await jobComponentProvider.diff("id", olds, checked.inputs ?? news);
      n++;
    }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  const rate = median(rates);
  const realistic = label === "realistic";
  record(
    `check + diff throughput, ${label} ${fields}-field spec`,
    `${round(rate, 0)} resources/s`,
    realistic ? ">= 20000/s" : "(information)",
    realistic ? rate >= 20000 : null,
    { rates, fields },
  );
};

/** N job components' ids: comp-000, comp-001, ... */
const componentIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `comp-${String(i).padStart(3, "0")}`);

/** The emulator's world with these job components, each named job-<componentId> as the bench's programs declare it. */
const componentsSeed = (components: readonly string[]) => {
  const s = seed();
  s.components = components.map((componentId) => ({ applicationId: APP_ID, componentId, spec: { ...jobPageExampleWire(), name: `job-${componentId}` } }));
  return s;
};

/** What a bench program declares for a component: the same inputs for ours and the no-op. */
const componentInputs = (componentId: string, version: string) => ({ applicationId: APP_ID, componentId, ...jobSpec({ name: `job-${componentId}`, version }) });

const FIRST_VERSION = "2025.0323.15181";
const CHANGED_VERSION = "2025.0601.1";

/** Wall times (ms) of each phase, ours and the no-op, one entry per run. */
interface EngineTimes {
  oursPreview: number[];
  noopPreview: number[];
  oursUp: number[];
  noopUp: number[];
  oursUpdate: number[];
  noopUpdate: number[];
}
const emptyTimes = (): EngineTimes => ({ oursPreview: [], noopPreview: [], oursUp: [], noopUp: [], oursUpdate: [], noopUpdate: [] });

/**
 * Wall time of preview and up for N resources from an empty stack, then (beyond one
 * resource) of an up that changes every resource's version: ours against the emulator,
 * and no-op. Returns the times by N.
 */
const benchEngine = async (): Promise<Map<number, EngineTimes>> => {
  const engine: Record<string, unknown> = {};
  const timesBySize = new Map<number, EngineTimes>();
  for (const n of SIZES) {
    const components = componentIds(n);
    // The update's cost (issue 14: one GET of the component before each redeploy) is measured where it adds up.
    const measureUpdate = n > 1;
    const times = emptyTimes();
    timesBySize.set(n, times);
    let calls: Record<string, number> = {};
    let peakRssMb = 0;
    for (let run = 0; run < ENGINE_RUNS; run++) {
      for (const kind of ["ours", "noop"] as const) {
        const emulator = await startEmulator({ seed: componentsSeed(components), token: TOKEN, jobDurationMs: 0 });
        let version = FIRST_VERSION;
        const program = async () => {
          if (kind === "ours") components.forEach((componentId) => new JobComponent(componentId, componentInputs(componentId, version) as never));
          else components.forEach((componentId) => new Noop(componentId, componentInputs(componentId, version)));
        };
        const env = await newStack(`bench-${kind}-${n}`, program, {
          "servicestage:endpoint": { value: emulator.url },
          "servicestage:projectId": { value: PROJECT_ID },
          "servicestage:authToken": { value: TOKEN, secret: true },
        });
        try {
          let t0 = performance.now();
          await env.stack.preview();
          times[`${kind}Preview`].push(performance.now() - t0);
          const previewCalls = emulator.requests().length;
          const stopRss = kind === "ours" ? watchProviderHostRss() : undefined;
          t0 = performance.now();
          await env.stack.up();
          times[`${kind}Up`].push(performance.now() - t0);
          if (stopRss !== undefined) peakRssMb = Math.max(peakRssMb, stopRss());
          const upRequests = emulator.requests();
          emulator.clearRequests();
          // Before the refresh below, so that ours and the no-op update from the same state.
          if (measureUpdate) {
            version = CHANGED_VERSION;
            t0 = performance.now();
            const update = await env.stack.up();
            times[`${kind}Update`].push(performance.now() - t0);
            const updated = update.summary.resourceChanges?.update ?? 0;
            if (updated !== n) throw new Error(`the ${kind} update phase updated ${updated} of ${n} resources: not the cost of ${n} updates`);
          }
          const updateRequests = emulator.requests();
          emulator.clearRequests();
          if (kind === "ours" && run === 0) {
            await env.stack.refresh();
            const refreshRequests = emulator.requests();
            calls = {
              ...callCounts(previewCalls, upRequests, updateRequests),
              refreshGet: refreshRequests.filter((r) => r.method === "GET").length,
              refreshOther: refreshRequests.filter((r) => r.method !== "GET").length,
            };
          }
        } finally {
          await env.dispose();
          await emulator.close();
        }
      }
    }
    recordRatio(`pulumi preview, ${n} JobComponents (ours / no-op)`, times.oursPreview, times.noopPreview, 1.1, times);
    recordRatio(`pulumi up, ${n} JobComponents (ours / no-op)`, times.oursUp, times.noopUp, 1.25, times);
    if (measureUpdate) recordRatio(`pulumi up, ${n} changed JobComponents (ours / no-op)`, times.oursUpdate, times.noopUpdate, 1.3, times);
    // An update looks at the component exactly once (issue 14) and redeploys once.
    const updateMinimal = !measureUpdate || (calls.updateComponentGet === n && calls.updatePut === n);
    const minimal = calls.preview === 0 && calls.upPut === n && calls.refreshGet === n && calls.refreshOther === 0 && updateMinimal;
    record(
      `HTTP calls, ${n} JobComponents`,
      `${describeCalls(calls, measureUpdate)}; refresh ${calls.refreshGet} GET`,
      `preview 0; up ${n} PUT + polls${measureUpdate ? `; update ${n} GET + ${n} PUT + polls` : ""}; refresh ${n} GET`,
      minimal,
      calls,
    );
    if (peakRssMb > 0) engine[`peakRss${n}`] = peakRssMb;
    if (n === Math.max(...SIZES)) record(`peak RSS of the provider host, ${n} resources`, `${round(peakRssMb, 0)} MB`, "< 200 MB", peakRssMb < 200, peakRssMb);
  }
  return timesBySize;
};

/** The ServiceStage calls of a preview (their count), an up from an empty stack and an up changing every component. */
const callCounts = (previewCalls: number, upRequests: RecordedRequest[], updateRequests: RecordedRequest[]) => ({
  preview: previewCalls,
  upPut: upRequests.filter((r) => r.method === "PUT").length,
  upComponentGet: upRequests.filter((r) => r.method === "GET" && r.path.includes("/components/")).length,
  upJobPolls: upRequests.filter((r) => r.path.includes("/jobs/")).length,
  updateComponentGet: updateRequests.filter((r) => r.method === "GET" && r.path.includes("/components/")).length,
  updatePut: updateRequests.filter((r) => r.method === "PUT").length,
  updateJobPolls: updateRequests.filter((r) => r.path.includes("/jobs/")).length,
});
const describeCalls = (calls: Record<string, number>, withUpdate: boolean): string =>
  `preview ${calls.preview}; up ${calls.upPut} PUT + ${calls.upComponentGet} GET (adoption) + ${calls.upJobPolls} job polls` +
  (withUpdate ? `; update ${calls.updateComponentGet} GET (the look) + ${calls.updatePut} PUT + ${calls.updateJobPolls} job polls` : "");

/** Polls the dynamic-provider host processes' peak RSS (VmHWM) while an operation runs. */
const watchProviderHostRss = (): (() => number) => {
  let peak = 0;
  const sample = () => {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmdline.includes("dynamic-provider")) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {
        // the process ended between listing and reading
      }
    }
  };
  const timer = setInterval(sample, 100);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
};

// ---------------------------------------------------------------------------------------
// The native plugin (pulumi-resource-servicestage): a Pulumi YAML program run with the plain
// CLI in a folder of its own, against the same program shape on a no-op plugin (bench/noopPlugin.ts).

/** The two plugins a YAML program of the bench uses: the package (its stack config namespace) and the resource type. */
const PLUGINS = {
  ours: { pkg: "servicestage", type: "servicestage:index:JobComponent" },
  noop: { pkg: NOOP_PACKAGE, type: NOOP_TYPE },
} as const;

/**
 * Writes pulumi-resource-benchnoop into `dir`/bin: an executable node script, as
 * bin/pulumi-resource-servicestage is, so that both plugins start the same way, and the
 * schema it serves, declaring the properties the bench's programs set. Returns the folder.
 */
const writeNoopPlugin = (dir: string): string => {
  const binDir = path.join(dir, "bin");
  fs.mkdirSync(binDir);
  const schemaPath = path.join(binDir, "schema.json");
  fs.writeFileSync(schemaPath, JSON.stringify(noopSchema(Object.keys(componentInputs(COMPONENT_ID, FIRST_VERSION)))));
  const script = `#!/usr/bin/env node\nrequire(${JSON.stringify(path.join(__dirname, "noopPlugin.js"))}).main(${JSON.stringify(schemaPath)});\n`;
  fs.writeFileSync(path.join(binDir, `pulumi-resource-${NOOP_PACKAGE}`), script, { mode: 0o755 });
  return binDir;
};

/** Pulumi.yaml declaring one resource of `type` per component, with the inputs the dynamic resources' program gives them. */
const writeYamlProgram = (dir: string, type: string, components: readonly string[], version: string) =>
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    toYaml({
      name: "bench-plugin",
      runtime: "yaml",
      resources: Object.fromEntries(components.map((componentId) => [componentId, { type, properties: componentInputs(componentId, version) }])),
    }),
  );

/**
 * Milliseconds from exec to the port on the plugin's stdout (the engine's handshake), the
 * plugin found on PATH as the engine finds it; resolves once the killed process has ended,
 * so that runs do not overlap. The argument stands for the engine's address, which the
 * engine passes: nothing dials it before the port is printed.
 */
const pluginStartMs = (command: string, env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, ["127.0.0.1:1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let ms: number | undefined;
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      if (ms === undefined && out.includes("\n")) {
        ms = Number(process.hrtime.bigint() - t0) / 1e6;
        child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      ms !== undefined ? resolve(ms) : reject(new Error(`${command} ended (${code ?? signal}) before printing its port: ${err}`)),
    );
  });

const benchPluginColdStart = async (env: NodeJS.ProcessEnv) => {
  const ours: number[] = [];
  const noop: number[] = [];
  for (let i = 0; i < COLD_START_RUNS + 1; i++) {
    // Alternate, and drop the first pair (file-system cache warm-up).
    const a = await pluginStartMs(`pulumi-resource-${PLUGINS.ours.pkg}`, env);
    const b = await pluginStartMs(`pulumi-resource-${PLUGINS.noop.pkg}`, env);
    if (i > 0) {
      ours.push(a);
      noop.push(b);
    }
  }
  const ratio = median(ours) / median(noop);
  record(
    "plugin cold start, exec to port printed (ours / no-op plugin)",
    `${round(median(ours), 0)} ms / ${round(median(noop), 0)} ms = ${round(ratio)}x`,
    "(information)",
    null,
    { oursMs: ours, noopMs: noop, ratio },
  );
};

/** PATH with the no-op plugin written into `scratch` first, before the folder where scripts/pulumi-env.sh put ours. */
const pathWithNoopPlugin = (scratch: string): string => `${writeNoopPlugin(scratch)}${path.delimiter}${process.env.PATH ?? ""}`;

/**
 * Runs `body` on a new stack of the program in `dir` (the plain CLI, with `PATH`) whose
 * plugin is configured for a new emulator holding `components`; `programConfig` is the
 * program's own stack config. Removes the stack and stops the emulator afterwards.
 */
const withPluginStack = async <T>(
  kind: keyof typeof PLUGINS,
  components: readonly string[],
  dir: string,
  PATH: string,
  programConfig: Record<string, string>,
  body: (stack: ProgramStack, emulator: Emulator) => Promise<T>,
): Promise<T> => {
  const { pkg } = PLUGINS[kind];
  const emulator = await startEmulator({ seed: componentsSeed(components), token: TOKEN, jobDurationMs: 0 });
  const stack = new ProgramStack(dir, { PATH });
  try {
    await stack.init({ [`${pkg}:endpoint`]: emulator.url, [`${pkg}:projectId`]: PROJECT_ID, ...programConfig }, { [`${pkg}:authToken`]: TOKEN });
    return await body(stack, emulator);
  } finally {
    await stack.dispose();
    await emulator.close();
  }
};

/**
 * Times, on a new stack of a program declaring `n` resources of the `kind` plugin: a preview,
 * an up from the empty stack, then `changeVersion` (untimed; it changes every component's
 * version) and an up, each checked to do the work it is timed for. Appends the times to
 * `times`; returns the ServiceStage calls the three made.
 */
const timePluginPhases = async (
  kind: keyof typeof PLUGINS,
  n: number,
  stack: ProgramStack,
  emulator: Emulator,
  times: EngineTimes,
  changeVersion: () => Promise<unknown>,
): Promise<Record<string, number>> => {
  // The stack itself is created with the resources.
  const expect = (phase: string, changes: Record<string, number>, change: string, count: number) => {
    if ((changes[change] ?? 0) !== count) throw new Error(`the ${kind} plugin's ${phase} had ${JSON.stringify(changes)}, not ${count} ${change}s`);
  };
  let t0 = performance.now();
  const preview = await stack.preview();
  times[`${kind}Preview`].push(performance.now() - t0);
  expect("preview", preview, "create", n + 1);
  const previewCalls = emulator.requests().length;
  t0 = performance.now();
  const up = await stack.up();
  times[`${kind}Up`].push(performance.now() - t0);
  expect("up", up.resourceChanges, "create", n + 1);
  const upRequests = emulator.requests();
  emulator.clearRequests();
  await changeVersion();
  t0 = performance.now();
  const update = await stack.up();
  times[`${kind}Update`].push(performance.now() - t0);
  expect("update", update.resourceChanges, "update", n);
  return callCounts(previewCalls, upRequests, emulator.requests());
};

/** The rows of a plugin figure: preview, up and update ratios, and ours' HTTP calls. `program` names the program's language in the metric ("" for YAML, the first measured). */
const recordPluginRows = (program: string, n: number, times: EngineTimes, calls: Record<string, number>) => {
  const of = `${n} JobComponents${program} via the plugin`;
  recordRatio(`pulumi preview, ${of} (ours / no-op plugin)`, times.oursPreview, times.noopPreview, 1.1, times);
  recordRatio(`pulumi up, ${of} (ours / no-op plugin)`, times.oursUp, times.noopUp, 1.3, times);
  recordRatio(`pulumi up, ${n} changed JobComponents${program} via the plugin (ours / no-op plugin)`, times.oursUpdate, times.noopUpdate, 1.3, times);
  record(
    `HTTP calls, ${of}`,
    describeCalls(calls, true),
    `preview 0; up ${n} PUT + polls; update ${n} GET + ${n} PUT + polls`,
    calls.preview === 0 && calls.upPut === n && calls.updateComponentGet === n && calls.updatePut === n,
    calls,
  );
};

/**
 * Preview, up from an empty stack, and an up changing every component's version, of a YAML
 * program declaring PLUGIN_SIZE JobComponents through pulumi-resource-servicestage against
 * the emulator, and of the same program on the no-op plugin, alternating in each run. Then
 * the same against the dynamic resources at the same size, measured by benchEngine in this
 * run (a TypeScript program, through the Automation API): what the language and the front
 * door change for a user, not a goal.
 */
const benchPlugin = async (dynamic: EngineTimes | undefined) => {
  const n = PLUGIN_SIZE;
  const components = componentIds(n);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-bench-plugin-"));
  try {
    const PATH = pathWithNoopPlugin(scratch);
    await benchPluginColdStart(Object.fromEntries([...Object.entries(process.env), ["PATH", PATH]].filter(([k]) => !/^(HW_|SERVICESTAGE_)/.test(k))));

    const times = emptyTimes();
    let calls: Record<string, number> = {};
    for (let run = 0; run < ENGINE_RUNS; run++) {
      for (const kind of ["ours", "noop"] as const) {
        const { type } = PLUGINS[kind];
        // A folder per stack: the update rewrites the program.
        const dir = fs.mkdtempSync(path.join(scratch, `${kind}-`));
        writeYamlProgram(dir, type, components, FIRST_VERSION);
        const runCalls = await withPluginStack(kind, components, dir, PATH, {}, (stack, emulator) =>
          timePluginPhases(kind, n, stack, emulator, times, async () => writeYamlProgram(dir, type, components, CHANGED_VERSION)),
        );
        if (kind === "ours" && run === 0) calls = runCalls;
      }
    }
    recordPluginRows("", n, times, calls);
    if (dynamic !== undefined) {
      const compare = (phase: string, plugin: number[], dynamicPhase: number[]) =>
        `${phase} ${round(median(plugin) / 1000)} s / ${round(median(dynamicPhase) / 1000)} s = ${round(median(plugin) / median(dynamicPhase))}x`;
      record(
        `${n} JobComponents, a YAML program via the plugin / a TypeScript program via the dynamic resources`,
        [
          compare("preview", times.oursPreview, dynamic.oursPreview),
          compare("up", times.oursUp, dynamic.oursUp),
          compare("update", times.oursUpdate, dynamic.oursUpdate),
        ].join("; "),
        "(information)",
        null,
        { plugin: times, dynamic },
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
};

// ---------------------------------------------------------------------------------------
// The native plugin from a Go program: bench/go/ours (the generated Go SDK, sdk/go) and
// bench/go/noop (the same program registering benchnoop:index:Thing), each run with the
// plain CLI and pulumi-language-go in a copy of its folder.

/** The project both Go programs are run as: `count` and `version` are its stack config. */
const GO_PROJECT = "bench-go";

/**
 * Copies bench/go/`kind` (main.go, go.mod, go.sum) into `dir` with a Pulumi.yaml, each
 * relative `replace` target of its go.mod (ours: the repository's sdk/go) made absolute,
 * resolved against the committed folder, so that the copy builds where it is. Returns `dir`.
 */
const copyGoProgram = (kind: keyof typeof PLUGINS, dir: string): string => {
  const source = path.join(repo, "bench", "go", kind);
  fs.mkdirSync(dir);
  for (const file of ["main.go", "go.sum"]) fs.copyFileSync(path.join(source, file), path.join(dir, file));
  const goMod = fs.readFileSync(path.join(source, "go.mod"), "utf8").replace(/(=>\s*)(\.{1,2}\/\S*)/g, (_, arrow: string, target: string) => {
    const absolute = path.resolve(source, target);
    if (!fs.existsSync(path.join(absolute, "go.mod"))) throw new Error(`bench/go/${kind}/go.mod replaces a module with ${target}, which holds no go.mod`);
    return `${arrow}${absolute}`;
  });
  fs.writeFileSync(path.join(dir, "go.mod"), goMod);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), toYaml({ name: GO_PROJECT, runtime: "go" }));
  return dir;
};

/**
 * Preview, up from an empty stack, and an up changing every component's version (a config
 * change: the program is not rebuilt for it) of a Go program declaring PLUGIN_SIZE
 * JobComponents through the Go SDK and pulumi-resource-servicestage against the emulator,
 * and of the same program on the no-op plugin, alternating in each run. The Go host runs
 * `go build` before every operation (a link, once the build cache holds the program), so
 * that every figure includes it, on both sides. A program's first build compiles it: it is
 * timed apart (information), and an untimed preview of each program precedes the timed ones.
 */
const benchGoPlugin = async () => {
  const n = PLUGIN_SIZE;
  const components = componentIds(n);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-bench-go-"));
  try {
    const PATH = pathWithNoopPlugin(scratch);
    const dirs = { ours: copyGoProgram("ours", path.join(scratch, "ours")), noop: copyGoProgram("noop", path.join(scratch, "noop")) };
    const programConfig = { [`${GO_PROJECT}:count`]: String(n), [`${GO_PROJECT}:version`]: FIRST_VERSION };
    const changeVersion = (stack: ProgramStack) => () => stack.pulumi(["config", "set", `${GO_PROJECT}:version`, CHANGED_VERSION]);

    // What the Go host's `go build` costs each program: once in its new folder (compiling
    // it, and whatever the build cache lacks), then again, a link, as before every operation.
    // Each into a new file, as the host builds: go build skips the link when the file it
    // would write is up to date.
    let builds = 0;
    const build = (kind: keyof typeof PLUGINS) => {
      const t0 = performance.now();
      execFileSync("go", ["build", "-o", path.join(scratch, `program-${++builds}`)], { cwd: dirs[kind], stdio: ["ignore", "ignore", "pipe"] });
      return performance.now() - t0;
    };
    const buildMs = { ours: { first: build("ours"), again: build("ours") }, noop: { first: build("noop"), again: build("noop") } };
    // The warm-up: each program's first preview, untimed, so that every timed one is warm.
    for (const kind of ["ours", "noop"] as const) await withPluginStack(kind, components, dirs[kind], PATH, programConfig, (stack) => stack.preview());

    const times = emptyTimes();
    let calls: Record<string, number> = {};
    for (let run = 0; run < ENGINE_RUNS; run++) {
      for (const kind of ["ours", "noop"] as const) {
        const runCalls = await withPluginStack(kind, components, dirs[kind], PATH, programConfig, (stack, emulator) =>
          timePluginPhases(kind, n, stack, emulator, times, changeVersion(stack)),
        );
        if (kind === "ours" && run === 0) calls = runCalls;
      }
    }
    recordPluginRows(" from Go", n, times, calls);
    const seconds = (ms: number) => `${round(ms / 1000, 1)} s`;
    record(
      `go build of the Go program, ${n} JobComponents (ours; no-op plugin), with the Go build cache as found`,
      (["ours", "noop"] as const)
        .map((kind) => `${kind === "ours" ? "ours" : "no-op plugin"}: first ${seconds(buildMs[kind].first)}, again ${seconds(buildMs[kind].again)}`)
        .join("; ") + " (every operation above runs the second kind)",
      "(information)",
      null,
      buildMs,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
};

/** 100 changed components against an emulator limited to 10 requests/s. */
const benchThrottling = async () => {
  const n = QUICK ? 20 : 100;
  const rps = 10;
  const components = componentIds(n);
  const emulator = await startEmulator({ seed: componentsSeed(components), token: TOKEN, jobDurationMs: 0 });
  let version = FIRST_VERSION;
  const program = async () => {
    components.forEach((componentId) => new JobComponent(componentId, componentInputs(componentId, version) as never));
  };
  const env = await newStack("bench-throttle", program, {
    "servicestage:endpoint": { value: emulator.url },
    "servicestage:projectId": { value: PROJECT_ID },
    "servicestage:authToken": { value: TOKEN, secret: true },
  });
  try {
    await env.stack.up();
    version = CHANGED_VERSION;
    emulator.clearRequests();
    emulator.setRateLimit(rps);
    const t0 = performance.now();
    const up = await env.stack.up();
    const seconds = (performance.now() - t0) / 1000;
    const requests = emulator.requests();
    const throttled = requests.filter((r) => r.status === 429).length;
    const admitted = requests.length - throttled;
    // At least three requests per component: the look before the redeploy (no job runs
    // twice), the PUT, and one job poll.
    const floor = (3 * n) / rps;
    // Two redeploys each: the adoption at the first up, and this change.
    const allOnce = components.every((c) => emulator.redeployCount(c) === 2);
    const ratio = seconds / floor;
    record(
      `convergence, ${n} changed components at ${rps} req/s`,
      `${up.summary.result}; ${round(seconds, 1)} s vs floor ${floor} s = ${round(ratio)}x; ${admitted} admitted + ${throttled} throttled requests; each redeployed once: ${allOnce}`,
      "all succeed, none twice, <= 1.5x",
      up.summary.result === "succeeded" && allOnce && ratio <= 1.5,
      { seconds, floor, ratio, admitted, throttled, allOnce },
    );
  } finally {
    await env.dispose();
    await emulator.close();
  }
};

/**
 * Many changed components with jobs that take a while: the engine runs at most `--parallel`
 * resource operations at once (default 8), and an update holds its slot until its job ends.
 * The plain CLI in the fleet test program's folder, the emulator's jobs lasting JOB_SECONDS.
 */
const benchParallelism = async () => {
  const n = 50;
  const jobSeconds = QUICK ? 2 : 3;
  const emulator = await startEmulator({ seed: fleetSeed(n), token: TOKEN, jobDurationMs: jobSeconds * 1000 });
  const stack = new ProgramStack(path.join(repo, "test", "programs", "fleet"));
  try {
    await stack.init({ "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, count: String(n) }, { "servicestage:authToken": TOKEN });
    await stack.up(["--parallel", String(n)]);
    // What an up costs with nothing to do (CLI, language host, program, 50 diffs): the rest is waiting for jobs.
    let t0 = performance.now();
    await stack.up();
    const idleSeconds = (performance.now() - t0) / 1000;
    const raw: Record<string, unknown> = { idleSeconds };
    for (const [label, args, version] of [
      ["default --parallel (8)", [], "2025.0901.1"],
      [`--parallel ${n}`, ["--parallel", String(n)], "2025.0902.1"],
    ] as const) {
      await stack.pulumi(["config", "set", "version", version]);
      emulator.clearRequests();
      t0 = performance.now();
      const up = await stack.up([...args]);
      const seconds = (performance.now() - t0) / 1000;
      const redeploys = emulator.requests().filter((r) => r.method === "PUT").length;
      const ratio = seconds / jobSeconds;
      raw[label] = { seconds, redeploys, ratio, changes: up.resourceChanges };
      record(
        `pulumi up, ${n} changed components, ${jobSeconds} s jobs, ${label}`,
        `${round(seconds, 1)} s = ${round(ratio, 1)}x the floor of one job (${jobSeconds} s); an up with nothing to do takes ${round(idleSeconds, 1)} s; ${redeploys} redeploys`,
        "(information)",
        null,
        raw[label],
      );
    }
  } finally {
    await stack.dispose();
    await emulator.close();
  }
};

const main = async () => {
  const started = Date.now();
  const registered = await benchProviderSize();
  const noopRegistered = await captureInputs(() => [new Noop("noop", { a: 1 })]);
  await benchColdStart(registered[0].inputs, noopRegistered[0].inputs);
  await benchThroughput();
  const engineTimes = await benchEngine();
  await benchPlugin(engineTimes.get(PLUGIN_SIZE));
  await benchGoPlugin();
  await benchThrottling();
  await benchParallelism();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    pulumi: execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim(),
    platform: `${os.platform()} ${os.release()}`,
  };
  const out = {
    date: new Date().toISOString(),
    quick: QUICK,
    runs: RUNS,
    engineRuns: ENGINE_RUNS,
    machine,
    wallSeconds: round((Date.now() - started) / 1000, 1),
    rows,
    raw: results,
  };
  fs.writeFileSync(path.join(repo, "bench", QUICK ? "results.quick.json" : "results.json"), `${JSON.stringify(out, null, 2)}\n`);
  const width = Math.max(...rows.map((r) => r.metric.length));
  process.stdout.write(`\n${"metric".padEnd(width)} | value | goal | met\n`);
  for (const r of rows) process.stdout.write(`${r.metric.padEnd(width)} | ${r.value} | ${r.goal} | ${r.met === null ? "-" : r.met ? "yes" : "NO"}\n`);
  process.stdout.write(`\nmachine: ${JSON.stringify(machine)}\n`);
};

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`);
    process.exit(1);
  },
);
