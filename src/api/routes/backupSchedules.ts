import { Router } from 'express';
import { applyBulkAction } from '../../services/bulkSchedules';
import { startManualRun } from '../../services/runs';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
} from '../../services/schedules';
import { principalOf } from '../auth';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { page, pageQuery } from '../pagination';
import { runJson, scheduleJson } from '../serializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import {
  bulkScheduleBody,
  createScheduleBody,
  mergeScheduleUpdate,
  updateScheduleBody,
} from './backupSchedules.schema';

export function backupSchedulesRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const query = parseQuery(pageQuery, req.query);
    const { rows, lastRuns, nextRuns } = await listSchedules(deps, tenantId, query);
    res.json(
      page(rows, query.limit, (row) =>
        scheduleJson(row, nextRuns.get(row.id) ?? null, lastRuns.get(row.id) ?? null),
      ),
    );
  });

  router.post('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const fields = parseBody(createScheduleBody, req.body);
    const view = await createSchedule(deps, tenantId, fields, principalOf(res).userId);
    res
      .status(201)
      .location(`${req.baseUrl}/${view.schedule.id}`)
      .json(scheduleJson(view.schedule, view.nextRunTimes, view.lastRun));
  });

  router.post('/bulk', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const body = parseBody(bulkScheduleBody, req.body);
    const { results, notificationId } = await applyBulkAction(deps, tenantId, body, {
      userId: principalOf(res).userId,
      mayDelete: callerMay(res, 'schedules:write'),
    });
    res.json({ action: body.action, results, notificationId });
  });

  router.get('/:scheduleId', async (req, res) => {
    const view = await getSchedule(
      deps,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'scheduleId'), 'backup schedule'),
    );
    res.json(scheduleJson(view.schedule, view.nextRunTimes, view.lastRun));
  });

  router.patch('/:scheduleId', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const scheduleId = pathId(param(req, 'scheduleId'), 'backup schedule');
    const update = parseBody(updateScheduleBody, req.body);
    // The merged schedule must hold as a whole (e.g. weekly needs days), so it is validated like
    // a create; the service's version check makes a concurrent edit a 409, not a lost update.
    const view = await updateSchedule(
      deps,
      tenantId,
      scheduleId,
      (current) => parseBody(createScheduleBody, mergeScheduleUpdate(current, update)),
      principalOf(res).userId,
    );
    res.json(scheduleJson(view.schedule, view.nextRunTimes, view.lastRun));
  });

  router.delete('/:scheduleId', async (req, res) => {
    await deleteSchedule(
      deps,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'scheduleId'), 'backup schedule'),
      principalOf(res).userId,
    );
    res.status(204).end();
  });

  router.post('/:scheduleId/run', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const run = await startManualRun(
      deps,
      tenantId,
      pathId(param(req, 'scheduleId'), 'backup schedule'),
      principalOf(res).userId,
    );
    res.status(202).location(`/v1/tenants/${tenantId}/runs/${run.id}`).json(runJson(run));
  });

  return router;
}
