/**
 * Convergence under ServiceStage's rate limit: changed components against an emulator
 * admitting 10 requests a second, checked to all succeed, none redeployed twice, within
 * 1.5x of the floor the rate sets (three requests per component).
 */
import { startEmulator } from "../emulator/server";
import { JobComponent } from "../sdk";
import { newStack } from "../test/harness/automation";
import { PROJECT_ID, TOKEN } from "../test/harness/world";
import { QUICK } from "./options";
import { CHANGED_VERSION, FIRST_VERSION, componentIds, componentInputs, componentsSeed } from "./programs";
import { record, round } from "./report";

/** 100 changed components against an emulator limited to 10 requests/s. */
export const benchThrottling = async () => {
  const n = QUICK ? 20 : 100;
  const rps = 10;
  const components = componentIds(n);
  const emulator = await startEmulator({ seed: componentsSeed(components), token: TOKEN, jobDurationMs: 0 });
  let version = FIRST_VERSION;
  const program = async () => {
    components.forEach((componentId) => new JobComponent(componentId, componentInputs(componentId, version) as never));
  };
  const env = await newStack("bench-throttle", program, {
    "servicestage:endpoint": { value: emulator.url },
    "servicestage:projectId": { value: PROJECT_ID },
    "servicestage:authToken": { value: TOKEN, secret: true },
  });
  try {
    await env.stack.up();
    version = CHANGED_VERSION;
    emulator.clearRequests();
    emulator.setRateLimit(rps);
    const t0 = performance.now();
    const up = await env.stack.up();
    const seconds = (performance.now() - t0) / 1000;
    const requests = emulator.requests();
    const throttled = requests.filter((r) => r.status === 429).length;
    const admitted = requests.length - throttled;
    // At least three requests per component: the look before the redeploy (no job runs
    // twice), the PUT, and one job poll.
    const floor = (3 * n) / rps;
    // Two redeploys each: the adoption at the first up, and this change.
    const allOnce = components.every((c) => emulator.redeployCount(c) === 2);
    const ratio = seconds / floor;
    record(
      `convergence, ${n} changed components at ${rps} req/s`,
      `${up.summary.result}; ${round(seconds, 1)} s vs floor ${floor} s = ${round(ratio)}x; ${admitted} admitted + ${throttled} throttled requests; each redeployed once: ${allOnce}`,
      "all succeed, none twice, <= 1.5x",
      up.summary.result === "succeeded" && allOnce && ratio <= 1.5,
      { seconds, floor, ratio, admitted, throttled, allOnce },
    );
  } finally {
    await env.dispose();
    await emulator.close();
  }
};
