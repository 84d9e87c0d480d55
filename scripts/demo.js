#!/usr/bin/env node
/**
 * `npm run demo`: the job-component example end to end with the real Pulumi engine and
 * no cloud account. Starts the emulator (the package's own `servicestage-emulator`),
 * previews and applies the example, changes the version (one redeploy), changes the
 * component behind Pulumi's back and refreshes, destroys, stops what it started, and
 * prints the calls the emulator saw at each step.
 *
 * The program runs as an Automation API inline program (the Node language host cannot
 * be built on machines without its Go module); the engine, state, diffs and the dynamic
 * provider host are the real `pulumi` CLI's. Needs `pulumi` on PATH: `npm run demo`
 * sources scripts/pulumi-env.sh, which provisions it.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { LocalWorkspace } = require("@pulumi/pulumi/automation");

const repo = path.resolve(__dirname, "..");
const exampleProgram = path.join(repo, "dist", "examples", "job-component", "index.js");
const seedFile = path.join(repo, "emulator", "seed.example.json");
const projectId = JSON.parse(fs.readFileSync(seedFile, "utf8")).projectId;
const token = "demo-token"; // the emulator's, passed as a secret stack config value, never in code
const started = Date.now();
const steps = [];
const cleanups = [];

const say = (line) => process.stdout.write(`${line}\n`);

const startEmulator = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, "dist", "emulator", "cli.js"), "--port", "0", "--seed", seedFile, "--token", token, "--job-duration-ms", "1500", "--quiet"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanups.push(() => child.kill("SIGTERM"));
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });

const control = async (url, method, route, body) => {
  const res = await fetch(`${url}/__control/${route}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`emulator control ${method} ${route}: HTTP ${res.status}`);
  return res.status === 204 ? undefined : res.json();
};

const runStep = async (emulator, name, action) => {
  await control(emulator, "DELETE", "requests");
  const t0 = Date.now();
  say(`\n=== ${name}`);
  const result = await action();
  const calls = await control(emulator, "GET", "requests");
  const byKind = {};
  for (const c of calls) {
    const kind = `${c.method} ${c.path.replace(`/v3/${projectId}/cas/`, "").replace(/JOB[\w-]+/, "{job}")}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  steps.push({ step: name, seconds: ((Date.now() - t0) / 1000).toFixed(1), calls: calls.length, byKind });
  return result;
};

async function main() {
  if (!fs.existsSync(exampleProgram)) throw new Error("dist/ is missing: run `npm ci` (or `npm run build`) first");
  const emulator = await startEmulator();
  say(`emulator: ${emulator}`);

  const workDir = fs.mkdtempSync(path.join(repo, ".tools", "work", "demo-"));
  const stateDir = fs.mkdtempSync(path.join(repo, ".tools", "work", "demo-state-"));
  cleanups.push(() => fs.rmSync(workDir, { recursive: true, force: true }), () => fs.rmSync(stateDir, { recursive: true, force: true }));
  const program = async () => {
    delete require.cache[require.resolve(exampleProgram)];
    return require(exampleProgram);
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "demo", projectName: "servicestage-job-component", program },
    {
      workDir,
      envVars: { PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "servicestage-demo-passphrase" },
      projectSettings: { name: "servicestage-job-component", runtime: "nodejs", backend: { url: `file://${stateDir}` } },
    },
  );
  await stack.setAllConfig({
    "servicestage:endpoint": { value: emulator },
    "servicestage:projectId": { value: projectId },
    "servicestage:authToken": { value: token, secret: true },
  });
  const print = (s) => process.stdout.write(s);

  await runStep(emulator, "pulumi preview", () => stack.preview({ onOutput: print }));
  await runStep(emulator, "pulumi up", () => stack.up({ onOutput: print }));
  await stack.setConfig("version", { value: "2025.0401.1" });
  await runStep(emulator, "pulumi preview --diff (version 2025.0323.15181 -> 2025.0401.1)", () => stack.preview({ diff: true, onOutput: print }));
  const up = await runStep(emulator, "pulumi up (one redeploy)", () => stack.up({ onOutput: print }));
  say(`\nstack output jobId = ${up.outputs.jobId.value}, jobStatus = ${up.outputs.jobStatus.value}`);

  const live = await control(emulator, "GET", "components/app-demo/comp-job");
  await control(emulator, "PUT", "components/app-demo/comp-job", { ...live.spec, replica: 3, version: "2025.0402.9" });
  say("\n(changed the component in the emulator behind Pulumi's back: replica 1 -> 3, version -> 2025.0402.9)");
  await runStep(emulator, "pulumi refresh (the drift shows)", () => stack.refresh({ onOutput: print, showSecrets: false }));
  await runStep(emulator, "pulumi destroy (removes from the stack; ServiceStage keeps the component)", () => stack.destroy({ onOutput: print }));
  await stack.workspace.removeStack("demo");

  say("\n=== summary");
  for (const s of steps) say(`${s.step.padEnd(78)} ${String(s.seconds).padStart(5)} s  ${String(s.calls).padStart(3)} calls  ${JSON.stringify(s.byKind)}`);
  const stats = await control(emulator, "GET", "stats");
  say(`redeploys per component: ${JSON.stringify(stats.redeploys)}; wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main()
  .catch((e) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : e}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of cleanups.reverse()) c();
  });
