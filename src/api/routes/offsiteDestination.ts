import { Router } from 'express';
import { offsiteEndpointAllowlist } from '../../outbound';
import {
  deleteTenantOffsiteDestination,
  getOffsiteDestination,
  type OffsiteDestinationDeps,
  putOffsiteDestination,
} from '../../services/offsiteDestinations';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { offsiteDestinationJson } from '../offsiteSerializers';
import { param, parseBody, pathId } from '../validation';
import { putOffsiteDestinationBody } from './offsiteDestination.schema';

/** The tenant's offsite destination (/v1/tenants/:tenantId/offsite-destination). */
export function offsiteDestinationRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  const serviceDeps: OffsiteDestinationDeps = {
    db: deps.db,
    cipher: deps.secrets.offsite,
    endpointAllowlist: deps.offsiteEndpointAllowlist ?? offsiteEndpointAllowlist(),
  };
  const tenantOf = (req: Parameters<typeof param>[0]) => pathId(param(req, 'tenantId'), 'tenant');

  router.get('/', async (req, res) => {
    const row = await getOffsiteDestination(deps.db, tenantOf(req));
    res.json(offsiteDestinationJson(row));
  });

  router.put('/', async (req, res) => {
    const tenantId = tenantOf(req);
    const body = parseBody(putOffsiteDestinationBody, req.body);
    const row = await putOffsiteDestination(serviceDeps, tenantId, body, principalOf(res).userId);
    res.json(offsiteDestinationJson(row));
  });

  router.delete('/', async (req, res) => {
    await deleteTenantOffsiteDestination(deps.db, tenantOf(req), principalOf(res).userId);
    res.status(204).end();
  });

  return router;
}
