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

// The outbound guard (src/outbound): a tenant's endpoints receive its client secret and tokens,
// so the API refuses every URL the worker must not call. The stack allowlists only the emulator.
describe('graphBaseUrl and loginBaseUrl', () => {
  const refused = () => [
    'https://169.254.169.254',
    'https://10.0.0.1',
    'https://127.0.0.1',
    `https://127.0.0.1:${Number(new URL(stack.emulator.baseUrl).port) + 1}`,
    'https://[::ffff:127.0.0.1]',
    'https://user:pw@graph.microsoft.com',
    'https://graph.microsoft.com?x=1',
    'https://graph.microsoft.com#f',
    'https://graph.microsoft.com/v1.0',
    'http://graph.microsoft.com',
    'https://attacker.example',
  ];

  const newTenant = (overrides: Record<string, unknown>) => ({
    slug: `guard-${randomUUID().slice(0, 8)}`,
    displayName: 'Guarded',
    azureTenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: 'a-secret',
    ...overrides,
  });

  test.each(['graphBaseUrl', 'loginBaseUrl'])(
    'POST refuses each bad %s with a 422 naming it',
    async (field) => {
      for (const url of refused()) {
        const body = newTenant({ [field]: url });
        const response = await stack.api('/v1/tenants', { method: 'POST', body });
        expect({ url, status: response.status, type: response.contentType }).toEqual({
          url,
          status: 422,
          type: expect.stringContaining('application/problem+json'),
        });
        expect(response.body.errors).toEqual([{ field, message: expect.any(String) }]);
        expect(await stack.db.tenant.count({ where: { slug: body.slug } })).toBe(0);
      }
    },
  );

  test.each(['graphBaseUrl', 'loginBaseUrl'])(
    'PATCH refuses each bad %s with a 422 and changes nothing',
    async (field) => {
      const before = await stack.db.tenant.findUniqueOrThrow({ where: { id: stack.tenant.id } });
      for (const url of refused()) {
        const response = await patch(stack.tenant.id, { clientSecret: 'new-secret', [field]: url });
        expect({ url, status: response.status }).toEqual({ url, status: 422 });
        expect(response.body.errors).toEqual([{ field, message: expect.any(String) }]);
      }
      expect(await stack.db.tenant.findUniqueOrThrow({ where: { id: stack.tenant.id } })).toEqual(before);
    },
  );

  test('names both fields when both are refused, and never echoes user info', async () => {
    const response = await stack.api('/v1/tenants', {
      method: 'POST',
      body: newTenant({ graphBaseUrl: 'https://10.0.0.1', loginBaseUrl: 'https://attacker.example' }),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { field: 'graphBaseUrl', message: 'refused: 10.0.0.1 is a private address' },
      { field: 'loginBaseUrl', message: 'refused: attacker.example:443 is not on the allowlist' },
    ]);
    const withPassword = await stack.api('/v1/tenants', {
      method: 'POST',
      body: newTenant({ loginBaseUrl: 'https://admin:hunter2@login.microsoftonline.com' }),
    });
    expect(withPassword.status).toBe(422);
    expect(JSON.stringify(withPassword.body)).not.toContain('hunter2');
  });

  test('an allowlisted endpoint is stored as its origin; a change is audited with old and new values', async () => {
    const emulatorUrl = stack.emulator.baseUrl;
    const { emulated, tenant } = await admin.createTenantThroughApi(50);
    const stored = await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect([stored.graphBaseUrl, stored.loginBaseUrl]).toEqual([emulatorUrl, emulatorUrl]);

    const toMicrosoft = await patch(tenant.id, { clientSecret: emulated.clientSecret, loginBaseUrl: null });
    expect(toMicrosoft.status).toBe(200);
    const back = await patch(tenant.id, {
      clientSecret: emulated.clientSecret,
      graphBaseUrl: null,
      loginBaseUrl: `${emulatorUrl}/`,
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ graphBaseUrl: null, loginBaseUrl: emulatorUrl });
    const renamed = await patch(tenant.id, { displayName: 'Renamed' });
    expect(renamed.status).toBe(200);

    const audit = await stack.db.auditLog.findMany({
      where: { tenantId: tenant.id, action: 'tenant.updated' },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((row) => row.metadata)).toEqual([
      {
        changed: ['clientSecret', 'loginBaseUrl'],
        endpoints: { loginBaseUrl: { old: emulatorUrl, new: null } },
      },
      {
        changed: ['clientSecret', 'graphBaseUrl', 'loginBaseUrl'],
        endpoints: {
          graphBaseUrl: { old: emulatorUrl, new: null },
          loginBaseUrl: { old: null, new: emulatorUrl },
        },
      },
      { changed: ['displayName'] },
    ]);
    expect(JSON.stringify(audit)).not.toContain(emulated.clientSecret);
  });
});
