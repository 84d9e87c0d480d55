#!/usr/bin/env node
// Programs inside this repository (examples/, the engine tests) load the package the way
// users do, by name: the serialized provider shim calls require("pulumi-servicestage/provider")
// from the program's directory. This link makes that name resolve to this checkout.
const fs = require("node:fs");
const path = require("node:path");
const link = path.join(__dirname, "..", "node_modules", "pulumi-servicestage");
try {
  if (fs.readlinkSync(link) === "..") process.exit(0);
  fs.rmSync(link, { force: true, recursive: true });
} catch {
  // not there yet
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
