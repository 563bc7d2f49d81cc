// The reconciler's relay reads the deliveries whose workflow start was lost.
import type { DbClient } from './client';

/**
 * A page of pending deliveries whose workflow was never started (a crash between the commit
 * and the start), older than `olderThan`. Digest deliveries (no event) are left out: the
 * workflow that claimed them delivers them.
 */
export async function unstartedDeliveryIds(db: DbClient, olderThan: Date, limit: number): Promise<string[]> {
  const rows = await db.notificationDelivery.findMany({
    where: {
      workflowStartedAt: null,
      status: 'pending',
      eventId: { not: null },
      createdAt: { lt: olderThan },
    },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}
