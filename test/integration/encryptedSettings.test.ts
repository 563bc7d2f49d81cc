// Encrypted custom OMA-URI values through real backup runs against the emulator: without the
// write permission the run says, per policy, what it could not capture; with it the payload
// holds a fingerprint and the value is stored encrypted beside it.
import { randomUUID } from 'node:crypto';
import { findSettingValue } from '../../src/db/settingValues';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ captureLogs: true }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const READ_WRITE = 'DeviceManagementConfiguration.ReadWrite.All';
const FINGERPRINT = /^tenantvault-secret:v1:[0-9a-f]{64}$/;

interface OmaSetting {
  omaUri: string;
  value: unknown;
  isEncrypted: boolean;
  secretReferenceValueId: string | null;
}

/** A custom profile with one encrypted string per entry of `secrets` and one plain integer. */
function customProfile(id: string, secrets: Record<string, string>) {
  const encrypted = Object.entries(secrets).map(([omaUri, value]) => ({
    '@odata.type': '#microsoft.graph.omaSettingString',
    displayName: omaUri,
    description: null,
    omaUri,
    secretReferenceValueId: null,
    isEncrypted: true,
    value,
    isReadOnly: false,
  }));
  return {
    type: 'deviceConfiguration' as const,
    object: {
      '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
      id,
      displayName: `Custom profile ${id.slice(0, 8)}`,
      lastModifiedDateTime: '2025-10-02T16:40:05Z',
      version: 1,
      omaSettings: [
        ...encrypted,
        {
          ...encrypted[0],
          '@odata.type': '#microsoft.graph.omaSettingInteger',
          omaUri: './Device/Plain',
          isEncrypted: false,
          value: 1,
        },
      ],
    },
  };
}

async function storedSettings(tenantId: string, graphId: string): Promise<OmaSetting[]> {
  const policy = await stack.db.policy.findFirstOrThrow({ where: { tenantId, graphId } });
  const payload = await stack.db.backupPayload.findUniqueOrThrow({ where: { hash: policy.payloadHash } });
  return (payload.content as unknown as { omaSettings: OmaSetting[] }).omaSettings;
}

/** The tenant's stored device configurations with an encrypted setting, and all their payload text. */
async function withEncryptedSettings(tenantId: string): Promise<{ ids: string[]; text: string }> {
  const rows = await stack.db.$queryRaw<{ graph_id: string; content: string }[]>`
    SELECT p.graph_id, b.content::text AS content
    FROM policies p JOIN backup_payloads b ON b.hash = p.payload_hash
    WHERE p.tenant_id = ${tenantId}::uuid AND p.policy_type = 'deviceConfiguration'`;
  const encrypted = rows.filter((row) => row.content.includes('"isEncrypted": true'));
  return {
    ids: encrypted.map((row) => row.graph_id).sort(),
    text: rows.map((row) => row.content).join('\n'),
  };
}

test('without the write permission the type is ok with a warning naming each policy; no plain value is stored', async () => {
  // A fixed tenant, so its generated profiles surely include encrypted values of their own.
  const { emulated, tenant } = await admin.createTenant(400, '8f3e2d1c-0b9a-4c7d-8e6f-5a4b3c2d1e0f');
  const id = randomUUID();
  const plain = `plain-${randomUUID()}`;
  await admin.plantPolicy(emulated.azureTenantId, customProfile(id, { './Device/Secret': plain }));
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['deviceConfiguration', 'compliance'],
  });
  const firstLine = stack.logLines.length;
  const run = await runToCompletion(stack, tenant.id, schedule.id);

  // Not a silent ok: the API's run names the permission and every policy concerned.
  expect(run.status).toBe('succeeded');
  const summary = run.summary.types.deviceConfiguration;
  expect(summary.outcome).toBe('ok');
  const stored = await withEncryptedSettings(tenant.id);
  expect(stored.ids.length).toBeGreaterThan(1); // the planted one and generated ones
  expect(summary.warnings).toEqual([
    {
      code: 'encrypted_values_not_readable',
      message: expect.stringContaining(READ_WRITE),
      requiredPermission: READ_WRITE,
      count: stored.ids.length,
      policies: expect.arrayContaining([{ graphId: id, displayName: `Custom profile ${id.slice(0, 8)}` }]),
    },
  ]);
  expect(summary.warnings[0].policies.map((p: { graphId: string }) => p.graphId).sort()).toEqual(stored.ids);
  expect(run.summary.types.compliance.warnings).toBeUndefined();
  const logged = stack.logLines.slice(firstLine).find((line) => line.includes('items lacking data'));
  expect(JSON.parse(logged ?? '{}')).toMatchObject({
    policyType: 'deviceConfiguration',
    requiredPermission: READ_WRITE,
  });

  // The item is in the set as Graph gave it: the placeholder, never the value.
  const [secret] = await storedSettings(tenant.id, id);
  expect(secret).toMatchObject({
    isEncrypted: true,
    value: '****',
    secretReferenceValueId: expect.any(String),
  });
  expect(stored.text).not.toContain(plain);
  expect(await stack.db.encryptedSettingValue.count({ where: { tenantId: tenant.id } })).toBe(0);
  // One 403 for the whole type, not one per setting.
  expect((await admin.stats(emulated.azureTenantId)).byStatus['403']).toBe(1);
});

test('with the write permission the payload holds fingerprints, the values are stored encrypted, and only a changed value is a change', async () => {
  // A fixed tenant, so its generated profiles surely include encrypted values of their own.
  const { emulated, tenant } = await admin.createTenant(400, '5d0c9a7e-2b41-4f3e-9c8d-7a6b5e4f3d21');
  await admin.setGrants(emulated.azureTenantId, [READ_WRITE]);
  const id = randomUUID();
  const first = `plain-first-${randomUUID()}`;
  const second = `plain-second-${randomUUID()}`;
  await admin.plantPolicy(
    emulated.azureTenantId,
    customProfile(id, { './Device/First': first, './Device/Second': second }),
  );
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });
  const run = await runToCompletion(stack, tenant.id, schedule.id);

  expect(run.status).toBe('succeeded');
  expect(run.summary.types.deviceConfiguration.outcome).toBe('ok');
  expect(run.summary.types.deviceConfiguration.warnings).toBeUndefined();
  const settings = await storedSettings(tenant.id, id);
  expect(settings.map((s) => s.isEncrypted)).toEqual([true, true, false]);
  expect(settings[0]?.value).toMatch(FINGERPRINT);
  expect(settings[1]?.value).toMatch(FINGERPRINT);
  expect(settings[0]?.value).not.toBe(settings[1]?.value);
  for (const [index, plain] of [first, second].entries()) {
    const row = await findSettingValue(stack.db, tenant.id, String(settings[index]?.value));
    expect(row?.ciphertext).not.toContain(plain);
    expect(stack.secrets.settingValues.open(row!)).toBe(plain);
  }
  // Every encrypted value of the tenant (generated ones too) was read; none is stored in clear.
  const stored = await withEncryptedSettings(tenant.id);
  expect(stored.ids.length).toBeGreaterThan(1);
  expect(stored.text).not.toContain('"****"');
  expect(stored.text).not.toContain(first);
  expect(stored.text).not.toContain('generated-secret-');

  const unchanged = await runToCompletion(stack, tenant.id, schedule.id);
  expect(unchanged.summary.types.deviceConfiguration).toMatchObject({ outcome: 'ok', modified: 0 });
  expect(unchanged.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });

  // Only the value changes (same reference, same everything else): the policy is modified.
  await admin.setEncryptedValue(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    policyId: id,
    omaUri: './Device/First',
    value: `plain-changed-${randomUUID()}`,
  });
  const changed = await runToCompletion(stack, tenant.id, schedule.id);
  expect(changed.summary.types.deviceConfiguration).toMatchObject({ outcome: 'ok', modified: 1 });
  const changes = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${changed.backupSetId}/changes`);
  expect(changes.body.items).toEqual([expect.objectContaining({ graphId: id, change: 'modified' })]);
  const after = await storedSettings(tenant.id, id);
  expect(after[0]?.value).toMatch(FINGERPRINT);
  expect(after[0]?.value).not.toBe(settings[0]?.value);
  expect(after[0]?.secretReferenceValueId).toBe(settings[0]?.secretReferenceValueId);
  expect(after[1]).toEqual(settings[1]);
});
