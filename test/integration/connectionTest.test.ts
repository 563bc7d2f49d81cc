// The connection test: real MSAL against the emulator, one read per policy type and audit log,
// each classified from Graph's own answer; it writes one audit row and nothing else, and creating
// a tenant or changing its credentials runs it.
import { DEFAULT_GRANTS } from '../../src/emulator/graphSurface';
import {
  API_BUDGET_SHARE,
  AUDIT_SOURCE_KEYS,
  AUDIT_SOURCES,
  clientBudgetFor,
  GRAPH_TENANT_BUDGET,
  GraphClientFactory,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
} from '../../src/graph';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ withoutWorker: true }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AUDIT_LOGS = ['intune', 'directory'];
const test_ = (tenantId: string) => stack.api(`/v1/tenants/${tenantId}/connection-test`, { method: 'POST' });
const statusByKey = (body: { checks: { key: string; status: string }[] }) =>
  Object.fromEntries(body.checks.map((check) => [check.key, check.status]));

/** Rows of every table, so a test can show that nothing but the audit log changed. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await stack.db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await stack.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row?.n);
  }
  return counts;
}

test('a full tenant: a token, every read ok, one audit row and nothing else written', async () => {
  const { tenant } = await admin.createTenant(50, 'c0e71a5e-3b1f-4d7e-9a40-5f2b8c6d1e01');
  const before = await rowCounts();
  const auditBefore = await stack.db.auditLog.findMany({
    where: { tenantId: tenant.id },
    select: { id: true },
  });

  const response = await test_(tenant.id);
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ passed: true, completed: true, token: { ok: true } });
  expect(response.body.checks.map((check: { key: string }) => check.key)).toEqual([
    ...POLICY_TYPE_KEYS,
    ...AUDIT_LOGS,
  ]);
  expect(new Set(Object.values(statusByKey(response.body)))).toEqual(new Set(['ok']));
  expect(response.body.summary).toEqual({
    ok: POLICY_TYPE_KEYS.length + AUDIT_LOGS.length,
    permission_missing: 0,
    unsupported: 0,
    failed: 0,
    skipped: 0,
  });

  // The request log (api.request) records every mutating call; it is written after the answer.
  const known = new Set(auditBefore.map((row) => row.id));
  const added = await eventually(
    async () => {
      const rows = await stack.db.auditLog.findMany({ where: { tenantId: tenant.id } });
      const fresh = rows.filter((row) => !known.has(row.id));
      return fresh.length === 2 && fresh;
    },
    { what: 'the two audit rows' },
  );
  expect(added.map((row) => row.action).sort()).toEqual(['api.request', 'tenant.connection_tested']);
  const after = await rowCounts();
  expect({ ...after, audit_logs: after.audit_logs! - 2 }).toEqual(before);
});

// First among the slow ones: the emulator's delayed answers outlive it by up to 2 s.
test('the deadline: the API answers in time, saying the test did not complete', async () => {
  const { emulated, tenant } = await admin.createTenant(50, 'c0e71a5e-3b1f-4d7e-9a40-5f2b8c6d1e05');
  await admin.setFaults(emulated.azureTenantId, { latencyMs: 2_000 });
  const app = await stack.startApp({ connectionTestDeadlineMs: 1_500 });
  try {
    const started = Date.now();
    const response = await app.api(`/v1/tenants/${tenant.id}/connection-test`, { method: 'POST' });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(response.body).toMatchObject({ passed: false, completed: false });
    const unanswered = response.body.checks.filter(
      (check: { errorCode?: string }) => check.errorCode === 'timeout',
    );
    expect(unanswered.length).toBeGreaterThan(0);
  } finally {
    await app.close();
    await admin.setFaults(emulated.azureTenantId, {});
  }
});

test('a missing read permission: permission_missing naming it, for exactly the types that need it', async () => {
  const { emulated, tenant } = await admin.createTenant(50, 'c0e71a5e-3b1f-4d7e-9a40-5f2b8c6d1e02');
  const missing = 'DeviceManagementApps.Read.All';
  await admin.setGrants(
    emulated.azureTenantId,
    DEFAULT_GRANTS.filter((permission) => permission !== missing),
  );
  const response = await test_(tenant.id);
  expect(response.status).toBe(200);
  // The app types, and Intune's audit log (read under the same permission).
  const needing = [
    ...POLICY_TYPE_KEYS.filter((key) => POLICY_TYPES[key].permission === missing),
    ...AUDIT_SOURCE_KEYS.filter((key) => AUDIT_SOURCES[key].permission === missing),
  ];
  expect(needing).toContain('intune');
  expect(needing.length).toBeGreaterThan(0);
  const refused = response.body.checks.filter(
    (check: { status: string }) => check.status === 'permission_missing',
  );
  expect(refused.map((check: { key: string }) => check.key)).toEqual(needing);
  for (const check of refused) {
    expect(check).toMatchObject({ permission: missing, httpStatus: 403, errorCode: 'Forbidden' });
    expect(check.message).toContain(missing);
  }
  expect(response.body).toMatchObject({ passed: false, missingPermissions: [missing] });
  expect(response.body.summary.ok).toBe(POLICY_TYPE_KEYS.length + AUDIT_LOGS.length - needing.length);
  const audit = await stack.db.auditLog.findFirstOrThrow({
    where: { tenantId: tenant.id, action: 'tenant.connection_tested' },
  });
  expect(audit.metadata).toMatchObject({ passed: false, summary: { permission_missing: needing.length } });
});

test("a feature the tenant lacks is unsupported, from Graph's 400 for the segment, and still passes", async () => {
  const { emulated, tenant } = await admin.createTenant(50, 'c0e71a5e-3b1f-4d7e-9a40-5f2b8c6d1e03');
  await admin.setFaults(emulated.azureTenantId, { unsupportedTypes: ['hotpatchQualityUpdatePolicies'] });
  const response = await test_(tenant.id);
  const [lacking] = response.body.checks.filter((check: { status: string }) => check.status !== 'ok');
  expect(lacking).toMatchObject({
    key: 'hotpatchQualityUpdatePolicies',
    status: 'unsupported',
    httpStatus: 400,
    errorCode: 'BadRequest',
    message: expect.stringContaining('Resource not found for the segment'),
  });
  expect(response.body).toMatchObject({ passed: true, summary: { unsupported: 1 } });
});

test('a wrong secret: saved anyway, the credential failure reported and no read made; a new secret passes', async () => {
  const emulated = await admin.createEmulatedTenant(
    50,
    'the-right-secret',
    'c0e71a5e-3b1f-4d7e-9a40-5f2b8c6d1e04',
  );
  const wrong = 'a-wrong-secret-value';
  const created = await stack.api('/v1/tenants', {
    method: 'POST',
    body: {
      slug: 'connection-test-c0e71a5e',
      displayName: 'Wrong secret',
      ...emulated,
      clientSecret: wrong,
      graphBaseUrl: stack.emulator.baseUrl,
      loginBaseUrl: stack.emulator.baseUrl,
    },
  });
  expect(created.status).toBe(201);
  const tenantId = created.body.id;
  expect(created.body.connectionTest).toMatchObject({
    passed: false,
    completed: true,
    token: {
      ok: false,
      errorCode: 'AADSTS7000215',
      hint: expect.stringContaining('client secret is wrong'),
      // The platform's description, without MSAL's timestamps and trace ids.
      message: expect.stringMatching(/^AADSTS7000215: Invalid client secret provided\.[\s\S]*secret ID\.$/),
    },
    summary: { skipped: POLICY_TYPE_KEYS.length + AUDIT_LOGS.length },
  });
  expect((await stack.api(`/v1/tenants/${tenantId}`)).status).toBe(200);
  expect(stack.emulator.graphRequests(emulated.azureTenantId)).toBe(0);

  const renamed = await stack.api(`/v1/tenants/${tenantId}`, {
    method: 'PATCH',
    body: { displayName: 'Renamed' },
  });
  expect(renamed.status).toBe(200);
  expect(renamed.body).not.toHaveProperty('connectionTest');

  const fixed = await stack.api(`/v1/tenants/${tenantId}`, {
    method: 'PATCH',
    body: { clientSecret: emulated.clientSecret },
  });
  expect(fixed.status).toBe(200);
  expect(fixed.body.connectionTest).toMatchObject({ passed: true, token: { ok: true } });

  const audit = await stack.db.auditLog.findMany({
    where: { tenantId, action: 'tenant.connection_tested' },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((row) => (row.metadata as { token: unknown }).token)).toEqual([
    { ok: false, errorCode: 'AADSTS7000215' },
    { ok: true },
  ]);
  const written = JSON.stringify([audit, created.body, fixed.body]);
  expect(written).not.toContain(wrong);
  expect(written).not.toContain(emulated.clientSecret);
});

test('managers may test the connection, operators may not', async () => {
  const manager = await stack.userWithRole('manager');
  const operator = await stack.userWithRole('operator');
  const path = `/v1/tenants/${stack.tenant.id}/connection-test`;
  expect((await stack.api(path, { method: 'POST', token: manager.token })).status).toBe(200);
  expect((await stack.api(path, { method: 'POST', token: operator.token })).status).toBe(403);
});

test("one test per tenant at a time, within the API's share of the budget and still quick", async () => {
  const { emulated, tenant } = await admin.createTenant(50, 'c0e71a5e-3b1f-4d7e-9a40-5f2b8c6d1e0c');
  // Slow reads keep the first test in flight while the others arrive.
  await admin.setFaults(emulated.azureTenantId, { latencyMs: 200 });
  const graph = new GraphClientFactory({
    trustedCaPem: stack.emulator.caPem,
    endpointAllowlist: stack.graphEndpoints,
    requestBudget: clientBudgetFor(GRAPH_TENANT_BUDGET, API_BUDGET_SHARE),
  });
  const app = await stack.startApp({ graph });
  try {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.api(`/v1/tenants/${tenant.id}/connection-test`, { method: 'POST' }),
      ),
    );
    const ran = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 409);
    expect([ran.length, refused.length, refused[0]?.body.code]).toEqual([
      1,
      5,
      'connection_test_in_progress',
    ]);
    // All reads of one test fit the API's 50 per 20 s: it is not held back by its budget.
    expect(ran[0]?.body).toMatchObject({ passed: true, completed: true });
    expect(ran[0]?.body.durationMs).toBeLessThan(5_000);
    expect(stack.emulator.tokenRequests(emulated.azureTenantId)).toBe(1);
    expect(stack.emulator.graphRequests(emulated.azureTenantId)).toBeLessThanOrEqual(
      clientBudgetFor(GRAPH_TENANT_BUDGET, API_BUDGET_SHARE).limit,
    );
    // The lease ended with the test: the next one may run.
    const row = await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(row.connectionTestUntil).toBeNull();
  } finally {
    await app.close();
    await graph.close();
  }
});
