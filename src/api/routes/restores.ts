import { Router } from 'express';
import {
  applyRestore,
  approveRestore,
  cancelRestore,
  getRestore,
  getRestoreItems,
  listRestores,
  requestRestore,
  type RestoreServiceDeps,
} from '../../services/restores';
import { getRestoreSettings, setRestoreSettings } from '../../services/restoreSettings';
import { BACKUP_TASK_QUEUE } from '../../shared/constants';
import { principalOf } from '../auth';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, page } from '../pagination';
import { restoreItemJson, restoreJson, restoreSettingsJson } from '../restoreSerializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import { createRestoreBody, restoreItemsQuery, restoreSettingsBody } from './restores.schema';

type Req = Parameters<typeof param>[0];
const tenantIdOf = (req: Req) => pathId(param(req, 'tenantId'), 'tenant');
const restoreIdOf = (req: Req) => pathId(param(req, 'restoreId'), 'restore');

/** The tenant's opt-in (/v1/tenants/:tenantId/restore-settings): read by members, set by owners. */
export function restoreSettingsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req, res) => {
    res.json(restoreSettingsJson(await getRestoreSettings(deps.db, tenantIdOf(req))));
  });
  router.put('/', async (req, res) => {
    const tenantId = tenantIdOf(req);
    const body = parseBody(restoreSettingsBody, req.body);
    res.json(restoreSettingsJson(await setRestoreSettings(deps.db, tenantId, body, principalOf(res).userId)));
  });
  return router;
}

/** Restores (/v1/tenants/:tenantId/restores): a plan first, then approval and apply rounds. */
export function restoresRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  const services: RestoreServiceDeps = {
    db: deps.db,
    temporal: deps.temporal,
    logger: deps.logger,
    workflowTaskQueue: deps.workflowTaskQueue ?? BACKUP_TASK_QUEUE,
  };
  const location = (restore: { tenantId: string; id: string }) =>
    `/v1/tenants/${restore.tenantId}/restores/${restore.id}`;

  router.post('/', async (req, res) => {
    const tenantId = tenantIdOf(req);
    const body = parseBody(createRestoreBody, req.body);
    const restore = await requestRestore(services, tenantId, body, principalOf(res).userId);
    res.status(202).location(location(restore)).json(restoreJson(restore));
  });

  router.get('/', async (req, res) => {
    const query = parseQuery(newestFirstPageQuery, req.query);
    const rows = await listRestores(deps.db, tenantIdOf(req), query);
    res.json(page(rows, query.limit, restoreJson, encodeCursor));
  });

  router.get('/:restoreId', async (req, res) => {
    res.json(restoreJson(await getRestore(deps.db, tenantIdOf(req), restoreIdOf(req))));
  });

  router.get('/:restoreId/items', async (req, res) => {
    const query = parseQuery(restoreItemsQuery, req.query);
    const rows = await getRestoreItems(deps.db, tenantIdOf(req), restoreIdOf(req), query);
    res.json(page(rows, query.limit, restoreItemJson({ mayReadScripts: callerMay(res, 'scripts:read') })));
  });

  router.post('/:restoreId/approve', async (req, res) => {
    res.json(
      restoreJson(await approveRestore(deps.db, tenantIdOf(req), restoreIdOf(req), principalOf(res).userId)),
    );
  });

  router.post('/:restoreId/apply', async (req, res) => {
    const restore = await applyRestore(services, tenantIdOf(req), restoreIdOf(req), principalOf(res).userId);
    res.status(202).location(location(restore)).json(restoreJson(restore));
  });

  router.post('/:restoreId/cancel', async (req, res) => {
    res.json(
      restoreJson(await cancelRestore(services, tenantIdOf(req), restoreIdOf(req), principalOf(res).userId)),
    );
  });

  return router;
}
