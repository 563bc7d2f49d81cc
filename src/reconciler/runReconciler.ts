// Runs reconciliation passes at start and then every interval, one pass at a time across all
// API replicas: a PostgreSQL advisory lock, held for the pass, makes the others skip it.
import { sqlPoolOf } from '../db/client';
import { reconcilerActions } from '../metrics/metrics';
import { type ReconcileReport, type ReconcilerDeps, reconcileSchedules } from './reconcileSchedules';

/** Any fixed 64-bit key will do; it only has to be the same in every replica. */
const RECONCILER_LOCK_KEY = 7_364_211_905;

/** One pass, or `locked` when another process holds the reconciler lock. */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<ReconcileReport | 'locked'> {
  const client = await sqlPoolOf(deps.db).connect();
  try {
    const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      RECONCILER_LOCK_KEY,
    ]);
    if (!lock.rows[0]?.locked) return 'locked';
    try {
      const started = Date.now();
      const report = await reconcileSchedules(deps);
      for (const [action, count] of Object.entries(report)) reconcilerActions.inc({ action }, count);
      deps.logger.info({ report, ms: Date.now() - started }, 'schedule reconciliation pass done');
      return report;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [RECONCILER_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** Starts the loop; the returned function stops it (and waits for a running pass). */
export function startReconciler(deps: ReconcilerDeps, intervalSeconds: number): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const pass = () => {
    running = reconcileOnce(deps)
      .catch((error) => deps.logger.error({ err: error }, 'schedule reconciliation pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, intervalSeconds * 1000);
      });
  };
  pass();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
