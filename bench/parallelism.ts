/**
 * What `--parallel` buys when jobs take a while: 50 changed components, the default
 * against one slot per component, each against the floor of one job, for information.
 */
import * as path from "node:path";
import { startEmulator } from "../emulator/server";
import { repo } from "../test/harness/automation";
import { ProgramStack } from "../test/harness/cli";
import { PROJECT_ID, TOKEN, fleetSeed } from "../test/harness/world";
import { QUICK } from "./options";
import { record, round } from "./report";

/**
 * Many changed components with jobs that take a while: the engine runs at most `--parallel`
 * resource operations at once (default 8), and an update holds its slot until its job ends.
 * The plain CLI in the fleet test program's folder, the emulator's jobs lasting JOB_SECONDS.
 */
export const benchParallelism = async () => {
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
