/**
 * Where the provider finds its region, project, endpoint and credentials: stack config
 * (`servicestage:*`, received in `configure`), then the environment variables Huawei's
 * tools use. A resource's own `projectId` wins over both. Credentials live only in this
 * module's memory inside the provider host: never in inputs, outputs or `__provider`.
 */
import type { Credentials } from "./client";
import { CONTROL_CHARACTER, SettingsError, quote } from "./errors";
import { ENDPOINT_RULE, ID_RULE, REGION_PLACEHOLDER, REGION_RULE, endpointProblem, isId, isRegion } from "./urlParts";

export const endpointForRegion = (region: string): string => `https://servicestage.${region}.myhuaweicloud.com`;

export const CONFIG_KEYS = {
  region: "servicestage:region",
  projectId: "servicestage:projectId",
  endpoint: "servicestage:endpoint",
  authToken: "servicestage:authToken",
  accessKey: "servicestage:accessKey",
  secretKey: "servicestage:secretKey",
  securityToken: "servicestage:securityToken",
  requestTimeoutSeconds: "servicestage:requestTimeoutSeconds",
  maxRetries: "servicestage:maxRetries",
  sharedConfigFile: "servicestage:sharedConfigFile",
  profile: "servicestage:profile",
  credentialsFile: "servicestage:credentialsFile",
  idpId: "servicestage:idpId",
  idTokenFile: "servicestage:idTokenFile",
  assumeRoleAgencyName: "servicestage:assumeRoleAgencyName",
  assumeRoleDomainName: "servicestage:assumeRoleDomainName",
  iamEndpoint: "servicestage:iamEndpoint",
} as const;

export const ENV_KEYS = {
  region: "HW_REGION_NAME",
  projectId: "HW_PROJECT_ID",
  endpoint: "SERVICESTAGE_ENDPOINT",
  authToken: "HW_AUTH_TOKEN",
  accessKey: "HW_ACCESS_KEY",
  secretKey: "HW_SECRET_KEY",
  securityToken: "HW_SECURITY_TOKEN",
  requestTimeoutSeconds: "SERVICESTAGE_REQUEST_TIMEOUT_SECONDS",
  // Where a variable's name is not ours, it is Huawei's for the same thing: Terraform's
  // huaweicloud provider's (HW_*), or Huawei's SDKs' (HUAWEICLOUD_SDK_*).
  maxRetries: "HW_MAX_RETRIES",
  sharedConfigFile: "HW_SHARED_CONFIG_FILE",
  profile: "HW_PROFILE",
  credentialsFile: "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
  idpId: "HUAWEICLOUD_SDK_IDP_ID",
  idTokenFile: "HUAWEICLOUD_SDK_ID_TOKEN_FILE",
  assumeRoleAgencyName: "HW_ASSUME_ROLE_AGENCY_NAME",
  assumeRoleDomainName: "HW_ASSUME_ROLE_DOMAIN_NAME",
  iamEndpoint: "HW_AUTH_URL",
} as const;

export type SettingKey = keyof typeof CONFIG_KEYS;
type Key = SettingKey;
export type RawSettings = Partial<Record<Key, string>>;

/** The settings that are numbers (the rest are strings): the schema's types, and what an explicit provider may pass unquoted. */
export const NUMERIC_SETTINGS: Readonly<Partial<Record<SettingKey, "number" | "integer">>> = { requestTimeoutSeconds: "number", maxRetries: "integer" };

/** The credentials among the settings: the one declaration of their secrecy (the schema, the SDKs' Provider, the plugin, redaction). */
export const SECRET_SETTINGS: readonly SettingKey[] = ["authToken", "secretKey", "securityToken"];

/** A setting's value as given, trimmed; blank is not given. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

export const readStackConfig = (get: (key: string) => string | undefined): RawSettings =>
  Object.fromEntries(
    Object.entries(CONFIG_KEYS)
      .map(([k, key]) => [k, nonEmpty(get(key))])
      .filter(([, v]) => v !== undefined),
  );

export const readEnvironment = (env: NodeJS.ProcessEnv): RawSettings =>
  Object.fromEntries(
    Object.entries(ENV_KEYS)
      .map(([k, key]) => [k, nonEmpty(env[key])])
      .filter(([, v]) => v !== undefined),
  );

/**
 * Where a setting can be given, in one wording for every message of both front doors:
 * stack config (the plugin also reads an explicit provider's argument of the same name)
 * or the environment. Secrets are set with --secret.
 */
export const howToSet = (k: Key): string =>
  `set stack config ${CONFIG_KEYS[k]} (pulumi config set${SECRET_SETTINGS.includes(k) ? " --secret" : ""} ${CONFIG_KEYS[k]} ...), an explicit provider's \`${k}\` argument, or the environment variable ${ENV_KEYS[k]}`;

/** Retries of one request after its first attempt, unless set (Terraform's default, max_retries = 5); the 2-minute budget still bounds them. */
export const DEFAULT_MAX_RETRIES = 5;
const MAX_RETRIES_LIMIT = 100;

/** A number printed as written, anything else quoted: `got -1`, `got "soon"`. */
const shown = (value: string): string => (/^[-+]?[\d.]+$/.test(value) ? value : quote(value));

/**
 * A request's timeout in seconds: at least a millisecond (axios reads a timeout under 1 ms
 * as none at all) and at most what Node's timers hold (2^31 - 1 ms; beyond it a timer
 * fires after 1 ms).
 */
export const REQUEST_TIMEOUT_RANGE = { min: 0.001, max: 2_147_483 } as const;

/** Names and paths that reach headers, bodies and messages: a control character could forge a log line, a huge value floods one. */
const TEXT_SETTINGS = ["sharedConfigFile", "profile", "credentialsFile", "idTokenFile", "assumeRoleAgencyName", "assumeRoleDomainName"] as const;
const TEXT_MAX = 1024;
/** An identity provider's id travels as the X-Idp-Id header: printable ASCII, no space. */
const IDP_ID = /^[\x21-\x7e]{1,128}$/;
export const isIdpId = (value: string): boolean => IDP_ID.test(value);
export const IDP_ID_RULE = "must be an identity provider's id: 1 to 128 printable ASCII characters, no space";

/**
 * The rules a value that is set must keep, in one source (stack config, a provider's
 * arguments or the environment): a region, project id and endpoint that cannot send a
 * request anywhere but ServiceStage (urlParts.ts), a request timeout that is a positive
 * number, a retry count that is a whole number, and an AK/SK pair that is whole unless a token is set (credentials come whole
 * from one source). What is missing is judged where it is needed. The plugin's
 * CheckConfig applies the same rules.
 */
export const settingProblems = (s: RawSettings): Array<{ key: SettingKey; rule: string }> => {
  const problems: Array<{ key: SettingKey; rule: string }> = [];
  if (s.region !== undefined && !isRegion(s.region)) problems.push({ key: "region", rule: `region ${quote(s.region)} ${REGION_RULE}` });
  if (s.projectId !== undefined && !isId(s.projectId)) problems.push({ key: "projectId", rule: `projectId ${quote(s.projectId)} ${ID_RULE}` });
  const endpoint = s.endpoint === undefined ? undefined : endpointProblem(s.endpoint);
  if (endpoint !== undefined) problems.push({ key: "endpoint", rule: `endpoint ${quote(s.endpoint as string)} ${endpoint}: it ${ENDPOINT_RULE}` });
  const timeout = s.requestTimeoutSeconds;
  const { min, max } = REQUEST_TIMEOUT_RANGE;
  if (timeout !== undefined && !(Number(timeout) >= min && Number(timeout) <= max))
    problems.push({ key: "requestTimeoutSeconds", rule: `requestTimeoutSeconds must be a number of seconds from ${min} to ${max}, got ${shown(timeout)}` });
  const iam = s.iamEndpoint === undefined ? undefined : endpointProblem(s.iamEndpoint);
  if (iam !== undefined) problems.push({ key: "iamEndpoint", rule: `iamEndpoint ${quote(s.iamEndpoint as string)} ${iam}: it ${ENDPOINT_RULE}` });
  if (s.idpId !== undefined && !IDP_ID.test(s.idpId)) problems.push({ key: "idpId", rule: `idpId ${quote(s.idpId)} ${IDP_ID_RULE}` });
  for (const key of TEXT_SETTINGS) {
    const value = s[key];
    if (value !== undefined && (CONTROL_CHARACTER.test(value) || value.length > TEXT_MAX))
      problems.push({ key, rule: `${key} ${quote(value)} must hold no control character (such as a line break) and at most ${TEXT_MAX} characters` });
  }
  for (const [a, b, what] of [
    ["assumeRoleAgencyName", "assumeRoleDomainName", "an agency needs its name and the domain (account) that owns it"],
    ["idpId", "idTokenFile", "OIDC federation needs the identity provider's id and the file holding the id token"],
  ] as const)
    if ((s[a] === undefined) !== (s[b] === undefined)) {
      const lacks = s[a] === undefined ? a : b;
      problems.push({ key: lacks, rule: `${lacks} is missing: ${what}` });
    }
  const retries = s.maxRetries;
  if (retries !== undefined && !(/^\d+$/.test(retries.trim()) && Number(retries) <= MAX_RETRIES_LIMIT))
    problems.push({ key: "maxRetries", rule: `maxRetries must be a whole number from 0 to ${MAX_RETRIES_LIMIT}, got ${shown(retries)}` });
  if (s.authToken === undefined && (s.accessKey === undefined) !== (s.secretKey === undefined)) {
    const lacks = s.accessKey === undefined ? "accessKey" : "secretKey";
    problems.push({ key: lacks, rule: `${lacks} is missing: ServiceStage AK/SK credentials need both an access key and a secret key` });
  }
  return problems;
};

/** The first problem of a source, as the error that names both ways to set the value. */
export const assertSound = (s: RawSettings): void => {
  const [problem] = settingProblems(s);
  if (problem !== undefined) throw new SettingsError(`${problem.rule}: ${howToSet(problem.key)}`);
};

/** The token or AK/SK pair of one source (stack config, or the HW_* environment), if it has any. */
export const credentialsFrom = (s: RawSettings): Credentials | undefined => {
  if (s.authToken !== undefined) return { kind: "token", token: s.authToken };
  if (s.accessKey !== undefined || s.secretKey !== undefined) {
    if (s.accessKey === undefined || s.secretKey === undefined) return undefined; // refused by assertSound
    return { kind: "aksk", accessKey: s.accessKey, secretKey: s.secretKey, ...(s.securityToken !== undefined ? { securityToken: s.securityToken } : {}) };
  }
  return undefined;
};

/** What a resource itself says about where it lives: its own `projectId` and `region` win over config and environment. */
export interface ResourceTarget {
  projectId?: string;
  region?: string;
}

const resolveEndpoint = (stack: RawSettings, env: RawSettings, resourceRegion: string | undefined, sourceRegion: string | undefined): string => {
  const pick = (k: Key) => stack[k] ?? env[k];
  const region = resourceRegion ?? pick("region") ?? sourceRegion;
  const endpoint = pick("endpoint");
  // Judged on what is used, from whichever source it came: a region forms the host, the endpoint is where the token goes.
  assertSound({ region, endpoint });
  if (endpoint === undefined) {
    if (region === undefined) throw new SettingsError(`no ServiceStage region: ${howToSet("region")} (or an endpoint URL: ${howToSet("endpoint")})`);
    return endpointForRegion(region);
  }
  if (endpoint.includes(REGION_PLACEHOLDER)) {
    if (region === undefined)
      throw new SettingsError(
        `the ServiceStage endpoint ${endpoint} needs a region for ${REGION_PLACEHOLDER}: ${howToSet("region")}, or the resource's region`,
      );
    return endpoint.split(REGION_PLACEHOLDER).join(region);
  }
  // A fixed URL serves one region: a resource in another one would silently reach the wrong place.
  if (resourceRegion !== undefined && resourceRegion !== (pick("region") ?? sourceRegion))
    throw new SettingsError(
      `the resource's region ${resourceRegion} cannot be reached through the fixed ServiceStage endpoint ${endpoint}: ` +
        `write ${REGION_PLACEHOLDER} in the endpoint (${howToSet("endpoint")}), or drop the endpoint setting`,
    );
  return endpoint;
};

/**
 * Where a resource's requests go: the endpoint, the project when it is given (the
 * resource's, stack config's, the environment's, or the credentials' source's: `source`),
 * the region (the same order), and the request settings.
 * Credentials are credentialSources.ts's; a project not given here comes from the
 * credentials' source, or is looked up at IAM from the region (credentialProvider.ts).
 */
export interface ResolvedTarget {
  endpoint: string;
  projectId?: string;
  region?: string;
  timeoutMs?: number;
  retry: { maxAttempts: number };
}

export const resolveTarget = (stack: RawSettings, env: RawSettings, resource: ResourceTarget = {}, source: ResourceTarget = {}): ResolvedTarget => {
  const pick = (k: Key) => stack[k] ?? env[k];
  const projectId = nonEmpty(resource.projectId) ?? pick("projectId") ?? source.projectId;
  assertSound({ projectId });
  const region = nonEmpty(resource.region) ?? pick("region") ?? source.region;
  assertSound({ region });
  if (projectId === undefined && region === undefined)
    throw new SettingsError(
      `no ServiceStage project id: set the resource's projectId, or ${howToSet("projectId")}; or a region (${howToSet("region")}), whose project is then looked up at IAM`,
    );
  const endpoint = resolveEndpoint(stack, env, nonEmpty(resource.region), source.region);
  const timeout = pick("requestTimeoutSeconds");
  const maxRetries = pick("maxRetries");
  assertSound({ requestTimeoutSeconds: timeout, maxRetries });
  return {
    endpoint,
    ...(projectId !== undefined ? { projectId } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(timeout !== undefined ? { timeoutMs: Math.round(Number(timeout) * 1000) } : {}),
    retry: { maxAttempts: 1 + (maxRetries !== undefined ? Number(maxRetries) : DEFAULT_MAX_RETRIES) },
  };
};
