// PATCH of a tenant: the Graph client secret is write-only, a rotated secret is used by the next
// run, and neither the API nor the audit log ever shows it.
import { randomUUID } from 'node:crypto';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const patch = (tenantId: string, body: unknown) =>
  stack.api(`/v1/tenants/${tenantId}`, { method: 'PATCH', body });

test('a rotated client secret is used by the next run and never shown', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const stale = `stale-${randomUUID()}`;
  await patch(tenant.id, { clientSecret: stale });
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).error.code).toBe('graph_auth_failed');

  const rotated = await patch(tenant.id, { clientSecret: emulated.clientSecret, displayName: 'Contoso' });
  expect(rotated.status).toBe(200);
  expect(rotated.body).toMatchObject({ displayName: 'Contoso', hasClientSecret: true });
  expect(rotated.body).not.toHaveProperty('clientSecret');
  expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');

  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: tenant.id, action: 'tenant.updated' },
  });
  expect(audit.map((row) => (row.metadata as { changed: string[] }).changed)).toEqual([
    ['clientSecret'],
    ['clientSecret', 'displayName'],
  ]);
  expect(JSON.stringify(audit)).not.toContain(emulated.clientSecret);
  expect(JSON.stringify(audit)).not.toContain(stale);
});

test.each([
  [{}, '(root)'],
  [{ colour: 'blue' }, 'colour'],
  [{ azureTenantId: 'contoso.onmicrosoft.com' }, 'azureTenantId'],
  [{ graphBaseUrl: 'http://graph.example' }, 'graphBaseUrl'],
  // Repointing a tenant without a new secret would send the stored one to the new endpoint.
  [{ loginBaseUrl: 'https://login.attacker.example' }, 'clientSecret'],
  [{ clientId: '11111111-2222-4333-8444-555555555555', displayName: 'x' }, 'clientSecret'],
])('PATCH %j is a 422 naming the field and changes nothing', async (body, field) => {
  const before = await stack.db.tenant.findUniqueOrThrow({ where: { id: stack.tenant.id } });
  const response = await patch(stack.tenant.id, body);
  expect(response.status).toBe(422);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  expect(await stack.db.tenant.findUniqueOrThrow({ where: { id: stack.tenant.id } })).toEqual(before);
});

test("taking another tenant's slug is a 409 naming `slug`; an unknown tenant is a 404", async () => {
  const { tenant } = await admin.createTenant(50);
  const response = await patch(tenant.id, { slug: stack.tenant.slug });
  expect(response.status).toBe(409);
  expect(response.body).toMatchObject({ code: 'tenant_slug_taken', errors: [{ field: 'slug' }] });
  expect((await patch(randomUUID(), { displayName: 'x' })).status).toBe(404);
});
