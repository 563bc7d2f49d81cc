// backup.run.missed: runs on every describe the reconciler makes anyway (rows out of line, and
// the rotating full checks: with FULL_CHECKS_PER_PASS 200 and 60 s passes, each schedule at
// least every ceil(schedules / 200) minutes), so it costs no describe of its own. Temporal's
// counters are cumulative and its recent actions hold the last 10, so a look every few minutes
// loses nothing for hourly or slower schedules. The spec's fire times are asked for (one more
// call) only when a counter rose. One event per missed fire time: its cause key is the schedule
// and the fire time, stored with the watch in one transaction.
import type { ScheduleWithTenantSlug } from '../db/schedules';
import { missedWatchOf, storeMissedWatch, workflowIdsWithRuns } from '../db/missedRuns';
import { publishEvents } from '../db/notificationEvents';
import type { NewEvent } from '../notifications/types';
import { type ScheduleActivity, scheduleFireTimes } from '../temporal/scheduleSync';
import { type MissedFire, droppedSince, missedFires } from './missedFires';
import { scheduleLinks, startDeliveries } from './notify';
import type { ReconcilerDeps } from './reconcileSchedules';

/** A started workflow has this long to write its run row (the begin activity) before it counts as not started. */
export const MISSED_RUN_GRACE_MS = 120_000;
/** Fire times further back are not looked for (a schedule first seen after a long pause). */
const LOOKBACK_MS = 7 * 24 * 3600_000;

/** Finds the schedule's missed fires since the last look and publishes one event each; returns how many. */
export async function detectMissedRuns(
  deps: ReconcilerDeps,
  row: ScheduleWithTenantSlug,
  activity: ScheduleActivity,
  now = new Date(),
): Promise<number> {
  const watch = missedWatchOf(row);
  const dropped = droppedSince(watch, activity);
  const since = new Date(Math.max(watch.checkedThrough.getTime(), now.getTime() - LOOKBACK_MS));
  const fireTimes =
    dropped.missed_catchup_window + dropped.skipped_overlap > 0
      ? await scheduleFireTimes(deps.temporal, row.id, since, now)
      : [];
  const result = missedFires({
    watch,
    activity,
    now,
    graceMs: deps.missedRunGraceMs ?? MISSED_RUN_GRACE_MS,
    fireTimes,
    workflowsWithRun: await workflowIdsWithRuns(
      deps.db,
      activity.recentActions.map((action) => action.workflowId),
    ),
    jitterMs: (deps.scheduling?.jitterSeconds ?? 0) * 1000,
  });
  const { deliveryIds } = await deps.db.$transaction(async (tx) => {
    await storeMissedWatch(tx, row.id, result.watch);
    const links = scheduleLinks(deps, row);
    return publishEvents(
      tx,
      result.missed.map((fire) => missedRunEvent(row, fire, links)),
      now,
    );
  });
  await startDeliveries(deps, deliveryIds);
  return result.missed.length;
}

export function missedRunEvent(
  row: ScheduleWithTenantSlug,
  fire: MissedFire,
  links: Record<string, string>,
): NewEvent {
  const fireTime = fire.fireTime.toISOString();
  return {
    tenantId: row.tenantId,
    type: 'backup.run.missed',
    causeKey: `schedule:${row.id}:missed:${fireTime}`,
    attributes: { scheduleId: row.id },
    data: {
      tenantId: row.tenantId,
      scheduleId: row.id,
      scheduleName: row.name,
      fireTime,
      reason: fire.reason,
      ...(fire.workflowId ? { workflowId: fire.workflowId } : {}),
      links,
    },
  };
}
