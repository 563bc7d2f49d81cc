// How the reconciler hands its events to delivery: published in the caller's transaction, the
// workflows started after the commit. A start that fails is left to the relay of a later pass
// (deliveryRelay.ts): the events are already safe in Postgres.
import { BACKUP_TASK_QUEUE, STANDARD_WEBHOOKS_RETRY_SCHEDULE } from '../shared/constants';
import {
  type DeliveryStartOptions,
  startDeliveryWorkflows,
  startOrLeaveToRelay,
} from '../temporal/deliveryStarts';
import type { ReconcilerDeps } from './reconcileSchedules';

export const DEFAULT_DELIVERY_STARTS: DeliveryStartOptions = {
  taskQueue: BACKUP_TASK_QUEUE,
  retrySchedule: [...STANDARD_WEBHOOKS_RETRY_SCHEDULE],
};

export async function startDeliveries(deps: ReconcilerDeps, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await startOrLeaveToRelay(deps.logger, { deliveries: deliveryIds.length }, () =>
    startDeliveryWorkflows(deps.temporal, deps.db, deliveryIds, deps.deliveries ?? DEFAULT_DELIVERY_STARTS),
  );
}

/** The schedule as the API shows it, for the events' links. */
export function scheduleLinks(
  deps: Pick<ReconcilerDeps, 'publicApiUrl'>,
  row: { id: string; tenantId: string },
): { schedule: string; runs: string } {
  const base = (deps.publicApiUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const schedule = `${base}/v1/tenants/${row.tenantId}/backup-schedules/${row.id}`;
  return { schedule, runs: `${base}/v1/tenants/${row.tenantId}/runs?scheduleId=${row.id}` };
}
