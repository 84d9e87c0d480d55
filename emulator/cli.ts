#!/usr/bin/env node
/**
 * servicestage-emulator --port N [--seed file.json] [--token T] [--access-key AK --secret-key SK]
 *                       [--job-duration-ms N] [--not-found-as-401] [--quiet]
 *
 * Prints exactly one line to stdout once listening (scripts wait for it and read the
 * URL from it); request logs go to stderr unless --quiet. Stops on SIGINT/SIGTERM.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EmulatorOptions, startEmulator } from "./server";
import { parseSeed } from "./state";

const USAGE =
  "usage: servicestage-emulator --port N [--seed file.json] [--token T] [--access-key AK --secret-key SK] [--job-duration-ms N] [--not-found-as-401] [--quiet]";

function nonNegativeInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function optionsFrom(argv: string[]): EmulatorOptions & { quiet: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      seed: { type: "string" },
      token: { type: "string" },
      "access-key": { type: "string" },
      "secret-key": { type: "string" },
      "job-duration-ms": { type: "string" },
      "not-found-as-401": { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  // One without the other would silently keep a default half of the pair.
  if ((values["access-key"] === undefined) !== (values["secret-key"] === undefined)) throw new Error("--access-key and --secret-key go together");
  const port = nonNegativeInteger("port", values.port);
  if (port !== undefined && port > 65535) throw new Error("--port must be at most 65535");
  return {
    port,
    seed: values.seed === undefined ? undefined : parseSeed(JSON.parse(readFileSync(values.seed, "utf8"))),
    token: values.token,
    accessKey: values["access-key"],
    secretKey: values["secret-key"],
    jobDurationMs: nonNegativeInteger("job-duration-ms", values["job-duration-ms"]),
    notFoundAs401: values["not-found-as-401"] ?? false,
    quiet: values.quiet ?? false,
  };
}

async function main(): Promise<void> {
  let options: EmulatorOptions & { quiet: boolean };
  try {
    options = optionsFrom(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`servicestage-emulator: ${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator({ ...options, log: options.quiet ? undefined : (line) => process.stderr.write(line + "\n") });
  process.stdout.write(`servicestage-emulator listening on ${emulator.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`servicestage-emulator: error while stopping: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`servicestage-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
