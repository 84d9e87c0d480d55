/**
 * Where the credentials come from: the sources Huawei Cloud users already keep them in, in
 * one documented order (docs/installation-configuration.md, "Credentials"): this package's
 * own settings and Terraform's where Terraform places them, then Huawei's SDKs' default
 * chain in its own order (huaweicloudsdkcore 3.1.219 `CredentialProviderChain`, run as the
 * oracle by test/oracle):
 *
 *   1. stack config, or an explicit provider's arguments (`authToken`, or `accessKey` +
 *      `secretKey` [+ `securityToken`]);
 *   2. the environment Terraform reads (HW_AUTH_TOKEN, or HW_ACCESS_KEY + HW_SECRET_KEY);
 *   3. a KooCLI profile, when one is named (sharedConfigFile or profile), as Terraform;
 *   then Huawei's SDKs' chain, each source that has nothing falling through to the next:
 *   4. OIDC through STS (HUAWEICLOUD_OIDC_*: an agency assumed with the id token);
 *   5. the SDKs' environment: OIDC federation (idpId + idTokenFile) before
 *      HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK;
 *   6. the SDKs' credentials file (~/.huaweicloud/credentials, or credentialsFile), read
 *      as Python's configparser reads it (configParser.ts);
 *   7. ECS metadata: the agency of the Huawei Cloud VM this runs on.
 *
 * Credentials come whole from the first source that has them: a pair is never made of
 * halves from two sources. An agency (assumeRoleAgencyName + assumeRoleDomainName, or a
 * profile's agencyName) is assumed on top of whichever source gave them. Planning reads
 * settings and local files only; the calls a plan needs (IAM, STS, metadata) are made by
 * credentialProvider.ts at the first request.
 */
import * as fs from "node:fs";
import type { Credentials } from "./client";
import { ConfigParserError, readSection } from "./configParser";
import { CONFIG_FILE_MAX_BYTES, UnreadableFileError, expandHome, isIdToken, readCredentialFile, readIdToken } from "./credentialFiles";
import { SettingsError, quote } from "./errors";
import { CONFIG_KEYS, ENV_KEYS, IDP_ID_RULE, RawSettings, SettingKey, assertSound, credentialsFrom, howToSet, isIdpId, nonEmpty } from "./settings";
import { ENDPOINT_RULE, REGION_PLACEHOLDER, endpointProblem } from "./urlParts";

/** The environment Huawei's SDKs read (huaweicloudsdkcore `EnvCredentialProvider`, `IamHelper`, `StsHelper`). */
export const SDK_ENV = {
  accessKey: "HUAWEICLOUD_SDK_AK",
  secretKey: "HUAWEICLOUD_SDK_SK",
  securityToken: "HUAWEICLOUD_SDK_SECURITY_TOKEN",
  projectId: "HUAWEICLOUD_SDK_PROJECT_ID",
  iamEndpoint: "HUAWEICLOUD_SDK_IAM_ENDPOINT",
  stsEndpoint: "HUAWEICLOUD_SDK_STS_ENDPOINT",
} as const;
/** Huawei's SDKs' OIDC through STS (huaweicloudsdkcore `OidcStsCredentialProvider`): an agency assumed with an id token. */
export const OIDC_STS_ENV = {
  providerUrn: "HUAWEICLOUD_OIDC_PROVIDER_URN",
  agencyUrn: "HUAWEICLOUD_OIDC_AGENCY_URN",
  idToken: "HUAWEICLOUD_OIDC_ID_TOKEN",
  tokenFile: "HUAWEICLOUD_OIDC_TOKEN_FILE",
  sessionName: "HUAWEICLOUD_OIDC_SESSION_NAME",
  durationSeconds: "HUAWEICLOUD_OIDC_DURATION_SECONDS",
  policy: "HUAWEICLOUD_OIDC_POLICY",
  policyIds: "HUAWEICLOUD_OIDC_POLICY_IDS",
} as const;
/** For tests only: where the ECS metadata service is (default http://169.254.169.254); loopback only. */
export const METADATA_ENDPOINT_ENV = "SERVICESTAGE_METADATA_ENDPOINT";
export const DEFAULT_METADATA_ENDPOINT = "http://169.254.169.254";
/** Huawei's SDKs' STS endpoint when HUAWEICLOUD_SDK_STS_ENDPOINT is not set (huaweicloudsdkcore `StsHelper.DEFAULT_STS_ENDPOINT`). */
export const DEFAULT_STS_ENDPOINT = "https://sts.cn-north-4.myhuaweicloud.com";

export interface Agency {
  agencyName: string;
  domainName: string;
}

/** Assuming an agency with an OIDC id token at STS (`POST /v5/agencies/assume-with-oidc`), as Huawei's SDKs' OidcStsAccessor. */
export interface OidcStsRequest {
  providerUrn: string;
  agencyUrn: string;
  sessionName: string;
  durationSeconds: number;
  policy?: string;
  policyIds?: string[];
}

/** How to obtain the credentials, found without any network call. */
export type CredentialPlan = { source: string; projectId?: string; region?: string; iamEndpoint?: string; agency?: Agency } & (
  | { kind: "static"; credentials: Credentials }
  | { kind: "oidc"; idpId: string; idTokenFile: string; /** How messages name the file: which setting gave it. */ idTokenSetting: string }
  | ({ kind: "oidcSts"; stsEndpoint: string; idToken: { file: string; setting: string } | { value: string } } & OidcStsRequest)
  | { kind: "metadata"; endpoint: string; /** Why each source before it had nothing, for the message when metadata has nothing either. */ skipped: string[] }
);

// ---------------------------------------------------------------------------------------
// 3. KooCLI's shared config file (terraform-provider-huaweicloud `config.readConfig`).

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
// 4. OIDC through STS (huaweicloudsdkcore `OidcStsCredentialProvider`): a source only when
// its provider and agency URNs and an id token are all given; otherwise the next.

const fromOidcSts = async (processEnv: NodeJS.ProcessEnv, skipped: string[]): Promise<CredentialPlan | undefined> => {
  const env = (name: string) => nonEmpty(processEnv[name]);
  const providerUrn = env(OIDC_STS_ENV.providerUrn);
  const agencyUrn = env(OIDC_STS_ENV.agencyUrn);
  const missing = providerUrn === undefined ? OIDC_STS_ENV.providerUrn : agencyUrn === undefined ? OIDC_STS_ENV.agencyUrn : undefined;
  if (missing !== undefined) {
    skipped.push(`OIDC through STS: ${missing} is not set`);
    return undefined;
  }
  const howToName = `set ${OIDC_STS_ENV.idToken} or ${OIDC_STS_ENV.tokenFile}`;
  const tokenValue = env(OIDC_STS_ENV.idToken);
  const tokenFile = env(OIDC_STS_ENV.tokenFile);
  if (tokenValue === undefined && tokenFile === undefined) {
    skipped.push(`OIDC through STS: neither ${OIDC_STS_ENV.idToken} nor ${OIDC_STS_ENV.tokenFile} is set`);
    return undefined;
  }
  let idToken: { file: string; setting: string } | { value: string };
  if (tokenValue !== undefined) {
    if (!isIdToken(tokenValue))
      throw new SettingsError(
        `${OIDC_STS_ENV.idToken} does not hold an OIDC id token (a JWT: three base64url parts separated by dots), so nothing of it is sent`,
      );
    idToken = { value: tokenValue };
  } else {
    const setting = `the OIDC token file of ${OIDC_STS_ENV.tokenFile}`;
    try {
      await readIdToken(tokenFile as string, setting, howToName);
    } catch (e) {
      // Huawei's SDKs go on to the next source when the file is not there.
      if (!(e instanceof UnreadableFileError)) throw e;
      skipped.push(`OIDC through STS: ${e.message}`);
      return undefined;
    }
    idToken = { file: tokenFile as string, setting };
  }
  const duration = env(OIDC_STS_ENV.durationSeconds) ?? "3600";
  if (!/^[+-]?\d+$/.test(duration)) throw new SettingsError(`${OIDC_STS_ENV.durationSeconds} must be a whole number of seconds, got ${quote(duration)}`);
  const policy = env(OIDC_STS_ENV.policy);
  const policyIds = (env(OIDC_STS_ENV.policyIds) ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const stsEndpoint = (env(SDK_ENV.stsEndpoint) ?? DEFAULT_STS_ENDPOINT).replace(/\/+$/, "");
  const stsProblem = endpointProblem(stsEndpoint);
  if (stsProblem !== undefined) throw new SettingsError(`${SDK_ENV.stsEndpoint} ${quote(stsEndpoint)} ${stsProblem}: it ${ENDPOINT_RULE}`);
  const projectId = env(SDK_ENV.projectId);
  return {
    source: "OIDC through STS (HUAWEICLOUD_OIDC_*)",
    kind: "oidcSts",
    stsEndpoint,
    idToken,
    providerUrn: providerUrn as string,
    agencyUrn: agencyUrn as string,
    sessionName: env(OIDC_STS_ENV.sessionName) ?? "oidc-sts-session",
    durationSeconds: Number(duration),
    ...(policy !== undefined ? { policy } : {}),
    ...(policyIds.length > 0 ? { policyIds } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
  };
};

// ---------------------------------------------------------------------------------------
// 6. The SDKs' credentials file (huaweicloudsdkcore `ProfileCredentialProvider`), section
// [basic], read as Python's configparser reads it. As there, a file that is missing or not
// readable, or has no [basic] section, or no ak and sk (nor idp_id and id_token_file),
// falls through to the next source; a file configparser refuses fails the whole chain.

export const DEFAULT_CREDENTIALS_FILE = "~/.huaweicloud/credentials";

const fromCredentialsFile = async (file: string, skipped: string[]): Promise<CredentialPlan | undefined> => {
  const source = `the credentials file ${quote(file)}`;
  let text: string;
  try {
    text = await readCredentialFile(file, "the credentials file", CONFIG_FILE_MAX_BYTES, howToSet("credentialsFile"));
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    skipped.push(e.message);
    return undefined;
  }
  let basic: Record<string, string> | undefined;
  try {
    basic = readSection(text, "basic");
  } catch (e) {
    if (!(e instanceof ConfigParserError)) throw e;
    throw new SettingsError(`${source} cannot be read as Huawei's SDKs read it (Python's configparser): ${e.message}: ${howToSet("credentialsFile")}`);
  }
  if (basic === undefined) {
    skipped.push(`${source} has no [basic] section`);
    return undefined;
  }
  const idpId = nonEmpty(basic.idp_id);
  const idTokenFile = nonEmpty(basic.id_token_file);
  const accessKey = nonEmpty(basic.ak);
  const secretKey = nonEmpty(basic.sk);
  const oidc = idpId !== undefined && idTokenFile !== undefined;
  if (!oidc && (accessKey === undefined || secretKey === undefined)) {
    skipped.push(`${source} has neither ak and sk nor idp_id and id_token_file in its [basic] section`);
    return undefined;
  }
  const iamEndpoint = nonEmpty(basic.iam_endpoint);
  // Where the id token or the keys' signature would go: held to the endpoint settings' rules.
  const iamProblem = iamEndpoint === undefined ? undefined : endpointProblem(iamEndpoint);
  if (iamProblem !== undefined) throw new SettingsError(`${source}: its iam_endpoint ${quote(iamEndpoint as string)} ${iamProblem}: it ${ENDPOINT_RULE}`);
  const common = {
    source,
    ...(nonEmpty(basic.project_id) !== undefined ? { projectId: nonEmpty(basic.project_id) } : {}),
    ...(iamEndpoint !== undefined ? { iamEndpoint } : {}),
  };
  if (oidc) {
    if (!isIdpId(idpId)) throw new SettingsError(`${source}: its idp_id ${quote(idpId)} ${IDP_ID_RULE}`);
    await readIdToken(idTokenFile, `${source}: its id_token_file`, howToSet("credentialsFile"));
    return { ...common, kind: "oidc", idpId, idTokenFile, idTokenSetting: `${source}: its id_token_file` };
  }
  const securityToken = nonEmpty(basic.security_token);
  return {
    ...common,
    kind: "static",
    credentials: { kind: "aksk", accessKey: accessKey as string, secretKey: secretKey as string, ...(securityToken !== undefined ? { securityToken } : {}) },
  };
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
const pickFrom = (bag: RawSettings, keys: readonly SettingKey[]): RawSettings => Object.fromEntries(keys.map((k) => [k, bag[k]]));

const exists = (file: string): Promise<boolean> =>
  fs.promises.stat(expandHome(file)).then(
    () => true,
    () => false,
  );

/** The credential plan for these settings: the first source that has credentials (ECS metadata when none has). */
export const credentialPlan = async (stack: RawSettings, env: RawSettings, processEnv: NodeJS.ProcessEnv): Promise<CredentialPlan> => {
  const pick = (k: SettingKey) => stack[k] ?? env[k];
  // Every setting that names a source, a file or an address, judged before any is used:
  // stack config whole; the environment too, but half an OIDC pair there falls through,
  // as in Huawei's SDKs (EnvCredentialProvider), and is no error.
  assertSound(pickFrom(stack, CREDENTIAL_SOURCE_SETTINGS));
  const fromEnv = pickFrom(env, CREDENTIAL_SOURCE_SETTINGS);
  if ((fromEnv.idpId === undefined) !== (fromEnv.idTokenFile === undefined)) delete fromEnv[fromEnv.idpId === undefined ? "idTokenFile" : "idpId"];
  assertSound(fromEnv);
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

  // 3: a KooCLI profile, when one is named (as Terraform: shared_config_file or profile).
  const sharedConfigFile = pick("sharedConfigFile");
  const profile = pick("profile");
  if (sharedConfigFile !== undefined || profile !== undefined) return withAgency(await fromKooCli(sharedConfigFile ?? DEFAULT_SHARED_CONFIG_FILE, profile));

  // Huawei's SDKs' chain, in its order; each source that has nothing says why.
  const skipped: string[] = [];
  // 4: OIDC through STS.
  const sts = await fromOidcSts(processEnv, skipped);
  if (sts !== undefined) return withAgency(sts);

  // 5: the SDKs' environment: OIDC federation first, then the static keys.
  const sdkProject = nonEmpty(processEnv[SDK_ENV.projectId]);
  const project = sdkProject !== undefined ? { projectId: sdkProject } : {};
  const idpId = stack.idpId ?? fromEnv.idpId;
  const idTokenFile = stack.idTokenFile ?? fromEnv.idTokenFile;
  if (idpId !== undefined && idTokenFile !== undefined) {
    // Read now, so that a file that holds no id token fails the preview, before anything is sent; read again at each exchange.
    await readIdToken(idTokenFile, "the OIDC id token file", howToSet("idTokenFile"));
    return withAgency({ source: "OIDC federation", kind: "oidc", idpId, idTokenFile, idTokenSetting: "the OIDC id token file", ...project });
  }
  const sdkKey = nonEmpty(processEnv[SDK_ENV.accessKey]);
  const sdkSecret = nonEmpty(processEnv[SDK_ENV.secretKey]);
  if (sdkKey !== undefined && sdkSecret !== undefined) {
    const securityToken = nonEmpty(processEnv[SDK_ENV.securityToken]);
    return withAgency({
      source: "the environment (Huawei's SDKs' names)",
      kind: "static",
      credentials: { kind: "aksk", accessKey: sdkKey, secretKey: sdkSecret, ...(securityToken !== undefined ? { securityToken } : {}) },
      ...project,
    });
  }
  skipped.push(`the environment: neither ${ENV_KEYS.idpId} and ${ENV_KEYS.idTokenFile}, nor ${SDK_ENV.accessKey} and ${SDK_ENV.secretKey}, are set`);

  // 6: the SDKs' credentials file: the one named, or the default.
  const credentialsFile = pick("credentialsFile") ?? DEFAULT_CREDENTIALS_FILE;
  if (pick("credentialsFile") !== undefined || (await exists(DEFAULT_CREDENTIALS_FILE))) {
    const plan = await fromCredentialsFile(credentialsFile, skipped);
    if (plan !== undefined) return withAgency(plan);
  } else skipped.push(`the credentials file ${quote(DEFAULT_CREDENTIALS_FILE)} does not exist`);

  // 7: ECS metadata, the last resort (as Terraform's and Huawei's SDKs').
  const endpoint = nonEmpty(processEnv[METADATA_ENDPOINT_ENV]) ?? DEFAULT_METADATA_ENDPOINT;
  if (endpoint !== DEFAULT_METADATA_ENDPOINT && (endpointProblem(endpoint) !== undefined || endpoint.startsWith("https:")))
    throw new SettingsError(`${METADATA_ENDPOINT_ENV} ${quote(endpoint)} must be an http URL to a loopback address: it exists for tests only`);
  return withAgency({ source: `ECS metadata (${endpoint})`, kind: "metadata", endpoint, skipped });
};

/** The error when even ECS metadata gave nothing: every source, in order, how to set it, and why each had nothing. */
export const noCredentialsError = (metadataFailure: string, skipped: readonly string[] = []): SettingsError => {
  const lines = [
    `stack config: ${CONFIG_KEYS.authToken}, or ${CONFIG_KEYS.accessKey} and ${CONFIG_KEYS.secretKey} (an explicit provider's arguments alike)`,
    `the environment: ${ENV_KEYS.authToken}, or ${ENV_KEYS.accessKey} and ${ENV_KEYS.secretKey}`,
    `a KooCLI profile: ${howToSet("sharedConfigFile")}, or ${howToSet("profile")}`,
    `OIDC through STS: ${OIDC_STS_ENV.providerUrn}, ${OIDC_STS_ENV.agencyUrn}, and ${OIDC_STS_ENV.idToken} or ${OIDC_STS_ENV.tokenFile}`,
    `OIDC federation: ${howToSet("idpId")}, and ${howToSet("idTokenFile")}; or the environment: ${SDK_ENV.accessKey} and ${SDK_ENV.secretKey}`,
    `the credentials file ${DEFAULT_CREDENTIALS_FILE}, or another: ${howToSet("credentialsFile")}`,
    `ECS metadata, on a Huawei Cloud VM with an agency: ${metadataFailure}`,
  ];
  const why = skipped.length > 0 ? `\nWhy each of Huawei's SDKs' sources had nothing:\n${skipped.map((s) => `  - ${s}`).join("\n")}` : "";
  return new SettingsError(`no ServiceStage credentials. Tried, in order:\n${lines.map((l, i) => `  ${i + 1}. ${l}`).join("\n")}${why}`);
};

/** IAM's regional endpoints that Huawei's SDKs know (huaweicloudsdkcore 3.1.219 `auth/endpoint.py`); any other region uses the global one. */
const HUAWEI_IAM_REGIONS = new Set([
  "cn-north-2",
  "cn-north-4",
  "cn-north-1",
  "cn-east-2",
  "cn-east-3",
  "cn-south-1",
  "cn-south-2",
  "cn-southwest-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "af-south-1",
  "sa-brazil-1",
  "la-south-2",
  "na-mexico-1",
  "la-north-2",
  "cn-north-9",
  "eu-west-0",
  "my-kualalumpur-1",
  "ru-moscow-1",
  "me-east-1",
  "ap-southeast-4",
  "ae-ad-1",
  "cn-east-4",
  "cn-east-5",
  "tr-west-1",
  "cn-north-12",
]);
/** Huawei's SDKs' IAM endpoint when nothing names one (`IamHelper.DEFAULT_ENDPOINT`). */
export const GLOBAL_IAM_ENDPOINT = "https://iam.myhuaweicloud.com";

/**
 * IAM's address, as Huawei's SDKs resolve it, our settings first: stack config
 * `iamEndpoint` or HW_AUTH_URL (Terraform's auth_url, a trailing /v3 dropped); the
 * credentials file's `iam_endpoint`; HUAWEICLOUD_SDK_IAM_ENDPOINT; else, when the project
 * is looked up from the region, that region's endpoint if Huawei's table has it, and the
 * global one otherwise (`IamHelper.get_iam_endpoint(region)`); and the global one when the
 * project id is given, where Huawei's SDKs exchange an OIDC token without a region
 * (`Credentials.process_sts`). Whichever it is, it keeps the endpoint rules.
 */
export const iamEndpointFor = (
  setting: string | undefined,
  plan: CredentialPlan,
  target: { region?: string; projectId?: string },
  processEnv: NodeJS.ProcessEnv,
): string => {
  const region = target.region;
  const given = setting ?? plan.iamEndpoint ?? nonEmpty(processEnv[SDK_ENV.iamEndpoint]);
  if (given === undefined)
    return target.projectId === undefined && region !== undefined && HUAWEI_IAM_REGIONS.has(region)
      ? `https://iam.${region}.myhuaweicloud.com`
      : GLOBAL_IAM_ENDPOINT;
  if (given.includes(REGION_PLACEHOLDER) && region === undefined)
    throw new SettingsError(`the IAM endpoint ${quote(given)} needs a region for ${REGION_PLACEHOLDER}: ${howToSet("region")}`);
  const endpoint = (region !== undefined ? given.split(REGION_PLACEHOLDER).join(region) : given).replace(/\/+$/, "").replace(/\/v3(\.0)?$/, "");
  // The last guard: whichever source named it, IAM's address keeps the endpoint rules (urlParts.ts).
  const problem = endpointProblem(endpoint);
  if (problem !== undefined) throw new SettingsError(`the IAM endpoint ${quote(endpoint)} ${problem}: it ${ENDPOINT_RULE}`);
  return endpoint;
};
