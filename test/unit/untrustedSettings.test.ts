/**
 * What a pull request controls (the program, the stack config, the repository's files)
 * played by a hostile contributor, in-process against the emulator and a loopback
 * "attacker" server (test/harness/attacker.ts): a preview's check never calls IAM, from any
 * credential source; credential files are read only when they are regular files of a
 * sensible size, never blocking; only a JWT is ever sent as an id token; every IAM
 * endpoint keeps the endpoint rules; loopback never goes through a proxy; values reach
 * messages quoted; numeric settings stay within what Node's timers hold.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { Attacker, startAttacker } from "../harness/attacker";
import { jobComponentProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { RawSettings } from "../../provider/settings";
import { quote } from "../../provider/errors";
import { APP_ID, COMPONENT_ID, PROJECT_ID, jobComponentInputs, seed } from "../harness/world";

const REGION = "cn-north-4";
const PERMANENT_AK = "PERMANENTAK";
const PERMANENT_SK = "permanent-secret";
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl";
/** What a CI secret file holds: never a token, never to be sent or echoed. */
const CI_SECRET = "DEPLOY_KEY=ci-file-content-that-must-stay";

let emulator: Emulator;
let attacker: Attacker;
let scratch: string;
const savedEnv = { ...process.env };
const SOURCE_VARIABLES = /^(HW_|HUAWEICLOUD_|SERVICESTAGE_|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$)/;

beforeEach(async () => {
  for (const key of Object.keys(process.env)) if (SOURCE_VARIABLES.test(key)) delete process.env[key];
  process.env.SERVICESTAGE_METADATA_ENDPOINT = "http://127.0.0.1:9";
  process.env.HOME = scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-untrusted-"));
  emulator = await startEmulator({
    seed: seed(),
    accessKey: PERMANENT_AK,
    secretKey: PERMANENT_SK,
    jobDurationMs: 30,
    iam: {
      domainName: "acme",
      projects: [{ id: PROJECT_ID, name: REGION }],
      identityProviders: [{ id: "ci-idp", idToken: ID_TOKEN }],
      agencies: [{ agencyName: "deployer", domainName: "acme" }],
    },
  });
  attacker = await startAttacker();
  setProgressSink(() => undefined);
});
afterEach(async () => {
  await emulator.close();
  await attacker.close();
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

const file = (name: string, text: string | Buffer) => {
  const p = path.join(scratch, name);
  fs.writeFileSync(p, text);
  return p;
};
const fifo = (name: string) => {
  const p = path.join(scratch, name);
  execFileSync("mkfifo", [p]);
  return p;
};
/** Resolves to what check said (failures, or the error's message), or fails the test if it took more than 5 s. */
const checkWith = async (settings: RawSettings): Promise<string> => {
  setStackSettings(settings);
  const outcome = jobComponentProvider.check({}, jobComponentInputs()).then(
    (r) => JSON.stringify(r.failures ?? []),
    (e: Error) => e.message,
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((_, reject) => (timer = setTimeout(() => reject(new Error("check did not answer within 5 s")), 5_000)));
  try {
    return await Promise.race([outcome, late]);
  } finally {
    clearTimeout(timer);
  }
};
/** A read, as `get:`, `import` or a refresh makes it (these do call IAM, with the stack's settings). */
const readWith = async (settings: RawSettings): Promise<string> => {
  setStackSettings({ endpoint: emulator.url, ...settings });
  return jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {}).then(
    () => "read",
    (e: Error) => e.message,
  );
};
const koocli = (profile: Record<string, unknown>) =>
  file("config.json", JSON.stringify({ current: "ci", profiles: [{ name: "ci", mode: "AKSK", region: REGION, ...profile }] }));

describe("a preview's check calls no IAM, from any source, with an agency on top", () => {
  test("each source, with an agency and an IAM endpoint a pull request named: check passes or fails without a request to that endpoint", async () => {
    emulator.configureIam({ metadata: true });
    const agency = { assumeRoleAgencyName: "deployer", assumeRoleDomainName: "acme", iamEndpoint: attacker.url, projectId: PROJECT_ID, endpoint: emulator.url };
    const token = file("id-token", ID_TOKEN);
    const sources: Array<[string, RawSettings, () => void]> = [
      ["stack config", { accessKey: PERMANENT_AK, secretKey: PERMANENT_SK }, () => undefined],
      ["HW_*", {}, () => Object.assign(process.env, { HW_ACCESS_KEY: PERMANENT_AK, HW_SECRET_KEY: PERMANENT_SK })],
      ["HUAWEICLOUD_SDK_*", {}, () => Object.assign(process.env, { HUAWEICLOUD_SDK_AK: PERMANENT_AK, HUAWEICLOUD_SDK_SK: PERMANENT_SK })],
      ["a KooCLI profile", { sharedConfigFile: koocli({ accessKeyId: PERMANENT_AK, secretAccessKey: PERMANENT_SK }) }, () => undefined],
      ["the credentials file", { credentialsFile: file("credentials", `[basic]\nak = ${PERMANENT_AK}\nsk = ${PERMANENT_SK}\n`) }, () => undefined],
      ["the credentials file's OIDC", { credentialsFile: file("oidc-credentials", `[basic]\nidp_id = ci-idp\nid_token_file = ${token}\n`) }, () => undefined],
      ["OIDC", { idpId: "ci-idp", idTokenFile: token }, () => undefined],
      [
        "OIDC through STS",
        {},
        () =>
          Object.assign(process.env, {
            HUAWEICLOUD_OIDC_PROVIDER_URN: "p",
            HUAWEICLOUD_OIDC_AGENCY_URN: "a",
            HUAWEICLOUD_OIDC_TOKEN_FILE: token,
            HUAWEICLOUD_SDK_STS_ENDPOINT: attacker.url,
          }),
      ],
      ["ECS metadata", {}, () => (process.env.SERVICESTAGE_METADATA_ENDPOINT = emulator.url)],
    ];
    for (const [source, settings, environment] of sources) {
      for (const key of Object.keys(process.env)) if (/^(HW_|HUAWEICLOUD_)/.test(key)) delete process.env[key];
      process.env.SERVICESTAGE_METADATA_ENDPOINT = "http://127.0.0.1:9";
      environment();
      emulator.clearRequests();
      const iamBefore = emulator.iamRequests().length;
      expect([source, await checkWith({ ...agency, ...settings })]).toEqual([source, "[]"]);
      expect([source, attacker.received]).toEqual([source, []]);
      expect([source, emulator.requests()]).toEqual([source, []]);
      // ECS metadata, the one call a preview may make, and only when it is the source; never IAM's.
      const iam = emulator
        .iamRequests()
        .slice(iamBefore)
        .map((r) => `${r.method} ${r.path}`);
      expect([source, iam]).toEqual([source, source === "ECS metadata" ? ["PUT /meta-data/latest/api/token", "GET /openstack/latest/securitykey"] : []]);
    }
  });

  test("the agency is assumed at the first real request (a read), through the IAM endpoint set", async () => {
    emulator.configureIam({ metadata: true });
    process.env.SERVICESTAGE_METADATA_ENDPOINT = emulator.url;
    const settings = { assumeRoleAgencyName: "deployer", assumeRoleDomainName: "acme", iamEndpoint: emulator.url, projectId: PROJECT_ID };
    expect(await checkWith({ endpoint: emulator.url, ...settings })).toBe("[]");
    expect(emulator.iamRequests().map((r) => r.path)).toEqual(["/meta-data/latest/api/token", "/openstack/latest/securitykey"]);
    // The same provider process (no new settings): the up's read.
    expect(await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {}).then(() => "read")).toBe("read");
    // The metadata keys kept from check sign the assume; no second metadata call.
    expect(emulator.iamRequests().map((r) => r.path)).toEqual([
      "/meta-data/latest/api/token",
      "/openstack/latest/securitykey",
      "/v3.0/OS-CREDENTIAL/securitytokens",
    ]);
  });
});

describe("credential files are read only when regular and bounded, never blocking", () => {
  const FILE_SETTINGS: Array<[string, (p: string) => RawSettings, RegExp]> = [
    ["sharedConfigFile", (p) => ({ sharedConfigFile: p }), /the KooCLI config file/],
    ["credentialsFile", (p) => ({ credentialsFile: p }), /the credentials file/],
    ["idTokenFile", (p) => ({ idpId: "ci-idp", idTokenFile: p }), /the OIDC id token file/],
    [
      "id_token_file",
      (p) => ({ credentialsFile: file("points-at", `[basic]\nidp_id = ci-idp\nid_token_file = ${p}\n`) }),
      /the credentials file "[^"]+": its id_token_file/,
    ],
  ];

  test("a FIFO, a device, a directory, /proc and /sys pseudo-files, and files past the bound: refused by check naming the file and the rule, in bounded time and memory", async () => {
    const before = process.memoryUsage().rss;
    const bad: Array<[string, string, RegExp]> = [
      ["a FIFO", fifo("fifo"), /is a FIFO: only a regular file is read/],
      ["/dev/zero", "/dev/zero", /is a character device: only a regular file is read/],
      ["a directory", scratch, /is a directory: only a regular file is read/],
      ["/proc/self/environ", "/proc/self/environ", /is a pseudo-file of \/proc/],
      ["/sys", "/sys/kernel/mm/transparent_hugepage/enabled", /is a pseudo-file of \/sys|cannot be read/],
      ["2 MiB", file("big", Buffer.alloc(2 * 1024 * 1024, 0x61)), /is larger than (1048576|16384) bytes/],
    ];
    for (const [setting, settingsFor, what] of FILE_SETTINGS)
      for (const [label, target, rule] of bad) {
        const said = await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, iamEndpoint: attacker.url, ...settingsFor(target) });
        expect([setting, label, said]).toEqual([setting, label, expect.stringMatching(what)]);
        expect([setting, label, said]).toEqual([setting, label, expect.stringMatching(rule)]);
        expect(said).not.toMatch(/aaaa|PATH=|HOME=/);
      }
    expect(attacker.received).toEqual([]);
    expect(emulator.iamRequests()).toEqual([]);
    // Nothing was read past a bound: the process did not grow by the files' sizes.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  test("an id token just past 16 KiB and a config file just past 1 MiB are refused; the largest accepted are read", async () => {
    const jwtOf = (length: number) => `eyJh.${"x".repeat(length - 9)}.sig`;
    expect(await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: file("t1", jwtOf(16 * 1024)) })).toBe("[]");
    expect(await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: file("t2", jwtOf(16 * 1024 + 1)) })).toMatch(
      /the OIDC id token file "[^"]+t2" is larger than 16384 bytes: .*HUAWEICLOUD_SDK_ID_TOKEN_FILE/,
    );
    const config = (pad: number) => JSON.stringify({ current: "ci", pad: "p".repeat(pad), profiles: [{ name: "ci", accessKeyId: "A", secretAccessKey: "B" }] });
    const fits = config(0);
    expect(await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, sharedConfigFile: file("c1", config(1024 * 1024 - fits.length)) })).toBe("[]");
    expect(await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, sharedConfigFile: file("c2", config(1024 * 1024 - fits.length + 1)) })).toMatch(
      /the KooCLI config file "[^"]+c2" is larger than 1048576 bytes/,
    );
  });
});

describe("only a token is sent as a token", () => {
  test("an id token file that holds anything but a JWT: check and a read (get:, import, refresh) refuse it, naming the setting; nothing reaches the IAM endpoint", async () => {
    const secretFile = file("ci-secrets.env", `${CI_SECRET}\n`);
    for (const settings of [
      { idpId: "ci-idp", idTokenFile: secretFile },
      { credentialsFile: file("credentials", `[basic]\nidp_id = ci-idp\nid_token_file = ${secretFile}\n`) },
    ] as RawSettings[]) {
      const full = { ...settings, iamEndpoint: attacker.url, projectId: PROJECT_ID };
      for (const said of [await checkWith({ endpoint: emulator.url, ...full }), await readWith(full)]) {
        expect(said).toMatch(/does not hold an OIDC id token \(a JWT: three base64url parts separated by dots\), so nothing of it is sent/);
        expect(said).not.toContain("ci-file-content");
      }
    }
    expect(attacker.received).toEqual([]);
    expect(emulator.iamRequests()).toEqual([]);
  });

  test("a real id token is exchanged, at the read and not at check", async () => {
    const settings = { idpId: "ci-idp", idTokenFile: file("token", `${ID_TOKEN}\n`), iamEndpoint: emulator.url, projectId: PROJECT_ID };
    expect(await checkWith({ endpoint: emulator.url, ...settings })).toBe("[]");
    expect(emulator.iamRequests()).toEqual([]);
    expect(await readWith(settings)).toBe("read");
    expect(emulator.iamRequests().map((r) => r.path)).toEqual(["/v3.0/OS-AUTH/id-token/tokens", "/v3.0/OS-CREDENTIAL/securitytokens"]);
  });
});

describe("every IAM endpoint keeps the endpoint rules, whatever its source", () => {
  test("a credentials file's iam_endpoint: http to another host, a user, a query, a fragment, ftp:, file:, a line break are refused before anything is read or sent", async () => {
    const token = file("token", ID_TOKEN);
    const shapes: Array<[string, RegExp]> = [
      ["http://evil.example:8080", /uses http:\/\/ to a host that is not a loopback address/],
      [`http://user:pass@127.0.0.1:${new URL(attacker.url).port}`, /holds a user or password/],
      [`${attacker.url}/?x=1`, /holds a query or a fragment/],
      [`${attacker.url}/#frag`, /holds a query or a fragment/],
      ["ftp://127.0.0.1/", /uses ftp:/],
      ["file:///etc/passwd", /uses file:/],
      ["https://iam.example.com/\tv3", /holds a space or a control character/],
    ];
    for (const [endpoint, rule] of shapes) {
      const credentialsFile = file("credentials", `[basic]\nidp_id = ci-idp\nid_token_file = ${token}\niam_endpoint = ${endpoint}\n`);
      for (const said of [
        await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, credentialsFile }),
        await readWith({ projectId: PROJECT_ID, credentialsFile }),
      ]) {
        expect([endpoint, said]).toEqual([endpoint, expect.stringMatching(/the credentials file "[^"]+": its iam_endpoint/)]);
        expect([endpoint, said]).toEqual([endpoint, expect.stringMatching(rule)]);
      }
    }
    expect(attacker.received).toEqual([]);
  });

  test("an iamEndpoint or endpoint with a line break or a tab is refused (URL parsing would drop it silently)", async () => {
    for (const key of ["iamEndpoint", "endpoint"] as const) {
      const said = await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: "t0ken-value", [key]: `${emulator.url}/\n::error::forged` });
      expect(said).toMatch(new RegExp(`${key} ".*\\\\n::error::forged" holds a space or a control character`));
      expect(said.split("\n").some((line) => line.startsWith("::error"))).toBe(false);
    }
  });
});

describe("loopback never goes through a proxy", () => {
  test("HTTP_PROXY set: an http://{region}.localhost endpoint is reached directly, the proxy sees nothing", async () => {
    Object.assign(process.env, { HTTP_PROXY: attacker.url, http_proxy: attacker.url, HTTPS_PROXY: attacker.url });
    const endpoint = emulator.url.replace("127.0.0.1", "{region}.localhost");
    expect(await readWith({ endpoint, region: REGION, projectId: PROJECT_ID, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK })).toBe("read");
    expect(emulator.requests().map((r) => r.method)).toEqual(["GET"]);
    expect(attacker.received).toEqual([]);
  });
});

describe("messages are safe to print", () => {
  const FORGED = "x\n::error file=README.md::forged\r\n##[error]forged";
  const hasForgedLine = (text: string) => text.split(/\r?\n|\r|\u2028|\u2029/).some((line) => /^(::error|##\[error\])/.test(line.trim()));

  test("every name and path setting with a line break is refused, quoted, with the rule", async () => {
    for (const key of ["sharedConfigFile", "profile", "credentialsFile", "idTokenFile", "idpId", "assumeRoleAgencyName", "assumeRoleDomainName"] as const) {
      const partner: RawSettings =
        key === "idpId"
          ? { idTokenFile: "/nonexistent" }
          : key === "idTokenFile"
            ? { idpId: "ci-idp" }
            : key.startsWith("assumeRole")
              ? { assumeRoleAgencyName: "a", assumeRoleDomainName: "b" }
              : {};
      const said = await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, ...partner, [key]: FORGED });
      expect([key, said]).toEqual([key, expect.stringContaining(`${key} ${quote(FORGED)} must`)]);
      expect([key, hasForgedLine(said)]).toEqual([key, false]);
    }
  });

  test("names from a file (a KooCLI profile's, a credentials file's path) and a program's own keys reach messages escaped", async () => {
    const configFile = file(
      "config.json",
      JSON.stringify({ current: "x", profiles: [{ name: FORGED }, { name: "\u2028::error::sep", mode: "\u001b[31mred" }] }),
    );
    for (const said of [
      await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, sharedConfigFile: configFile }),
      await checkWith({ endpoint: emulator.url, projectId: PROJECT_ID, sharedConfigFile: configFile, profile: "nope" }),
    ]) {
      expect(said).toMatch(/KooCLI/);
      expect(hasForgedLine(said)).toBe(false);
      expect(said).not.toContain("\u001b");
    }
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: "t0ken-value" });
    const { failures } = await jobComponentProvider.check({}, { ...jobComponentInputs(), [FORGED]: 1, envs: { [FORGED]: 2 } });
    expect(failures?.length).toBeGreaterThan(0);
    for (const f of failures ?? []) expect(hasForgedLine(`${f.property}\n${f.reason}`)).toBe(false);
  });
});

describe("numeric settings stay within Node's timers", () => {
  test("requestTimeoutSeconds: 2147484 and more, under a millisecond, and not a number are refused with the range; the bounds are taken", async () => {
    const base = { endpoint: emulator.url, projectId: PROJECT_ID, authToken: "t0ken-value" };
    for (const bad of ["2147484", "1e9", "0.0001", "0", "-1", "Infinity", "soon"])
      expect([bad, await checkWith({ ...base, requestTimeoutSeconds: bad })]).toEqual([
        bad,
        expect.stringMatching(/requestTimeoutSeconds must be a number of seconds from 0.001 to 2147483, got .*SERVICESTAGE_REQUEST_TIMEOUT_SECONDS/),
      ]);
    for (const good of ["0.001", "2147483", "30"]) expect([good, await checkWith({ ...base, requestTimeoutSeconds: good })]).toEqual([good, "[]"]);
  });
});
