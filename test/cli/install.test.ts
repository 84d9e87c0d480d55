/**
 * The native plugin (pulumi-resource-servicestage) as users install it, in each of the three
 * ways docs/installation-configuration.md offers, run with the plain `pulumi` CLI (3.248) in a program folder outside
 * this repository, a minimal YAML program declaring one JobComponent, against the emulator:
 *
 * 1. `npm install -g pulumi-servicestage`: the plugin on PATH as a bin of the package (this
 *    repository's `npm pack`, installed with `npm install -g --prefix`);
 * 2. `plugins: providers: [{name: servicestage, path}]` in Pulumi.yaml: `path` is the folder
 *    holding the executable, relative to the project folder or absolute (the CLI refuses the
 *    executable's own path);
 * 3. `pulumi plugin install resource servicestage <version> --file <asset>`, this platform's
 *    asset of `npm run pack:plugin` (scripts/pack-plugin.js,
 *    `pulumi-resource-servicestage-v<version>-<os>-<arch>.tar.gz`): a single executable with
 *    Node.js inside, so it runs from the Pulumi home with no node_modules anywhere above it
 *    and no Node.js on PATH.
 *
 * Every CLI run gets a PATH of its own: a folder linking only `pulumi` and
 * `pulumi-language-yaml`, and node's folder for the npm package's plugin (a Node.js script);
 * the asset's executable gets the first folder alone. The repository's plugin, which
 * scripts/pulumi-env.sh links into .tools/bin, is never on it; each test reads from the
 * engine's own log which executable it launched. `npm test` sources scripts/pulumi-env.sh
 * (the CLI and the YAML host on PATH) and builds dist/ first, which `npm pack` ships.
 */
import { ChildProcess, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { Env, ProgramStack, repo } from "../harness/cli";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, seed } from "../harness/world";
import { pluginInfoOf, startPluginProcess } from "../harness/pluginProcess";

jest.setTimeout(300_000);

const PLUGIN = "pulumi-resource-servicestage";
const VERSION = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const JOB_VERSION = "2025.0401.1";
/** This machine in Pulumi's <os>-<arch> names, those of the assets. */
const PLATFORM = `${({ win32: "windows" } as Record<string, string>)[process.platform] ?? process.platform}-${({ x64: "amd64" } as Record<string, string>)[process.arch] ?? process.arch}`;
const redeployPath = `/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`;

/** The user's program: one job component, its job's outputs. `plugins` is the Pulumi.yaml block of way 2. */
const programYaml = (pluginFolder?: string): string =>
  [
    "name: servicestage-installed-plugin",
    "runtime: yaml",
    "description: One job component through an installed pulumi-resource-servicestage",
    ...(pluginFolder === undefined ? [] : ["plugins:", "  providers:", "    - name: servicestage", `      path: ${JSON.stringify(pluginFolder)}`]),
    "resources:",
    "  job:",
    "    type: servicestage:index:JobComponent",
    "    properties:",
    `      applicationId: ${APP_ID}`,
    `      componentId: ${COMPONENT_ID}`,
    "      name: mycomponent",
    `      version: "${JOB_VERSION}"`,
    "      runtimeStack:",
    "        name: OpenJDK8",
    '        version: "1.1.1"',
    "        type: Java",
    "        deployMode: virtualmachine",
    "      source:",
    "        kind: package",
    "        url: obs://bucket0001/weather-1.0.0.jar",
    "        storage: obs",
    "      replica: 1",
    "outputs:",
    "  jobId: ${job.jobId}",
    "  jobStatus: ${job.jobStatus}",
    "",
  ].join("\n");

let scratch: string;
/** The CLI's PATH: the CLI and the YAML host, and node (the npm package's plugin runs `env node`). */
let cliPath: string;
/** The CLI and the YAML host alone: no node, for the asset's executable. */
let noNodePath: string;
/** Where `npm install -g --prefix` put the package. */
let npmPrefix: string;
/** This platform's asset of scripts/pack-plugin.js. */
let pluginAsset: string;
let emulators: Emulator[] = [];
let stacks: ProgramStack[] = [];
let plugins: ChildProcess[] = [];

/** An executable named `name` in one of `dirs`, if any. */
const findIn = (dirs: readonly string[], name: string): string | undefined =>
  dirs
    .map((dir) => path.join(dir, name))
    .find((file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    });

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string =>
  execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-install-"));
  const ambient = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
  const tools = path.join(scratch, "tools");
  fs.mkdirSync(tools);
  for (const tool of ["pulumi", "pulumi-language-yaml"]) {
    const found = findIn(ambient, tool);
    if (found === undefined) throw new Error(`${tool} is not on PATH: source scripts/pulumi-env.sh first (npm test does)`);
    fs.symlinkSync(found, path.join(tools, tool));
  }
  const nodeDir = path.dirname(process.execPath);
  // node's folder comes whole: it must not hold a plugin of its own (a global npm install of this package would put one there).
  if (findIn([nodeDir], PLUGIN) !== undefined) throw new Error(`${nodeDir} holds a ${PLUGIN}: these tests need a PATH without one`);
  cliPath = [tools, nodeDir].join(path.delimiter);
  noNodePath = tools;

  // Way 1's package, and way 2's npm-installed folder: this repository packed as it would be published (dist/ built by `npm test`).
  const packed = path.join(scratch, "packed");
  fs.mkdirSync(packed);
  const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", packed], repo).trim().split("\n").pop() as string;
  npmPrefix = path.join(scratch, "npm-global");
  run("npm", ["install", "--global", "--prefix", npmPrefix, "--prefer-offline", "--no-audit", "--no-fund", path.join(packed, tarball)], packed);

  // Way 3's asset, as `npm run pack:plugin` makes it, for this platform alone (the script prints the asset's path, then SHA256SUMS's).
  const packed3 = run(
    process.execPath,
    [path.join(repo, "scripts", "pack-plugin.js"), "--out-dir", path.join(scratch, "plugin-asset"), "--platform", PLATFORM],
    repo,
  );
  pluginAsset = packed3.trim().split("\n")[0];
}, 300_000);

afterEach(async () => {
  for (const p of plugins) p.kill("SIGKILL");
  plugins = [];
  for (const s of stacks) await s.dispose();
  stacks = [];
  for (const e of emulators) await e.close();
  emulators = [];
});

afterAll(() => {
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

const emulator = async (): Promise<Emulator> => {
  const e = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 50 });
  emulators.push(e);
  return e;
};

/** A program folder of its own outside the repository, with the program's Pulumi.yaml. */
const programFolder = (pluginFolder?: string): string => {
  const dir = fs.mkdtempSync(path.join(scratch, "program-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), programYaml(pluginFolder));
  return dir;
};

/** A stack of the program in `dir`, the CLI's PATH and no NODE_PATH (the bundled plugin must not find modules through it); `env` adds to them. */
const stackIn = async (dir: string, emu: Emulator, env: Env = {}): Promise<ProgramStack> => {
  const stack = new ProgramStack(dir, { PATH: cliPath, NODE_PATH: "", ...env });
  stacks.push(stack);
  await stack.init({ "servicestage:endpoint": emu.url, "servicestage:projectId": emu.projectId }, { "servicestage:authToken": TOKEN });
  return stack;
};

/** The executable the engine launched for the servicestage provider during a preview: its own log says (`-v=9`). */
const launchedPlugin = async (stack: ProgramStack): Promise<string> => {
  const { code, output } = await stack.run(["preview", "-v=9", "--logtostderr"]);
  if (code !== 0) throw new Error(`pulumi preview -v=9 exited with ${code}:\n${output.slice(-4000)}`);
  const launches = [...output.matchAll(/Launching plugin 'servicestage \(resource\)' from '([^']+)'/g)].map((m) => m[1]);
  if (launches.length === 0) throw new Error(`the engine launched no servicestage plugin:\n${output.slice(-4000)}`);
  expect(new Set(launches).size).toBe(1);
  return launches[0];
};

/** What a user does next: a preview that calls nothing, an up that redeploys the job once and reports it. */
const previewAndUp = async (stack: ProgramStack, emu: Emulator): Promise<void> => {
  emu.clearRequests();
  expect(await stack.preview()).toEqual({ create: 2 });
  expect(emu.requests()).toHaveLength(0);

  const up = await stack.up();
  expect(up.resourceChanges).toEqual({ create: 2 });
  expect(
    emu
      .requests()
      .filter((r) => r.method === "PUT")
      .map((r) => r.path),
  ).toEqual([redeployPath]);
  expect(up.messages.join("")).toMatch(/job JOB[\w-]+ SUCCEEDED/);
  expect(emu.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe(JOB_VERSION);
  expect(await stack.outputs()).toEqual({ jobId: emu.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id, jobStatus: "SUCCEEDED" });
};

/** Starts a plugin executable as the engine does and asks it GetPluginInfo and GetSchema (the test's own stubs, from @pulumi/pulumi). */
const askPlugin = async (executable: string, searchPath: string): Promise<{ info: string; schema: string }> => {
  const { process: child, port } = await startPluginProcess(executable, { cwd: scratch, env: { PATH: searchPath } });
  plugins.push(child);
  const { version, schema } = await pluginInfoOf(port);
  return { info: version, schema };
};

test("1. npm install -g: the package's bin puts pulumi-resource-servicestage on PATH, and the CLI runs that one", async () => {
  const onPath = path.join(npmPrefix, "bin", PLUGIN);
  expect(fs.realpathSync(onPath)).toBe(path.join(npmPrefix, "lib", "node_modules", "pulumi-servicestage", "bin", PLUGIN));
  const emu = await emulator();
  const stack = await stackIn(programFolder(), emu, { PATH: [path.join(npmPrefix, "bin"), cliPath].join(path.delimiter) });

  expect(await launchedPlugin(stack)).toBe(onPath);
  // The CLI says so itself, as it does for any plugin it takes from PATH.
  expect((await stack.pulumi(["preview"])).replace(/\s+/g, " ")).toContain(`warning: using ${PLUGIN} from $PATH at ${onPath}`);
  await previewAndUp(stack, emu);
});

test("2. plugins.providers in Pulumi.yaml: `path` is the folder holding the executable (absolute or relative to the project), not the executable", async () => {
  const emu = await emulator();
  const ambientOff = { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" };

  // The npm package's bin folder (here the global install's; a project's node_modules/pulumi-servicestage/bin alike), absolute.
  const npmBin = path.join(npmPrefix, "lib", "node_modules", "pulumi-servicestage", "bin");
  const fromNpm = await stackIn(programFolder(npmBin), emu, ambientOff);
  expect(await launchedPlugin(fromNpm)).toBe(path.join(npmBin, PLUGIN));
  await previewAndUp(fromNpm, emu);

  // The plugin asset unpacked into the project, relative; no node on PATH.
  const project = programFolder("./servicestage-plugin");
  fs.mkdirSync(path.join(project, "servicestage-plugin"));
  run("tar", ["-xzf", pluginAsset, "-C", path.join(project, "servicestage-plugin")], project);
  const another = await emulator();
  const fromTarball = await stackIn(project, another, { ...ambientOff, PATH: noNodePath });
  expect(await launchedPlugin(fromTarball)).toBe(path.join(project, "servicestage-plugin", PLUGIN));
  await previewAndUp(fromTarball, another);

  // The executable itself is refused, before anything runs.
  const wrong = await stackIn(programFolder(path.join(npmBin, PLUGIN)), emu, ambientOff);
  emu.clearRequests();
  const refused = await wrong.run(["preview"]);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain(`parsing plugin options for 'servicestage': provider folder '${path.join(npmBin, PLUGIN)}' is not a directory`);
  expect(emu.requests()).toHaveLength(0);
});

test("3. pulumi plugin install --file <the pack:plugin asset>: the single executable runs from the Pulumi home, without node_modules or Node.js", async () => {
  const home = fs.mkdtempSync(path.join(scratch, "pulumi-home-"));
  const cliEnv = { ...process.env, PATH: noNodePath, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" };
  expect(path.basename(pluginAsset)).toBe(`${PLUGIN}-v${VERSION}-${PLATFORM}.tar.gz`);
  run("pulumi", ["plugin", "install", "resource", "servicestage", VERSION, "--file", pluginAsset], scratch, cliEnv);

  const installed = path.join(home, "plugins", `resource-servicestage-v${VERSION}`);
  const listed = JSON.parse(run("pulumi", ["plugin", "ls", "--json"], scratch, cliEnv)) as Array<{ name: string; kind: string; version: string }>;
  expect(listed.map((p) => [p.name, p.kind, p.version])).toEqual([["servicestage", "resource", VERSION]]);
  // The executable, the version and schema it reads, the licenses: no launcher, no plugin.js, no node_modules, no PulumiPlugin.yaml.
  expect(fs.readdirSync(installed, { recursive: true }).map(String).sort()).toEqual(
    [PLUGIN, "package.json", "plugin", path.join("plugin", "schema.json"), "LICENSE", "THIRD_PARTY_LICENSES.txt"].sort(),
  );
  expect(fs.statSync(path.join(installed, PLUGIN)).mode & 0o111).not.toBe(0);

  // Its version and schema, over gRPC as the engine asks: package.json's, and the repository's schema.json byte for byte.
  const { info, schema } = await askPlugin(path.join(installed, PLUGIN), noNodePath);
  expect(info).toBe(VERSION);
  expect(schema).toBe(fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8"));

  // No plugins block, no plugin on PATH, and ambient plugins off: the plugin cache is the only place left to find it.
  const emu = await emulator();
  const stack = await stackIn(programFolder(), emu, { PATH: noNodePath, PULUMI_HOME: home, PULUMI_IGNORE_AMBIENT_PLUGINS: "true" });
  expect(await launchedPlugin(stack)).toBe(path.join(installed, PLUGIN));
  await previewAndUp(stack, emu);
});
