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

/** How a setting is given, what it means and what it holds. */
interface Setting {
  /** The environment variable read when stack config does not set it. */
  env: string;
  /** What it means, for the schema and the Go and Python SDKs' Provider (its range, default, stack config key and variable are appended). */
  description: string;
  /** What applies when it is not set, as the docs show it: a number, or Markdown. */
  default?: number | string;
  /** A number's kind and bounds; any other setting is a string. */
  number?: { kind: "number" | "integer"; min: number; max: number };
  /** A credential: secret in the schema, the SDKs, the plugin's answers and every message. */
  secret?: true;
  /** Part of the credentials that come whole from one source (CREDENTIAL_ORDER). */
  credential?: true;
  /**
   * Whether CheckConfig lets it be unknown (another stack's output during a preview) and
   * leaves it to the up; false for a setting the preview must know. Default true: every
   * setting is judged again where the up uses it.
   */
  unknownAtPreview?: boolean;
}

/**
 * Every setting, once: read by settings.ts's own rules, credentialSources.ts, the client,
 * the plugin's CheckConfig (plugin/config.ts), the schema (scripts/gen-schema.js, and from
 * it the Go and Python SDKs), and checked against docs/installation-configuration.md by
 * test/unit/settings.test.ts. The stack config key is `servicestage:<name>`.
 * Where a variable's name is not ours, it is Huawei's for the same thing: Terraform's
 * huaweicloud provider's (HW_*), or Huawei's SDKs' (HUAWEICLOUD_SDK_*).
 */
export const SETTINGS = {
  region: {
    env: "HW_REGION_NAME",
    description: `Huawei Cloud region of ServiceStage, e.g. \`cn-north-4\`: the endpoint is then \`${endpointForRegion(REGION_PLACEHOLDER)}\`.`,
  },
  projectId: { env: "HW_PROJECT_ID", description: "Project ID for the resources that set no `projectId` of their own." },
  endpoint: {
    env: "SERVICESTAGE_ENDPOINT",
    description:
      "ServiceStage endpoint URL, instead of the one the region implies (a private endpoint, a proxy, a local emulator); `{region}` in it stands for the region, so that one setting serves resources of several regions.",
  },
  authToken: {
    env: "HW_AUTH_TOKEN",
    description: "IAM token (`X-Auth-Token`). Taken before an AK/SK pair from the same source.",
    secret: true,
    credential: true,
  },
  accessKey: { env: "HW_ACCESS_KEY", description: "Access key ID of an AK/SK pair (with `secretKey`); requests are signed with it.", credential: true },
  secretKey: { env: "HW_SECRET_KEY", description: "Secret access key of an AK/SK pair (with `accessKey`).", secret: true, credential: true },
  securityToken: { env: "HW_SECURITY_TOKEN", description: "Security token of temporary AK/SK credentials.", secret: true, credential: true },
  requestTimeoutSeconds: {
    env: "SERVICESTAGE_REQUEST_TIMEOUT_SECONDS",
    description: "Timeout of one HTTP request to ServiceStage, in seconds.",
    default: 30,
    // At least a millisecond (axios reads a timeout under 1 ms as none at all) and at most
    // what Node's timers hold (2^31 - 1 ms; beyond it a timer fires after 1 ms).
    number: { kind: "number", min: 0.001, max: 2_147_483 },
  },
  maxRetries: {
    env: "HW_MAX_RETRIES",
    description:
      "How many times one request to ServiceStage is retried after a failure that may pass (a reset, a timeout, 429 or 5xx), as Terraform's `max_retries`. Retries stop after 2 minutes in any case.",
    // Terraform's default (max_retries = 5).
    default: 5,
    number: { kind: "integer", min: 0, max: 100 },
  },
  sharedConfigFile: {
    env: "HW_SHARED_CONFIG_FILE",
    description:
      "KooCLI's config file (`hcloud`), whose profile gives the credentials (and the region, project and agency it names), as Terraform's `shared_config_file`; `~` is your home. Naming it or `profile` makes the profile the source.",
    default: "`~/.hcloud/config.json`",
  },
  profile: {
    env: "HW_PROFILE",
    description: "The KooCLI profile to use from the config file, as Terraform's `profile`.",
    default: "the file's `current` profile",
  },
  credentialsFile: {
    env: "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
    description:
      "Huawei's SDKs' credentials file (INI, section `[basic]`: `ak`, `sk`, `security_token`, `project_id`, or `idp_id` and `id_token_file`); the default one is read only if it exists.",
    default: "`~/.huaweicloud/credentials`",
  },
  idpId: {
    env: "HUAWEICLOUD_SDK_IDP_ID",
    description:
      "OIDC federation: the IAM identity provider's id; with `idTokenFile`, the id token is exchanged at IAM for temporary keys, renewed before they expire (CI with no stored keys).",
  },
  idTokenFile: {
    env: "HUAWEICLOUD_SDK_ID_TOKEN_FILE",
    description: "OIDC federation: the file holding the id token (read again at each exchange: CI systems rotate it).",
  },
  assumeRoleAgencyName: {
    env: "HW_ASSUME_ROLE_AGENCY_NAME",
    description:
      "An agency to assume on top of the credentials from any source (Terraform's `assume_role.agency_name`): IAM gives its temporary keys, renewed before they expire.",
  },
  assumeRoleDomainName: {
    env: "HW_ASSUME_ROLE_DOMAIN_NAME",
    description: "The account (domain) that owns the agency (Terraform's `assume_role.domain_name`).",
  },
  iamEndpoint: {
    env: "HW_AUTH_URL",
    description: "IAM's endpoint URL, for OIDC, agencies and the project-id lookup. A trailing `/v3` (Terraform's `auth_url`) is accepted.",
    default: "`https://iam.{region}.myhuaweicloud.com`",
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
type Key = SettingKey;
export type RawSettings = Partial<Record<Key, string>>;

const SETTING_NAMES = Object.keys(SETTINGS) as SettingKey[];
const settingOf = (k: Key): Setting => SETTINGS[k];
const byName = <T>(value: (k: Key) => T): { readonly [K in Key]: T } => Object.fromEntries(SETTING_NAMES.map((k) => [k, value(k)])) as { [K in Key]: T };

/** Each setting's stack config key. */
export const CONFIG_KEYS: { readonly [K in Key]: `servicestage:${K}` } = byName((k) => `servicestage:${k}`) as { [K in Key]: `servicestage:${K}` };
/** Each setting's environment variable. */
export const ENV_KEYS: { readonly [K in Key]: (typeof SETTINGS)[K]["env"] } = byName((k) => settingOf(k).env) as { [K in Key]: (typeof SETTINGS)[K]["env"] };

/** The settings that are numbers (the rest are strings): the schema's types, and what an explicit provider may pass unquoted. */
export const NUMERIC_SETTINGS: Readonly<Partial<Record<SettingKey, "number" | "integer">>> = Object.fromEntries(
  SETTING_NAMES.flatMap((k) => {
    const number = settingOf(k).number;
    return number === undefined ? [] : [[k, number.kind]];
  }),
);

/** The credentials among the settings that are secret (the schema, the SDKs' Provider, the plugin, redaction). */
export const SECRET_SETTINGS: readonly SettingKey[] = SETTING_NAMES.filter((k) => settingOf(k).secret === true);
/** The settings that form the credentials of one source, which come whole from it. */
export const CREDENTIAL_SETTINGS: readonly SettingKey[] = SETTING_NAMES.filter((k) => settingOf(k).credential === true);
/** The settings CheckConfig leaves to the up while they are unknown. */
export const UNKNOWN_AT_PREVIEW: readonly SettingKey[] = SETTING_NAMES.filter((k) => settingOf(k).unknownAtPreview !== false);

/**
 * The sources of credentials, in the order they are tried (credentialSources.ts plans
 * them; its noCredentialsError lists them the same way): the first that has credentials
 * gives them whole.
 */
export const CREDENTIAL_ORDER = [
  "the provider's configuration (stack config, or an explicit provider's arguments)",
  "the environment Terraform reads (HW_*)",
  "a KooCLI profile (when one is named)",
  "OIDC through STS (HUAWEICLOUD_OIDC_*)",
  "Huawei's SDKs' environment (OIDC federation, then HUAWEICLOUD_SDK_AK and _SK)",
  "the SDKs' credentials file",
  "ECS metadata",
] as const;

/** A request's timeout in seconds, unless set. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = SETTINGS.requestTimeoutSeconds.default;
/** Retries of one request after its first attempt, unless set; the 2-minute budget still bounds them. */
export const DEFAULT_MAX_RETRIES = SETTINGS.maxRetries.default;
/** A request's timeout in seconds. */
export const REQUEST_TIMEOUT_RANGE = { min: SETTINGS.requestTimeoutSeconds.number.min, max: SETTINGS.requestTimeoutSeconds.number.max } as const;
const MAX_RETRIES_LIMIT = SETTINGS.maxRetries.number.max;

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

/** A number printed as written, anything else quoted: `got -1`, `got "soon"`. */
const shown = (value: string): string => (/^[-+]?[\d.]+$/.test(value) ? value : quote(value));

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
