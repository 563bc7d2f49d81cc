// Which fire times of a schedule passed without a run (backup.run.missed), from what Temporal
// says it did (its describe) against what the reconciler saw last time. Pure: the caller reads
// Temporal and Postgres and stores the result.
//
// Two kinds of evidence. Temporal counts fires it dropped, missed past the catch-up window (it
// was down, or so busy the fire came more than the window late) or skipped by the SKIP overlap
// policy (the previous run still going), but does not say which: those are the spec's fire times
// since the last check that no recent action took. And a fire Temporal did act on may still not
// have started a run (no worker polls the queue): a recent action whose workflow wrote no run row
// within the grace period.
import type { ScheduleActivity } from '../temporal/scheduleSync';

export type MissedReason = 'missed_catchup_window' | 'skipped_overlap' | 'not_started';

export interface MissedFire {
  fireTime: Date;
  reason: MissedReason;
  /** The workflow Temporal started for it (not_started only). */
  workflowId?: string;
}

/** What the reconciler stored of the schedule after its last look. */
export interface MissedWatch {
  checkedThrough: Date;
  /** null: never seen (a row from before the counters were kept): the first look only records. */
  missedCatchupSeen: number | null;
  skippedOverlapSeen: number | null;
}

/** How many fires Temporal dropped since the last look, by reason. */
export function droppedSince(watch: MissedWatch, activity: ScheduleActivity): Record<DroppedReason, number> {
  return {
    missed_catchup_window: rise(watch.missedCatchupSeen, activity.missedCatchupWindow),
    skipped_overlap: rise(watch.skippedOverlapSeen, activity.skippedOverlap),
  };
}

type DroppedReason = Exclude<MissedReason, 'not_started'>;

/** A lower count than seen means a new Temporal Schedule (recreated): all of it is new. */
function rise(seen: number | null, now: number): number {
  if (seen === null) return 0;
  return now >= seen ? now - seen : now;
}

export interface MissedFiresInput {
  watch: MissedWatch;
  activity: ScheduleActivity;
  now: Date;
  /** How long a started workflow may take to write its run row before it counts as not started. */
  graceMs: number;
  /** Spec fire times after watch.checkedThrough up to now; only needed when Temporal dropped some. */
  fireTimes: Date[];
  /** Of the recent actions' workflow ids, those that have a run row. */
  workflowsWithRun: ReadonlySet<string>;
  /** The schedules' jitter: a fire time is taken by an action scheduled up to this much later. */
  jitterMs: number;
}

export interface MissedFiresResult {
  missed: MissedFire[];
  /** What to store for the next look. */
  watch: MissedWatch;
}

/** Temporal keeps this many recent actions; older fire times cannot be told taken or not. */
const RECENT_ACTIONS_KEPT = 10;

export function missedFires(input: MissedFiresInput): MissedFiresResult {
  const { watch, activity, now } = input;
  const judgedThrough = new Date(Math.max(watch.checkedThrough.getTime(), now.getTime() - input.graceMs));
  const notStarted: MissedFire[] = activity.recentActions
    .filter(
      (action) =>
        action.scheduledAt > watch.checkedThrough &&
        action.scheduledAt <= judgedThrough &&
        action.takenAt <= judgedThrough &&
        !input.workflowsWithRun.has(action.workflowId),
    )
    .map((action) => ({
      fireTime: action.scheduledAt,
      reason: 'not_started',
      workflowId: action.workflowId,
    }));

  const dropped = droppedSince(watch, activity);
  const droppedCount = dropped.missed_catchup_window + dropped.skipped_overlap;
  const untaken = droppedCount === 0 ? [] : untakenFireTimes(input);
  // Temporal counted droppedCount: the latest untaken times are those (older untaken ones were
  // taken by actions it no longer lists), except that a time whose (jittered) action may still
  // come is no sign of a drop: it is taken only when too few others are left. Catch-up misses
  // come first: an outage drops fires before the run that makes the next one overlap can start.
  const mayStillRun = (time: Date) => time.getTime() + input.jitterMs + input.graceMs > now.getTime();
  const settled = untaken.filter((time) => !mayStillRun(time)).slice(-droppedCount);
  const droppedTimes = [
    ...settled,
    ...untaken.filter(mayStillRun).slice(0, droppedCount - settled.length),
  ].sort((a, b) => a.getTime() - b.getTime());
  const droppedFires: MissedFire[] = droppedTimes.map((fireTime, index) => ({
    fireTime,
    reason:
      index < droppedTimes.length - dropped.skipped_overlap ? 'missed_catchup_window' : 'skipped_overlap',
  }));

  return {
    missed: [...droppedFires, ...notStarted].sort((a, b) => a.fireTime.getTime() - b.fireTime.getTime()),
    watch: {
      checkedThrough: judgedThrough,
      missedCatchupSeen: activity.missedCatchupWindow,
      skippedOverlapSeen: activity.skippedOverlap,
    },
  };
}

/** Spec fire times no recent action took, sorted; none older than what Temporal still lists. */
function untakenFireTimes(input: MissedFiresInput): Date[] {
  const actions = input.activity.recentActions;
  const knownFrom =
    actions.length >= RECENT_ACTIONS_KEPT
      ? (actions[0]?.scheduledAt.getTime() ?? 0)
      : Number.NEGATIVE_INFINITY;
  return input.fireTimes
    .filter((time) => time.getTime() >= knownFrom)
    .filter(
      (time) =>
        !actions.some(
          (action) =>
            action.scheduledAt.getTime() >= time.getTime() &&
            action.scheduledAt.getTime() <= time.getTime() + input.jitterMs,
        ),
    )
    .sort((a, b) => a.getTime() - b.getTime());
}
