/**
 * Nothing a program or its configuration says can send a request, or a credential,
 * anywhere but ServiceStage (provider/urlParts.ts): every value that forms a URL (region,
 * ids, endpoint) is checked before any request, from every source. A loopback server
 * stands in for "elsewhere", and the emulator for ServiceStage: a refused value reaches
 * neither. The same through the plugin: test/host/plugin.test.ts; with the YAML CLI:
 * test/cli/yaml.test.ts.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { Emulator, startEmulator } from "../../emulator/server";
import { ENDPOINT_RULE, endpointProblem, isId, isRegion } from "../../provider/urlParts";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { HOSTILE_ENDPOINTS, HOSTILE_IDS, HOSTILE_REGIONS, REAL_IDS, REAL_REGIONS } from "../fixtures/urlShapes";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobComponentInputs, releasePlanInputs, seed } from "../harness/world";

describe("the rules", () => {
  test("every Huawei region and real-shaped id is accepted; every hostile shape is refused", () => {
    for (const r of REAL_REGIONS) expect(isRegion(r)).toBe(true);
    for (const id of REAL_IDS) expect(isId(id)).toBe(true);
    for (const r of HOSTILE_REGIONS) expect(isRegion(r)).toBe(false);
    for (const id of HOSTILE_IDS) expect(isId(id)).toBe(false);
  });

  test("endpoints: https anywhere, http to loopback only, {region} only as a whole host label", () => {
    for (const ok of [
      "https://servicestage.cn-north-4.myhuaweicloud.com",
      "https://servicestage.{region}.myhuaweicloud.com",
      "https://servicestage.{region}.private.example:8443/gateway",
      "http://127.0.0.1:8080",
      "http://localhost:8080/prefix",
      "http://{region}.localhost:9000",
      "http://[::1]:9000",
    ])
      expect(endpointProblem(ok)).toBeUndefined();
    for (const bad of HOSTILE_ENDPOINTS) expect(endpointProblem(bad)).toEqual(expect.any(String));
  });
});

describe("refused at check, before any request, from every source", () => {
  let emulator: Emulator;
  let elsewhere: http.Server;
  let elsewhereHits = 0;
  let elsewhereUrl = "";
  const saved = { ...process.env };
  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN });
    elsewhereHits = 0;
    elsewhere = http.createServer((_req, res) => {
      elsewhereHits++;
      res.end("{}");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    setProgressSink(() => undefined);
  });
  afterEach(async () => {
    process.env = { ...saved };
    await emulator.close();
    await new Promise((resolve) => elsewhere.close(resolve));
    expect(elsewhereHits).toBe(0);
    expect(emulator.requests()).toHaveLength(0);
  });
  const base = () => ({ endpoint: emulator.url.replace("127.0.0.1", "{region}.localhost"), region: "cn-north-4", projectId: PROJECT_ID, authToken: TOKEN });
  const failuresOf = async (inputs: Record<string, unknown>, provider = jobComponentProvider) => (await provider.check({}, inputs)).failures ?? [];

  test("resource inputs: each hostile region and id is a CheckFailure naming the property and the rule", async () => {
    setStackSettings(base());
    for (const region of HOSTILE_REGIONS)
      expect(await failuresOf(jobComponentInputs({ region }))).toEqual([{ property: "region", reason: expect.stringContaining("must be one DNS label") }]);
    for (const bad of HOSTILE_IDS) {
      for (const key of ["applicationId", "componentId", "projectId"])
        expect(await failuresOf(jobComponentInputs({ [key]: bad }))).toEqual([{ property: key, reason: expect.stringContaining("must be a ServiceStage id") }]);
      expect(await failuresOf(releasePlanInputs({ releasePlanId: bad }), releasePlanProvider)).toEqual([
        { property: "releasePlanId", reason: expect.stringContaining("must be a ServiceStage id") },
      ]);
    }
    for (const region of REAL_REGIONS) expect(await failuresOf(jobComponentInputs({ region }))).toEqual([]);
    for (const id of REAL_IDS) expect(await failuresOf(jobComponentInputs({ componentId: id, projectId: id }))).toEqual([]);
  });

  test("stack config: a hostile region, project id or endpoint fails check, naming the setting and the rule", async () => {
    for (const region of HOSTILE_REGIONS) {
      setStackSettings({ ...base(), region });
      await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/region .* must be one DNS label.*servicestage:region/s);
    }
    for (const projectId of HOSTILE_IDS.filter((v) => v.trim() !== "")) {
      setStackSettings({ ...base(), projectId });
      await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/projectId .* must be a ServiceStage id.*servicestage:projectId/s);
    }
    for (const endpoint of [...HOSTILE_ENDPOINTS, elsewhereUrl.replace("127.0.0.1", "evil.example")]) {
      setStackSettings({ ...base(), endpoint });
      await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(
        new RegExp(`endpoint .*${ENDPOINT_RULE.slice(0, 20)}.*servicestage:endpoint`, "s"),
      );
    }
  });

  test("the environment: HW_REGION_NAME, HW_PROJECT_ID and SERVICESTAGE_ENDPOINT follow the same rules", async () => {
    setStackSettings({ authToken: TOKEN, endpoint: elsewhereUrl.replace("127.0.0.1", "{region}.localhost") });
    process.env.HW_PROJECT_ID = PROJECT_ID;
    process.env.HW_REGION_NAME = "evil.example/x#";
    await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/must be one DNS label.*HW_REGION_NAME/s);
    process.env.HW_REGION_NAME = "cn-north-4";
    process.env.HW_PROJECT_ID = "..";
    // check caches its look at the settings until they change (provider/providerState.ts): the environment of a provider process does not.
    setStackSettings({ authToken: TOKEN, endpoint: elsewhereUrl.replace("127.0.0.1", "{region}.localhost") });
    await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/must be a ServiceStage id.*HW_PROJECT_ID/s);
    process.env.HW_PROJECT_ID = PROJECT_ID;
    setStackSettings({ authToken: TOKEN });
    process.env.SERVICESTAGE_ENDPOINT = "http://evil.example";
    await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/clear text.*SERVICESTAGE_ENDPOINT/s);
  });

  test("`pulumi import` ids follow the same rule; an update never sends a bad segment either", async () => {
    setStackSettings(base());
    for (const id of ["..", "app/..", "./comp", "app/comp/x", "app", "a b/comp", `${APP_ID}/%2e%2e`])
      await expect(jobComponentProvider.read(id, undefined)).rejects.toThrow(/invalid JobComponent id .*<applicationId>\/<componentId>/);
    for (const id of ["..", ".", "a/b", "  "]) await expect(releasePlanProvider.read(id, undefined)).rejects.toThrow(/invalid ReleasePlan id/);
    // Past check (state edited by hand): the client itself refuses the segment.
    await expect(
      jobComponentProvider.update(`${APP_ID}/..`, jobComponentInputs({ componentId: ".." }), jobComponentInputs({ componentId: "..", version: "9.9.9" })),
    ).rejects.toThrow(/refusing to send a request: path segment "\.\."/);
  });
});

test("the emulator (http on loopback) and {region} in its host still work", async () => {
  const emulator = await startEmulator({ seed: seed(), token: TOKEN });
  try {
    setStackSettings({ endpoint: emulator.url.replace("127.0.0.1", "{region}.localhost"), region: "cn-north-4", projectId: PROJECT_ID, authToken: TOKEN });
    const read = await releasePlanProvider.read(RELEASE_PLAN_ID, undefined);
    expect(read.id).toBe(RELEASE_PLAN_ID);
    expect(emulator.requests().map((r) => r.host?.split(":")[0])).toEqual(["cn-north-4.localhost"]);
    expect((await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, undefined)).id).toBe(`${APP_ID}/${COMPONENT_ID}`);
  } finally {
    await emulator.close();
  }
});
