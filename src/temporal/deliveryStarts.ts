// Starts the workflows of pending notification deliveries. Postgres first: the delivery rows
// are committed before this runs; a start lost to a crash is made again by the reconciler's
// relay (deliveries whose workflow_started_at is still null), and starting one twice is a no-op
// because the workflow id is the delivery's.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logging/logger';
import { DELIVER_NOTIFICATION_WORKFLOW, deliveryWorkflowId } from '../shared/constants';
import type { DeliverNotificationInput } from '../shared/types';

export interface DeliveryStartOptions {
  taskQueue: string;
  retrySchedule: string[];
}

export async function startDeliveryWorkflows(
  client: Client,
  db: Db,
  deliveryIds: string[],
  options: DeliveryStartOptions,
): Promise<void> {
  const rounds = await db.notificationDelivery.findMany({
    where: { id: { in: deliveryIds } },
    select: { id: true, replays: true },
  });
  for (const { id: deliveryId, replays: replay } of rounds) {
    const input: DeliverNotificationInput = { deliveryId, retrySchedule: options.retrySchedule, replay };
    try {
      await client.workflow.start(DELIVER_NOTIFICATION_WORKFLOW, {
        workflowId: deliveryWorkflowId(deliveryId, replay),
        taskQueue: options.taskQueue,
        args: [input],
        // A start repeated after the first finished (the relay, a retried activity) runs a
        // workflow that finds the delivery no longer pending and sends nothing.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  if (deliveryIds.length > 0)
    await db.notificationDelivery.updateMany({
      where: { id: { in: deliveryIds }, workflowStartedAt: null },
      data: { workflowStartedAt: new Date() },
    });
}

/**
 * Starts them, or leaves them to the reconciler's relay: the rows are committed, so a start
 * Temporal refuses loses nothing, and the caller (a written backup, an API answer, a reconcile
 * pass) must not fail for it. `start` is the start itself, under whatever deadline the caller keeps.
 */
export async function startOrLeaveToRelay(
  logger: Pick<Logger, 'warn'>,
  context: Record<string, unknown>,
  start: () => Promise<void>,
): Promise<void> {
  try {
    await start();
  } catch (error) {
    logger.warn(
      { ...context, error: error instanceof Error ? error.message : String(error) },
      'delivery workflows not started; the reconciler will start them',
    );
  }
}
