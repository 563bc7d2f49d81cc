// A schedule's time zone must be one the Temporal server resolves, not only one Node's ICU
// knows: "US/Pacific-New" used to be stored (201) and then never ran, the reconciler failing on
// it every pass. And a schedule Temporal refuses is never kept: the create is undone, the update
// reverted. The refusals below are the real Temporal dev server's, reached through the service
// (the API's validation no longer lets such a zone through).
import { ScheduleNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { createScheduleBody } from '../../src/api/routes/backupSchedules.schema';
import type { ScheduleFields } from '../../src/db/schedules';
import { InvalidFieldsError } from '../../src/services/errors';
import { createSchedule, updateSchedule } from '../../src/services/schedules';
import { temporalScheduleId } from '../../src/shared/constants';
import { scheduleBody } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';
import { expectTemporalMatchesRow } from '../support/temporalSchedules';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const path = () => `/v1/tenants/${stack.tenant.id}/backup-schedules`;
const deps = () => ({ db: stack.db, temporal: stack.temporal, logger: pino({ level: 'silent' }) });
const describeInTemporal = (id: string) =>
  stack.temporal.schedule.getHandle(temporalScheduleId(id)).describe();

async function actorUserId(): Promise<string> {
  const prefix = stack.token.split('_')[1];
  return (await stack.db.apiToken.findUniqueOrThrow({ where: { prefix } })).userId;
}

/** Schedule fields as the API would pass them to the service, with `overrides` applied after. */
function fields(overrides: Partial<ScheduleFields> = {}): ScheduleFields {
  return { ...createScheduleBody.parse(scheduleBody()), ...overrides };
}

test.each(['US/Pacific-New', 'SystemV/AST4'])(
  'POST and PATCH with %s, which ICU knows and Temporal does not, are a 422 naming timezone',
  async (timezone) => {
    const body = scheduleBody({ timezone });
    const created = await stack.api(path(), { method: 'POST', body });
    expect(created.status).toBe(422);
    expect(created.body.errors).toEqual([{ field: 'timezone', message: expect.stringMatching(/Temporal/) }]);
    expect(await stack.db.backupSchedule.count({ where: { name: body.name } })).toBe(0);

    const valid = await stack.api(path(), { method: 'POST', body: scheduleBody() });
    const patched = await stack.api(`${path()}/${valid.body.id}`, { method: 'PATCH', body: { timezone } });
    expect(patched.status).toBe(422);
    expect(patched.body.errors).toEqual([{ field: 'timezone', message: expect.any(String) }]);
    expect((await stack.api(`${path()}/${valid.body.id}`)).body.timezone).toBe('Europe/Berlin');
  },
);

test('a zone is stored as Temporal spells it, and Temporal takes it', async () => {
  const created = await stack.api(path(), { method: 'POST', body: scheduleBody({ timezone: 'us/pacific' }) });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ timezone: 'US/Pacific', temporal: { syncState: 'synced' } });
  expect((await describeInTemporal(created.body.id)).spec.timezone).toBe('US/Pacific');
});

test('a schedule Temporal refuses as it is created is removed, not left to fail every pass', async () => {
  const refused = fields({ timezone: 'US/Pacific-New' });
  const attempt = createSchedule(deps(), stack.tenant.id, refused, await actorUserId());
  await expect(attempt).rejects.toBeInstanceOf(InvalidFieldsError);
  await expect(attempt).rejects.toMatchObject({
    errors: [
      { field: 'timezone', message: expect.stringMatching(/^Temporal refused the schedule: .*Pacific-New/) },
    ],
  });

  expect(await stack.db.backupSchedule.count({ where: { name: refused.name } })).toBe(0);
  const audit = await stack.db.auditLog.findFirstOrThrow({
    where: { tenantId: stack.tenant.id, action: 'backup_schedule.refused_by_temporal' },
    orderBy: { createdAt: 'desc' },
  });
  expect(audit.metadata).toMatchObject({ undone: 'create', name: refused.name });
  await expect(describeInTemporal(audit.resourceId as string)).rejects.toBeInstanceOf(ScheduleNotFoundError);
});

test('an update Temporal refuses is reverted: the row and Temporal keep the fields they had', async () => {
  const actor = await actorUserId();
  const { schedule } = await createSchedule(deps(), stack.tenant.id, fields(), actor);
  const attempt = updateSchedule(
    deps(),
    stack.tenant.id,
    schedule.id,
    (current) => ({ ...current, name: `${current.name} renamed`, timezone: 'SystemV/AST4' }),
    actor,
  );
  await expect(attempt).rejects.toMatchObject({ errors: [{ field: 'timezone' }] });

  const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  expect(row).toMatchObject({ name: schedule.name, timezone: 'Europe/Berlin', deletedAt: null });
  expect(row.version).toBeGreaterThan(schedule.version);
  await expectTemporalMatchesRow(stack, schedule.id);
  expect((await describeInTemporal(schedule.id)).spec.timezone).toBe('Europe/Berlin');
  const audit = await stack.db.auditLog.findFirstOrThrow({
    where: { resourceId: schedule.id, action: 'backup_schedule.refused_by_temporal' },
  });
  expect(audit.metadata).toMatchObject({ undone: 'update', changed: ['name', 'timezone'] });
});
