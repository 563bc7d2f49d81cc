import { Router } from 'express';
import { getRun } from '../../services/runs';
import type { ApiDeps } from '../deps';
import { runJson } from '../serializers';
import { param, pathId } from '../validation';

export function runsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/:runId', async (req, res) => {
    const run = await getRun(
      deps,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'runId'), 'run'),
    );
    res.json(runJson(run));
  });

  return router;
}
