/**
 * pulumi-resource-servicestage: the second front door onto provider/. Go, YAML and Python
 * programs reach the same lifecycle, codecs, client and waiter as the TypeScript dynamic
 * resources, through Pulumi's ResourceProvider gRPC service over the stubs @pulumi/pulumi
 * ships (provider/pulumiRpc.ts).
 *
 * Shaped like Pulumi's own `sdk/nodejs/provider/server.ts`: one handler per RPC that
 * converts the request (plugin/values.ts), calls the lifecycle (provider/lifecycle.ts's
 * `Lifecycle`) and builds the response. No decision is made here: validation, diff, the
 * preview's outputs, adoption, waiting and the partial-failure state are the lifecycle's;
 * the configuration's review is plugin/config.ts's, by provider/settings.ts's rules.
 *
 * Not `@pulumi/pulumi/provider`'s `main`: in 3.248 it drops Configure's request, answers
 * CheckConfig and DiffConfig UNIMPLEMENTED and crashes on `pulumi import` (docs/api/NOTES.md).
 */
import type * as grpc from "@grpc/grpc-js";
import { AsyncLocalStorage } from "node:async_hooks";
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import { RESOURCES as DEFINITIONS, typeToken } from "../provider/resources/index";
import { FUNCTIONS, argumentIssues, secretOutputs } from "../provider/functions/index";
import { cancelInFlight, setStackSettings } from "../provider/providerState";
import { setProgressSink } from "../provider/progress";
import { RawSettings, SECRET_SETTINGS, readEnvironment } from "../provider/settings";
import { InitFailedError, quote, redact } from "../provider/errors";
import { knownSecrets as credentialSecrets } from "../provider/knownSecrets";
import { changedKeys } from "../provider/compare";
import type { Lifecycle, OperationOptions } from "../provider/lifecycle";
import { EngineLog, engineLog, pulumiRpc } from "../provider/pulumiRpc";
import { PLUGIN_VERSION, schemaText } from "./package";
import { PropertyBag, markSecrets, toStruct, unpack } from "./values";
import { CONFIG_NAMES, isSecretSetting, reviewConfig, settingsFrom } from "./config";

const rpc = pulumiRpc();

/** The resources, by type token: the same lifecycle objects the dynamic resources call. */
const RESOURCES: Readonly<Record<string, Lifecycle>> = Object.fromEntries(DEFINITIONS.map((d) => [typeToken(d), d.lifecycle]));

/** The read functions, by token (`servicestage:index:getJob`; the engine may send `servicestage:getJob` as YAML writes it). */
const functionFor = (token: string) => {
  const name = token.split(":").pop() ?? "";
  const f = token.startsWith("servicestage:") ? FUNCTIONS.find((x) => x.name === name) : undefined;
  if (f === undefined)
    throw new PluginError(
      rpc.grpc.status.INVALID_ARGUMENT,
      `unknown function ${quote(token)}: this provider serves ${FUNCTIONS.map((x) => typeToken(x)).join(", ")}`,
    );
  return f;
};

/** The type token: sent by current engines, else read from the URN (`urn:pulumi:stack::project::[parent$]type::name`). */
const typeOf = (req: { getType(): string; getUrn(): string }): string => req.getType() || (req.getUrn().split("::")[2] ?? "").split("$").pop() || "";

const resourceFor = (req: { getType(): string; getUrn(): string }): { lifecycle: Lifecycle; isSecretKey: (key: string) => boolean } => {
  const type = typeOf(req);
  const lifecycle = Object.hasOwn(RESOURCES, type) ? RESOURCES[type] : undefined;
  if (lifecycle === undefined)
    throw new PluginError(rpc.grpc.status.INVALID_ARGUMENT, `unknown resource type ${quote(type)}: this provider serves ${Object.keys(RESOURCES).join(", ")}`);
  return { lifecycle, isSecretKey: (key) => lifecycle.secretKeys.includes(key) };
};

// ---------------------------------------------------------------------------------------
// Errors.

class PluginError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/** A lifecycle's partial failure (InitFailedError) with its state already in wire form, secrets marked. */
class PartialFailure extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: structpb.Struct,
  ) {
    super(message);
  }
}

/** Runs a create or update, turning a partial failure into one whose state carries the schema's secrets. */
const recordingPartialState = async <T>(run: () => Promise<T>, mark: (props: PropertyBag) => PropertyBag): Promise<T> => {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InitFailedError) throw new PartialFailure(e.message, e.id, toStruct(mark(e.properties)));
    throw e;
  }
};

/** The credentials this process knows: never in an error's message (the client redacts already; this is the boundary's own guard). */
let configuredSettings: RawSettings = {};
const knownSecrets = (): string[] => [
  ...[configuredSettings, readEnvironment(process.env)].flatMap((s) => SECRET_SETTINGS.map((k) => s[k])).filter((v): v is string => v !== undefined),
  ...credentialSecrets(),
];

const toServiceError = (e: unknown): grpc.ServerErrorResponse => {
  const message = redact(e instanceof Error ? e.message : String(e), knownSecrets());
  const code = e instanceof PluginError ? e.code : rpc.grpc.status.UNKNOWN;
  if (!(e instanceof PartialFailure)) return Object.assign(new Error(message), { code, details: message });
  // As the engine reads it (and as @pulumi/pulumi's dynamic-provider host sends it): the
  // state ServiceStage now holds, in the status details under grpc-status-details-bin.
  const detail = new provproto.ErrorResourceInitFailed().setId(e.id).setProperties(e.properties).setReasonsList([message]);
  const packed = new rpc.Any();
  packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new statusproto.Status().setCode(code).setMessage(message);
  status.addDetails(packed);
  const metadata = new rpc.grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return Object.assign(new Error(message), { code, details: message, metadata });
};

/** The resource's customTimeouts for this operation: the engine sends them as `timeout`, in seconds (0: none). */
const operationOptions = (req: { getTimeout(): number }): OperationOptions => (req.getTimeout() > 0 ? { timeoutSeconds: req.getTimeout() } : {});

// ---------------------------------------------------------------------------------------
// Responses.

const checkResponse = (inputs: PropertyBag, failures: ReadonlyArray<{ property: string; reason: string }>): provproto.CheckResponse => {
  const resp = new provproto.CheckResponse();
  resp.setInputs(toStruct(inputs));
  resp.setFailuresList(
    failures.map((f) => {
      const failure = new provproto.CheckFailure();
      failure.setProperty(f.property);
      failure.setReason(f.reason);
      return failure;
    }),
  );
  return resp;
};

/** Diff's answer with the changed properties, so that `pulumi preview --diff` shows which ones change and which replace. */
const diffResponse = (olds: PropertyBag, news: PropertyBag, result: { changedKeys: string[]; replaces?: string[]; deleteBeforeReplace?: boolean }) => {
  const resp = new provproto.DiffResponse();
  const replaces = result.replaces ?? [];
  const changed = result.changedKeys;
  resp.setChanges(changed.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  resp.setReplacesList(replaces);
  resp.setDeletebeforereplace(result.deleteBeforeReplace === true);
  resp.setDiffsList(changed);
  const Kind = provproto.PropertyDiff.Kind;
  for (const key of changed) {
    const replace = replaces.includes(key);
    const absent = (bag: PropertyBag) => bag[key] === undefined || bag[key] === null;
    const kind = absent(olds)
      ? replace
        ? Kind.ADD_REPLACE
        : Kind.ADD
      : absent(news)
        ? replace
          ? Kind.DELETE_REPLACE
          : Kind.DELETE
        : replace
          ? Kind.UPDATE_REPLACE
          : Kind.UPDATE;
    resp.getDetaileddiffMap().set(key, new provproto.PropertyDiff().setKind(kind));
  }
  resp.setHasdetaileddiff(true);
  return resp;
};

// ---------------------------------------------------------------------------------------
// The service: one handler per RPC.

type Handlers = Pick<
  IResourceProviderServer,
  | "getPluginInfo"
  | "getSchema"
  | "checkConfig"
  | "diffConfig"
  | "configure"
  | "invoke"
  | "check"
  | "diff"
  | "create"
  | "read"
  | "update"
  | "delete"
  | "cancel"
  | "attach"
>;

/** A unary handler from an async function: its result, or its error as a gRPC error carrying the message. */
const unary =
  <Req, Res>(run: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
  (call, callback) => {
    run(call.request).then(
      (res) => callback(null, res),
      (e: unknown) => callback(toServiceError(e)),
    );
  };

/** The resource a lifecycle call is about, so that its progress messages show under it. */
const currentUrn = new AsyncLocalStorage<string>();

const handlers = (log: { sink?: EngineLog }): Handlers => {
  const underResource = (sink: EngineLog) => setProgressSink((message, options) => sink(message, { ...options, urn: currentUrn.getStore() }));
  return {
    getPluginInfo: unary(async () => new pluginproto.PluginInfo().setVersion(PLUGIN_VERSION)),

    getSchema: unary(async (req: provproto.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new PluginError(rpc.grpc.status.INVALID_ARGUMENT, `unsupported schema version ${req.getVersion()}`);
      return new provproto.GetSchemaResponse().setSchema(schemaText());
    }),

    checkConfig: unary(async (req: provproto.CheckRequest) => {
      const { props: news, secretKeys } = unpack(req.getNews());
      const { failures, ignored } = reviewConfig(news);
      for (const key of ignored)
        log.sink?.(`servicestage: configuration key ${quote(key)} is not one of ${CONFIG_NAMES.join(", ")}; it is ignored`, {
          urn: req.getUrn(),
          severity: "warning",
        });
      return checkResponse(markSecrets(news, isSecretSetting, secretKeys), failures);
    }),

    diffConfig: unary(async (req: provproto.DiffRequest) => {
      const olds = unpack(req.getOldInputs() ?? req.getOlds()).props;
      const news = unpack(req.getNews()).props;
      // A new region or new credentials reconfigure the provider; the resources stay (they are adopted, not created).
      return diffResponse(olds, news, { changedKeys: changedKeys([...new Set([...Object.keys(olds), ...Object.keys(news)])], news, olds), replaces: [] });
    }),

    configure: unary(async (req: provproto.ConfigureRequest) => {
      const bag = req.hasArgs() ? unpack(req.getArgs()).props : Object.fromEntries(req.getVariablesMap().toArray());
      const { failures } = reviewConfig(bag);
      if (failures.length > 0)
        throw new PluginError(rpc.grpc.status.INVALID_ARGUMENT, `invalid ServiceStage provider configuration: ${failures.map((f) => f.reason).join("; ")}`);
      configuredSettings = settingsFrom(bag);
      setStackSettings(configuredSettings);
      return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(false).setAcceptoutputs(false);
    }),

    // A read function: its arguments checked (property and rule) before any request, then GETs only, at a preview too.
    invoke: unary(async (req: provproto.InvokeRequest) => {
      const f = functionFor(req.getTok());
      const args = unpack(req.getArgs()).props;
      const problems = argumentIssues(f, args);
      const resp = new provproto.InvokeResponse();
      if (problems.length > 0) return resp.setFailuresList(problems.map((p) => new provproto.CheckFailure().setProperty(p.property).setReason(p.reason)));
      const secret = secretOutputs(f);
      return resp.setReturn(toStruct(markSecrets(await f.read(args), (key) => secret.includes(key))));
    }),

    check: unary(async (req: provproto.CheckRequest) => {
      const { lifecycle, isSecretKey } = resourceFor(req);
      const olds = unpack(req.getOlds()).props;
      const { props: news, secretKeys } = unpack(req.getNews());
      const result = await currentUrn.run(req.getUrn(), () => lifecycle.check(olds, news));
      return checkResponse(markSecrets(result.inputs ?? news, isSecretKey, secretKeys), result.failures ?? []);
    }),

    diff: unary(async (req: provproto.DiffRequest) => {
      const { lifecycle } = resourceFor(req);
      const olds = unpack(req.getOlds()).props;
      const news = unpack(req.getNews()).props;
      return diffResponse(olds, news, await currentUrn.run(req.getUrn(), () => lifecycle.diff(req.getId(), olds, news)));
    }),

    create: unary(async (req: provproto.CreateRequest) => {
      const { lifecycle, isSecretKey } = resourceFor(req);
      const { props: inputs, secretKeys } = unpack(req.getProperties());
      const mark = (props: PropertyBag) => markSecrets(props, isSecretKey, secretKeys);
      // A preview calls no ServiceStage API.
      if (req.getPreview()) return new provproto.CreateResponse().setProperties(toStruct(mark(lifecycle.previewOutputs(inputs))));
      const result = await recordingPartialState(() => currentUrn.run(req.getUrn(), () => lifecycle.create(inputs, operationOptions(req))), mark);
      return new provproto.CreateResponse().setId(result.id).setProperties(toStruct(mark(result.outs ?? inputs)));
    }),

    read: unary(async (req: provproto.ReadRequest) => {
      const { lifecycle, isSecretKey } = resourceFor(req);
      // `pulumi import` sends the id alone: the lifecycle reads the rest from ServiceStage.
      const { props: state, secretKeys } = unpack(req.getProperties());
      const inputSecrets = unpack(req.getInputs()).secretKeys;
      const result = await currentUrn.run(req.getUrn(), () => lifecycle.read(req.getId(), state));
      const resp = new provproto.ReadResponse();
      if (result.props === undefined) return resp; // gone from ServiceStage: the engine drops it (refresh) or reports it missing (import)
      resp.setId(result.id ?? req.getId()).setProperties(toStruct(markSecrets(result.props, isSecretKey, secretKeys)));
      if (result.inputs !== undefined) resp.setInputs(toStruct(markSecrets(result.inputs, isSecretKey, inputSecrets)));
      return resp;
    }),

    update: unary(async (req: provproto.UpdateRequest) => {
      const { lifecycle, isSecretKey } = resourceFor(req);
      const olds = unpack(req.getOlds()).props;
      const { props: news, secretKeys } = unpack(req.getNews());
      const mark = (props: PropertyBag) => markSecrets(props, isSecretKey, secretKeys);
      if (req.getPreview()) return new provproto.UpdateResponse().setProperties(toStruct(mark(lifecycle.previewOutputs(news, olds))));
      const result = await recordingPartialState(
        () => currentUrn.run(req.getUrn(), () => lifecycle.update(req.getId(), olds, news, operationOptions(req))),
        mark,
      );
      return new provproto.UpdateResponse().setProperties(toStruct(mark(result.outs ?? news)));
    }),

    delete: unary(async (req: provproto.DeleteRequest) => {
      const { lifecycle } = resourceFor(req);
      await currentUrn.run(req.getUrn(), () => lifecycle.delete(req.getId(), unpack(req.getProperties()).props));
      return new rpc.Empty();
    }),

    // A first Ctrl-C, and the end of every run: ends the job waits in flight, and only those (provider/providerState.ts).
    cancel: unary(async () => {
      cancelInFlight();
      return new rpc.Empty();
    }),

    attach: unary(async (req: pluginproto.PluginAttach) => {
      log.sink = engineLog(req.getAddress());
      underResource(log.sink);
      return new rpc.Empty();
    }),
  };
};

export interface ServeOptions {
  /** The engine's gRPC address, the plugin's first argument: progress messages go to its Log RPC (stderr without one). */
  engineAddress?: string;
}

export interface Serving {
  port: number;
  close(): Promise<void>;
}

/** Serves the ResourceProvider service on 127.0.0.1 at an ephemeral port. */
export const serve = async (options: ServeOptions = {}): Promise<Serving> => {
  const log: { sink?: EngineLog } = {};
  if (options.engineAddress !== undefined) {
    const sink = engineLog(options.engineAddress);
    log.sink = sink;
    setProgressSink((message, options) => sink(message, { ...options, urn: currentUrn.getStore() }));
  }
  // Pulumi's own limit (@pulumi/pulumi runtime/settings: maxRPCMessageSize): a ReleasePlan's components can be large.
  const server = new rpc.grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  server.addService(rpc.provider.ResourceProviderService, handlers(log));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", rpc.grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
};
