// Starts the workflows of pending notification deliveries. Postgres first: the delivery rows
// are committed before this runs; a start lost to a crash is made again by the reconciler's
// relay (deliveries whose workflow_started_at is still null), and starting one twice is a no-op
// because the workflow id is the delivery's.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Db } from '../db/client';
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
  for (const deliveryId of deliveryIds) {
    const input: DeliverNotificationInput = { deliveryId, retrySchedule: options.retrySchedule };
    try {
      await client.workflow.start(DELIVER_NOTIFICATION_WORKFLOW, {
        workflowId: deliveryWorkflowId(deliveryId),
        taskQueue: options.taskQueue,
        args: [input],
        // A finished delivery's id may be started again only by a replay (which resets the row
        // first); the workflow itself sends nothing for a delivery that is no longer pending.
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
