#!/usr/bin/env node
// Engine smoke test: one pulumi.dynamic.Resource through the real Pulumi CLI
// engine, using an Automation API inline program (no pulumi-language-nodejs).
//
// Needs `pulumi` and `pulumi-resource-pulumi-nodejs` on PATH:
//   PATH="$(scripts/provision-pulumi.sh):$PATH" node test/engine/smoke.js
// Offline settings (local file backend, passphrase, PULUMI_HOME) are taken from
// the environment when set (see scripts/pulumi-env.sh), else temp dirs are used.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { LocalWorkspace } = require("@pulumi/pulumi/automation");

const repoRoot = path.resolve(__dirname, "..", "..");

function tmpDir(prefix, base = os.tmpdir()) {
    fs.mkdirSync(base, { recursive: true });
    return fs.mkdtempSync(path.join(base, prefix));
}

const backendUrl = process.env.PULUMI_BACKEND_URL || `file://${tmpDir("pulumi-state-")}`;
const pulumiHome = process.env.PULUMI_HOME || tmpDir("pulumi-home-");
// The engine starts the dynamic-provider plugin in the workspace directory and
// its shim (`node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`)
// and the deserialized provider resolve modules from there, so the work dir
// must sit inside the repository (under the git-ignored .tools/), not in /tmp.
// SMOKE_WORKDIR_IN_TMP=1 demonstrates the failure otherwise.
const workDir = process.env.SMOKE_WORKDIR_IN_TMP
    ? tmpDir("automation-")
    : tmpDir("smoke-", path.join(repoRoot, ".tools", "work"));

const projectName = "servicestage-smoke";
const stackName = "smoke";

const envVars = {
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE || "servicestage-demo-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
};

const trivialProvider = {
    async create(inputs) {
        return { id: "x", outs: { a: 1 } };
    },
};

class Trivial extends pulumi.dynamic.Resource {
    constructor(name, opts) {
        super(trivialProvider, name, { a: undefined }, opts);
    }
}

const program = async () => {
    const r = new Trivial("trivial");
    return { id: r.id, a: r.a };
};

function timed(label, fn) {
    return async () => {
        const t0 = Date.now();
        const res = await fn();
        const ms = Date.now() - t0;
        console.log(`${label}: ${ms} ms`);
        return res;
    };
}

async function main() {
    console.log(`backend ${backendUrl}\nPULUMI_HOME ${pulumiHome}\nworkDir ${workDir}`);
    const t0 = Date.now();
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName, program },
        {
            workDir,
            pulumiHome,
            envVars,
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url: backendUrl } },
        },
    );
    console.log(`createOrSelectStack: ${Date.now() - t0} ms`);
    const onOutput = process.env.SMOKE_VERBOSE ? (s) => process.stderr.write(s) : undefined;

    const pre = await timed("preview", () => stack.preview({ onOutput }))();
    console.log("preview changeSummary:", JSON.stringify(pre.changeSummary));

    const up = await timed("up", () => stack.up({ onOutput }))();
    console.log("up summary:", JSON.stringify({ result: up.summary.result, resourceChanges: up.summary.resourceChanges }));
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    console.log("up outputs:", JSON.stringify(outputs));
    if (outputs.id !== "x" || outputs.a !== 1) {
        throw new Error(`unexpected outputs ${JSON.stringify(outputs)}`);
    }

    const down = await timed("destroy", () => stack.destroy({ onOutput }))();
    console.log("destroy summary:", JSON.stringify({ result: down.summary.result, resourceChanges: down.summary.resourceChanges }));

    await stack.workspace.removeStack(stackName);
    console.log(`total: ${Date.now() - t0} ms`);
}

main().then(
    () => {
        if (!process.env.SMOKE_WORKDIR_IN_TMP) fs.rmSync(workDir, { recursive: true, force: true });
    },
    (err) => {
        console.error("smoke FAILED:", err && err.stack ? err.stack : err);
        process.exitCode = 1;
    },
);
