/**
 * One client-side pace per ServiceStage endpoint, shared by every resource in the
 * provider host. Until the server throttles, requests go out freely. On a 429 the pace
 * is set just under what the server admitted in the second before that request
 * (decreasing at most once per burst: the other 429s of the same burst say nothing
 * new), everyone waits out the Retry-After together, and each admitted request raises
 * the pace a little. Without this, a hundred resources retry into the same wall and
 * spend their attempts on 429s; with it, requests arrive near the server's limit.
 */
import { setTimeout as sleep } from "node:timers/promises";

export class AdaptiveThrottle {
  /** Requests per second; undefined until the server first throttles. */
  private rate: number | undefined;
  private nextSlot = 0;
  private pausedUntil = 0;
  private lastDecrease = 0;
  /** Send times of admitted requests in the last few seconds. */
  private admittedSentAt: number[] = [];

  constructor(private readonly minRate = 0.5) {}

  /** Waits for this request's turn; returns its send time, to hand back with the outcome. */
  async acquire(): Promise<number> {
    const now = Date.now();
    let at = Math.max(now, this.pausedUntil);
    if (this.rate !== undefined) {
      at = Math.max(at, this.nextSlot);
      this.nextSlot = at + 1000 / this.rate;
    }
    if (at > now) await sleep(at - now);
    return Date.now();
  }

  onAdmitted(sentAt: number): void {
    this.admittedSentAt.push(sentAt);
    const horizon = Date.now() - 5000;
    while (this.admittedSentAt.length > 0 && this.admittedSentAt[0] < horizon) this.admittedSentAt.shift();
    if (this.rate !== undefined) this.rate += 1 / this.rate;
  }

  onThrottled(sentAt: number, retryAfterMs: number | undefined): void {
    const now = Date.now();
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    if (sentAt > this.lastDecrease) {
      const admittedBefore = this.admittedSentAt.filter((t) => t > sentAt - 1000 && t <= sentAt).length;
      this.rate = Math.max(this.minRate, 0.9 * (this.rate === undefined ? Math.max(1, admittedBefore) : Math.min(this.rate, Math.max(1, admittedBefore))));
      this.lastDecrease = now;
    }
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
  }

  /** For tests and progress messages. */
  get currentRate(): number | undefined {
    return this.rate;
  }
}

const throttles = new Map<string, AdaptiveThrottle>();
export const throttleFor = (endpoint: string): AdaptiveThrottle => {
  let throttle = throttles.get(endpoint);
  if (throttle === undefined) {
    throttle = new AdaptiveThrottle();
    throttles.set(endpoint, throttle);
  }
  return throttle;
};
