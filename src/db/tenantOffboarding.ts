// What offboarding writes and reads in PostgreSQL (src/services/tenantOffboarding.ts): the
// tenant's offboarded mark with its credentials erased, its schedules soft-deleted (the
// reconciler only ever deletes a deleted row's Temporal Schedule), and what is still running.
import { ConflictError, NotFoundError } from '../services/errors';
import type { DbClient as Db, Tenant } from './client';
import { lockTenantMemberships } from './memberships';
import { ACTIVE_RUN_STATUSES } from './runs';
import { ERASED_SECRET_KEY_ID } from './tenants';

/** What an erased client secret is stored as: nothing to decrypt (hasClientSecret false). */
export const ERASED_SECRET = { clientSecret: '', secretKeyId: ERASED_SECRET_KEY_ID } as const;

/** The tenant row, locked until the transaction ends (two offboardings run one after the other). */
export async function lockTenant(db: Db, tenantId: string): Promise<Tenant | null> {
  // The same row lock as membership changes take.
  if (!(await lockTenantMemberships(db, tenantId))) return null;
  return db.tenant.findUnique({ where: { id: tenantId } });
}

/**
 * The tenant row, locked for a write of the tenant's data until the transaction ends; 404 when
 * there is no such tenant, 409 tenant_offboarded when it is offboarded. The offboarding takes the
 * same lock, so a write that passed authorization just before it either commits first (and the
 * offboarding then sees and undoes or cancels it) or sees the offboarded mark and refuses.
 */
export async function lockTenantForWrite(db: Db, tenantId: string): Promise<Tenant> {
  const tenant = await lockTenant(db, tenantId);
  if (!tenant) throw new NotFoundError('tenant');
  if (tenant.offboardedAt) throw tenantOffboardedError();
  return tenant;
}

/** 409 tenant_offboarded: what every write of an offboarded tenant's data answers. */
export const tenantOffboardedError = () =>
  new ConflictError(
    'the tenant is offboarded: its data is read-only until it is purged',
    'tenant_offboarded',
  );

/** Marks the tenant offboarded and erases its client secret (clientId and azureTenantId stay until purge). */
export function markOffboarded(
  db: Db,
  tenantId: string,
  mark: { at: Date; by: string; purgeAfter: Date },
): Promise<Tenant> {
  return db.tenant.update({
    where: { id: tenantId },
    data: { offboardedAt: mark.at, offboardedBy: mark.by, purgeAfter: mark.purgeAfter, ...ERASED_SECRET },
  });
}

export function advancePurge(db: Db, tenantId: string, purgeAfter: Date): Promise<Tenant> {
  return db.tenant.update({ where: { id: tenantId }, data: { purgeAfter } });
}

/** Soft-deletes every live schedule of the tenant, as DELETE of a schedule does; their ids. */
export async function deleteTenantSchedules(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE backup_schedules SET deleted_at = now(), version = version + 1,
      temporal_sync_state = 'pending', updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND deleted_at IS NULL RETURNING id`;
  return rows.map((row) => row.id);
}

/** Deleted schedules of the tenant whose Temporal Schedule may still exist. */
export async function unsyncedDeletedSchedules(
  db: Db,
  tenantId: string,
): Promise<{ id: string; version: number }[]> {
  return db.backupSchedule.findMany({
    where: { tenantId, deletedAt: { not: null }, temporalSyncState: { not: 'synced' } },
    select: { id: true, version: true },
  });
}

/** Workflow ids of the tenant's queued and running runs, and planning or applying restores. */
export async function activeWorkflowsOf(db: Db, tenantId: string) {
  const runs = await db.backupScheduleRun.findMany({
    where: { tenantId, status: { in: ACTIVE_RUN_STATUSES } },
    select: { workflowId: true },
    distinct: ['workflowId'],
  });
  const restores = await db.restore.findMany({
    where: { tenantId, status: { in: ['planning', 'applying'] } },
    select: { id: true, status: true, applyRounds: true },
  });
  return { runs: runs.map((run) => run.workflowId), restores };
}
