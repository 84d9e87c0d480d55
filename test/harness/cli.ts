/**
 * The user's path: the plain `pulumi` CLI (with its Node.js language host) run inside a
 * program folder, against a throw-away local backend. `npm test` sources
 * scripts/pulumi-env.sh first, which puts the CLI, the language host and the
 * dynamic-provider plugin on PATH (building them where they cannot be downloaded).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root: the nearest folder up whose package.json is this package's (also from a compiled copy). */
export const repo = ((): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-servicestage") return dir;
  }
  throw new Error(`no pulumi-servicestage package.json above ${__dirname}`);
})();

/**
 * The offline Pulumi settings (scripts/offline-env.js, their one home). Required from the
 * repository root rather than imported by a relative path, because the benchmark runs a
 * compiled copy of these helpers from .tools/bench-build.
 */
export const { offlineEnv } = require(path.join(repo, "scripts", "offline-env.js")) as typeof import("../../scripts/offline-env");

/** What `pulumi ... --json` reports for an update, a refresh or a destroy. */
export interface Summary {
  result: string;
  resourceChanges: Record<string, number>;
  /** Every diagnostic message the engine printed (the provider's progress lines among them). */
  messages: string[];
}

export interface Run {
  code: number;
  output: string;
}

/** Settings a test may pass to the CLI's environment (the program's own stack config goes through `config`). */
export type Env = Record<string, string>;

/** The environment every run starts from: this process's, minus any ServiceStage setting it may carry. */
const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(HW_|HUAWEICLOUD_|SERVICESTAGE_|PULUMI_)/.test(key)) delete env[key];
  return env;
};

let counter = 0;

/** A stack of the program in `dir`, with its own backend and Pulumi home in the temporary folder. */
export class ProgramStack {
  private readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-cli-"));
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly dir: string,
    env: Env = {},
    readonly name = `t${process.pid}x${++counter}`,
  ) {
    this.env = { ...baseEnv(), ...offlineEnv(this.scratch), ...env };
  }

  /** This stack's own Pulumi home (plugins installed by the CLI land in its plugins/). */
  get pulumiHome(): string {
    return this.env.PULUMI_HOME as string;
  }

  /** `pulumi <args> --stack <this> --non-interactive` in the program folder; never throws. */
  run(args: string[], extraEnv: Env = {}): Promise<Run> {
    return this.runCommand([...args, "--stack", this.name], extraEnv);
  }

  /** `pulumi <args> --non-interactive` in the program folder, for a command that takes no stack (`pulumi install`); never throws. */
  runCommand(args: string[], extraEnv: Env = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive"], {
        cwd: this.dir,
        env: { ...this.env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", (e) => reject(new Error(`cannot run pulumi (${e.message}): run the tests with \`npm test\`, which provisions it`)));
      child.on("exit", (code) => resolve({ code: code ?? -1, output }));
    });
  }

  /**
   * `pulumi <args>` started in a process group of its own and not waited for, so that a
   * test can kill the CLI as a closed terminal or a cancelled CI runner does. With
   * `pipeOutput`, the child's stdout and stderr are pipes, which the caller must read.
   */
  start(args: string[], options: { pipeOutput?: boolean } = {}): ChildProcess {
    return spawn("pulumi", [...args, "--stack", this.name, "--non-interactive"], {
      cwd: this.dir,
      env: this.env,
      stdio: options.pipeOutput === true ? ["ignore", "pipe", "pipe"] : "ignore",
      detached: true,
    });
  }

  /** Like run, but a non-zero exit is an error carrying the CLI's output. */
  async pulumi(args: string[], extraEnv: Env = {}): Promise<string> {
    const { code, output } = await this.run(args, extraEnv);
    if (code !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${code}:\n${output}`);
    return output;
  }

  /** `pulumi stack init` and `pulumi config set` (secret values with --secret). */
  async init(config: Record<string, string>, secretConfig: Record<string, string> = {}): Promise<void> {
    await this.pulumi(["stack", "init"]);
    for (const [key, value] of Object.entries(config)) await this.pulumi(["config", "set", key, value]);
    for (const [key, value] of Object.entries(secretConfig)) await this.pulumi(["config", "set", "--secret", key, value]);
  }

  async preview(args: string[] = []): Promise<Record<string, number>> {
    const out = await this.pulumi(["preview", "--json", ...args]);
    return JSON.parse(out.slice(out.indexOf("{"))).changeSummary;
  }

  /** `pulumi up|refresh|destroy --yes --skip-preview --json`, summarised; a failed operation resolves with result "failed". */
  async apply(command: "up" | "refresh" | "destroy", args: string[] = []): Promise<Summary> {
    const { output } = await this.run([command, "--yes", "--skip-preview", "--json", ...args]);
    const messages: string[] = [];
    let summary: { result: string; resourceChanges: Record<string, number> } | undefined;
    for (const line of output.split("\n")) {
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line);
      if (event.diagnosticEvent !== undefined && event.diagnosticEvent.severity !== "debug") messages.push(event.diagnosticEvent.message);
      if (event.summaryEvent !== undefined) summary = event.summaryEvent;
    }
    if (summary === undefined) throw new Error(`pulumi ${command} printed no summary:\n${output}`);
    return { result: summary.result, resourceChanges: summary.resourceChanges ?? {}, messages };
  }

  /** `pulumi up` that must succeed. */
  async up(args: string[] = []): Promise<Summary> {
    const summary = await this.apply("up", args);
    if (summary.result !== "succeeded") throw new Error(`pulumi up ${summary.result}:\n${summary.messages.join("")}`);
    return summary;
  }

  async outputs(): Promise<Record<string, unknown>> {
    const out = await this.pulumi(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(out.slice(out.search(/[{[]/)));
  }

  /** `pulumi stack export`: the state as anyone with the backend can read it. */
  exportState(): Promise<string> {
    return this.pulumi(["stack", "export"]);
  }

  /** Removes the stack, its settings file in the program folder, and the scratch folders. */
  async dispose(): Promise<void> {
    await this.run(["stack", "rm", "--yes", "--force"]);
    fs.rmSync(path.join(this.dir, `Pulumi.${this.name}.yaml`), { force: true });
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}
