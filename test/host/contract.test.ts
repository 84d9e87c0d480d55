/**
 * The stored contract. Every stack's state holds each resource's serialized provider,
 * whose methods call `require("pulumi-servicestage/provider")[name]`: a stack made with
 * one release of this package runs its next operations with that text against whatever
 * release is installed then. test/fixtures/providers-0.1.0.json is the text release
 * 0.1.0 wrote (captured from its build); it must keep driving Pulumi's real
 * dynamic-provider host against the current build: check, diff, create, update, read.
 * Never update the fixture; add one for each release instead.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { ProviderHost, startProviderHost } from "../harness/providerHost";
import { captureInputs } from "../harness/captureInputs";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobSpec, releaseSpec, seed } from "../harness/world";

const repo = path.resolve(__dirname, "..", "..");
const releases = fs.readdirSync(path.join(__dirname, "..", "fixtures")).filter((f) => /^providers-\d+\.\d+\.\d+\.json$/.test(f));

let emulator: Emulator;
let host: ProviderHost;
beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 20 });
  host = await startProviderHost(repo, { HW_AUTH_TOKEN: "", HW_ACCESS_KEY: "", HW_SECRET_KEY: "" });
  await host.configure({ "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, "servicestage:authToken": TOKEN });
});
afterEach(async () => {
  await host.close();
  await emulator.close();
});

test("there is a fixture for release 0.1.0", () => expect(releases).toContain("providers-0.1.0.json"));

test("the current build serializes exactly the text 0.1.0 stored", async () => {
  // The build in dist/, as a program loads it: sdk/shim.ts's typed `require` must be erased.
  const sdk = require(path.join(repo, "dist", "sdk")) as typeof import("../../sdk");
  const registered = await captureInputs(() => [
    new sdk.JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never),
    new sdk.ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never),
  ]);
  const stored = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "providers-0.1.0.json"), "utf8")) as Record<string, string>;
  expect(Object.fromEntries(registered.map((r) => [r.type, r.inputs.__provider]))).toEqual(stored);
});

describe.each(releases)("the serialized providers of %s, against the current build", (file) => {
  const providers = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", file), "utf8")) as Record<string, string>;

  test("JobComponent: check, diff, create, update (one redeploy), read", async () => {
    const __provider = providers["pulumi-nodejs:dynamic/servicestage:JobComponent"];
    const inputs = { __provider, applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() };
    const checked = await host.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await host.create(checked.inputs);
    expect(created.properties).toMatchObject({ jobStatus: "SUCCEEDED" });
    const changed = (await host.check(created.properties, { ...inputs, version: "2025.0601.1" })).inputs;
    expect(await host.diff(created.id, created.properties, changed)).toMatchObject({ changes: "DIFF_SOME" });
    const updated = await host.update(created.id, created.properties, changed);
    expect(updated.properties).toMatchObject({ version: "2025.0601.1", jobStatus: "SUCCEEDED" });
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    const read = await host.read(created.id, updated.properties);
    expect(read.id).toBe(created.id);
  });

  test("ReleasePlan: check, diff, create, update (one edit), read", async () => {
    const __provider = providers["pulumi-nodejs:dynamic/servicestage:ReleasePlan"];
    const inputs = { __provider, releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() };
    const checked = await host.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await host.create(checked.inputs);
    const changed = (await host.check(created.properties, { ...inputs, desc: "edited" })).inputs;
    expect(await host.diff(created.id, created.properties, changed)).toMatchObject({ changes: "DIFF_SOME" });
    await host.update(created.id, created.properties, changed);
    expect(emulator.getReleasePlan(RELEASE_PLAN_ID)).toMatchObject({ desc: "edited" });
    expect((await host.read(created.id, changed)).id).toBe(created.id);
  });
});
