import { Router } from 'express';
import { z } from 'zod';
import { isPolicyTypeKey, POLICY_TYPE_KEYS, unescapeStoredText } from '../../graph';
import { getInventory, getPolicyHistory } from '../../services/policies';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, optionalQueryFlag, page, pageQuery } from '../pagination';
import { ProblemError } from '../problem';
import { backupSetChangeJson, inventoryJson, policyVersionJson } from '../serializers';
import { param, parseQuery, pathId } from '../validation';

export const inventoryQuery = pageQuery
  .extend({
    policyType: z.enum(POLICY_TYPE_KEYS).optional(),
    search: z.string().min(1).max(200).optional().describe('part of the display name, any case'),
    deleted: optionalQueryFlag(
      'only policies deleted in Graph (true) or only present ones (false); default both',
    ),
  })
  .strict();

export const historyQuery = newestFirstPageQuery
  .extend({ limit: z.coerce.number().int().min(1).max(50).default(20) })
  .strict();

export function policiesRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const query = parseQuery(inventoryQuery, req.query);
    const rows = await getInventory(deps.db, pathId(param(req, 'tenantId'), 'tenant'), query);
    res.json(page(rows, query.limit, inventoryJson));
  });

  router.get('/:policyType/:graphId/history', async (req, res) => {
    const query = parseQuery(historyQuery, req.query);
    const policyType = param(req, 'policyType') ?? '';
    if (!isPolicyTypeKey(policyType))
      throw new ProblemError(404, 'not_found', 'Not found', 'policy not found');
    const { policy, versions } = await getPolicyHistory(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      { policyType, graphId: param(req, 'graphId') ?? '' },
      query,
    );
    const changeJson = backupSetChangeJson({ mayReadScripts: callerMay(res, 'scripts:read') });
    res.json({
      policyType: policy.policyType,
      graphId: unescapeStoredText(policy.graphId),
      displayName: unescapeStoredText(policy.displayName),
      deletedAt: policy.deletedAt,
      ...page(
        versions.map((version) => ({ ...version, id: version.first.id })),
        query.limit,
        (version) => policyVersionJson(version, changeJson),
        (version) => encodeCursor(version.first),
      ),
    });
  });

  return router;
}
