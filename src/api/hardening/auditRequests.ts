// An audit row for every mutating request an authenticated caller makes, whatever its outcome:
// who (the token's user), where (the tenant), what (method and route template) and how it
// ended (status). Domain rows (backup_schedule.created, ...) say what changed; these rows also
// cover refused and failed attempts. Never the body or the query: they can hold secrets.
import type { RequestHandler } from 'express';
import { appendAudit, userActor } from '../../db/audit';
import type { Db } from '../../db/client';
import type { Principal } from '../../db/tokens';
import type { Logger } from '../../logging/logger';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TENANT_IN_PATH = /^\/v1\/tenants\/([^/?#]+)/;

/** Mount before authorization: refused requests (403, 404) are audited too. */
export function auditMutatingRequests(db: Db, logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING.has(req.method)) return next();
    res.on('finish', () => {
      // Set by authentication; a request refused before it (401) has no actor to record.
      const principal = res.locals.principal as Principal | undefined;
      // Throttled requests write nothing: a client over its budget must not cost a write each.
      if (!principal || res.statusCode === 429) return;
      // Set only once the caller's access to the tenant is established: a foreign or unknown
      // tenant id is kept as text, not as the row's tenant.
      const tenantId = (res.locals.tenantAccess as { tenantId: string } | undefined)?.tenantId ?? null;
      const tenantParam = TENANT_IN_PATH.exec(req.originalUrl)?.[1];
      void appendAudit(db, {
        tenantId,
        actor: userActor(principal.userId),
        action: 'api.request',
        resourceType: 'http_request',
        metadata: {
          method: req.method,
          route: (res.locals.routePath as string | undefined) ?? 'unmatched',
          status: res.statusCode,
          tokenId: principal.tokenId,
          ...(res.locals.requestId ? { requestId: res.locals.requestId as string } : {}),
          ...(tenantParam && !tenantId ? { tenantParam: tenantParam.slice(0, 64) } : {}),
        },
      }).catch((error) => logger.error({ err: error }, 'could not audit a request'));
    });
    next();
  };
}
