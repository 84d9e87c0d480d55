/**
 * Where the credentials come from: the sources Huawei Cloud users already keep them in, in
 * one documented order (docs/installation-configuration.md, "Credentials"), which follows
 * Huawei's Terraform provider and SDKs where they have one (docs/api/NOTES.md):
 *
 *   1. stack config, or an explicit provider's arguments (`authToken`, or `accessKey` +
 *      `secretKey` [+ `securityToken`]);
 *   2. the environment Terraform reads (HW_AUTH_TOKEN, or HW_ACCESS_KEY + HW_SECRET_KEY);
 *   3. the environment Huawei's SDKs read (HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK);
 *   4. a KooCLI profile, when one is named (sharedConfigFile or profile);
 *   5. the SDKs' credentials file (~/.huaweicloud/credentials, or credentialsFile);
 *   6. OIDC federation (idpId + idTokenFile): a CI's id token exchanged at IAM;
 *   7. ECS metadata: the agency of the Huawei Cloud VM this runs on.
 *
 * Credentials come whole from the first source that has any: a pair is never made of
 * halves from two sources. An agency (assumeRoleAgencyName + assumeRoleDomainName, or a
 * profile's agencyName) is assumed on top of whichever source gave them. Planning reads
 * settings and local files only; the calls a plan needs (IAM, metadata) are made by
 * credentialProvider.ts at the first request.
 */
import * as fs from "node:fs";
import type { Credentials } from "./client";
import { CONFIG_FILE_MAX_BYTES, expandHome, readCredentialFile, readIdToken } from "./credentialFiles";
import { SettingsError, quote } from "./errors";
import { CONFIG_KEYS, ENV_KEYS, IDP_ID_RULE, RawSettings, SettingKey, assertSound, credentialsFrom, howToSet, isIdpId } from "./settings";
import { ENDPOINT_RULE, REGION_PLACEHOLDER, endpointProblem } from "./urlParts";

/** The environment Huawei's SDKs read their credentials from (huaweicloud-sdk-go-v3 `core/auth/provider/env_provider.go`). */
export const SDK_ENV = {
  accessKey: "HUAWEICLOUD_SDK_AK",
  secretKey: "HUAWEICLOUD_SDK_SK",
  securityToken: "HUAWEICLOUD_SDK_SECURITY_TOKEN",
  projectId: "HUAWEICLOUD_SDK_PROJECT_ID",
} as const;
/** For tests only: where the ECS metadata service is (default http://169.254.169.254); loopback only. */
export const METADATA_ENDPOINT_ENV = "SERVICESTAGE_METADATA_ENDPOINT";
export const DEFAULT_METADATA_ENDPOINT = "http://169.254.169.254";

export interface Agency {
  agencyName: string;
  domainName: string;
}

/** How to obtain the credentials, found without any network call. */
export type CredentialPlan = { source: string; projectId?: string; region?: string; iamEndpoint?: string; agency?: Agency } & (
  | { kind: "static"; credentials: Credentials }
  | { kind: "oidc"; idpId: string; idTokenFile: string; /** How messages name the file: which setting gave it. */ idTokenSetting: string }
  | { kind: "metadata"; endpoint: string }
);

const nonEmpty = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

// ---------------------------------------------------------------------------------------
// 4. KooCLI's shared config file (terraform-provider-huaweicloud `config.readConfig`).

interface KooCliProfile {
  name?: string;
  mode?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  securityToken?: string;
  region?: string;
  projectId?: string;
  agencyName?: string;
  agencyDomainName?: string;
  ssoAuth?: { stsToken?: { accessKeyId?: string; secretAccessKey?: string; securityToken?: string } };
}

export const DEFAULT_SHARED_CONFIG_FILE = "~/.hcloud/config.json";

const fromKooCli = async (file: string, wanted: string | undefined): Promise<Omit<CredentialPlan, "kind"> & { kind: "static"; credentials: Credentials }> => {
  const howToName = `${howToSet("sharedConfigFile")}; the profile: ${howToSet("profile")}`;
  const text = await readCredentialFile(file, "the KooCLI config file", CONFIG_FILE_MAX_BYTES, howToName);
  let config: { current?: unknown; profiles?: unknown };
  try {
    config = JSON.parse(text) as typeof config;
  } catch {
    throw new SettingsError(
      `the KooCLI config file ${quote(file)} is not JSON (KooCLI writes it unencrypted with \`hcloud configure set --cli-auth-encrypt=false\`)`,
    );
  }
  if (typeof config !== "object" || config === null) throw new SettingsError(`the KooCLI config file ${quote(file)} is not a JSON object`);
  const profiles = (Array.isArray(config.profiles) ? config.profiles : []).filter((p): p is KooCliProfile => typeof p === "object" && p !== null);
  const name = wanted ?? nonEmpty(config.current);
  const profile = profiles.find((p) => p.name === name);
  if (profile === undefined)
    throw new SettingsError(
      `the KooCLI config file ${quote(file)} has no profile ${quote(name ?? "(current)")}` +
        `${profiles.length ? ` (it has ${profiles.map((p) => quote(String(p.name))).join(", ")})` : ""}: ${howToSet("profile")}`,
    );
  // KooCLI's SSO profiles keep their temporary keys under ssoAuth.stsToken; every other mode at the top.
  const keys = profile.mode === "SSO" ? (profile.ssoAuth?.stsToken ?? {}) : profile;
  const origin = `the KooCLI profile ${quote(String(profile.name))} of ${quote(file)}`;
  const accessKey = nonEmpty(keys.accessKeyId);
  const secretKey = nonEmpty(keys.secretAccessKey);
  if (accessKey === undefined || secretKey === undefined)
    throw new SettingsError(`${origin} has no accessKeyId and secretAccessKey (mode ${quote(String(profile.mode ?? "unset"))})`);
  const securityToken = nonEmpty(keys.securityToken);
  const agencyName = nonEmpty(profile.agencyName);
  const domainName = nonEmpty(profile.agencyDomainName);
  return {
    source: origin,
    kind: "static",
    credentials: { kind: "aksk", accessKey, secretKey, ...(securityToken !== undefined ? { securityToken } : {}) },
    ...(nonEmpty(profile.projectId) !== undefined ? { projectId: nonEmpty(profile.projectId) } : {}),
    ...(nonEmpty(profile.region) !== undefined ? { region: nonEmpty(profile.region) } : {}),
    ...(agencyName !== undefined && domainName !== undefined ? { agency: { agencyName, domainName } } : {}),
  };
};

// ---------------------------------------------------------------------------------------
// 5. The SDKs' credentials file (huaweicloud-sdk-go-v3 `core/auth/provider/profile_provider.go`): INI, section [basic].

export const DEFAULT_CREDENTIALS_FILE = "~/.huaweicloud/credentials";

/** The keys of one INI section; `#` and `;` start comments. */
const iniSection = (text: string, section: string): Record<string, string> | undefined => {
  let current: string | undefined;
  let found: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header !== null) {
      current = header[1].trim();
      if (current === section) found ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    if (current === section && found !== undefined && eq > 0) found[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return found;
};

const fromCredentialsFile = async (file: string): Promise<CredentialPlan | undefined> => {
  const basic = iniSection(await readCredentialFile(file, "the credentials file", CONFIG_FILE_MAX_BYTES, howToSet("credentialsFile")), "basic");
  if (basic === undefined) return undefined;
  const source = `the credentials file ${quote(file)}`;
  const iamEndpoint = nonEmpty(basic.iam_endpoint);
  // Where the id token or the keys' signature would go: held to the endpoint settings' rules.
  const iamProblem = iamEndpoint === undefined ? undefined : endpointProblem(iamEndpoint);
  if (iamProblem !== undefined) throw new SettingsError(`${source}: its iam_endpoint ${quote(iamEndpoint as string)} ${iamProblem}: it ${ENDPOINT_RULE}`);
  const common = {
    source,
    ...(nonEmpty(basic.project_id) !== undefined ? { projectId: nonEmpty(basic.project_id) } : {}),
    ...(iamEndpoint !== undefined ? { iamEndpoint } : {}),
  };
  const idpId = nonEmpty(basic.idp_id);
  const idTokenFile = nonEmpty(basic.id_token_file);
  if (idpId !== undefined && idTokenFile !== undefined) {
    if (!isIdpId(idpId)) throw new SettingsError(`${source}: its idp_id ${quote(idpId)} ${IDP_ID_RULE}`);
    await readIdToken(idTokenFile, `${source}: its id_token_file`, howToSet("credentialsFile"));
    return { ...common, kind: "oidc", idpId, idTokenFile, idTokenSetting: `${source}: its id_token_file` };
  }
  const accessKey = nonEmpty(basic.ak);
  const secretKey = nonEmpty(basic.sk);
  if (accessKey === undefined && secretKey === undefined) return undefined;
  if (accessKey === undefined || secretKey === undefined)
    throw new SettingsError(`${source} has ${accessKey === undefined ? "sk but no ak" : "ak but no sk"} in its [basic] section`);
  const securityToken = nonEmpty(basic.security_token);
  return { ...common, kind: "static", credentials: { kind: "aksk", accessKey, secretKey, ...(securityToken !== undefined ? { securityToken } : {}) } };
};

// ---------------------------------------------------------------------------------------
// The order.

const CREDENTIAL_SOURCE_SETTINGS: readonly SettingKey[] = [
  "assumeRoleAgencyName",
  "assumeRoleDomainName",
  "iamEndpoint",
  "sharedConfigFile",
  "profile",
  "credentialsFile",
  "idpId",
  "idTokenFile",
];

const exists = (file: string): Promise<boolean> =>
  fs.promises.stat(expandHome(file)).then(
    () => true,
    () => false,
  );

/** The credential plan for these settings: the first source that has credentials (ECS metadata when none has). */
export const credentialPlan = async (stack: RawSettings, env: RawSettings, processEnv: NodeJS.ProcessEnv): Promise<CredentialPlan> => {
  const pick = (k: SettingKey) => stack[k] ?? env[k];
  // Every setting that names a source, a file or an address, judged before any is used.
  assertSound(Object.fromEntries(CREDENTIAL_SOURCE_SETTINGS.map((k) => [k, pick(k)])));
  const agencyName = pick("assumeRoleAgencyName");
  const domainName = pick("assumeRoleDomainName");
  const agency = agencyName !== undefined && domainName !== undefined ? { agency: { agencyName, domainName } } : {};
  // The settings' agency wins over a profile's.
  const withAgency = (plan: CredentialPlan): CredentialPlan => ({ ...plan, ...agency });

  // 1 and 2: stack config, then the HW_* environment, each whole (settings.ts's rules).
  for (const [bag, source] of [
    [stack, "stack config"],
    [env, "the environment (Terraform's names)"],
  ] as const) {
    assertSound({ authToken: bag.authToken, accessKey: bag.accessKey, secretKey: bag.secretKey });
    const credentials = credentialsFrom(bag);
    if (credentials !== undefined) return withAgency({ source, kind: "static", credentials });
  }

  // 3: the HUAWEICLOUD_SDK_* environment.
  const sdk = Object.fromEntries(Object.entries(SDK_ENV).map(([k, name]) => [k, nonEmpty(processEnv[name])])) as Partial<Record<keyof typeof SDK_ENV, string>>;
  if (sdk.accessKey !== undefined || sdk.secretKey !== undefined) {
    if (sdk.accessKey === undefined || sdk.secretKey === undefined)
      throw new SettingsError(
        `${sdk.accessKey === undefined ? SDK_ENV.accessKey : SDK_ENV.secretKey} is missing: ${SDK_ENV.accessKey} and ${SDK_ENV.secretKey} go together`,
      );
    return withAgency({
      source: "the environment (Huawei's SDKs' names)",
      kind: "static",
      credentials: {
        kind: "aksk",
        accessKey: sdk.accessKey,
        secretKey: sdk.secretKey,
        ...(sdk.securityToken !== undefined ? { securityToken: sdk.securityToken } : {}),
      },
      ...(sdk.projectId !== undefined ? { projectId: sdk.projectId } : {}),
    });
  }

  // 4: a KooCLI profile, when one is named (as Terraform: shared_config_file or profile).
  const sharedConfigFile = pick("sharedConfigFile");
  const profile = pick("profile");
  if (sharedConfigFile !== undefined || profile !== undefined) return withAgency(await fromKooCli(sharedConfigFile ?? DEFAULT_SHARED_CONFIG_FILE, profile));

  // 5: the SDKs' credentials file: the one named, or the default when it exists.
  const credentialsFile = pick("credentialsFile");
  if (credentialsFile !== undefined || (await exists(DEFAULT_CREDENTIALS_FILE))) {
    const file = credentialsFile ?? DEFAULT_CREDENTIALS_FILE;
    const plan = await fromCredentialsFile(file);
    if (plan !== undefined) return withAgency(plan);
  }

  // 6: OIDC federation.
  const idpId = pick("idpId");
  const idTokenFile = pick("idTokenFile");
  if (idpId !== undefined && idTokenFile !== undefined) {
    // Read now, so that a file that holds no id token fails the preview, before anything is sent; read again at each exchange.
    await readIdToken(idTokenFile, "the OIDC id token file", howToSet("idTokenFile"));
    return withAgency({ source: "OIDC federation", kind: "oidc", idpId, idTokenFile, idTokenSetting: "the OIDC id token file" });
  }

  // 7: ECS metadata, the last resort (as Terraform's).
  const endpoint = nonEmpty(processEnv[METADATA_ENDPOINT_ENV]) ?? DEFAULT_METADATA_ENDPOINT;
  if (endpoint !== DEFAULT_METADATA_ENDPOINT && (endpointProblem(endpoint) !== undefined || endpoint.startsWith("https:")))
    throw new SettingsError(`${METADATA_ENDPOINT_ENV} ${quote(endpoint)} must be an http URL to a loopback address: it exists for tests only`);
  return withAgency({ source: `ECS metadata (${endpoint})`, kind: "metadata", endpoint });
};

/** The error when even ECS metadata gave nothing: every source, in order, and how to set it. */
export const noCredentialsError = (metadataFailure: string): SettingsError => {
  const lines = [
    `stack config: ${CONFIG_KEYS.authToken}, or ${CONFIG_KEYS.accessKey} and ${CONFIG_KEYS.secretKey} (an explicit provider's arguments alike)`,
    `the environment: ${ENV_KEYS.authToken}, or ${ENV_KEYS.accessKey} and ${ENV_KEYS.secretKey}`,
    `the environment: ${SDK_ENV.accessKey} and ${SDK_ENV.secretKey}`,
    `a KooCLI profile: ${howToSet("sharedConfigFile")}, or ${howToSet("profile")}`,
    `the credentials file ${DEFAULT_CREDENTIALS_FILE}, or another: ${howToSet("credentialsFile")}`,
    `OIDC federation: ${howToSet("idpId")}, and ${howToSet("idTokenFile")}`,
    `ECS metadata, on a Huawei Cloud VM with an agency: ${metadataFailure}`,
  ];
  return new SettingsError(`no ServiceStage credentials. Tried, in order:\n${lines.map((l, i) => `  ${i + 1}. ${l}`).join("\n")}`);
};

/** IAM's address: the setting, the source's, or the region's (Huawei's SDKs' default); a trailing /v3 (Terraform's auth_url) is dropped. */
export const iamEndpointFor = (setting: string | undefined, plan: CredentialPlan, region: string | undefined): string => {
  const given = setting ?? plan.iamEndpoint;
  if (given === undefined) return region !== undefined ? `https://iam.${region}.myhuaweicloud.com` : "https://iam.myhuaweicloud.com";
  if (given.includes(REGION_PLACEHOLDER) && region === undefined)
    throw new SettingsError(`the IAM endpoint ${quote(given)} needs a region for ${REGION_PLACEHOLDER}: ${howToSet("region")}`);
  const endpoint = (region !== undefined ? given.split(REGION_PLACEHOLDER).join(region) : given).replace(/\/+$/, "").replace(/\/v3(\.0)?$/, "");
  // The last guard: whichever source named it, IAM's address keeps the endpoint rules (urlParts.ts).
  const problem = endpointProblem(endpoint);
  if (problem !== undefined) throw new SettingsError(`the IAM endpoint ${quote(endpoint)} ${problem}: it ${ENDPOINT_RULE}`);
  return endpoint;
};
