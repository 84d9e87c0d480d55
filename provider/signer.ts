/**
 * Huawei Cloud AK/SK request signing, algorithm `SDK-HMAC-SHA256` (the scheme of
 * Huawei's own SDKs and API Gateway). Only `node:crypto` is used.
 *
 * Canonical request = METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nhex(sha256(body))
 * String to sign    = SDK-HMAC-SHA256\n<X-Sdk-Date>\nhex(sha256(canonical request))
 * Signature         = hex(HMAC-SHA256(SK, string to sign))
 */
import { createHash, createHmac } from "node:crypto";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";

export type QueryParams = Readonly<Record<string, string | readonly string[]>>;

export interface SignableRequest {
  method: string; // any case; uppercased
  /**
   * Path without query, NOT percent-encoded (e.g. "/v3/p1/cas/jobs/JOB1"). The
   * signer encodes each segment itself; the wire path must carry that same
   * encoding (see `percentEncode`), and a verifier must decode it first.
   */
  path: string;
  query?: QueryParams;
  headers: Readonly<Record<string, string>>; // headers to sign (any case); must include X-Sdk-Date
  body: string | Buffer; // exact bytes sent ("" for none)
}

const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** UTC `YYYYMMDDTHHmmssZ`, e.g. "20060102T150405Z". */
export function formatSdkDate(date: Date): string {
  // toISOString() is "2006-01-02T15:04:05.000Z": drop separators and millis.
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/**
 * RFC 3986 percent-encoding: only unreserved `A-Za-z0-9-_.~` kept, UTF-8, uppercase
 * hex. encodeURIComponent also keeps `!'()*`, which the signer must encode.
 * Throws URIError on lone surrogates.
 */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * Each segment encoded, always ending in "/": Huawei's SDK signers (Go, Java,
 * Node) and API Gateway all append the slash when canonicalising, so "/a" and
 * "/a/" sign identically; omitting it would never match the server.
 */
function canonicalUri(path: string): string {
  const uri = path.split("/").map(percentEncode).join("/");
  return uri.endsWith("/") ? uri : uri + "/";
}

/**
 * Strings in code-point order, as Python's `sort` (Huawei's Python SDK's signer) and
 * API Gateway order them; JavaScript's default sort compares UTF-16 code units, which
 * puts a character beyond U+FFFF before U+E000-U+FFFF.
 */
const byCodePoint = (a: string, b: string): number => {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) as number) - (y[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

/**
 * Keys sorted, `k=v` encoded, one pair per array value (values sorted), joined by
 * `&`. Sorting is by raw code points before encoding, like Huawei's Python SDK.
 */
export function canonicalQuery(query: QueryParams | undefined): string {
  if (!query) return "";
  const pairs: string[] = [];
  for (const key of Object.keys(query).sort(byCodePoint)) {
    const value = query[key];
    const values = typeof value === "string" ? [value] : [...value].sort(byCodePoint);
    for (const v of values) pairs.push(`${percentEncode(key)}=${percentEncode(v)}`);
  }
  return pairs.join("&");
}

/** Signed headers as sorted [lowercase name, trimmed value] pairs. */
function normaliseHeaders(headers: Readonly<Record<string, string>>): Array<[string, string]> {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    // "Host" and "host" both present would make the canonical form ambiguous.
    if (byName.has(lower)) throw new Error(`duplicate header to sign: ${lower}`);
    byName.set(lower, value.trim());
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function findHeader(headers: Readonly<Record<string, string>>, lowerName: string): [string, string] | undefined {
  return Object.entries(headers).find(([name]) => name.toLowerCase() === lowerName);
}

/**
 * The payload's hash: the empty body's for no body; else a signed X-Sdk-Content-Sha256
 * header's value when there is one (`UNSIGNED-PAYLOAD`, which Huawei's signers send for a
 * body that is not JSON); else the body's SHA-256.
 */
function payloadHash(req: SignableRequest): string {
  const body = typeof req.body === "string" ? Buffer.from(req.body) : req.body;
  if (body.length === 0) return sha256Hex("");
  return findHeader(req.headers, "x-sdk-content-sha256")?.[1].trim() ?? sha256Hex(req.body);
}

export function canonicalRequest(req: SignableRequest): { canonical: string; signedHeaders: string } {
  const headers = normaliseHeaders(req.headers);
  const signedHeaders = headers.map(([name]) => name).join(";");
  const canonical = [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    // Every header line ends in "\n", so this block is followed by an empty line.
    headers.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaders,
    payloadHash(req),
  ].join("\n");
  return { canonical, signedHeaders };
}

export function computeSignature(req: SignableRequest, secretKey: string): { signature: string; signedHeaders: string } {
  const sdkDate = findHeader(req.headers, "x-sdk-date");
  if (!sdkDate) throw new Error("X-Sdk-Date header is required to sign a request");
  const { canonical, signedHeaders } = canonicalRequest(req);
  const stringToSign = [SIGNING_ALGORITHM, sdkDate[1].trim(), sha256Hex(canonical)].join("\n");
  const signature = createHmac("sha256", secretKey).update(stringToSign).digest("hex");
  return { signature, signedHeaders };
}

/**
 * Returns the headers to add to a request: X-Sdk-Date (if absent in req.headers
 * it is derived from `date`) and Authorization. Signed headers: every header in
 * req.headers plus x-sdk-date (and the caller passes host/content-type/
 * x-project-id/x-security-token when it wants them signed).
 */
export function signRequest(
  req: Omit<SignableRequest, "headers"> & { headers: Readonly<Record<string, string>> },
  credentials: { accessKey: string; secretKey: string },
  date: Date = new Date(),
): Record<string, string> {
  // Reuse the caller's own key spelling so merging the result into its headers
  // cannot produce both "x-sdk-date" and "X-Sdk-Date".
  const [dateName, dateValue] = findHeader(req.headers, "x-sdk-date") ?? ["X-Sdk-Date", formatSdkDate(date)];
  const headers = { ...req.headers, [dateName]: dateValue };
  const { signature, signedHeaders } = computeSignature({ ...req, headers }, credentials.secretKey);
  return {
    [dateName]: dateValue,
    Authorization: `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
