/**
 * The plugin harness, beside the dynamic host's (providerHost.ts): starts a plugin
 * executable as the engine does (its arguments, its environment, its folder), reads the
 * port it prints on its first line of stdout (the engine's handshake), and keeps its
 * stderr for the failure messages of the tests that drive it.
 */
import { ChildProcess, spawn } from "node:child_process";
import type * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { pulumiRpc } from "../../provider/pulumiRpc";

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

/** GetPluginInfo's version and GetSchema's schema of the plugin serving on `port`, as the engine asks them first. */
export const pluginInfoOf = async (port: number): Promise<{ version: string; schema: string }> => {
  const {
    grpc: grpcJs,
    Empty,
    provider: { ResourceProviderClient },
  } = pulumiRpc();
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpcJs.credentials.createInsecure());
  try {
    const info = await new Promise<pluginproto.PluginInfo>((resolve, reject) => client.getPluginInfo(new Empty(), (e, r) => (e ? reject(e) : resolve(r))));
    const schema = await new Promise<provproto.GetSchemaResponse>((resolve, reject) =>
      client.getSchema(new provproto.GetSchemaRequest(), (e, r) => (e ? reject(e) : resolve(r))),
    );
    return { version: info.getVersion(), schema: schema.getSchema() };
  } finally {
    client.close();
  }
};
