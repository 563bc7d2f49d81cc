// Backup schedules: Postgres is the record, written first; Temporal follows. A failed sync
// leaves the row `pending` (Temporal unreachable) or `error` (another failure) for the
// reconciler, and the caller still gets an answer. A schedule whose content Temporal refuses is
// never kept: the create is undone and the update reverted, and the caller gets a 422.
import type { Client } from '@temporalio/client';
import { type AuditEntry, appendAudit, userActor } from '../db/audit';
import { scheduleRetentionOf, storedReductions, tenantRetentionOf } from '../db/retention';
import { changeScheduleRetention, reductionMadeBy, type ScheduleRetention } from '../retention/policy';
import type { BackupSchedule, BackupScheduleRun, Db, Prisma } from '../db/client';
import { latestRunsOf } from '../db/runs';
import {
  DuplicateScheduleNameError,
  deleteScheduleRow,
  findLiveSchedule,
  insertSchedule,
  listLiveSchedules,
  markScheduleDeleted,
  recordScheduleSync,
  type ScheduleFields,
  scheduleFieldsOf,
  updateScheduleFields,
} from '../db/schedules';
import { lockTenantForWrite } from '../db/tenantOffboarding';
import { findTenant } from '../db/tenants';
import type { Logger } from '../logging/logger';
import { TEMPORAL_READ_DEADLINE_MS, TEMPORAL_WRITE_DEADLINE_MS, withinDeadline } from '../temporal/deadline';
import type { SchedulingPolicy } from '../temporal/scheduleOptions';
import {
  deleteTemporalSchedule,
  isTemporalUnavailable,
  nextRunTimes,
  TemporalScheduleRefused,
  upsertTemporalSchedule,
} from '../temporal/scheduleSync';
import { type NextRunTimes, nextRunTimesOf } from '../temporal/nextRunTimesBatch';
import { ConflictError, InvalidFieldsError, NotFoundError } from './errors';

export interface ScheduleServiceDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  scheduling?: SchedulingPolicy;
}

export interface ScheduleView {
  schedule: BackupSchedule;
  /** Null when Temporal could not say (unreachable, or not yet holding the row's version). */
  nextRunTimes: Date[] | null;
  lastRun: BackupScheduleRun | null;
}

export async function createSchedule(
  deps: ScheduleServiceDeps,
  tenantId: string,
  fields: ScheduleFields,
  actorUserId: string,
): Promise<ScheduleView> {
  const tenant = await findTenant(deps.db, tenantId);
  if (!tenant) throw new NotFoundError('tenant');
  let created: BackupSchedule;
  try {
    created = await deps.db.$transaction(async (tx) => {
      // Not while the tenant is offboarded, nor in a race with its offboarding (which takes the lock).
      await lockTenantForWrite(tx, tenantId);
      const row = await insertSchedule(tx, tenantId, fields);
      await appendAudit(tx, {
        tenantId,
        actor: userActor(actorUserId),
        action: 'backup_schedule.created',
        resourceType: 'backup_schedule',
        resourceId: row.id,
        metadata: { name: row.name, frequency: row.frequency, enabled: row.enabled },
      });
      return row;
    });
  } catch (error) {
    throw conflictIfNameTaken(error);
  }
  try {
    return await viewOf(deps, await syncScheduleToTemporal(deps, created, tenant.slug));
  } catch (error) {
    if (!(error instanceof TemporalScheduleRefused)) throw error;
    // No one knows the new id yet (this request has not answered), so it has no runs.
    await deps.db.$transaction(async (tx) => {
      await deleteScheduleRow(tx, created.id);
      await appendRefusalAudit(tx, created, actorUserId, error, { undone: 'create' });
    });
    throw invalidForTemporal(error);
  }
}

export async function getSchedule(
  deps: ScheduleServiceDeps,
  tenantId: string,
  scheduleId: string,
): Promise<ScheduleView> {
  const schedule = await findLiveSchedule(deps.db, tenantId, scheduleId);
  if (!schedule) throw new NotFoundError('backup schedule');
  return viewOf(deps, schedule);
}

/**
 * Replaces the schedule's fields with `build(current fields)` (the caller validates the whole
 * result), unless the row changed meanwhile (409); then brings Temporal in line: a disabled
 * schedule is paused, not deleted.
 */
export async function updateSchedule(
  deps: ScheduleServiceDeps,
  tenantId: string,
  scheduleId: string,
  build: (current: ScheduleFields) => ScheduleFields,
  actorUserId: string,
): Promise<ScheduleView> {
  const tenant = await findTenant(deps.db, tenantId);
  const current = tenant && (await findLiveSchedule(deps.db, tenantId, scheduleId));
  if (!tenant || !current) throw new NotFoundError('backup schedule');
  const before = scheduleFieldsOf(current);
  const fields = build(before);
  const changed = (Object.keys(fields) as (keyof ScheduleFields)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(fields[key]),
  );
  // A lower keepLast waits out the tenant's grace period before retention applies it.
  const retentionBefore = scheduleRetentionOf(current);
  const retention = changeScheduleRetention(retentionBefore, fields.retentionKeepLast, {
    tenant: tenantRetentionOf(tenant),
    by: userActor(actorUserId),
    now: new Date(),
  });
  let updated: BackupSchedule | null;
  try {
    updated = await deps.db.$transaction(async (tx) => {
      await lockTenantForWrite(tx, tenantId);
      const row = await updateScheduleFields(
        tx,
        scheduleId,
        current.version,
        fields,
        storedReductions(retention.reductions),
      );
      if (row) {
        await appendAudit(tx, {
          tenantId,
          actor: userActor(actorUserId),
          action: 'backup_schedule.updated',
          resourceType: 'backup_schedule',
          resourceId: scheduleId,
          metadata: { changed, version: row.version },
        });
        if (changed.includes('retentionKeepLast'))
          await appendAudit(tx, retentionChangeAudit(row, retentionBefore, retention, actorUserId));
      }
      return row;
    });
  } catch (error) {
    throw conflictIfNameTaken(error);
  }
  if (!updated) {
    throw new ConflictError('the schedule changed while this update was made; retry it', 'schedule_changed');
  }
  try {
    return await viewOf(deps, await syncScheduleToTemporal(deps, updated, tenant.slug));
  } catch (error) {
    if (!(error instanceof TemporalScheduleRefused)) throw error;
    await revertRefusedUpdate(
      deps,
      updated,
      before,
      storedReductions(retentionBefore.reductions),
      tenant.slug,
      actorUserId,
      error,
      changed,
    );
    throw invalidForTemporal(error);
  }
}

/**
 * Puts the fields back as they were before an update Temporal refused (Temporal still has them),
 * unless another edit came meanwhile: that one is newer and syncs itself.
 */
async function revertRefusedUpdate(
  deps: ScheduleServiceDeps,
  refused: BackupSchedule,
  before: ScheduleFields,
  reductionsBefore: Prisma.InputJsonArray,
  tenantSlug: string,
  actorUserId: string,
  error: TemporalScheduleRefused,
  changed: string[],
): Promise<void> {
  const reverted = await deps.db.$transaction(async (tx) => {
    const row = await updateScheduleFields(tx, refused.id, refused.version, before, reductionsBefore);
    if (row) await appendRefusalAudit(tx, refused, actorUserId, error, { undone: 'update', changed });
    return row;
  });
  // The new version (and its pause note) still goes to Temporal; if that fails, the row says so.
  if (reverted)
    await syncScheduleToTemporal(deps, reverted, tenantSlug).catch((syncError: unknown) =>
      deps.logger.warn({ err: syncError, scheduleId: refused.id }, 'reverted schedule not synced'),
    );
}

function appendRefusalAudit(
  db: Parameters<typeof appendAudit>[0],
  schedule: BackupSchedule,
  actorUserId: string,
  error: TemporalScheduleRefused,
  what: { undone: 'create' | 'update'; changed?: string[] },
) {
  return appendAudit(db, {
    tenantId: schedule.tenantId,
    actor: userActor(actorUserId),
    action: 'backup_schedule.refused_by_temporal',
    resourceType: 'backup_schedule',
    resourceId: schedule.id,
    metadata: { ...what, name: schedule.name, reason: error.message.slice(0, 300) },
  });
}

/** The 422 for a schedule Temporal refused, naming the time zone when that was the reason. */
function invalidForTemporal(error: TemporalScheduleRefused): InvalidFieldsError {
  const field = /time ?zone/i.test(error.message) ? 'timezone' : '(root)';
  return new InvalidFieldsError([{ field, message: `Temporal refused the schedule: ${error.message}` }]);
}

/** Soft-deletes the schedule, then its Temporal Schedule (left `pending` if Temporal is down). */
export async function deleteSchedule(
  deps: ScheduleServiceDeps,
  tenantId: string,
  scheduleId: string,
  actorUserId: string,
): Promise<void> {
  const current = await findLiveSchedule(deps.db, tenantId, scheduleId);
  if (!current) throw new NotFoundError('backup schedule');
  const deleted = await deps.db.$transaction(async (tx) => {
    const row = await markScheduleDeleted(tx, scheduleId);
    await appendAudit(tx, {
      tenantId,
      actor: userActor(actorUserId),
      action: 'backup_schedule.deleted',
      resourceType: 'backup_schedule',
      resourceId: scheduleId,
      metadata: { name: row.name },
    });
    return row;
  });
  let outcome: TemporalSyncOutcome = { state: 'synced' };
  try {
    await withinDeadline(deps.temporal, TEMPORAL_WRITE_DEADLINE_MS, () =>
      deleteTemporalSchedule(deps.temporal, scheduleId),
    );
  } catch (error) {
    deps.logger.warn({ err: error, scheduleId }, 'Temporal schedule delete failed; left for the reconciler');
    outcome = failedSync(error);
  }
  await recordScheduleSync(deps.db, scheduleId, deleted.version, outcome);
}

/** A page of schedules, each with its last run and next run times (one Temporal list for all). */
export async function listSchedules(
  deps: ScheduleServiceDeps,
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ rows: BackupSchedule[]; lastRuns: Map<string, BackupScheduleRun>; nextRuns: NextRunTimes }> {
  const rows = await listLiveSchedules(deps.db, tenantId, page);
  const [lastRuns, nextRuns] = await Promise.all([
    latestRunsOf(
      deps.db,
      rows.map((row) => row.id),
    ),
    nextRunTimesOf(deps.temporal, syncedIds(rows.slice(0, page.limit))),
  ]);
  return { rows, lastRuns, nextRuns };
}

/** Temporal's times describe a schedule only once it holds the row's current version. */
export function syncedIds(rows: BackupSchedule[]): string[] {
  return rows.filter((row) => row.temporalSyncState === 'synced').map((row) => row.id);
}

export async function syncScheduleToTemporal(
  deps: ScheduleServiceDeps,
  schedule: BackupSchedule,
  tenantSlug: string,
): Promise<BackupSchedule> {
  let outcome: TemporalSyncOutcome = { state: 'synced' };
  try {
    await withinDeadline(deps.temporal, TEMPORAL_WRITE_DEADLINE_MS, () =>
      upsertTemporalSchedule(deps.temporal, schedule, tenantSlug, deps.scheduling),
    );
  } catch (error) {
    // The caller undoes the write: a refused schedule must not stay for the reconciler to retry.
    if (error instanceof TemporalScheduleRefused) throw error;
    deps.logger.warn({ err: error, scheduleId: schedule.id }, 'Temporal schedule sync failed');
    outcome = failedSync(error);
  }
  return (await recordScheduleSync(deps.db, schedule.id, schedule.version, outcome)) ?? schedule;
}

/** Next run times come from Temporal, and only when it has the row's current version. */
async function viewOf(deps: ScheduleServiceDeps, schedule: BackupSchedule): Promise<ScheduleView> {
  const lastRun = (await latestRunsOf(deps.db, [schedule.id])).get(schedule.id) ?? null;
  if (schedule.temporalSyncState !== 'synced') return { schedule, nextRunTimes: null, lastRun };
  return {
    schedule,
    lastRun,
    nextRunTimes: await withinDeadline(deps.temporal, TEMPORAL_READ_DEADLINE_MS, () =>
      nextRunTimes(deps.temporal, schedule.id),
    ),
  };
}

function conflictIfNameTaken(error: unknown): unknown {
  if (!(error instanceof DuplicateScheduleNameError)) return error;
  return new ConflictError(
    `a schedule named "${error.message}" already exists in this tenant`,
    'schedule_name_taken',
    'name',
  );
}

type TemporalSyncOutcome = Parameters<typeof recordScheduleSync>[3];

/** Unreachable Temporal leaves the row `pending` for the reconciler; a refusal is an `error`. */
function failedSync(error: unknown): TemporalSyncOutcome {
  return {
    state: isTemporalUnavailable(error) ? 'pending' : 'error',
    error: String((error as Error).message ?? error).slice(0, 500),
  };
}

/** The audit row of a changed keepLast: old and new value, and until when the old one holds. */
function retentionChangeAudit(
  schedule: BackupSchedule,
  before: ScheduleRetention,
  retention: ScheduleRetention,
  actorUserId: string,
): AuditEntry {
  const made = reductionMadeBy(before, retention);
  return {
    tenantId: schedule.tenantId,
    actor: userActor(actorUserId),
    action: 'backup_schedule.retention_changed',
    resourceType: 'backup_schedule',
    resourceId: schedule.id,
    metadata: {
      from: { keepLast: before.keepLast },
      to: { keepLast: retention.keepLast },
      ...(made ? { keepLastInForce: made.from, inForceUntil: made.inForceUntil.toISOString() } : {}),
    },
  };
}
