// What retention reads and writes: a schedule's and its tenant's retention rules (as the pure
// policy in src/retention takes them), the schedule's sets with their types and holds, and legal
// holds.
import type {
  Reduction,
  ScheduleRetention,
  SetForRetention,
  TenantLimits,
  TenantRetention,
} from '../retention/policy';
import type { BackupSchedule, BackupSetHold, DbClient as Db, Prisma, Tenant } from './client';
import { deleteUnreferencedPayloads } from './capture';

// Reductions are stored as JSON with ISO times: [{ from, to, inForceUntil, by }].
type StoredReduction<T> = Omit<Reduction<T>, 'inForceUntil'> & { inForceUntil: string };

function reductionsOf<T>(stored: Prisma.JsonValue): Reduction<T>[] {
  if (!Array.isArray(stored)) return [];
  return (stored as unknown as StoredReduction<T>[]).map((reduction) => ({
    ...reduction,
    inForceUntil: new Date(reduction.inForceUntil),
  }));
}

export function storedReductions<T>(reductions: readonly Reduction<T>[]): Prisma.InputJsonArray {
  return reductions.map((reduction) => ({
    ...reduction,
    inForceUntil: reduction.inForceUntil.toISOString(),
  })) as unknown as Prisma.InputJsonArray;
}

export function tenantRetentionOf(
  row: Pick<Tenant, 'retentionMinKeepLast' | 'retentionGraceDays' | 'retentionReductions'>,
): TenantRetention {
  return {
    minKeepLast: row.retentionMinKeepLast,
    graceDays: row.retentionGraceDays,
    reductions: reductionsOf<TenantLimits>(row.retentionReductions),
  };
}

export function scheduleRetentionOf(
  row: Pick<BackupSchedule, 'retentionKeepLast' | 'retentionReductions'>,
): ScheduleRetention {
  return { keepLast: row.retentionKeepLast, reductions: reductionsOf<number>(row.retentionReductions) };
}

export async function updateTenantRetention(
  db: Db,
  tenantId: string,
  retention: TenantRetention,
): Promise<void> {
  await db.tenant.update({
    where: { id: tenantId },
    data: {
      retentionMinKeepLast: retention.minKeepLast,
      retentionGraceDays: retention.graceDays,
      retentionReductions: storedReductions(retention.reductions),
    },
  });
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

/** The schedule's sets, newest first, each with its types and whether a hold or a baseline protects it now. */
export async function setsForRetention(db: Db, scheduleId: string): Promise<SetForRetention[]> {
  const rows = await db.$queryRaw<
    { id: string; created_at: Date; policy_types: string[]; held: boolean; pinned: boolean }[]
  >`
    SELECT s.id, s.created_at, s.policy_types,
           EXISTS (SELECT 1 FROM backup_set_holds h WHERE h.backup_set_id = s.id
                   AND (h.released_at IS NULL OR h.protects_until > now())) AS held,
           EXISTS (SELECT 1 FROM baselines b WHERE b.backup_set_id = s.id) AS pinned
    FROM backup_sets s WHERE s.schedule_id = ${scheduleId}::uuid
    ORDER BY s.created_at DESC, s.id DESC`;
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    policyTypes: row.policy_types,
    held: row.held,
    pinned: row.pinned,
  }));
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
