// What a tenant's backups left behind, through the API: its backup sets and their items (with
// payloads only when asked), and its audit log; each filtered and paged newest first.
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

test('backup sets, their items and the audit log, filtered and paged', async () => {
  const { emulated, tenant } = await admin.createTenant(60);
  const counts = await admin.counts(emulated.azureTenantId);
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['compliance', 'powershellScripts'],
  });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  const second = await runToCompletion(stack, tenant.id, schedule.id);
  const base = `/v1/tenants/${tenant.id}`;

  const sets = await stack.api(`${base}/backup-sets?scheduleId=${schedule.id}`);
  expect(ids(sets.body)).toEqual([second.backupSetId, first.backupSetId]);
  const page1 = await stack.api(`${base}/backup-sets?limit=1`);
  const page2 = await stack.api(`${base}/backup-sets?limit=1&cursor=${page1.body.nextCursor}`);
  expect([...ids(page1.body), ...ids(page2.body)]).toEqual([second.backupSetId, first.backupSetId]);

  const items = await stack.api(`${base}/backup-sets/${second.backupSetId}/items?limit=200`);
  expect(items.body.items).toHaveLength(counts.compliance + counts.powershellScripts);
  expect(items.body.items[0]).not.toHaveProperty('payload');
  const scripts = await stack.api(
    `${base}/backup-sets/${second.backupSetId}/items?policyType=powershellScripts&includePayload=true&limit=200`,
  );
  expect(scripts.body.items).toHaveLength(counts.powershellScripts);
  for (const item of scripts.body.items) {
    expect(item.policyType).toBe('powershellScripts');
    expect(item.payload.id).toBe(item.graphId);
    expect(item.payloadBytes).toBeGreaterThan(0);
  }

  const started = await stack.api(`${base}/audit-logs?action=backup_run.started`);
  expect(started.body.items.map((entry: { resourceId: string }) => entry.resourceId)).toEqual([
    second.id,
    first.id,
  ]);
  const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
  expect((await stack.api(`${base}/audit-logs?from=${future}`)).body.items).toEqual([]);
  const all = await stack.api(`${base}/audit-logs?limit=200`);
  expect(all.body.items.length).toBeGreaterThanOrEqual(6);
  expect(JSON.stringify(all.body)).not.toContain(emulated.clientSecret);
});

test("another tenant's backup set is a 404 under this tenant; bad filters are 422s", async () => {
  const { tenant } = await admin.createTenant(50);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  const foreign = `/v1/tenants/${stack.tenant.id}/backup-sets/${run.backupSetId}`;
  expect((await stack.api(foreign)).status).toBe(404);
  expect((await stack.api(`${foreign}/items`)).status).toBe(404);
  const badPayloadFlag = await stack.api(
    `/v1/tenants/${tenant.id}/backup-sets/${run.backupSetId}/items?includePayload=yes`,
  );
  expect(badPayloadFlag.status).toBe(422);
  expect(badPayloadFlag.body.errors[0].field).toBe('includePayload');
  const badFrom = await stack.api(`/v1/tenants/${tenant.id}/audit-logs?from=last-week`);
  expect(badFrom.body.errors[0].field).toBe('from');
  expect((await stack.api('/v1/tenants/00000000-0000-4000-8000-000000000000/audit-logs')).status).toBe(404);
});
