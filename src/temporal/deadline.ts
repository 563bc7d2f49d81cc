// The SDK retries a call to an unreachable server for about 20 s. An API request must answer
// sooner: the row is left `pending`, and the reconciler finishes the job once Temporal is back.
import type { Client } from '@temporalio/client';

/** Writes (create, update, pause, delete, start): long enough for a remote cluster's latency. */
export const TEMPORAL_WRITE_DEADLINE_MS = 5_000;
/** Reads that only decorate a response (next run times). */
export const TEMPORAL_READ_DEADLINE_MS = 2_000;

export function withinDeadline<T>(client: Client, ms: number, call: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + ms, call);
}
