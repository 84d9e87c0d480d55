/**
 * The native plugin's cold start: from exec to the port it prints (the engine's
 * handshake), pulumi-resource-servicestage against the no-op plugin (bench/noopPlugin.ts),
 * so that the ratio is what loading our plugin adds before the engine can call it
 * (information, no goal). bench/pluginYaml.ts runs it, with the no-op plugin on PATH.
 */
import { spawn } from "node:child_process";
import { COLD_START_RUNS } from "./options";
import { PLUGINS } from "./programs";
import { median, record, round } from "./report";

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

/** `env`: the environment the plugins start in, its PATH finding both (pathWithNoopPlugin). */
export const benchPluginColdStart = async (env: NodeJS.ProcessEnv) => {
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
