#!/usr/bin/env node
/**
 * `npm run demo`: the job-component example end to end with no cloud account, run the way
 * a user runs it: the plain `pulumi` CLI inside examples/job-component, against the
 * package's own ServiceStage emulator on 127.0.0.1.
 *
 *   stack init, config, preview, up, `pulumi config set version ...`, preview --diff, up
 *   (one redeploy), an out-of-band change in the emulator and refresh, destroy, stack rm
 *
 * It prints what the emulator saw at each step and fails if a step makes calls it must not
 * (a preview that calls ServiceStage, a version change that is not exactly one redeploy).
 * Needs `pulumi`, `pulumi-language-nodejs` and the dynamic-provider plugin on PATH:
 * `npm run demo` sources scripts/pulumi-env.sh, which provisions them. The stack lives in a
 * temporary local backend (scripts/offline-env.js) and its config file is removed at the end.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { offlineEnv } = require("./offline-env");

const repo = path.resolve(__dirname, "..");
const exampleDir = path.join(repo, "examples", "job-component");
const seedFile = path.join(repo, "emulator", "seed.example.json");
const projectId = JSON.parse(fs.readFileSync(seedFile, "utf8")).projectId;
const token = "demo-token"; // the emulator's; set as a secret stack config value, never in code
const stackName = `demo-${process.pid}`;
const started = Date.now();
const steps = [];
const cleanups = [];

const say = (line) => process.stdout.write(`${line}\n`);

const startEmulator = () =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repo, "dist", "emulator", "cli.js"), "--port", "0", "--seed", seedFile, "--token", token, "--job-duration-ms", "1500", "--quiet"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
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
  const res = await fetch(`${url}/__control/${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator control ${method} ${route}: HTTP ${res.status}`);
  return res.status === 204 ? undefined : res.json();
};

/** Runs `pulumi <args>` in the example folder, echoing its output; resolves with the output, rejects on a non-zero exit. */
const pulumi = (args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--stack", stackName, "--non-interactive"], { cwd: exampleDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const echo = (d) => {
      out += d;
      process.stdout.write(d);
    };
    child.stdout.on("data", echo);
    child.stderr.on("data", echo);
    child.on("error", (e) => reject(new Error(`cannot run pulumi (${e.message}): run \`npm run demo\`, which provisions it`)));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`pulumi ${args.join(" ")} exited with ${code}`))));
  });

/** Runs one step, counts what the emulator saw, and checks it with `expect(byKind)`. */
const runStep = async (emulator, name, action, expect = () => undefined) => {
  await control(emulator, "DELETE", "requests");
  const t0 = Date.now();
  say(`\n=== ${name}`);
  await action();
  const calls = await control(emulator, "GET", "requests");
  const byKind = {};
  for (const c of calls) {
    const kind = `${c.method} ${c.path.replace(`/v3/${projectId}/cas/`, "").replace(/JOB[\w-]+/, "{job}")}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  steps.push({ step: name, seconds: ((Date.now() - t0) / 1000).toFixed(1), calls: calls.length, byKind });
  const problem = expect(byKind, calls);
  if (problem) throw new Error(`${name}: ${problem} (the emulator saw ${JSON.stringify(byKind)})`);
};

const count = (byKind, method) => Object.entries(byKind).reduce((n, [kind, c]) => (kind.startsWith(`${method} `) ? n + c : n), 0);
const noCalls = (byKind) => (Object.keys(byKind).length === 0 ? undefined : "expected no HTTP call");
const redeploysOnce = (byKind) =>
  byKind["PUT applications/app-demo/components/comp-job/redeployment"] === 1 && count(byKind, "PUT") === 1 ? undefined : "expected exactly one redeploy";
const readsOnly = (byKind) => (count(byKind, "GET") > 0 && count(byKind, "PUT") === 0 ? undefined : "expected reads only");

async function main() {
  if (!fs.existsSync(path.join(repo, "dist", "emulator", "cli.js"))) throw new Error("dist/ is missing: run `npm ci` (or `npm run build`) first");
  const emulator = await startEmulator();
  say(`emulator: ${emulator}`);

  // A throw-away local backend and Pulumi home: the demo never touches the caller's stacks.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-demo-"));
  cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const env = { ...process.env, ...offlineEnv(scratch) };
  // The stack's settings file lands in the example folder, as for any user; remove it after.
  const stackFile = path.join(exampleDir, `Pulumi.${stackName}.yaml`);
  cleanups.push(() => fs.rmSync(stackFile, { force: true }));

  say(`\n=== pulumi stack init ${stackName}; pulumi config set (endpoint, project, --secret token)   [in examples/job-component]`);
  await pulumi(["stack", "init"], env);
  await pulumi(["config", "set", "servicestage:endpoint", emulator], env);
  await pulumi(["config", "set", "servicestage:projectId", projectId], env);
  await pulumi(["config", "set", "--secret", "servicestage:authToken", token], env);

  await runStep(emulator, "pulumi preview", () => pulumi(["preview"], env), noCalls);
  await runStep(
    emulator,
    "pulumi up",
    () => pulumi(["up", "--yes", "--skip-preview"], env),
    (byKind) => (count(byKind, "PUT") === 1 ? undefined : "expected one redeploy"),
  );
  say("\n=== pulumi config set version 2025.0401.1");
  await pulumi(["config", "set", "version", "2025.0401.1"], env);
  await runStep(
    emulator,
    "pulumi preview --diff (version 2025.0323.15181 -> 2025.0401.1)",
    async () => {
      const out = await pulumi(["preview", "--diff"], env);
      if (!/~ version\s*: "2025.0323.15181" => "2025.0401.1"/.test(out)) throw new Error("the preview does not show the version change");
    },
    noCalls,
  );
  await runStep(emulator, "pulumi up (one redeploy)", () => pulumi(["up", "--yes", "--skip-preview"], env), redeploysOnce);
  const outputs = JSON.parse(await pulumi(["stack", "output", "--json"], env).then((s) => s.slice(s.indexOf("{"))));
  say(`stack output jobId = ${outputs.jobId}, jobStatus = ${outputs.jobStatus}`);

  const live = await control(emulator, "GET", "components/app-demo/comp-job");
  await control(emulator, "PUT", "components/app-demo/comp-job", { ...live.spec, replica: 3, version: "2025.0402.9" });
  say("\n(changed the component in the emulator behind Pulumi's back: replica 1 -> 3, version -> 2025.0402.9)");
  await runStep(
    emulator,
    "pulumi refresh (the drift shows)",
    async () => {
      const out = await pulumi(["refresh", "--yes", "--skip-preview", "--diff"], env);
      if (!/2025\.0402\.9/.test(out)) throw new Error("the refresh does not show the out-of-band version");
    },
    readsOnly,
  );
  await runStep(
    emulator,
    "pulumi destroy (removes from the stack; ServiceStage keeps the component)",
    () => pulumi(["destroy", "--yes", "--skip-preview"], env),
    noCalls,
  );
  await pulumi(["stack", "rm", "--yes"], env);

  say("\n=== summary (calls the emulator saw)");
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
