// Backup schedules: Postgres is the record, written first; Temporal follows. A failed sync
// leaves the row `pending` (Temporal unreachable) or `error` (Temporal refused) for the
// reconciler, and the caller still gets an answer.
import type { Client } from '@temporalio/client';
import { appendAudit, userActor } from '../db/audit';
import type { BackupSchedule, Db } from '../db/client';
import {
  DuplicateScheduleNameError,
  findLiveSchedule,
  insertSchedule,
  listLiveSchedules,
  recordScheduleSync,
  type ScheduleFields,
} from '../db/schedules';
import { findTenant } from '../db/tenants';
import type { Logger } from '../logging/logger';
import { isTemporalUnavailable, nextRunTimes, upsertTemporalSchedule } from '../temporal/scheduleSync';
import { ConflictError, NotFoundError } from './errors';

export interface ScheduleServiceDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
}

export interface ScheduleView {
  schedule: BackupSchedule;
  nextRunTimes: Date[];
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
    if (error instanceof DuplicateScheduleNameError) {
      throw new ConflictError(
        `a schedule named "${fields.name}" already exists in this tenant`,
        'schedule_name_taken',
        'name',
      );
    }
    throw error;
  }
  const synced = await syncScheduleToTemporal(deps, created, tenant.slug);
  return { schedule: synced, nextRunTimes: await nextRunTimes(deps.temporal, created.id) };
}

export async function getSchedule(
  deps: ScheduleServiceDeps,
  tenantId: string,
  scheduleId: string,
): Promise<ScheduleView> {
  const schedule = await findLiveSchedule(deps.db, tenantId, scheduleId);
  if (!schedule) throw new NotFoundError('backup schedule');
  return { schedule, nextRunTimes: await nextRunTimes(deps.temporal, schedule.id) };
}

export function listSchedules(
  deps: ScheduleServiceDeps,
  tenantId: string,
  page: { limit: number; cursor?: string },
) {
  return listLiveSchedules(deps.db, tenantId, page);
}

export async function syncScheduleToTemporal(
  deps: ScheduleServiceDeps,
  schedule: BackupSchedule,
  tenantSlug: string,
): Promise<BackupSchedule> {
  let outcome: { state: 'synced' | 'pending' | 'error'; error?: string };
  try {
    await upsertTemporalSchedule(deps.temporal, schedule, tenantSlug);
    outcome = { state: 'synced' };
  } catch (error) {
    const unavailable = isTemporalUnavailable(error);
    deps.logger.warn({ err: error, scheduleId: schedule.id }, 'Temporal schedule sync failed');
    outcome = {
      state: unavailable ? 'pending' : 'error',
      error: String((error as Error).message ?? error).slice(0, 500),
    };
  }
  return (await recordScheduleSync(deps.db, schedule.id, schedule.version, outcome)) ?? schedule;
}
