/**
 * The native plugin (pulumi-resource-servicestage) as the engine drives it: the build in
 * dist/ started as a process through a symlink to bin/, spoken to over gRPC with the
 * stubs @pulumi/pulumi ships, against the emulator, counting the HTTP calls each RPC
 * makes. A fake engine receives the plugin's progress messages. `npx tsc -p tsconfig.json`
 * (or `npm test`) builds dist/ first.
 */
import type * as grpc from "@grpc/grpc-js";
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import type * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import { type ChildProcess, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import { Emulator, startEmulator } from "../../emulator/server";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../../provider/pulumiValues";
import { pulumiRpc } from "../../provider/pulumiRpc";
import { PluginProcess, startPluginProcess } from "../harness/pluginProcess";
import { Attacker, startAttacker } from "../harness/attacker";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobComponentInputs, releasePlanInputs, seed } from "../harness/world";

const repo = path.resolve(__dirname, "..", "..");
// The same modules the stubs load (grpc-js checks credentials with instanceof): provider/pulumiRpc.ts.
const {
  grpc: grpcJs,
  Struct,
  Empty,
  provider: { ResourceProviderClient: Client },
  engine: { EngineService },
} = pulumiRpc();

const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
const isSecret = (v: unknown): boolean => typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;

const JOB = "servicestage:index:JobComponent";
const RELEASE = "servicestage:index:ReleasePlan";
const urn = (type: string, name: string) => `urn:pulumi:test::plugin::${type}::${name}`;
const JOB_URN = urn(JOB, "job");
const RELEASE_URN = urn(RELEASE, "release");

type Bag = Record<string, unknown>;
const struct = (bag: Bag) => Struct.fromJavaScript(bag as Record<string, structpb.JavaScriptValue>);
const plain = (s: structpb.Struct | undefined): Bag => (s?.toJavaScript() ?? {}) as Bag;

let plugin: ChildProcess;
let client: ResourceProviderClient;
let engine: grpc.Server;
const engineLogs: Array<{ urn: string; message: string; severity: number }> = [];
/** Every started plugin's stderr, for the failure messages. */
const pluginStderr: Array<() => string> = [];
const stderr = () => pluginStderr.map((read) => read()).join("");
let linkDir: string;
let emulator: Emulator;

/** One unary call, as a promise. */
const rpc = <Res>(invoke: (callback: (e: grpc.ServiceError | null, r: Res) => void) => unknown): Promise<Res> =>
  new Promise((resolve, reject) => invoke((e, r) => (e ? reject(e) : resolve(r))));

const configure = (args: Bag) => rpc<provproto.ConfigureResponse>((cb) => client.configure(new provproto.ConfigureRequest().setArgs(struct(args)), cb));
const configureEmulator = () => configure({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: secret(TOKEN) });

const checkRequest = (type: string, resourceUrn: string, news: Bag, olds: Bag = {}) =>
  new provproto.CheckRequest().setUrn(resourceUrn).setType(type).setName("r").setOlds(struct(olds)).setNews(struct(news));
const check = (type: string, resourceUrn: string, news: Bag, olds: Bag = {}) =>
  rpc<provproto.CheckResponse>((cb) => client.check(checkRequest(type, resourceUrn, news, olds), cb));
const checkConfig = (news: Bag) =>
  rpc<provproto.CheckResponse>((cb) =>
    client.checkConfig(checkRequest("pulumi:providers:servicestage", urn("pulumi:providers:servicestage", "default"), news), cb),
  );
const diff = (type: string, resourceUrn: string, id: string, olds: Bag, news: Bag) =>
  rpc<provproto.DiffResponse>((cb) =>
    client.diff(
      new provproto.DiffRequest().setUrn(resourceUrn).setType(type).setId(id).setOlds(struct(olds)).setOldInputs(struct(olds)).setNews(struct(news)),
      cb,
    ),
  );
const create = (type: string, resourceUrn: string, props: Bag, preview = false) =>
  rpc<provproto.CreateResponse>((cb) =>
    client.create(new provproto.CreateRequest().setUrn(resourceUrn).setType(type).setProperties(struct(props)).setPreview(preview), cb),
  );
const update = (type: string, resourceUrn: string, id: string, olds: Bag, news: Bag, preview = false) =>
  rpc<provproto.UpdateResponse>((cb) =>
    client.update(
      new provproto.UpdateRequest()
        .setUrn(resourceUrn)
        .setType(type)
        .setId(id)
        .setOlds(struct(olds))
        .setOldInputs(struct(olds))
        .setNews(struct(news))
        .setPreview(preview),
      cb,
    ),
  );
/** `pulumi import`: the id alone, no properties. */
const read = (type: string, resourceUrn: string, id: string, props?: Bag) => {
  const req = new provproto.ReadRequest().setUrn(resourceUrn).setType(type).setId(id);
  if (props !== undefined) req.setProperties(struct(props)).setInputs(struct(props));
  return rpc<provproto.ReadResponse>((cb) => client.read(req, cb));
};
const cancel = () => rpc<emptypb.Empty>((cb) => client.cancel(new Empty(), cb));

const calls = () => emulator.requests().map((r) => `${r.method} ${r.path.replace(`/v3/${PROJECT_ID}/cas`, "")}`);
const puts = () => calls().filter((c) => c.startsWith("PUT"));

/** Starts the plugin as the engine does: by its name, through a link in another folder, with the engine's address ("" for none). */
const startPlugin = async (engineAddress: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<PluginProcess> => {
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HW_|HUAWEICLOUD_|SERVICESTAGE_)/.test(k))),
    // The credentials' last source, ECS metadata, is a closed loopback port here (tests reach loopback only).
    SERVICESTAGE_METADATA_ENDPOINT: "http://127.0.0.1:9",
    ...extraEnv,
  };
  const started = await startPluginProcess(path.join(linkDir, "pulumi-resource-servicestage"), {
    args: engineAddress === "" ? [] : [engineAddress],
    cwd: linkDir,
    env,
  });
  pluginStderr.push(started.stderr);
  return started;
};

beforeAll(async () => {
  const main = path.join(repo, "dist", "plugin", "main.js");
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -p tsconfig.json)`);
  linkDir = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-plugin-"));
  fs.symlinkSync(path.join(repo, "bin", "pulumi-resource-servicestage"), path.join(linkDir, "pulumi-resource-servicestage"));

  engine = new grpcJs.Server();
  engine.addService(EngineService, {
    log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, emptypb.Empty>, callback: grpc.sendUnaryData<emptypb.Empty>) => {
      engineLogs.push({ urn: call.request.getUrn(), message: call.request.getMessage(), severity: call.request.getSeverity() });
      callback(null, new Empty());
    },
  });
  const enginePort = await new Promise<number>((resolve, reject) =>
    engine.bindAsync("127.0.0.1:0", grpcJs.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const started = await startPlugin(`127.0.0.1:${enginePort}`);
  plugin = started.process;
  client = new Client(`127.0.0.1:${started.port}`, grpcJs.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  plugin?.kill("SIGKILL");
  await new Promise<void>((resolve) => (engine ? engine.tryShutdown(() => resolve()) : resolve()));
  fs.rmSync(linkDir, { recursive: true, force: true });
});

beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  await configureEmulator();
  engineLogs.length = 0;
});
afterEach(() => emulator.close());

describe("plugin", () => {
  test("reports the package's version and serves the schema", async () => {
    const info = await rpc<{ getVersion(): string }>((cb) => client.getPluginInfo(new Empty(), cb));
    expect(info.getVersion()).toBe(JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).version);
    const schema = await rpc<provproto.GetSchemaResponse>((cb) => client.getSchema(new provproto.GetSchemaRequest(), cb));
    expect(schema.getSchema()).toBe(fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8"));
  });
});

describe("provider configuration", () => {
  test("CheckConfig names the key of an invalid value, and marks credentials secret", async () => {
    const bad = await checkConfig({ region: "cn-north-4", requestTimeoutSeconds: "soon", accessKey: "AK" });
    expect(bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      [
        "requestTimeoutSeconds",
        expect.stringMatching(/requestTimeoutSeconds must be a number of seconds from 0.001 to 2147483, got "soon".*servicestage:requestTimeoutSeconds/),
      ],
      ["secretKey", expect.stringMatching(/secretKey is missing.*HW_SECRET_KEY/)],
    ]);

    const good = await checkConfig({ region: "cn-north-4", requestTimeoutSeconds: "30", authToken: "plain-token", version: "0.1.0" });
    expect(good.getFailuresList()).toEqual([]);
    const inputs = plain(good.getInputs());
    expect(inputs.authToken).toEqual(secret("plain-token"));
    expect(inputs.region).toBe("cn-north-4");
    expect(inputs.version).toBe("0.1.0");
  });

  test("CheckConfig accepts unknowns during a preview, and warns about a key nobody reads", async () => {
    const r = await checkConfig({ region: UNKNOWN, requestTimeoutSeconds: UNKNOWN, iamEndpoint: UNKNOWN, idTokenFile: UNKNOWN, regoin: "cn-north-4" });
    expect(r.getFailuresList()).toEqual([]);
    await waitFor(() => engineLogs.some((l) => l.message.includes('"regoin" is not one of region')));
  });

  test("Configure refuses an invalid value with a gRPC error naming the key", async () => {
    await expect(configure({ endpoint: emulator.url, requestTimeoutSeconds: -1 })).rejects.toMatchObject({
      code: grpcJs.status.INVALID_ARGUMENT,
      details: expect.stringContaining("requestTimeoutSeconds must be a number of seconds from 0.001 to 2147483, got -1"),
    });
  });

  test("a region, project id, endpoint or id that could send a request elsewhere is refused by CheckConfig, Configure, Check and Read, before any request", async () => {
    const bad = await checkConfig({ region: "evil.example/x#", projectId: "..", endpoint: "http://evil.example", authToken: "t" });
    expect(bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      ["region", expect.stringMatching(/region "evil.example\/x#" must be one DNS label.*servicestage:region/)],
      ["projectId", expect.stringMatching(/projectId "\.\." must be a ServiceStage id.*servicestage:projectId/)],
      ["endpoint", expect.stringMatching(/endpoint "http:\/\/evil.example" uses http:\/\/ to a host that is not a loopback address.*servicestage:endpoint/)],
    ]);
    const realRegion = await checkConfig({
      region: "sa-brazil-1",
      projectId: "0b7e5f6d1c0a4e2f9a8b7c6d5e4f3a2b",
      endpoint: "https://servicestage.{region}.myhuaweicloud.com",
    });
    expect(realRegion.getFailuresList()).toEqual([]);
    await expect(configure({ endpoint: "https://servicestage.example.com/{region}", authToken: "t" })).rejects.toMatchObject({
      code: grpcJs.status.INVALID_ARGUMENT,
      details: expect.stringContaining("{region} somewhere else than as a whole label of the host"),
    });
    await configureEmulator();
    const r = await check(JOB, JOB_URN, jobComponentInputs({ region: "cn-north-4.evil.example", componentId: ".." }));
    expect(
      r
        .getFailuresList()
        .map((f) => f.getProperty())
        .sort(),
    ).toEqual(["componentId", "region"]);
    await expect(read(JOB, JOB_URN, `${APP_ID}/..`)).rejects.toMatchObject({ details: expect.stringContaining("invalid JobComponent id") });
    expect(calls()).toEqual([]);
  });

  test("Configure takes the legacy variables (servicestage:config:<key>) as well as the arguments", async () => {
    const req = new provproto.ConfigureRequest();
    req
      .getVariablesMap()
      .set("servicestage:config:endpoint", emulator.url)
      .set("servicestage:config:projectId", PROJECT_ID)
      .set("servicestage:config:authToken", TOKEN);
    const resp = await rpc<provproto.ConfigureResponse>((cb) => client.configure(req, cb));
    expect([resp.getAcceptsecrets(), resp.getSupportspreview()]).toEqual([true, true]);
    const r = await read(RELEASE, RELEASE_URN, RELEASE_PLAN_ID);
    expect(r.getId()).toBe(RELEASE_PLAN_ID);
    expect(emulator.requests().map((q) => q.auth)).toEqual(["token"]);
  });

  test("without a project, region or credentials anywhere, Check fails the preview with the settings' message", async () => {
    await configure({});
    await expect(check(JOB, JOB_URN, jobComponentInputs())).rejects.toMatchObject({ details: expect.stringContaining("no ServiceStage project id") });
    expect(calls()).toEqual([]);
  });

  test("each provider is a process with its own configuration: two reach two projects", async () => {
    const other = await startEmulator({ seed: { ...seed(), projectId: "other-project" }, token: "other-token", jobDurationMs: 30 });
    const second = await startPlugin("");
    const secondClient = new Client(`127.0.0.1:${second.port}`, grpcJs.credentials.createInsecure());
    try {
      const args = { endpoint: other.url, projectId: "other-project", authToken: secret("other-token") };
      await rpc((cb) => secondClient.configure(new provproto.ConfigureRequest().setArgs(struct(args)), cb));
      await rpc((cb) => secondClient.read(new provproto.ReadRequest().setUrn(RELEASE_URN).setType(RELEASE).setId(RELEASE_PLAN_ID), cb));
      await read(RELEASE, RELEASE_URN, RELEASE_PLAN_ID);
      expect(other.requests().map((r) => r.path)).toEqual([`/v3/other-project/cas/release-plans/${RELEASE_PLAN_ID}`]);
      expect(emulator.requests().map((r) => r.path)).toEqual([`/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`]);
    } finally {
      secondClient.close();
      second.process.kill("SIGKILL");
      await other.close();
    }
  });

  test("DiffConfig lists the changed keys and replaces nothing", async () => {
    const r = await rpc<provproto.DiffResponse>((cb) =>
      client.diffConfig(
        new provproto.DiffRequest()
          .setUrn(urn("pulumi:providers:servicestage", "p"))
          .setOlds(struct({ region: "cn-north-4" }))
          .setOldInputs(struct({ region: "cn-north-4" }))
          .setNews(struct({ region: "cn-south-1" })),
        cb,
      ),
    );
    expect([r.getChanges(), r.getDiffsList(), r.getReplacesList()]).toEqual([provproto.DiffResponse.DiffChanges.DIFF_SOME, ["region"], []]);
  });
});

describe("preview: no HTTP", () => {
  test("Check and Diff with unknowns, Create and Update with preview=true make 0 calls", async () => {
    const news = jobComponentInputs({ version: UNKNOWN, source: { kind: "package", url: UNKNOWN, storage: "obs" } });
    const checked = await check(JOB, JOB_URN, news);
    expect(checked.getFailuresList()).toEqual([]);
    const inputs = plain(checked.getInputs());
    expect(inputs).toMatchObject({ version: UNKNOWN, waitForJob: true, jobTimeoutSeconds: 1200 });

    const created = plain((await create(JOB, JOB_URN, inputs, true)).getProperties());
    expect(created).toMatchObject({ version: UNKNOWN, jobId: UNKNOWN, jobStatus: UNKNOWN });
    expect(isSecret(created.source)).toBe(true);

    const olds = { ...jobComponentInputs(), waitForJob: true, jobTimeoutSeconds: 1200, jobId: "job-1", jobStatus: "SUCCEEDED" };
    const d = await diff(JOB, JOB_URN, `${APP_ID}/${COMPONENT_ID}`, olds, inputs);
    expect(d.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(d.getDiffsList().sort()).toEqual(["source", "version"]);

    const updated = plain((await update(JOB, JOB_URN, `${APP_ID}/${COMPONENT_ID}`, olds, inputs, true)).getProperties());
    expect(updated).toMatchObject({ jobId: UNKNOWN, jobStatus: UNKNOWN });
    // A change that redeploys nothing keeps the job known.
    const waitOnly = plain((await update(JOB, JOB_URN, `${APP_ID}/${COMPONENT_ID}`, olds, { ...olds, waitForJob: false }, true)).getProperties());
    expect(waitOnly).toMatchObject({ jobId: "job-1", jobStatus: "SUCCEEDED", waitForJob: false });

    expect(calls()).toEqual([]);
  });

  test("Check returns the lifecycle's failures, property and reason", async () => {
    const r = await check(JOB, JOB_URN, jobComponentInputs({ version: "v1", componentId: "", replicas: 2 }));
    expect(r.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual(
      expect.arrayContaining([
        ["componentId", expect.stringContaining("must be a ServiceStage id")],
        ["version", expect.stringContaining("^([0-9]+)(.[0-9]+){2,3}$")],
        ["replicas", expect.stringContaining("replicas is not a known property")],
      ]),
    );
    expect(calls()).toEqual([]);
  });
});

describe("JobComponent", () => {
  const id = `${APP_ID}/${COMPONENT_ID}`;
  const checkedInputs = async (overrides: Bag = {}) => plain((await check(JOB, JOB_URN, jobComponentInputs(overrides))).getInputs());

  test("Create redeploys once and waits for the job, with progress in the engine's log; Delete makes no call", async () => {
    const inputs = await checkedInputs({ source: { kind: "package", url: "obs://b/app.jar", storage: "obs" } });
    const created = await create(JOB, JOB_URN, inputs);
    expect(created.getId()).toBe(id);
    const outs = plain(created.getProperties());
    expect(outs).toMatchObject({ applicationId: APP_ID, jobStatus: "SUCCEEDED", jobId: expect.any(String) });
    expect(outs.source).toEqual(secret({ kind: "package", url: "obs://b/app.jar", storage: "obs" }));
    expect(puts()).toEqual([`PUT /applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`]);
    expect(engineLogs.filter((l) => l.urn === JOB_URN).map((l) => l.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("redeploy started"), expect.stringMatching(/job .* SUCCEEDED/)]),
    );

    emulator.clearRequests();
    await rpc((cb) => client.delete(new provproto.DeleteRequest().setUrn(JOB_URN).setType(JOB).setId(id).setProperties(struct(outs)), cb));
    expect(calls()).toEqual([]);
  });

  test("secrets arrive signed, reach ServiceStage plain, and leave signed, a property holding an httpPassword at any depth whole", async () => {
    const source = {
      kind: "package",
      url: "https://example.com/app.jar",
      storage: "http",
      httpUsername: "u",
      httpPassword: "hunter22",
      httpCommand: "GET",
      httpHeaders: {},
    };
    const sidecar = { containerName: "side", source: { kind: "image", url: "swr/x:1", storage: "swr", httpPassword: "sidecar-pw" } };
    const envs = [{ name: "TOKEN", value: secret("env-secret") }];
    const news = { ...jobComponentInputs(), source: secret(source), multiContainers: [sidecar], envs };
    const checked = plain((await check(JOB, JOB_URN, news)).getInputs());
    expect(checked.source).toEqual(secret(source));
    // A property that holds a secret field anywhere is secret whole (the field model's secretKeys).
    expect(checked.multiContainers).toEqual(secret([sidecar]));

    const outs = plain((await create(JOB, JOB_URN, checked)).getProperties());
    const sent = emulator.requests().find((r) => r.method === "PUT")?.body as Bag;
    expect(sent.source).toMatchObject({ http_password: "hunter22" });
    expect(isSecret(outs.source)).toBe(true);
    expect(outs.multiContainers).toEqual(secret([sidecar]));
    // A secret the field model does not declare keeps its property secret, whole.
    expect(outs.envs).toEqual(secret([{ name: "TOKEN", value: "env-secret" }]));
  });

  test("Diff shows which properties change and replaces on an identity key", async () => {
    const olds = { ...(await checkedInputs()), jobId: "job-1", jobStatus: "SUCCEEDED" };
    const envs = await diff(JOB, JOB_URN, id, olds, { ...olds, envs: [{ name: "A", value: "1" }], replica: 3 });
    expect([envs.getChanges(), envs.getReplacesList(), envs.getDiffsList()]).toEqual([provproto.DiffResponse.DiffChanges.DIFF_SOME, [], ["replica", "envs"]]);
    expect(envs.getHasdetaileddiff()).toBe(true);
    expect(envs.getDetaileddiffMap().get("envs")?.getKind()).toBe(provproto.PropertyDiff.Kind.ADD);
    expect(envs.getDetaileddiffMap().get("replica")?.getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE);

    const moved = await diff(JOB, JOB_URN, id, olds, { ...olds, componentId: "comp-other" });
    expect([moved.getReplacesList(), moved.getDetaileddiffMap().get("componentId")?.getKind()]).toEqual([
      ["componentId"],
      provproto.PropertyDiff.Kind.UPDATE_REPLACE,
    ]);

    const same = await diff(JOB, JOB_URN, id, olds, { ...olds });
    expect([same.getChanges(), same.getDiffsList()]).toEqual([provproto.DiffResponse.DiffChanges.DIFF_NONE, []]);
    expect(calls()).toEqual([]);
  });

  test("Update sends one PUT per change, none when only how to wait changes", async () => {
    const olds = plain((await create(JOB, JOB_URN, await checkedInputs())).getProperties());
    emulator.clearRequests();
    const changed = await checkedInputs({ version: "2025.0323.15182" });
    const outs = plain((await update(JOB, JOB_URN, id, olds, changed)).getProperties());
    expect(puts()).toHaveLength(1);
    expect(outs).toMatchObject({ version: "2025.0323.15182", jobStatus: "SUCCEEDED" });
    expect(outs.jobId).not.toBe(olds.jobId);

    emulator.clearRequests();
    const same = plain((await update(JOB, JOB_URN, id, outs, { ...changed, waitForJob: false })).getProperties());
    expect(calls()).toEqual([]);
    expect(same).toMatchObject({ jobId: outs.jobId, waitForJob: false });
  });

  test("Read with the id alone imports the component, source secret; a refresh of a gone one drops it", async () => {
    const r = await read(JOB, JOB_URN, id);
    expect(r.getId()).toBe(id);
    const props = plain(r.getProperties());
    expect(props).toMatchObject({ applicationId: APP_ID, componentId: COMPONENT_ID, name: "mycomponent", waitForJob: true });
    expect(isSecret(props.source)).toBe(true);
    expect(plain(r.getInputs())).toMatchObject({ applicationId: APP_ID, name: "mycomponent" });
    expect(calls()).toEqual([`GET /applications/${APP_ID}/components/${COMPONENT_ID}`]);

    emulator.deleteComponent(APP_ID, COMPONENT_ID);
    const gone = await read(JOB, JOB_URN, id, props);
    expect([gone.getId(), gone.hasProperties()]).toEqual(["", false]);
  });

  test("a failed call is a gRPC error carrying the lifecycle's message, never the token", async () => {
    const inputs = await checkedInputs({ componentId: "comp-missing" });
    const error = await create(JOB, JOB_URN, inputs).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(error?.code).toBe(grpcJs.status.UNKNOWN);
    expect(error?.details).toMatch(/job component app-demo\/comp-missing was not found .*create it there first/);
    expect(error?.details).not.toContain(TOKEN);
  });

  test("the type is read from the URN when the request does not carry it", async () => {
    const req = new provproto.ReadRequest().setUrn(JOB_URN).setId(id);
    const r = await rpc<provproto.ReadResponse>((cb) => client.read(req, cb));
    expect(r.getId()).toBe(id);
  });

  test("an explicit provider's credential sources: a KooCLI profile, OIDC and an agency sign with their own keys; half a pair is refused by CheckConfig", async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-plugin-credentials-"));
    const idToken = "eyJ.plugin-oidc-token.sig";
    emulator.configureIam({ identityProviders: [{ id: "ci-idp", idToken }], agencies: [{ agencyName: "deployer", domainName: "acme" }] });
    emulator.addAccessKey("PLUGINPROFILEAK", "plugin-profile-secret");
    const configFile = path.join(scratch, "config.json");
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        current: "x",
        profiles: [{ name: "ci", mode: "AKSK", accessKeyId: "PLUGINPROFILEAK", secretAccessKey: "plugin-profile-secret", projectId: PROJECT_ID }],
      }),
    );
    const tokenFile = path.join(scratch, "id-token");
    fs.writeFileSync(tokenFile, idToken);
    const signersWith = async (args: Bag) => {
      await configure({ endpoint: emulator.url, ...args });
      emulator.clearRequests();
      const r = await read(JOB, JOB_URN, id);
      expect(JSON.stringify(plain(r.getProperties())) + stderr()).not.toMatch(/plugin-profile-secret|plugin-oidc-token/);
      return [...new Set(emulator.requests().map((q) => q.accessKey ?? q.auth))];
    };
    expect(await signersWith({ sharedConfigFile: configFile, profile: "ci" })).toEqual(["PLUGINPROFILEAK"]);
    expect(await signersWith({ projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: emulator.url })).toEqual([
      expect.stringMatching(/^TMP/),
    ]);
    const viaAgency = await signersWith({
      sharedConfigFile: configFile,
      profile: "ci",
      assumeRoleAgencyName: "deployer",
      assumeRoleDomainName: "acme",
      iamEndpoint: emulator.url,
    });
    expect(viaAgency).toEqual([expect.stringMatching(/^TMP/)]);
    expect(emulator.iamRequests().at(-1)).toMatchObject({ path: "/v3.0/OS-CREDENTIAL/securitytokens", principal: "PLUGINPROFILEAK", status: 201 });
    const failures = (await checkConfig({ region: "cn-north-4", assumeRoleAgencyName: "deployer", idTokenFile: tokenFile }))
      .getFailuresList()
      .map((f) => [f.getProperty(), f.getReason()]);
    expect(failures).toEqual(
      expect.arrayContaining([
        ["assumeRoleDomainName", expect.stringMatching(/assumeRoleDomainName is missing.*HW_ASSUME_ROLE_DOMAIN_NAME/)],
        ["idpId", expect.stringMatching(/idpId is missing.*HUAWEICLOUD_SDK_IDP_ID/)],
      ]),
    );
    await configureEmulator();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("customTimeouts: the update's timeout ends the job wait before jobTimeoutSeconds, says so, and records the job", async () => {
    const olds = plain((await create(JOB, JOB_URN, await checkedInputs())).getProperties());
    emulator.setJobDuration({ ms: 60_000 });
    const news = await checkedInputs({ version: "2025.0323.15190", jobTimeoutSeconds: 600 });
    const req = new provproto.UpdateRequest().setUrn(JOB_URN).setType(JOB).setId(id).setOlds(struct(olds)).setOldInputs(struct(olds)).setNews(struct(news));
    const error = await rpc<provproto.UpdateResponse>((cb) => client.update(req.setTimeout(1), cb)).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(error?.details).toMatch(/did not finish: job \S+ still \w+ after 1 s.*customTimeouts ended the wait: raise its update timeout/);
    const [details] = error?.metadata.get("grpc-status-details-bin") ?? [];
    const [packed] = statusproto.Status.deserializeBinary(new Uint8Array(details as Buffer)).getDetailsList();
    const recorded = plain(provproto.ErrorResourceInitFailed.deserializeBinary(packed.getValue_asU8()).getProperties());
    expect(recorded).toMatchObject({ version: "2025.0323.15190", jobId: emulator.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id });
    emulator.setJobDuration({ ms: 30 });
  });

  test("Cancel ends a job wait in flight at once; the update fails naming the job still running", async () => {
    const olds = plain((await create(JOB, JOB_URN, await checkedInputs())).getProperties());
    emulator.clearRequests();
    emulator.setJobDuration({ ms: 60_000 });
    const pending = update(JOB, JOB_URN, id, olds, await checkedInputs({ version: "2025.0323.15189" })).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    await waitFor(() => emulator.requests().some((r) => r.method === "GET" && r.path.includes("/jobs/")));
    const cancelledAt = Date.now();
    await cancel();
    const error = await pending;
    expect(Date.now() - cancelledAt).toBeLessThan(10_000); // far below the job's 60 s, loose enough for a loaded machine
    expect(error?.details).toMatch(
      /did not finish: job \S+ still (SUBMITTED|SCHEDULED|RUNNING) when the wait was cancelled\. Job \S+ is still running in ServiceStage; it is recorded in the stack/,
    );
    // Pulumi's partial failure, as the engine reads it: ErrorResourceInitFailed with the id and the new state, secrets marked.
    const [details] = error?.metadata.get("grpc-status-details-bin") ?? [];
    const status = statusproto.Status.deserializeBinary(new Uint8Array(details as Buffer));
    const [packed] = status.getDetailsList();
    expect(packed.getTypeName()).toBe("pulumirpc.ErrorResourceInitFailed");
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(packed.getValue_asU8());
    expect(failed.getId()).toBe(id);
    const recorded = plain(failed.getProperties());
    expect(recorded).toMatchObject({ version: "2025.0323.15189", jobId: emulator.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id });
    expect(["SUBMITTED", "SCHEDULED", "RUNNING"]).toContain(recorded.jobStatus);
    expect(isSecret(recorded.source)).toBe(true);
    expect(failed.getReasonsList()).toEqual([error?.details]);

    // The engine also calls Cancel at the end of an ordinary run: later work of the process goes on.
    emulator.setJobDuration({ ms: 30 });
    await cancel();
    emulator.clearRequests();
    await expect(read(JOB, JOB_URN, id)).resolves.toBeDefined();
  });
});

describe("ReleasePlan", () => {
  test("Create edits the task once, components secret; Read imports by the task id; an unknown id is not found", async () => {
    const inputs = plain((await check(RELEASE, RELEASE_URN, releasePlanInputs())).getInputs());
    expect(isSecret(inputs.components)).toBe(true);
    const created = await create(RELEASE, RELEASE_URN, inputs);
    expect(created.getId()).toBe(RELEASE_PLAN_ID);
    expect(isSecret(plain(created.getProperties()).components)).toBe(true);
    expect(puts()).toEqual([`PUT /release-plans/${RELEASE_PLAN_ID}`]);

    emulator.clearRequests();
    const imported = await read(RELEASE, RELEASE_URN, RELEASE_PLAN_ID);
    expect(plain(imported.getProperties())).toMatchObject({ releasePlanId: RELEASE_PLAN_ID, name: "release-2025-q3" });
    expect(calls()).toEqual([`GET /release-plans/${RELEASE_PLAN_ID}`]);

    const missing = await read(RELEASE, RELEASE_URN, "no-such-plan");
    expect(missing.getId()).toBe("");
  });

  test("an unknown resource type is refused by name", async () => {
    await expect(check("servicestage:index:Nope", urn("servicestage:index:Nope", "x"), {})).rejects.toMatchObject({
      code: grpcJs.status.INVALID_ARGUMENT,
      details: expect.stringContaining('unknown resource type "servicestage:index:Nope"'),
    });
  });
});

describe("read functions (Invoke)", () => {
  const invoke = (tok: string, args: Bag) =>
    rpc<provproto.InvokeResponse>((cb) => client.invoke(new provproto.InvokeRequest().setTok(tok).setArgs(struct(args)).setPreview(true), cb));

  test("getJobComponent and getJob answer with GETs only, at a preview too; the live spec is secret", async () => {
    await configureEmulator();
    const { jobId } = emulator.consoleAction(APP_ID, COMPONENT_ID, "restart");
    emulator.clearRequests();
    const component = await invoke("servicestage:index:getJobComponent", { applicationId: APP_ID, componentId: COMPONENT_ID });
    expect(component.getFailuresList()).toEqual([]);
    const answer = plain(component.getReturn());
    expect(isSecret(answer.spec)).toBe(true);
    expect(answer).toMatchObject({ componentStatus: expect.any(String), lastJobId: jobId });
    const job = plain((await invoke("servicestage:getJob", { jobId })).getReturn());
    expect(job).toMatchObject({ executionStatus: expect.any(String), taskCount: expect.any(Number), tasks: expect.any(Array) });
    expect(calls().every((c) => c.startsWith("GET "))).toBe(true);
  });

  test("bad arguments are failures naming the property and the rule, before any request", async () => {
    await configureEmulator();
    emulator.clearRequests();
    const r = await invoke("servicestage:index:getJob", { jobId: "../x", bogus: 1 });
    expect(
      r
        .getFailuresList()
        .map((f) => f.getProperty())
        .sort(),
    ).toEqual(["bogus", "jobId"]);
    expect(r.getFailuresList()[0].getReason()).toMatch(/jobId must be a ServiceStage id/);
    expect(emulator.requests()).toHaveLength(0);
    await expect(invoke("servicestage:index:getNothing", {})).rejects.toMatchObject({
      details: expect.stringMatching(/unknown function "servicestage:index:getNothing"/),
    });
  });
});

describe("what a pull request controls: through the plugin", () => {
  const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbHVnaW4ifQ.c2ln";
  let attacker: Attacker;
  let scratch: string;
  beforeEach(async () => {
    attacker = await startAttacker();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-plugin-untrusted-"));
  });
  afterEach(async () => {
    await attacker.close();
    fs.rmSync(scratch, { recursive: true, force: true });
    await configureEmulator();
  });
  /** Check's answer (its failures, or the gRPC error's details), within 5 s: a hang fails the test. */
  const checkSaid = async (): Promise<string> => {
    const answer = check(JOB, JOB_URN, jobComponentInputs()).then(
      (r) => JSON.stringify(r.getFailuresList().map((f) => f.getReason())),
      (e: grpc.ServiceError) => e.details,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`Check did not answer within 5 s; stderr:\n${stderr()}`)), 5_000)),
    );
    try {
      return await Promise.race([answer, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const readSaid = () =>
    read(JOB, JOB_URN, `${APP_ID}/${COMPONENT_ID}`).then(
      () => "read",
      (e: grpc.ServiceError) => e.details,
    );

  test("ECS metadata with an agency and an IAM endpoint from the stack config: Check asks metadata only, IAM is called at the read", async () => {
    emulator.configureIam({ metadata: true, agencies: [{ agencyName: "deployer", domainName: "acme" }] });
    const vm = await startPlugin("", { SERVICESTAGE_METADATA_ENDPOINT: emulator.url });
    const vmClient = new Client(`127.0.0.1:${vm.port}`, grpcJs.credentials.createInsecure());
    try {
      const args = { endpoint: emulator.url, projectId: PROJECT_ID, assumeRoleAgencyName: "deployer", assumeRoleDomainName: "acme" };
      await rpc((cb) => vmClient.configure(new provproto.ConfigureRequest().setArgs(struct({ ...args, iamEndpoint: attacker.url })), cb));
      const checked = await rpc<provproto.CheckResponse>((cb) => vmClient.check(checkRequest(JOB, JOB_URN, jobComponentInputs()), cb));
      expect(checked.getFailuresList()).toEqual([]);
      expect(attacker.received).toEqual([]);
      expect(emulator.iamRequests().map((r) => r.path)).toEqual(["/meta-data/latest/api/token", "/openstack/latest/securitykey"]);
      expect(calls()).toEqual([]);

      await rpc((cb) => vmClient.configure(new provproto.ConfigureRequest().setArgs(struct({ ...args, iamEndpoint: emulator.url })), cb));
      await rpc((cb) => vmClient.read(new provproto.ReadRequest().setUrn(JOB_URN).setType(JOB).setId(`${APP_ID}/${COMPONENT_ID}`), cb));
      expect(emulator.iamRequests().map((r) => r.path)).toContain("/v3.0/OS-CREDENTIAL/securitytokens");
      expect(attacker.received).toEqual([]);
    } finally {
      vmClient.close();
      vm.process.kill("SIGKILL");
    }
  });

  test("file settings: a FIFO, /dev/zero, /proc/self/environ and a non-token file are refused by Check and Read, naming the setting; nothing reaches the IAM endpoint", async () => {
    const fifo = path.join(scratch, "fifo");
    execFileSync("mkfifo", [fifo]);
    const secrets = path.join(scratch, "ci.env");
    fs.writeFileSync(secrets, "DEPLOY_KEY=plugin-ci-file-content\n");
    const cases: Array<[Bag, RegExp]> = [
      [{ sharedConfigFile: fifo }, /the KooCLI config file ".*fifo" is a FIFO: only a regular file is read/],
      [{ credentialsFile: "/dev/zero" }, /the credentials file "\/dev\/zero" is a character device/],
      [{ idpId: "ci-idp", idTokenFile: "/proc/self/environ" }, /the OIDC id token file "\/proc\/self\/environ" is a pseudo-file of \/proc/],
      [{ idpId: "ci-idp", idTokenFile: secrets }, /the OIDC id token file ".*ci.env" does not hold an OIDC id token/],
    ];
    for (const [settings, rule] of cases) {
      await configure({ endpoint: emulator.url, projectId: PROJECT_ID, iamEndpoint: attacker.url, ...settings });
      for (const said of [await checkSaid(), await readSaid()]) {
        expect([settings, said]).toEqual([settings, expect.stringMatching(rule)]);
        expect(said).not.toMatch(/plugin-ci-file-content|PATH=/);
      }
    }
    expect(attacker.received).toEqual([]);
    expect(stderr()).not.toContain("plugin-ci-file-content");
  });

  test("a real id token is exchanged at the read, never at Check", async () => {
    emulator.configureIam({ identityProviders: [{ id: "ci-idp", idToken: ID_TOKEN }] });
    const tokenFile = path.join(scratch, "token");
    fs.writeFileSync(tokenFile, ID_TOKEN);
    await configure({ endpoint: emulator.url, projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: emulator.url });
    expect(await checkSaid()).toBe("[]");
    expect(emulator.iamRequests()).toEqual([]);
    expect(await readSaid()).toBe("read");
    expect(emulator.iamRequests().map((r) => r.path)).toEqual(["/v3.0/OS-AUTH/id-token/tokens", "/v3.0/OS-CREDENTIAL/securitytokens"]);
  });

  test("CheckConfig and Configure: line breaks in names and paths, and a request timeout past Node's timers, are refused, quoted", async () => {
    const forged = "x\n::error::forged";
    const r = await checkConfig({
      profile: forged,
      idpId: forged,
      idTokenFile: forged,
      iamEndpoint: `https://iam.example.com/${forged}`,
      requestTimeoutSeconds: 2147484,
    });
    const failures = r.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
    expect(failures.map(([p]) => p).sort()).toEqual(["iamEndpoint", "idTokenFile", "idpId", "profile", "requestTimeoutSeconds"]);
    expect(Object.fromEntries(failures).requestTimeoutSeconds).toMatch(/from 0.001 to 2147483, got 2147484/);
    for (const [, reason] of failures) expect(reason.split("\n").some((line) => line.startsWith("::error"))).toBe(false);
    await expect(configure({ endpoint: emulator.url, profile: forged })).rejects.toMatchObject({
      details: expect.stringContaining('profile "x\\n::error::forged" must hold no control character'),
    });
  });
});

const waitFor = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; plugin stderr:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
