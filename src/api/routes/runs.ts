import { Router } from 'express';
import { z } from 'zod';
import { getRun, listRuns, retryRun } from '../../services/runs';
import { getTenant } from '../../services/tenants';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { createdRangeQuery, encodeCursor, newestFirstPageQuery, page } from '../pagination';
import { runJson } from '../serializers';
import { param, parseQuery, pathId } from '../validation';

export const runsQuery = newestFirstPageQuery
  .extend({
    scheduleId: z.uuid().optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'skipped', 'canceled']).optional(),
    trigger: z.enum(['scheduled', 'manual', 'retry', 'operator']).optional(),
    ...createdRangeQuery,
  })
  .strict();

export function runsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const query = parseQuery(runsQuery, req.query);
    await getTenant(deps.db, tenantId);
    res.json(page(await listRuns(deps, tenantId, query), query.limit, runJson, encodeCursor));
  });

  router.get('/:runId', async (req, res) => {
    const run = await getRun(
      deps,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'runId'), 'run'),
    );
    res.json(runJson(run));
  });

  router.post('/:runId/retry', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const run = await retryRun(deps, tenantId, pathId(param(req, 'runId'), 'run'), principalOf(res).userId);
    res.status(202).location(`/v1/tenants/${tenantId}/runs/${run.id}`).json(runJson(run));
  });

  return router;
}
