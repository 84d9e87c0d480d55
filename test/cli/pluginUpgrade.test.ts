/**
 * A stack written by an earlier plugin keeps working on this one: the state of
 * examples/yaml as the 0.1.0 plugin left it after `pulumi up` (`pulumi stack export`, in
 * test/fixtures/plugin-stack-0.1.0.json, never changed once a release is out), imported
 * into a fresh stack with the plain CLI, refreshes with no change, previews with no change,
 * and a version change updates it with exactly one PUT: no replacement, no second job.
 * The fixture also holds what that up sent ServiceStage (the world the emulator is seeded
 * with, so the live objects are what the old plugin deployed).
 *
 * Recording a release's fixture (CONTRIBUTING.md, Release): `RECORD_PLUGIN_STACK=1 npx jest
 * test/cli/pluginUpgrade.test.ts` with that release's plugin on PATH writes
 * test/fixtures/plugin-stack-<version>.json; commit it and never change it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { APP_ID, COMPONENT_ID, RELEASE_PLAN_ID, TOKEN, exampleSeed } from "../harness/world";

jest.setTimeout(300_000);

const exampleDir = path.join(repo, "examples", "yaml");
/** The stack's name in the fixture's URNs: an imported deployment keeps them. */
const STACK = "upgrade";
const ENDPOINT_PLACEHOLDER = "http://emulator.invalid";
const RECORDING = process.env.RECORD_PLUGIN_STACK === "1";
const version = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const fixtureOf = (v: string) => path.join(repo, "test", "fixtures", `plugin-stack-${v}.json`);

interface PluginStackFixture {
  /** The plugin version that wrote the state. */
  plugin: string;
  /** `pulumi stack export`, the endpoint replaced by ENDPOINT_PLACEHOLDER. */
  deployment: unknown;
  /** What the up sent: the redeploy body and the release task body, to seed the emulator with. */
  world: { spec: Record<string, unknown>; plan: Record<string, unknown> };
}

let emulator: Emulator | undefined;
let stack: ProgramStack | undefined;
afterEach(async () => {
  await stack?.dispose();
  await emulator?.close();
  stack = undefined;
  emulator = undefined;
});

const configuredStack = async (emu: Emulator): Promise<ProgramStack> => {
  const s = new ProgramStack(exampleDir, {}, STACK);
  await s.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId }, { "servicestage:authToken": TOKEN });
  return s;
};
const puts = (emu: Emulator) => emu.requests().filter((r) => r.method === "PUT");

(RECORDING ? test : test.skip)(`records the fixture of plugin ${version}`, async () => {
  emulator = await startEmulator({ seed: exampleSeed(), token: TOKEN, jobDurationMs: 300 });
  stack = await configuredStack(emulator);
  await stack.up();
  const sent = puts(emulator);
  const body = (suffix: string) => sent.find((r) => r.path.endsWith(suffix))?.body as Record<string, unknown>;
  const fixture: PluginStackFixture = {
    plugin: version,
    deployment: JSON.parse((await stack.exportState()).split(emulator.url).join(ENDPOINT_PLACEHOLDER)),
    world: { spec: body("/redeployment"), plan: body(`/release-plans/${RELEASE_PLAN_ID}`) },
  };
  fs.writeFileSync(fixtureOf(version), `${JSON.stringify(fixture, null, 2)}\n`);
});

const recorded = fs
  .readdirSync(path.join(repo, "test", "fixtures"))
  .filter((f) => /^plugin-stack-.*\.json$/.test(f))
  .map((f) => (JSON.parse(fs.readFileSync(path.join(repo, "test", "fixtures", f), "utf8")) as PluginStackFixture).plugin);

(RECORDING ? test.skip : test)("a fixture is recorded for 0.1.0, the first plugin release", () => {
  expect(recorded).toContain("0.1.0");
});

// (jest refuses an empty table: with no fixture, the test above fails instead.)
if (!RECORDING && recorded.length > 0)
  describe.each(recorded)("a stack written by plugin %s, on this plugin", (plugin) => {
    test("refreshes and previews with no change, and a version change is exactly one PUT, no replacement", async () => {
      const fixture = JSON.parse(fs.readFileSync(fixtureOf(plugin), "utf8")) as PluginStackFixture;
      // The live objects as the old plugin's up left them.
      const seed: Seed = exampleSeed();
      seed.components = seed.components.map((c) => (c.applicationId === APP_ID && c.componentId === COMPONENT_ID ? { ...c, spec: fixture.world.spec } : c));
      seed.releasePlans = seed.releasePlans.map((p) => (p.releasePlanId === RELEASE_PLAN_ID ? { ...p, plan: { ...p.plan, ...fixture.world.plan } } : p));
      emulator = await startEmulator({ seed, token: TOKEN, jobDurationMs: 300 });
      stack = await configuredStack(emulator);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-upgrade-")), "deployment.json");
      fs.writeFileSync(file, JSON.stringify(fixture.deployment).split(ENDPOINT_PLACEHOLDER).join(emulator.url));
      await stack.pulumi(["stack", "import", "--file", file]);

      const refresh = await stack.apply("refresh");
      expect(refresh).toMatchObject({ result: "succeeded" });
      expect(Object.keys(refresh.resourceChanges)).toEqual(["same"]);
      expect(await stack.preview()).toEqual({ same: refresh.resourceChanges.same });
      expect(puts(emulator)).toHaveLength(0);

      await stack.pulumi(["config", "set", "version", "2025.0901.1"]);
      const up = await stack.up();
      expect(up.resourceChanges).toEqual({ same: refresh.resourceChanges.same - 1, update: 1 });
      expect(puts(emulator).map((r) => r.path)).toEqual([expect.stringMatching(new RegExp(`/components/${COMPONENT_ID}/redeployment$`))]);
    });
  });
