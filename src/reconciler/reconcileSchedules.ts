// One reconciliation pass: Postgres is the record, Temporal must match it. Reads Temporal's
// schedule list once, pages through the schedule rows, and repairs what differs. Operators'
// pauses and unpauses in the Temporal UI or CLI are the one change taken the other way.
//
// The list carries each schedule's spec and pause state but not its action or policies, and a
// describe costs the Temporal server milliseconds of CPU each. So every pass checks every row
// against the list, describes only the rows the list shows out of line (a describe is the
// authority: the list is eventually consistent), and compares in full a rotating share of the
// rest, those checked longest ago: drift in action or policies is found within a few passes.
// Each describe also feeds missed-run detection (missedRuns.ts), and each pass ends with the
// delivery relay (deliveryRelay.ts), the heal of restores whose workflow an operator ended
// (restoreWatch.ts) and the restart of offboarded tenants' purges that are not running
// (purgeRestarts.ts).
import type { Client, ScheduleSummary } from '@temporalio/client';
import { appendAudit } from '../db/audit';
import type { Db, DbClient } from '../db/client';
import { publishEvents } from '../db/notificationEvents';
import {
  currentScheduleVersion,
  liveScheduleIds,
  markScheduleDeleted,
  markSchedulesChecked,
  recordScheduleSync,
  type ScheduleWithTenantSlug,
  scheduleFieldsOf,
  schedulesDueForFullCheck,
  schedulesToReconcile,
  updateScheduleFields,
} from '../db/schedules';
import type { Logger } from '../logging/logger';
import { BACKUP_RUN_WORKFLOW, SCHEDULE_ID_PREFIX } from '../shared/constants';
import type { DeliveryStartOptions } from '../temporal/deliveryStarts';
import { specDrift } from '../temporal/scheduleDrift';
import { type SchedulingPolicy, scheduleOptionsFor } from '../temporal/scheduleOptions';
import {
  deleteTemporalSchedule,
  describeTemporalSchedule,
  type TemporalScheduleState,
  upsertTemporalSchedule,
} from '../temporal/scheduleSync';
import { relayUnstartedDeliveries } from './deliveryRelay';
import { restartStoppedPurges } from './purgeRestarts';
import { healEndedRestores } from './restoreWatch';
import { detectMissedRuns } from './missedRuns';
import { scheduleLinks, startDeliveries } from './notify';

export interface ReconcilerDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  scheduling?: SchedulingPolicy;
  /** Task queue and retry schedule of the delivery workflows (default: backup queue, Standard Webhooks). */
  deliveries?: DeliveryStartOptions;
  /** Overrides of missedRuns.MISSED_RUN_GRACE_MS and deliveryRelay.RELAY_AFTER_MS (tests). */
  missedRunGraceMs?: number;
  relayAfterMs?: number;
  /** Override of restoreWatch.RESTORE_WATCH_AFTER_MS (tests). */
  restoreWatchAfterMs?: number;
  /** Task queue of the TenantPurge workflows it restarts (default: backup queue, as the API's). */
  purgeTaskQueue?: string;
  /** Where people reach the API (PUBLIC_API_URL): the events' links. Default http://localhost:3000. */
  publicApiUrl?: string;
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

/** Per action the rows it was done to, with the missed fires found and deliveries relayed. */
export type ReconcileReport = Record<
  ReconcileAction | 'missed_runs' | 'deliveries_relayed' | 'restores_healed' | 'purges_restarted',
  number
>;

const PAGE = 100;
/**
 * Rows reconciled at once. A pass is mostly waiting on Temporal's describe of each schedule,
 * which the server answers for many at once: one at a time, 2,000 schedules took 15-17 s on two
 * cores (bench:reconcile), and would take far longer against a distant cluster. Each row is still
 * handled alone, so rows never race one another and a failed row does not stop the others. At
 * most 8 repairs hold a connection of the API's pool (10, one of them the reconciler's lock).
 */
const CONCURRENCY = 8;
/**
 * Rows compared in full (described) per pass besides those the list shows out of line. With
 * the default 60 s interval, 2,000 schedules are each compared in full every 10 minutes.
 */
export const FULL_CHECKS_PER_PASS = 200;

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
    missed_runs: 0,
    deliveries_relayed: 0,
    restores_healed: 0,
    purges_restarted: 0,
  };
  const listed = await listTemporalSchedules(deps.temporal);
  const fullCheck = await schedulesDueForFullCheck(deps.db, FULL_CHECKS_PER_PASS);
  const checked: string[] = [];
  // The workers share one stream of rows across pages, so no page waits for its slowest row.
  const rows = rowsToReconcile(deps.db);
  const worker = async () => {
    for (let next = await rows.next(); !next.done; next = await rows.next()) {
      const row = next.value;
      if (!needsDescribe(row, listed.get(row.id), fullCheck.has(row.id), deps.scheduling)) continue;
      const action = await reconcileIsolated(deps, row, report);
      if (action) report[action] += 1;
      // Failed rows too: else 200 rows that keep failing would hold every full-check turn.
      checked.push(row.id);
    }
  };
  // A failed page read ends the pass, but only once the rows in hand are done.
  const settled = await Promise.allSettled(Array.from({ length: CONCURRENCY }, worker));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  await markSchedulesChecked(deps.db, checked);
  report.orphan_deleted = await deleteOrphans(deps, [...listed.keys()]);
  report.deliveries_relayed = await relayUnstartedDeliveries(deps);
  report.restores_healed = await healEndedRestores(deps);
  report.purges_restarted = await restartStoppedPurges(deps);
  return report;
}

/** Temporal's `backup-schedule-*` schedules by schedule row id. */
async function listTemporalSchedules(temporal: Client): Promise<Map<string, ScheduleSummary>> {
  const listed = new Map<string, ScheduleSummary>();
  for await (const summary of temporal.schedule.list({ pageSize: 1000 })) {
    if (summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) {
      listed.set(summary.scheduleId.slice(SCHEDULE_ID_PREFIX.length), summary);
    }
  }
  return listed;
}

/** Whether the row needs a describe: the list cannot show it in line, or its turn came. */
function needsDescribe(
  row: ScheduleWithTenantSlug,
  summary: ScheduleSummary | undefined,
  dueForFullCheck: boolean,
  scheduling: SchedulingPolicy | undefined,
): boolean {
  if (row.deletedAt || row.tenant.offboardedAt || row.temporalSyncState !== 'synced') return true;
  if (dueForFullCheck || !summary?.spec) return true;
  if (summary.state.paused === row.enabled) return true;
  if (summary.action?.workflowType !== BACKUP_RUN_WORKFLOW) return true;
  return specDrift(summary.spec, scheduleOptionsFor(row, row.tenant.slug, scheduling).spec).length > 0;
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
  report: ReconcileReport,
): Promise<ReconcileAction | null> {
  try {
    return await reconcileOne(deps, row, report);
  } catch (error) {
    deps.logger.warn({ err: error, scheduleId: row.id }, 'reconciler could not repair a schedule');
    return 'failed';
  }
}

async function reconcileOne(
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
  report: ReconcileReport,
): Promise<ReconcileAction | null> {
  if (row.deletedAt || row.tenant.offboardedAt) {
    // A schedule an API call made while its tenant was being offboarded is deleted like the rest.
    const version = row.deletedAt ? row.version : (await markScheduleDeleted(deps.db, row.id)).version;
    await deleteTemporalSchedule(deps.temporal, row.id);
    await recordScheduleSync(deps.db, row.id, version, { state: 'synced' });
    return 'deleted';
  }
  const inTemporal = await describeTemporalSchedule(deps.temporal, row, row.tenant.slug, deps.scheduling);
  if (inTemporal) report.missed_runs += await missedRunsIsolated(deps, row, inTemporal.activity);
  const synced = row.temporalSyncState === 'synced';
  if (inTemporal && synced && inTemporal.paused === row.enabled) {
    // Our last write reached Temporal, yet the pause state differs: an operator changed it.
    return mirrorPause(deps, row, inTemporal.paused, inTemporal.note);
  }
  if (inTemporal && synced && inTemporal.drift.length === 0) return null;

  // An API edit since this row was read is newer: its own write, or the next pass, syncs it.
  if ((await currentScheduleVersion(deps.db, row.id)) !== row.version) return null;
  await upsertTemporalSchedule(deps.temporal, row, row.tenant.slug, deps.scheduling);
  if (!(await recordScheduleSync(deps.db, row.id, row.version, { state: 'synced' }))) {
    // Edited between the check and the write: Temporal may now hold the older version.
    await recordScheduleSync(
      deps.db,
      row.id,
      (await currentScheduleVersion(deps.db, row.id)) ?? row.version,
      {
        state: 'pending',
      },
    );
    return null;
  }
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
  let deliveryIds: string[] = [];
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
      if (paused) ({ deliveryIds } = await publishPause(tx, deps, row, mirrored.version, note));
    }
    return mirrored;
  });
  await startDeliveries(deps, deliveryIds);
  // Edited through the API meanwhile: that edit is newer, and its own sync decides.
  if (!updated) return null;
  await upsertTemporalSchedule(deps.temporal, updated, row.tenant.slug, deps.scheduling);
  await recordScheduleSync(deps.db, row.id, updated.version, { state: 'synced' });
  return action;
}

/**
 * schedule.paused_by_operator, with the audit row: the version the pause made is its cause, so
 * a pause mirrored once is one event however many passes see it.
 */
function publishPause(
  tx: DbClient,
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
  version: number,
  note: string | undefined,
) {
  return publishEvents(tx, [
    {
      tenantId: row.tenantId,
      type: 'schedule.paused_by_operator',
      causeKey: `schedule:${row.id}:paused_by_operator:v${version}`,
      attributes: { scheduleId: row.id },
      data: {
        tenantId: row.tenantId,
        scheduleId: row.id,
        scheduleName: row.name,
        note: note?.slice(0, 500) ?? null,
        links: scheduleLinks(deps, row),
      },
    },
  ]);
}

/** Missed-run detection must not keep a schedule from being repaired: its failure is logged. */
async function missedRunsIsolated(
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
  activity: TemporalScheduleState['activity'],
): Promise<number> {
  if (row.deletedAt) return 0;
  try {
    return await detectMissedRuns(deps, row, activity);
  } catch (error) {
    deps.logger.warn(
      { err: error, scheduleId: row.id },
      'reconciler could not check a schedule for missed runs',
    );
    return 0;
  }
}

/** Deletes the listed Temporal Schedules that have no live row. */
async function deleteOrphans(deps: ReconcilerDeps, listedIds: string[]): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < listedIds.length; start += PAGE) {
    const batch = listedIds.slice(start, start + PAGE);
    // Read now, not at the start of the pass: a schedule created meanwhile is live.
    const live = await liveScheduleIds(deps.db, batch.filter(isUuid));
    for (const id of batch.filter((id) => !live.has(id))) {
      await deleteTemporalSchedule(deps.temporal, id);
      deps.logger.info({ scheduleId: id }, 'reconciler deleted a Temporal Schedule with no schedule row');
      deleted += 1;
    }
  }
  return deleted;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
