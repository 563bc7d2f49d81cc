// Baselines a tenant is subscribed to compare each of its new sets with (baseline.drift.detected).
import type { DbClient } from './client';

export function listBaselineSubscriptions(db: DbClient, tenantId: string) {
  return db.baselineSubscription.findMany({
    where: { tenantId },
    orderBy: [{ createdAt: 'asc' }, { baselineId: 'asc' }],
  });
}

export function findBaselineSubscription(db: DbClient, tenantId: string, baselineId: string) {
  return db.baselineSubscription.findUnique({ where: { baselineId_tenantId: { baselineId, tenantId } } });
}

/**
 * Subscribes once; true when this call made the row. Concurrent calls may both have found none:
 * the insert skips a duplicate rather than failing on it (an upsert raced into a unique violation).
 */
export async function insertBaselineSubscription(
  db: DbClient,
  row: { tenantId: string; baselineId: string; createdBy: string },
): Promise<boolean> {
  const { count } = await db.baselineSubscription.createMany({ data: [row], skipDuplicates: true });
  return count > 0;
}

export async function deleteBaselineSubscription(
  db: DbClient,
  tenantId: string,
  baselineId: string,
): Promise<boolean> {
  const { count } = await db.baselineSubscription.deleteMany({ where: { tenantId, baselineId } });
  return count > 0;
}
