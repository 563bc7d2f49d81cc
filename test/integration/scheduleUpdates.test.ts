// PATCH and DELETE of a schedule: Postgres first, then the Temporal Schedule follows (paused when
// disabled, respecified when its timing changes, deleted with the schedule).
import { ScheduleNotFoundError } from '@temporalio/client';
import { type TestStack, useTestStack } from '../support/stack';
import { expectTemporalMatchesRow } from '../support/temporalSchedules';
import { timeFarFromNow } from '../support/runs';

let stack: TestStack;
useTestStack({}, (started) => {
  stack = started;
});

const path = () => `/v1/tenants/${stack.tenant.id}/backup-schedules`;

async function created(overrides: Record<string, unknown> = {}) {
  const response = await stack.api(path(), {
    method: 'POST',
    body: {
      name: `weekly ${Math.random().toString(36).slice(2, 8)}`,
      frequency: 'weekly',
      timeOfDay: timeFarFromNow(),
      daysOfWeek: ['mon'],
      timezone: 'Europe/Berlin',
      policyTypes: ['compliance'],
      retention: { keepLast: 3 },
      ...overrides,
    },
  });
  expect(response.status).toBe(201);
  expect(response.body.lastRun).toBeNull();
  await expectTemporalMatchesRow(stack, response.body.id);
  return response.body;
}

/** PATCHes the schedule; after a successful write, Temporal must match the row again. */
async function patch(id: string, body: unknown) {
  const response = await stack.api(`${path()}/${id}`, { method: 'PATCH', body });
  if (response.status === 200) await expectTemporalMatchesRow(stack, id);
  return response;
}
const temporalOf = (schedule: { temporal: { scheduleId: string } }) =>
  stack.temporal.schedule.getHandle(schedule.temporal.scheduleId).describe();

test('disabling pauses the Temporal Schedule; enabling unpauses it; both are audited', async () => {
  const schedule = await created();
  const disabled = await patch(schedule.id, { enabled: false });
  expect(disabled.status).toBe(200);
  expect(disabled.body).toMatchObject({ enabled: false, version: schedule.version + 1 });
  expect(disabled.body.temporal.syncState).toBe('synced');
  expect((await temporalOf(schedule)).state.paused).toBe(true);

  expect((await patch(schedule.id, { enabled: true })).body.enabled).toBe(true);
  expect((await temporalOf(schedule)).state.paused).toBe(false);
  const audit = await stack.db.auditLog.findMany({
    where: { resourceId: schedule.id, action: 'backup_schedule.updated' },
  });
  expect(audit.map((row) => (row.metadata as { changed: string[] }).changed)).toEqual([
    ['enabled'],
    ['enabled'],
  ]);
});

test('a change of frequency drops the old timing fields and respecifies the Temporal Schedule', async () => {
  const schedule = await created();
  const daily = await patch(schedule.id, { frequency: 'daily', timeOfDay: '05:45' });
  expect(daily.status).toBe(200);
  expect(daily.body).toMatchObject({ frequency: 'daily', timeOfDay: '05:45', daysOfWeek: [], minute: null });
  const calendar = (await temporalOf(schedule)).spec.calendars?.[0];
  expect(calendar?.hour).toEqual([{ start: 5, end: 5, step: 1 }]);
  expect(calendar?.minute).toEqual([{ start: 45, end: 45, step: 1 }]);
  expect(calendar?.dayOfWeek).toEqual([{ start: 'SUNDAY', end: 'SATURDAY', step: 1 }]);
});

test.each([
  ['an unknown field', { colour: 'blue' }, 'colour'],
  ['an empty body', {}, '(root)'],
  ['weekly without days', { frequency: 'weekly', daysOfWeek: [] }, 'daysOfWeek'],
  ['an unknown policy type', { policyTypes: ['nope'] }, 'policyTypes.0'],
  ['minute on a weekly schedule', { minute: 5 }, 'minute'],
])('%s is a 422 naming the field, and changes nothing', async (_label, body, field) => {
  const schedule = await created();
  const response = await patch(schedule.id, body);
  expect(response.status).toBe(422);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  expect(row.version).toBe(schedule.version);
  await expectTemporalMatchesRow(stack, schedule.id);
});

test("renaming to another schedule's name is a 409 naming `name`", async () => {
  const first = await created();
  const second = await created();
  const response = await patch(second.id, { name: first.name });
  expect(response.status).toBe(409);
  expect(response.body).toMatchObject({ code: 'schedule_name_taken', errors: [{ field: 'name' }] });
});

test('DELETE removes the schedule and its Temporal Schedule, keeps the row, frees the name', async () => {
  const schedule = await created();
  const deleted = await stack.api(`${path()}/${schedule.id}`, { method: 'DELETE' });
  expect(deleted.status).toBe(204);
  expect((await stack.api(`${path()}/${schedule.id}`)).status).toBe(404);
  expect((await stack.api(`${path()}/${schedule.id}`, { method: 'DELETE' })).status).toBe(404);
  await expect(temporalOf(schedule)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  expect(row.deletedAt).toBeInstanceOf(Date);
  expect(row.temporalSyncState).toBe('synced');
  expect((await created({ name: schedule.name })).name).toBe(schedule.name);
  expect(
    await stack.db.auditLog.count({ where: { resourceId: schedule.id, action: 'backup_schedule.deleted' } }),
  ).toBe(1);
});
