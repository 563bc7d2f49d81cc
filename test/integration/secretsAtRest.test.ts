// Tenant client secrets at rest: the API stores only ciphertext under the active key; the
// rotation (service and `npm run admin -- rotate-secret-key`) re-encrypts `plain` rows and rows
// of older keys, and backups work after it; a secret that does not decrypt fails the run with
// `secret_undecryptable`, naming no secret.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadSecretKeyRing } from '../../src/config/env';
import { generateKeyRing, generateKeyRingEnv, parseKeyRing, TenantSecretCipher } from '../../src/secrets';
import { findSettingValue, storeSettingValues } from '../../src/db/settingValues';
import { rotateTenantSecrets } from '../../src/services/secretRotation';
import { rotateSettingValues } from '../../src/services/settingValueRotation';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const ROOT = join(__dirname, '..', '..');
const activeKeyId = () => loadSecretKeyRing().activeKeyId;

/** The keys of this run plus an older one, `old`: as an operator has them while rotating. */
function ringsWithOldKey() {
  const old = generateKeyRingEnv(`old-${randomUUID().slice(0, 8)}`);
  const keys = `${old.SECRET_ENCRYPTION_KEYS},${process.env.SECRET_ENCRYPTION_KEYS}`;
  return {
    oldKeyId: old.SECRET_ENCRYPTION_KEY_ID,
    env: { SECRET_ENCRYPTION_KEYS: keys, SECRET_ENCRYPTION_KEY_ID: activeKeyId() },
    /** Writes as the deployment did before the rotation (active: old). */
    before: new TenantSecretCipher(parseKeyRing(keys, old.SECRET_ENCRYPTION_KEY_ID)),
    /** Rotates to this run's key. */
    rotating: new TenantSecretCipher(parseKeyRing(keys, activeKeyId())),
  };
}

const storedRow = (tenantId: string) =>
  stack.db.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { clientSecret: true, secretKeyId: true, updatedAt: true },
  });

/** A tenant row pointing at an emulated tenant, its secret stored as `store` makes it. */
async function insertTenant(
  emulated: EmulatedTenant,
  store: (id: string, secret: string) => { clientSecret: string; secretKeyId?: string },
) {
  const id = randomUUID();
  return stack.db.tenant.create({
    data: {
      id,
      slug: `rot-${id.slice(0, 8)}`,
      displayName: 'Rotation',
      azureTenantId: emulated.azureTenantId,
      clientId: emulated.clientId,
      ...store(id, emulated.clientSecret),
      graphBaseUrl: stack.emulator.baseUrl,
      loginBaseUrl: stack.emulator.baseUrl,
    },
  });
}

async function backupStatus(tenantId: string) {
  const schedule = await createSchedule(stack, tenantId, { policyTypes: ['compliance'] });
  return runToCompletion(stack, tenantId, schedule.id);
}

test('create and PATCH through the API store ciphertext under the active key, never the secret', async () => {
  const { emulated, tenant } = await admin.createTenantThroughApi(50);
  const created = await storedRow(tenant.id);
  expect(created.secretKeyId).toBe(activeKeyId());
  expect(created.clientSecret).toMatch(/^v1:/);
  expect(created.clientSecret).not.toContain(emulated.clientSecret);
  expect((await stack.api(`/v1/tenants/${tenant.id}`)).body).toMatchObject({ hasClientSecret: true });

  const next = `next-${randomUUID()}`;
  const patched = await stack.api(`/v1/tenants/${tenant.id}`, {
    method: 'PATCH',
    body: { clientSecret: next },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).not.toHaveProperty('clientSecret');
  const updated = await storedRow(tenant.id);
  expect(updated.secretKeyId).toBe(activeKeyId());
  expect(updated.clientSecret).not.toContain(next);
  expect(updated.clientSecret).not.toEqual(created.clientSecret);
  expect(stack.secrets.decrypt({ id: tenant.id, ...updated })).toBe(next);
});

test('rotation re-encrypts plain rows and rows of an older key, once; backups work after it', async () => {
  const rings = ringsWithOldKey();
  const plain = await insertTenant(await admin.createEmulatedTenant(50), (_, secret) => ({
    clientSecret: secret,
  }));
  expect(plain.secretKeyId).toBe('plain');
  const old = await insertTenant(await admin.createEmulatedTenant(50), (id, secret) =>
    rings.before.encrypt(id, secret),
  );
  const { tenant: current } = await admin.createTenant(50);

  // The worker has only this run's key: the old key's row does not decrypt, and says so.
  const refused = await backupStatus(old.id);
  expect(refused).toMatchObject({ status: 'failed', error: { code: 'secret_undecryptable' } });
  expect(refused.error.message).toContain(`key "${rings.oldKeyId}"`);

  const report = await rotateTenantSecrets(stack.db, rings.rotating, { batchSize: 2 });
  expect(report.undecryptable).toEqual([]);
  expect(report.reencrypted).toMatchObject({ plain: expect.any(Number), [rings.oldKeyId]: 1 });
  expect(Object.keys(report.after)).toEqual([activeKeyId()]);
  for (const tenant of [plain, old]) {
    const row = await storedRow(tenant.id);
    expect(row.secretKeyId).toBe(activeKeyId());
    expect(row.updatedAt).toEqual(tenant.updatedAt);
  }
  expect((await storedRow(current.id)).clientSecret).toBe(current.clientSecret);

  const audit = await stack.db.auditLog.findMany({
    where: { action: 'tenant.secret_rotated', tenantId: { in: [plain.id, old.id] } },
    orderBy: { tenantId: 'asc' },
  });
  expect(audit.map((row) => [row.tenantId, row.metadata])).toEqual(
    expect.arrayContaining([
      [plain.id, { fromKeyId: 'plain', toKeyId: activeKeyId() }],
      [old.id, { fromKeyId: rings.oldKeyId, toKeyId: activeKeyId() }],
    ]),
  );
  expect(audit).toHaveLength(2);

  const again = await rotateTenantSecrets(stack.db, rings.rotating);
  expect(again.reencrypted).toEqual({});
  expect((await backupStatus(plain.id)).status).toBe('succeeded');
  expect((await backupStatus(old.id)).status).toBe('succeeded');
});

test('rotation re-encrypts stored setting values under the active key, keeping their fingerprints', async () => {
  const rings = ringsWithOldKey();
  const emulated = await admin.createEmulatedTenant(50);
  const tenant = await insertTenant(emulated, (id, secret) => stack.secrets.encrypt(id, secret));
  const value = `oma-${randomUUID()}`;
  const sealed = rings.before.settingValues.seal(tenant.id, value);
  await storeSettingValues(stack.db, [sealed]);
  // Storing again (a rerun) keeps what is stored.
  await storeSettingValues(stack.db, [rings.rotating.settingValues.seal(tenant.id, value)]);
  expect(await findSettingValue(stack.db, tenant.id, sealed.fingerprint)).toEqual(sealed);

  const report = await rotateSettingValues(stack.db, rings.rotating.settingValues, { batchSize: 1 });
  expect(report.before[rings.oldKeyId]).toBe(1);
  expect(report).toMatchObject({ reencrypted: 1, undecryptable: 0 });
  expect(Object.keys(report.after)).toEqual([activeKeyId()]);
  const rotated = await findSettingValue(stack.db, tenant.id, sealed.fingerprint);
  expect(rotated).toMatchObject({ keyId: activeKeyId(), fingerprint: sealed.fingerprint });
  expect(stack.secrets.settingValues.open(rotated!)).toBe(value);
  expect((await rotateSettingValues(stack.db, rings.rotating.settingValues)).reencrypted).toBe(0);
});

test('rotation reports a secret no key decrypts, by tenant id only, and leaves it as it is', async () => {
  const rings = ringsWithOldKey();
  const lost = new TenantSecretCipher(generateKeyRing('lost'));
  const secret = `lost-${randomUUID()}`;
  const tenant = await insertTenant(await admin.createEmulatedTenant(50), (id) => lost.encrypt(id, secret));
  try {
    const report = await rotateTenantSecrets(stack.db, rings.rotating);
    expect(report.undecryptable).toEqual([tenant.id]);
    expect(report.after.lost).toBe(1);
    expect(JSON.stringify(report)).not.toContain(secret);
    expect((await storedRow(tenant.id)).clientSecret).toBe(tenant.clientSecret);
  } finally {
    // Later rotations in this database must not trip over it.
    await stack.db.tenant.update({
      where: { id: tenant.id },
      data: stack.secrets.encrypt(tenant.id, secret),
    });
  }
});

test('`npm run admin -- rotate-secret-key` re-encrypts with the active key and prints counts only', async () => {
  const rings = ringsWithOldKey();
  const emulated = await admin.createEmulatedTenant(50);
  const tenant = await insertTenant(emulated, (id, secret) => rings.before.encrypt(id, secret));
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/admin/main.ts'), 'rotate-secret-key'],
    { cwd: ROOT, env: { ...process.env, ...rings.env, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`re-encrypted:   ${rings.oldKeyId} 1`);
  expect(result.stdout).toContain(`after:          ${activeKeyId()} `);
  expect(result.stdout).not.toContain(emulated.clientSecret);
  for (const entry of rings.env.SECRET_ENCRYPTION_KEYS.split(',')) {
    expect(result.stdout).not.toContain(entry.split(':')[1]);
  }
  expect((await storedRow(tenant.id)).secretKeyId).toBe(activeKeyId());
});
