/**
 * The entry point of pulumi-resource-servicestage (bin/pulumi-resource-servicestage runs
 * the build of this file). The engine starts it with its own gRPC address as the first
 * argument (after flags such as `--logtostderr`, `-v=9`, `--tracing <endpoint>`), reads
 * the port from the first line of stdout, and ends the process when it is done with it.
 */
import { serve } from "./server";

/** The engine's address: the first argument that is not one of the flags the engine may prepend. */
const engineAddressOf = (args: readonly string[]): string | undefined => {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--logtostderr" || args[i].startsWith("-v=")) continue;
    if (args[i] === "--tracing") {
      i++;
      continue;
    }
    rest.push(args[i]);
  }
  return rest[0];
};

serve({ engineAddress: engineAddressOf(process.argv.slice(2)) }).then(
  // The port alone on the first line of stdout: the engine's handshake. The gRPC server keeps the process alive.
  ({ port }) => process.stdout.write(`${port}\n`),
  (e: unknown) => {
    process.stderr.write(`pulumi-resource-servicestage: could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
