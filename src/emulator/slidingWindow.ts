// Graph's throttling as the emulator plays it: at most `requests` accepted per sliding window of
// `windowMs`, per app and tenant; beyond it a 429, with Retry-After (seconds until a slot frees)
// where Graph sends one. A refused request takes no slot (Graph did not process it). Used for
// the write limits (writes/throttle.ts) and the tenant's read budget (faults.ts requestBudget).

export interface WindowLimit {
  requests: number;
  windowMs: number;
  /** Graph sends Retry-After on this limit's 429. */
  retryAfter: boolean;
}

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterSeconds?: number };

/** The times of the accepted requests in the current window, oldest first. */
export class SlidingWindow {
  private readonly accepted: number[] = [];

  take(now: number, limit: WindowLimit): ThrottleDecision {
    let expired = 0;
    while (expired < this.accepted.length && (this.accepted[expired] as number) <= now - limit.windowMs)
      expired++;
    // One splice, not a shift per request: a read budget holds a thousand times in its window.
    if (expired > 0) this.accepted.splice(0, expired);
    if (this.accepted.length < limit.requests) {
      this.accepted.push(now);
      return { ok: true };
    }
    if (!limit.retryAfter) return { ok: false };
    const frees = (this.accepted[0] as number) + limit.windowMs - now;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(frees / 1000)) };
  }
}
