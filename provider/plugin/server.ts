/**
 * pulumi-resource-servicestage: the second front door onto provider/. Go, YAML and Python
 * programs reach the same lifecycle, codecs, client and waiter as the TypeScript dynamic
 * resources, through Pulumi's ResourceProvider gRPC service, implemented here over the
 * generated stubs @pulumi/pulumi ships (`proto/provider_grpc_pb`).
 *
 * Not `@pulumi/pulumi/provider`'s `main`: in 3.248 it drops Configure's request, answers
 * CheckConfig and DiffConfig UNIMPLEMENTED and crashes on `pulumi import`
 * (docs/api/NOTES.md). This file only translates: Struct values in and out (secrets
 * unwrapped for the lifecycle and marked again on the way out, unknowns passed through),
 * the configuration into provider/runtime.ts, lifecycle errors into gRPC errors. Every
 * decision (validation, diff, adoption, waiting) stays in provider/.
 */
import type * as grpc from "@grpc/grpc-js";
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import type * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import type * as anypb from "google-protobuf/google/protobuf/any_pb";
import { AsyncLocalStorage } from "node:async_hooks";
import * as fs from "node:fs";
import * as path from "node:path";
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { jobComponentProvider, releasePlanProvider } from "../index";
import { cancelInFlight, setStackSettings } from "../runtime";
import { setProgressSink } from "../progress";
import { CONFIG_KEYS, ENV_KEYS, RawSettings, readEnvironment, readStackConfig, settingProblems } from "../settings";
import { InitFailedError, redact } from "../errors";
import { changedKeys } from "../compare";
import { updateTouchesJob } from "../jobComponent";
import { JOB_COMPONENT_OWN_KEYS, JOB_OUTPUT_KEYS, RELEASE_PLAN_OWN_KEYS } from "../ownKeys";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../unknown";

type Props = Record<string, unknown>;

// The stubs require @grpc/grpc-js and google-protobuf from @pulumi/pulumi's folder; the
// server must use those very modules (grpc-js checks its credentials with instanceof).
// The bundled plugin (scripts/pack-plugin.js) defines SERVICESTAGE_PLUGIN_BUNDLE: it has no
// node_modules, and its bundler resolves the plain requires to the one copy the stubs use.
declare const SERVICESTAGE_PLUGIN_BUNDLE: boolean | undefined;
const bundled = typeof SERVICESTAGE_PLUGIN_BUNDLE !== "undefined" && SERVICESTAGE_PLUGIN_BUNDLE;
const pulumiDir = bundled ? "" : path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string): string => require.resolve(id, { paths: [pulumiDir] });
/* eslint-disable @typescript-eslint/no-require-imports */
const grpcJs = (bundled ? require("@grpc/grpc-js") : require(fromPulumi("@grpc/grpc-js"))) as typeof grpc;
const { Struct } = (
  bundled ? require("google-protobuf/google/protobuf/struct_pb") : require(fromPulumi("google-protobuf/google/protobuf/struct_pb"))
) as typeof structpb;
const { Empty } = (
  bundled ? require("google-protobuf/google/protobuf/empty_pb") : require(fromPulumi("google-protobuf/google/protobuf/empty_pb"))
) as typeof emptypb;
const { Any } = (bundled ? require("google-protobuf/google/protobuf/any_pb") : require(fromPulumi("google-protobuf/google/protobuf/any_pb"))) as typeof anypb;
/* eslint-enable @typescript-eslint/no-require-imports */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ResourceProviderService } = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb");

/** The package root: package.json (the plugin's version) and the schema, from dist/provider/plugin or provider/plugin alike. */
const packageRoot = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-servicestage") return dir;
    if (path.dirname(dir) === dir) throw new Error(`pulumi-resource-servicestage: no pulumi-servicestage package.json above ${__dirname}`);
  }
})();
const PLUGIN_VERSION = (JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
const SCHEMA_PATH = path.join(packageRoot, "provider", "plugin", "schema.json");

// ---------------------------------------------------------------------------------------
// The schema: served by GetSchema, and the one place the plugin learns which properties are secret.

interface TypeSpec {
  $ref?: string;
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  oneOf?: TypeSpec[];
  properties?: Record<string, PropertySpec>;
}
interface PropertySpec extends TypeSpec {
  secret?: boolean;
}
interface ResourceSpec {
  inputProperties: Record<string, PropertySpec>;
  properties: Record<string, PropertySpec>;
}
interface PackageSchema {
  config: { variables: Record<string, PropertySpec> };
  resources: Record<string, ResourceSpec>;
  types: Record<string, TypeSpec>;
}

let schemaCache: { text: string; parsed: PackageSchema } | undefined;
const schema = () => {
  if (schemaCache === undefined) {
    const text = fs.readFileSync(SCHEMA_PATH, "utf8");
    schemaCache = { text, parsed: JSON.parse(text) as PackageSchema };
  }
  return schemaCache;
};

// ---------------------------------------------------------------------------------------
// Values: Struct <-> plain property bags, secrets unwrapped and marked again.

const isObject = (v: unknown): v is Props => v !== null && typeof v === "object" && !Array.isArray(v);
const isSecret = (v: unknown): v is { value?: unknown } => isObject(v) && v[SECRET_SIG_KEY] === SECRET_SIG;
const secret = (value: unknown): Props => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

const unwrap = (v: unknown): unknown => {
  if (isSecret(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
};
const containsSecret = (v: unknown): boolean =>
  isSecret(v) || (Array.isArray(v) ? v.some(containsSecret) : isObject(v) ? Object.values(v).some(containsSecret) : false);

/** A request's property bag: plain values for the lifecycle, and the top-level keys that arrived secret (at any depth). */
const unpack = (struct: structpb.Struct | undefined): { props: Props; secretKeys: Set<string> } => {
  const raw = (struct?.toJavaScript() ?? {}) as Props;
  return { props: unwrap(raw) as Props, secretKeys: new Set(Object.keys(raw).filter((k) => containsSecret(raw[k]))) };
};

/**
 * Marks secret what the schema declares secret (at any depth, e.g. every httpPassword),
 * and each property that arrived holding a secret the schema does not cover (a program's
 * own `pulumi.secret` inside envs, say): that property whole, as the engine itself
 * carries secrets over for providers that take none (annotateSecrets).
 */
const markSecrets = (bag: Props, declared: Record<string, PropertySpec>, arrivedSecret: ReadonlySet<string> = new Set()): Props => {
  const out = markDeclared(bag, declared) as Props;
  for (const key of arrivedSecret) if (out[key] !== undefined && !containsSecret(out[key])) out[key] = secret(out[key]);
  return out;
};
const markDeclared = (value: unknown, properties: Record<string, PropertySpec>): unknown => {
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const spec = Object.hasOwn(properties, k) ? properties[k] : undefined;
      if (spec === undefined || v === undefined || v === UNKNOWN) return [k, v];
      return [k, spec.secret === true ? secret(v) : markByType(v, spec)];
    }),
  );
};
const markByType = (value: unknown, spec: TypeSpec): unknown => {
  if (spec.$ref?.startsWith("#/types/")) {
    const type = schema().parsed.types[spec.$ref.slice("#/types/".length)];
    return type?.properties !== undefined ? markDeclared(value, type.properties) : value;
  }
  if (spec.items !== undefined && Array.isArray(value)) return value.map((item) => markByType(item, spec.items as TypeSpec));
  if (spec.additionalProperties !== undefined && isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markByType(v, spec.additionalProperties as TypeSpec)]));
  if (spec.oneOf !== undefined) return spec.oneOf.reduce((v, member) => markByType(v, member), value);
  return value;
};

/** google-protobuf's Struct takes JSON values only: undefined properties are left out, undefined list items become null. */
const toStruct = (bag: Props): structpb.Struct => Struct.fromJavaScript(jsonValue(bag) as Record<string, structpb.JavaScriptValue>);
const jsonValue = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : jsonValue(x)));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : [[k, jsonValue(x)]])));
  return v;
};

// ---------------------------------------------------------------------------------------
// The two resources: their lifecycles (provider/index.ts, the same objects the dynamic resources call).

/** The lifecycle as this front door calls it: property bags in, property bags out (check validates them first). */
interface Lifecycle {
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: Array<{ property: string; reason: string }> }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
  read(id: string, props?: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

interface ResourceKind {
  lifecycle: Lifecycle;
  ownKeys: readonly string[];
  /** What the resource adds to its inputs (a JobComponent's job). */
  outputKeys: readonly string[];
}

const RESOURCES: Readonly<Record<string, ResourceKind>> = {
  "servicestage:index:JobComponent": { lifecycle: jobComponentProvider as Lifecycle, ownKeys: JOB_COMPONENT_OWN_KEYS, outputKeys: JOB_OUTPUT_KEYS },
  "servicestage:index:ReleasePlan": { lifecycle: releasePlanProvider as Lifecycle, ownKeys: RELEASE_PLAN_OWN_KEYS, outputKeys: [] },
};

/** The type token: sent by current engines, else read from the URN (`urn:pulumi:stack::project::[parent$]type::name`). */
const typeOf = (req: { getType(): string; getUrn(): string }): string => req.getType() || (req.getUrn().split("::")[2] ?? "").split("$").pop() || "";

const resourceFor = (req: { getType(): string; getUrn(): string }): { kind: ResourceKind; spec: ResourceSpec } => {
  const type = typeOf(req);
  const kind = Object.hasOwn(RESOURCES, type) ? RESOURCES[type] : undefined;
  const spec = schema().parsed.resources[type];
  if (kind === undefined || spec === undefined)
    throw new PluginError(
      grpcJs.status.INVALID_ARGUMENT,
      `unknown resource type ${JSON.stringify(type)}: this provider serves ${Object.keys(RESOURCES).join(", ")}`,
    );
  return { kind, spec };
};

/** The resource's job outputs during a preview: kept when the update will not touch the job (jobComponent.ts decides), unknown otherwise. */
const previewOutputs = (kind: ResourceKind, news: Props, olds: Props | undefined): Props => {
  if (kind.outputKeys.length === 0) return news;
  const kept = olds !== undefined && !updateTouchesJob(olds, news);
  return { ...news, ...Object.fromEntries(kind.outputKeys.map((k) => [k, kept ? olds[k] : UNKNOWN])) };
};

// ---------------------------------------------------------------------------------------
// Configuration: stack config `servicestage:<key>` or an explicit provider's arguments.

type ConfigKey = keyof typeof CONFIG_KEYS;
const CONFIG_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];
/** Keys the engine itself may put among a provider's inputs (pkg/resource/deploy/providers/registry.go). */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "__internal"]);

/** A key as it arrives: `region` (a provider's inputs), `servicestage:region` (stack config) or `servicestage:config:region` (Configure's legacy variables). */
const configName = (key: string): string => key.replace(/^servicestage:(config:)?/, "");
const isConfigKey = (name: string): name is ConfigKey => (CONFIG_NAMES as string[]).includes(name);

const howToSet = (key: ConfigKey): string =>
  `stack config ${CONFIG_KEYS[key]}, the provider's \`${key}\` argument, or the environment variable ${ENV_KEYS[key]}`;

interface ConfigReview {
  failures: Array<{ property: string; reason: string }>;
  /** Keys nobody reads, e.g. a misspelling: a warning, not a failure (the engine may add keys of its own). */
  ignored: string[];
}

/**
 * Checks the values given, by the rules of provider/settings.ts (`settingProblems`): unknown
 * values wait for the update (an unknown half of an AK/SK pair counts as given), and what is
 * not given may still come from the environment.
 */
const reviewConfig = (bag: Props): ConfigReview => {
  const failures: ConfigReview["failures"] = [];
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(bag)) {
    const name = configName(key);
    if (ENGINE_KEYS.has(name)) continue;
    if (!isConfigKey(name)) ignored.push(key);
    else if (value !== undefined && value !== null && typeof value !== "string" && !(name === "requestTimeoutSeconds" && typeof value === "number"))
      failures.push({ property: key, reason: `${name} must be a string, got ${JSON.stringify(value)}` });
  }
  const given = settingsFrom(bag);
  // A value still unknown (another stack's output during a preview) is judged at the up.
  for (const key of ["requestTimeoutSeconds", "region", "projectId", "endpoint"] as const) if (given[key] === UNKNOWN) delete given[key];
  const keyIn = (name: ConfigKey) => Object.keys(bag).find((k) => configName(k) === name) ?? name;
  for (const { key, rule } of settingProblems(given)) failures.push({ property: keyIn(key), reason: `${rule}: set ${howToSet(key)}` });
  return { failures, ignored };
};

/** The settings provider/runtime.ts resolves clients from, as `configure` reads them from stack config. */
const settingsFrom = (bag: Props): RawSettings => {
  const byName = new Map(Object.entries(bag).map(([k, v]) => [configName(k), v]));
  return readStackConfig((key) => {
    const value = byName.get(configName(key));
    return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
  });
};

// ---------------------------------------------------------------------------------------
// Errors and progress.

class PluginError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/** The credentials this process knows: never in an error's message (the client redacts already; this is the boundary's own guard). */
let configuredSettings: RawSettings = {};
const knownSecrets = (): string[] =>
  [configuredSettings, readEnvironment(process.env)].flatMap((s) => [s.authToken, s.secretKey, s.securityToken]).filter((v): v is string => v !== undefined);

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
const recordingPartialState = async <T>(run: () => Promise<T>, mark: (props: Props) => Props): Promise<T> => {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InitFailedError) throw new PartialFailure(e.message, e.id, toStruct(mark(e.properties)));
    throw e;
  }
};

const toServiceError = (e: unknown): grpc.ServerErrorResponse => {
  const message = redact(e instanceof Error ? e.message : String(e), knownSecrets());
  const code = e instanceof PluginError ? e.code : grpcJs.status.UNKNOWN;
  if (!(e instanceof PartialFailure)) return Object.assign(new Error(message), { code, details: message });
  // As the engine reads it (and as @pulumi/pulumi's dynamic-provider host sends it): the
  // state ServiceStage now holds, in the status details under grpc-status-details-bin.
  const detail = new provproto.ErrorResourceInitFailed().setId(e.id).setProperties(e.properties).setReasonsList([message]);
  const packed = new Any();
  packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new statusproto.Status().setCode(code).setMessage(message);
  status.addDetails(packed);
  const metadata = new grpcJs.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return Object.assign(new Error(message), { code, details: message, metadata });
};

/** The resource a lifecycle call is about, so that its progress messages show under it. */
const currentUrn = new AsyncLocalStorage<string>();

/** Progress (job status changes, retries) through the engine's Log RPC, which the CLI prints under the resource. */
const engineLog = (engineAddress: string): ((message: string, severity?: "info" | "warning") => void) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engineProto = require("@pulumi/pulumi/proto/engine_pb") as typeof import("@pulumi/pulumi/proto/engine_pb");
  const client = new engineRpc.EngineClient(engineAddress, grpcJs.credentials.createInsecure());
  return (message, severity = "info") => {
    const req = new engineProto.LogRequest();
    req.setSeverity(severity === "warning" ? engineProto.LogSeverity.WARNING : engineProto.LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(currentUrn.getStore() ?? "");
    client.log(req, () => undefined);
  };
};

// ---------------------------------------------------------------------------------------
// The service.

type Handlers = Pick<
  IResourceProviderServer,
  "getPluginInfo" | "getSchema" | "checkConfig" | "diffConfig" | "configure" | "check" | "diff" | "create" | "read" | "update" | "delete" | "cancel" | "attach"
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

const checkResponse = (inputs: Props, failures: ReadonlyArray<{ property: string; reason: string }>): provproto.CheckResponse => {
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
const diffResponse = (
  olds: Props,
  news: Props,
  result: { changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean },
  outputKeys: readonly string[],
) => {
  const resp = new provproto.DiffResponse();
  const replaces = result.replaces ?? [];
  const changed =
    result.changes === true
      ? changedKeys(
          [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !outputKeys.includes(k)),
          news,
          olds,
        )
      : [];
  resp.setChanges(result.changes === true ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  resp.setReplacesList(replaces);
  resp.setDeletebeforereplace(result.deleteBeforeReplace === true);
  resp.setDiffsList(changed);
  const Kind = provproto.PropertyDiff.Kind;
  for (const key of changed) {
    const replace = replaces.includes(key);
    const absent = (bag: Props) => bag[key] === undefined || bag[key] === null;
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

const handlers = (log: { sink?: (message: string, severity?: "info" | "warning") => void }): Handlers => ({
  getPluginInfo: unary(async () => new pluginproto.PluginInfo().setVersion(PLUGIN_VERSION)),

  getSchema: unary(async (req: provproto.GetSchemaRequest) => {
    if (req.getVersion() !== 0) throw new PluginError(grpcJs.status.INVALID_ARGUMENT, `unsupported schema version ${req.getVersion()}`);
    return new provproto.GetSchemaResponse().setSchema(schema().text);
  }),

  checkConfig: unary(async (req: provproto.CheckRequest) => {
    const { props: news, secretKeys } = unpack(req.getNews());
    const { failures, ignored } = reviewConfig(news);
    for (const key of ignored)
      currentUrn.run(req.getUrn(), () =>
        log.sink?.(`servicestage: configuration key ${JSON.stringify(key)} is not one of ${CONFIG_NAMES.join(", ")}; it is ignored`, "warning"),
      );
    return checkResponse(markSecrets(news, schema().parsed.config.variables, secretKeys), failures);
  }),

  diffConfig: unary(async (req: provproto.DiffRequest) => {
    const olds = unpack(req.getOldInputs() ?? req.getOlds()).props;
    const news = unpack(req.getNews()).props;
    const changed = changedKeys([...new Set([...Object.keys(olds), ...Object.keys(news)])], news, olds);
    // A new region or new credentials reconfigure the provider; the resources stay (they are adopted, not created).
    return diffResponse(olds, news, { changes: changed.length > 0, replaces: [] }, []);
  }),

  configure: unary(async (req: provproto.ConfigureRequest) => {
    const bag = req.hasArgs() ? unpack(req.getArgs()).props : Object.fromEntries(req.getVariablesMap().toArray());
    const { failures } = reviewConfig(bag);
    if (failures.length > 0)
      throw new PluginError(grpcJs.status.INVALID_ARGUMENT, `invalid ServiceStage provider configuration: ${failures.map((f) => f.reason).join("; ")}`);
    configuredSettings = settingsFrom(bag);
    setStackSettings(configuredSettings);
    return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(false).setAcceptoutputs(false);
  }),

  check: unary(async (req: provproto.CheckRequest) => {
    const { kind, spec } = resourceFor(req);
    const olds = unpack(req.getOlds()).props;
    const { props: news, secretKeys } = unpack(req.getNews());
    const result = await currentUrn.run(req.getUrn(), () => kind.lifecycle.check(olds, news));
    return checkResponse(markSecrets(result.inputs ?? news, spec.inputProperties, secretKeys), result.failures ?? []);
  }),

  diff: unary(async (req: provproto.DiffRequest) => {
    const { kind } = resourceFor(req);
    const olds = unpack(req.getOlds()).props;
    const news = unpack(req.getNews()).props;
    const result = await currentUrn.run(req.getUrn(), () => kind.lifecycle.diff(req.getId(), olds, news));
    return diffResponse(olds, news, result, kind.outputKeys);
  }),

  create: unary(async (req: provproto.CreateRequest) => {
    const { kind, spec } = resourceFor(req);
    const { props: inputs, secretKeys } = unpack(req.getProperties());
    // A preview calls no ServiceStage API: the inputs, and the job still unknown.
    if (req.getPreview())
      return new provproto.CreateResponse().setProperties(toStruct(markSecrets(previewOutputs(kind, inputs, undefined), spec.properties, secretKeys)));
    const mark = (props: Props) => markSecrets(props, spec.properties, secretKeys);
    const result = await recordingPartialState(() => currentUrn.run(req.getUrn(), () => kind.lifecycle.create(inputs)), mark);
    return new provproto.CreateResponse().setId(result.id).setProperties(toStruct(markSecrets(result.outs ?? inputs, spec.properties, secretKeys)));
  }),

  read: unary(async (req: provproto.ReadRequest) => {
    const { kind, spec } = resourceFor(req);
    // `pulumi import` sends the id alone: the lifecycle reads the rest from ServiceStage.
    const { props: state, secretKeys } = unpack(req.getProperties());
    const inputSecrets = unpack(req.getInputs()).secretKeys;
    const result = await currentUrn.run(req.getUrn(), () => kind.lifecycle.read(req.getId(), state));
    const resp = new provproto.ReadResponse();
    if (result.props === undefined) return resp; // gone from ServiceStage: the engine drops it (refresh) or reports it missing (import)
    resp.setId(result.id ?? req.getId()).setProperties(toStruct(markSecrets(result.props, spec.properties, secretKeys)));
    if (result.inputs !== undefined) resp.setInputs(toStruct(markSecrets(result.inputs, spec.inputProperties, inputSecrets)));
    return resp;
  }),

  update: unary(async (req: provproto.UpdateRequest) => {
    const { kind, spec } = resourceFor(req);
    const olds = unpack(req.getOlds()).props;
    const { props: news, secretKeys } = unpack(req.getNews());
    if (req.getPreview())
      return new provproto.UpdateResponse().setProperties(toStruct(markSecrets(previewOutputs(kind, news, olds), spec.properties, secretKeys)));
    const mark = (props: Props) => markSecrets(props, spec.properties, secretKeys);
    const result = await recordingPartialState(() => currentUrn.run(req.getUrn(), () => kind.lifecycle.update(req.getId(), olds, news)), mark);
    return new provproto.UpdateResponse().setProperties(toStruct(markSecrets(result.outs ?? news, spec.properties, secretKeys)));
  }),

  delete: unary(async (req: provproto.DeleteRequest) => {
    const { kind } = resourceFor(req);
    await currentUrn.run(req.getUrn(), () => kind.lifecycle.delete(req.getId(), unpack(req.getProperties()).props));
    return new Empty();
  }),

  // A first Ctrl-C, and the end of every run: ends the job waits in flight, and only those (provider/runtime.ts).
  cancel: unary(async () => {
    cancelInFlight();
    return new Empty();
  }),

  attach: unary(async (req: pluginproto.PluginAttach) => {
    log.sink = engineLog(req.getAddress());
    setProgressSink((message) => log.sink?.(message));
    return new Empty();
  }),
});

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
  const log: { sink?: (message: string, severity?: "info" | "warning") => void } = {};
  if (options.engineAddress !== undefined) {
    log.sink = engineLog(options.engineAddress);
    setProgressSink((message) => log.sink?.(message));
  }
  // Pulumi's own limit (@pulumi/pulumi runtime/settings: maxRPCMessageSize): a ReleasePlan's components can be large.
  const server = new grpcJs.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  server.addService(ResourceProviderService, handlers(log));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpcJs.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
};
