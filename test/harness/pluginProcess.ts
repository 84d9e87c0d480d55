/**
 * The plugin harness, beside the dynamic host's (providerHost.ts): starts a plugin
 * executable as the engine does (its arguments, its environment, its folder), reads the
 * port it prints on its first line of stdout (the engine's handshake), and keeps its
 * stderr for the failure messages of the tests that drive it.
 */
import { ChildProcess, spawn } from "node:child_process";

export interface PluginProcess {
  process: ChildProcess;
  port: number;
  /** From spawn to the port printed, in milliseconds. */
  startMs: number;
  stderr: () => string;
}

export const startPluginProcess = async (
  executable: string,
  options: { args?: string[]; cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<PluginProcess> => {
  const started = process.hrtime.bigint();
  const child = spawn(executable, options.args ?? [], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`${executable} printed no port within ${options.timeoutMs ?? 30_000} ms: ${stderr}`)),
      options.timeoutMs ?? 30_000,
    );
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(Number(out.split("\n")[0]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${executable} exited with ${code} before printing its port: ${stderr}`));
    });
  });
  return { process: child, port, startMs: Number(process.hrtime.bigint() - started) / 1e6, stderr: () => stderr };
};
