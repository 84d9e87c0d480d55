/**
 * The IAM side of the emulator, and the ECS metadata service, answering as Huawei's own
 * code shows the service answers (docs/api/NOTES.md, "IAM and ECS metadata": the SDKs'
 * models in huaweicloud-sdk-go-v3 `services/iam/v3`, its `core/auth` helpers, and
 * terraform-provider-huaweicloud `huaweicloud/config/auth.go`), never from the provider's
 * reading:
 *
 * - `POST /v3.0/OS-AUTH/id-token/tokens` (CreateTokenWithIdToken): header `X-Idp-Id`, body
 *   `{auth: {id_token: {id}}}`; 201, the token in `X-Subject-Token`, `{token: {expires_at, ...}}`;
 * - `POST /v3.0/OS-CREDENTIAL/securitytokens`: `methods: ["token"]` (CreateTemporaryAccessKeyByToken,
 *   the token in `token.id` or X-Auth-Token, unsigned) or `methods: ["assume_role"]`
 *   (CreateTemporaryAccessKeyByAgency, authenticated by the caller's AK/SK or token);
 *   201 `{credential: {access, secret, securitytoken, expires_at}}`, `expires_at` with
 *   microseconds (`2020-01-08T03:50:07.574000Z`, which Huawei's Python SDK requires);
 * - `GET /v3/projects?name=` (KeystoneListProjects), authenticated; 200 `{projects, links}`
 *   with `links.next` null;
 * - ECS metadata, as huaweicloudsdkcore's `MetadataAccessor` shows it answers:
 *   `PUT /meta-data/latest/api/token` (header `X-Metadata-Token-Ttl-Seconds`) answers a
 *   session token as text, or 404 where the service has none (`metadataToken: "absent"`);
 *   `GET /openstack/latest/securitykey` (header `X-Metadata-Token`, required only with
 *   `metadataToken: "required"`: else 401) answers 200 `{credential: {...}}`, or 401
 *   "Please configure Cloud Service Agency first" when the VM has no agency;
 * - STS: `POST /v5/agencies/assume-with-oidc` (huaweicloudsdkcore `OidcStsAccessor`,
 *   huaweicloudsdksts `AssumeAgencyWithOidcReqBody`, unsigned): 200
 *   `{credentials: {access_key_id, secret_access_key, security_token, expiration}, ...}`.
 *
 * Temporary keys it issues are accepted by the ServiceStage side with their security
 * token until they expire. Its requests are logged apart from ServiceStage's (`iamRequests`).
 */
import { randomBytes } from "node:crypto";
import { IncomingHttpHeaders } from "node:http";
import * as t from "io-ts";
import { Credentials, authenticate, signedBy } from "./auth";
import { ParsedUrl, Reply, errorReply, header, jsonReply, parseJson } from "./http";

/** What IAM knows: the account's projects, identity providers, agencies, and how long what it issues lives. */
export const IamWorld = t.partial({
  /** The account (domain) name; agencies belong to domains by name. */
  domainName: t.string,
  projects: t.array(t.type({ id: t.string, name: t.string })),
  /** Identity providers and the one id token each accepts (a CI's OIDC token). */
  identityProviders: t.array(t.type({ id: t.string, idToken: t.string })),
  agencies: t.array(t.type({ agencyName: t.string, domainName: t.string })),
  /** The life of every token and temporary key issued (default: as asked, 900 s to 1 day). */
  lifetimeMs: t.number,
  /** Whether the VM has an agency, i.e. ECS metadata answers credentials (default false: 401, "configure an agency"). */
  metadata: t.boolean,
  /** ECS metadata's session token: required (a hardened ECS), optional (the default), or absent (no token endpoint: 404). */
  metadataToken: t.keyof({ required: null, optional: null, absent: null }),
  /** OIDC identity providers of STS (IAM v5) and the agency each id token may assume. */
  oidcStsProviders: t.array(t.type({ providerUrn: t.string, agencyUrn: t.string, idToken: t.string })),
});
export type IamWorld = t.TypeOf<typeof IamWorld>;

export interface IamRequest {
  method: string;
  path: string;
  status: number;
  at: number;
  /** What the request authenticated with: an access key, "token", or "none". */
  principal: string;
  /** The temporary access key issued, if any. */
  issued?: string;
}

export interface IamState {
  world: IamWorld;
  log: IamRequest[];
  /** ECS metadata's session tokens handed out. */
  metadataTokens?: Set<string>;
}

export const isIamPath = (url: ParsedUrl): boolean =>
  url.rawPath.startsWith("/v3.0/") ||
  url.rawPath === "/v3/projects" ||
  url.rawPath.startsWith("/openstack/") ||
  url.rawPath.startsWith("/meta-data/") ||
  url.rawPath.startsWith("/v5/agencies/");

/** IAM's time format: UTC with microseconds. */
const iamTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

const iamError = (status: number, code: string, message: string): Reply => ({ status, json: { error: { code, message, title: "Unauthorized" } } });

const lifetime = (world: IamWorld, askedSeconds: unknown): number =>
  world.lifetimeMs ?? Math.min(86_400, Math.max(900, typeof askedSeconds === "number" ? askedSeconds : 900)) * 1000;

/** Issues temporary AK/SK with a security token, accepted by ServiceStage until they expire. */
const issueKeys = (credentials: Credentials, lifeMs: number) => {
  const access = `TMP${randomBytes(8).toString("hex").toUpperCase()}`;
  const secret = randomBytes(20).toString("hex");
  const securitytoken = `st-${randomBytes(24).toString("base64url")}`;
  const expiresAt = Date.now() + lifeMs;
  credentials.temporary.set(access, { secretKey: secret, securityToken: securitytoken, expiresAt });
  return { access, secret, securitytoken, expires_at: iamTime(expiresAt) };
};

interface IamRequestIn {
  method: string;
  url: ParsedUrl;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The answer to an IAM or metadata request, and what it authenticated with. */
export const iamReply = (req: IamRequestIn, iam: IamState, credentials: Credentials): { reply: Reply; principal: string; issued?: string } => {
  const { world } = iam;
  const path = req.url.rawPath;
  const authenticated = (): { denied?: Reply; principal: string } => {
    const principal = header(req.headers, "x-auth-token") !== undefined ? "token" : (signedBy(req.headers).accessKey ?? "none");
    const denied = authenticate({ method: req.method, headers: req.headers, path, rawQuery: req.url.rawQuery, body: req.body }, credentials, Date.now());
    return { denied: denied === undefined ? undefined : iamError(401, "IAM.0001", "The request you have made requires authentication."), principal };
  };
  const body = (): Record<string, unknown> | undefined => {
    const parsed = parseJson(req.body);
    return parsed.ok && parsed.value !== null && typeof parsed.value === "object" ? (parsed.value as Record<string, unknown>) : undefined;
  };
  const dig = (v: unknown, ...keys: string[]): unknown =>
    keys.reduce<unknown>((x, k) => (x !== null && typeof x === "object" ? (x as Record<string, unknown>)[k] : undefined), v);

  const tokenMode = world.metadataToken ?? "optional";
  const metadataTokens = (iam.metadataTokens ??= new Set());
  if (path === "/meta-data/latest/api/token") {
    if (tokenMode === "absent") return { reply: { status: 404, text: "Not Found", contentType: "text/plain" }, principal: "none" };
    if (req.method !== "PUT") return { reply: { status: 405, text: "Method Not Allowed", contentType: "text/plain" }, principal: "none" };
    const token = `mdt-${randomBytes(24).toString("base64url")}`;
    metadataTokens.add(token);
    return { reply: { status: 200, text: token, contentType: "text/plain" }, principal: "none" };
  }
  if (req.method === "GET" && path === "/openstack/latest/securitykey") {
    const sent = header(req.headers, "x-metadata-token");
    if ((tokenMode === "required" && sent === undefined) || (sent !== undefined && tokenMode !== "absent" && !metadataTokens.has(sent)))
      return { reply: { status: 401, text: "Unauthorized: a valid X-Metadata-Token is required", contentType: "text/plain" }, principal: "none" };
    if (world.metadata !== true)
      return { reply: { status: 401, text: "Please configure Cloud Service Agency first", contentType: "text/plain" }, principal: "none" };
    const credential = issueKeys(credentials, world.lifetimeMs ?? 3_600_000);
    return { reply: jsonReply(200, { credential }), principal: sent !== undefined ? "metadata-token" : "none", issued: credential.access };
  }

  if (req.method === "POST" && path === "/v5/agencies/assume-with-oidc") {
    const asked = body();
    const provider = (world.oidcStsProviders ?? []).find((p) => p.providerUrn === asked?.provider_urn);
    const stsError = (status: number, code: string, message: string): Reply => ({
      status,
      json: { error_code: code, error_msg: message, request_id: randomBytes(16).toString("hex") },
    });
    if (provider === undefined) return { reply: stsError(404, "STS.0004", `identity provider ${String(asked?.provider_urn)} not found`), principal: "none" };
    if (asked?.id_token !== provider.idToken) return { reply: stsError(401, "STS.0001", "the id token is not valid"), principal: "none" };
    if (asked?.agency_urn !== provider.agencyUrn)
      return { reply: stsError(403, "STS.0003", `the id token may not assume ${String(asked?.agency_urn)}`), principal: "none" };
    const { access, secret, securitytoken, expires_at } = issueKeys(credentials, lifetime(world, asked?.duration_seconds));
    return {
      reply: jsonReply(200, {
        credentials: { access_key_id: access, secret_access_key: secret, security_token: securitytoken, expiration: expires_at },
        assumed_agency: { agency_urn: provider.agencyUrn, agency_session_name: asked?.agency_session_name },
        provider: provider.providerUrn,
        source_identity: "",
        subject_from_id_token: "ci",
        audience: "huaweicloud",
      }),
      principal: "none",
      issued: access,
    };
  }

  if (req.method === "POST" && path === "/v3.0/OS-AUTH/id-token/tokens") {
    const idpId = header(req.headers, "x-idp-id");
    const idp = (world.identityProviders ?? []).find((p) => p.id === idpId);
    if (idp === undefined) return { reply: iamError(404, "IAM.0004", `identity provider ${idpId ?? "(no X-Idp-Id)"} not found`), principal: "none" };
    if (dig(body(), "auth", "id_token", "id") !== idp.idToken) return { reply: iamError(401, "IAM.0001", "the id token is not valid"), principal: "none" };
    const token = `MII${randomBytes(32).toString("base64url")}`;
    const expiresAt = Date.now() + (world.lifetimeMs ?? 86_400_000);
    credentials.tokens.set(token, expiresAt);
    const issuedAt = iamTime(Date.now());
    return {
      reply: jsonReply(
        201,
        {
          token: {
            expires_at: iamTime(expiresAt),
            issued_at: issuedAt,
            methods: ["mapped"],
            user: {
              "OS-FEDERATION": { identity_provider: { id: idp.id }, protocol: { id: "oidc" }, groups: [] },
              domain: { id: "domain-id", name: world.domainName ?? "emulator-domain" },
              id: "federated-user",
              name: "FederationUser",
            },
          },
        },
        { "X-Subject-Token": token },
      ),
      principal: "none",
    };
  }

  if (req.method === "POST" && path === "/v3.0/OS-CREDENTIAL/securitytokens") {
    const identity = dig(body(), "auth", "identity");
    const methods = dig(identity, "methods");
    if (Array.isArray(methods) && methods[0] === "token") {
      const token = (dig(identity, "token", "id") as string | undefined) ?? header(req.headers, "x-auth-token");
      const expiresAt = token === undefined ? undefined : credentials.tokens.get(token);
      if (expiresAt === undefined || expiresAt < Date.now())
        return { reply: iamError(401, "IAM.0001", "the token is not valid or has expired"), principal: "token" };
      const credential = issueKeys(credentials, lifetime(world, dig(identity, "token", "duration_seconds")));
      return { reply: jsonReply(201, { credential }), principal: "token", issued: credential.access };
    }
    if (Array.isArray(methods) && methods[0] === "assume_role") {
      const { denied, principal } = authenticated();
      if (denied !== undefined) return { reply: denied, principal };
      const agencyName = dig(identity, "assume_role", "agency_name");
      const domainName = dig(identity, "assume_role", "domain_name");
      if (!(world.agencies ?? []).some((a) => a.agencyName === agencyName && a.domainName === domainName))
        return { reply: iamError(404, "IAM.0004", `agency ${String(agencyName)} of domain ${String(domainName)} not found`), principal };
      const credential = issueKeys(credentials, lifetime(world, dig(identity, "assume_role", "duration_seconds")));
      return { reply: jsonReply(201, { credential }), principal, issued: credential.access };
    }
    return { reply: iamError(400, "IAM.0010", 'auth.identity.methods must be ["token"] or ["assume_role"]'), principal: "none" };
  }

  if (req.method === "GET" && path === "/v3/projects") {
    const { denied, principal } = authenticated();
    if (denied !== undefined) return { reply: denied, principal };
    const name = new URLSearchParams(req.url.rawQuery).get("name");
    const projects = (world.projects ?? [])
      .filter((p) => name === null || p.name === name)
      .map((p) => ({
        ...p,
        domain_id: "domain-id",
        enabled: true,
        is_domain: false,
        parent_id: "domain-id",
        description: "",
        links: { self: `/v3/projects/${p.id}` },
      }));
    return { reply: jsonReply(200, { projects, links: { self: "/v3/projects", previous: null, next: null } }), principal };
  }

  return { reply: errorReply(404, "IAM.0004", "no such IAM route"), principal: "none" };
};
