// Per-tenant sync leases (tenant_sync_leases): how many runs of a tenant may sync at once.
import type { Db } from './client';

/** How long a lease lasts without renewal; the sync renews it with every heartbeat. */
export const SYNC_LEASE_SECONDS = 120;

/**
 * Takes one of the tenant's `limit` sync leases for the run (or renews the one it holds); false
 * when the tenant has `limit` live leases of other runs. Claims of one tenant are serialised by a
 * transaction-scoped advisory lock, so two claims cannot both take the last lease.
 */
export async function claimSyncLease(
  db: Db,
  tenantId: string,
  runId: string,
  limit: number,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sync-lease:${tenantId}`}, 0))`;
    await tx.tenantSyncLease.deleteMany({ where: { tenantId, expiresAt: { lt: new Date() } } });
    const held = await tx.tenantSyncLease.findMany({ where: { tenantId }, select: { runId: true } });
    if (!held.some((lease) => lease.runId === runId) && held.length >= limit) return false;
    await upsertLease(tx, tenantId, runId);
    return true;
  });
}

/**
 * Extends the run's lease; a lease that expired meanwhile (a long pause between attempts) is
 * taken again even if the tenant is at its limit, since the run is already syncing.
 */
export async function renewSyncLease(db: Db, tenantId: string, runId: string): Promise<void> {
  await upsertLease(db, tenantId, runId);
}

export async function releaseSyncLease(db: Db, runId: string): Promise<void> {
  await db.tenantSyncLease.deleteMany({ where: { runId } });
}

/** Live leases of a tenant (for tests and diagnostics). */
export function countSyncLeases(db: Db, tenantId: string): Promise<number> {
  return db.tenantSyncLease.count({ where: { tenantId, expiresAt: { gte: new Date() } } });
}

function upsertLease(db: Pick<Db, 'tenantSyncLease'>, tenantId: string, runId: string) {
  const expiresAt = new Date(Date.now() + SYNC_LEASE_SECONDS * 1000);
  return db.tenantSyncLease.upsert({
    where: { runId },
    create: { runId, tenantId, expiresAt },
    update: { expiresAt },
  });
}
