import { Router } from 'express';
import { POLICY_TYPE_KEYS } from '../../graph';
import { z } from 'zod';
import {
  getBackupSet,
  getBackupSetItems,
  getBackupSetReferences,
  listBackupSets,
} from '../../services/backupSets';
import { getBackupSetDiff } from '../../services/diffs';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, page, pageQuery, queryFlag } from '../pagination';
import { REFERENCE_KINDS } from '../../references/rules';
import {
  backupItemJson,
  backupSetChangeJson,
  backupSetJson,
  backupSetReferenceJson,
  diffSetJson,
} from '../serializers';
import { param, parseQuery, pathId } from '../validation';
import { CHANGE_KINDS } from './backupSets.schema';

export const changesQuery = pageQuery
  .extend({ change: z.enum(CHANGE_KINDS).optional(), policyType: z.enum(POLICY_TYPE_KEYS).optional() })
  .strict();

export const diffQuery = changesQuery
  .extend({
    against: z
      .uuid({ error: 'must be the id of another backup set of this tenant' })
      .optional()
      .describe("the set to compare with (default: the schedule's previous set)"),
  })
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
    const diff = await getBackupSetDiff(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'setId'), 'backup set'),
      { ...query, ownChanges: true },
    );
    res.json({
      backupSetId: diff.to.id,
      previousBackupSetId: diff.to.previousSetId,
      counts: diff.counts.total,
      ...page(
        diff.rows,
        query.limit,
        backupSetChangeJson({ mayReadScripts: callerMay(res, 'scripts:read') }),
      ),
    });
  });

  router.get('/:setId/diff', async (req, res) => {
    const query = parseQuery(diffQuery, req.query);
    const diff = await getBackupSetDiff(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'setId'), 'backup set'),
      query,
    );
    res.json({
      from: diff.from ? diffSetJson(diff.from) : null,
      to: diffSetJson(diff.to),
      comparedTypes: diff.comparedTypes,
      counts: diff.counts,
      ...page(
        diff.rows,
        query.limit,
        backupSetChangeJson({ mayReadScripts: callerMay(res, 'scripts:read') }),
      ),
    });
  });

  return router;
}
