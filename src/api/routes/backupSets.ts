import { Router } from 'express';
import { getBackupSet } from '../../services/backupSets';
import type { ApiDeps } from '../deps';
import { backupSetJson } from '../serializers';
import { param, pathId } from '../validation';

export function backupSetsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/:setId', async (req, res) => {
    const set = await getBackupSet(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'setId'), 'backup set'),
    );
    res.json(backupSetJson(set));
  });

  return router;
}
