// What retention reads and writes: a schedule's and its tenant's retention rules (as the pure
// policy in src/retention takes them), the schedule's sets with their types and holds, and legal
// holds.
import type { ScheduleRetention, SetForRetention, TenantRetention } from '../retention/policy';
import type { BackupSchedule, BackupSetHold, DbClient as Db, Tenant } from './client';
import { deleteUnreferencedPayloads } from './capture';

type TenantRetentionColumns = Pick<
  Tenant,
  | 'retentionMinKeepLast'
  | 'retentionGraceDays'
  | 'retentionPreviousMinKeepLast'
  | 'retentionPreviousGraceDays'
  | 'retentionReducedUntil'
  | 'retentionReducedBy'
>;

type ScheduleRetentionColumns = Pick<
  BackupSchedule,
  'retentionKeepLast' | 'retentionPreviousKeepLast' | 'retentionReducedUntil' | 'retentionReducedBy'
>;

export function tenantRetentionOf(row: TenantRetentionColumns): TenantRetention {
  const pending =
    row.retentionReducedUntil && row.retentionReducedBy
      ? {
          previous: {
            minKeepLast: row.retentionPreviousMinKeepLast ?? row.retentionMinKeepLast,
            graceDays: row.retentionPreviousGraceDays ?? row.retentionGraceDays,
          },
          inForceUntil: row.retentionReducedUntil,
          by: row.retentionReducedBy,
        }
      : null;
  return { minKeepLast: row.retentionMinKeepLast, graceDays: row.retentionGraceDays, reduction: pending };
}

export function tenantRetentionColumns(retention: TenantRetention): TenantRetentionColumns {
  return {
    retentionMinKeepLast: retention.minKeepLast,
    retentionGraceDays: retention.graceDays,
    retentionPreviousMinKeepLast: retention.reduction?.previous.minKeepLast ?? null,
    retentionPreviousGraceDays: retention.reduction?.previous.graceDays ?? null,
    retentionReducedUntil: retention.reduction?.inForceUntil ?? null,
    retentionReducedBy: retention.reduction?.by ?? null,
  };
}

export function scheduleRetentionOf(row: ScheduleRetentionColumns): ScheduleRetention {
  const pending =
    row.retentionReducedUntil && row.retentionReducedBy && row.retentionPreviousKeepLast !== null
      ? {
          previous: { keepLast: row.retentionPreviousKeepLast },
          inForceUntil: row.retentionReducedUntil,
          by: row.retentionReducedBy,
        }
      : null;
  return { keepLast: row.retentionKeepLast, reduction: pending };
}

export function scheduleRetentionColumns(retention: ScheduleRetention): ScheduleRetentionColumns {
  return {
    retentionKeepLast: retention.keepLast,
    retentionPreviousKeepLast: retention.reduction?.previous.keepLast ?? null,
    retentionReducedUntil: retention.reduction?.inForceUntil ?? null,
    retentionReducedBy: retention.reduction?.by ?? null,
  };
}

export async function updateTenantRetention(
  db: Db,
  tenantId: string,
  retention: TenantRetention,
): Promise<void> {
  await db.tenant.update({ where: { id: tenantId }, data: tenantRetentionColumns(retention) });
}

/** The schedule's rules and its tenant's, at the database's `now`. */
export async function retentionRulesOf(db: Db, scheduleId: string) {
  const schedule = await db.backupSchedule.findUniqueOrThrow({
    where: { id: scheduleId },
    include: { tenant: true },
  });
  const [{ now }] = await db.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
  return {
    schedule: scheduleRetentionOf(schedule),
    tenant: tenantRetentionOf(schedule.tenant),
    now,
  };
}

/** The schedule's sets, newest first, each with its types and whether a hold protects it now. */
export async function setsForRetention(db: Db, scheduleId: string): Promise<SetForRetention[]> {
  const rows = await db.$queryRaw<{ id: string; policy_types: string[]; held: boolean }[]>`
    SELECT s.id, s.policy_types,
           EXISTS (SELECT 1 FROM backup_set_holds h WHERE h.backup_set_id = s.id
                   AND (h.released_at IS NULL OR h.protects_until > now())) AS held
    FROM backup_sets s WHERE s.schedule_id = ${scheduleId}::uuid
    ORDER BY s.created_at DESC, s.id DESC`;
  return rows.map((row) => ({ id: row.id, policyTypes: row.policy_types, held: row.held }));
}

/** Deletes the sets (their items and changes go with them), then payloads nothing refers to. */
export async function deleteBackupSets(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const hashes = await db.backupItem.findMany({
    where: { backupSetId: { in: ids } },
    distinct: ['payloadHash'],
    select: { payloadHash: true },
  });
  await db.backupSet.deleteMany({ where: { id: { in: ids } } });
  await deleteUnreferencedPayloads(
    db,
    hashes.map((row) => row.payloadHash),
  );
}

export function findHold(db: Db, backupSetId: string): Promise<BackupSetHold | null> {
  return db.backupSetHold.findUnique({ where: { backupSetId } });
}

/** Puts the set under a legal hold (again, if an earlier hold was released). */
export function placeHold(db: Db, backupSetId: string, hold: { reason: string; by: string }) {
  const placed = { reason: hold.reason, placedBy: hold.by, placedAt: new Date() };
  const active = { releasedBy: null, releasedAt: null, protectsUntil: null };
  return db.backupSetHold.upsert({
    where: { backupSetId },
    create: { backupSetId, ...placed },
    update: { ...placed, ...active },
  });
}

export function releaseHold(db: Db, backupSetId: string, release: { by: string; protectsUntil: Date }) {
  return db.backupSetHold.update({
    where: { backupSetId },
    data: { releasedBy: release.by, releasedAt: new Date(), protectsUntil: release.protectsUntil },
  });
}
