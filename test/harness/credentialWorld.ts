/**
 * The set-up of the credential tests (credentialSources, credentialProvider, iam and
 * configParser), in-process against the emulator and its IAM side (emulator/iam.ts): one
 * domain with a project named after the region, an identity provider and an agency; no
 * variable any source reads set unless a test sets it; ECS metadata unreachable unless a
 * test points it at the emulator; a scratch folder for the files a source names.
 * `credentialWorld()` registers each test's set-up and tear-down and hands out the helpers.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { RawSettings } from "../../provider/settings";
import { jobComponentProvider } from "./providers";
import { APP_ID, COMPONENT_ID, PROJECT_ID, seed } from "./world";

export const REGION = "cn-north-4";
export const PROFILE_AK = "KOOCLIPROFILEAK";
export const PROFILE_SK = "koocli-profile-secret";
export const FILE_AK = "CREDFILEAK";
export const FILE_SK = "credentials-file-secret";
export const SDK_AK = "SDKENVAK";
export const SDK_SK = "sdk-env-secret";
export const PERMANENT_AK = "PERMANENTAK";
export const PERMANENT_SK = "permanent-secret";
export const ID_TOKEN = "eyJhbGciOi.ci-oidc-token.sig";

/** The variables any source reads: none set unless a test sets it. */
export const SOURCE_VARIABLES = /^(HW_|HUAWEICLOUD_|SERVICESTAGE_)/;

export const componentPath = `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`;

export interface CredentialWorld {
  /** This test's emulator. */
  readonly emulator: Emulator;
  /** This test's scratch folder. */
  readonly scratch: string;
  /** Writes a file into the scratch folder; returns its path. */
  file(name: string, text: string | Buffer): string;
  /** Another IAM user's permanent keys, which the emulator (as the gateway) accepts too. */
  emulatorAccepts(accessKey: string, secretKey: string): void;
  /** Reads the component (one GET) with these settings; returns the GET's path and what signed it. */
  readWith(settings: RawSettings): Promise<{ path: string; auth: string; accessKey?: string }>;
  /** The IAM and metadata calls, as `METHOD path status`. */
  iamCalls(): string[];
  /** The temporary access keys IAM issued. */
  issuedKeys(): string[];
}

export const credentialWorld = (): CredentialWorld => {
  let emulator: Emulator | undefined;
  let scratch: string | undefined;
  const savedEnv = { ...process.env };

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
    await emulator?.close();
    if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  const the = (): Emulator => {
    if (emulator === undefined) throw new Error("the credential world's emulator runs inside a test only");
    return emulator;
  };
  const folder = (): string => {
    if (scratch === undefined) throw new Error("the credential world's scratch folder exists inside a test only");
    return scratch;
  };

  return {
    get emulator() {
      return the();
    },
    get scratch() {
      return folder();
    },
    file: (name, text) => {
      const p = path.join(folder(), name);
      fs.writeFileSync(p, text);
      return p;
    },
    emulatorAccepts: (accessKey, secretKey) => the().addAccessKey(accessKey, secretKey),
    readWith: async (settings) => {
      setStackSettings({ endpoint: the().url, ...settings });
      the().clearRequests();
      const read = await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {});
      expect(read.props).toBeDefined();
      const [get] = the().requests();
      return { path: get.path, auth: get.auth, ...(get.accessKey !== undefined ? { accessKey: get.accessKey } : {}) };
    },
    iamCalls: () =>
      the()
        .iamRequests()
        .map((r) => `${r.method} ${r.path} ${r.status}`),
    issuedKeys: () =>
      the()
        .iamRequests()
        .flatMap((r) => (r.issued !== undefined ? [r.issued] : [])),
  };
};
