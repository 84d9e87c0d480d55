/**
 * The report: every figure records its rows here, in the order they are measured, and
 * `writeReport` prints them as the table and writes them to bench/results.json with the
 * machine they were measured on, so that a figure is never read apart from where it ran.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { repo } from "../test/harness/automation";
import { ENGINE_RUNS, QUICK, RUNS } from "./options";

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
/** Progress on stderr: stdout holds only the table. */
export const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  metric: string;
  value: string;
  goal: string;
  met: boolean | null;
}
const rows: Row[] = [];
/** Each row's raw measurements, by metric: results.json's `raw`. */
const results: Record<string, unknown> = {};

export const record = (metric: string, value: string, goal: string, met: boolean | null, raw: unknown) => {
  rows.push({ metric, value, goal, met });
  results[metric] = raw;
  log(`${metric}: ${value} (goal ${goal})`);
};

/** A row comparing the medians of two series of wall times (ms), ours first: `a s / b s = r x`. */
export const recordRatio = (metric: string, ours: number[], floor: number[], limit: number | null, raw: unknown) => {
  const ratio = median(ours) / median(floor);
  record(
    metric,
    `${round(median(ours) / 1000)} s / ${round(median(floor) / 1000)} s = ${round(ratio)}x`,
    limit === null ? "(information)" : `<= ${limit.toFixed(2)}x`,
    limit === null ? null : ratio <= limit,
    raw,
  );
};

/** Writes bench/results.json (results.quick.json for a quick run) and prints the table; `started` is when the run began (Date.now()). */
export const writeReport = (started: number) => {
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
