// RestorePlan: every selected item of a restore gets an action (update, create, noop, blocked)
// against the live tenant, written to restore_items by the activities; the restore ends
// `planned` or `plan_failed`. Ids only cross Temporal: payloads can hold secrets. The workflow
// itself completes even when planning fails, so the API shows why from the restore row.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
} from '@temporalio/workflow';
import type { RestorePlanActivities } from '../activities/restorePlan';
import type { RestorePlanInput } from '../restore/types';
import { RESTORE_PLAN_MAX_ATTEMPTS } from '../shared/constants';

export interface RestorePlanResult {
  status: string;
  items: number;
}

/** Types planned at once: each reads its own collections, and a tenant's read budget is shared. */
const TYPES_IN_PARALLEL = 2;

const { beginRestorePlan, finishRestorePlan } = proxyActivities<
  Pick<RestorePlanActivities, 'beginRestorePlan' | 'finishRestorePlan'>
>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// A type of thousands of objects reads for minutes; heartbeats (one per item) show it alive.
const { planRestoreType } = proxyActivities<Pick<RestorePlanActivities, 'planRestoreType'>>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: RESTORE_PLAN_MAX_ATTEMPTS },
});

export async function RestorePlan(input: RestorePlanInput): Promise<RestorePlanResult> {
  const { restoreId } = input;
  let items = 0;
  try {
    const { types } = await beginRestorePlan({ restoreId });
    const queue = [...types];
    const planNext = async (): Promise<void> => {
      for (let type = queue.shift(); type !== undefined; type = queue.shift())
        items += (await planRestoreType({ restoreId, type })).items;
    };
    await Promise.all(Array.from({ length: TYPES_IN_PARALLEL }, planNext));
  } catch (error) {
    // A cancel (Temporal UI, CLI, or the API's cancel) is recorded too: in the canceled scope the
    // finish would itself be canceled and leave the restore `planning` for ever.
    const failure = isCancellation(error) ? 'Planning canceled' : failureMessage(error);
    const { status } = await CancellationScope.nonCancellable(() =>
      finishRestorePlan({ restoreId, failure }),
    );
    return { status, items: 0 };
  }
  const { status } = await finishRestorePlan({ restoreId });
  return { status, items };
}

/** What a person reads on the restore: the activity's own message, not Temporal's wrapper. */
function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure || cause instanceof Error)
    return `Planning failed: ${cause.message}`;
  return 'Planning failed';
}
