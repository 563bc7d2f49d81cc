import { Router } from 'express';
import { z } from 'zod';
import {
  getBackupSet,
  getBackupSetChanges,
  getBackupSetItems,
  getBackupSetReferences,
  listBackupSets,
} from '../../services/backupSets';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, page, pageQuery, queryFlag } from '../pagination';
import { REFERENCE_KINDS } from '../../references/rules';
import { backupItemJson, backupSetChangeJson, backupSetJson, backupSetReferenceJson } from '../serializers';
import { param, parseQuery, pathId } from '../validation';

export const changesQuery = pageQuery
  .extend({ change: z.enum(['added', 'removed', 'modified']).optional() })
  .strict();

export const setsQuery = newestFirstPageQuery.extend({ scheduleId: z.uuid().optional() }).strict();
export const itemsQuery = pageQuery
  .extend({
    policyType: z.string().min(1).optional(),
    includePayload: queryFlag,
  })
  .strict();

export const referencesQuery = pageQuery.extend({ kind: z.enum(REFERENCE_KINDS).optional() }).strict();

export function backupSetsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const query = parseQuery(setsQuery, req.query);
    const sets = await listBackupSets(deps.db, pathId(param(req, 'tenantId'), 'tenant'), query);
    res.json(page(sets, query.limit, backupSetJson, encodeCursor));
  });

  router.get('/:setId/items', async (req, res) => {
    const query = parseQuery(itemsQuery, req.query);
    const { rows, limit } = await getBackupSetItems(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'setId'), 'backup set'),
      query,
      {
        mayReadScripts: callerMay(res, 'scripts:read'),
        ...(deps.itemsPageMaxBytes ? { maxPageBytes: deps.itemsPageMaxBytes } : {}),
      },
    );
    res.json(page(rows, limit, backupItemJson));
  });

  router.get('/:setId/references', async (req, res) => {
    const query = parseQuery(referencesQuery, req.query);
    const rows = await getBackupSetReferences(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'setId'), 'backup set'),
      query,
    );
    res.json(page(rows, query.limit, backupSetReferenceJson));
  });

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
