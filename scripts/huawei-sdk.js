#!/usr/bin/env node
/**
 * Huawei's own Python SDK, pinned, in a virtualenv of its own (.tools/huawei-sdk, made on
 * first use from the Python package index): the reference test/oracle runs this package
 * against (credential resolution, configparser, signing, the answers' models).
 *
 *   node scripts/huawei-sdk.js     prints the virtualenv's python
 */
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
/** The version the issues name; core, ServiceStage, IAM and STS are released together. */
const REQUIREMENTS = ["huaweicloudsdkcore==3.1.219", "huaweicloudsdkservicestage==3.1.219", "huaweicloudsdkiam==3.1.219", "huaweicloudsdksts==3.1.219"];
const venv = path.join(repo, ".tools", "huawei-sdk");
const python = path.join(venv, "bin", "python");

const huaweiSdkPython = () => {
  const stamp = path.join(venv, "requirements.txt");
  const wanted = REQUIREMENTS.join("\n");
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) return python;
  fs.rmSync(venv, { recursive: true, force: true });
  const run = (file, args) => execFileSync(file, args, { stdio: ["ignore", "pipe", "inherit"] });
  run("python3", ["-m", "venv", venv]);
  run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...REQUIREMENTS]);
  fs.writeFileSync(stamp, wanted);
  return python;
};

module.exports = { huaweiSdkPython, REQUIREMENTS };

if (require.main === module) process.stdout.write(`${huaweiSdkPython()}\n`);
