/**
 * Pulumi's gRPC, loaded the one way that works, for both front doors and the tests: the
 * stubs @pulumi/pulumi ships (`proto/*_grpc_pb`) require @grpc/grpc-js and
 * google-protobuf from @pulumi/pulumi's own folder, and a server or client must use
 * those very modules (grpc-js checks its credentials with instanceof). The bundled plugin
 * (scripts/pack-plugin.js) defines SERVICESTAGE_PLUGIN_BUNDLE: it has no node_modules,
 * and its bundler resolves the plain requires to the one copy the stubs use.
 *
 * Loaded on first use, never at a program's start-up: the dynamic resources' programs
 * import nothing of this.
 */
import type * as grpc from "@grpc/grpc-js";
import type * as anypb from "google-protobuf/google/protobuf/any_pb";
import type * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import * as path from "node:path";

declare const SERVICESTAGE_PLUGIN_BUNDLE: boolean | undefined;
const bundled = typeof SERVICESTAGE_PLUGIN_BUNDLE !== "undefined" && SERVICESTAGE_PLUGIN_BUNDLE;

export interface PulumiRpc {
  grpc: typeof grpc;
  Struct: typeof structpb.Struct;
  Empty: typeof emptypb.Empty;
  Any: typeof anypb.Any;
  provider: typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
  engine: typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
  engineMessages: typeof import("@pulumi/pulumi/proto/engine_pb");
}

let loaded: PulumiRpc | undefined;

/* eslint-disable @typescript-eslint/no-require-imports */
/** grpc-js and google-protobuf as the stubs load them; the bundle needs literal requires, so its branch spells them out. */
const protobufAndGrpc = (): Pick<PulumiRpc, "grpc" | "Struct" | "Empty" | "Any"> => {
  if (bundled)
    return {
      grpc: require("@grpc/grpc-js"),
      Struct: require("google-protobuf/google/protobuf/struct_pb").Struct,
      Empty: require("google-protobuf/google/protobuf/empty_pb").Empty,
      Any: require("google-protobuf/google/protobuf/any_pb").Any,
    };
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
  return {
    grpc: fromPulumi("@grpc/grpc-js"),
    Struct: fromPulumi("google-protobuf/google/protobuf/struct_pb").Struct,
    Empty: fromPulumi("google-protobuf/google/protobuf/empty_pb").Empty,
    Any: fromPulumi("google-protobuf/google/protobuf/any_pb").Any,
  };
};

export const pulumiRpc = (): PulumiRpc => {
  loaded ??= {
    ...protobufAndGrpc(),
    provider: require("@pulumi/pulumi/proto/provider_grpc_pb"),
    engine: require("@pulumi/pulumi/proto/engine_grpc_pb"),
    engineMessages: require("@pulumi/pulumi/proto/engine_pb"),
  };
  return loaded;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export type LogSeverity = "info" | "warning";
/**
 * A message for the CLI, under a resource when its URN is known. An ephemeral one is the
 * resource's status while it lasts (the CLI shows it beside the resource and drops it for
 * the next), as pulumi-kubernetes' "[1/2] Waiting for ..." lines.
 */
export type EngineLog = (message: string, options?: { urn?: string; severity?: LogSeverity; ephemeral?: boolean }) => void;

/** The engine's Log RPC at `address` (what both front doors print progress through); fire and forget. */
export const engineLog = (address: string): EngineLog => {
  const rpc = pulumiRpc();
  const client = new rpc.engine.EngineClient(address, rpc.grpc.credentials.createInsecure());
  return (message, options = {}) => {
    const req = new rpc.engineMessages.LogRequest();
    req.setSeverity(options.severity === "warning" ? rpc.engineMessages.LogSeverity.WARNING : rpc.engineMessages.LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(options.urn ?? "");
    req.setEphemeral(options.ephemeral === true);
    client.log(req, () => undefined);
  };
};
