/**
 * The dynamic resources through the real engine (Automation API inline programs, so that
 * ours and the no-op run in one program shape): wall time of preview and up for N
 * resources from an empty stack, then (beyond one resource) of an up that changes every
 * resource's version, ours against the emulator and the no-op (bench/noopDynamic.ts); the
 * ServiceStage calls of each phase, checked against the minimum; and the provider host's
 * peak RSS at the largest N.
 */
import { startEmulator } from "../emulator/server";
import { JobComponent } from "../sdk";
import { newStack } from "../test/harness/automation";
import { PROJECT_ID, TOKEN } from "../test/harness/world";
import { Noop } from "./noopDynamic";
import { ENGINE_RUNS, SIZES } from "./options";
import {
  CHANGED_VERSION,
  FIRST_VERSION,
  callCounts,
  componentIds,
  componentInputs,
  componentsSeed,
  describeCalls,
  emptyTimes,
  type EngineTimes,
} from "./programs";
import { record, recordRatio, round } from "./report";
import { watchProviderHostRss } from "./rss";

/** Records the rows; returns the times by N, which the YAML plugin figure compares itself with. */
export const benchEngine = async (): Promise<Map<number, EngineTimes>> => {
  const timesBySize = new Map<number, EngineTimes>();
  for (const n of SIZES) {
    const components = componentIds(n);
    // The update's cost (one GET of the component before each redeploy, to see whether it carries the spec already) is measured where it adds up.
    const measureUpdate = n > 1;
    const times = emptyTimes();
    timesBySize.set(n, times);
    let calls: Record<string, number> = {};
    let peakRssMb = 0;
    for (let run = 0; run < ENGINE_RUNS; run++) {
      for (const kind of ["ours", "noop"] as const) {
        const emulator = await startEmulator({ seed: componentsSeed(components), token: TOKEN, jobDurationMs: 0 });
        let version = FIRST_VERSION;
        const program = async () => {
          if (kind === "ours") components.forEach((componentId) => new JobComponent(componentId, componentInputs(componentId, version) as never));
          else components.forEach((componentId) => new Noop(componentId, componentInputs(componentId, version)));
        };
        const env = await newStack(`bench-${kind}-${n}`, program, {
          "servicestage:endpoint": { value: emulator.url },
          "servicestage:projectId": { value: PROJECT_ID },
          "servicestage:authToken": { value: TOKEN, secret: true },
        });
        try {
          let t0 = performance.now();
          await env.stack.preview();
          times[`${kind}Preview`].push(performance.now() - t0);
          const previewCalls = emulator.requests().length;
          const stopRss = kind === "ours" ? watchProviderHostRss() : undefined;
          t0 = performance.now();
          await env.stack.up();
          times[`${kind}Up`].push(performance.now() - t0);
          if (stopRss !== undefined) peakRssMb = Math.max(peakRssMb, stopRss());
          const upRequests = emulator.requests();
          emulator.clearRequests();
          // Before the refresh below, so that ours and the no-op update from the same state.
          if (measureUpdate) {
            version = CHANGED_VERSION;
            t0 = performance.now();
            const update = await env.stack.up();
            times[`${kind}Update`].push(performance.now() - t0);
            const updated = update.summary.resourceChanges?.update ?? 0;
            if (updated !== n) throw new Error(`the ${kind} update phase updated ${updated} of ${n} resources: not the cost of ${n} updates`);
          }
          const updateRequests = emulator.requests();
          emulator.clearRequests();
          if (kind === "ours" && run === 0) {
            await env.stack.refresh();
            const refreshRequests = emulator.requests();
            calls = {
              ...callCounts(previewCalls, upRequests, updateRequests),
              refreshGet: refreshRequests.filter((r) => r.method === "GET").length,
              refreshOther: refreshRequests.filter((r) => r.method !== "GET").length,
            };
          }
        } finally {
          await env.dispose();
          await emulator.close();
        }
      }
    }
    recordRatio(`pulumi preview, ${n} JobComponents (ours / no-op)`, times.oursPreview, times.noopPreview, 1.1, times);
    recordRatio(`pulumi up, ${n} JobComponents (ours / no-op)`, times.oursUp, times.noopUp, 1.25, times);
    if (measureUpdate) recordRatio(`pulumi up, ${n} changed JobComponents (ours / no-op)`, times.oursUpdate, times.noopUpdate, 1.3, times);
    // An update looks at the component exactly once (does it carry the spec already?) and redeploys once.
    const updateMinimal = !measureUpdate || (calls.updateComponentGet === n && calls.updatePut === n);
    const minimal = calls.preview === 0 && calls.upPut === n && calls.refreshGet === n && calls.refreshOther === 0 && updateMinimal;
    record(
      `HTTP calls, ${n} JobComponents`,
      `${describeCalls(calls, measureUpdate)}; refresh ${calls.refreshGet} GET`,
      `preview 0; up ${n} PUT + polls${measureUpdate ? `; update ${n} GET + ${n} PUT + polls` : ""}; refresh ${n} GET`,
      minimal,
      calls,
    );
    if (n === Math.max(...SIZES)) record(`peak RSS of the provider host, ${n} resources`, `${round(peakRssMb, 0)} MB`, "< 200 MB", peakRssMb < 200, peakRssMb);
  }
  return timesBySize;
};
