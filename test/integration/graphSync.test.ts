// The Graph sync never loses data silently: full runs through the API, Temporal, the worker and
// real MSAL against generated emulator tenants, with the emulator's faults switched on.
import { randomUUID } from 'node:crypto';
import { canonicalize, POLICY_TYPE_KEYS, type PolicyTypeKey } from '../../src/graph';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { recordHistoryIfAsked, WORKFLOW_HISTORY_VERSION } from '../support/histories';
import { createSchedule, runToCompletion, runWithScriptsForbidden } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
// Small pages make every collection of a generated tenant multi-page.
useStackWithEmulator({ captureLogs: true, emulatorPageSize: 10 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

async function livePolicies(tenantId: string): Promise<Record<string, number>> {
  const rows = await stack.db.policy.groupBy({
    by: ['policyType'],
    where: { tenantId, deletedAt: null },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((row) => [row.policyType, row._count._all]));
}

test('every registry type syncs with exact counts', async () => {
  const { emulated, tenant } = await admin.createTenant(400);
  const counts = await admin.counts(emulated.azureTenantId);
  for (const key of POLICY_TYPE_KEYS) expect(counts[key]).toBeGreaterThan(0);

  const schedule = await createSchedule(stack, tenant.id, { policyTypes: [...POLICY_TYPE_KEYS] });
  const run = await runToCompletion(stack, tenant.id, schedule.id, 180_000);

  expect(run.status).toBe('succeeded');
  const stored = await livePolicies(tenant.id);
  for (const key of POLICY_TYPE_KEYS) {
    expect({ key, ...run.summary.types[key] }).toMatchObject({ key, outcome: 'ok', fetched: counts[key] });
    expect({ key, stored: stored[key] }).toEqual({ key, stored: counts[key] });
  }
  const set = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${run.backupSetId}`);
  expect(set.body.itemCount).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
}, 240_000);

test('changes between syncs are counted; vanished policies are marked deleted, not erased', async () => {
  const { emulated, tenant } = await admin.createTenant(120);
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['deviceConfiguration', 'compliance'],
  });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');
  const rowsBefore = await stack.db.policy.count({ where: { tenantId: tenant.id } });

  const change = await admin.mutate(emulated.azureTenantId, {
    add: 4,
    modify: 3,
    remove: 2,
    types: ['deviceConfiguration'],
  });
  const counts = await admin.counts(emulated.azureTenantId);
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  // A profile linking to a removed one (a trusted root) changed too: its link is now unset.
  const modifiedIds = [
    ...(change.modified.deviceConfiguration ?? []),
    ...(change.unlinked.deviceConfiguration ?? []),
  ].sort();
  const modifiedCount = modifiedIds.length;

  expect(run.status).toBe('succeeded');
  expect(run.summary.types.deviceConfiguration).toMatchObject({
    outcome: 'ok',
    fetched: counts.deviceConfiguration,
    added: 4,
    modified: modifiedCount,
    removed: 2,
  });
  expect(run.summary.types.compliance).toMatchObject({ outcome: 'ok', added: 0, modified: 0, removed: 0 });

  // The backup set records the same changes against the schedule's previous set, with names.
  expect(run.summary.changes).toEqual({ added: 4, removed: 2, modified: modifiedCount, renamed: 0 });
  const changes = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${run.backupSetId}/changes`);
  expect(changes.status).toBe(200);
  expect(changes.body.counts).toEqual({ added: 4, removed: 2, modified: modifiedCount, renamed: 0 });
  expect(changes.body.nextCursor).toBeNull();
  const byKind = (kind: string) =>
    changes.body.items
      .filter((item: { change: string }) => item.change === kind)
      .map((item: { graphId: string }) => item.graphId)
      .sort();
  expect(byKind('added')).toEqual([...(change.added.deviceConfiguration ?? [])].sort());
  expect(byKind('removed')).toEqual([...(change.removed.deviceConfiguration ?? [])].sort());
  expect(byKind('modified')).toEqual(modifiedIds);
  for (const item of changes.body.items) {
    expect(item.policyType).toBe('deviceConfiguration');
    expect(item.displayName).toEqual(expect.any(String));
  }
  const removedOnly = await stack.api(
    `/v1/tenants/${tenant.id}/backup-sets/${run.backupSetId}/changes?change=removed&limit=1`,
  );
  expect(removedOnly.body.items).toHaveLength(1);
  expect(removedOnly.body.nextCursor).toEqual(expect.any(String));

  // Nothing changed since: a new set, but no new payload bytes and no changes.
  const unchanged = await runToCompletion(stack, tenant.id, schedule.id);
  expect(unchanged.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
  const set = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${unchanged.backupSetId}`);
  expect(set.body.stats).toMatchObject({ itemCount: run.summary.totals.itemCount, newPayloadBytes: 0 });
  expect(set.body.stats.totalBytes).toBeGreaterThan(0);
  expect(set.body.previousBackupSetId).toBe(run.backupSetId);
  const removed = await stack.db.policy.findMany({
    where: { tenantId: tenant.id, graphId: { in: change.removed.deviceConfiguration ?? [] } },
  });
  expect(removed).toHaveLength(2);
  for (const row of removed) expect(row.deletedAt).toBeInstanceOf(Date);
  expect(await stack.db.policy.count({ where: { tenantId: tenant.id } })).toBe(rowsBefore + 4);

  // Stored canonical: no volatile field, and the hash is that of the stored content.
  const modified = await stack.db.policy.findMany({
    where: { tenantId: tenant.id, graphId: { in: modifiedIds } },
  });
  expect(modified).toHaveLength(modifiedCount);
  for (const row of modified) {
    const stored = await stack.db.backupPayload.findUniqueOrThrow({ where: { hash: row.payloadHash } });
    expect(stored.content).not.toHaveProperty('lastModifiedDateTime');
    expect(canonicalize(stored.content, []).sha256).toBe(row.payloadHash);
  }
});

test('a settings catalog policy with more than 100 settings is stored complete', async () => {
  const { emulated, tenant } = await admin.createTenant(300);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['settingsCatalog'] });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');

  const [largest] = await stack.db.$queryRaw<{ graph_id: string; settings: number }[]>`
    SELECT p.graph_id, jsonb_array_length(b.content->'settings') AS settings
    FROM policies p JOIN backup_payloads b ON b.hash = p.payload_hash
    WHERE p.tenant_id = ${tenant.id}::uuid AND p.policy_type = 'settingsCatalog'
    ORDER BY settings DESC LIMIT 1`;
  expect(largest?.settings).toBeGreaterThan(100);
  const served = await admin.countByPaging(
    emulated,
    `/beta/deviceManagement/configurationPolicies/${largest?.graph_id}/settings`,
  );
  expect(largest?.settings).toBe(served);
});

test('a 30% 429 storm still yields a complete sync', async () => {
  const { emulated, tenant } = await admin.createTenant(80);
  const types: PolicyTypeKey[] = [
    'settingsCatalog',
    'compliance',
    'powershellScripts',
    'administrativeTemplates',
  ];
  const counts = await admin.counts(emulated.azureTenantId);
  await admin.setFaults(emulated.azureTenantId, { rate429: 0.3, retryAfterSeconds: 1 });

  const schedule = await createSchedule(stack, tenant.id, { policyTypes: types });
  const run = await runToCompletion(stack, tenant.id, schedule.id, 240_000);

  expect(run.status).toBe('succeeded');
  for (const key of types)
    expect(run.summary.types[key]).toMatchObject({ outcome: 'ok', fetched: counts[key] });
  const stats = await admin.stats(emulated.azureTenantId);
  expect(stats.byStatus['429']).toBeGreaterThan(10);
}, 300_000);

test('403 on scripts makes the run partial, naming the missing permission', async () => {
  const { run } = await runWithScriptsForbidden(stack, admin);

  expect(run.status).toBe('partial');
  expect(run.summary.types.powershellScripts).toMatchObject({
    outcome: 'permission_missing',
    requiredPermission: 'DeviceManagementScripts.Read.All',
  });
  expect(run.summary.types.deviceConfiguration.outcome).toBe('ok');
  const items = await stack.db.backupItem.groupBy({
    by: ['policyType'],
    where: { backupSetId: run.backupSetId },
  });
  expect(items.map((item) => item.policyType)).toEqual(['deviceConfiguration']);
  recordHistoryIfAsked(run.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-forbidden-type-partial`);
});

test('a type a partial run could not fetch is not reported removed from the backup', async () => {
  const { emulated, tenant } = await admin.createTenant(60);
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['deviceConfiguration', 'powershellScripts'],
  });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');
  await admin.setFaults(emulated.azureTenantId, { forbiddenTypes: ['powershellScripts'] });
  const run = await runToCompletion(stack, tenant.id, schedule.id);

  expect(run.status).toBe('partial');
  expect(run.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
  const scripts = await stack.db.policy.count({
    where: { tenantId: tenant.id, policyType: 'powershellScripts', deletedAt: null },
  });
  expect(scripts).toBeGreaterThan(0);
});

test('a broken next link fails that type and never reports it ok', async () => {
  const { emulated, tenant } = await admin.createTenant(300);
  const counts = await admin.counts(emulated.azureTenantId);
  expect(counts.deviceConfiguration).toBeGreaterThan(10); // more than one page of 10
  await admin.setFaults(emulated.azureTenantId, { brokenNextLinkTypes: ['deviceConfiguration'] });
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['deviceConfiguration', 'compliance'],
  });
  const run = await runToCompletion(stack, tenant.id, schedule.id);

  expect(run.status).toBe('partial');
  expect(run.summary.types.deviceConfiguration.outcome).toBe('failed');
  expect(run.summary.types.deviceConfiguration.reason).toMatch(/paging broke/);
  expect(run.summary.types.deviceConfiguration.fetched).toBeLessThan(counts.deviceConfiguration);
  expect(run.summary.types.compliance).toMatchObject({ outcome: 'ok', fetched: counts.compliance });
});

test('a wrong secret fails the run with graph_auth_failed, and the secret is in no log line', async () => {
  const { tenant } = await admin.createTenant(50);
  const firstLine = stack.logLines.length;
  const canary = `canary-${randomUUID()}`;
  await stack.db.tenant.update({ where: { id: tenant.id }, data: stack.secrets.encrypt(tenant.id, canary) });
  const schedule = await createSchedule(stack, tenant.id);
  const run = await runToCompletion(stack, tenant.id, schedule.id);

  expect(run).toMatchObject({ status: 'failed', error: { code: 'graph_auth_failed' } });
  expect(JSON.stringify(run)).not.toContain(canary);
  // The failure was logged (with the tenant and the workflow), and no line holds the secret.
  const failure = stack.logLines
    .slice(firstLine)
    .find((line) => line.includes('Graph authentication failed'));
  expect(JSON.parse(failure ?? '{}')).toMatchObject({ tenantId: tenant.id, workflowId: run.workflowId });
  expect(stack.logLines.filter((line) => line.includes(canary))).toEqual([]);
  recordHistoryIfAsked(run.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-auth-failed`);
});
