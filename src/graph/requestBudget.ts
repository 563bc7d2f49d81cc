import { sleep } from './retryPolicy';

export interface RequestBudgetOptions {
  /** Requests allowed per window. Graph allows 1,000 per 20 s per app per tenant for Intune. */
  limit: number;
  windowMs: number;
}

/** Graph's documented read limit per app and tenant (Intune): what Graph enforces. */
export const GRAPH_TENANT_BUDGET: RequestBudgetOptions = { limit: 1_000, windowMs: 20_000 };

/**
 * The share of Graph's budget the client lets itself use. The client counts a request when it
 * starts, Graph when it arrives; latency jitter shifts Graph's window against ours and would tip
 * a full one over into 429s. bench:budget measures utilization and 429s at this share.
 */
export const CLIENT_BUDGET_SHARE = 0.95;

/**
 * The share the API's connection tests use: what the worker leaves, so that the worker's syncs
 * and the API's tests of a tenant together stay within Graph's budget. 5 % of Graph's 1,000 per
 * 20 s is 50, more than the ~33 reads of a test, so a test still finishes within one window.
 * Each process counts on its own; one test per tenant at a time across replicas
 * (src/db/connectionTestLease.ts) keeps the API's part to one test's reads at a time.
 */
export const API_BUDGET_SHARE = 0.05;

/** A process's own budget per tenant for Graph's budget `graph`: `share` of it. */
export function clientBudgetFor(
  graph: RequestBudgetOptions,
  share = CLIENT_BUDGET_SHARE,
): RequestBudgetOptions {
  return { limit: Math.max(1, Math.floor(graph.limit * share)), windowMs: graph.windowMs };
}

/** The client's own budget per tenant, just under Graph's documented one. */
export const CLIENT_TENANT_BUDGET: RequestBudgetOptions = clientBudgetFor(GRAPH_TENANT_BUDGET);

/**
 * A sliding-window request budget for one tenant, shared by every activity of a worker process,
 * plus a tenant-wide pause when Graph answers 429 (Graph throttles the app per tenant, so every
 * request to that tenant should wait, not only the one that was refused).
 *
 * Hand-written because the limiter libraries either count fixed windows (which allow twice the
 * limit across a window boundary), are unmaintained, or cannot be paused from outside.
 */
export class RequestBudget {
  /** Start times of the requests in the current window, oldest first. */
  private readonly starts: number[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly options: RequestBudgetOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more request may start, and counts it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const waitMs = this.waitMs();
      if (waitMs <= 0) {
        this.starts.push(this.now());
        return;
      }
      await sleep(waitMs, signal);
    }
  }

  /** Holds every request to this tenant until `ms` from now (a Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Requests counted in the current window (for metrics and tests). */
  inWindow(): number {
    this.evict();
    return this.starts.length;
  }

  private waitMs(): number {
    const now = this.now();
    if (this.pausedUntil > now) return this.pausedUntil - now;
    this.evict();
    if (this.starts.length < this.options.limit) return 0;
    return (this.starts[0] ?? now) + this.options.windowMs - now;
  }

  private evict(): void {
    const horizon = this.now() - this.options.windowMs;
    let expired = 0;
    while (expired < this.starts.length && (this.starts[expired] ?? 0) <= horizon) expired++;
    if (expired > 0) this.starts.splice(0, expired);
  }
}
