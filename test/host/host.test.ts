/**
 * Pulumi's real dynamic-provider host, driven over gRPC like the engine drives it, fed
 * with the `__provider` and inputs that the SDK classes register under
 * pulumi.runtime.setMocks. Runs against the build in dist/ (npm test builds first),
 * resolved by package name as a user's program would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../../emulator/server";
import { JobComponent, ReleasePlan } from "../../sdk";
import { UNKNOWN } from "../../provider/pulumiValues";
import { captureInputs, Registered, unwrapSecrets } from "../harness/captureInputs";
import { ProviderHost, startProviderHost } from "../harness/providerHost";
import { startAttacker } from "../harness/attacker";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, SECRET_KEY, TOKEN, ACCESS_KEY, jobSpec, releaseSpec, seed } from "../harness/world";

const repo = path.resolve(__dirname, "..", "..");
let emulator: Emulator;
let host: ProviderHost;
let registered: Registered[];

const program = () => [
  new JobComponent("job", {
    applicationId: APP_ID,
    componentId: COMPONENT_ID,
    ...jobSpec(),
    source: { kind: "package", url: "obs://bucket0001/weather-1.0.0.jar", storage: "obs", version: pulumi.secret("1.0.0") },
  } as never),
  new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never),
];

beforeAll(async () => {
  registered = await captureInputs(program);
});

beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, jobDurationMs: 30 });
  host = await startProviderHost(repo, { HW_AUTH_TOKEN: "", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" });
  await host.configure({ "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, "servicestage:authToken": TOKEN });
});
afterEach(async () => {
  await host.close();
  await emulator.close();
});

const job = () => registered.find((r) => r.type === "pulumi-nodejs:dynamic/servicestage:JobComponent") as Registered;
const plan = () => registered.find((r) => r.type === "pulumi-nodejs:dynamic/servicestage:ReleasePlan") as Registered;
const plain = unwrapSecrets;

describe("the serialized provider", () => {
  test.each([
    ["JobComponent", job],
    ["ReleasePlan", plan],
  ])("%s: small, no absolute path, no credential, no captured codec", (_name, get) => {
    const text = String(get().inputs.__provider);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(text).toContain('require("pulumi-servicestage/provider")');
    expect(text).not.toMatch(/\/work\/|\/home\/|\/tmp\/|[A-Z]:\\\\/);
    for (const secret of [TOKEN, SECRET_KEY, ACCESS_KEY]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/io-ts|validate|RedeployJobComponentBody|axios/);
  });

  test("type tokens are the documented ones", () => {
    expect(registered.map((r) => r.type).sort()).toEqual(["pulumi-nodejs:dynamic/servicestage:JobComponent", "pulumi-nodejs:dynamic/servicestage:ReleasePlan"]);
  });
});

describe("through the real provider host", () => {
  test("check: valid inputs pass; bad inputs fail by camelCase property; unknowns pass; no HTTP", async () => {
    expect((await host.check({}, plain(job().inputs))).failures).toEqual([]);
    const bad = await host.check({}, { ...plain(job().inputs), replica: -1, source: { kind: "package", storage: "http", url: "x" } });
    expect(bad.failures.map((f) => f.property).sort()).toEqual([
      "replica",
      "source.httpCommand",
      "source.httpHeaders",
      "source.httpPassword",
      "source.httpUsername",
    ]);
    const unknown = await host.check(
      {},
      { ...plain(job().inputs), version: UNKNOWN, source: { kind: "package", url: UNKNOWN, storage: "obs" }, taskSetting: UNKNOWN },
    );
    expect(unknown.failures).toEqual([]);
    expect((await host.check({}, plain(plan().inputs))).failures).toEqual([]);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("diff: no-op, update, replace; no HTTP", async () => {
    const inputs = (await host.check({}, plain(job().inputs))).inputs;
    const outs = { ...inputs, jobId: "JOB1", jobStatus: "SUCCEEDED" };
    expect(await host.diff("x", outs, inputs)).toEqual({ changes: "DIFF_NONE", replaces: [], deleteBeforeReplace: false });
    expect(await host.diff("x", outs, { ...inputs, version: "2.0.0" })).toMatchObject({ changes: "DIFF_SOME", replaces: [] });
    expect(await host.diff("x", outs, { ...inputs, applicationId: "other-app" })).toMatchObject({ changes: "DIFF_SOME", replaces: ["applicationId"] });
    expect(emulator.requests()).toHaveLength(0);
  });

  test("create, update, read with drift and with deletion", async () => {
    const inputs = (await host.check({}, plain(job().inputs))).inputs;
    const created = await host.create(inputs);
    expect(created.id).toBe(`${APP_ID}/${COMPONENT_ID}`);
    expect(created.properties).toMatchObject({ jobStatus: "SUCCEEDED", __provider: inputs.__provider });
    expect(host.logs.some((l) => /job JOB[\w-]+ SUCCEEDED/.test(l))).toBe(true);

    emulator.clearRequests();
    const updated = await host.update(created.id, created.properties, { ...inputs, version: "2025.0601.1" });
    expect(emulator.requests().filter((r) => r.method === "PUT")).toHaveLength(1);
    expect(updated.properties.jobId).not.toEqual(created.properties.jobId);

    emulator.putComponent(APP_ID, COMPONENT_ID, { ...emulator.getComponent(APP_ID, COMPONENT_ID)?.spec, replica: 3 });
    const read = await host.read(created.id, updated.properties);
    expect(read.properties).toMatchObject({ replica: 3, version: "2025.0601.1" });
    expect(read.inputs).toMatchObject({ replica: 3 });

    emulator.deleteComponent(APP_ID, COMPONENT_ID);
    expect((await host.read(created.id, updated.properties)).id).toBe("");
  });

  test("a failed job fails the update with the job id and the task message", async () => {
    const inputs = (await host.check({}, plain(job().inputs))).inputs;
    const created = await host.create(inputs);
    emulator.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["OOMKilled in task runner"] });
    await expect(host.update(created.id, created.properties, { ...inputs, version: "2025.0601.2" })).rejects.toThrow(
      /job JOB[\w-]+ ended FAILED.*OOMKilled in task runner/,
    );
  });

  test("throttling: 429s are retried and the update lands once", async () => {
    const inputs = (await host.check({}, plain(job().inputs))).inputs;
    const created = await host.create(inputs);
    emulator.clearRequests();
    emulator.injectFault({ method: "PUT", kind: "status", status: 429, errorCode: "APIG.0308", retryAfterSeconds: 0, times: 2 });
    await host.update(created.id, created.properties, { ...inputs, version: "2025.0601.3" });
    const puts = emulator.requests().filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(host.logs.some((l) => l.includes("retrying"))).toBe(true);
  });

  test("AK/SK from stack config signs the calls", async () => {
    await host.close();
    host = await startProviderHost(repo, { HW_AUTH_TOKEN: "" });
    await host.configure({
      "servicestage:endpoint": emulator.url,
      "servicestage:projectId": PROJECT_ID,
      "servicestage:accessKey": ACCESS_KEY,
      "servicestage:secretKey": SECRET_KEY,
    });
    const inputs = (await host.check({}, plain(plan().inputs))).inputs;
    await host.create(inputs);
    expect(emulator.requests().map((r) => r.auth)).toEqual(["aksk", "aksk"]);
  });

  test("credentials where Huawei users keep them: a KooCLI profile, OIDC, ECS metadata, each signing with its own keys", async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-host-credentials-"));
    const idToken = "eyJ.host-oidc-token.sig";
    emulator.configureIam({ identityProviders: [{ id: "ci-idp", idToken }], metadata: true });
    emulator.addAccessKey("PROFILEAK", "profile-secret-key");
    const configFile = path.join(scratch, "config.json");
    fs.writeFileSync(
      configFile,
      JSON.stringify({ current: "ci", profiles: [{ name: "ci", mode: "AKSK", accessKeyId: "PROFILEAK", secretAccessKey: "profile-secret-key" }] }),
    );
    const tokenFile = path.join(scratch, "id-token");
    fs.writeFileSync(tokenFile, idToken);
    const none = { HW_AUTH_TOKEN: "", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" };
    const base = { "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID };
    const signers = async (env: Record<string, string>, config: Record<string, string>) => {
      await host.close();
      host = await startProviderHost(repo, { ...none, SERVICESTAGE_METADATA_ENDPOINT: "http://127.0.0.1:9", ...env });
      await host.configure({ ...base, ...config });
      emulator.clearRequests();
      const inputs = (await host.check({}, plain(plan().inputs))).inputs;
      const created = await host.create(inputs);
      expect(JSON.stringify(created) + host.stderr() + host.logs.join("")).not.toMatch(/profile-secret-key|host-oidc-token/);
      return [...new Set(emulator.requests().map((r) => r.accessKey ?? r.auth))];
    };
    expect(await signers({ HW_SHARED_CONFIG_FILE: configFile }, { "servicestage:profile": "ci" })).toEqual(["PROFILEAK"]);
    const oidc = await signers({ HUAWEICLOUD_SDK_IDP_ID: "ci-idp", HUAWEICLOUD_SDK_ID_TOKEN_FILE: tokenFile }, { "servicestage:iamEndpoint": emulator.url });
    expect(oidc).toEqual([expect.stringMatching(/^TMP/)]);
    const metadata = await signers({ SERVICESTAGE_METADATA_ENDPOINT: emulator.url }, {});
    expect(metadata).toEqual([expect.stringMatching(/^TMP/)]);
    expect(metadata).not.toEqual(oidc);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("what a pull request controls: ECS metadata with an agency and a hostile IAM endpoint, and a CI file as id token: check calls no IAM and sends nothing", async () => {
    const attacker = await startAttacker();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-host-untrusted-"));
    try {
      emulator.configureIam({ metadata: true, agencies: [{ agencyName: "deployer", domainName: "acme" }] });
      const none = { HW_AUTH_TOKEN: "", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" };
      const base = { "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, "servicestage:iamEndpoint": attacker.url };
      await host.close();
      host = await startProviderHost(repo, { ...none, SERVICESTAGE_METADATA_ENDPOINT: emulator.url });
      await host.configure({ ...base, "servicestage:assumeRoleAgencyName": "deployer", "servicestage:assumeRoleDomainName": "acme" });
      expect((await host.check({}, plain(plan().inputs))).failures ?? []).toEqual([]);
      expect(emulator.iamRequests().map((r) => r.path)).toEqual(["/meta-data/latest/api/token", "/openstack/latest/securitykey"]);

      const secrets = path.join(scratch, "ci.env");
      fs.writeFileSync(secrets, "DEPLOY_KEY=host-ci-file-content\n");
      await host.close();
      host = await startProviderHost(repo, { ...none, SERVICESTAGE_METADATA_ENDPOINT: "http://127.0.0.1:9" });
      await host.configure({ ...base, "servicestage:idpId": "ci-idp", "servicestage:idTokenFile": secrets });
      const refused = await host.check({}, plain(plan().inputs)).then(
        (r) => JSON.stringify(r),
        (e: Error) => String(e),
      );
      expect(refused).toMatch(/the OIDC id token file ".*ci\.env" does not hold an OIDC id token/);
      expect(refused + host.stderr()).not.toContain("host-ci-file-content");
      expect(attacker.received).toEqual([]);
      expect(emulator.requests()).toEqual([]);
    } finally {
      await attacker.close();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  test("errors carry what the server said and never a credential", async () => {
    const inputs = (await host.check({}, plain(job().inputs))).inputs;
    emulator.injectFault({ kind: "status", status: 400, errorCode: "SVCSTG.00100400", times: 1 });
    const error = await host.create(inputs).catch((e: Error) => e);
    expect(String(error)).toMatch(/GET \/v3\/0a1b2c3d4e5f\/cas\/applications\/app-demo\/components\/comp-job failed.*HTTP 400.*SVCSTG.00100400.*request id/);
    expect(String(error) + host.stderr()).not.toContain(TOKEN);
  });
});
