/**
 * Pulumi YAML through the native plugin (pulumi-resource-servicestage), on the user's
 * path: the plain `pulumi` CLI with the YAML language host, run inside examples/yaml and
 * two test program folders (test/programs/yaml-typo, test/programs/yaml-providers),
 * against the emulator, counting the HTTP calls each step makes. `npm test` sources
 * scripts/pulumi-env.sh first, which puts the CLI, pulumi-language-yaml and the plugin on
 * PATH; the plugin runs the build in dist/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator/server";
import { ProgramStack, repo } from "../harness/cli";
import { descendants, killAll } from "../harness/processes";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, exampleSeed } from "../harness/world";

jest.setTimeout(300_000);

const TOKEN = "demo-token";
const JOB = "servicestage:index:JobComponent";
const RELEASE = "servicestage:index:ReleasePlan";
const exampleDir = path.join(repo, "examples", "yaml");
const typoDir = path.join(repo, "test", "programs", "yaml-typo");
const providersDir = path.join(repo, "test", "programs", "yaml-providers");
const redeployPath = `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`;
const releasePath = `/v3/${PROJECT_ID}/cas/release-plans/${RELEASE_PLAN_ID}`;

let emulators: Emulator[] = [];
let stacks: ProgramStack[] = [];
/** Hosts a cancelled CLI may leave behind, ended after each test by process id. */
let leftovers: number[] = [];

afterEach(async () => {
  await killAll(leftovers);
  leftovers = [];
  for (const s of stacks) await s.dispose();
  stacks = [];
  for (const e of emulators) await e.close();
  emulators = [];
});

const emulator = async (seed: Seed = exampleSeed(), jobDurationMs = 300): Promise<Emulator> => {
  const e = await startEmulator({ seed, token: TOKEN, jobDurationMs });
  emulators.push(e);
  return e;
};
const stackIn = (dir: string): ProgramStack => {
  const s = new ProgramStack(dir);
  stacks.push(s);
  return s;
};
/** A stack whose provider configuration (stack config servicestage:*) points at `emu`. */
const configured = async (dir: string, emu: Emulator): Promise<ProgramStack> => {
  const s = stackIn(dir);
  await s.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId }, { "servicestage:authToken": TOKEN });
  return s;
};
const calls = (emu: Emulator, method?: string) => emu.requests().filter((r) => method === undefined || r.method === method);
const puts = (emu: Emulator) => calls(emu, "PUT").map((r) => r.path);
/** The YAML host colours its diagnostics even without a terminal. */
const plainText = (output: string) => output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
const until = async (what: string, done: () => boolean, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("examples/yaml: preview calls nothing, up applies both, a version change is one PUT, refresh shows drift, destroy calls nothing", async () => {
  const emu = await emulator();
  const stack = await configured(exampleDir, emu);

  expect(await stack.preview()).toEqual({ create: 3 });
  expect(calls(emu)).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 3 });
  expect(puts(emu).sort()).toEqual([redeployPath, releasePath].sort());
  expect(up.messages.join("")).toMatch(/job JOB[\w-]+ RUNNING[\s\S]*job JOB[\w-]+ SUCCEEDED/);
  const first = await stack.outputs();
  expect(first).toEqual({
    jobId: emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id,
    jobStatus: "SUCCEEDED",
    version: "2025.0323.15181",
    releasePlanId: RELEASE_PLAN_ID,
  });
  // After the up, the task holds the program's spec, not the seed's.
  expect((emu.getReleasePlan(RELEASE_PLAN_ID)?.components as Array<Record<string, unknown>>)[1]).toMatchObject({ replica: 3 });

  await stack.pulumi(["config", "set", "version", "2025.0401.1"]);
  emu.clearRequests();
  expect(await stack.pulumi(["preview", "--diff"])).toMatch(/~ version\s*: "2025.0323.15181" => "2025.0401.1"/);
  expect(calls(emu)).toHaveLength(0);
  expect((await stack.up()).resourceChanges).toMatchObject({ update: 1, same: 2 });
  expect(puts(emu)).toEqual([redeployPath]);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe("2025.0401.1");
  const second = await stack.outputs();
  expect(second).toMatchObject({ version: "2025.0401.1", jobStatus: "SUCCEEDED" });
  expect(second.jobId).not.toBe(first.jobId);

  // Out of band: the console scales the job and sets another version; refresh shows both and only reads.
  emu.putComponent(APP_ID, COMPONENT_ID, { ...emu.getComponent(APP_ID, COMPONENT_ID)?.spec, replica: 3, version: "2025.0402.9" });
  emu.clearRequests();
  const refresh = await stack.run(["refresh", "--yes", "--skip-preview", "--diff"]);
  expect(refresh.code).toBe(0);
  expect(refresh.output).toMatch(/~ replica\s*: 1 => 3/);
  expect(refresh.output).toMatch(/~ version\s*: "2025.0401.1" => "2025.0402.9"/);
  expect(calls(emu).length).toBeGreaterThan(0);
  expect(calls(emu).every((r) => r.method === "GET")).toBe(true);
  expect(await stack.preview()).toMatchObject({ update: 1 });

  expect(await stack.exportState()).not.toContain(TOKEN);
  emu.clearRequests();
  expect(await stack.apply("destroy")).toMatchObject({ result: "succeeded", resourceChanges: { delete: 3 } });
  expect(calls(emu)).toHaveLength(0);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)).toBeDefined();
  expect(emu.getReleasePlan(RELEASE_PLAN_ID)).toBeDefined();
});

test("my KooCLI profile: HW_SHARED_CONFIG_FILE and servicestage:profile sign every call with the profile's keys, its project looked up at IAM from its region; nothing of it in the state", async () => {
  const emu = await emulator();
  emu.addAccessKey("KOOCLIYAMLAK", "koocli-yaml-secret");
  emu.configureIam({ projects: [{ id: emu.projectId, name: "cn-north-4" }] });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-koocli-"));
  const configFile = path.join(home, "config.json");
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      current: "default",
      profiles: [
        { name: "default", mode: "AKSK", accessKeyId: "OTHERAK", secretAccessKey: "other-secret", region: "cn-south-1" },
        { name: "deploy", mode: "AKSK", accessKeyId: "KOOCLIYAMLAK", secretAccessKey: "koocli-yaml-secret", region: "cn-north-4" },
      ],
    }),
  );
  const s = new ProgramStack(exampleDir, { HW_SHARED_CONFIG_FILE: configFile });
  stacks.push(s);
  // No credentials and no project in stack config: the endpoint, IAM's address and the profile's name.
  await s.init({ "servicestage:endpoint": emu.url, "servicestage:iamEndpoint": emu.url, "servicestage:profile": "deploy" });
  expect(await s.preview()).toEqual({ create: 3 });
  expect([calls(emu), emu.iamRequests()]).toEqual([[], []]);
  expect((await s.up()).resourceChanges).toEqual({ create: 3 });
  expect(puts(emu).sort()).toEqual([redeployPath, releasePath].sort());
  expect([...new Set(calls(emu).map((r) => r.accessKey))]).toEqual(["KOOCLIYAMLAK"]);
  expect(emu.iamRequests().map((r) => `${r.method} ${r.path} ${r.principal}`)).toEqual(["GET /v3/projects KOOCLIYAMLAK"]);
  expect(await s.exportState()).not.toContain("koocli-yaml-secret");
  fs.rmSync(home, { recursive: true, force: true });
});

test("a misspelled property (versoin) is refused by YAML's check against the plugin's schema, before any call", async () => {
  const emu = await emulator();
  const stack = await configured(typoDir, emu);
  const preview = await stack.run(["preview"]);
  expect(preview.code).not.toBe(0);
  const output = plainText(preview.output);
  expect(output).toContain(`${JOB} is not assignable from {`);
  expect(output).toContain("versoin: string");
  expect(output).toContain("version: Missing required property 'version'");
  expect(calls(emu)).toHaveLength(0);
});

test("two explicit providers (pulumi:providers:servicestage) in one YAML program reach two projects", async () => {
  const north = await emulator({ ...exampleSeed(), projectId: "north-project" });
  const south = await emulator({ ...exampleSeed(), projectId: "south-project" });
  const stack = stackIn(providersDir);
  // No servicestage:* stack config: everything comes from the providers' arguments.
  await stack.init(
    { northEndpoint: north.url, northProjectId: north.projectId, southEndpoint: south.url, southProjectId: south.projectId },
    { authToken: TOKEN },
  );
  expect(await stack.preview()).toEqual({ create: 5 });
  expect(calls(north)).toHaveLength(0);
  expect(calls(south)).toHaveLength(0);

  expect((await stack.up()).resourceChanges).toEqual({ create: 5 });
  const redeploy = (projectId: string) => `/v3/${projectId}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`;
  expect(puts(north)).toEqual([redeploy("north-project")]);
  expect(puts(south)).toEqual([redeploy("south-project")]);
  expect(await stack.outputs()).toEqual({
    northJobId: north.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id,
    southJobId: south.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id,
  });
  // The providers' authToken argument is a secret in the state.
  expect(await stack.exportState()).not.toContain(TOKEN);
});

test("no project id anywhere: `pulumi preview` fails naming both ways to set it, before any call", async () => {
  const emu = await emulator();
  const stack = stackIn(exampleDir);
  await stack.init({ "servicestage:endpoint": emu.url }, { "servicestage:authToken": TOKEN });
  const preview = await stack.run(["preview"]);
  expect(preview.code).not.toBe(0);
  expect(preview.output).toContain(
    "no ServiceStage project id: set the resource's projectId, or set stack config servicestage:projectId (pulumi config set servicestage:projectId ...), an explicit provider's `projectId` argument, or the environment variable HW_PROJECT_ID",
  );
  expect(calls(emu)).toHaveLength(0);
});

test("a region, an id or an endpoint that could send the token elsewhere: `pulumi preview` fails naming the rule, before any request anywhere", async () => {
  const emu = await emulator();
  const elsewhere = await emulator();
  const stack = stackIn(exampleDir);
  const good: Record<string, string> = {
    "servicestage:endpoint": emu.url.replace("127.0.0.1", "{region}.localhost"),
    "servicestage:region": "cn-north-4",
    "servicestage:projectId": emu.projectId,
  };
  await stack.init(good, { "servicestage:authToken": TOKEN });
  const cases: Array<[string, string, RegExp]> = [
    ["servicestage:region", `x.localhost:${new URL(elsewhere.url).port}/#`, /must be one DNS label/],
    ["servicestage:endpoint", elsewhere.url.replace("127.0.0.1", "evil.example"), /uses http:\/\/ to a host that is not a loopback address/],
    ["componentId", "..", /componentId must be a ServiceStage id/],
  ];
  for (const [key, value, rule] of cases) {
    await stack.pulumi(["config", "set", key, value]);
    const preview = await stack.run(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(plainText(preview.output)).toMatch(rule);
    // Back to the sound value, so that each case is judged alone.
    await stack.pulumi(good[key] === undefined ? ["config", "rm", key] : ["config", "set", key, good[key]]);
  }
  expect(calls(emu)).toHaveLength(0);
  expect(calls(elsewhere)).toHaveLength(0);
});

test("`pulumi import` of a job component and of a release task: state plus the YAML code for them; an unknown id does not exist", async () => {
  const emu = await emulator();
  const stack = await configured(exampleDir, emu);

  const job = plainText(await stack.pulumi(["import", JOB, "imported-job", `${APP_ID}/${COMPONENT_ID}`, "--yes"]));
  // The code YAML generates for it, to paste into Pulumi.yaml.
  expect(job).toMatch(/resources:\s+imported-job:\s+type: servicestage:(index:)?JobComponent/);
  for (const line of [
    `applicationId: ${APP_ID}`,
    `componentId: ${COMPONENT_ID}`,
    "name: mycomponent",
    "version: 2025.0323.15181",
    "runtimeStack:",
    "protect: true",
  ])
    expect(job).toContain(line);

  const plan = plainText(await stack.pulumi(["import", RELEASE, "imported-plan", RELEASE_PLAN_ID, "--yes"]));
  expect(plan).toMatch(/resources:\s+imported-plan:\s+type: servicestage:(index:)?ReleasePlan/);
  for (const line of [`releasePlanId: ${RELEASE_PLAN_ID}`, "name: release-demo", "failStrategy: stop", "componentId: comp-api", "componentId: comp-web"])
    expect(plan).toContain(line);
  expect(puts(emu)).toEqual([]);

  const state = JSON.parse(await stack.exportState()).deployment.resources as Array<{ type: string; id?: string; protect?: boolean }>;
  expect(state.filter((r) => r.type === JOB || r.type === RELEASE).map((r) => [r.type, r.id, r.protect])).toEqual([
    [JOB, `${APP_ID}/${COMPONENT_ID}`, true],
    [RELEASE, RELEASE_PLAN_ID, true],
  ]);

  for (const [type, id] of [
    [JOB, `${APP_ID}/comp-missing`],
    [RELEASE, "no-such-release-plan"],
  ]) {
    const missing = await stack.run(["import", type, "missing", id, "--yes"]);
    expect(missing.code).not.toBe(0);
    expect(plainText(missing.output)).toContain(`resource '${id}' does not exist`);
  }
});

test("(e) a first Ctrl-C ends the plugin's job wait; the job succeeds meanwhile; the next `pulumi up` records it SUCCEEDED (0 extra redeploys)", async () => {
  const emu = await emulator();
  const stack = await configured(exampleDir, emu);
  await stack.up();
  emu.setJobDuration({ ms: 6_000 });
  await stack.pulumi(["config", "set", "version", "2025.0501.1"]);
  const before = emu.redeployCount();

  const cli = stack.start(["up", "--yes", "--skip-preview"], { pipeOutput: true });
  let output = "";
  cli.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  cli.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
  await until("the redeploy arrived", () => emu.redeployCount() === before + 1);
  const running = emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id as string;
  await until("the plugin polled the job", () => emu.requests().some((r) => r.path.endsWith(`/jobs/${running}`)));
  // Hosts to end if the CLI leaves any behind (it should not after a Ctrl-C).
  leftovers = descendants(cli.pid as number);

  // One Ctrl-C, to the CLI alone (a terminal would signal the group; the hosts ignore it anyway).
  const signalled = Date.now();
  process.kill(cli.pid as number, "SIGINT");
  const code = await exited;
  const exitMs = Date.now() - signalled;
  expect(code).not.toBe(0);
  // Measured: about 40 ms (the engine calls the plugin's Cancel, which ends the wait).
  expect(exitMs).toBeLessThan(5_000);
  expect(["SUBMITTED", "SCHEDULED", "RUNNING"]).toContain(emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus);
  expect(plainText(output)).toMatch(
    new RegExp(
      `did not finish: job ${running} still (SUBMITTED|SCHEDULED|RUNNING) when the wait was cancelled. Job ${running} is still running in ServiceStage`,
    ),
  );
  await killAll(leftovers);
  leftovers = [];
  await until("the job succeeded", () => emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus === "SUCCEEDED", 30_000);

  emu.clearRequests();
  await stack.up();
  expect(emu.redeployCount()).toBe(before + 1);
  expect(await stack.outputs()).toMatchObject({ jobId: running, jobStatus: "SUCCEEDED", version: "2025.0501.1" });
});

test("(c) YAML: a timeout, the job fails, a console scale succeeds, then up: exactly 1 redeploy, the scale's job never taken", async () => {
  const emu = await emulator();
  const stack = await configured(exampleDir, emu);
  await stack.up();
  emu.scriptNextJob(COMPONENT_ID, { status: "FAILED", messages: ["image pull failed"], durationMs: 3_000 });
  await stack.pulumi(["config", "set", "version", "2025.0503.1"]);
  await stack.pulumi(["config", "set", "jobTimeoutSeconds", "1"]);
  const failed = await stack.apply("up");
  expect(failed.result).toBe("failed");
  expect(failed.messages.join("")).toContain("it is recorded in the stack");
  await stack.pulumi(["config", "set", "jobTimeoutSeconds", "60"]);
  await until("the job failed", () => emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus === "FAILED", 30_000);
  const scale = emu.consoleAction(APP_ID, COMPONENT_ID, "scale", { replica: 2 }).jobId;
  await until("the scale succeeded", () => emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus === "SUCCEEDED", 30_000);
  const before = puts(emu).filter((p) => p === redeployPath).length;

  await stack.up();
  expect(puts(emu).filter((p) => p === redeployPath).length).toBe(before + 1);
  const outputs = await stack.outputs();
  expect(outputs).toMatchObject({ jobStatus: "SUCCEEDED", version: "2025.0503.1", jobId: emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id });
  expect(outputs.jobId).not.toBe(scale);
});

test("(d) YAML: a timeout while the job runs, then up: 0 redeploys, the recorded job waited for", async () => {
  const emu = await emulator();
  const stack = await configured(exampleDir, emu);
  await stack.up();
  emu.setJobDuration({ ms: 12_000 });
  await stack.pulumi(["config", "set", "version", "2025.0504.1"]);
  await stack.pulumi(["config", "set", "jobTimeoutSeconds", "1"]);
  const failed = await stack.apply("up");
  expect(failed.result).toBe("failed");
  const running = emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id as string;
  expect(plainText(failed.messages.join(""))).toContain(`Job ${running} is still running in ServiceStage; it is recorded in the stack`);
  await stack.pulumi(["config", "set", "jobTimeoutSeconds", "60"]);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.lastJobStatus).toBe("RUNNING");
  const before = puts(emu).filter((p) => p === redeployPath).length;

  const again = await stack.up();
  expect(puts(emu).filter((p) => p === redeployPath).length).toBe(before);
  expect(plainText(again.messages.join(""))).toContain(`job ${running}, recorded by the last update, is RUNNING: waiting for it`);
  expect(await stack.outputs()).toMatchObject({ jobId: running, jobStatus: "SUCCEEDED", version: "2025.0504.1" });
});
