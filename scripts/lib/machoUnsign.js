/**
 * `codesign --remove-signature` in JavaScript, for the macOS Node.js binary of
 * scripts/pack-plugin.js: injecting the single executable application's blob into a signed
 * binary leaves it with a signature that no longer matches its pages, and macOS kills a
 * process whose signature is invalid; an unsigned x86_64 executable runs (on Intel Macs, and
 * under Rosetta 2 on Apple silicon). This machine has no `codesign`, so the signature is
 * removed by hand, as codesign does it:
 *
 * 1. the LC_CODE_SIGNATURE load command goes: the load commands after it move up over it,
 *    the header's ncmds and sizeofcmds shrink, and the freed bytes at the end of the load
 *    commands are zeroed;
 * 2. the signature's bytes (dataoff, datasize) sit at the end of the __LINKEDIT segment,
 *    which is the end of the file: __LINKEDIT's filesize shrinks to end where the signature
 *    began, and its vmsize to that rounded up to the segment alignment;
 * 3. the file is truncated there.
 *
 * Only a thin 64-bit little-endian Mach-O (the x86_64 or arm64 build of node) is handled; a
 * universal ("fat") binary or anything else is refused rather than guessed at.
 *
 *   removeCodeSignature(buffer) -> a new Buffer without the signature (or the same bytes if
 *                                  it had none)
 *   loadCommands(buffer)        -> the header's fields and every load command's type, offset
 *                                  and size, for the checks (here and in the tests)
 */

const MH_MAGIC_64 = 0xfeedfacf;
const MACH_HEADER_64_SIZE = 32;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CPU_TYPE_X86_64 = 0x01000007;
const CPU_TYPE_ARM64 = 0x0100000c;
/**
 * The alignment of __LINKEDIT's vmsize: Apple's linker aligns segments to 16 KiB for arm64,
 * and node's x86_64 build has 16 KiB-aligned segments too (its __LINKEDIT vmsize is a multiple
 * of 0x4000). A multiple of 16 KiB is a multiple of x86_64's 4 KiB pages as well.
 */
const SEGMENT_ALIGN = 0x4000;

/** The mach_header_64 (magic, cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags) and the load commands after it. */
const loadCommands = (buffer) => {
  if (buffer.length < MACH_HEADER_64_SIZE || buffer.readUInt32LE(0) !== MH_MAGIC_64) {
    throw new Error("not a thin 64-bit little-endian Mach-O (a universal binary, or not Mach-O at all)");
  }
  const header = {
    cputype: buffer.readUInt32LE(4),
    cpusubtype: buffer.readUInt32LE(8),
    filetype: buffer.readUInt32LE(12),
    ncmds: buffer.readUInt32LE(16),
    sizeofcmds: buffer.readUInt32LE(20),
    flags: buffer.readUInt32LE(24),
  };
  const commands = [];
  let at = MACH_HEADER_64_SIZE;
  for (let i = 0; i < header.ncmds; i++) {
    const cmd = buffer.readUInt32LE(at);
    const cmdsize = buffer.readUInt32LE(at + 4);
    if (cmdsize < 8 || at + cmdsize > MACH_HEADER_64_SIZE + header.sizeofcmds)
      throw new Error(`load command ${i} (0x${cmd.toString(16)}) overruns the load commands`);
    const command = { cmd, cmdsize, offset: at };
    if (cmd === LC_SEGMENT_64) {
      command.segname = buffer.toString("latin1", at + 8, at + 24).replace(/\0+$/, "");
      command.vmaddr = buffer.readBigUInt64LE(at + 24);
      command.vmsize = buffer.readBigUInt64LE(at + 32);
      command.fileoff = buffer.readBigUInt64LE(at + 40);
      command.filesize = buffer.readBigUInt64LE(at + 48);
    }
    if (cmd === LC_CODE_SIGNATURE) {
      command.dataoff = buffer.readUInt32LE(at + 8);
      command.datasize = buffer.readUInt32LE(at + 12);
    }
    commands.push(command);
    at += cmdsize;
  }
  return { header, commands };
};

const roundUp = (value, align) => ((value + align - 1n) / align) * align;

const removeCodeSignature = (input) => {
  const { header, commands } = loadCommands(input);
  if (header.cputype !== CPU_TYPE_X86_64 && header.cputype !== CPU_TYPE_ARM64) throw new Error(`unexpected Mach-O cputype 0x${header.cputype.toString(16)}`);
  const signature = commands.find((c) => c.cmd === LC_CODE_SIGNATURE);
  if (signature === undefined) return Buffer.from(input);
  const linkedit = commands.find((c) => c.segname === "__LINKEDIT");
  if (linkedit === undefined) throw new Error("a code signature but no __LINKEDIT segment");
  const start = BigInt(signature.dataoff);
  const linkeditEnd = linkedit.fileoff + linkedit.filesize;
  // codesign puts the signature last in __LINKEDIT, and __LINKEDIT last in the file; anything else is not what node ships.
  if (start < linkedit.fileoff || start + BigInt(signature.datasize) > linkeditEnd || linkeditEnd !== BigInt(input.length)) {
    throw new Error(
      `the code signature (at ${signature.dataoff}, ${signature.datasize} bytes) is not at the end of __LINKEDIT (${linkedit.fileoff}+${linkedit.filesize}) and of the file (${input.length} bytes)`,
    );
  }
  for (const c of commands) {
    if (c.cmd === LC_SEGMENT_64 && c !== linkedit && c.filesize > 0n && c.fileoff + c.filesize > start)
      throw new Error(`segment ${c.segname} overlaps the code signature`);
  }

  const output = Buffer.from(input.subarray(0, Number(start))); // 3. truncated where the signature began

  // 1. The load commands after LC_CODE_SIGNATURE move up over it; the freed bytes are zeroed.
  const commandsEnd = MACH_HEADER_64_SIZE + header.sizeofcmds;
  input.copy(output, signature.offset, signature.offset + signature.cmdsize, commandsEnd);
  output.fill(0, commandsEnd - signature.cmdsize, commandsEnd);
  output.writeUInt32LE(header.ncmds - 1, 16);
  output.writeUInt32LE(header.sizeofcmds - signature.cmdsize, 20);

  // 2. __LINKEDIT ends where the signature began. Its command sits where it was, or cmdsize bytes higher if it came after LC_CODE_SIGNATURE.
  const linkeditAt = linkedit.offset > signature.offset ? linkedit.offset - signature.cmdsize : linkedit.offset;
  const filesize = start - linkedit.fileoff;
  output.writeBigUInt64LE(roundUp(filesize, BigInt(SEGMENT_ALIGN)), linkeditAt + 32); // vmsize
  output.writeBigUInt64LE(filesize, linkeditAt + 48); // filesize
  return output;
};

module.exports = { removeCodeSignature, loadCommands, LC_CODE_SIGNATURE, LC_SEGMENT_64, CPU_TYPE_X86_64, CPU_TYPE_ARM64 };
