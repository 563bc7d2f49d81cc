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

/** Subscribes (once: a second call keeps the first row). */
export function upsertBaselineSubscription(
  db: DbClient,
  row: { tenantId: string; baselineId: string; createdBy: string },
) {
  return db.baselineSubscription.upsert({
    where: { baselineId_tenantId: { baselineId: row.baselineId, tenantId: row.tenantId } },
    create: row,
    update: {},
  });
}

export async function deleteBaselineSubscription(
  db: DbClient,
  tenantId: string,
  baselineId: string,
): Promise<boolean> {
  const { count } = await db.baselineSubscription.deleteMany({ where: { tenantId, baselineId } });
  return count > 0;
}
