/**
 * Pulumi's Automation API driving an inline program with the real `pulumi` CLI, offline
 * (scripts/offline-env.js: a local file backend, no update checks, no plugin downloads).
 * Only for what is about Automation API users (test/cli/automation.test.ts) and the benchmark's
 * side-by-side engine runs; the user's path, the CLI in a program folder, is
 * test/harness/cli.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { offlineEnv, repo } from "./cli";

export { repo };

export interface EngineStack {
  stack: Stack;
  workDir: string;
  stateDir: string;
  dispose(): Promise<void>;
}

/**
 * A fresh stack. The work directory sits inside the repository (git-ignored .tools/work)
 * because the engine starts the dynamic-provider plugin there and module resolution
 * (`@pulumi/pulumi`, `pulumi-servicestage`) starts from it.
 */
export const newStack = async (projectName: string, program: PulumiFn, config: Record<string, { value: string; secret?: boolean }>): Promise<EngineStack> => {
  const base = path.join(repo, ".tools", "work");
  fs.mkdirSync(base, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(base, `${projectName}-`));
  const scratch = fs.mkdtempSync(path.join(base, `${projectName}-offline-`));
  const offline = offlineEnv(scratch);
  const envVars = {
    ...offline,
    // Configuration must come from the stack config in these tests, never from the test's environment.
    HW_AUTH_TOKEN: "",
    HW_ACCESS_KEY: "",
    HW_SECRET_KEY: "",
    HW_PROJECT_ID: "",
    SERVICESTAGE_ENDPOINT: "",
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "test", projectName, program },
    {
      workDir,
      pulumiHome: offline.PULUMI_HOME,
      envVars,
      projectSettings: { name: projectName, runtime: "nodejs", backend: { url: offline.PULUMI_BACKEND_URL } },
    },
  );
  await stack.setAllConfig(config);
  return {
    stack,
    workDir,
    stateDir: fileURLToPath(offline.PULUMI_BACKEND_URL),
    async dispose() {
      for (const dir of [workDir, scratch]) fs.rmSync(dir, { recursive: true, force: true });
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
