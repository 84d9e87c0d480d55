#!/usr/bin/env node
/**
 * The one home of the settings that run the Pulumi CLI offline: a local file backend and a
 * Pulumi home in a folder the run owns, a fixed passphrase, no update check, no plugin
 * downloads (the plugins come from PATH: scripts/provision-pulumi.sh).
 *
 * Node (scripts/demo.js, test/harness/cli.ts, test/harness/automation.ts):
 *   const env = { ...process.env, ...offlineEnv(scratchDir) };   // <scratchDir>/state, <scratchDir>/home
 * Shell (scripts/pulumi-env.sh):
 *   eval "$(node scripts/offline-env.js --shell)"
 *   prints `export` lines; a backend, a home or a passphrase already set in the environment is kept,
 *   and the missing backend and home go into a new temporary folder.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The settings every offline run has. */
const OFFLINE_SETTINGS = Object.freeze({
  // A fixed, public passphrase: it only protects throw-away local stacks.
  PULUMI_CONFIG_PASSPHRASE: "servicestage-demo-passphrase",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  // Off a Huawei Cloud VM the metadata service (169.254.169.254) is not there: a run with no
  // credentials set asks a closed loopback port instead, so that it fails at once and no
  // request ever leaves the machine (provider/credentialSources.ts, the last source).
  SERVICESTAGE_METADATA_ENDPOINT: "http://127.0.0.1:9",
});

/** Creates `<scratch>/state` and returns the file backend's URL for it. */
const backendIn = (scratch) => {
  const dir = path.join(scratch, "state");
  fs.mkdirSync(dir, { recursive: true });
  return `file://${dir}`;
};

/** Creates `<scratch>/home` for the Pulumi home (plugins, credentials, workspace settings) and returns it. */
const homeIn = (scratch) => {
  const dir = path.join(scratch, "home");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

/**
 * Every offline setting, with the backend and the Pulumi home inside `scratch` (an absolute
 * folder the caller owns and removes).
 * @param {string} scratch
 */
const offlineEnv = (scratch) => ({ ...OFFLINE_SETTINGS, PULUMI_BACKEND_URL: backendIn(scratch), PULUMI_HOME: homeIn(scratch) });

/** Quotes a value for a POSIX shell (bash, zsh). */
const shellQuote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * `export` lines for the settings `env` lacks: what `. scripts/pulumi-env.sh` evaluates.
 * @param {NodeJS.ProcessEnv} env
 */
const shellExports = (env) => {
  const settings = { ...OFFLINE_SETTINGS };
  // The caller's own passphrase (even an empty one) opens the caller's own stacks.
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) delete settings.PULUMI_CONFIG_PASSPHRASE;
  let scratch;
  const scratchDir = () => (scratch ??= fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-offline-")));
  if (!env.PULUMI_BACKEND_URL) settings.PULUMI_BACKEND_URL = backendIn(scratchDir());
  if (!env.PULUMI_HOME) settings.PULUMI_HOME = homeIn(scratchDir());
  return Object.entries(settings)
    .map(([key, value]) => `export ${key}=${shellQuote(value)}\n`)
    .join("");
};

module.exports = { offlineEnv };

if (require.main === module) {
  if (process.argv[2] !== "--shell" || process.argv.length !== 3) {
    process.stderr.write("usage: node scripts/offline-env.js --shell   (prints export lines for eval)\n");
    process.exit(2);
  }
  process.stdout.write(shellExports(process.env));
}
