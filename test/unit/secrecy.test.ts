/**
 * One declaration of secrecy, kept by every front door. A secret is declared once: on the
 * codec (`secret()`, read by the field model, provider/codecs/fields.ts) or among the
 * settings (`SECRET_SETTINGS`). This suite collects every secret known anywhere (those
 * declarations, and any field or setting whose name says it is a credential) and fails
 * when one is not secret in the schema, the Go and Python SDKs, the TypeScript resources'
 * registrations and outputs, and the plugin's answers alike.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import type * as grpc from "@grpc/grpc-js";
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Field, fieldsOf, holdsSecret, secretKeys, structural } from "../../provider/codecs/fields";
import { RedeployJobComponentBody } from "../../provider/codecs/redeployJobComponent";
import { EditReleasePlanBody } from "../../provider/codecs/editReleasePlan";
import { CONFIG_KEYS, SECRET_SETTINGS } from "../../provider/settings";
import { jobComponentProvider, releasePlanProvider } from "../../provider";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../provider/pulumiValues";
import { pulumiRpc } from "../../provider/pulumiRpc";
import { camelKey } from "../../provider/codecs/spellings";
import { JobComponent, ReleasePlan } from "../../sdk";
import { jobComponentSecretKeys, releasePlanSecretKeys } from "../../sdk/generated";
import { Serving, serve } from "../../plugin/server";
import { captureInputs } from "../harness/captureInputs";
import { Emulator, startEmulator } from "../../emulator/server";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobComponentInputs, jobSpec, releasePlanInputs, releaseSpec, seed } from "../harness/world";

const repo = path.resolve(__dirname, "..", "..");
type Bag = Record<string, unknown>;

/**
 * A name that says "credential". `image_pull_secrets` is not one: it names Kubernetes
 * secrets (their names, never their contents).
 */
const CREDENTIAL_NAME = /password|passwd|token|secret_?key|access_?key_?secret|private_?key|credential/i;
const NOT_A_CREDENTIAL = new Set(["image_pull_secrets"]);

/** Every field of a codec, at its wire path (`[]` for list items, `{}` for map values). */
const walk = (codec: t.Mixed, at = ""): Array<{ path: string; field: Field }> => {
  const c = structural(codec);
  if (c._tag === "ArrayType") return walk(c.type as t.Mixed, `${at}[]`);
  if (c._tag === "DictionaryType") return walk(c.codomain as t.Mixed, `${at}{}`);
  if (c._tag === "UnionType") return (c.types ?? []).flatMap((m) => walk(m, at));
  return (fieldsOf(c) ?? []).flatMap((field) => {
    const here = at === "" ? field.wireKey : `${at}.${field.wireKey}`;
    return [{ path: here, field }, ...walk(field.codec, here)];
  });
};

const RESOURCES = [
  {
    name: "JobComponent",
    body: RedeployJobComponentBody,
    lifecycle: jobComponentProvider,
    sdkKeys: jobComponentSecretKeys,
    file: "jobComponent",
    py: "job_component",
  },
  { name: "ReleasePlan", body: EditReleasePlanBody, lifecycle: releasePlanProvider, sdkKeys: releasePlanSecretKeys, file: "releasePlan", py: "release_plan" },
] as const;

const sorted = (keys: Iterable<string>) => [...keys].sort();
const pyToCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const goToCamel = (name: string) => name.replace(/^./, (c) => c.toLowerCase());

interface SchemaType {
  properties?: Record<string, SchemaType & { secret?: boolean }>;
  items?: SchemaType;
  additionalProperties?: SchemaType;
  oneOf?: SchemaType[];
  $ref?: string;
}
const schema = JSON.parse(fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8")) as {
  config: { variables: Record<string, { secret?: boolean }> };
  resources: Record<
    string,
    { inputProperties: Record<string, SchemaType & { secret?: boolean }>; properties: Record<string, SchemaType & { secret?: boolean }> }
  >;
  types: Record<string, SchemaType>;
};
/** The schema property at a wire path of a resource's body: following $refs, list items and map values. */
const schemaPropertyAt = (resource: string, wirePath: string): (SchemaType & { secret?: boolean }) | undefined => {
  let props: Record<string, SchemaType & { secret?: boolean }> | undefined = schema.resources[`servicestage:index:${resource}`].inputProperties;
  let found: (SchemaType & { secret?: boolean }) | undefined;
  for (const step of wirePath.split(".")) {
    const [wireKey, ...suffixes] = step.split(/(?=\[\]|\{\})/);
    found = props?.[camelKey(wireKey)];
    let type: SchemaType | undefined = found;
    for (const suffix of suffixes) type = suffix === "[]" ? type?.items : type?.additionalProperties;
    const deref = (x: SchemaType | undefined): SchemaType | undefined => (x?.$ref !== undefined ? schema.types[x.$ref.replace("#/types/", "")] : x);
    props = deref(type)?.properties ?? deref(type?.oneOf?.find((m) => deref(m)?.properties !== undefined))?.properties;
  }
  return found;
};

describe("what is secret, declared once", () => {
  test("the field model finds the declared secrets, and every field named like a credential is one", () => {
    for (const { body } of RESOURCES) {
      const fields = walk(body);
      expect(fields.length).toBeGreaterThan(50);
      const named = fields.filter(({ field }) => CREDENTIAL_NAME.test(field.wireKey) && !NOT_A_CREDENTIAL.has(field.wireKey));
      expect(named.length).toBeGreaterThan(0);
      for (const { path: p, field } of named) expect({ path: p, secret: field.secret }).toEqual({ path: p, secret: true });
    }
    expect(
      walk(RedeployJobComponentBody)
        .filter(({ field }) => field.secret)
        .map(({ path: p }) => p),
    ).toEqual(expect.arrayContaining(["source.http_password", "template_source.http_password", "multi_containers[].source.http_password"]));
    // The settings: every credential-named setting is declared secret; an access key id alone is not a secret.
    // (A setting naming a file holds a path, not the secret: idTokenFile.)
    for (const key of Object.keys(CONFIG_KEYS))
      if (/token|secret/i.test(key) && !/File$/.test(key))
        expect({ key, secret: (SECRET_SETTINGS as readonly string[]).includes(key) }).toEqual({ key, secret: true });
  });

  test("a top-level property holding a secret is secret whole: the lifecycles, sdk/, the schema agree", () => {
    for (const { name, body, lifecycle, sdkKeys } of RESOURCES) {
      const holding = (fieldsOf(body) ?? []).filter((f) => holdsSecret(f.codec)).map((f) => f.key);
      expect(holding.length).toBeGreaterThan(0);
      expect(sorted(lifecycle.secretKeys)).toEqual(sorted(holding));
      expect(sorted(sdkKeys)).toEqual(sorted(holding));
      expect(sorted(secretKeys(body))).toEqual(sorted(holding));
      const resource = schema.resources[`servicestage:index:${name}`];
      for (const bag of [resource.inputProperties, resource.properties])
        expect(
          sorted(
            Object.entries(bag)
              .filter(([, p]) => p.secret === true)
              .map(([k]) => k),
          ),
        ).toEqual(sorted(holding));
    }
  });

  test("every secret field is secret in the schema at its own depth too", () => {
    for (const { name, body } of RESOURCES)
      for (const { path: p } of walk(body).filter(({ field }) => field.secret))
        expect({ p, secret: schemaPropertyAt(name, p)?.secret }).toEqual({ p, secret: true });
    expect(
      sorted(
        Object.entries(schema.config.variables)
          .filter(([, v]) => v.secret === true)
          .map(([k]) => k),
      ),
    ).toEqual(sorted(SECRET_SETTINGS));
  });

  test("the generated Go and Python SDKs keep the same properties and settings secret", () => {
    const read = (...p: string[]) => fs.readFileSync(path.join(repo, "sdk", ...p), "utf8");
    const goSecrets = (text: string) => sorted([...text.matchAll(/args\.(\w+) = pulumi\.ToSecret\(args\.\1\)/g)].map((m) => goToCamel(m[1])));
    const goAdditional = (text: string) =>
      sorted([...(/AdditionalSecretOutputs\(\[\]string\{([^}]*)\}/.exec(text)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]));
    const pySecrets = (text: string) =>
      sorted([...text.matchAll(/__props__\.__dict__\["(\w+)"\] = None if \w+ is None else pulumi\.Output\.secret\(/g)].map((m) => pyToCamel(m[1])));
    const pyAdditional = (text: string) =>
      sorted([...(/additional_secret_outputs=\[([^\]]*)\]/.exec(text)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]));
    for (const { file, py, lifecycle } of RESOURCES) {
      const go = read("go", "servicestage", `${file}.go`);
      const python = read("python", "pulumi_servicestage", `${py}.py`);
      expect({ file, go: goSecrets(go), goOutputs: goAdditional(go) }).toEqual({
        file,
        go: sorted(lifecycle.secretKeys),
        goOutputs: sorted(lifecycle.secretKeys),
      });
      expect({ py, python: pySecrets(python), pyOutputs: pyAdditional(python) }).toEqual({
        py,
        python: sorted(lifecycle.secretKeys),
        pyOutputs: sorted(lifecycle.secretKeys),
      });
    }
    expect(goSecrets(read("go", "servicestage", "provider.go"))).toEqual(sorted(SECRET_SETTINGS));
    expect(pySecrets(read("python", "pulumi_servicestage", "provider.py"))).toEqual(sorted(SECRET_SETTINGS));
  });
});

/** A value for every top-level property that can hold a secret, each carrying an httpPassword. */
const withPasswords = () => {
  const source = {
    kind: "package",
    url: "https://example.com/app.jar",
    storage: "http",
    httpUsername: "u",
    httpPassword: "pw-source",
    httpCommand: "GET",
    httpHeaders: {},
  };
  return {
    job: {
      ...jobSpec(),
      source,
      templateSource: { storage: "http", url: "https://example.com/t.zip", httpUsername: "u", httpPassword: "pw-template" },
      multiContainers: [{ containerName: "side", source: { kind: "image", url: "swr/x:1", storage: "swr", httpPassword: "pw-sidecar" } }],
    },
    release: releaseSpec(),
  };
};

describe("the TypeScript resources", () => {
  test("register every secret-holding property as a secret input, and answer it as a secret output", async () => {
    const { job: spec } = withPasswords();
    let job: JobComponent | undefined;
    let plan: ReleasePlan | undefined;
    const registered = await captureInputs(() => {
      job = new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...spec } as never);
      plan = new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never);
      return [job, plan];
    });
    const isSecretValue = (v: unknown) => typeof v === "object" && v !== null && (v as Bag)[SECRET_SIG_KEY] === SECRET_SIG;
    for (const [type, keys] of [
      [":JobComponent", jobComponentProvider.secretKeys],
      [":ReleasePlan", releasePlanProvider.secretKeys],
    ] as const) {
      const inputs = registered.find((r) => r.type.endsWith(type))?.inputs ?? {};
      for (const key of keys) expect({ key, secret: isSecretValue(inputs[key]) }).toEqual({ key, secret: true });
    }
    for (const key of jobComponentProvider.secretKeys)
      expect({ key, secret: await pulumi.isSecret((job as unknown as Record<string, pulumi.Output<unknown>>)[key]) }).toEqual({ key, secret: true });
    for (const key of releasePlanProvider.secretKeys)
      expect({ key, secret: await pulumi.isSecret((plan as unknown as Record<string, pulumi.Output<unknown>>)[key]) }).toEqual({ key, secret: true });
  });
});

describe("the plugin's answers", () => {
  const rpcs = pulumiRpc();
  let emulator: Emulator;
  let serving: Serving;
  let client: InstanceType<typeof rpcs.provider.ResourceProviderClient>;
  const struct = (bag: Bag) => rpcs.Struct.fromJavaScript(bag as Record<string, structpb.JavaScriptValue>);
  const call = <Res>(invoke: (cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown) =>
    new Promise<Res>((resolve, reject) => invoke((e, r) => (e ? reject(e) : resolve(r))));
  const secretKeysOf = (s: structpb.Struct | undefined) =>
    sorted(
      Object.entries((s?.toJavaScript() ?? {}) as Bag)
        .filter(([, v]) => typeof v === "object" && v !== null && (v as Bag)[SECRET_SIG_KEY] === SECRET_SIG)
        .map(([k]) => k),
    );

  beforeAll(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 10 });
    serving = await serve();
    client = new rpcs.provider.ResourceProviderClient(`127.0.0.1:${serving.port}`, rpcs.grpc.credentials.createInsecure());
    await call((cb) =>
      client.configure(new provproto.ConfigureRequest().setArgs(struct({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN })), cb),
    );
  });
  afterAll(async () => {
    client?.close();
    await serving?.close();
    await emulator?.close();
  });

  test("CheckConfig marks every secret setting", async () => {
    const news = Object.fromEntries(
      Object.keys(CONFIG_KEYS).map((k) => [k, k === "requestTimeoutSeconds" ? "30" : k === "endpoint" ? emulator.url : `value-${k}`]),
    );
    const req = new provproto.CheckRequest().setUrn("urn:pulumi:s::p::pulumi:providers:servicestage::default").setType("pulumi:providers:servicestage");
    const resp = await call<provproto.CheckResponse>((cb) => client.checkConfig(req.setOlds(struct({})).setNews(struct(news)), cb));
    expect(secretKeysOf(resp.getInputs())).toEqual(sorted(SECRET_SETTINGS));
  });

  test("Check, Create (preview and up) and Read mark every secret-holding property, and only those", async () => {
    const { job } = withPasswords();
    for (const { name, lifecycle, inputs } of [
      { name: "JobComponent", lifecycle: jobComponentProvider, inputs: { ...jobComponentInputs(), ...job } },
      { name: "ReleasePlan", lifecycle: releasePlanProvider, inputs: releasePlanInputs() },
    ]) {
      const type = `servicestage:index:${name}`;
      const urn = `urn:pulumi:s::p::${type}::r`;
      const checked = await call<provproto.CheckResponse>((cb) =>
        client.check(new provproto.CheckRequest().setUrn(urn).setType(type).setOlds(struct({})).setNews(struct(inputs)), cb),
      );
      expect({ name, failures: checked.getFailuresList().map((f) => f.getReason()) }).toEqual({ name, failures: [] });
      expect({ name, check: secretKeysOf(checked.getInputs()) }).toEqual({ name, check: sorted(lifecycle.secretKeys) });
      const create = (preview: boolean) =>
        call<provproto.CreateResponse>((cb) =>
          client.create(new provproto.CreateRequest().setUrn(urn).setType(type).setProperties(checked.getInputs()).setPreview(preview), cb),
        );
      expect({ name, preview: secretKeysOf((await create(true)).getProperties()) }).toEqual({ name, preview: sorted(lifecycle.secretKeys) });
      const created = await create(false);
      expect({ name, up: secretKeysOf(created.getProperties()) }).toEqual({ name, up: sorted(lifecycle.secretKeys) });
      const read = await call<provproto.ReadResponse>((cb) =>
        client.read(
          new provproto.ReadRequest().setUrn(urn).setType(type).setId(created.getId()).setProperties(created.getProperties()).setInputs(checked.getInputs()),
          cb,
        ),
      );
      expect({ name, read: secretKeysOf(read.getProperties()) }).toEqual({ name, read: sorted(lifecycle.secretKeys) });
    }
  });
});
