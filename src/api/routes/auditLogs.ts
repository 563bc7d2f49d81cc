import { Router } from 'express';
import { z } from 'zod';
import { listAuditLogs } from '../../services/auditLogs';
import type { ApiDeps } from '../deps';
import { createdRangeQuery, encodeCursor, newestFirstPageQuery, page } from '../pagination';
import { auditLogJson } from '../serializers';
import { param, parseQuery, pathId } from '../validation';

export const auditQuery = newestFirstPageQuery
  .extend({
    action: z.string().min(1).max(100).optional(),
    ...createdRangeQuery,
  })
  .strict();

export function auditLogsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req, res) => {
    const query = parseQuery(auditQuery, req.query);
    const rows = await listAuditLogs(deps.db, pathId(param(req, 'tenantId'), 'tenant'), query);
    res.json(page(rows, query.limit, auditLogJson, encodeCursor));
  });
  return router;
}
