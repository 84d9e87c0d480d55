/**
 * `npm run bench`: what users pay for this package, each figure a median of several
 * runs, each comparison a ratio measured side by side in the same run. Prints a table
 * and writes bench/results.json (with the machine it ran on).
 *
 *   npm run bench            full run (several minutes: real engine, stacks up to 200)
 *   BENCH_QUICK=1 npm run bench   fewer runs and smaller stacks, for a smoke check
 *
 * This file only runs the figures, in the table's order, then the report. Each figure
 * lives in a file of its own beside it and records its rows through report.ts (which
 * writes the table and results.json); options.ts holds the run counts and sizes,
 * programs.ts what the figures share to write and run programs, and noopDynamic.ts and
 * noopPlugin.ts the no-op floors the ratios divide by.
 */
import { benchCheckDiffThroughput } from "./checkDiffThroughput";
import { benchEngine } from "./engine";
import { benchHostColdStart } from "./hostColdStart";
import { benchJobDetection } from "./jobDetection";
import { PLUGIN_SIZE } from "./options";
import { benchParallelism } from "./parallelism";
import { benchPluginGo } from "./pluginGo";
import { benchPluginYaml } from "./pluginYaml";
import { benchProviderSize } from "./providerSize";
import { benchReleaseRun } from "./releaseRun";
import { writeReport } from "./report";
import { benchThrottling } from "./throttling";

const main = async () => {
  const started = Date.now();
  const registered = await benchProviderSize();
  await benchHostColdStart(registered[0].inputs);
  await benchCheckDiffThroughput();
  const engineTimes = await benchEngine();
  // The plugin's cold start is recorded here too, before the YAML rows.
  await benchPluginYaml(engineTimes.get(PLUGIN_SIZE));
  await benchPluginGo();
  await benchThrottling();
  await benchParallelism();
  await benchJobDetection();
  await benchReleaseRun();
  writeReport(started);
};

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`);
    process.exit(1);
  },
);
