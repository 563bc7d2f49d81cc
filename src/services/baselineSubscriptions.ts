// A tenant subscribed to a baseline: each of its new sets is compared with it, and a difference
// is a baseline.drift.detected event. Whether the caller may read the baseline's tenant is
// checked by the route (src/api/routes/baselineSubscriptions.ts); this module audits the change.
import { appendAudit, userActor } from '../db/audit';
import {
  deleteBaselineSubscription,
  findBaselineSubscription,
  listBaselineSubscriptions,
  insertBaselineSubscription,
} from '../db/baselineSubscriptions';
import type { BaselineSubscription, Db } from '../db/client';

export function listSubscriptions(db: Db, tenantId: string): Promise<BaselineSubscription[]> {
  return listBaselineSubscriptions(db, tenantId);
}

/** Subscribes the tenant (once; a repeat changes nothing); created: whether it is new. */
export async function subscribeToBaseline(
  db: Db,
  tenantId: string,
  baselineId: string,
  actorUserId: string,
): Promise<{ subscription: BaselineSubscription; created: boolean }> {
  return db.$transaction(async (tx) => {
    const created = await insertBaselineSubscription(tx, {
      tenantId,
      baselineId,
      createdBy: userActor(actorUserId),
    });
    if (created)
      await appendAudit(tx, {
        tenantId,
        actor: userActor(actorUserId),
        action: 'baseline_subscription.created',
        resourceType: 'baseline',
        resourceId: baselineId,
      });
    const subscription = await findBaselineSubscription(tx, tenantId, baselineId);
    if (!subscription) throw new Error('baseline subscription vanished after it was written');
    return { subscription, created };
  });
}

/** Unsubscribes; idempotent (no subscription: nothing written). */
export async function unsubscribeFromBaseline(
  db: Db,
  tenantId: string,
  baselineId: string,
  actorUserId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (!(await deleteBaselineSubscription(tx, tenantId, baselineId))) return;
    await appendAudit(tx, {
      tenantId,
      actor: userActor(actorUserId),
      action: 'baseline_subscription.deleted',
      resourceType: 'baseline',
      resourceId: baselineId,
    });
  });
}
