/**
 * pulumi-resource-benchnoop: the floor of the native plugin's figures (bench/pluginYaml.ts,
 * bench/pluginGo.ts, bench/pluginColdStart.ts). A provider plugin that does nothing, built
 * the way plugin/server.ts is (our own ResourceProvider service over the stubs
 * @pulumi/pulumi ships and @grpc/grpc-js), so that "ours / no-op plugin" is what
 * pulumi-resource-servicestage adds: loading provider/, its schema, validation, diff and
 * the calls to ServiceStage.
 *
 * It serves one resource, `benchnoop:index:Thing`, with free-form (`pulumi.json#/Any`)
 * properties: Check returns the inputs, Diff reports a change when they differ, Create and
 * Update return them, Read returns what it is given. Its schema declares the property names
 * the bench's program uses (a YAML program is checked against it); the bench writes it
 * beside an executable wrapper that calls `main` with its path.
 */
import type * as grpc from "@grpc/grpc-js";
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import type * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as fs from "node:fs";
import * as path from "node:path";
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import { sameJson } from "./sameJson";

export const NOOP_PACKAGE = "benchnoop";
export const NOOP_TYPE = `${NOOP_PACKAGE}:index:Thing`;
const NOOP_VERSION = "0.0.1";

// As in plugin/server.ts: the stubs load @grpc/grpc-js and google-protobuf from
// @pulumi/pulumi's folder, and the server must use those very modules.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string): string => require.resolve(id, { paths: [pulumiDir] });
const grpcJs = require(fromPulumi("@grpc/grpc-js")) as typeof grpc;
const { Empty } = require(fromPulumi("google-protobuf/google/protobuf/empty_pb")) as typeof emptypb;
const { ResourceProviderService } = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb");

/** The no-op's package schema: one resource whose inputs and outputs are the given property names, each of any type. */
export const noopSchema = (propertyNames: readonly string[]) => {
  const properties = Object.fromEntries(propertyNames.map((name) => [name, { $ref: "pulumi.json#/Any" }]));
  return {
    name: NOOP_PACKAGE,
    version: NOOP_VERSION,
    resources: { [NOOP_TYPE]: { inputProperties: properties, properties } },
  };
};

/** Diff's answer: DIFF_SOME with the top-level keys that differ, DIFF_NONE when nothing does. */
const diffOf = (olds: structpb.Struct | undefined, news: structpb.Struct | undefined): provproto.DiffResponse => {
  const before = (olds?.toJavaScript() ?? {}) as Record<string, unknown>;
  const after = (news?.toJavaScript() ?? {}) as Record<string, unknown>;
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !sameJson(before[k], after[k]));
  const Changes = provproto.DiffResponse.DiffChanges;
  return new provproto.DiffResponse().setChanges(changed.length > 0 ? Changes.DIFF_SOME : Changes.DIFF_NONE).setDiffsList(changed);
};

/** A unary handler that answers synchronously. */
const unary =
  <Req, Res>(answer: (req: Req) => Res): grpc.handleUnaryCall<Req, Res> =>
  (call, callback) =>
    callback(null, answer(call.request));

type Handlers = Pick<
  IResourceProviderServer,
  "getPluginInfo" | "getSchema" | "checkConfig" | "diffConfig" | "configure" | "check" | "diff" | "create" | "read" | "update" | "delete" | "cancel" | "attach"
>;

const handlers = (schemaText: string): Handlers => {
  let created = 0;
  return {
    getPluginInfo: unary(() => new pluginproto.PluginInfo().setVersion(NOOP_VERSION)),
    getSchema: unary(() => new provproto.GetSchemaResponse().setSchema(schemaText)),
    checkConfig: unary((req: provproto.CheckRequest) => new provproto.CheckResponse().setInputs(req.getNews())),
    diffConfig: unary((req: provproto.DiffRequest) => diffOf(req.getOldInputs() ?? req.getOlds(), req.getNews())),
    // The same answer as ours: secrets and previews accepted, so that the engine sends both the same requests.
    configure: unary(() => new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true)),
    check: unary((req: provproto.CheckRequest) => new provproto.CheckResponse().setInputs(req.getNews())),
    diff: unary((req: provproto.DiffRequest) => diffOf(req.getOldInputs() ?? req.getOlds(), req.getNews())),
    create: unary((req: provproto.CreateRequest) => {
      const resp = new provproto.CreateResponse().setProperties(req.getProperties());
      return req.getPreview() ? resp : resp.setId(`noop-${process.pid}-${++created}`);
    }),
    read: unary((req: provproto.ReadRequest) => new provproto.ReadResponse().setId(req.getId()).setProperties(req.getProperties()).setInputs(req.getInputs())),
    update: unary((req: provproto.UpdateRequest) => new provproto.UpdateResponse().setProperties(req.getNews())),
    delete: unary(() => new Empty()),
    cancel: unary(() => new Empty()),
    attach: unary(() => new Empty()),
  };
};

/**
 * Serves the no-op provider on 127.0.0.1 and prints the port alone on the first line of
 * stdout (the engine's handshake), as plugin/main.ts does. The engine's address,
 * the plugin's argument, is not needed: the no-op logs nothing.
 */
export const main = (schemaPath: string): void => {
  const server = new grpcJs.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  server.addService(ResourceProviderService, handlers(fs.readFileSync(schemaPath, "utf8")));
  server.bindAsync("127.0.0.1:0", grpcJs.ServerCredentials.createInsecure(), (e, port) => {
    if (e) {
      process.stderr.write(`pulumi-resource-${NOOP_PACKAGE}: could not start: ${e.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
};
