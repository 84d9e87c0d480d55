/**
 * provider/settings.ts: its table of settings, as every reader sees it (the schema,
 * docs/installation-configuration.md, the client's and credentialSources.ts's defaults;
 * the plugin's CheckConfig review: pluginConfig.test.ts), and the settings as the
 * provider uses them in-process against the emulator (timeouts, retries, missing values,
 * regions, which source wins).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { UNKNOWN } from "../../provider/pulumiValues";
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from "../../provider/client";
import * as credentialSources from "../../provider/credentialSources";
import { DEFAULT_CREDENTIALS_FILE, DEFAULT_SHARED_CONFIG_FILE, noCredentialsError } from "../../provider/credentialSources";
import { CONFIG_KEYS, CREDENTIAL_ORDER, ENV_KEYS, NUMERIC_SETTINGS, SECRET_SETTINGS, SETTINGS, SettingKey } from "../../provider/settings";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobComponentInputs, releasePlanInputs, seed } from "../harness/world";
import { KEYS, row } from "../harness/settingsTable";

const repo = path.resolve(__dirname, "..", "..");

describe("the table of settings, as every reader sees it", () => {
  interface Variable {
    type: string;
    description: string;
    secret?: boolean;
  }
  const schema = JSON.parse(fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8")) as {
    config: { variables: Record<string, Variable> };
    provider: { inputProperties: Record<string, Variable> };
  };

  test("the exports derived from it", () => {
    expect(Object.keys(CONFIG_KEYS)).toEqual(KEYS);
    for (const key of KEYS) {
      expect(CONFIG_KEYS[key]).toBe(`servicestage:${key}`);
      expect(ENV_KEYS[key]).toBe(row(key).env);
    }
    expect(NUMERIC_SETTINGS).toEqual({ requestTimeoutSeconds: "number", maxRetries: "integer" });
    expect(SECRET_SETTINGS).toEqual(["authToken", "secretKey", "securityToken"]);
    expect(new Set(Object.values(ENV_KEYS)).size).toBe(KEYS.length);
  });

  test("the schema's provider configuration: each setting's type, secrecy, description, range, default, stack config key and variable", () => {
    expect(Object.keys(schema.config.variables)).toEqual(KEYS);
    expect(schema.provider.inputProperties).toEqual(schema.config.variables);
    for (const key of KEYS) {
      const setting = row(key);
      const variable = schema.config.variables[key];
      expect(variable.type).toBe(setting.number?.kind ?? "string");
      expect(variable.secret === true).toBe(setting.secret === true);
      expect(variable.description.startsWith(setting.description)).toBe(true);
      expect(variable.description).toContain(`Stack config \`${CONFIG_KEYS[key]}\`; when it is not set, the environment variable \`${setting.env}\`.`);
      if (setting.number !== undefined) expect(variable.description).toContain(`from ${setting.number.min} to ${setting.number.max}.`);
      if (setting.default !== undefined) expect(variable.description).toContain(`Default: ${setting.default}.`);
      expect(variable.description.includes(CREDENTIAL_ORDER.join("; "))).toBe(setting.credential === true);
    }
  });

  test("docs/installation-configuration.md's table of settings: every setting, its secrecy, stack config key, variable, range and default", () => {
    const markdown = fs.readFileSync(path.join(repo, "docs", "installation-configuration.md"), "utf8");
    const rows = markdown
      .split("\n")
      .filter((line) => /^\| `[A-Za-z]+`/.test(line))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    expect(rows.map(([, setting]) => /^`([A-Za-z]+)`/.exec(setting)?.[1]).sort()).toEqual(KEYS.slice().sort());
    for (const [, setting, config, env, what] of rows) {
      const key = (/^`([A-Za-z]+)`/.exec(setting) as RegExpExecArray)[1] as SettingKey;
      const facts = row(key);
      expect(setting).toBe(`\`${key}\`${facts.secret === true ? " (secret)" : ""}`);
      expect(config).toBe(`\`${CONFIG_KEYS[key]}\``);
      expect(env).toBe(`\`${facts.env}\``);
      if (facts.number !== undefined) expect(what).toContain(`from ${facts.number.min} to ${facts.number.max}`);
      if (facts.default !== undefined) expect(what).toContain(`default ${facts.default}`);
    }
  });

  test("the defaults the code applies are the table's", () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(1000 * SETTINGS.requestTimeoutSeconds.default);
    expect(DEFAULT_RETRY.maxAttempts).toBe(1 + SETTINGS.maxRetries.default);
    expect(SETTINGS.sharedConfigFile.default).toBe(`\`${DEFAULT_SHARED_CONFIG_FILE}\``);
    expect(SETTINGS.credentialsFile.default).toBe(`\`${DEFAULT_CREDENTIALS_FILE}\``);
  });

  test("the credentials' order is the order credentialSources.ts tries them in, as its error lists them", () => {
    const tried = [...noCredentialsError("none").message.matchAll(/^ {2}\d+\. (.*)$/gm)].map((m) => m[1]);
    expect(tried).toHaveLength(CREDENTIAL_ORDER.length);
    // The same source at the same place: each error line starts with the words the order uses for it.
    const words = ["stack config", "the environment", "a KooCLI profile", "OIDC through STS", "OIDC federation", "the credentials file", "ECS metadata"];
    words.forEach((word, i) => expect(tried[i].startsWith(word)).toBe(true));
    const inOrder = [
      "provider's configuration",
      "Terraform reads",
      "KooCLI profile",
      "OIDC through STS",
      "OIDC federation",
      "credentials file",
      "ECS metadata",
    ];
    inOrder.forEach((word, i) => expect(CREDENTIAL_ORDER[i]).toContain(word));
  });
});

describe("settings in-process, against the emulator", () => {
  let emulator: Emulator;
  const progress: string[] = [];

  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
    progress.length = 0;
    setProgressSink((m) => progress.push(m));
  });
  afterEach(() => emulator.close());

  test("a per-request timeout from stack config; a bad one is refused naming both ways to set it", async () => {
    emulator.injectFault({ kind: "delay", delayMs: 1500, times: 1 });
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN, requestTimeoutSeconds: "0.5" });
    const read = await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs());
    expect(read.id).toBe(`${APP_ID}/${COMPONENT_ID}`);
    expect(progress.some((m) => /retrying.*no answer within 500 ms/.test(m))).toBe(true);
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN, requestTimeoutSeconds: "soon" });
    await expect(jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs())).rejects.toThrow(
      /servicestage:requestTimeoutSeconds.*SERVICESTAGE_REQUEST_TIMEOUT_SECONDS/,
    );
  });

  test("maxRetries (servicestage:maxRetries, HW_MAX_RETRIES) sets how often one request is retried; a bad one is refused naming both", async () => {
    const getsOf = () => emulator.requests().filter((r) => r.method === "GET").length;
    const attemptsWith = async (settings: Record<string, string>, env: Record<string, string> = {}) => {
      Object.assign(process.env, env);
      try {
        setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN, ...settings });
        emulator.injectFault({ method: "GET", kind: "status", status: 503, times: 100 });
        const before = getsOf();
        await expect(jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs())).rejects.toThrow(/503/);
        emulator.clearFaults();
        return getsOf() - before;
      } finally {
        for (const key of Object.keys(env)) delete process.env[key];
      }
    };
    expect(await attemptsWith({ maxRetries: "0" })).toBe(1);
    expect(await attemptsWith({ maxRetries: "2" })).toBe(3);
    expect(await attemptsWith({}, { HW_MAX_RETRIES: "1" })).toBe(2);
    // Stack config wins over the environment.
    expect(await attemptsWith({ maxRetries: "0" }, { HW_MAX_RETRIES: "3" })).toBe(1);
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN, maxRetries: "-1" });
    await expect(jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs())).rejects.toThrow(
      /maxRetries must be a whole number from 0 to 100, got -1: set stack config servicestage:maxRetries .*HW_MAX_RETRIES/,
    );
  });

  test("missing settings fail check (so the preview), with the up's message naming both ways to set them; no HTTP", async () => {
    const saved = { ...process.env };
    for (const key of ["HW_PROJECT_ID", "HW_REGION_NAME", "HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY", "SERVICESTAGE_ENDPOINT"]) delete process.env[key];
    try {
      setStackSettings({ endpoint: emulator.url, authToken: TOKEN });
      await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(
        "no ServiceStage project id: set the resource's projectId, or set stack config servicestage:projectId (pulumi config set servicestage:projectId ...), an explicit provider's `projectId` argument, or the environment variable HW_PROJECT_ID",
      );
      await expect(releasePlanProvider.check({}, releasePlanInputs())).rejects.toThrow(/no ServiceStage project id.*HW_PROJECT_ID/);
      setStackSettings({ projectId: PROJECT_ID, authToken: TOKEN });
      await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/no ServiceStage region: .*servicestage:region.*HW_REGION_NAME/);
      setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID });
      await expect(releasePlanProvider.check({}, releasePlanInputs())).rejects.toThrow(
        /no ServiceStage credentials\. Tried, in order:\n[^]*servicestage:authToken[^]*HW_AUTH_TOKEN[^]*7\. ECS metadata/,
      );
      // A projectId still unknown during preview is judged at the up; a property failure is reported first.
      setStackSettings({ endpoint: emulator.url, authToken: TOKEN });
      expect((await jobComponentProvider.check({}, jobComponentInputs({ projectId: UNKNOWN }))).failures).toEqual([]);
      expect((await jobComponentProvider.check({}, jobComponentInputs({ version: "v1" }))).failures).toHaveLength(1);
      expect(emulator.requests()).toHaveLength(0);
    } finally {
      process.env = saved;
    }
  });

  test("a resource's region: {region} in the endpoint reaches it; a fixed endpoint of another region is refused at check", async () => {
    setStackSettings({ endpoint: emulator.url.replace("127.0.0.1", "{region}.localhost"), region: "cn-north-4", projectId: PROJECT_ID, authToken: TOKEN });
    await expect(jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs({ region: "ap-southeast-1" }))).resolves.toBeDefined();
    expect(emulator.requests().map((r) => `${r.host?.split(":")[0]} ${r.path}`)).toEqual([
      `ap-southeast-1.localhost /v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}`,
    ]);
    setStackSettings({ endpoint: emulator.url, region: "cn-north-4", projectId: PROJECT_ID, authToken: TOKEN });
    expect((await jobComponentProvider.check({}, jobComponentInputs({ region: "cn-north-4" }))).failures).toEqual([]);
    await expect(jobComponentProvider.check({}, jobComponentInputs({ region: "ap-southeast-1" }))).rejects.toThrow(
      /region ap-southeast-1 cannot be reached through the fixed ServiceStage endpoint .*write \{region\} in the endpoint/,
    );
    expect((await jobComponentProvider.diff("x", jobComponentInputs(), jobComponentInputs({ region: "ap-southeast-1" }))).replaces).toEqual(["region"]);
  });

  test("stack config wins over the environment; the resource's projectId wins over both", async () => {
    const saved = { ...process.env };
    process.env.HW_AUTH_TOKEN = "env-token-wrong";
    process.env.HW_PROJECT_ID = "env-project-wrong";
    try {
      setStackSettings({ endpoint: emulator.url, projectId: "config-project-wrong", authToken: TOKEN });
      const r = await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs({ projectId: PROJECT_ID }));
      expect(r.id).toBe(`${APP_ID}/${COMPONENT_ID}`);
      expect(emulator.requests().every((q) => q.path.startsWith(`/v3/${PROJECT_ID}/`) && q.status === 200)).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});

describe("one credential plan per target", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  });
  afterEach(() => {
    emulator.close();
    jest.restoreAllMocks();
  });

  test("check and the up of the same target share one plan; new settings plan again; a failed plan is made again at the next request", async () => {
    const plans = jest.spyOn(credentialSources, "credentialPlan");
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
    expect((await jobComponentProvider.check({}, jobComponentInputs())).failures).toEqual([]);
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs());
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs());
    expect(plans).toHaveBeenCalledTimes(1);
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs({ projectId: "another-project" })).catch(() => undefined);
    expect(plans).toHaveBeenCalledTimes(2);
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN, maxRetries: "oops" });
    for (let i = 0; i < 2; i++)
      await expect(jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, jobComponentInputs())).rejects.toThrow(/maxRetries must be a whole number/);
    expect(plans).toHaveBeenCalledTimes(4);
  });
});
