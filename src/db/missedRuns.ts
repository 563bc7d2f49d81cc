// What missed-run detection reads and writes: which workflows wrote a run row, and the
// per-schedule watch (src/reconciler/missedFires.ts) stored with the events it produced.
import type { MissedWatch } from '../reconciler/missedFires';
import type { DbClient } from './client';

/** Of these workflow ids, the ones some run row carries. */
export async function workflowIdsWithRuns(db: DbClient, workflowIds: string[]): Promise<Set<string>> {
  if (workflowIds.length === 0) return new Set();
  const rows = await db.backupScheduleRun.findMany({
    where: { workflowId: { in: workflowIds } },
    select: { workflowId: true },
    distinct: ['workflowId'],
  });
  return new Set(rows.map((row) => row.workflowId));
}

export function missedWatchOf(row: {
  missedCheckedThrough: Date;
  missedCatchupSeen: number | null;
  skippedOverlapSeen: number | null;
}): MissedWatch {
  return {
    checkedThrough: row.missedCheckedThrough,
    missedCatchupSeen: row.missedCatchupSeen,
    skippedOverlapSeen: row.skippedOverlapSeen,
  };
}

/** Stores the watch; the schedule's version and updatedAt stay (this is no edit of it). */
export async function storeMissedWatch(db: DbClient, scheduleId: string, watch: MissedWatch): Promise<void> {
  await db.$executeRaw`
    UPDATE backup_schedules
       SET missed_checked_through = ${watch.checkedThrough},
           missed_catchup_seen = ${watch.missedCatchupSeen},
           skipped_overlap_seen = ${watch.skippedOverlapSeen}
     WHERE id = ${scheduleId}::uuid`;
}
