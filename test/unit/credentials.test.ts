/**
 * Credentials as Huawei Cloud users keep them, in-process against the emulator and its
 * IAM side (emulator/iam.ts): each source signs the emulator's ServiceStage requests with
 * its own keys and reaches its own project; OIDC, ECS metadata and agencies are exchanged
 * at IAM and renewed before they expire (also during a long job wait); the project id is
 * looked up from the region once. Nothing a source gives reaches the outputs.
 */
import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { jobComponentProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { RawSettings } from "../../provider/settings";
import { iamEndpointFor } from "../../provider/credentialSources";
import { APP_ID, COMPONENT_ID, PROJECT_ID, jobComponentInputs, seed } from "../harness/world";

const REGION = "cn-north-4";
const PROFILE_AK = "KOOCLIPROFILEAK";
const PROFILE_SK = "koocli-profile-secret";
const FILE_AK = "CREDFILEAK";
const FILE_SK = "credentials-file-secret";
const SDK_AK = "SDKENVAK";
const SDK_SK = "sdk-env-secret";
const PERMANENT_AK = "PERMANENTAK";
const PERMANENT_SK = "permanent-secret";
const ID_TOKEN = "eyJhbGciOi.ci-oidc-token.sig";

let emulator: Emulator;
let scratch: string;
const savedEnv = { ...process.env };

/** The variables any source reads: none set unless a test sets it. */
const SOURCE_VARIABLES = /^(HW_|HUAWEICLOUD_|SERVICESTAGE_)/;

beforeEach(async () => {
  for (const key of Object.keys(process.env)) if (SOURCE_VARIABLES.test(key)) delete process.env[key];
  process.env.SERVICESTAGE_METADATA_ENDPOINT = "http://127.0.0.1:9";
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-credentials-"));
  emulator = await startEmulator({
    seed: seed(),
    accessKey: PERMANENT_AK,
    secretKey: PERMANENT_SK,
    jobDurationMs: 30,
    iam: {
      domainName: "acme",
      projects: [{ id: PROJECT_ID, name: REGION }],
      identityProviders: [{ id: "ci-idp", idToken: ID_TOKEN }],
      agencies: [{ agencyName: "servicestage-deployer", domainName: "acme" }],
    },
  });
  setProgressSink(() => undefined);
});
afterEach(async () => {
  await emulator.close();
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

const file = (name: string, text: string | Buffer) => {
  const p = path.join(scratch, name);
  fs.writeFileSync(p, text);
  return p;
};
/** Another IAM user's permanent keys, which the emulator (as the gateway) accepts too. */
const emulatorAccepts = (accessKey: string, secretKey: string) => emulator.addAccessKey(accessKey, secretKey);

/** Reads the component (one GET) with these settings; returns the GET's path and what signed it. */
const readWith = async (settings: RawSettings): Promise<{ path: string; auth: string; accessKey?: string }> => {
  setStackSettings({ endpoint: emulator.url, ...settings });
  emulator.clearRequests();
  const read = await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {});
  expect(read.props).toBeDefined();
  const [get] = emulator.requests();
  return { path: get.path, auth: get.auth, ...(get.accessKey !== undefined ? { accessKey: get.accessKey } : {}) };
};
const componentPath = `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`;
const iamCalls = () => emulator.iamRequests().map((r) => `${r.method} ${r.path} ${r.status}`);
const issuedKeys = () => emulator.iamRequests().flatMap((r) => (r.issued !== undefined ? [r.issued] : []));

describe("each source signs with its own keys and reaches its own project", () => {
  test("1. stack config, and 2. the HW_* environment, each whole", async () => {
    expect(await readWith({ projectId: PROJECT_ID, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK })).toEqual({
      path: componentPath,
      auth: "aksk",
      accessKey: PERMANENT_AK,
    });
    Object.assign(process.env, { HW_ACCESS_KEY: PERMANENT_AK, HW_SECRET_KEY: PERMANENT_SK, HW_PROJECT_ID: PROJECT_ID });
    expect(await readWith({})).toEqual({ path: componentPath, auth: "aksk", accessKey: PERMANENT_AK });
  });

  test("3. Huawei's SDKs' environment: HUAWEICLOUD_SDK_AK/SK and its project", async () => {
    emulatorAccepts(SDK_AK, SDK_SK);
    Object.assign(process.env, { HUAWEICLOUD_SDK_AK: SDK_AK, HUAWEICLOUD_SDK_SK: SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
    expect(await readWith({})).toEqual({ path: componentPath, auth: "aksk", accessKey: SDK_AK });
    // HW_* comes first: credentials are never made of halves from two sources.
    Object.assign(process.env, { HW_ACCESS_KEY: PERMANENT_AK, HW_SECRET_KEY: PERMANENT_SK, HW_PROJECT_ID: PROJECT_ID });
    expect((await readWith({})).accessKey).toBe(PERMANENT_AK);
  });

  test("4. a KooCLI profile: the one named, else current; its region and project; ~ is the home folder", async () => {
    emulatorAccepts(PROFILE_AK, PROFILE_SK);
    const config = {
      current: "dev",
      profiles: [
        { name: "dev", mode: "AKSK", accessKeyId: PROFILE_AK, secretAccessKey: PROFILE_SK, region: REGION, projectId: PROJECT_ID },
        { name: "other", mode: "AKSK", accessKeyId: "OTHERAK", secretAccessKey: "other", region: REGION, projectId: "other-project" },
      ],
    };
    const configFile = file("config.json", JSON.stringify(config));
    expect(await readWith({ sharedConfigFile: configFile })).toEqual({ path: componentPath, auth: "aksk", accessKey: PROFILE_AK });
    process.env.HOME = scratch;
    fs.mkdirSync(path.join(scratch, ".hcloud"));
    fs.copyFileSync(configFile, path.join(scratch, ".hcloud", "config.json"));
    process.env.HW_PROFILE = "dev";
    expect((await readWith({})).accessKey).toBe(PROFILE_AK);
    await expect(readWith({ profile: "nope" })).rejects.toThrow(
      /the KooCLI config file "~\/\.hcloud\/config\.json" has no profile "nope" \(it has "dev", "other"\)/,
    );
  });

  test("5. the SDKs' credentials file, section [basic]", async () => {
    emulatorAccepts(FILE_AK, FILE_SK);
    const credentials = file("credentials", `# Huawei SDK credentials\n[basic]\nak = ${FILE_AK}\nsk = ${FILE_SK}\nproject_id = ${PROJECT_ID}\n`);
    expect(await readWith({ credentialsFile: credentials })).toEqual({ path: componentPath, auth: "aksk", accessKey: FILE_AK });
    process.env.HUAWEICLOUD_SDK_CREDENTIALS_FILE = credentials;
    expect((await readWith({})).accessKey).toBe(FILE_AK);
  });

  test("6. OIDC federation: the id token exchanged at IAM for temporary keys, renewed once they near their end", async () => {
    const tokenFile = file("id-token", `${ID_TOKEN}\n`);
    const settings = { projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: emulator.url };
    const first = await readWith(settings);
    expect(first).toMatchObject({ path: componentPath, auth: "aksk", accessKey: expect.stringMatching(/^TMP/) });
    expect(iamCalls()).toEqual(["POST /v3.0/OS-AUTH/id-token/tokens 201", "POST /v3.0/OS-CREDENTIAL/securitytokens 201"]);
    expect(issuedKeys()).toEqual([first.accessKey]);
    // Reused while valid: one exchange per process, not per request.
    emulator.clearRequests();
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {});
    expect(issuedKeys()).toHaveLength(1);
  });

  test("7. ECS metadata, when nothing else is set: with a session token where the service has one (required on a hardened ECS), without where it has none", async () => {
    process.env.SERVICESTAGE_METADATA_ENDPOINT = emulator.url;
    const expected = {
      optional: ["PUT /meta-data/latest/api/token 200", "GET /openstack/latest/securitykey 200"],
      required: ["PUT /meta-data/latest/api/token 200", "GET /openstack/latest/securitykey 200"],
      absent: ["PUT /meta-data/latest/api/token 404", "GET /openstack/latest/securitykey 200"],
    };
    for (const mode of ["optional", "required", "absent"] as const) {
      emulator.configureIam({ metadata: true, metadataToken: mode });
      const before = emulator.iamRequests().length;
      const read = await readWith({ projectId: PROJECT_ID });
      expect([mode, read]).toEqual([mode, expect.objectContaining({ path: componentPath, auth: "aksk", accessKey: expect.stringMatching(/^TMP/) })]);
      const calls = emulator.iamRequests().slice(before);
      expect([mode, calls.map((r) => `${r.method} ${r.path} ${r.status}`)]).toEqual([mode, expected[mode]]);
      // The keys are asked with the session token wherever one was given.
      expect([mode, calls.at(-1)?.principal]).toEqual([mode, mode === "absent" ? "none" : "metadata-token"]);
    }
    // A VM without an agency: 401 "Please configure Cloud Service Agency first", not a token problem; every source named.
    emulator.configureIam({ metadata: false, metadataToken: "optional" });
    await expect(readWith({ projectId: PROJECT_ID })).rejects.toThrow(
      /no ServiceStage credentials[\s\S]*ECS metadata.*answered 401[\s\S]*Why each of Huawei's SDKs' sources had nothing/,
    );
  });

  test("an agency assumed on top of a source: the caller's keys sign the assume, the agency's the requests", async () => {
    const settings = {
      projectId: PROJECT_ID,
      accessKey: PERMANENT_AK,
      secretKey: PERMANENT_SK,
      assumeRoleAgencyName: "servicestage-deployer",
      assumeRoleDomainName: "acme",
      iamEndpoint: `${emulator.url}/v3`,
    };
    const read = await readWith(settings);
    expect(read.accessKey).toMatch(/^TMP/);
    expect(emulator.iamRequests()).toEqual([expect.objectContaining({ path: "/v3.0/OS-CREDENTIAL/securitytokens", status: 201, principal: PERMANENT_AK })]);
    await expect(readWith({ ...settings, assumeRoleAgencyName: "not-there" })).rejects.toThrow(
      /assuming the agency "not-there" of domain "acme".*answered 404/,
    );
  });
});

describe("Huawei's SDKs' chain, in its order and with its fall-throughs (huaweicloudsdkcore CredentialProviderChain)", () => {
  test("OIDC through STS (HUAWEICLOUD_OIDC_*) first of Huawei's chain: the id token assumes the agency at STS, unsigned; from a file or the variable; after stack config and HW_*", async () => {
    emulator.configureIam({ oidcStsProviders: [{ providerUrn: "iam::acme:identity-provider:gh", agencyUrn: "iam::acme:agency:deployer", idToken: ID_TOKEN }] });
    emulatorAccepts(SDK_AK, SDK_SK);
    Object.assign(process.env, {
      HUAWEICLOUD_OIDC_PROVIDER_URN: "iam::acme:identity-provider:gh",
      HUAWEICLOUD_OIDC_AGENCY_URN: "iam::acme:agency:deployer",
      HUAWEICLOUD_OIDC_TOKEN_FILE: file("oidc-token", `${ID_TOKEN}\n`),
      HUAWEICLOUD_SDK_STS_ENDPOINT: emulator.url,
      // Later sources of Huawei's chain: not taken.
      HUAWEICLOUD_SDK_AK: SDK_AK,
      HUAWEICLOUD_SDK_SK: SDK_SK,
    });
    const viaFile = await readWith({ projectId: PROJECT_ID });
    expect(viaFile).toMatchObject({ auth: "aksk", accessKey: expect.stringMatching(/^TMP/) });
    const [exchange] = emulator.iamRequests();
    expect(exchange).toMatchObject({ method: "POST", path: "/v5/agencies/assume-with-oidc", status: 200, principal: "none" });
    delete process.env.HUAWEICLOUD_OIDC_TOKEN_FILE;
    process.env.HUAWEICLOUD_OIDC_ID_TOKEN = ID_TOKEN;
    expect((await readWith({ projectId: PROJECT_ID })).accessKey).toMatch(/^TMP/);
    // HW_* (Terraform's names) come before Huawei's chain.
    Object.assign(process.env, { HW_ACCESS_KEY: PERMANENT_AK, HW_SECRET_KEY: PERMANENT_SK });
    expect((await readWith({ projectId: PROJECT_ID })).accessKey).toBe(PERMANENT_AK);
    delete process.env.HW_ACCESS_KEY;
    delete process.env.HW_SECRET_KEY;
    // Without its agency URN, the source has nothing: the next one (the SDKs' environment) gives the keys.
    delete process.env.HUAWEICLOUD_OIDC_AGENCY_URN;
    expect((await readWith({ projectId: PROJECT_ID })).accessKey).toBe(SDK_AK);
    // An id token that is no JWT is never sent.
    Object.assign(process.env, { HUAWEICLOUD_OIDC_AGENCY_URN: "iam::acme:agency:deployer", HUAWEICLOUD_OIDC_ID_TOKEN: "not a token" });
    await expect(readWith({ projectId: PROJECT_ID })).rejects.toThrow(/HUAWEICLOUD_OIDC_ID_TOKEN does not hold an OIDC id token/);
  });

  test("the SDKs' environment: OIDC (HUAWEICLOUD_SDK_IDP_ID + _ID_TOKEN_FILE) before HUAWEICLOUD_SDK_AK/SK; half a pair falls through to the next source", async () => {
    emulatorAccepts(SDK_AK, SDK_SK);
    emulatorAccepts(FILE_AK, FILE_SK);
    Object.assign(process.env, {
      HUAWEICLOUD_SDK_IDP_ID: "ci-idp",
      HUAWEICLOUD_SDK_ID_TOKEN_FILE: file("id-token", ID_TOKEN),
      HUAWEICLOUD_SDK_AK: SDK_AK,
      HUAWEICLOUD_SDK_SK: SDK_SK,
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
    });
    expect((await readWith({ iamEndpoint: emulator.url })).accessKey).toMatch(/^TMP/);
    delete process.env.HUAWEICLOUD_SDK_ID_TOKEN_FILE;
    expect((await readWith({ iamEndpoint: emulator.url })).accessKey).toBe(SDK_AK);
    // Only the access key: Huawei's chain goes on to the credentials file.
    delete process.env.HUAWEICLOUD_SDK_SK;
    process.env.HUAWEICLOUD_SDK_CREDENTIALS_FILE = file("credentials", `[basic]\nak = ${FILE_AK}\nsk = ${FILE_SK}\nproject_id = ${PROJECT_ID}\n`);
    expect((await readWith({})).accessKey).toBe(FILE_AK);
  });

  test("the credentials file as configparser reads it: case-insensitive keys, ':' delimits, [DEFAULT] applies, values continue, %% is a percent sign", async () => {
    emulatorAccepts(FILE_AK, "file%secret");
    const credentials = file(
      "credentials",
      [
        "[DEFAULT]",
        `project_id: ${PROJECT_ID}`,
        "; a comment",
        "[basic]",
        `AK = ${FILE_AK}`,
        "Sk : file%%secret",
        "iam_endpoint = https://iam.example.com",
        "  /continued-is-part-of-the-value",
        "",
      ].join("\r\n"),
    );
    // The continued iam_endpoint holds a line break: refused by the endpoint rules rather than sent anywhere.
    await expect(readWith({ credentialsFile: credentials })).rejects.toThrow(
      /its iam_endpoint ".*\\n\/continued-is-part-of-the-value" holds a space or a control character/,
    );
    fs.writeFileSync(credentials, fs.readFileSync(credentials, "utf8").replace(/iam_endpoint[^\n]*\n[^\n]*\n/, ""));
    expect(await readWith({ credentialsFile: credentials })).toEqual({ path: componentPath, auth: "aksk", accessKey: FILE_AK });
  });

  test("the credentials file: what falls through to the next source, and what fails as it fails Huawei's whole chain", async () => {
    emulator.configureIam({ metadata: true });
    process.env.SERVICESTAGE_METADATA_ENDPOINT = emulator.url;
    const fallsThrough: Array<[string, string | undefined]> = [
      ["a file that is not there", undefined],
      ["no [basic] section", "[other]\nak = A\nsk = B\n"],
      ["an ak without its sk", "[basic]\nak = A\n"],
      ["an empty sk", "[basic]\nak = A\nsk =\n"],
    ];
    for (const [label, text] of fallsThrough) {
      const credentialsFile = text === undefined ? path.join(scratch, "missing") : file("credentials", text);
      const read = await readWith({ projectId: PROJECT_ID, credentialsFile });
      expect([label, read.accessKey]).toEqual([label, expect.stringMatching(/^TMP/)]);
    }
    const fails: Array<[string, string, RegExp]> = [
      ["a byte order mark", "\ufeff[basic]\nak = A\nsk = B\n", /comes before any \[section\]/],
      ["a key twice", "[basic]\nak = A\nAK = B\nsk = C\n", /key "ak" is given twice/],
      ["a section twice", "[basic]\nak = A\n[basic]\nsk = C\n", /section "basic" is given twice/],
      ["a lone %", "[basic]\nak = A\nsk = 50%off\n", /a '%' must be followed by '%' or '\('/],
      ["an unknown %(key)s", "[basic]\nak = %(nope)s\nsk = B\n", /%\(nope\)s names no key/],
      ["a line that is no key", "[basic]\nak = A\nsk B\n", /line 3 is neither a \[section\], a key = value, nor a comment/],
      ["bytes that are not UTF-8", "[basic]\nak = \udcff\n", /is not UTF-8 text/],
    ];
    for (const [label, text, rule] of fails) {
      const credentialsFile = file("credentials", label === "bytes that are not UTF-8" ? Buffer.from([...Buffer.from("[basic]\nak = "), 0xff, 0x0a]) : text);
      const said = await readWith({ projectId: PROJECT_ID, credentialsFile }).then(
        () => "read",
        (e: Error) => e.message,
      );
      expect([label, said]).toEqual([label, expect.stringMatching(rule)]);
    }
  });

  test("IAM's address as Huawei's SDKs resolve it: settings, the file's iam_endpoint, HUAWEICLOUD_SDK_IAM_ENDPOINT, then Huawei's region table or the global endpoint", () => {
    const plan = { source: "test", kind: "static", credentials: { kind: "token", token: "t0ken" } } as const;
    const env = (e: Record<string, string> = {}) => e as NodeJS.ProcessEnv;
    expect(iamEndpointFor(undefined, plan, { region: "cn-north-4" }, env())).toBe("https://iam.cn-north-4.myhuaweicloud.com");
    // A region Huawei's table does not know, and any region when the project id is given (the SDKs' exchange is region-less then).
    expect(iamEndpointFor(undefined, plan, { region: "ap-southeast-5" }, env())).toBe("https://iam.myhuaweicloud.com");
    expect(iamEndpointFor(undefined, plan, { region: "cn-north-4", projectId: PROJECT_ID }, env())).toBe("https://iam.myhuaweicloud.com");
    expect(iamEndpointFor(undefined, plan, { region: "cn-north-4" }, env({ HUAWEICLOUD_SDK_IAM_ENDPOINT: "https://iam.example.com/" }))).toBe(
      "https://iam.example.com",
    );
    expect(
      iamEndpointFor(undefined, { ...plan, iamEndpoint: "https://file.example.com" }, {}, env({ HUAWEICLOUD_SDK_IAM_ENDPOINT: "https://iam.example.com" })),
    ).toBe("https://file.example.com");
    expect(iamEndpointFor("https://iam.{region}.example.com/v3", { ...plan, iamEndpoint: "https://file.example.com" }, { region: "cn-north-4" }, env())).toBe(
      "https://iam.cn-north-4.example.com",
    );
    expect(() => iamEndpointFor(undefined, plan, {}, env({ HUAWEICLOUD_SDK_IAM_ENDPOINT: "http://evil.example" }))).toThrow(/not a loopback address/);
  });
});

describe("the project id, looked up from the region", () => {
  test("once per region and credentials, signed; none or several named after the region is an error saying what to set", async () => {
    const settings = { region: REGION, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK, iamEndpoint: emulator.url };
    expect((await readWith(settings)).path).toBe(componentPath);
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {});
    expect(iamCalls()).toEqual([`GET /v3/projects 200`]);
    expect(emulator.iamRequests()[0].principal).toBe(PERMANENT_AK);

    emulator.configureIam({ projects: [] });
    await expect(readWith(settings)).rejects.toThrow(/lists no project named cn-north-4: confirm that the project exists.*servicestage:projectId/);
    emulator.configureIam({
      projects: [
        { id: "p1", name: REGION },
        { id: "p2", name: REGION },
      ],
    });
    await expect(readWith(settings)).rejects.toThrow(/several projects named cn-north-4 \(p1, p2\)/);
  });

  test("check needs a project or a region, and calls neither ServiceStage nor IAM", async () => {
    setStackSettings({ endpoint: emulator.url, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK });
    await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/no ServiceStage project id.*or a region.*looked up at IAM/);
    setStackSettings({ endpoint: emulator.url, region: REGION, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK, iamEndpoint: emulator.url });
    expect((await jobComponentProvider.check({}, jobComponentInputs())).failures).toEqual([]);
    expect([emulator.requests(), emulator.iamRequests()]).toEqual([[], []]);
  });
});

describe("temporary credentials are renewed before they expire, also during a long job wait", () => {
  test("an OIDC update whose job outlives its keys: the polls go on with fresh keys, and the update succeeds", async () => {
    emulator.configureIam({ lifetimeMs: 2_000 });
    emulator.setJobDuration({ ms: 5_000 });
    const tokenFile = file("id-token", ID_TOKEN);
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: emulator.url });
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs())).inputs as Record<string, unknown>;
    const created = await jobComponentProvider.create(inputs as never);
    expect(created.outs).toMatchObject({ jobStatus: "SUCCEEDED" });
    const keys = issuedKeys();
    expect(keys.length).toBeGreaterThanOrEqual(3);
    // Every ServiceStage request was accepted, and signed with a key IAM issued.
    expect(emulator.requests().every((r) => r.status === 200 && keys.includes(r.accessKey as string))).toBe(true);
    // Nothing a source gave reaches the outputs.
    const text = JSON.stringify(created.outs);
    for (const secret of [ID_TOKEN, ...keys]) expect(text).not.toContain(secret);
  }, 30_000);
});

describe("no secret from any source reaches an error or a progress message (fuzzed)", () => {
  /** Secrets as users might have them: printable, long enough to be told apart from the rest of a message. */
  const secret = fc.stringMatching(/^[A-Za-z0-9+/=._-]{12,40}$/);
  const sources: Array<[string, (s: string) => RawSettings]> = [
    ["stack config", (s) => ({ projectId: PROJECT_ID, accessKey: "FUZZAK", secretKey: s })],
    ["the HW_* environment", (s) => (Object.assign(process.env, { HW_ACCESS_KEY: "FUZZAK", HW_SECRET_KEY: s }), { projectId: PROJECT_ID })],
    ["the SDKs' environment", (s) => (Object.assign(process.env, { HUAWEICLOUD_SDK_AK: "FUZZAK", HUAWEICLOUD_SDK_SK: s }), { projectId: PROJECT_ID })],
    [
      "a KooCLI profile",
      (s) => ({
        projectId: PROJECT_ID,
        sharedConfigFile: file(
          "koocli.json",
          JSON.stringify({ current: "p", profiles: [{ name: "p", accessKeyId: "FUZZAK", secretAccessKey: s, securityToken: `${s}-st` }] }),
        ),
      }),
    ],
    [
      "the credentials file",
      (s) => ({ projectId: PROJECT_ID, credentialsFile: file("credentials", `[basic]\nak = FUZZAK\nsk = ${s}\nsecurity_token = ${s}-st\n`) }),
    ],
    ["OIDC federation", (s) => ({ projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: file("token", s), iamEndpoint: emulator.url })],
    [
      "an agency",
      (s) => ({
        projectId: PROJECT_ID,
        accessKey: "FUZZAK",
        secretKey: s,
        assumeRoleAgencyName: "servicestage-deployer",
        assumeRoleDomainName: "acme",
        iamEndpoint: emulator.url,
      }),
    ],
  ];

  test.each(sources)("%s: refused credentials fail with a message that never holds them", async (_name, settingsWith) => {
    const progress: string[] = [];
    setProgressSink((m) => progress.push(m));
    await fc.assert(
      fc.asyncProperty(secret, async (s) => {
        for (const key of Object.keys(process.env)) if (SOURCE_VARIABLES.test(key) && key !== "SERVICESTAGE_METADATA_ENDPOINT") delete process.env[key];
        const error = await readWith(settingsWith(s)).then(
          () => new Error("accepted"),
          (e: Error) => e,
        );
        expect(error.message).not.toBe("accepted");
        expect(`${error.message}${error.stack ?? ""}${progress.join("")}`).not.toContain(s);
      }),
      { numRuns: 25, seed: 20261202 },
    );
  });
});
