// Next fire times of many schedules with one ListSchedules call instead of a describe each.
// The list is read from Temporal's visibility store, which is eventually consistent: a schedule
// just created or changed may be missing or carry its previous times. Its memo's times are those
// computed when the schedule last changed or fired, so times already past are dropped; a schedule
// missing from the list, or left with fewer times than shown, is described on its own.
// ListSchedules has no filter by id here: it walks the namespace's schedules page by page until
// every schedule asked for was seen, so its cost grows with all schedules of the namespace (of
// every tenant); the read deadline bounds it, and what was listed by then is kept.
import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../graph/concurrency';
import { temporalScheduleId } from '../shared/constants';
import { TEMPORAL_READ_DEADLINE_MS, withinDeadline } from './deadline';
import { NEXT_RUN_TIMES_SHOWN, nextRunTimes } from './scheduleSync';

/** Per schedule id: its next fire times, or null when Temporal could not tell (unreachable). */
export type NextRunTimes = Map<string, Date[] | null>;

/** Describes of schedules the list left stale, at most this many at once. */
export const STALE_DESCRIBE_CONCURRENCY = 8;

export async function nextRunTimesOf(
  client: Client,
  scheduleIds: string[],
  now = new Date(),
): Promise<NextRunTimes> {
  const result: NextRunTimes = new Map(scheduleIds.map((id) => [id, null]));
  if (scheduleIds.length === 0) return result;
  const byTemporalId = new Map(scheduleIds.map((id) => [temporalScheduleId(id), id]));
  const listed = new Map<string, Date[]>();
  let listFinished = true;
  try {
    await withinDeadline(client, TEMPORAL_READ_DEADLINE_MS, async () => {
      for await (const summary of client.schedule.list()) {
        const id = byTemporalId.get(summary.scheduleId);
        if (id)
          listed.set(
            id,
            summary.info.nextActionTimes.filter((time) => time > now),
          );
        if (listed.size === byTemporalId.size) break;
      }
    });
  } catch {
    // Unreachable or too slow: what was listed by then is kept, the rest stays unknown.
    listFinished = false;
  }
  const stale: string[] = [];
  for (const id of scheduleIds) {
    const times = listed.get(id);
    if (times && times.length >= NEXT_RUN_TIMES_SHOWN) result.set(id, times.slice(0, NEXT_RUN_TIMES_SHOWN));
    else stale.push(id);
  }
  // A list that did not finish means Temporal is slow or gone: describing more would only wait.
  if (!listFinished) return result;
  await withinDeadline(client, TEMPORAL_READ_DEADLINE_MS, () =>
    mapWithConcurrency(stale, STALE_DESCRIBE_CONCURRENCY, async (id) => {
      result.set(id, await nextRunTimes(client, id));
    }),
  ).catch(() => undefined);
  return result;
}
