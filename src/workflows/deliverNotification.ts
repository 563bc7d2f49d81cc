// DeliverNotification: one delivery (one event to one channel, or one digest) tried on the
// retry schedule the starter gave (Standard Webhooks': immediately, 5 s, 5 min ... 24 h). Each
// attempt is one activity call on the notify queue that signs afresh and records itself; a
// 429/503's Retry-After stretches the wait before the next. A digest channel's delivery first
// sleeps until its window ends, then folds the window's deliveries into one and delivers that.
import { ActivityFailure, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { DeliveryActivities } from '../activities';
import { notifyTaskQueueOf } from '../shared/constants';
import type { DeliverNotificationInput } from '../shared/types';

export interface DeliverNotificationResult {
  /** delivered, gone (channel disabled), failed (schedule exhausted), stopped, batched (in another digest), done, missing. */
  status: string;
  attempts: number;
}

// Slow receivers take up to 15 s; the rest is the database. One try per call: a worker that dies
// mid-attempt costs that attempt (the next one re-signs with the same webhook-id).
const ATTEMPT_TIMEOUT = '45s';

function activitiesOf(taskQueue: string) {
  // Proxies, not objects: their methods cannot be spread into one.
  const { attemptDelivery } = proxyActivities<Pick<DeliveryActivities, 'attemptDelivery'>>({
    taskQueue,
    startToCloseTimeout: ATTEMPT_TIMEOUT,
    retry: { maximumAttempts: 1 },
  });
  const { planDelivery, claimDigest, finishDelivery } = proxyActivities<
    Pick<DeliveryActivities, 'planDelivery' | 'claimDigest' | 'finishDelivery'>
  >({
    taskQueue,
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', maximumInterval: '30s' },
  });
  return { attemptDelivery, planDelivery, claimDigest, finishDelivery };
}

export async function DeliverNotification(
  input: DeliverNotificationInput,
): Promise<DeliverNotificationResult> {
  const activities = activitiesOf(notifyTaskQueueOf(workflowInfo().taskQueue));
  let replay = input.replay ?? 0;
  const plan = await activities.planDelivery({ deliveryId: input.deliveryId, replay });
  if (plan.state !== 'pending') return { status: plan.state, attempts: 0 };
  let deliveryId = input.deliveryId;
  if (plan.digestWindowEndMs !== undefined) {
    const wait = plan.digestWindowEndMs - Date.now();
    if (wait > 0) await sleep(wait);
    const claim = await activities.claimDigest({ deliveryId });
    if (claim.state !== 'claimed') return { status: claim.state, attempts: 0 };
    deliveryId = claim.digestDeliveryId;
    // The digest is a delivery of its own, in its first round.
    replay = 0;
  }
  const delays = input.retrySchedule.map((delay) => msToNumber(delay as Duration));
  let retryAfterMs = 0;
  for (let index = 0; index < delays.length; index++) {
    const wait = Math.max(delays[index]!, retryAfterMs);
    if (wait > 0) await sleep(wait);
    retryAfterMs = 0;
    try {
      const answer = await activities.attemptDelivery({
        deliveryId,
        replay,
        nextAttemptInMs: delays[index + 1] ?? null,
      });
      if (answer.outcome === 'succeeded') return { status: 'delivered', attempts: index + 1 };
      if (answer.outcome === 'gone' || answer.outcome === 'stopped')
        return { status: answer.outcome, attempts: index + 1 };
      retryAfterMs = answer.retryAfterMs ?? 0;
    } catch (error) {
      // The attempt timed out or its worker died: it counts as a failed attempt.
      if (!(error instanceof ActivityFailure)) throw error;
    }
  }
  await activities.finishDelivery({ deliveryId, replay });
  return { status: 'failed', attempts: delays.length };
}
