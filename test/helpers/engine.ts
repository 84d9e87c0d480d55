/**
 * The real Pulumi engine (the `pulumi` CLI) driving an inline program through the
 * Automation API, offline: a local file backend, no update checks, no plugin downloads.
 * The Node language host cannot be built here (its Go module is not served), so programs
 * run in-process as Automation API inline programs; everything below the program
 * (engine, state, diffs, the dynamic-provider plugin and host) is the real thing.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";

/** The repository root: the nearest folder up whose package.json is this package's (also from a compiled copy). */
export const repo = ((): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-servicestage") return dir;
  }
  throw new Error(`no pulumi-servicestage package.json above ${__dirname}`);
})();
const toolsBin = path.join(repo, ".tools", "bin");

/** The directory holding a usable `pulumi` (PATH first, then the provisioned build), or undefined. */
export const findPulumiCli = (): string | undefined => {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), toolsBin]) {
    if (dir !== "" && fs.existsSync(path.join(dir, "pulumi"))) {
      try {
        execFileSync(path.join(dir, "pulumi"), ["version"], { stdio: "ignore", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
        return dir;
      } catch {
        // not a working CLI
      }
    }
  }
  return undefined;
};

export const pulumiDynamicPluginDir = (): string => path.dirname(require.resolve("@pulumi/pulumi/package.json"));

export interface EngineStack {
  stack: Stack;
  workDir: string;
  stateDir: string;
  output: string[];
  dispose(): Promise<void>;
}

/**
 * A fresh stack. The work directory sits inside the repository (git-ignored .tools/work)
 * because the engine starts the dynamic-provider plugin there and module resolution
 * (`@pulumi/pulumi`, `pulumi-servicestage`) starts from it.
 */
export const newStack = async (projectName: string, program: PulumiFn, config: Record<string, { value: string; secret?: boolean }>): Promise<EngineStack> => {
  const cliDir = findPulumiCli();
  if (cliDir === undefined) throw new Error("no pulumi CLI: run scripts/provision-pulumi.sh");
  const base = path.join(repo, ".tools", "work");
  fs.mkdirSync(base, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(base, `${projectName}-`));
  const stateDir = fs.mkdtempSync(path.join(base, `${projectName}-state-`));
  const home = fs.mkdtempSync(path.join(base, `${projectName}-home-`));
  const envVars = {
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "servicestage-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: home,
    PATH: [cliDir, pulumiDynamicPluginDir(), process.env.PATH ?? ""].join(path.delimiter),
    // Configuration must come from the stack config in these tests, never from the test's environment.
    HW_AUTH_TOKEN: "",
    HW_ACCESS_KEY: "",
    HW_SECRET_KEY: "",
    HW_PROJECT_ID: "",
    SERVICESTAGE_ENDPOINT: "",
  };
  process.env.PATH = envVars.PATH;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "test", projectName, program },
    { workDir, pulumiHome: home, envVars, projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${stateDir}` } } },
  );
  await stack.setAllConfig(config);
  return {
    stack,
    workDir,
    stateDir,
    output: [],
    async dispose() {
      for (const dir of [workDir, stateDir, home]) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** Every file of the local backend's state, as text: what must never hold a credential. */
export const stateText = (stateDir: string): string => {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(stateDir);
  return out.join("\n");
};

/** The stack's current checkpoint as the local backend stores it (secrets still encrypted). */
export const readCheckpoint = (stateDir: string, projectName: string): { checkpoint: { latest: { resources: Array<{ type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }> } } } => {
  const file = path.join(stateDir, ".pulumi", "stacks", projectName, "test.json");
  return JSON.parse(fs.readFileSync(file, "utf8"));
};
