import { type BackupSchedule, type DbClient as Db, Prisma } from './client';

export interface ScheduleFields {
  name: string;
  enabled: boolean;
  frequency: 'hourly' | 'daily' | 'weekly';
  minute: number | null;
  timeOfDay: string | null;
  daysOfWeek: string[];
  timezone: string;
  policyTypes: string[];
  retentionKeepLast: number;
}

export class DuplicateScheduleNameError extends Error {}

/** The partial unique index on live names refused the write. */
function duplicateNameOr(error: unknown, name: string): unknown {
  const taken = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
  return taken ? new DuplicateScheduleNameError(name) : error;
}

export async function insertSchedule(
  db: Db,
  tenantId: string,
  fields: ScheduleFields,
): Promise<BackupSchedule> {
  try {
    return await db.backupSchedule.create({ data: { tenantId, ...fields } });
  } catch (error) {
    throw duplicateNameOr(error, fields.name);
  }
}

/** Removes a schedule row that has no runs (one Temporal refused as it was created). */
export async function deleteScheduleRow(db: Db, scheduleId: string): Promise<void> {
  await db.backupSchedule.delete({ where: { id: scheduleId } });
}

/** A live (not deleted) schedule of the tenant; other tenants' schedules are invisible. */
export function findLiveSchedule(
  db: Db,
  tenantId: string,
  scheduleId: string,
): Promise<BackupSchedule | null> {
  return db.backupSchedule.findFirst({ where: { id: scheduleId, tenantId, deletedAt: null } });
}

export function listLiveSchedules(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<BackupSchedule[]> {
  return db.backupSchedule.findMany({
    where: { tenantId, deletedAt: null, ...(page.cursor ? { id: { gt: page.cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
}

/**
 * Records the outcome of a Temporal sync, but only if the row still has the version that was
 * synced: a newer edit must not be marked synced by an older sync finishing late.
 */
export async function recordScheduleSync(
  db: Db,
  scheduleId: string,
  version: number,
  outcome: { state: 'synced' | 'pending' | 'error'; error?: string },
): Promise<BackupSchedule | null> {
  const { count } = await db.backupSchedule.updateMany({
    where: { id: scheduleId, version },
    data: {
      temporalSyncState: outcome.state,
      temporalSyncError: outcome.error ?? null,
      ...(outcome.state === 'synced' ? { temporalSyncedAt: new Date() } : {}),
    },
  });
  return count ? db.backupSchedule.findUnique({ where: { id: scheduleId } }) : null;
}

/** The editable fields of a schedule row. */
export function scheduleFieldsOf(schedule: BackupSchedule): ScheduleFields {
  return {
    name: schedule.name,
    enabled: schedule.enabled,
    frequency: schedule.frequency,
    minute: schedule.minute,
    timeOfDay: schedule.timeOfDay,
    daysOfWeek: schedule.daysOfWeek,
    timezone: schedule.timezone,
    policyTypes: schedule.policyTypes,
    retentionKeepLast: schedule.retentionKeepLast,
  };
}

/**
 * Replaces the fields of a live schedule if it still has `expectedVersion`, bumping the version
 * (null when it changed or was deleted meanwhile: the caller answers 409 or 404).
 */
export async function updateScheduleFields(
  db: Db,
  scheduleId: string,
  expectedVersion: number,
  fields: ScheduleFields,
  /** The keepLast reductions to store with the fields (see src/retention/policy.ts). */
  retentionReductions?: Prisma.InputJsonArray,
): Promise<BackupSchedule | null> {
  try {
    const { count } = await db.backupSchedule.updateMany({
      where: { id: scheduleId, version: expectedVersion, deletedAt: null },
      // Temporal does not have this version yet: until its write is recorded, the reconciler
      // must not read a pause difference as an operator's.
      data: {
        ...fields,
        ...(retentionReductions ? { retentionReductions } : {}),
        version: { increment: 1 },
        temporalSyncState: 'pending',
      },
    });
    return count ? db.backupSchedule.findUnique({ where: { id: scheduleId } }) : null;
  } catch (error) {
    throw duplicateNameOr(error, fields.name);
  }
}

/** Soft delete: runs and backup sets keep their schedule; the name becomes free again. */
export function markScheduleDeleted(db: Db, scheduleId: string): Promise<BackupSchedule> {
  return db.backupSchedule.update({
    where: { id: scheduleId },
    data: { deletedAt: new Date(), version: { increment: 1 }, temporalSyncState: 'pending' },
  });
}

/** tenant.offboardedAt: the reconciler deletes the schedules of an offboarded tenant, never makes them. */
export type ScheduleWithTenantSlug = BackupSchedule & { tenant: { slug: string; offboardedAt: Date | null } };

/**
 * One page (by id) of the schedules the reconciler must look at: every live one, and deleted
 * ones whose Temporal Schedule may still exist.
 */
export function schedulesToReconcile(
  db: Db,
  page: { limit: number; after?: string },
): Promise<ScheduleWithTenantSlug[]> {
  return db.backupSchedule.findMany({
    where: {
      OR: [{ deletedAt: null }, { temporalSyncState: { not: 'synced' } }],
      ...(page.after ? { id: { gt: page.after } } : {}),
    },
    include: { tenant: { select: { slug: true, offboardedAt: true } } },
    orderBy: { id: 'asc' },
    take: page.limit,
  });
}

/** Of these ids, the ones that are live schedules. */
/** The live schedules the reconciler compared in full longest ago (never, first). */
export async function schedulesDueForFullCheck(db: Db, limit: number): Promise<Set<string>> {
  const rows = await db.backupSchedule.findMany({
    where: { deletedAt: null },
    // Among never-checked rows the newest first: the older ones have had their turns coming longer.
    orderBy: [{ temporalCheckedAt: { sort: 'asc', nulls: 'first' } }, { createdAt: 'desc' }],
    take: limit,
    select: { id: true },
  });
  return new Set(rows.map((row) => row.id));
}

export async function markSchedulesChecked(db: Db, ids: string[], at = new Date()): Promise<void> {
  if (ids.length > 0)
    await db.backupSchedule.updateMany({ where: { id: { in: ids } }, data: { temporalCheckedAt: at } });
}

/** The row's version now (null once deleted or gone). */
export async function currentScheduleVersion(db: Db, scheduleId: string): Promise<number | null> {
  const row = await db.backupSchedule.findUnique({ where: { id: scheduleId }, select: { version: true } });
  return row?.version ?? null;
}

export async function liveScheduleIds(db: Db, ids: string[]): Promise<Set<string>> {
  const rows = await db.backupSchedule.findMany({
    // An offboarded tenant's schedules are not live, whatever their row says.
    where: { id: { in: ids }, deletedAt: null, tenant: { offboardedAt: null } },
    select: { id: true },
  });
  return new Set(rows.map((row) => row.id));
}
