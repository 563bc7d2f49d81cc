import { Router } from 'express';
import { z } from 'zod';
import { placeLegalHold, releaseLegalHold } from '../../services/retention';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { legalHoldJson } from '../serializers';
import { param, parseBody, pathId } from '../validation';

export const legalHoldBody = z
  .strictObject({
    reason: z.string().trim().min(1).max(500).describe('why the set must be kept, e.g. a case number'),
  })
  .meta({ examples: [{ reason: 'Case 2026-114: litigation hold' }] });

/** A backup set's legal hold (/v1/tenants/:tenantId/backup-sets/:setId/legal-hold). */
export function legalHoldsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  const ids = (req: Parameters<typeof param>[0]) => ({
    tenantId: pathId(param(req, 'tenantId'), 'tenant'),
    setId: pathId(param(req, 'setId'), 'backup set'),
  });

  router.put('/', async (req, res) => {
    const { tenantId, setId } = ids(req);
    const { reason } = parseBody(legalHoldBody, req.body);
    res.json(legalHoldJson(await placeLegalHold(deps.db, tenantId, setId, reason, principalOf(res).userId)));
  });

  router.delete('/', async (req, res) => {
    const { tenantId, setId } = ids(req);
    res.json(legalHoldJson(await releaseLegalHold(deps.db, tenantId, setId, principalOf(res).userId)));
  });

  return router;
}
