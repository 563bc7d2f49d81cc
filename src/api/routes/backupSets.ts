import { Router } from 'express';
import { z } from 'zod';
import { getBackupSet, getBackupSetChanges } from '../../services/backupSets';
import type { ApiDeps } from '../deps';
import { page, pageQuery } from '../pagination';
import { backupSetChangeJson, backupSetJson } from '../serializers';
import { param, parseQuery, pathId } from '../validation';

const changesQuery = pageQuery
  .extend({ change: z.enum(['added', 'removed', 'modified']).optional() })
  .strict();

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

  router.get('/:setId/changes', async (req, res) => {
    const query = parseQuery(changesQuery, req.query);
    const { set, rows, counts } = await getBackupSetChanges(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'setId'), 'backup set'),
      query,
    );
    res.json({
      backupSetId: set.id,
      previousBackupSetId: set.previousSetId,
      counts,
      ...page(rows, query.limit, backupSetChangeJson),
    });
  });

  return router;
}
