/**
 * The native plugin (pulumi-resource-servicestage) from a Pulumi YAML program, run with the
 * plain CLI in a folder of its own, against the same program on the no-op plugin
 * (bench/noopPlugin.ts), and against the dynamic resources' TypeScript program at the same
 * size (information). The plugin's cold start (bench/pluginColdStart.ts) is measured first,
 * from here, because it needs the no-op plugin this figure puts on PATH.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as toYaml } from "yaml";
import { ENGINE_RUNS, PLUGIN_SIZE } from "./options";
import { benchPluginColdStart } from "./pluginColdStart";
import {
  CHANGED_VERSION,
  FIRST_VERSION,
  PLUGINS,
  componentIds,
  componentInputs,
  emptyTimes,
  pathWithNoopPlugin,
  recordPluginRows,
  timePluginPhases,
  withPluginStack,
  type EngineTimes,
} from "./programs";
import { median, record, round } from "./report";

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
 * Preview, up from an empty stack, and an up changing every component's version, of a YAML
 * program declaring PLUGIN_SIZE JobComponents through pulumi-resource-servicestage against
 * the emulator, and of the same program on the no-op plugin, alternating in each run. Then
 * the same against the dynamic resources at the same size, measured by benchEngine in this
 * run (a TypeScript program, through the Automation API): what the language and the front
 * door change for a user, not a goal.
 */
export const benchPluginYaml = async (dynamic: EngineTimes | undefined) => {
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
