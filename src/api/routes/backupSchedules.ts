import { Router } from 'express';
import { startManualRun } from '../../services/runs';
import { createSchedule, getSchedule, listSchedules } from '../../services/schedules';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { page, pageQuery } from '../pagination';
import { runJson, scheduleJson } from '../serializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import { createScheduleBody } from './backupSchedules.schema';

export function backupSchedulesRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const query = parseQuery(pageQuery, req.query);
    const rows = await listSchedules(deps, tenantId, query);
    res.json(page(rows, query.limit, (row) => scheduleJson(row)));
  });

  router.post('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const fields = parseBody(createScheduleBody, req.body);
    const view = await createSchedule(deps, tenantId, fields, principalOf(res).userId);
    res
      .status(201)
      .location(`${req.baseUrl}/${view.schedule.id}`)
      .json(scheduleJson(view.schedule, view.nextRunTimes));
  });

  router.get('/:scheduleId', async (req, res) => {
    const view = await getSchedule(
      deps,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'scheduleId'), 'backup schedule'),
    );
    res.json(scheduleJson(view.schedule, view.nextRunTimes));
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
