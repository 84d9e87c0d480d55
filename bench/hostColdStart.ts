/**
 * The dynamic-provider host's cold start: from starting the host to its answer to the
 * first Check of a JobComponent, against the same for the no-op dynamic provider
 * (bench/noopDynamic.ts), so that the ratio is what loading our provider adds to every
 * operation's start.
 */
import { captureInputs, unwrapSecrets } from "../test/harness/captureInputs";
import { repo } from "../test/harness/automation";
import { startProviderHost } from "../test/harness/providerHost";
import { PROJECT_ID, TOKEN } from "../test/harness/world";
import { Noop } from "./noopDynamic";
import { RUNS } from "./options";
import { median, record, round } from "./report";

/** `ourInputs`: a JobComponent's registered inputs (benchProviderSize's first resource). */
export const benchHostColdStart = async (ourInputs: Record<string, unknown>) => {
  const noopRegistered = await captureInputs(() => [new Noop("noop", { a: 1 })]);
  const noopInputs = noopRegistered[0].inputs;
  const measure = async (inputs: Record<string, unknown>) => {
    const t0 = process.hrtime.bigint();
    const host = await startProviderHost(repo, { HW_AUTH_TOKEN: "" });
    try {
      // Check refuses a resource it could not reach (no project, credentials or endpoint), as the up would; it calls nothing.
      await host.configure({ "servicestage:endpoint": "http://127.0.0.1:9", "servicestage:projectId": PROJECT_ID, "servicestage:authToken": TOKEN });
      await host.check({}, unwrapSecrets(inputs));
      return Number(process.hrtime.bigint() - t0) / 1e6;
    } finally {
      await host.close();
    }
  };
  const ours: number[] = [];
  const noop: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    // Alternate, and drop the first pair (file-system cache warm-up).
    const a = await measure(ourInputs);
    const b = await measure(noopInputs);
    if (i > 0) {
      ours.push(a);
      noop.push(b);
    }
  }
  const ratio = median(ours) / median(noop);
  record(
    "host cold start to first Check (ours / no-op)",
    `${round(median(ours), 0)} ms / ${round(median(noop), 0)} ms = ${round(ratio)}x`,
    "<= 1.15x",
    ratio <= 1.15,
    { oursMs: ours, noopMs: noop, ratio },
  );
};
