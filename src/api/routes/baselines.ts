import { Router } from 'express';
import { memberTenantIds, listBaselines } from '../../db/baselines';
import {
  compareSetOf,
  createBaseline,
  deleteBaseline,
  getBaseline,
  setMappings,
} from '../../services/baselines';
import { compareSets } from '../../db/baselineCompare';
import { InvalidInputError, NotFoundError } from '../../services/errors';
import { principalOf } from '../auth';
import { callerMay, callerMayIn } from '../authorize';
import type { ApiDeps } from '../deps';
import { baselineJson, compareItemJson } from '../serializers';
import { page } from '../pagination';
import { param, parseBody, parseQuery, pathId } from '../validation';
import {
  baselinesQuery,
  compareCursorOf,
  compareQuery,
  createBaselineBody,
  mappingsBody,
} from './baselines.schema';

/**
 * Baselines (/v1/baselines). A baseline belongs to its tenant: the route table's permission on
 * `:baselineId` is checked in that tenant (src/api/authorize.ts). A tenant named in a body or
 * query is checked here: no access to it is answered as if it did not exist.
 */
export function baselinesRouter(deps: ApiDeps): Router {
  const router = Router();
  const baselineId = (req: Parameters<typeof param>[0]) => pathId(param(req, 'baselineId'), 'baseline');

  router.post('/', async (req, res) => {
    const body = parseBody(createBaselineBody, req.body);
    if (!(await callerMayIn(deps.db, res, body.tenantId, 'tenant:read')))
      throw new InvalidInputError('tenantId', 'no tenant with this id');
    // The tenant comes in the body, so a role too low for it is a refused field, not a 403 route.
    if (!(await callerMayIn(deps.db, res, body.tenantId, 'schedules:write', { write: true })))
      throw new InvalidInputError(
        'tenantId',
        'pinning a baseline needs the role manager or owner in this tenant',
      );
    const baseline = await createBaseline(deps.db, body, principalOf(res).userId);
    res.status(201).location(`/v1/baselines/${baseline.id}`).json(baselineJson(baseline));
  });

  router.get('/', async (req, res) => {
    const query = parseQuery(baselinesQuery, req.query);
    const principal = principalOf(res);
    const tenants = principal.platformAdmin
      ? ({ all: true } as const)
      : { ids: await memberTenantIds(deps.db, principal.userId) };
    const rows = await listBaselines(deps.db, tenants, query);
    res.json(page(rows, query.limit, baselineJson));
  });

  router.get('/:baselineId', async (req, res) => {
    res.json(baselineJson(await getBaseline(deps.db, baselineId(req))));
  });

  router.delete('/:baselineId', async (req, res) => {
    await deleteBaseline(deps.db, baselineId(req), principalOf(res).userId);
    res.status(204).end();
  });

  router.put('/:baselineId/mappings', async (req, res) => {
    const id = baselineId(req);
    const body = parseBody(mappingsBody, req.body);
    if (!(await callerMayIn(deps.db, res, body.tenantId, 'tenant:read', { write: true })))
      throw new InvalidInputError('tenantId', 'no tenant with this id');
    const rows = await setMappings(deps.db, id, body.tenantId, body.mappings, principalOf(res).userId);
    res.json({
      baselineId: id,
      tenantId: body.tenantId,
      mappings: rows.map(({ policyType, baselineGraphId, tenantGraphId }) => ({
        policyType,
        baselineGraphId,
        tenantGraphId,
      })),
    });
  });

  router.get('/:baselineId/compare', async (req, res) => {
    const baseline = await getBaseline(deps.db, baselineId(req));
    const query = parseQuery(compareQuery, req.query);
    // Both tenants or nothing: a tenant the caller may not read does not exist for them.
    if (!(await callerMayIn(deps.db, res, query.tenantId, 'tenant:read'))) throw new NotFoundError('tenant');
    if (query.cursor && query.backupSetId && query.cursor.backupSetId !== query.backupSetId)
      throw new InvalidInputError('cursor', 'was given for another backupSetId');
    const tenantSetId = await compareSetOf(
      deps.db,
      query.tenantId,
      query.backupSetId ?? query.cursor?.backupSetId,
    );
    const { counts, items } = await compareSets(deps.db, {
      baselineId: baseline.id,
      baselineSetId: baseline.backupSetId,
      tenantId: query.tenantId,
      tenantSetId,
    });
    const mayReadScripts =
      callerMay(res, 'scripts:read') && (await callerMayIn(deps.db, res, query.tenantId, 'scripts:read'));
    const selected = items.filter(
      (item) =>
        (!query.bucket || item.bucket === query.bucket) &&
        (!query.policyType || item.policyType === query.policyType),
    );
    const offset = query.cursor?.offset ?? 0;
    const end = offset + query.limit;
    res.json({
      baselineId: baseline.id,
      baselineBackupSetId: baseline.backupSetId,
      tenantId: query.tenantId,
      backupSetId: tenantSetId,
      counts,
      items: selected.slice(offset, end).map(compareItemJson({ mayReadScripts })),
      nextCursor: end < selected.length ? compareCursorOf(end, tenantSetId) : null,
    });
  });

  return router;
}
