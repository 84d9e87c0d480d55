/**
 * The shared client-side pace: many concurrent calls against an emulator limited to
 * 10 requests/s all succeed, with few 429s, close to the limit's floor.
 */
import { startEmulator } from "../../emulator/server";
import { ServiceStageClient } from "../../provider/client";
import { AdaptiveThrottle } from "../../provider/throttle";
import { COMPONENT, PROJECT_ID, TOKEN, seed } from "../harness/world";

test("60 concurrent reads at 10 req/s: all succeed, few throttled, near the floor", async () => {
  const emulator = await startEmulator({ seed: seed(), token: TOKEN });
  try {
    emulator.setRateLimit(10);
    const client = new ServiceStageClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: { kind: "token", token: TOKEN } });
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, () => client.getComponent(COMPONENT)));
    const seconds = (Date.now() - t0) / 1000;
    expect(results.every((r) => r.found)).toBe(true);
    const throttled = emulator.requests().filter((r) => r.status === 429).length;
    // The first burst meets the wall once (50 of 60 throttled); after that the pace
    // follows the limit, so few more 429s, and the wall time stays near the 6 s floor.
    expect(throttled - 50).toBeLessThanOrEqual(10);
    expect(seconds).toBeGreaterThanOrEqual(5);
    expect(seconds).toBeLessThan(9);
  } finally {
    await emulator.close();
  }
}, 30_000);

test("the pace drops below what was admitted on a 429 and creeps back up", () => {
  const throttle = new AdaptiveThrottle();
  expect(throttle.currentRate).toBeUndefined();
  const t = Date.now();
  for (let i = 0; i < 10; i++) throttle.onAdmitted(t - 500 + i);
  throttle.onThrottled(t, undefined);
  expect(throttle.currentRate).toBeCloseTo(9);
  // Other 429s of the same burst do not lower it again.
  throttle.onThrottled(t, undefined);
  expect(throttle.currentRate).toBeCloseTo(9);
  for (let i = 0; i < 9; i++) throttle.onAdmitted(Date.now());
  expect(throttle.currentRate).toBeGreaterThan(9.9);
  throttle.onThrottled(Date.now() + 5, 1000);
  expect(throttle.currentRate).toBeLessThan(9.9);
});
