/**
 * What following a release run costs (docs/release-runs.md): a ReleasePlan update with
 * `runOnChange` (an edit of every component's version, then one execute followed to the
 * end) through the provider's lifecycle in-process, against the emulator in-process, on
 * the real clock. The task has two batches: comp-a (3 s) and comp-b (5 s) together in
 * batch 1, then comp-c (3 s) in batch 2, so the run itself lasts 5 s + 3 s = 8 s (the
 * ideal: batch 1's longest job, then batch 2's), against 11 s for the same jobs one after
 * another. Reported: the update's wall time against that ideal, how late each batch's end
 * was seen (from the emulator's clock to the first look after it), and the requests by
 * kind (GET task, GET deploy-info, GET job, PUT edit, POST execute).
 *
 *   node .tools/bench-build/bench/releaseRun.js   this figure alone (prints its rows, writes nothing)
 */
import { Emulator, Wire, startEmulator } from "../emulator/server";
import { setProgressSink } from "../provider/progress";
import { setStackSettings } from "../provider/providerState";
import { releasePlanProvider } from "../test/harness/providers";
import { PROJECT_ID, TOKEN } from "../test/harness/world";
import { ENGINE_RUNS } from "./options";
import { median, record, round } from "./report";

const PLAN_ID = "6c0d8e57-2f4b-4d8a-9a3e-0b1c2d3e4f50";
const APP = "app-bench";
/** The components, their batch (seq) and their job's length. */
const COMPONENTS = [
  { id: "comp-a", seq: 1, jobMs: 3000 },
  { id: "comp-b", seq: 1, jobMs: 5000 },
  { id: "comp-c", seq: 2, jobMs: 3000 },
] as const;
const batchLengths = [1, 2].map((seq) => Math.max(...COMPONENTS.filter((c) => c.seq === seq).map((c) => c.jobMs)));
/** The run's own length: each batch as long as its longest job, one after the other. */
const IDEAL_MS = batchLengths.reduce((a, b) => a + b, 0);
const SERIAL_MS = COMPONENTS.reduce((a, c) => a + c.jobMs, 0);

/** A release task entry as ServiceStage holds it (snake_case, as the emulator is seeded). */
const entryWire = (c: (typeof COMPONENTS)[number], version: string): Wire => ({
  seq: c.seq,
  component_id: c.id,
  name: c.id.replace("comp-", "svc-"),
  environment_id: "env-prod",
  runtime_stack: { name: "OpenJDK17", version: "17.0.1", type: "Java", deploy_mode: "container" },
  source: { kind: "image", url: `swr.cn-north-4.myhuaweicloud.com/demo/${c.id}:${version}`, storage: "swr" },
  version,
  replica: 2,
  refer_resources: [{ id: "cce-cluster-1", type: "cce", parameters: { namespace: "default" } }],
  deploy_strategy: { type: "RollingRelease", rolling_release: { batches: 2 } },
});
/** The same entry as a program declares it (camelCase). */
const entryInput = (c: (typeof COMPONENTS)[number], version: string): Record<string, unknown> => ({
  seq: c.seq,
  componentId: c.id,
  name: c.id.replace("comp-", "svc-"),
  environmentId: "env-prod",
  runtimeStack: { name: "OpenJDK17", version: "17.0.1", type: "Java", deployMode: "container" },
  source: { kind: "image", url: `swr.cn-north-4.myhuaweicloud.com/demo/${c.id}:${version}`, storage: "swr" },
  version,
  replica: 2,
  referResources: [{ id: "cce-cluster-1", type: "cce", parameters: { namespace: "default" } }],
  deployStrategy: { type: "RollingRelease", rollingRelease: { batches: 2 } },
});
const inputs = (version: string): Record<string, unknown> => ({
  releasePlanId: PLAN_ID,
  name: "bench-release",
  failStrategy: "stop",
  components: COMPONENTS.map((c) => entryInput(c, version)),
  runOnChange: true,
});

const startWorld = (): Promise<Emulator> =>
  startEmulator({
    token: TOKEN,
    jobDurationMs: 0,
    seed: {
      projectId: PROJECT_ID,
      components: COMPONENTS.map((c) => {
        const { seq: _seq, component_id: _id, deploy_strategy: _strategy, ...spec } = entryWire(c, "0.9.0");
        return { applicationId: APP, componentId: c.id, spec };
      }),
      releasePlans: [
        { releasePlanId: PLAN_ID, plan: { name: "bench-release", fail_strategy: "stop", components: COMPONENTS.map((c) => entryWire(c, "0.9.0")) } },
      ],
    },
  });

interface OneRun {
  wallMs: number;
  runStatus: unknown;
  requests: Record<string, number>;
  /** From each batch's end (the emulator's clock: execute + the batches' lengths) to the first look (GET deploy-info) sent after it. */
  seenLateMs: number[];
}

const kindOf = (method: string, path: string): string => {
  const plan = `/release-plans/${PLAN_ID}`;
  if (method === "GET" && path.endsWith(plan)) return "GET task";
  if (method === "GET" && path.endsWith(`${plan}/deploy-info`)) return "GET deploy-info";
  if (method === "GET" && /\/jobs\/[^/]+$/.test(path)) return "GET job";
  if (method === "PUT" && path.endsWith(plan)) return "PUT edit";
  if (method === "POST" && path.endsWith(`${plan}/execute`)) return "POST execute";
  return `${method} other`;
};

/** One update that edits every version and executes the task once, timed from the call to its answer. */
const oneRun = async (emulator: Emulator, olds: Record<string, unknown>, version: string): Promise<{ run: OneRun; outs: Record<string, unknown> }> => {
  const news = (await releasePlanProvider.check(olds, inputs(version))).inputs as Record<string, unknown>;
  emulator.clearRequests();
  const t0 = Date.now();
  const { outs } = await releasePlanProvider.update(PLAN_ID, olds, news);
  const wallMs = Date.now() - t0;
  const log = emulator.requests();
  const requests: Record<string, number> = {};
  for (const r of log) requests[kindOf(r.method, r.path)] = (requests[kindOf(r.method, r.path)] ?? 0) + 1;
  const executedAt = log.find((r) => kindOf(r.method, r.path) === "POST execute")?.at ?? t0;
  const looks = log.filter((r) => kindOf(r.method, r.path) === "GET deploy-info").map((r) => r.at);
  const ends = batchLengths.map((_, i) => executedAt + batchLengths.slice(0, i + 1).reduce((a, b) => a + b, 0));
  const seenLateMs = ends.map((end) => (looks.find((at) => at >= end) ?? Number.NaN) - end);
  return { run: { wallMs, runStatus: (outs as Record<string, unknown>).runStatus, requests, seenLateMs }, outs: outs as Record<string, unknown> };
};

export const benchReleaseRun = async () => {
  const emulator = await startWorld();
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  setProgressSink(() => undefined);
  try {
    for (const c of COMPONENTS) emulator.setJobDuration({ componentId: c.id, ms: c.jobMs });
    // Adopt the task with a first run (not timed), then time updates that each release a new version.
    const created = await releasePlanProvider.create((await releasePlanProvider.check({}, inputs("1.0.0"))).inputs as Record<string, unknown>);
    let olds = created.outs as Record<string, unknown>;
    const runs: OneRun[] = [];
    for (let i = 0; i < ENGINE_RUNS; i++) {
      const { run, outs } = await oneRun(emulator, olds, `1.${i + 1}.0`);
      if (run.runStatus !== "SUCCESS") throw new Error(`the release run ended ${String(run.runStatus)}`);
      runs.push(run);
      olds = outs;
    }
    const wall = median(runs.map((r) => r.wallMs));
    const kinds = ["GET task", "GET deploy-info", "GET job", "PUT edit", "POST execute"];
    const others = [...new Set(runs.flatMap((r) => Object.keys(r.requests)))].filter((k) => !kinds.includes(k));
    const perKind = [...kinds, ...others].map((k) => `${median(runs.map((r) => r.requests[k] ?? 0))} ${k}`).join(" + ");
    const total = median(runs.map((r) => Object.values(r.requests).reduce((a, b) => a + b, 0)));
    const late = (i: number) => runs.map((r) => round(r.seenLateMs[i] / 1000, 2));
    const executions = emulator.releaseExecutionCount(PLAN_ID);
    record(
      `release run, 2 batches (3 s + 5 s jobs, then 3 s): wall time vs the ideal (${IDEAL_MS / 1000} s)`,
      `${round(wall / 1000)} s = ${round(wall / IDEAL_MS)}x the ideal (${IDEAL_MS / 1000} s; the same jobs one after another: ${SERIAL_MS / 1000} s); ` +
        `batch ends seen after ${late(0).join(", ")} s (batch 1) and ${late(1).join(", ")} s (batch 2); ` +
        `${total} requests: ${perKind}; ${executions - 1} executions for ${runs.length} updates`,
      "<= ideal + 2 s (one poll); 1 POST execute per update",
      wall <= IDEAL_MS + 2000 + 500 && runs.every((r) => r.requests["POST execute"] === 1) && executions - 1 === runs.length,
      { idealMs: IDEAL_MS, serialMs: SERIAL_MS, runs },
    );
  } finally {
    setProgressSink(undefined);
    await emulator.close();
  }
};

if (require.main === module)
  benchReleaseRun().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`);
      process.exit(1);
    },
  );
