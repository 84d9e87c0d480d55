/**
 * The native plugin from a Go program: bench/go/ours (the generated Go SDK, sdk/go) and
 * bench/go/noop (the same program registering benchnoop:index:Thing), each run with the
 * plain CLI and pulumi-language-go in a copy of its folder; and what the Go host's
 * `go build` adds to every operation, on both sides (information).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { stringify as toYaml } from "yaml";
import { repo } from "../test/harness/automation";
import { ProgramStack } from "../test/harness/cli";
import { ENGINE_RUNS, PLUGIN_SIZE } from "./options";
import {
  CHANGED_VERSION,
  FIRST_VERSION,
  PLUGINS,
  componentIds,
  emptyTimes,
  pathWithNoopPlugin,
  recordPluginRows,
  timePluginPhases,
  withPluginStack,
} from "./programs";
import { record, round } from "./report";

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
export const benchPluginGo = async () => {
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
