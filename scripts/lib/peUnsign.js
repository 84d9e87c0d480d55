/**
 * `signtool remove /s` in JavaScript, for the Windows Node.js binary of scripts/pack-plugin.js.
 * node.exe carries an Authenticode signature, which the injection of the single executable
 * application's blob would invalidate anyway; worse, postject (LIEF) lays the sections out anew
 * but keeps the certificate table's entry, which then points into the rebuilt .rsrc section, so
 * the executable would claim a signature made of resource bytes. Windows runs unsigned
 * executables, so the signature is removed before injecting, as signtool does:
 *
 * 1. the certificate table (the attribute certificates, not mapped into memory) sits at the end
 *    of the file: the file is truncated where it begins;
 * 2. the optional header's data directory entry IMAGE_DIRECTORY_ENTRY_SECURITY (4), which gives
 *    its file offset and size, is zeroed.
 *
 * The optional header's CheckSum is left as it is: Windows checks it for drivers and boot
 * images only, and LIEF rewrites the file anyway.
 *
 *   removeAuthenticode(buffer) -> a new Buffer without the certificate table (or the same bytes if it had none)
 *   securityDirectory(buffer)  -> { at, offset, size }: where the entry is and what it says
 */

const IMAGE_DIRECTORY_ENTRY_SECURITY = 4;
const PE32 = 0x10b;
const PE32_PLUS = 0x20b;

const securityDirectory = (buffer) => {
  if (buffer.length < 0x40 || buffer.toString("latin1", 0, 2) !== "MZ") throw new Error("not a PE file (no MZ header)");
  const pe = buffer.readUInt32LE(0x3c);
  if (buffer.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error("not a PE file (no PE signature)");
  const optional = pe + 4 + 20; // after the signature and the COFF file header
  const magic = buffer.readUInt16LE(optional);
  // The data directories follow the optional header's fixed fields: 96 bytes of them in PE32, 112 in PE32+.
  const directories = optional + (magic === PE32_PLUS ? 112 : magic === PE32 ? 96 : NaN);
  if (Number.isNaN(directories)) throw new Error(`unexpected PE optional header magic 0x${magic.toString(16)}`);
  const count = buffer.readUInt32LE(directories - 4); // NumberOfRvaAndSizes
  if (count <= IMAGE_DIRECTORY_ENTRY_SECURITY) return { at: undefined, offset: 0, size: 0 };
  const at = directories + IMAGE_DIRECTORY_ENTRY_SECURITY * 8;
  // The one data directory whose address is a file offset, not a relative virtual address.
  return { at, offset: buffer.readUInt32LE(at), size: buffer.readUInt32LE(at + 4) };
};

const removeAuthenticode = (input) => {
  const { at, offset, size } = securityDirectory(input);
  if (at === undefined || size === 0) return Buffer.from(input);
  // The table's entries are 8-byte aligned, so the file may end with up to 7 bytes of padding after it.
  if (offset + size > input.length || input.length - (offset + size) > 7) {
    throw new Error(`the certificate table (at ${offset}, ${size} bytes) is not at the end of the file (${input.length} bytes)`);
  }
  const output = Buffer.from(input.subarray(0, offset));
  output.fill(0, at, at + 8);
  return output;
};

module.exports = { removeAuthenticode, securityDirectory };
