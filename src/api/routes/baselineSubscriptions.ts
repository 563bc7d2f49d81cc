import { type Request, Router } from 'express';
import { getBaseline } from '../../services/baselines';
import {
  listSubscriptions,
  subscribeToBaseline,
  unsubscribeFromBaseline,
} from '../../services/baselineSubscriptions';
import { NotFoundError } from '../../services/errors';
import { principalOf } from '../auth';
import { callerMayIn } from '../authorize';
import type { ApiDeps } from '../deps';
import { baselineSubscriptionJson } from '../serializers';
import { param, pathId } from '../validation';

/**
 * The baselines a tenant compares each new set with (/v1/tenants/:tenantId/baseline-subscriptions).
 * The baseline may be another tenant's: the caller must be able to read that tenant too, and a
 * baseline they cannot read does not exist for them (as in GET /v1/baselines/:id/compare).
 */
export function baselineSubscriptionsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  const tenantId = (req: Request) => pathId(param(req, 'tenantId'), 'tenant');
  const readableBaseline = async (req: Request, res: Parameters<typeof principalOf>[0]) => {
    const baseline = await getBaseline(deps.db, pathId(param(req, 'baselineId'), 'baseline'));
    if (!(await callerMayIn(deps.db, res, baseline.tenantId, 'tenant:read')))
      throw new NotFoundError('baseline');
    return baseline;
  };

  router.get('/', async (req, res) => {
    const rows = await listSubscriptions(deps.db, tenantId(req));
    res.json({ items: rows.map(baselineSubscriptionJson) });
  });

  router.put('/:baselineId', async (req, res) => {
    const baseline = await readableBaseline(req, res);
    const { subscription, created } = await subscribeToBaseline(
      deps.db,
      tenantId(req),
      baseline.id,
      principalOf(res).userId,
    );
    res.status(created ? 201 : 200).json(baselineSubscriptionJson(subscription));
  });

  // No access check on the baseline: removing a subscription reveals nothing, and a baseline the
  // caller can no longer read must still be removable.
  router.delete('/:baselineId', async (req, res) => {
    await unsubscribeFromBaseline(
      deps.db,
      tenantId(req),
      pathId(param(req, 'baselineId'), 'baseline'),
      principalOf(res).userId,
    );
    res.status(204).end();
  });

  return router;
}
