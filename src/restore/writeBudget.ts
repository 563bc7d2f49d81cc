// Paces Graph writes per tenant and write family for every worker at once, slightly under Graph's
// write limits (restore-graph.md section 6: Intune 100 writes per 20 s per app per tenant,
// Conditional Access and named locations 1 per s with no Retry-After on their 429).
//
// GCRA (the generic cell rate algorithm) with no burst: each write takes the next slot of a
// per-(tenant, family) row in PostgreSQL, slots one emission interval apart, and sleeps until its
// slot. Strict spacing keeps every window of the limit's length at or under the limit, however
// the windows are placed. Hand-written because the shared rate-limiter libraries keep their state
// in Redis (or in one process), and TenantVault's shared state is PostgreSQL: one UPSERT per slot.
import { pushWriteSlots, takeWriteSlot, writesPaused } from '../db/writeBudget';
import type { DbClient } from '../db/client';
import { sleep } from '../graph/retryPolicy';
import type { WriteFamily } from './types';

export interface WriteLimit {
  writes: number;
  windowMs: number;
  /** Whether Graph's 429 of this family carries Retry-After. */
  retryAfter: boolean;
}

/** GRAPH_WRITE_BUDGET_FRACTION's default: 5 % under the limit leaves room for clock and network jitter. */
export const DEFAULT_WRITE_BUDGET_FRACTION = 0.95;

/**
 * How long a family pauses after a 429 without Retry-After (Conditional Access never sends one):
 * a few of its intervals, so the throttled second and the next one pass before we try again.
 */
export const NO_RETRY_AFTER_PAUSE_MS = 5_000;

/** How long before its slot a waiting writer looks whether a 429 paused the family meanwhile. */
export const PAUSE_CHECK_LEAD_MS = 50;

/**
 * The emission interval: the limit paced at `fraction` of its rate, in whole milliseconds rounded
 * up (the budget row keeps milliseconds, and rounding down would pace a hair over the fraction).
 */
export function emissionIntervalMs(limit: Pick<WriteLimit, 'writes' | 'windowMs'>, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1))
    throw new RangeError(`write budget fraction ${fraction} not in (0, 1]`);
  if (!(limit.writes > 0 && limit.windowMs > 0))
    throw new RangeError('a write limit needs writes and a window');
  return Math.ceil(limit.windowMs / (limit.writes * fraction));
}

/** The GCRA step the SQL of src/db/writeBudget.ts performs, as arithmetic (for tests and reading). */
export function nextSlot(nextFreeAt: number | null, now: number, intervalMs: number) {
  const slotAt = Math.max(nextFreeAt ?? now, now);
  return { slotAt, nextFreeAt: slotAt + intervalMs, waitMs: slotAt - now };
}

/** The pause a 429 imposes on the family: Graph's Retry-After, or the fixed back-off without one. */
export function pauseAfterThrottle(retryAfterMs: number | null): number {
  return retryAfterMs ?? NO_RETRY_AFTER_PAUSE_MS;
}

export interface WriteBudgetOptions {
  limits: Readonly<Record<WriteFamily, WriteLimit>>;
  fraction: number;
}

/** The shared write budget; one per process is enough (state lives in graph_write_budgets). */
export class WriteBudget {
  private readonly intervals: Record<WriteFamily, number>;

  constructor(
    private readonly db: DbClient,
    options: WriteBudgetOptions,
  ) {
    this.intervals = {
      intune: emissionIntervalMs(options.limits.intune, options.fraction),
      conditionalAccess: emissionIntervalMs(options.limits.conditionalAccess, options.fraction),
    };
  }

  intervalOf(family: WriteFamily): number {
    return this.intervals[family];
  }

  /**
   * Resolves at the caller's slot: send exactly one write after it. A slot taken before a 429
   * paused the family is given up when it comes (a 429 pushes the free slots past the pause, so
   * the next one taken is after it): else every writer already waiting would meet the same 429.
   */
  /** Resolves at the write's slot; returns the slot's time (the database's clock). */
  async acquire(tenantId: string, family: WriteFamily, signal?: AbortSignal): Promise<Date> {
    for (;;) {
      const { slotAt, now } = await takeWriteSlot(this.db, tenantId, family, this.intervals[family]);
      const waitMs = slotAt.getTime() - now.getTime();
      // A slot due at once cannot have been paused since it was taken; a later one is looked at
      // PAUSE_CHECK_LEAD_MS before it is due, so the look's own latency never delays the write
      // (the pacing's margin under the limit is only a few per cent of an interval).
      if (waitMs <= PAUSE_CHECK_LEAD_MS) {
        if (waitMs > 0) await sleep(waitMs, signal);
        return slotAt;
      }
      const dueAt = Date.now() + waitMs;
      await sleep(waitMs - PAUSE_CHECK_LEAD_MS, signal);
      if (await writesPaused(this.db, tenantId, family)) continue;
      const rest = dueAt - Date.now();
      if (rest > 0) await sleep(rest, signal);
      return slotAt;
    }
  }

  /** Graph answered 429: every worker's next write of the family waits at least this long. */
  async throttled(tenantId: string, family: WriteFamily, retryAfterMs: number | null): Promise<number> {
    const pauseMs = pauseAfterThrottle(retryAfterMs);
    await pushWriteSlots(this.db, tenantId, family, pauseMs);
    return pauseMs;
  }
}
