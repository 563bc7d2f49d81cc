// Which fire times count as missed, from Temporal's counters and recent actions.
import { missedFires, type MissedFiresInput } from '../../src/reconciler/missedFires';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 9, minute));
const action = (minute: number, workflowId = `run-${minute}`) => ({
  scheduledAt: at(minute),
  takenAt: new Date(at(minute).getTime() + 50),
  workflowId,
});

function input(overrides: Partial<MissedFiresInput>): MissedFiresInput {
  return {
    watch: { checkedThrough: at(0), missedCatchupSeen: 0, skippedOverlapSeen: 0 },
    activity: { missedCatchupWindow: 0, skippedOverlap: 0, recentActions: [] },
    now: at(30),
    graceMs: 60_000,
    fireTimes: [],
    workflowsWithRun: new Set(),
    jitterMs: 0,
    ...overrides,
  };
}

test('a recent action with no run row after the grace period is not_started; one within it waits', () => {
  const result = missedFires(
    input({
      activity: {
        missedCatchupWindow: 0,
        skippedOverlap: 0,
        recentActions: [action(10), action(20), action(29.5)],
      },
      workflowsWithRun: new Set(['run-20']),
    }),
  );
  expect(result.missed).toEqual([{ fireTime: at(10), reason: 'not_started', workflowId: 'run-10' }]);
  expect(result.watch.checkedThrough).toEqual(at(29));
});

test('fires Temporal dropped are the latest untaken spec times, as many as its counters rose', () => {
  const result = missedFires(
    input({
      watch: { checkedThrough: at(0), missedCatchupSeen: 3, skippedOverlapSeen: 0 },
      activity: { missedCatchupWindow: 4, skippedOverlap: 2, recentActions: [action(5)] },
      fireTimes: [at(5), at(10), at(15), at(20), at(25)],
      workflowsWithRun: new Set(['run-5']),
    }),
  );
  expect(result.missed).toEqual([
    { fireTime: at(15), reason: 'missed_catchup_window' },
    { fireTime: at(20), reason: 'skipped_overlap' },
    { fireTime: at(25), reason: 'skipped_overlap' },
  ]);
  expect(result.watch).toMatchObject({ missedCatchupSeen: 4, skippedOverlapSeen: 2 });
});

test('counters never seen before are only recorded; a lower count (a recreated schedule) is all new', () => {
  const first = missedFires(
    input({
      watch: { checkedThrough: at(0), missedCatchupSeen: null, skippedOverlapSeen: null },
      activity: { missedCatchupWindow: 7, skippedOverlap: 3, recentActions: [] },
      fireTimes: [at(10), at(20)],
    }),
  );
  expect(first.missed).toEqual([]);
  const recreated = missedFires(
    input({
      watch: { checkedThrough: at(0), missedCatchupSeen: 7, skippedOverlapSeen: 0 },
      activity: { missedCatchupWindow: 1, skippedOverlap: 0, recentActions: [] },
      fireTimes: [at(10), at(20)],
    }),
  );
  expect(recreated.missed).toEqual([{ fireTime: at(20), reason: 'missed_catchup_window' }]);
});

test('a jittered action takes its fire time, and with 10 recent actions older times are not guessed', () => {
  const jittered = { ...action(10), scheduledAt: new Date(at(10).getTime() + 20_000) };
  const result = missedFires(
    input({
      activity: { missedCatchupWindow: 0, skippedOverlap: 5, recentActions: [jittered] },
      fireTimes: [at(10), at(20)],
      workflowsWithRun: new Set(['run-10']),
      jitterMs: 30_000,
    }),
  );
  expect(result.missed).toEqual([{ fireTime: at(20), reason: 'skipped_overlap' }]);

  const full = Array.from({ length: 10 }, (_, index) => action(11 + index));
  const bounded = missedFires(
    input({
      activity: { missedCatchupWindow: 5, skippedOverlap: 0, recentActions: full },
      fireTimes: [at(2), at(3), at(25)],
      workflowsWithRun: new Set(full.map((entry) => entry.workflowId)),
    }),
  );
  expect(bounded.missed).toEqual([{ fireTime: at(25), reason: 'missed_catchup_window' }]);
});

test('a fire time whose jittered action may still come is not taken for the one Temporal dropped earlier', () => {
  // 09:10 was dropped (Temporal down); 09:20 ran; 09:30's action is due by 09:35 (5 min jitter).
  const result = missedFires(
    input({
      activity: { missedCatchupWindow: 1, skippedOverlap: 0, recentActions: [action(0), action(20)] },
      fireTimes: [at(10), at(20), at(30)],
      workflowsWithRun: new Set(['run-0', 'run-20']),
      now: at(31),
      jitterMs: 300_000,
    }),
  );
  expect(result.missed).toEqual([{ fireTime: at(10), reason: 'missed_catchup_window' }]);
});
