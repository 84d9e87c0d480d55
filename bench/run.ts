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
import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../emulator/server";
import { JobComponent, ReleasePlan } from "../sdk";
import { jobMaximal, jobPageExample } from "../test/fixtures/specs";
import { captureInputs, unwrapSecrets } from "../test/helpers/captureInputs";
import { newStack, repo } from "../test/helpers/automation";
import { ProgramStack } from "../test/helpers/cli";
import type { JobComponentInputs } from "../provider/resourceProps";
import { startProviderHost } from "../test/helpers/providerHost";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, fleetSeed, jobSpec, releaseSpec, seed } from "../test/helpers/world";
import { jobPageExampleWire } from "../test/fixtures/wire";

const QUICK = process.env.BENCH_QUICK === "1";
const RUNS = QUICK ? 2 : 5;
const ENGINE_RUNS = QUICK ? 1 : 3;
const SIZES = QUICK ? [1, 10] : [1, 50, 200];

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
      await host.configure({});
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

/**
 * Wall time of preview and up for N resources from an empty stack, then (beyond one
 * resource) of an up that changes every resource's version: ours against the emulator,
 * and no-op.
 */
const benchEngine = async () => {
  const engine: Record<string, unknown> = {};
  for (const n of SIZES) {
    const components = Array.from({ length: n }, (_, i) => `comp-${String(i).padStart(3, "0")}`);
    // The update's cost (issue 14: one GET of the component before each redeploy) is measured where it adds up.
    const measureUpdate = n > 1;
    const times = {
      oursPreview: [] as number[],
      noopPreview: [] as number[],
      oursUp: [] as number[],
      noopUp: [] as number[],
      oursUpdate: [] as number[],
      noopUpdate: [] as number[],
    };
    let calls: Record<string, number> = {};
    let peakRssMb = 0;
    for (let run = 0; run < ENGINE_RUNS; run++) {
      for (const kind of ["ours", "noop"] as const) {
        const s = seed();
        s.components = components.map((componentId) => ({ applicationId: APP_ID, componentId, spec: { ...jobPageExampleWire(), name: `job-${componentId}` } }));
        const emulator = await startEmulator({ seed: s, token: TOKEN, jobDurationMs: 0 });
        let version = "2025.0323.15181";
        const program = async () => {
          if (kind === "ours")
            components.forEach(
              (componentId) =>
                new JobComponent(componentId, { applicationId: APP_ID, componentId, ...jobSpec({ name: `job-${componentId}`, version }) } as never),
            );
          else
            components.forEach(
              (componentId) => new Noop(componentId, { applicationId: APP_ID, componentId, ...jobSpec({ name: `job-${componentId}`, version }) }),
            );
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
            version = "2025.0601.1";
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
              preview: previewCalls,
              upPut: upRequests.filter((r) => r.method === "PUT").length,
              upComponentGet: upRequests.filter((r) => r.method === "GET" && r.path.includes("/components/")).length,
              upJobPolls: upRequests.filter((r) => r.path.includes("/jobs/")).length,
              updateComponentGet: updateRequests.filter((r) => r.method === "GET" && r.path.includes("/components/")).length,
              updatePut: updateRequests.filter((r) => r.method === "PUT").length,
              updateJobPolls: updateRequests.filter((r) => r.path.includes("/jobs/")).length,
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
    const previewRatio = median(times.oursPreview) / median(times.noopPreview);
    const upRatio = median(times.oursUp) / median(times.noopUp);
    record(
      `pulumi preview, ${n} JobComponents (ours / no-op)`,
      `${round(median(times.oursPreview) / 1000)} s / ${round(median(times.noopPreview) / 1000)} s = ${round(previewRatio)}x`,
      "<= 1.10x",
      previewRatio <= 1.1,
      times,
    );
    record(
      `pulumi up, ${n} JobComponents (ours / no-op)`,
      `${round(median(times.oursUp) / 1000)} s / ${round(median(times.noopUp) / 1000)} s = ${round(upRatio)}x`,
      "<= 1.25x",
      upRatio <= 1.25,
      times,
    );
    if (measureUpdate) {
      const updateRatio = median(times.oursUpdate) / median(times.noopUpdate);
      record(
        `pulumi up, ${n} changed JobComponents (ours / no-op)`,
        `${round(median(times.oursUpdate) / 1000)} s / ${round(median(times.noopUpdate) / 1000)} s = ${round(updateRatio)}x`,
        "<= 1.30x",
        updateRatio <= 1.3,
        times,
      );
    }
    // An update looks at the component exactly once (issue 14) and redeploys once.
    const updateMinimal = !measureUpdate || (calls.updateComponentGet === n && calls.updatePut === n);
    const minimal = calls.preview === 0 && calls.upPut === n && calls.refreshGet === n && calls.refreshOther === 0 && updateMinimal;
    const updateCalls = measureUpdate ? `; update ${calls.updateComponentGet} GET (the look) + ${calls.updatePut} PUT + ${calls.updateJobPolls} job polls` : "";
    record(
      `HTTP calls, ${n} JobComponents`,
      `preview ${calls.preview}; up ${calls.upPut} PUT + ${calls.upComponentGet} GET (adoption) + ${calls.upJobPolls} job polls${updateCalls}; refresh ${calls.refreshGet} GET`,
      `preview 0; up ${n} PUT + polls${measureUpdate ? `; update ${n} GET + ${n} PUT + polls` : ""}; refresh ${n} GET`,
      minimal,
      calls,
    );
    if (peakRssMb > 0) engine[`peakRss${n}`] = peakRssMb;
    if (n === Math.max(...SIZES)) record(`peak RSS of the provider host, ${n} resources`, `${round(peakRssMb, 0)} MB`, "< 200 MB", peakRssMb < 200, peakRssMb);
  }
};

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

/** 100 changed components against an emulator limited to 10 requests/s. */
const benchThrottling = async () => {
  const n = QUICK ? 20 : 100;
  const rps = 10;
  const components = Array.from({ length: n }, (_, i) => `comp-${String(i).padStart(3, "0")}`);
  const s = seed();
  s.components = components.map((componentId) => ({ applicationId: APP_ID, componentId, spec: { ...jobPageExampleWire(), name: `job-${componentId}` } }));
  const emulator = await startEmulator({ seed: s, token: TOKEN, jobDurationMs: 0 });
  let version = "2025.0323.15181";
  const program = async () => {
    components.forEach(
      (componentId) => new JobComponent(componentId, { applicationId: APP_ID, componentId, ...jobSpec({ name: `job-${componentId}`, version }) } as never),
    );
  };
  const env = await newStack("bench-throttle", program, {
    "servicestage:endpoint": { value: emulator.url },
    "servicestage:projectId": { value: PROJECT_ID },
    "servicestage:authToken": { value: TOKEN, secret: true },
  });
  try {
    await env.stack.up();
    version = "2025.0601.1";
    emulator.clearRequests();
    emulator.setRateLimit(rps);
    const t0 = performance.now();
    const up = await env.stack.up();
    const seconds = (performance.now() - t0) / 1000;
    const requests = emulator.requests();
    const throttled = requests.filter((r) => r.status === 429).length;
    const admitted = requests.length - throttled;
    const floor = (2 * n) / rps; // at least one PUT and one job poll per component
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
  await benchEngine();
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
