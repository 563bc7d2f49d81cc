// TenantPurge: sleeps (durably, in Temporal's timer) until the offboarded tenant's purgeAfter,
// or until the purgeNow signal, then deletes everything of the tenant (purgeTenant activity). A
// legal hold on one of its sets stops the purge before it deletes anything: the workflow looks
// again every day until no hold protects a set any more.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PurgeTenantActivities } from '../activities';
import { PURGE_NOW_SIGNAL } from '../shared/constants';

export interface TenantPurgeInput {
  tenantId: string;
  /** ISO time: the end of the read-only period. */
  purgeAfter: string;
}

export const purgeNowSignal = defineSignal(PURGE_NOW_SIGNAL);

const HOLD_RECHECK_MS = 24 * 60 * 60 * 1000;

const { purgeTenant } = proxyActivities<PurgeTenantActivities>({
  // A big tenant takes minutes; each batch heartbeats, so a dead worker is noticed in a minute.
  startToCloseTimeout: '2h',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '10m' },
});

export async function TenantPurge(input: TenantPurgeInput): Promise<{ deleted: Record<string, number> }> {
  let now = false;
  setHandler(purgeNowSignal, () => {
    now = true;
  });
  const wait = Date.parse(input.purgeAfter) - Date.now();
  if (wait > 0) await condition(() => now, wait);
  for (;;) {
    const outcome = await purgeTenant({ tenantId: input.tenantId, trigger: now ? 'now' : 'scheduled' });
    if (outcome.status === 'purged') return { deleted: outcome.deleted };
    now = false;
    await condition(() => now, HOLD_RECHECK_MS);
  }
}
