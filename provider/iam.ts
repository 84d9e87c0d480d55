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
 * - ECS metadata: `GET /openstack/latest/securitykey` on 169.254.169.254.
 *
 * Every answer is decoded liberally (only what is used is checked); no error carries a
 * credential (each message is redacted with every secret involved).
 */
import type { AxiosInstance } from "axios";
import * as t from "io-ts";
import { Credentials, httpTo } from "./client";
import { secretsOf } from "./knownSecrets";
import { SettingsError, quote, redact } from "./errors";
import { formatSdkDate, signRequest } from "./signer";

/** Temporary AK/SK with their expiry (epoch ms). */
export interface TemporaryCredentials {
  credentials: Extract<Credentials, { kind: "aksk" }>;
  expiresAt: number;
}

/** Table "credential" of CreateTemporaryAccessKeyByAgency/ByToken and of the metadata answer. */
const CredentialAnswer = t.type({
  credential: t.type({ access: t.string, secret: t.string, securitytoken: t.string, expires_at: t.string }),
});
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
  const c = answer.credential;
  const expiresAt = Date.parse(c.expires_at);
  if (!Number.isFinite(expiresAt)) throw new Error(`expires_at ${quote(c.expires_at)} is not a date`);
  return { credentials: { kind: "aksk", accessKey: c.access, secretKey: c.secret, securityToken: c.securitytoken }, expiresAt };
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

/** ECS metadata: the agency credentials of the VM this runs on. */
export const metadataCredentials = async (endpoint: string): Promise<TemporaryCredentials> => {
  const http = httpTo(endpoint, METADATA_TIMEOUT_MS);
  const doing = `reading ECS metadata (GET ${endpoint}/openstack/latest/securitykey)`;
  let res;
  try {
    res = await http.request<string>({ method: "GET", url: "/openstack/latest/securitykey" });
  } catch (e) {
    throw new SettingsError(`${doing}: ${(e as { code?: string }).code ?? "no answer"} (not a Huawei Cloud VM with an agency?)`);
  }
  if (res.status !== 200) throw new SettingsError(`${doing}: answered ${res.status}`);
  try {
    return temporary(decoded(CredentialAnswer, res.data));
  } catch (e) {
    throw new SettingsError(`${doing}: ${(e as Error).message}`);
  }
};
