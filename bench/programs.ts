/**
 * What several figures share to write and run the bench's programs: the components they
 * declare and the emulator's world holding them, the two versions an update moves between,
 * the phases' times and the ServiceStage calls they are checked against, and, for the
 * native plugin's figures, the no-op plugin on PATH and a stack run with the plain CLI.
 * Ours and the no-op are given the same inputs, so that a ratio compares providers only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator/server";
import type { RecordedRequest } from "../emulator/http";
import { ProgramStack } from "../test/harness/cli";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobSpec, seed } from "../test/harness/world";
import { jobPageExampleWire } from "../test/fixtures/wire";
import { NOOP_PACKAGE, NOOP_TYPE, noopSchema } from "./noopPlugin";
import { record, recordRatio } from "./report";

/** N job components' ids: comp-000, comp-001, ... */
export const componentIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `comp-${String(i).padStart(3, "0")}`);

/** The emulator's world with these job components, each named job-<componentId> as the bench's programs declare it. */
export const componentsSeed = (components: readonly string[]) => {
  const s = seed();
  s.components = components.map((componentId) => ({ applicationId: APP_ID, componentId, spec: { ...jobPageExampleWire(), name: `job-${componentId}` } }));
  return s;
};

/** What a bench program declares for a component: the same inputs for ours and the no-op. */
export const componentInputs = (componentId: string, version: string) => ({
  applicationId: APP_ID,
  componentId,
  ...jobSpec({ name: `job-${componentId}`, version }),
});

export const FIRST_VERSION = "2025.0323.15181";
export const CHANGED_VERSION = "2025.0601.1";

/** Wall times (ms) of each phase, ours and the no-op, one entry per run. */
export interface EngineTimes {
  oursPreview: number[];
  noopPreview: number[];
  oursUp: number[];
  noopUp: number[];
  oursUpdate: number[];
  noopUpdate: number[];
}
export const emptyTimes = (): EngineTimes => ({ oursPreview: [], noopPreview: [], oursUp: [], noopUp: [], oursUpdate: [], noopUpdate: [] });

/** The ServiceStage calls of a preview (their count), an up from an empty stack and an up changing every component. */
export const callCounts = (previewCalls: number, upRequests: RecordedRequest[], updateRequests: RecordedRequest[]) => ({
  preview: previewCalls,
  upPut: upRequests.filter((r) => r.method === "PUT").length,
  upComponentGet: upRequests.filter((r) => r.method === "GET" && r.path.includes("/components/")).length,
  upJobPolls: upRequests.filter((r) => r.path.includes("/jobs/")).length,
  updateComponentGet: updateRequests.filter((r) => r.method === "GET" && r.path.includes("/components/")).length,
  updatePut: updateRequests.filter((r) => r.method === "PUT").length,
  updateJobPolls: updateRequests.filter((r) => r.path.includes("/jobs/")).length,
});
export const describeCalls = (calls: Record<string, number>, withUpdate: boolean): string =>
  `preview ${calls.preview}; up ${calls.upPut} PUT + ${calls.upComponentGet} GET (adoption) + ${calls.upJobPolls} job polls` +
  (withUpdate ? `; update ${calls.updateComponentGet} GET (the look) + ${calls.updatePut} PUT + ${calls.updateJobPolls} job polls` : "");

// ---------------------------------------------------------------------------------------
// The native plugin (pulumi-resource-servicestage): a program run with the plain CLI in a
// folder of its own, against the same program shape on a no-op plugin (bench/noopPlugin.ts).

/** The two plugins a program of the bench uses: the package (its stack config namespace) and the resource type. */
export const PLUGINS = {
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

/** PATH with the no-op plugin written into `scratch` first, before the folder where scripts/pulumi-env.sh put ours. */
export const pathWithNoopPlugin = (scratch: string): string => `${writeNoopPlugin(scratch)}${path.delimiter}${process.env.PATH ?? ""}`;

/**
 * Runs `body` on a new stack of the program in `dir` (the plain CLI, with `PATH`) whose
 * plugin is configured for a new emulator holding `components`; `programConfig` is the
 * program's own stack config. Removes the stack and stops the emulator afterwards.
 */
export const withPluginStack = async <T>(
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
export const timePluginPhases = async (
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
export const recordPluginRows = (program: string, n: number, times: EngineTimes, calls: Record<string, number>) => {
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
