/**
 * Drives Pulumi's real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`)
 * over gRPC with the stubs @pulumi/pulumi ships, as the Pulumi engine does. A small
 * Engine service stands in for the engine's Log endpoint so that progress messages
 * the provider sends can be asserted.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";

const pulumiDir = (from: string) => path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [from] }));

export interface HostCallOptions {
  urn?: string;
}

export interface ProviderHost {
  configure(config: Record<string, string>): Promise<void>;
  check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ inputs: Record<string, unknown>; failures: Array<{ property: string; reason: string }> }>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ changes: "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME"; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(props: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  read(id: string, props: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown>; inputs: Record<string, unknown> | undefined }>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ properties: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
  logs: string[];
  stderr: () => string;
  close(): Promise<void>;
}

/** Starts the host in `cwd` (whose node_modules must hold @pulumi/pulumi and pulumi-servicestage). */
export const startProviderHost = async (cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ProviderHost> => {
  const pulumi = pulumiDir(cwd);
  const load = (name: string) => require(path.join(pulumi, "proto", name));
  const providerRpc = load("provider_grpc_pb.js");
  const providerProto = load("provider_pb.js");
  const engineRpc = load("engine_grpc_pb.js");
  const structProto = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumi] }));
  const emptyProto = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumi] }));
  const hostGrpc: typeof grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumi] }));

  const logs: string[] = [];
  const engine = new hostGrpc.Server();
  engine.addService(engineRpc.EngineService, {
    log: (call: { request: { getMessage(): string } }, cb: (e: null, r: unknown) => void) => {
      logs.push(call.request.getMessage());
      cb(null, new emptyProto.Empty());
    },
    getRootResource: (_c: unknown, cb: (e: Error) => void) => cb(new Error("unimplemented")),
    setRootResource: (_c: unknown, cb: (e: Error) => void) => cb(new Error("unimplemented")),
    startDebugging: (_c: unknown, cb: (e: Error) => void) => cb(new Error("unimplemented")),
  });
  const enginePort = await new Promise<number>((resolve, reject) =>
    engine.bindAsync("127.0.0.1:0", hostGrpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );

  const child: ChildProcess = spawn(process.execPath, [path.join(pulumi, "cmd", "dynamic-provider", "index.js"), `127.0.0.1:${enginePort}`], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve(line.trim());
    });
    child.on("exit", (code) => reject(new Error(`provider host exited with ${code}: ${stderr}`)));
  });
  const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, hostGrpc.credentials.createInsecure());

  const struct = (o: Record<string, unknown>) => structProto.Struct.fromJavaScript(JSON.parse(JSON.stringify(o)));
  const call = <R>(method: string, req: unknown): Promise<R> =>
    new Promise((resolve, reject) => client[method](req, (e: Error | null, r: R) => (e ? reject(e) : resolve(r))));
  const urn = "urn:pulumi:test::test::pulumi-nodejs:dynamic/servicestage:JobComponent::r";

  const host: ProviderHost = {
    logs,
    stderr: () => stderr,
    async configure(config) {
      const req = new providerProto.ConfigureRequest();
      req.setArgs(struct(config));
      await call("configure", req);
    },
    async check(olds, news) {
      const req = new providerProto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const r = await call<{
        getInputs(): { toJavaScript(): Record<string, unknown> };
        getFailuresList(): Array<{ getProperty(): string; getReason(): string }>;
      }>("check", req);
      return { inputs: r.getInputs().toJavaScript(), failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
    },
    async diff(id, olds, news) {
      const req = new providerProto.DiffRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const r = await call<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>("diff", req);
      const names = ["DIFF_UNKNOWN", "DIFF_NONE", "DIFF_SOME"] as const;
      return { changes: names[r.getChanges()], replaces: r.getReplacesList(), deleteBeforeReplace: r.getDeletebeforereplace() };
    },
    async create(props) {
      const req = new providerProto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(props));
      const r = await call<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> } }>("create", req);
      return { id: r.getId(), properties: r.getProperties().toJavaScript() };
    },
    async read(id, props) {
      const req = new providerProto.ReadRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setProperties(struct(props));
      const r = await call<{
        getId(): string;
        getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
        getInputs(): { toJavaScript(): Record<string, unknown> } | undefined;
      }>("read", req);
      return { id: r.getId(), properties: r.getProperties()?.toJavaScript() ?? {}, inputs: r.getInputs()?.toJavaScript() };
    },
    async update(id, olds, news) {
      const req = new providerProto.UpdateRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const r = await call<{ getProperties(): { toJavaScript(): Record<string, unknown> } }>("update", req);
      return { properties: r.getProperties().toJavaScript() };
    },
    async delete(id, props) {
      const req = new providerProto.DeleteRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setProperties(struct(props));
      await call("delete", req);
    },
    async close() {
      client.close();
      child.kill();
      await new Promise((r) => engine.tryShutdown(() => r(undefined)));
    },
  };
  return host;
};
