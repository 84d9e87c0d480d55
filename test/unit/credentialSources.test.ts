/**
 * provider/credentialSources.ts: where the credentials come from, in one documented order,
 * in-process against the emulator and its IAM side (emulator/iam.ts): each source signs
 * the emulator's ServiceStage requests with its own keys and reaches its own project;
 * Huawei's SDKs' chain runs in its order, with its fall-throughs; IAM's address is
 * resolved as Huawei's SDKs resolve it; no secret of any source reaches a message. How
 * obtained credentials are reused, renewed and used to sign: credentialProvider.test.ts;
 * the calls to IAM and ECS metadata: iam.test.ts; the credentials file's syntax:
 * configParser.test.ts.
 */
import fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator/server";
import { setProgressSink } from "../../provider/progress";
import { RawSettings } from "../../provider/settings";
import { iamEndpointFor } from "../../provider/credentialSources";
import {
  FILE_AK,
  FILE_SK,
  ID_TOKEN,
  PERMANENT_AK,
  PERMANENT_SK,
  PROFILE_AK,
  PROFILE_SK,
  REGION,
  SDK_AK,
  SDK_SK,
  SOURCE_VARIABLES,
  componentPath,
  credentialWorld,
} from "../harness/credentialWorld";
import { PROJECT_ID } from "../harness/world";

const world = credentialWorld();
const { file, emulatorAccepts, readWith } = world;
let emulator: Emulator;
let scratch: string;
beforeEach(() => {
  ({ emulator, scratch } = world);
});

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
