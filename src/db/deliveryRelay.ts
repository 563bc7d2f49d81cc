// The reconciler's relay reads the deliveries whose workflow start was lost.
import type { DbClient } from './client';

/**
 * A page of pending deliveries whose workflow was never started (a crash between the commit
 * and the start, or a replay Temporal refused), unchanged since `olderThan`. Digest deliveries
 * (no event) are left out in their first round, which the workflow that claimed them delivers,
 * but not once replayed.
 */
export async function unstartedDeliveryIds(db: DbClient, olderThan: Date, limit: number): Promise<string[]> {
  const rows = await db.notificationDelivery.findMany({
    where: {
      workflowStartedAt: null,
      status: 'pending',
      OR: [{ eventId: { not: null } }, { replays: { gt: 0 } }],
      updatedAt: { lt: olderThan },
    },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}
