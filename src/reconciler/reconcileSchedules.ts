// One reconciliation pass: Postgres is the record, Temporal must match it. Pages through the
// schedule rows and then through Temporal's schedules, and repairs what differs. Operators'
// pauses and unpauses in the Temporal UI or CLI are the one change taken the other way.
import type { Client } from '@temporalio/client';
import { appendAudit } from '../db/audit';
import type { Db } from '../db/client';
import {
  liveScheduleIds,
  recordScheduleSync,
  type ScheduleWithTenantSlug,
  scheduleFieldsOf,
  schedulesToReconcile,
  updateScheduleFields,
} from '../db/schedules';
import type { Logger } from '../logging/logger';
import { SCHEDULE_ID_PREFIX } from '../shared/constants';
import type { SchedulingPolicy } from '../temporal/scheduleOptions';
import {
  deleteTemporalSchedule,
  describeTemporalSchedule,
  upsertTemporalSchedule,
} from '../temporal/scheduleSync';

export interface ReconcilerDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  scheduling?: SchedulingPolicy;
}

export type ReconcileAction =
  | 'created'
  | 'resynced'
  | 'drift_corrected'
  | 'paused_by_operator'
  | 'unpaused_by_operator'
  | 'deleted'
  | 'orphan_deleted'
  | 'failed';

export type ReconcileReport = Record<ReconcileAction, number>;

const PAGE = 100;
/**
 * Rows reconciled at once. A pass is mostly waiting on Temporal's describe of each schedule,
 * which the server answers for many at once: one at a time, 2,000 schedules took 15-17 s on two
 * cores (bench:reconcile), and would take far longer against a distant cluster. Each row is still
 * handled alone, so rows never race one another and a failed row does not stop the others. At
 * most 8 repairs hold a connection of the API's pool (10, one of them the reconciler's lock).
 */
const CONCURRENCY = 8;

export async function reconcileSchedules(deps: ReconcilerDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    created: 0,
    resynced: 0,
    drift_corrected: 0,
    paused_by_operator: 0,
    unpaused_by_operator: 0,
    deleted: 0,
    orphan_deleted: 0,
    failed: 0,
  };
  // The workers share one stream of rows across pages, so no page waits for its slowest row.
  const rows = rowsToReconcile(deps.db);
  const worker = async () => {
    for (let next = await rows.next(); !next.done; next = await rows.next()) {
      const action = await reconcileIsolated(deps, next.value);
      if (action) report[action] += 1;
    }
  };
  // A failed page read ends the pass, but only once the rows in hand are done.
  const settled = await Promise.allSettled(Array.from({ length: CONCURRENCY }, worker));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  report.orphan_deleted = await deleteOrphans(deps);
  return report;
}

/** Every row the pass must look at, read a page at a time in id order. */
async function* rowsToReconcile(db: Db): AsyncGenerator<ScheduleWithTenantSlug> {
  for (let after: string | undefined; ; ) {
    const rows = await schedulesToReconcile(db, { limit: PAGE, after });
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)?.id;
  }
}

/** One row; its failure is counted and logged, and does not stop the others. */
async function reconcileIsolated(
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
): Promise<ReconcileAction | null> {
  try {
    return await reconcileOne(deps, row);
  } catch (error) {
    deps.logger.warn({ err: error, scheduleId: row.id }, 'reconciler could not repair a schedule');
    return 'failed';
  }
}

async function reconcileOne(
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
): Promise<ReconcileAction | null> {
  if (row.deletedAt) {
    await deleteTemporalSchedule(deps.temporal, row.id);
    await recordScheduleSync(deps.db, row.id, row.version, { state: 'synced' });
    return 'deleted';
  }
  const inTemporal = await describeTemporalSchedule(deps.temporal, row, row.tenant.slug, deps.scheduling);
  const synced = row.temporalSyncState === 'synced';
  if (inTemporal && synced && inTemporal.paused === row.enabled) {
    // Our last write reached Temporal, yet the pause state differs: an operator changed it.
    return mirrorPause(deps, row, inTemporal.paused, inTemporal.note);
  }
  if (inTemporal && synced && inTemporal.drift.length === 0) return null;

  await upsertTemporalSchedule(deps.temporal, row, row.tenant.slug, deps.scheduling);
  await recordScheduleSync(deps.db, row.id, row.version, { state: 'synced' });
  if (!inTemporal) return 'created';
  if (!synced) return 'resynced';
  await appendAudit(deps.db, {
    tenantId: row.tenantId,
    actor: 'system',
    action: 'schedule.drift_corrected',
    resourceType: 'backup_schedule',
    resourceId: row.id,
    metadata: { drift: inTemporal.drift, version: row.version },
  });
  return 'drift_corrected';
}

async function mirrorPause(
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
  paused: boolean,
  note: string | undefined,
): Promise<ReconcileAction | null> {
  const action = paused ? 'paused_by_operator' : 'unpaused_by_operator';
  const updated = await deps.db.$transaction(async (tx) => {
    const mirrored = await updateScheduleFields(tx, row.id, row.version, {
      ...scheduleFieldsOf(row),
      enabled: !paused,
    });
    if (mirrored) {
      await appendAudit(tx, {
        tenantId: row.tenantId,
        actor: 'operator',
        action: `schedule.${action}`,
        resourceType: 'backup_schedule',
        resourceId: row.id,
        metadata: { note: note ?? null, version: mirrored.version },
      });
    }
    return mirrored;
  });
  // Edited through the API meanwhile: that edit is newer, and its own sync decides.
  if (!updated) return null;
  await upsertTemporalSchedule(deps.temporal, updated, row.tenant.slug, deps.scheduling);
  await recordScheduleSync(deps.db, row.id, updated.version, { state: 'synced' });
  return action;
}

/** Deletes `backup-schedule-*` Temporal Schedules that have no live row. */
async function deleteOrphans(deps: ReconcilerDeps): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    const live = await liveScheduleIds(deps.db, batch.filter(isUuid));
    for (const id of batch.filter((id) => !live.has(id))) {
      await deleteTemporalSchedule(deps.temporal, id);
      deps.logger.info({ scheduleId: id }, 'reconciler deleted a Temporal Schedule with no schedule row');
      deleted += 1;
    }
    batch = [];
  };
  for await (const summary of deps.temporal.schedule.list({ pageSize: PAGE })) {
    if (!summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
    batch.push(summary.scheduleId.slice(SCHEDULE_ID_PREFIX.length));
    if (batch.length >= PAGE) await flush();
  }
  if (batch.length > 0) await flush();
  return deleted;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
