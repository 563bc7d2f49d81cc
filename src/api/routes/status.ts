import { Router } from 'express';
import { z } from 'zod';
import { listTenantStatuses, getTenantStatus } from '../../services/tenantStatus';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { tenantStatusJson } from '../statusSerializers';
import { param, parseQuery, pathId } from '../validation';

// The order is over all the caller's tenants, so the cursor is the next page's offset in it.
export const statusQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('tenants per page'),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a cursor returned as nextCursor')
    .optional()
    .describe('the nextCursor of the previous page: an opaque string, to be passed back as it came'),
  sort: z
    .enum(['state', 'age'])
    .default('state')
    .describe(
      'state: failing, degraded, never_run, healthy (then offboarded), each oldest newest-complete-backup first; ' +
        'age: oldest newest-complete-backup first (none at all first)',
    ),
  includeOffboarded: z
    .enum(['true', 'false'])
    .default('false')
    .describe('true: list offboarded tenants too (state offboarded, last); left out by default'),
});

export function tenantStatusRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req, res) => {
    const status = await getTenantStatus(deps, pathId(param(req, 'tenantId'), 'tenant'));
    res.json(tenantStatusJson(status));
  });
  return router;
}

export function statusRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseQuery(statusQuery, req.query);
    const principal = principalOf(res);
    const { statuses, nextOffset } = await listTenantStatuses(deps, {
      limit: query.limit,
      offset: Number(query.cursor ?? 0),
      sort: query.sort,
      memberUserId: principal.platformAdmin ? undefined : principal.userId,
      includeOffboarded: query.includeOffboarded === 'true',
    });
    const now = new Date();
    res.json({
      items: statuses.map((status) => tenantStatusJson(status, now)),
      nextCursor: nextOffset === null ? null : String(nextOffset),
    });
  });
  return router;
}
