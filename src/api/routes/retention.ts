import { Router } from 'express';
import { z } from 'zod';
import { getTenantRetention, setTenantRetention } from '../../services/retention';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { tenantRetentionJson } from '../serializers';
import { param, parseBody, pathId } from '../validation';

export const tenantRetentionBody = z
  .strictObject({
    minKeepLast: z.int().min(1).max(365).describe('no schedule of the tenant keeps fewer sets'),
    graceDays: z
      .int()
      .min(0)
      .max(365)
      .describe('days before a reduction of retention (or a released legal hold) takes effect'),
  })
  .meta({ examples: [{ minKeepLast: 7, graceDays: 14 }] });

/** The tenant's retention safeguards (/v1/tenants/:tenantId/retention). */
export function tenantRetentionRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    res.json(
      tenantRetentionJson(await getTenantRetention(deps.db, pathId(param(req, 'tenantId'), 'tenant'))),
    );
  });

  router.put('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const body = parseBody(tenantRetentionBody, req.body);
    res.json(tenantRetentionJson(await setTenantRetention(deps.db, tenantId, body, principalOf(res).userId)));
  });

  return router;
}
