import type { WriteFamily } from './surface';

// Graph's write limits (notes section 6): Intune writes at most 100 per sliding 20 s per app and
// tenant, answered 429 with Retry-After (seconds until a slot frees); Conditional Access and
// named locations at most 1 request per second per tenant, answered 429 WITHOUT Retry-After.
// A refused request takes no slot (Graph did not process it).

export interface WriteLimit {
  requests: number;
  windowMs: number;
  /** Graph sends Retry-After on this family's 429. */
  retryAfter: boolean;
}

export const GRAPH_WRITE_LIMITS: Readonly<Record<WriteFamily, WriteLimit>> = {
  intune: { requests: 100, windowMs: 20_000, retryAfter: true },
  conditionalAccess: { requests: 1, windowMs: 1_000, retryAfter: false },
};

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterSeconds?: number };

/** The times of the accepted writes of one family in the current window, oldest first. */
export class SlidingWindow {
  private readonly accepted: number[] = [];

  take(now: number, limit: WriteLimit): ThrottleDecision {
    while (this.accepted.length > 0 && (this.accepted[0] as number) <= now - limit.windowMs)
      this.accepted.shift();
    if (this.accepted.length < limit.requests) {
      this.accepted.push(now);
      return { ok: true };
    }
    if (!limit.retryAfter) return { ok: false };
    const frees = (this.accepted[0] as number) + limit.windowMs - now;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(frees / 1000)) };
  }
}
