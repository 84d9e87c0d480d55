/**
 * Huawei Cloud IAM and ECS metadata, as far as this provider needs them to obtain
 * credentials and a project id; what each call looks like is Huawei's own code's
 * (huaweicloud-sdk-go-v3 `core/auth`, `services/iam/v3`; terraform-provider-huaweicloud
 * `huaweicloud/config/auth.go`), gathered in docs/api/NOTES.md ("IAM and ECS metadata"):
 *
 * - OIDC federation: `POST /v3.0/OS-AUTH/id-token/tokens` (header `X-Idp-Id`) answers 201
 *   and the token in `X-Subject-Token`, which `POST /v3.0/OS-CREDENTIAL/securitytokens`
 *   (`methods: ["token"]`) exchanges for temporary AK/SK; neither call is signed;
 * - an agency: the same `securitytokens` call with `methods: ["assume_role"]`, signed with
 *   the caller's credentials;
 * - the project of a region: `GET /v3/projects?name={region}`, signed;
 * - OIDC through STS: `POST /v5/agencies/assume-with-oidc` (unsigned) answers the agency's
 *   temporary keys (huaweicloudsdkcore `OidcStsAccessor`, huaweicloudsdksts `CredentialsDto`);
 * - ECS metadata: `GET /openstack/latest/securitykey` on 169.254.169.254, with the session
 *   token of `PUT /meta-data/latest/api/token` when the service has one (huaweicloudsdkcore
 *   `MetadataAccessor`).
 *
 * Every answer is decoded liberally, as Huawei's `StsAccessor._process_credential` does (the
 * keys under `credential` or `credentials`, in any of their spellings); no error carries a
 * credential (each message is redacted with every secret involved).
 */
import type { AxiosInstance } from "axios";
import * as t from "io-ts";
import { Credentials, httpTo } from "./client";
import type { OidcStsRequest } from "./credentialSources";
import { secretsOf } from "./knownSecrets";
import { SettingsError, quote, redact } from "./errors";
import { formatSdkDate, signRequest } from "./signer";

/** Temporary AK/SK with their expiry (epoch ms). */
export interface TemporaryCredentials {
  credentials: Extract<Credentials, { kind: "aksk" }>;
  expiresAt: number;
}

/**
 * Temporary keys in any shape Huawei's services answer them: IAM's and metadata's
 * `credential: {access, secret, securitytoken, expires_at}`, STS's
 * `credentials: {access_key_id, secret_access_key, security_token, expiration}`, and the
 * camelCase spellings `_process_credential` also takes.
 */
const TemporaryKeys = t.partial({
  access: t.string,
  accessKeyId: t.string,
  access_key_id: t.string,
  secret: t.string,
  secretAccessKey: t.string,
  secret_access_key: t.string,
  securitytoken: t.string,
  securityToken: t.string,
  security_token: t.string,
  expires_at: t.string,
  expiration: t.string,
});
const CredentialAnswer = t.partial({ credential: TemporaryKeys, credentials: TemporaryKeys });
/** KeystoneListProjects: only the ids and names are used. */
const ProjectsAnswer = t.type({ projects: t.array(t.type({ id: t.string, name: t.string })) });

const IAM_TIMEOUT_MS = 15_000;
/** Huawei's Go SDK gives the metadata service 3 s: off a Huawei Cloud VM it never answers. */
const METADATA_TIMEOUT_MS = 3_000;
/** OIDC's temporary keys: Huawei's SDKs ask for 6 hours. */
const FEDERATED_SECONDS = 21_600;
/** An agency's temporary keys: an hour, renewed before they expire. */
const AGENCY_SECONDS = 3_600;

const temporary = (answer: t.TypeOf<typeof CredentialAnswer>): TemporaryCredentials => {
  const c = answer.credential ?? answer.credentials ?? {};
  const accessKey = c.access ?? c.accessKeyId ?? c.access_key_id;
  const secretKey = c.secret ?? c.secretAccessKey ?? c.secret_access_key;
  const securityToken = c.securitytoken ?? c.securityToken ?? c.security_token;
  const expires = c.expires_at ?? c.expiration;
  if (accessKey === undefined || secretKey === undefined || securityToken === undefined || expires === undefined)
    throw new Error("the answer holds no temporary access key, secret key, security token and expiry");
  const expiresAt = Date.parse(expires);
  if (!Number.isFinite(expiresAt)) throw new Error(`expires_at ${quote(expires)} is not a date`);
  return { credentials: { kind: "aksk", accessKey, secretKey, securityToken }, expiresAt };
};

const decoded = <A>(codec: t.Type<A, unknown, unknown>, text: string): A => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("the answer is not JSON");
  }
  const result = codec.decode(value);
  if (result._tag === "Left") throw new Error(`the answer lacks what is needed (${codec.name})`);
  return result.right;
};

/** One IAM endpoint (`https://iam.{region}.myhuaweicloud.com`, or servicestage:iamEndpoint / HW_AUTH_URL). */
export class IamClient {
  private readonly http: AxiosInstance;
  private readonly host: string;
  private readonly pathPrefix: string;

  constructor(readonly endpoint: string) {
    this.http = httpTo(endpoint, IAM_TIMEOUT_MS);
    const url = new URL(endpoint);
    this.host = url.host;
    this.pathPrefix = url.pathname.replace(/\/+$/, "");
  }

  /** OIDC: the id token (from the CI's token file) for an unscoped IAM token. */
  async tokenFromIdToken(idpId: string, idToken: string): Promise<string> {
    const body = JSON.stringify({ auth: { id_token: { id: idToken } } });
    const res = await this.request("POST", "/v3.0/OS-AUTH/id-token/tokens", body, { "X-Idp-Id": idpId }, [idToken]);
    const token = res.headers["x-subject-token"];
    if (res.status !== 201 || typeof token !== "string" || token === "")
      throw this.failure("exchanging the OIDC id token (POST /v3.0/OS-AUTH/id-token/tokens)", res.status, res.data, [idToken]);
    return token;
  }

  /** OIDC, second step: the unscoped token for temporary AK/SK. */
  async keysFromToken(token: string): Promise<TemporaryCredentials> {
    const body = JSON.stringify({ auth: { identity: { methods: ["token"], token: { id: token, duration_seconds: FEDERATED_SECONDS } } } });
    return this.credentialCall("exchanging the federated token for temporary keys", body, undefined, [token]);
  }

  /** An agency (Terraform's assume_role): the caller's credentials for the agency's temporary AK/SK. */
  async assumeAgency(caller: Credentials, agencyName: string, domainName: string): Promise<TemporaryCredentials> {
    const body = JSON.stringify({
      auth: {
        identity: {
          methods: ["assume_role"],
          assume_role: { agency_name: agencyName, domain_name: domainName, duration_seconds: AGENCY_SECONDS },
        },
      },
    });
    return this.credentialCall(`assuming the agency ${quote(agencyName)} of domain ${quote(domainName)}`, body, caller, []);
  }

  /** The id of the project named after the region, as Huawei's SDKs look it up. */
  async projectIdOf(caller: Credentials, region: string): Promise<string> {
    const path = "/v3/projects";
    const res = await this.request("GET", path, undefined, {}, [], caller, { name: region });
    const doing = `looking up the project id of region ${region} (GET /v3/projects?name=${region})`;
    if (res.status !== 200) throw this.failure(doing, res.status, res.data, secretsOf(caller));
    const { projects } = this.decodeOrFail(doing, ProjectsAnswer, res.data, secretsOf(caller));
    const ids = projects.filter((p) => p.name === region).map((p) => p.id);
    if (ids.length === 1) return ids[0];
    throw new SettingsError(
      ids.length === 0
        ? `${doing}: IAM at ${this.endpoint} lists no project named ${region}: confirm that the project exists in your account, or set the project id (servicestage:projectId, HW_PROJECT_ID)`
        : `${doing}: IAM at ${this.endpoint} lists several projects named ${region} (${ids.join(", ")}): set the one to use (servicestage:projectId, HW_PROJECT_ID)`,
    );
  }

  private async credentialCall(doing: string, body: string, caller: Credentials | undefined, secrets: string[]): Promise<TemporaryCredentials> {
    const involved = [...secrets, ...(caller !== undefined ? secretsOf(caller) : [])];
    const res = await this.request("POST", "/v3.0/OS-CREDENTIAL/securitytokens", body, {}, involved, caller);
    const fullDoing = `${doing} (POST /v3.0/OS-CREDENTIAL/securitytokens)`;
    if (res.status !== 201 && res.status !== 200) throw this.failure(fullDoing, res.status, res.data, involved);
    const answer = this.decodeOrFail(fullDoing, CredentialAnswer, res.data, involved);
    try {
      return temporary(answer);
    } catch (e) {
      throw new SettingsError(`${fullDoing}: ${(e as Error).message}`);
    }
  }

  private decodeOrFail<A>(doing: string, codec: t.Type<A, unknown, unknown>, text: string, secrets: readonly string[]): A {
    try {
      return decoded(codec, text);
    } catch (e) {
      throw new SettingsError(redact(`${doing}: IAM at ${this.endpoint}: ${(e as Error).message}`, [...secrets]));
    }
  }

  private failure(doing: string, status: number, text: string, secrets: readonly string[]): SettingsError {
    const said = typeof text === "string" ? text.slice(0, 300) : "";
    return new SettingsError(redact(`${doing}: IAM at ${this.endpoint} answered ${status}${said !== "" ? `: ${said}` : ""}`, [...secrets]));
  }

  private async request(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    extraHeaders: Record<string, string>,
    secrets: readonly string[],
    caller?: Credentials,
    query?: Record<string, string>,
  ) {
    const content = { "Content-Type": "application/json;charset=UTF-8" };
    let headers: Record<string, string> = { ...content, ...extraHeaders };
    if (caller?.kind === "token") headers["X-Auth-Token"] = caller.token;
    else if (caller?.kind === "aksk") {
      const signed: Record<string, string> = {
        ...headers,
        Host: this.host,
        "X-Sdk-Date": formatSdkDate(new Date()),
        ...(caller.securityToken !== undefined ? { "X-Security-Token": caller.securityToken } : {}),
      };
      headers = { ...signed, ...signRequest({ method, path: this.pathPrefix + path, query, headers: signed, body: body ?? "" }, caller) };
    }
    const search = query === undefined ? "" : `?${new URLSearchParams(query).toString().replace(/\+/g, "%20")}`;
    try {
      return await this.http.request<string>({ method, url: `${path}${search}`, data: body, headers: { ...headers, Accept: "application/json" } });
    } catch (e) {
      // Never the axios error itself: its config holds the request's headers.
      const reason = (e as { code?: string }).code ?? "no answer";
      throw new SettingsError(redact(`${method} ${path} at IAM ${this.endpoint}: ${reason}`, [...secrets, ...(caller ? secretsOf(caller) : [])]));
    }
  }
}

/**
 * OIDC through STS: an agency assumed with an id token (`POST /v5/agencies/assume-with-oidc`,
 * unsigned, as Huawei's OidcStsAccessor), for the agency's temporary keys.
 */
export const assumeAgencyWithOidc = async (stsEndpoint: string, request: OidcStsRequest, idToken: string): Promise<TemporaryCredentials> => {
  const http = httpTo(stsEndpoint, IAM_TIMEOUT_MS);
  const path = `${new URL(stsEndpoint).pathname.replace(/\/+$/, "")}/v5/agencies/assume-with-oidc`;
  const doing = `assuming the agency ${quote(request.agencyUrn)} with the OIDC id token (POST /v5/agencies/assume-with-oidc at STS ${stsEndpoint})`;
  const body = JSON.stringify({
    provider_urn: request.providerUrn,
    agency_urn: request.agencyUrn,
    agency_session_name: request.sessionName,
    id_token: idToken,
    duration_seconds: request.durationSeconds,
    ...(request.policy !== undefined ? { policy: request.policy } : {}),
    ...(request.policyIds !== undefined ? { policy_ids: request.policyIds } : {}),
  });
  let res;
  try {
    res = await http.request<string>({
      method: "POST",
      url: path,
      data: body,
      headers: { "Content-Type": "application/json;charset=UTF-8", Accept: "application/json" },
    });
  } catch (e) {
    throw new SettingsError(`${doing}: ${(e as { code?: string }).code ?? "no answer"}`);
  }
  const said = typeof res.data === "string" ? res.data.slice(0, 300) : "";
  if (res.status < 200 || res.status > 299) throw new SettingsError(redact(`${doing}: STS answered ${res.status}${said !== "" ? `: ${said}` : ""}`, [idToken]));
  try {
    return temporary(decoded(CredentialAnswer, res.data));
  } catch (e) {
    throw new SettingsError(redact(`${doing}: ${(e as Error).message}`, [idToken]));
  }
};

/** What Huawei's MetadataAccessor sends and checks (huaweicloudsdkcore `auth/internal.py`). */
const METADATA = {
  tokenPath: "/meta-data/latest/api/token",
  keysPath: "/openstack/latest/securitykey",
  tokenHeader: "X-Metadata-Token",
  ttlHeader: "X-Metadata-Token-Ttl-Seconds",
  ttlSeconds: 6 * 60 * 60,
  /** A 401 that says this, not that a token is needed. */
  noAgency: "Please configure Cloud Service Agency first",
  /** Without a session token, asked again at most once a day. */
  retryTokenAfterMs: 24 * 60 * 60 * 1000,
};

/**
 * ECS metadata: the agency credentials of the VM this runs on, as Huawei's
 * MetadataAccessor obtains them: a session token first (`PUT .../api/token`; a service
 * that answers 404, 405 or 503 has none, and the keys are asked without it), the keys
 * with it; a 401 (not "configure an agency") renews the token once and asks again.
 */
export class MetadataService {
  private token: string | undefined;
  private lastTokenTry: number | undefined;
  private readonly http;

  constructor(readonly endpoint: string) {
    this.http = httpTo(endpoint, METADATA_TIMEOUT_MS);
  }

  private doing(path: string, method = "GET") {
    return `reading ECS metadata (${method} ${this.endpoint}${path})`;
  }

  private async send(method: "GET" | "PUT", path: string, headers: Record<string, string>) {
    try {
      return await this.http.request<string>({ method, url: path, headers });
    } catch (e) {
      throw new SettingsError(`${this.doing(path, method)}: ${(e as { code?: string }).code ?? "no answer"} (not a Huawei Cloud VM with an agency?)`);
    }
  }

  /** A new session token; without one when the service has none (404, 405, 503), unless `required`. */
  private async renewToken(required: boolean): Promise<void> {
    this.lastTokenTry = Date.now();
    const res = await this.send("PUT", METADATA.tokenPath, { [METADATA.ttlHeader]: String(METADATA.ttlSeconds) });
    if (res.status === 200) {
      this.token = res.data;
      return;
    }
    if (!required && [404, 405, 503].includes(res.status)) {
      this.token = undefined;
      return;
    }
    throw new SettingsError(`${this.doing(METADATA.tokenPath, "PUT")}: answered ${res.status}`);
  }

  async credentials(): Promise<TemporaryCredentials> {
    if (this.token === undefined && (this.lastTokenTry === undefined || Date.now() - this.lastTokenTry > METADATA.retryTokenAfterMs))
      await this.renewToken(false);
    const ask = () => this.send("GET", METADATA.keysPath, this.token !== undefined ? { [METADATA.tokenHeader]: this.token } : {});
    let res = await ask();
    if (res.status === 401 && !String(res.data).includes(METADATA.noAgency)) {
      await this.renewToken(true);
      res = await ask();
    }
    if (res.status !== 200) throw new SettingsError(`${this.doing(METADATA.keysPath)}: answered ${res.status}`);
    try {
      return temporary(decoded(CredentialAnswer, res.data));
    } catch (e) {
      throw new SettingsError(`${this.doing(METADATA.keysPath)}: ${(e as Error).message}`);
    }
  }
}
