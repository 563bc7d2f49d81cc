// Bulk run, retry and delete: one result per schedule id, and one notification for the caller.
import { randomUUID } from 'node:crypto';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, FINISHED, runToCompletion } from '../support/runs';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

async function settled(tenantId: string) {
  await eventually(
    async () => {
      const runs = await stack.db.backupScheduleRun.findMany({ where: { tenantId } });
      return runs.every((run) => FINISHED.includes(run.status));
    },
    { what: 'every run of the tenant to finish' },
  );
}

test('bulk run, retry and delete give one result per id and one notification each', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const bulk = (body: unknown) =>
    stack.api(`/v1/tenants/${tenant.id}/backup-schedules/bulk`, { method: 'POST', body });
  const a = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
  const b = await createSchedule(stack, tenant.id, { policyTypes: ['compliance', 'powershellScripts'] });
  const disabled = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'], enabled: false });
  const unknown = randomUUID();

  const run = await bulk({ action: 'run', scheduleIds: [a.id, b.id, disabled.id, unknown] });
  expect(run.status).toBe(200);
  expect(run.body.results).toEqual([
    { scheduleId: a.id, result: 'dispatched', runId: expect.any(String) },
    { scheduleId: b.id, result: 'dispatched', runId: expect.any(String) },
    { scheduleId: disabled.id, result: 'skipped', reason: 'schedule_disabled' },
    { scheduleId: unknown, result: 'not_found' },
  ]);
  await settled(tenant.id);

  // b fails partially; a retry re-runs only the schedule whose latest run was not ok.
  await admin.setFaults(emulated.azureTenantId, { forbiddenTypes: ['powershellScripts'] });
  expect((await runToCompletion(stack, tenant.id, b.id)).status).toBe('partial');
  await admin.setFaults(emulated.azureTenantId, {});
  const retry = await bulk({ action: 'retry', scheduleIds: [a.id, b.id] });
  expect(retry.body.results).toEqual([
    { scheduleId: a.id, result: 'skipped', reason: 'nothing_to_retry' },
    { scheduleId: b.id, result: 'dispatched', runId: expect.any(String) },
  ]);
  const retried = await stack.db.backupScheduleRun.findUniqueOrThrow({
    where: { id: retry.body.results[1].runId },
  });
  expect(retried.trigger).toBe('retry');
  await settled(tenant.id);

  const deleted = await bulk({ action: 'delete', scheduleIds: [a.id, unknown] });
  expect(deleted.body.results).toEqual([
    { scheduleId: a.id, result: 'deleted' },
    { scheduleId: unknown, result: 'not_found' },
  ]);

  const notifications = await stack.api('/v1/me/notifications?unread=true&limit=200');
  const mine = notifications.body.items.filter((n: { tenantId: string }) => n.tenantId === tenant.id);
  expect(mine.map((n: { title: string }) => n.title)).toEqual([
    expect.stringMatching(/^Bulk delete .*: 1 deleted, 1 not found$/),
    expect.stringMatching(/^Bulk retry .*: 1 skipped, 1 dispatched$/),
    expect.stringMatching(/^Bulk run .*: 2 dispatched, 1 skipped, 1 not found$/),
  ]);
  expect(mine[0].id).toBe(deleted.body.notificationId);

  const read = await stack.api(`/v1/me/notifications/${mine[0].id}/read`, { method: 'POST' });
  expect(read.body).toMatchObject({ id: mine[0].id, read: true });
  const unread = await stack.api('/v1/me/notifications?unread=true&limit=200');
  expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(mine[0].id);
});

test.each([
  [{ action: 'archive', scheduleIds: [randomUUID()] }, 'action'],
  [{ action: 'run', scheduleIds: [] }, 'scheduleIds'],
  [{ action: 'run', scheduleIds: ['nope'] }, 'scheduleIds.0'],
  [{ action: 'run', scheduleIds: [randomUUID()], force: true }, 'force'],
])('a bad bulk request is a 422 naming the field (%j)', async (body, field) => {
  const response = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-schedules/bulk`, {
    method: 'POST',
    body,
  });
  expect(response.status).toBe(422);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
});

test("another user's or an unknown notification is a 404", async () => {
  const response = await stack.api(`/v1/me/notifications/${randomUUID()}/read`, { method: 'POST' });
  expect(response.status).toBe(404);
});

test('an operator may bulk run and retry; each id of their bulk delete answers forbidden', async () => {
  const tenantId = stack.tenant.id;
  const schedule = await createSchedule(stack, tenantId, { policyTypes: ['compliance'], enabled: false });
  const bulk = (token: string, body: unknown) =>
    stack.api(`/v1/tenants/${tenantId}/backup-schedules/bulk`, { method: 'POST', token, body });
  const operator = await stack.userWithRole('operator');
  const unknown = randomUUID();

  const deleted = await bulk(operator.token, { action: 'delete', scheduleIds: [schedule.id, unknown] });
  expect(deleted.status).toBe(200);
  expect(deleted.body.results).toEqual([
    { scheduleId: schedule.id, result: 'forbidden', reason: 'role_too_low' },
    { scheduleId: unknown, result: 'forbidden', reason: 'role_too_low' },
  ]);
  const kept = await stack.api(`/v1/tenants/${tenantId}/backup-schedules/${schedule.id}`);
  expect(kept.status).toBe(200);
  const run = await bulk(operator.token, { action: 'run', scheduleIds: [schedule.id] });
  expect(run.body.results).toEqual([
    { scheduleId: schedule.id, result: 'skipped', reason: 'schedule_disabled' },
  ]);
  const titles = (await stack.api('/v1/me/notifications', { token: operator.token })).body.items.map(
    (n: { title: string }) => n.title,
  );
  expect(titles).toEqual([
    expect.stringMatching(/^Bulk run .*: 1 skipped$/),
    expect.stringMatching(/^Bulk delete .*: 2 forbidden$/),
  ]);

  const readonly = await stack.userWithRole('readonly');
  expect((await bulk(readonly.token, { action: 'run', scheduleIds: [schedule.id] })).status).toBe(403);
  const manager = await stack.userWithRole('manager');
  const byManager = await bulk(manager.token, { action: 'delete', scheduleIds: [schedule.id] });
  expect(byManager.body.results).toEqual([{ scheduleId: schedule.id, result: 'deleted' }]);
});
