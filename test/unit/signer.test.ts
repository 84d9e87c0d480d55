import { createHash } from "node:crypto";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";
import { SIGNING_ALGORITHM, SignableRequest, canonicalQuery, canonicalRequest, computeSignature, formatSdkDate, signRequest } from "../../provider/signer";
import { parseAuthorization, verifySignature } from "../../emulator/auth";

const sha256Hex = (s: string | Buffer): string => createHash("sha256").update(s).digest("hex");

describe("docs/api/NOTES.md test vectors (Huawei Go SDK)", () => {
  // Signed headers are exactly x-sdk-date, as the vectors state. Checked: also
  // signing `host: example.huaweicloud.com` gives different signatures
  // (7eb88c06... for GET, 96d7c445... for POST), so the host is NOT signed here.
  const headers = { "X-Sdk-Date": "20060102T150405Z" };

  it("GET /path?limit=1, empty body", () => {
    const r = computeSignature({ method: "GET", path: "/path", query: { limit: "1" }, headers, body: "" }, "SecretKey");
    expect(r).toEqual({
      signature: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
      signedHeaders: "x-sdk-date",
    });
  });

  it("POST /path?key=value with a JSON body and trailing newline", () => {
    const req: SignableRequest = {
      method: "post",
      path: "/path",
      query: { key: "value" },
      headers,
      body: '{"Name":"test","Id":1}\n',
    };
    const expected = "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59";
    expect(computeSignature(req, "SecretKey").signature).toBe(expected);
    expect(computeSignature({ ...req, body: Buffer.from('{"Name":"test","Id":1}\n') }, "SecretKey").signature).toBe(expected);
    expect(signRequest(req, { accessKey: "AccessKey", secretKey: "SecretKey" })).toEqual({
      "X-Sdk-Date": "20060102T150405Z",
      Authorization: `SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=${expected}`,
    });
  });

  it("canonical query", () => {
    const q = { limit: "1", enable: "true", test: "一 (&=?!#%.*)", path: "/tmp/123", multi: ["1", "2", "3"] };
    expect(canonicalQuery(q)).toBe("enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29");
  });
});

describe("canonical form details", () => {
  it("formats X-Sdk-Date in UTC without millis", () => {
    expect(formatSdkDate(new Date(Date.UTC(2006, 0, 2, 15, 4, 5, 999)))).toBe("20060102T150405Z");
    expect(formatSdkDate(new Date(Date.UTC(2024, 11, 31, 0, 0, 0)))).toBe("20241231T000000Z");
  });

  it("encodes path segments, always ends the URI in '/', lowercases, sorts and trims headers", () => {
    const { canonical, signedHeaders } = canonicalRequest({
      method: "get",
      path: "/v3/a b/é(x)",
      query: { b: ["2", "1"], a: "" },
      headers: { "X-Sdk-Date": " 20060102T150405Z ", Host: "h" },
      body: "",
    });
    expect(signedHeaders).toBe("host;x-sdk-date");
    expect(canonical).toBe(
      ["GET", "/v3/a%20b/%C3%A9%28x%29/", "a=&b=1&b=2", "host:h\nx-sdk-date:20060102T150405Z\n", "host;x-sdk-date", sha256Hex("")].join("\n"),
    );
    expect(canonicalRequest({ method: "GET", path: "", headers: {}, body: "" }).canonical.split("\n")[1]).toBe("/");
    expect(canonicalQuery(undefined)).toBe("");
  });

  it("rejects ambiguous or incomplete header sets", () => {
    const base = { method: "GET", path: "/", body: "" };
    expect(() => computeSignature({ ...base, headers: { host: "h" } }, "sk")).toThrow(/X-Sdk-Date/);
    expect(() => canonicalRequest({ ...base, headers: { Host: "a", host: "b" } })).toThrow(/duplicate/);
  });

  it("signRequest derives X-Sdk-Date from `date` when absent, keeps the caller's own otherwise", () => {
    const creds = { accessKey: "ak", secretKey: "sk" };
    const req = { method: "GET", path: "/x", headers: { host: "h" }, body: "" };
    const out = signRequest(req, creds, new Date(Date.UTC(2020, 1, 29, 23, 59, 58)));
    expect(out["X-Sdk-Date"]).toBe("20200229T235958Z");
    expect(Object.keys(out).sort()).toEqual(["Authorization", "X-Sdk-Date"]);
    const own = signRequest({ ...req, headers: { host: "h", "x-sdk-date": "20200229T235958Z" } }, creds, new Date(0));
    expect(own).toEqual({ "x-sdk-date": "20200229T235958Z", Authorization: out.Authorization });
  });
});

/**
 * Oracle: Huawei's own Node signer, AKSKSigner.sign(request, credential) from
 * @huaweicloud/huaweicloud-sdk-core. How it behaves (read from auth/AKSKSigner.js):
 * - request = { endpoint: full URL incl. path, method, headers, queryParams, data };
 *   credential = BasicCredentials (only getAk()/getSk() are used).
 * - It signs every key of request.headers plus `host` (taken from the endpoint when
 *   headers.host is absent) and X-Sdk-Date. So our side must sign `host` explicitly.
 * - Date: if headers["X-Sdk-Date"] (exact spelling) is set it is reparsed with
 *   moment and reformatted; otherwise moment() i.e. Date.now(), so jest fake timers
 *   control it.
 * - Body hash: sha256(JSON.stringify(request.data)) - it never sees raw bytes - unless
 *   headers["X-Sdk-Content-Sha256"] is set, whose value is used as the hash (and
 *   that header is then signed too).
 * - Path: url.parse(endpoint).pathname, split on "/", each segment encoded. It does
 *   not decode first, and url.parse pre-escapes space ' " < > \ ^ ` { | } - so for
 *   paths containing those it would double-encode (%2520); such paths cannot be
 *   driven through the oracle (our expected canonical form for a space is checked
 *   directly in "canonical form details"). `#` and `?` cannot be in its path at all. Header values are not
 *   trimmed by it, so whitespace-padded values are not compared against it either.
 * - It sorts (mutates) query array values; we hand it a deep copy.
 */
describe("oracle: @huaweicloud/huaweicloud-sdk-core AKSKSigner", () => {
  const AK = "HPUAEXAMPLEAK0000001";
  const SK = "oracleSecretKey/with+chars=";
  const HOST = "servicestage.cn-north-4.myhuaweicloud.com";
  const credential = new BasicCredentials().withAk(AK).withSk(SK);

  interface Case {
    name: string;
    method: string;
    path: string;
    query?: Record<string, string | string[]>;
    headers: Record<string, string>; // besides host
    data?: unknown; // JSON body, sent as JSON.stringify(data)
  }

  function oracle(c: Case, extraHeaders: Record<string, string> = {}): Record<string, string> {
    const request = {
      endpoint: `https://${HOST}${c.path}`,
      method: c.method,
      headers: { ...c.headers, ...extraHeaders },
      queryParams: c.query === undefined ? undefined : structuredClone(c.query),
      data: c.data,
    };
    return AKSKSigner.sign(request, credential) as Record<string, string>;
  }

  function ours(c: Case, body: string | Buffer, extraHeaders: Record<string, string> = {}, date?: Date): Record<string, string> {
    return signRequest(
      { method: c.method, path: c.path, query: c.query, headers: { host: HOST, ...c.headers, ...extraHeaders }, body },
      { accessKey: AK, secretKey: SK },
      date,
    );
  }

  const date = "20240229T235959Z";
  const cases: Case[] = [
    {
      name: "GET with unicode, spaces, reserved chars and array values in the query",
      method: "GET",
      path: "/v3/0123456789abcdef/cas/applications",
      query: {
        limit: "10",
        name: "一 二 (&=?!#%.*)'~+/",
        "key with space": "v",
        emoji: "😀",
        multi: ["b", "a", "a b", "1"],
        empty: "",
      },
      headers: { "X-Sdk-Date": date, "X-Project-Id": "0123456789abcdef" },
    },
    {
      name: "PUT with a unicode JSON body and content-type/project/security-token headers",
      method: "PUT",
      path: "/v3/0123456789abcdef/cas/components/c1/action",
      headers: {
        "X-Sdk-Date": date,
        "content-type": "application/json",
        "X-Project-Id": "0123456789abcdef",
        "X-Security-Token": "tok/+=en",
      },
      data: { action: "upgrade", parameters: { description: 'déploiement 部署 🚀 "quoted" \\ \n' }, n: 1.5 },
    },
    {
      name: "POST with path segments needing encoding (unicode and sub-delims)",
      method: "POST",
      path: "/v3/p1/cas/jobs/名字(1)!*@:,;=+$&%~/x",
      query: { a: "1" },
      headers: { "X-Sdk-Date": date, "Content-Type": "application/json" },
      data: { ok: true },
    },
    { name: "DELETE on a path with a trailing slash", method: "DELETE", path: "/v3/p1/cas/jobs/JOB1/", headers: { "X-Sdk-Date": date } },
    { name: "GET on the root path", method: "GET", path: "/", headers: { "X-Sdk-Date": date } },
  ];

  it.each(cases)("$name", (c) => {
    const body = c.data === undefined ? "" : JSON.stringify(c.data);
    const expected = oracle(c);
    expect(expected.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=/);
    expect(ours(c, body).Authorization).toBe(expected.Authorization);
    expect(ours(c, Buffer.from(body, "utf8")).Authorization).toBe(expected.Authorization);
  });

  it("arbitrary body bytes, via the oracle's X-Sdk-Content-Sha256 header", () => {
    // The oracle only hashes JSON.stringify(data); for raw bytes (here the docs/api/NOTES.md
    // body with its trailing newline) we give it the body hash in this header,
    // which it then also signs. We sign the same header set over the raw bytes.
    const body = '{"Name":"test","Id":1}\n';
    const c: Case = { name: "raw", method: "POST", path: "/path", query: { key: "value" }, headers: { "X-Sdk-Date": date } };
    const extra = { "X-Sdk-Content-Sha256": sha256Hex(body) };
    expect(ours(c, body, extra).Authorization).toBe(oracle(c, extra).Authorization);
  });

  describe("date from the clock (fake timers)", () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date(Date.UTC(2025, 6, 4, 9, 8, 7, 654)) }));
    afterEach(() => jest.useRealTimers());

    it("X-Sdk-Date and Authorization both match when neither side is given a date", () => {
      const c: Case = { name: "clock", method: "GET", path: "/v3/p1/cas/jobs", query: { offset: "0" }, headers: {} };
      const expected = oracle(c);
      const got = ours(c, "");
      expect(got["X-Sdk-Date"]).toBe("20250704T090807Z");
      expect(got["X-Sdk-Date"]).toBe(expected["X-Sdk-Date"]);
      expect(got.Authorization).toBe(expected.Authorization);
    });
  });
});

describe("verifySignature and parseAuthorization", () => {
  const creds = { accessKey: "AK1", secretKey: "SK1" };
  const sent = {
    method: "PATCH",
    path: "/v3/p1/cas/jobs/JOB1",
    query: { force: "true", tags: ["x", "y"] },
    headers: { Host: "api.example.com", "Content-Type": "application/json", "X-Project-Id": "p1" },
    body: '{"a":"ü"}',
  };
  const added = signRequest(sent, creds, new Date(Date.UTC(2006, 0, 2, 15, 4, 5)));
  const auth = parseAuthorization(added.Authorization);

  // What a server sees: all request headers, of which it keeps the signed ones.
  const received: Record<string, string> = { ...sent.headers, ...added, "User-Agent": "x", Accept: "*/*" };
  function restrict(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).filter(([k]) => names.includes(k.toLowerCase())));
  }
  const signed = (): SignableRequest => ({ ...sent, headers: restrict(received, auth?.signedHeaders ?? []) });

  it("parseAuthorization round trip", () => {
    expect(auth).toEqual({
      accessKey: "AK1",
      signedHeaders: ["content-type", "host", "x-project-id", "x-sdk-date"],
      signature: computeSignature(signed(), "SK1").signature,
    });
    expect(added.Authorization.startsWith(`${SIGNING_ALGORITHM} `)).toBe(true);
  });

  it("parseAuthorization rejects other schemes and malformed values", () => {
    for (const bad of [
      "Bearer abc",
      "SDK-HMAC-SHA512 Access=a, SignedHeaders=host, Signature=00",
      "SDK-HMAC-SHA256 Access=a, Signature=00",
      "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=00",
      "SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=zz",
      "",
    ]) {
      expect(parseAuthorization(bad)).toBeUndefined();
    }
  });

  it("accepts the correct signature", () => {
    expect(verifySignature(signed(), "SK1", auth?.signature ?? "")).toBe(true);
  });

  it("rejects tampering and wrong keys", () => {
    const sig = auth?.signature ?? "";
    const req = signed();
    expect(verifySignature({ ...req, body: '{"a":"u"}' }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, body: Buffer.from('{"a":"ü"} ') }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, path: "/v3/p1/cas/jobs/JOB2" }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, query: { force: "false", tags: ["x", "y"] } }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, method: "PUT" }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, headers: { ...req.headers, "X-Project-Id": "p2" } }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, headers: { ...req.headers, "X-Sdk-Date": "20060102T150406Z" } }, "SK1", sig)).toBe(false);
    expect(verifySignature({ ...req, headers: { ...req.headers, "X-Extra": "1" } }, "SK1", sig)).toBe(false);
    expect(verifySignature(req, "SK2", sig)).toBe(false);
    expect(verifySignature(req, "SK1", sig.slice(0, -1))).toBe(false);
    expect(verifySignature(req, "SK1", "")).toBe(false);
    expect(verifySignature({ ...req, headers: restrict(received, ["host"]) }, "SK1", sig)).toBe(false); // no X-Sdk-Date
  });
});
