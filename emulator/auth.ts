/**
 * Authentication as ServiceStage's API gateway does it: an IAM token (X-Auth-Token), or
 * an AK/SK signature (Authorization: SDK-HMAC-SHA256 ...) over the request with a signed
 * X-Sdk-Date no further than 15 minutes from the server's clock.
 *
 * The verification is the emulator's own; the canonical request and the signature are
 * computed with the provider's signer (provider/signer.ts). That signer has its own
 * oracle, Huawei's SDK signer and test vectors (test/unit/signer.test.ts), so a signing bug is
 * caught there rather than agreed with here.
 */
import { timingSafeEqual } from "node:crypto";
import { IncomingHttpHeaders } from "node:http";
import { QueryParams, SignableRequest, computeSignature } from "../provider/signer";
import { RecordedRequest, Reply, errorReply, header } from "./http";

export const DEFAULT_TOKEN = "emulator-token";
export const DEFAULT_ACCESS_KEY = "EMULATORAK";
export const DEFAULT_SECRET_KEY = "EMULATORSK";
/** The gateway rejects an X-Sdk-Date further than this from its clock. */
const SDK_DATE_TOLERANCE_MS = 15 * 60 * 1000;

export interface Credentials {
  token: string;
  accessKey: string;
  secretKey: string;
  /** After revokeToken: the token is answered 401 APIG.0307, AK/SK keeps working. */
  tokenRevoked: boolean;
  /** More permanent keys (other IAM users'), by access key: secret key. */
  users: Map<string, string>;
  /** Temporary keys IAM issued (iam.ts), by access key: valid with their security token until they expire. */
  temporary: Map<string, { secretKey: string; securityToken: string; expiresAt: number }>;
  /** Tokens IAM issued (OIDC), with their expiry. */
  tokens: Map<string, number>;
}

export interface ReceivedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** Decoded path: the signer percent-encodes segments itself. */
  path: string;
  rawQuery: string;
  body: Buffer;
}

/** Which credentials a request carries, valid or not (for the request log). */
export function authKind(headers: IncomingHttpHeaders): RecordedRequest["auth"] {
  if (header(headers, "x-auth-token") !== undefined) return "token";
  if (header(headers, "authorization") !== undefined) return "aksk";
  return "none";
}

/** The access key of an AK/SK request, for the request log. */
export function signedBy(headers: IncomingHttpHeaders): { accessKey?: string } {
  const parsed = parseAuthorization(header(headers, "authorization") ?? "");
  return parsed === undefined ? {} : { accessKey: parsed.accessKey };
}

const iamError = (detail: string): Reply => errorReply(401, "APIG.0301", `Incorrect IAM authentication information: ${detail}`);

/** undefined = authenticated; otherwise the 401 to answer. */
export function authenticate(req: ReceivedRequest, creds: Credentials, now: number): Reply | undefined {
  const token = header(req.headers, "x-auth-token");
  if (token !== undefined) {
    const issuedUntil = creds.tokens.get(token);
    if (issuedUntil !== undefined) return issuedUntil >= now ? undefined : errorReply(401, "APIG.0307", "The token must be updated");
    if (token !== creds.token) return iamError("token verification failed");
    return creds.tokenRevoked ? errorReply(401, "APIG.0307", "The token must be updated") : undefined;
  }
  const authorization = header(req.headers, "authorization");
  if (authorization === undefined) return errorReply(401, "APIG.1000", "Incorrect IAM authentication information: no X-Auth-Token or Authorization header");
  return verifyAkSk(req, authorization, creds, now);
}

function verifyAkSk(req: ReceivedRequest, authorization: string, creds: Credentials, now: number): Reply | undefined {
  const parsed = parseAuthorization(authorization);
  if (!parsed) return iamError("Authorization is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...");
  const temporary = creds.temporary.get(parsed.accessKey);
  const permanent = parsed.accessKey === creds.accessKey ? creds.secretKey : creds.users.get(parsed.accessKey);
  if (permanent === undefined && temporary === undefined) return iamError("access key not found");
  if (temporary !== undefined) {
    // Temporary keys: only with their security token, and only until they expire.
    if (header(req.headers, "x-security-token") !== temporary.securityToken) return iamError("the security token is missing or does not match the access key");
    if (temporary.expiresAt < now) return errorReply(401, "APIG.0301", "Incorrect IAM authentication information: the temporary access key has expired");
  }
  const secretKey = temporary?.secretKey ?? (permanent as string);
  const signedNames = parsed.signedHeaders.map((n) => n.toLowerCase());
  if (!signedNames.includes("x-sdk-date")) return iamError("x-sdk-date must be a signed header");
  const sdkDate = header(req.headers, "x-sdk-date");
  const signedAt = sdkDate === undefined ? undefined : parseSdkDate(sdkDate);
  if (signedAt === undefined) return iamError("X-Sdk-Date missing or not YYYYMMDDTHHmmssZ");
  if (Math.abs(now - signedAt) > SDK_DATE_TOLERANCE_MS) return iamError("X-Sdk-Date is more than 15 minutes from the server time");

  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) {
    const value = header(req.headers, name);
    if (value === undefined) return iamError(`signed header ${name} is missing`);
    signedHeaders[name] = value;
  }
  let query: QueryParams | undefined;
  try {
    query = parseQuery(req.rawQuery);
  } catch {
    return iamError("query is not valid percent-encoding");
  }
  const valid = verifySignature({ method: req.method, path: req.path, query, headers: signedHeaders, body: req.body }, secretKey, parsed.signature);
  return valid ? undefined : iamError("verify aksk signature fail");
}

const AUTHORIZATION_RE = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Parses an Authorization header of the SDK-HMAC-SHA256 scheme; undefined if it is not one. */
export function parseAuthorization(value: string): { accessKey: string; signedHeaders: string[]; signature: string } | undefined {
  const m = AUTHORIZATION_RE.exec(value.trim());
  if (!m) return undefined;
  return { accessKey: m[1], signedHeaders: m[2].split(";"), signature: m[3] };
}

/**
 * Constant-time check that `req` (headers = the request's headers restricted to
 * the signed ones) was signed with secretKey and matches the given signature.
 */
export function verifySignature(req: SignableRequest, secretKey: string, signature: string): boolean {
  let expected: string;
  try {
    expected = computeSignature(req, secretKey).signature;
  } catch {
    return false; // no X-Sdk-Date, duplicate headers, unencodable path...
  }
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(signature.toLowerCase(), "utf8");
  // timingSafeEqual needs equal lengths; a signature's length is not secret.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Query as the signer takes it: repeated keys become arrays; `+` stays a plus (the signer encodes spaces as %20). */
function parseQuery(rawQuery: string): QueryParams | undefined {
  const values = new Map<string, string[]>();
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  if (values.size === 0) return undefined;
  return Object.fromEntries([...values].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs]));
}

/** `YYYYMMDDTHHmmssZ` (UTC) to ms, or undefined. */
function parseSdkDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(ms) ? undefined : ms;
}
