// Per-tenant sync leases (tenant_sync_leases): how many runs of a tenant may sync at once. Lease
// times are the database's, so workers' clocks do not matter.
import type { Db } from './client';

/**
 * How long a lease lasts without renewal. The sync renews it with every heartbeat; it also covers
 * the wait between a failed sync attempt and Temporal's next (up to 5 minutes), so a run keeps
 * its turn through retries, and a terminated workflow's lease frees itself within this time.
 */
export const SYNC_LEASE_SECONDS = 600;

/**
 * Takes one of the tenant's `limit` sync leases for the run (or renews the one it holds); false
 * when the tenant has `limit` live leases of other runs. Claims of one tenant are serialised by a
 * transaction-scoped advisory lock, so two claims cannot both take the last lease. A run that is
 * no longer running (canceled while it waited) takes none.
 */
export async function claimSyncLease(
  db: Db,
  tenantId: string,
  runId: string,
  limit: number,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sync-lease:${tenantId}`}, 0))`;
    await tx.$executeRaw`DELETE FROM tenant_sync_leases WHERE tenant_id = ${tenantId}::uuid AND expires_at < now()`;
    const run = await tx.backupScheduleRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (run && run.status !== 'running') return true;
    const held = await tx.tenantSyncLease.findMany({ where: { tenantId }, select: { runId: true } });
    if (!held.some((lease) => lease.runId === runId) && held.length >= limit) return false;
    await upsertLease(tx, tenantId, runId);
    return true;
  });
}

/**
 * At the start of each sync attempt: the run's lease, taken again if it expired while the run
 * waited for a sync slot or a retry (the run already had its turn; the tenant may then briefly
 * sync one more than its limit).
 */
export async function holdSyncLease(db: Db, tenantId: string, runId: string): Promise<void> {
  await upsertLease(db, tenantId, runId);
}

/** Extends the run's lease, if it still has one (never re-creates a released lease). */
export async function renewSyncLease(db: Db, runId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE tenant_sync_leases SET expires_at = now() + make_interval(secs => ${SYNC_LEASE_SECONDS})
    WHERE run_id = ${runId}::uuid`;
}

export async function releaseSyncLease(db: Db, runId: string): Promise<void> {
  await db.tenantSyncLease.deleteMany({ where: { runId } });
}

/** Live leases of a tenant (for tests and diagnostics). */
export async function countSyncLeases(db: Db, tenantId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM tenant_sync_leases WHERE tenant_id = ${tenantId}::uuid AND expires_at >= now()`;
  return row?.n ?? 0;
}

function upsertLease(db: Pick<Db, '$executeRaw'>, tenantId: string, runId: string) {
  return db.$executeRaw`
    INSERT INTO tenant_sync_leases (run_id, tenant_id, expires_at)
    VALUES (${runId}::uuid, ${tenantId}::uuid, now() + make_interval(secs => ${SYNC_LEASE_SECONDS}))
    ON CONFLICT (run_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`;
}
