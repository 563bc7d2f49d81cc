// The RestoreRun workflow: begin -> every item's steps, dependencies first (items of one
// restoreOrder tier a few at a time, each item's steps in sequence) -> finish. Each step runs in a
// non-cancellable scope, so a cancel lands between two steps and never inside a write whose
// answer the ledger must record; finish runs whatever happened, with canceled = isCancellation.
// Deterministic code only; every effect happens in an activity (src/activities/restoreApply.ts).
import {
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  log,
  proxyActivities,
} from '@temporalio/workflow';
import type { PlannedItemSteps, RestoreApplyActivities } from '../activities/restoreApply';
import type { RestoreRunInput } from '../restore/types';

/** Items of one tier written at once: Graph's write budget, not this, bounds the pace. */
export const RESTORE_ITEM_CONCURRENCY = 4;

const NON_RETRYABLE = ['restore_not_found', 'restore_item_not_found'];

const bookkeeping = proxyActivities<Pick<RestoreApplyActivities, 'beginRestoreApply' | 'finishRestoreApply'>>(
  {
    startToCloseTimeout: '2m',
    retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE },
  },
);

// A step may wait for write slots and, after a lost answer, look for its object for minutes;
// it heartbeats meanwhile, so a killed worker is noticed within the heartbeat timeout.
const steps = proxyActivities<Pick<RestoreApplyActivities, 'applyRestoreStep'>>({
  startToCloseTimeout: '20m',
  heartbeatTimeout: '1m',
  retry: {
    initialInterval: '2s',
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});

export async function RestoreRun(
  input: RestoreRunInput,
): Promise<{ status: string; outcomes: Record<string, number> }> {
  let canceled = false;
  try {
    const { items } = await bookkeeping.beginRestoreApply(input);
    for (const tier of tiersOf(items)) await runTier(input, tier);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    canceled = true;
  }
  return CancellationScope.nonCancellable(() => bookkeeping.finishRestoreApply({ ...input, canceled }));
}

/** Items grouped by tier, lowest first, each tier in plan order. */
function tiersOf(items: PlannedItemSteps[]): PlannedItemSteps[][] {
  const tiers = new Map<number, PlannedItemSteps[]>();
  for (const item of items) tiers.set(item.tier, [...(tiers.get(item.tier) ?? []), item]);
  return [...tiers.keys()].sort((a, b) => a - b).map((tier) => tiers.get(tier)!);
}

/**
 * A few lanes take the tier's items in order. Every lane is waited for before the tier ends, even
 * after a cancel: a step in flight finishes and records its answer before finish counts outcomes.
 */
async function runTier(input: RestoreRunInput, items: PlannedItemSteps[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await runItem(input, item);
    }
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(RESTORE_ITEM_CONCURRENCY, items.length) }, lane),
  );
  const stopped = lanes.find((result) => result.status === 'rejected');
  if (stopped) throw stopped.reason;
}

async function runItem(input: RestoreRunInput, item: PlannedItemSteps): Promise<void> {
  for (const step of item.steps) {
    if (CancellationScope.current().consideredCancelled)
      throw new CancelledFailure('restore canceled between steps');
    try {
      const result = await CancellationScope.nonCancellable(() =>
        steps.applyRestoreStep({ ...input, itemId: item.itemId, step }),
      );
      if (result.itemFinished) return;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      // Retries exhausted on infrastructure errors: the item stays open for a re-apply.
      log.warn('restore step gave up; the item stays open', { itemId: item.itemId, step });
      return;
    }
  }
}
