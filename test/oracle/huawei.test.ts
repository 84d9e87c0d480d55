/**
 * Huawei's own Python SDK as the oracle (huaweicloudsdkcore, huaweicloudsdkservicestage,
 * pinned and installed into .tools/huawei-sdk by scripts/huawei-sdk.js on first use): for
 * the same environment, files and requests, this package must do what Huawei's code does.
 * test/oracle/huawei_oracle.py runs Huawei's code; nothing there decides anything.
 *
 * - credentials: the same kind (static, OIDC, OIDC through STS, ECS metadata), keys,
 *   project and IAM endpoint for a table of environments and credentials files;
 * - the credentials file: provider/configParser.ts against Python's configparser, on a
 *   table and on generated files;
 * - signing: the same Authorization as Huawei's Signer (UNSIGNED-PAYLOAD and code-point
 *   ordering among the cases), and the emulator accepts what Huawei's Signer signs;
 * - the emulator's answers read into Huawei's models: no unknown enum value or field.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Emulator, startEmulator } from "../../emulator/server";
import { credentialPlan, iamEndpointFor } from "../../provider/credentialSources";
import { ConfigParserError, readSection } from "../../provider/configParser";
import { readEnvironment } from "../../provider/settings";
import { signRequest } from "../../provider/signer";
import { APP_ID, COMPONENT_ID, PROJECT_ID, seed } from "../harness/world";
import { lastJobEnded } from "../harness/jobs";
const { huaweiSdkPython } = require("../../scripts/huawei-sdk.js") as typeof import("../../scripts/huawei-sdk");

jest.setTimeout(300_000);

const AK = "ORACLEAK";
const SK = "oracle-secret-key";
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcmFjbGUifQ.c2ln";

let python: string;
let emulator: Emulator;
let home: string;
const savedEnv = { ...process.env };

beforeAll(() => {
  python = huaweiSdkPython();
});
beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), accessKey: AK, secretKey: SK, jobDurationMs: 30, iam: { metadata: true, metadataToken: "required" } });
  home = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-oracle-"));
  for (const key of Object.keys(process.env)) if (/^(HW_|HUAWEICLOUD_|SERVICESTAGE_)/.test(key)) delete process.env[key];
  process.env.HOME = home;
});
afterEach(async () => {
  await emulator.close();
  fs.rmSync(home, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/**
 * One request to Huawei's code, in a process whose environment is only `env` (and PATH,
 * HOME). Asynchronous: Huawei's code may call the emulator, which answers from this process.
 */
const oracle = (request: Record<string, unknown>, env: Record<string, string> = {}): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      python,
      [path.join(__dirname, "huawei_oracle.py")],
      { env: { PATH: process.env.PATH ?? "", HOME: home, ...env }, encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`huawei_oracle.py ${String(request.op)} failed (${error.message}):\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
    child.stdin?.end(JSON.stringify(request));
  });

describe("credentials: this package resolves what Huawei's SDK resolves", () => {
  const file = (name: string, text: string | Buffer) => {
    const p = path.join(home, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };

  /** This package's plan for the same environment, in the oracle's terms. */
  const ours = async (env: Record<string, string>, region: string | undefined): Promise<Record<string, unknown>> => {
    const processEnv = { ...env, HOME: home, SERVICESTAGE_METADATA_ENDPOINT: emulator.url };
    try {
      const plan = await credentialPlan(region !== undefined ? { region } : {}, readEnvironment(processEnv), processEnv);
      const out: Record<string, unknown> = {
        kind: plan.kind,
        projectId: plan.projectId ?? null,
        iamEndpoint: iamEndpointFor(undefined, plan, { region, projectId: plan.projectId }, processEnv),
      };
      if (plan.kind === "static" && plan.credentials.kind === "aksk")
        Object.assign(out, {
          accessKey: plan.credentials.accessKey,
          secretKey: plan.credentials.secretKey,
          securityToken: plan.credentials.securityToken ?? null,
        });
      if (plan.kind === "oidc") Object.assign(out, { idpId: plan.idpId, idTokenFile: plan.idTokenFile });
      if (plan.kind === "oidcSts")
        Object.assign(out, {
          stsEndpoint: plan.stsEndpoint,
          providerUrn: plan.providerUrn,
          agencyUrn: plan.agencyUrn,
          sessionName: plan.sessionName,
          durationSeconds: plan.durationSeconds,
        });
      return out;
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  /** Huawei's answer, less what only a live call gives (metadata's issued keys). */
  const theirs = async (env: Record<string, string>, region: string | undefined): Promise<Record<string, unknown>> => {
    const answer = await oracle({ op: "resolve", region: region ?? null, metadataEndpoint: emulator.url }, env);
    if (answer.kind === "metadata") for (const key of ["accessKey", "secretKey", "securityToken"]) delete answer[key];
    return answer;
  };

  test("a table of environments and files: the same kind, keys, project and IAM endpoint, or both refuse", async () => {
    const token = file("token", ID_TOKEN);
    const credentials = (name: string, text: string | Buffer) => file(`.huaweicloud/${name}`, text);
    const cases: Array<[string, () => Record<string, string>, string | undefined]> = [
      ["the SDKs' AK/SK and project", () => ({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID }), "cn-north-4"],
      [
        "with a security token, no project, a region Huawei lists",
        () => ({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: "st" }),
        "cn-north-4",
      ],
      ["no project, a region Huawei does not list", () => ({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK }), "ap-southeast-9"],
      [
        "HUAWEICLOUD_SDK_IAM_ENDPOINT",
        () => ({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_IAM_ENDPOINT: "https://iam.example.com" }),
        "cn-north-4",
      ],
      [
        "OIDC before AK/SK in the environment",
        () => ({
          HUAWEICLOUD_SDK_IDP_ID: "ci-idp",
          HUAWEICLOUD_SDK_ID_TOKEN_FILE: token,
          HUAWEICLOUD_SDK_AK: AK,
          HUAWEICLOUD_SDK_SK: SK,
          HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
        }),
        "cn-north-4",
      ],
      [
        "OIDC through STS first of all",
        () => ({
          HUAWEICLOUD_OIDC_PROVIDER_URN: "iam::acme:identity-provider:gh",
          HUAWEICLOUD_OIDC_AGENCY_URN: "iam::acme:agency:deployer",
          HUAWEICLOUD_OIDC_ID_TOKEN: ID_TOKEN,
          HUAWEICLOUD_OIDC_SESSION_NAME: "ci-run",
          HUAWEICLOUD_OIDC_DURATION_SECONDS: "1800",
          HUAWEICLOUD_SDK_STS_ENDPOINT: "https://sts.example.com",
          HUAWEICLOUD_SDK_AK: AK,
          HUAWEICLOUD_SDK_SK: SK,
        }),
        "cn-north-4",
      ],
      [
        "OIDC through STS from a token file, default endpoint and session",
        () => ({ HUAWEICLOUD_OIDC_PROVIDER_URN: "p", HUAWEICLOUD_OIDC_AGENCY_URN: "a", HUAWEICLOUD_OIDC_TOKEN_FILE: token }),
        "cn-north-4",
      ],
      [
        "OIDC through STS without its agency: the next source",
        () => ({ HUAWEICLOUD_OIDC_PROVIDER_URN: "p", HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK }),
        "cn-north-4",
      ],
      [
        "only HUAWEICLOUD_SDK_AK: the credentials file",
        () => (credentials("credentials", `[basic]\nak = FILEAK\nsk = file-sk\n`), { HUAWEICLOUD_SDK_AK: AK }),
        "cn-north-4",
      ],
      [
        "the file: [DEFAULT], case, ':' and iam_endpoint",
        () => (
          credentials("credentials", `[DEFAULT]\nproject_id: ${PROJECT_ID}\n[basic]\nAK = FILEAK\nSK : file-sk\niam_endpoint = https://iam.file.example.com\n`),
          {}
        ),
        "cn-north-4",
      ],
      ["the file's OIDC", () => (credentials("credentials", `[basic]\nidp_id = ci-idp\nid_token_file = ${token}\n`), {}), "cn-east-3"],
      ["a named file that is missing: ECS metadata", () => ({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: path.join(home, "nope") }), "cn-north-4"],
      ["an ak without sk in the file: ECS metadata", () => (credentials("credentials", "[basic]\nak = A\n"), {}), "cn-north-4"],
      ["no [basic] section: ECS metadata", () => (credentials("credentials", "[global]\nak = A\nsk = B\n"), {}), "cn-north-4"],
      ["nothing at all: ECS metadata, with its session token", () => ({}), "cn-north-4"],
      ["a BOM: both refuse", () => (credentials("credentials", "\ufeff[basic]\nak = A\nsk = B\n"), {}), "cn-north-4"],
      ["a lone %: both refuse", () => (credentials("credentials", "[basic]\nak = A\nsk = 5%\n"), {}), "cn-north-4"],
      ["a key twice: both refuse", () => (credentials("credentials", "[basic]\nak = A\nak = B\nsk = C\n"), {}), "cn-north-4"],
    ];
    for (const [label, setUp, region] of cases) {
      fs.rmSync(path.join(home, ".huaweicloud"), { recursive: true, force: true });
      const env = setUp();
      const [mine, huawei] = [await ours(env, region), await theirs(env, region)];
      if ("error" in huawei || "error" in mine) expect([label, "error" in mine, "error" in huawei]).toEqual([label, true, true]);
      else expect([label, mine]).toEqual([label, huawei]);
    }
  });
});

describe("the credentials file: configparser's reading, by Python's configparser itself", () => {
  /** Ours in the oracle's terms: the [basic] section, none, or an error. */
  const ours = (bytes: Buffer): Record<string, unknown> => {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return { error: "UnicodeDecodeError" };
    }
    try {
      return { section: readSection(text, "basic") ?? null };
    } catch (e) {
      if (e instanceof ConfigParserError) return { error: true };
      throw e;
    }
  };
  const compare = async (files: Buffer[]) => {
    const { results } = (await oracle({ op: "ini", texts: files.map((f) => f.toString("base64")) })) as { results: Array<Record<string, unknown>> };
    files.forEach((f, i) => {
      const theirs = results[i];
      const mine = ours(f);
      const said = JSON.stringify(f.toString("utf8"));
      if ("error" in theirs || "error" in mine) expect([said, "error" in mine, "error" in theirs]).toEqual([said, true, true]);
      else expect([said, mine]).toEqual([said, theirs]);
    });
  };

  test("a table of the cases the docs list", async () => {
    await compare(
      [
        "[basic]\nak = A\nsk = B\n",
        "[basic]\r\nAK=A\r\nSk:B\r\n",
        "[DEFAULT]\nproject_id = P\n[basic]\nak = A\n",
        "[basic]\nak = A\n  continued\n\n    after a blank\nsk = B\n",
        "# comment\n; comment\n[basic]\nak = A # not a comment\n",
        "[basic]\nsk = 50%%\nx = %(sk)s!\n",
        "[basic]\nsk = 50%\n",
        "[basic]\nx = %(nope)s\n",
        "\ufeff[basic]\nak = A\n",
        "[basic]\nak = A\nak = B\n",
        "[basic]\n[basic]\n",
        "ak = A\n[basic]\n",
        "[basic]\njust words\n",
        "[basic]\n= no key\n",
        "[ basic ]\nak = A\n",
        "[basic] trailing\nak = A\n",
        "[other]\nak = A\n",
        "[DEFAULT]\nak = A\n[DEFAULT]\nsk = B\n[basic]\n",
        "[basic]\nak = a=b:c\n",
        "[basic]\n\tak = tabbed\n",
        "\r[basic]\rak = A\r",
        "[basic]\nak = A\n\u2028\n",
        "[basic]\nak =\n  x\n",
      ].map((t) => Buffer.from(t)),
    );
    await compare([Buffer.from([...Buffer.from("[basic]\nak = "), 0xff, 0x0a])]);
  });

  test("generated files: 400 of them, built from the lines that matter", async () => {
    const line = fc.oneof(
      fc.constantFrom("[basic]", "[DEFAULT]", "[other]", "[ basic ]", "[basic", "# c", "; c", "", "  ", "\t", "\ufeff[basic]"),
      fc
        .tuple(
          fc.constantFrom("", " ", "  ", "\t"),
          fc.constantFrom("ak", "AK", "sk", "project_id", "Iam_Endpoint", "x", ""),
          fc.constantFrom(" = ", "=", ": ", ":", " "),
          fc.constantFrom("A", "b c", "%%", "%", "%(ak)s", "%(nope)s", "", "x=y", "# no", "\u00a0v\u00a0", "\u2028"),
        )
        .map((parts) => parts.join("")),
    );
    const files = fc.sample(
      fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n", "\r")).map(([lines, eol]) => Buffer.from(lines.join(eol) + eol)),
      { numRuns: 400, seed: 20261204 },
    );
    await compare(files);
  });
});

describe("signing: Huawei's Signer and this package's sign alike, and the emulator takes what Huawei signs", () => {
  const DATE = "20261204T120000Z";
  const requests: Array<{ label: string; method: string; path: string; query: Array<[string, string]>; headers: Record<string, string>; body: string }> = [
    { label: "a GET", method: "GET", path: `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`, query: [], headers: {}, body: "" },
    {
      label: "a JSON PUT",
      method: "PUT",
      path: `/v3/${PROJECT_ID}/cas/release-plans/x`,
      query: [],
      headers: { "Content-Type": "application/json;charset=UTF-8" },
      body: '{"name":"n"}',
    },
    {
      label: "UNSIGNED-PAYLOAD (a body that is not JSON)",
      method: "POST",
      path: `/v3/${PROJECT_ID}/cas/release-plans/x`,
      query: [],
      headers: { "Content-Type": "application/octet-stream" },
      body: "raw bytes",
    },
    {
      label: "query keys in code-point order (astral after U+E000-U+FFFF)",
      method: "GET",
      path: `/v3/${PROJECT_ID}/cas/jobs/JOB1`,
      query: [
        ["\u{1F600}", "1"],
        ["\uffee", "2"],
        ["a", "z"],
        ["a", "\u{1F600}"],
        ["a", "\ue000"],
        ["B", " "],
      ],
      headers: {},
      body: "",
    },
  ];

  test("the same Authorization for the same request", async () => {
    for (const r of requests) {
      const host = "servicestage.cn-north-4.myhuaweicloud.com";
      const answer = (await oracle({
        op: "sign",
        ak: AK,
        sk: SK,
        request: {
          method: r.method,
          host,
          path: r.path,
          query: r.query,
          headers: { ...r.headers, "X-Sdk-Date": DATE },
          body: Buffer.from(r.body).toString("base64"),
        },
      })) as { headers: Record<string, string> };
      const query: Record<string, string[]> = {};
      for (const [k, v] of r.query) query[k] = [...(query[k] ?? []), v];
      const content = answer.headers["X-Sdk-Content-Sha256"];
      const extra: Record<string, string> = content !== undefined ? { "X-Sdk-Content-Sha256": content } : {};
      const mine = signRequest(
        { method: r.method, path: r.path, query, headers: { ...r.headers, ...extra, "X-Sdk-Date": DATE, Host: host }, body: r.body },
        { accessKey: AK, secretKey: SK },
      );
      expect([r.label, mine.Authorization]).toEqual([r.label, answer.headers.Authorization]);
    }
  });

  test("requests Huawei's Signer signs are authenticated by the emulator", async () => {
    const { host } = new URL(emulator.url);
    for (const r of requests) {
      const answer = (await oracle({
        op: "sign",
        ak: AK,
        sk: SK,
        request: { method: r.method, host, path: r.path, query: r.query, headers: r.headers, body: Buffer.from(r.body).toString("base64") },
      })) as { headers: Record<string, string>; uri: string };
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${emulator.url}${answer.uri}`, { method: r.method, headers: answer.headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end(r.body);
      });
      expect([r.label, status]).toEqual([r.label, expect.not.stringMatching(/^401$/)]);
      expect(emulator.requests().at(-1)).toMatchObject({ auth: "aksk", accessKey: AK });
    }
  });
});

describe("the emulator's answers read into Huawei's models", () => {
  const call = async (name: string, args: Record<string, unknown>) =>
    (await oracle({ op: "call", endpoint: emulator.url, ak: AK, sk: SK, projectId: PROJECT_ID, call: name, args })) as {
      status: number;
      body: Record<string, unknown>;
      problems: string[];
      extra: string[];
      declared: string[];
      errorCode?: string;
    };
  const component = { application_id: APP_ID, component_id: COMPONENT_ID };
  const waitForJobs = () => lastJobEnded(emulator, APP_ID, COMPONENT_ID);
  /**
   * Fields the emulator returns that Huawei's SDK 3.1.219 models leave out, each because
   * Huawei's other code shows the live service returns it (docs/api/NOTES.md): the
   * component's `id` and `external_accesses` (Terraform's read), `config_mode`
   * (Terraform's read; the evidence from the service).
   */
  const COMPONENT_EXTRA = ["config_mode", "external_accesses", "id"];

  test("a component: 200, the fields the models declare for a job component, no unknown enum value or shape", async () => {
    const read = await call("ShowComponentInfo", component);
    expect(read.status).toBe(200);
    expect(read.problems).toEqual([]);
    expect([...new Set(read.extra)].sort()).toEqual(COMPONENT_EXTRA);
    for (const field of ["name", "runtime_stack", "source", "version", "replica", "application_id", "swimlane_id", "status", "refer_resources"])
      expect(Object.keys(read.body)).toContain(field);
  });

  test("every action of the SDK's ComponentActionType: a job of its own, which the models read, and which becomes last_job_id", async () => {
    // A second version, so that there is one to roll back to.
    await waitForJobs();
    emulator.consoleRedeploy(APP_ID, COMPONENT_ID, { version: "2025.0401.1" });
    await waitForJobs();
    const actions: Array<[string, Record<string, unknown>?]> = [
      ["rollback_current"],
      ["restart"],
      ["scale", { replica: 2 }],
      ["stop"],
      ["start"],
      ["check_gray_release"],
      ["continue_deploy"],
      ["modify_gray_rule"],
    ];
    for (const [action, parameters] of actions) {
      const answer = await call("UpdateComponentAction", { ...component, body: { action, ...(parameters !== undefined ? { parameters } : {}) } });
      expect([action, answer.status, answer.problems]).toEqual([action, 200, []]);
      const jobId = answer.body.job_id as string;
      expect(typeof jobId).toBe("string");
      const after = await call("ShowComponentInfo", component);
      expect([action, (after.body.status as { last_job_id?: string }).last_job_id]).toEqual([action, jobId]);
      const job = await call("ShowJobInfo", { job_id: jobId });
      expect([action, job.status, job.problems]).toEqual([action, 200, []]);
      await waitForJobs();
    }
    const records = await call("ShowComponentRecords", { ...component, limit: 100 });
    expect(records.status).toBe(200);
    expect(records.problems).toEqual([]);
    expect(records.extra).toEqual([]);
  });

  test("a component that is not there: 404 from the emulator by default", async () => {
    const missing = await call("ShowComponentInfo", { application_id: APP_ID, component_id: "comp-missing" });
    expect(missing.status).toBe(404);
  });
});
