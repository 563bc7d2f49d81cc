// Run history through the API: filtered, newest first, paged; and retries of failed or partial
// runs, which start a new run pointing at the old one.
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { runWithScriptsForbidden, waitForRun } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

test('a partial run is retried as a new run with retryOf; a succeeded run is not retryable', async () => {
  const { emulated, tenant, schedule, run: partial } = await runWithScriptsForbidden(stack, admin);
  expect(partial.status).toBe('partial');

  await admin.setFaults(emulated.azureTenantId, {});
  const retried = await stack.api(`/v1/tenants/${tenant.id}/runs/${partial.id}/retry`, { method: 'POST' });
  expect(retried.status).toBe(202);
  expect(retried.body).toMatchObject({ trigger: 'retry', retryOf: partial.id, status: 'queued' });
  const done = await waitForRun(stack, tenant.id, retried.body.id);
  expect(done).toMatchObject({ status: 'succeeded', trigger: 'retry', retryOf: partial.id });

  const again = await stack.api(`/v1/tenants/${tenant.id}/runs/${done.id}/retry`, { method: 'POST' });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('run_not_retryable');

  // Filters and paging over these two runs.
  const base = `/v1/tenants/${tenant.id}/runs`;
  const all = await stack.api(`${base}?scheduleId=${schedule.id}`);
  expect(all.body.items.map((run: { id: string }) => run.id)).toEqual([done.id, partial.id]);
  expect((await stack.api(`${base}?status=partial`)).body.items.map((run: { id: string }) => run.id)).toEqual(
    [partial.id],
  );
  expect((await stack.api(`${base}?trigger=retry`)).body.items.map((run: { id: string }) => run.id)).toEqual([
    done.id,
  ]);
  const first = await stack.api(`${base}?limit=1`);
  expect(first.body.items.map((run: { id: string }) => run.id)).toEqual([done.id]);
  const second = await stack.api(`${base}?limit=1&cursor=${first.body.nextCursor}`);
  expect(second.body.items.map((run: { id: string }) => run.id)).toEqual([partial.id]);
  expect(second.body.nextCursor).toBeNull();
  const future = new Date(Date.now() + 60_000).toISOString();
  expect((await stack.api(`${base}?from=${encodeURIComponent(future)}`)).body.items).toEqual([]);
  expect((await stack.api(`${base}?to=${encodeURIComponent(future)}`)).body.items).toHaveLength(2);

  // The schedule shows its last run, alone and in the list.
  const lastRun = { id: done.id, status: 'succeeded', trigger: 'retry', finishedAt: done.finishedAt };
  const schedules = `/v1/tenants/${tenant.id}/backup-schedules`;
  expect((await stack.api(`${schedules}/${schedule.id}`)).body.lastRun).toMatchObject(lastRun);
  expect((await stack.api(schedules)).body.items[0].lastRun).toMatchObject(lastRun);
});

test.each([
  ['status=done', 'status'],
  ['from=yesterday', 'from'],
  ['scheduleId=42', 'scheduleId'],
  ['colour=blue', 'colour'],
])('?%s is a 422 naming the parameter', async (query, field) => {
  const response = await stack.api(`/v1/tenants/${stack.tenant.id}/runs?${query}`);
  expect(response.status).toBe(422);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
});

test('runs of an unknown tenant are a 404', async () => {
  const response = await stack.api('/v1/tenants/00000000-0000-4000-8000-000000000000/runs');
  expect(response.status).toBe(404);
});
