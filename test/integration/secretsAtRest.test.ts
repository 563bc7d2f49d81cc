// Tenant client secrets at rest: the API stores only ciphertext under the active key; the
// rotation (service and `npm run admin -- rotate-secret-key`) re-encrypts `plain` rows and rows
// of older keys, and backups work after it; a secret that does not decrypt fails the run with
// `secret_undecryptable`, naming no secret. The same rotation re-encrypts notification channel
// secrets (webhook signing secrets in both slots, Teams URLs) without overwriting a change made
// meanwhile.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadSecretKeyRing } from '../../src/config/env';
import type { Db } from '../../src/db/client';
import {
  type ChannelSecretCipher,
  generateKeyRing,
  generateKeyRingEnv,
  parseKeyRing,
  type StoredChannelSecret,
  TenantSecretCipher,
} from '../../src/secrets';
import { findSettingValue, storeSettingValues } from '../../src/db/settingValues';
import { rotateChannelSecrets } from '../../src/services/channelSecretRotation';
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

const signingSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** A platform-wide channel (subscribed to nothing) whose secrets `cipher` encrypts. */
async function insertChannel(
  cipher: ChannelSecretCipher,
  kind: 'webhook' | 'teams',
  secrets: { current: string; previous?: string; previousCipher?: ChannelSecretCipher },
) {
  const id = randomUUID();
  const current = cipher.encrypt(id, secrets.current);
  const previous =
    secrets.previous === undefined
      ? undefined
      : (secrets.previousCipher ?? cipher).encrypt(id, secrets.previous, 'previous');
  return stack.db.notificationChannel.create({
    data: {
      id,
      tenantId: null,
      name: `rotation ${kind}`,
      kind,
      url: 'https://hooks.example.test/rotation',
      secretCiphertext: current.ciphertext,
      secretKeyId: current.keyId,
      previousSecretCiphertext: previous?.ciphertext ?? null,
      previousSecretKeyId: previous?.keyId ?? null,
      createdBy: 'user:rotation-test',
    },
  });
}

const channelRow = (id: string) => stack.db.notificationChannel.findUniqueOrThrow({ where: { id } });

/** The channel's secrets as the worker decrypts them (with this run's keys only). */
async function openedChannel(id: string) {
  const row = await channelRow(id);
  const cipher = stack.secrets.channels;
  return {
    keyIds: [row.secretKeyId, row.previousSecretKeyId],
    current: cipher.decrypt(id, { ciphertext: row.secretCiphertext!, keyId: row.secretKeyId! }),
    previous:
      row.previousSecretCiphertext === null
        ? null
        : cipher.decrypt(
            id,
            { ciphertext: row.previousSecretCiphertext, keyId: row.previousSecretKeyId! },
            'previous',
          ),
  };
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
  // An offboarded tenant's erased secret: nothing to re-encrypt, and no key left behind.
  await insertTenant(await admin.createEmulatedTenant(50), () => ({
    clientSecret: '',
    secretKeyId: 'erased',
  }));

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

test('rotation re-encrypts channel secrets in both slots under the active key, once', async () => {
  const rings = ringsWithOldKey();
  const secrets = { current: signingSecret(), previous: signingSecret() };
  const webhook = await insertChannel(rings.before.channels, 'webhook', secrets);
  const teamsUrl = `https://example.webhook.office.com/workflows/x?sig=${randomUUID()}`;
  const teams = await insertChannel(rings.before.channels, 'teams', { current: teamsUrl });
  // Rotated through the API after the new key became active: only the previous slot is old.
  const mixed = await insertChannel(stack.secrets.channels, 'webhook', {
    ...secrets,
    previousCipher: rings.before.channels,
  });
  expect(webhook.secretKeyId).toBe(rings.oldKeyId);

  const report = await rotateChannelSecrets(stack.db, rings.rotating.channels, { batchSize: 2 });
  expect(report.before[rings.oldKeyId]).toBe(4);
  expect(report.reencrypted[rings.oldKeyId]).toBe(4);
  expect(report).toMatchObject({ changedMeanwhile: 0, undecryptable: [] });
  expect(Object.keys(report.after)).toEqual([activeKeyId()]);
  const active = activeKeyId();
  expect(await openedChannel(webhook.id)).toEqual({ keyIds: [active, active], ...secrets });
  expect(await openedChannel(teams.id)).toEqual({
    keyIds: [active, null],
    current: teamsUrl,
    previous: null,
  });
  expect(await openedChannel(mixed.id)).toEqual({ keyIds: [active, active], ...secrets });
  const rotatedMixed = await channelRow(mixed.id);
  expect(rotatedMixed.secretCiphertext).toBe(mixed.secretCiphertext);
  expect(rotatedMixed.updatedAt).toEqual(mixed.updatedAt);

  const audit = await stack.db.auditLog.findMany({
    where: {
      action: 'notification_channel.secret_reencrypted',
      resourceId: { in: [webhook.id, teams.id, mixed.id] },
    },
  });
  expect(audit.map((row) => [row.resourceId, row.actor, row.metadata])).toEqual(
    expect.arrayContaining([
      [
        webhook.id,
        'operator',
        { fromKeyId: rings.oldKeyId, previousFromKeyId: rings.oldKeyId, toKeyId: active },
      ],
      [teams.id, 'operator', { fromKeyId: rings.oldKeyId, previousFromKeyId: null, toKeyId: active }],
      [mixed.id, 'operator', { fromKeyId: active, previousFromKeyId: rings.oldKeyId, toKeyId: active }],
    ]),
  );
  expect(audit).toHaveLength(3);

  const stored = await Promise.all([webhook, teams, mixed].map((channel) => channelRow(channel.id)));
  const again = await rotateChannelSecrets(stack.db, rings.rotating.channels);
  expect(again).toMatchObject({ reencrypted: {}, changedMeanwhile: 0, undecryptable: [] });
  expect(await Promise.all([webhook, teams, mixed].map((channel) => channelRow(channel.id)))).toEqual(stored);
});

test('rotation leaves a channel whose secret changed after it was read as the API wrote it', async () => {
  const rings = ringsWithOldKey();
  const channel = await insertChannel(rings.before.channels, 'webhook', { current: signingSecret() });
  const rotatedMeanwhile = signingSecret();
  // The pass reads its page, then a user rotates the secret through an API process still on the
  // old key (the same key id: only the ciphertext tells the change) before the pass writes.
  let changed: StoredChannelSecret | undefined;
  const racing = withChannelPageHook(stack.db, async () => {
    changed ??= rings.before.channels.encrypt(channel.id, rotatedMeanwhile);
    await stack.db.notificationChannel.update({
      where: { id: channel.id },
      data: { secretCiphertext: changed.ciphertext, secretKeyId: changed.keyId },
    });
  });
  const report = await rotateChannelSecrets(racing, rings.rotating.channels);
  expect(report.changedMeanwhile).toBe(1);
  expect(report.reencrypted[rings.oldKeyId]).toBeUndefined();
  expect(await channelRow(channel.id)).toMatchObject({
    secretCiphertext: changed!.ciphertext,
    secretKeyId: rings.oldKeyId,
  });
  const audited = () =>
    stack.db.auditLog.count({
      where: { action: 'notification_channel.secret_reencrypted', resourceId: channel.id },
    });
  expect(await audited()).toBe(0);

  // The next run re-encrypts what the API wrote.
  const next = await rotateChannelSecrets(stack.db, rings.rotating.channels);
  expect(next.reencrypted[rings.oldKeyId]).toBe(1);
  expect(await openedChannel(channel.id)).toMatchObject({
    keyIds: [activeKeyId(), null],
    current: rotatedMeanwhile,
  });
  expect(await audited()).toBe(1);
});

/** `db`, but `hook` runs after each page of channels is read and before it is returned. */
function withChannelPageHook(db: Db, hook: () => Promise<void>): Db {
  const channels = new Proxy(db.notificationChannel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property !== 'findMany' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const rows: unknown = await value.apply(target, args);
        await hook();
        return rows;
      };
    },
  });
  return new Proxy(db, {
    get: (target, property) =>
      property === 'notificationChannel' ? channels : Reflect.get(target, property),
  });
}

test('rotation reports a secret no key decrypts, by tenant id only, and leaves it as it is', async () => {
  const rings = ringsWithOldKey();
  const lost = new TenantSecretCipher(generateKeyRing('lost'));
  const secret = `lost-${randomUUID()}`;
  const tenant = await insertTenant(await admin.createEmulatedTenant(50), (id) => lost.encrypt(id, secret));
  const channelSecret = signingSecret();
  const channel = await insertChannel(lost.channels, 'webhook', { current: channelSecret });
  try {
    const report = await rotateTenantSecrets(stack.db, rings.rotating);
    expect(report.undecryptable).toEqual([tenant.id]);
    expect(report.after.lost).toBe(1);
    expect(JSON.stringify(report)).not.toContain(secret);
    expect((await storedRow(tenant.id)).clientSecret).toBe(tenant.clientSecret);
    const channels = await rotateChannelSecrets(stack.db, rings.rotating.channels);
    expect(channels.undecryptable).toEqual([channel.id]);
    expect(channels.after.lost).toBe(1);
    expect(JSON.stringify(channels)).not.toContain(channelSecret);
    expect(await channelRow(channel.id)).toEqual(channel);
  } finally {
    await stack.db.notificationChannel.delete({ where: { id: channel.id } });
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
  const channelSecret = signingSecret();
  const channel = await insertChannel(rings.before.channels, 'webhook', {
    current: channelSecret,
    previous: signingSecret(),
  });
  const offsiteSecret = { sasToken: `sv=1&sig=${randomUUID()}` };
  const sealed = rings.before.offsite.encrypt(tenant.id, offsiteSecret);
  await stack.db.offsiteDestination.create({
    data: {
      tenantId: tenant.id,
      kind: 'azure_blob',
      settings: {
        container: 'rotation',
        prefix: '',
        blobEndpoint: 'https://a.blob.core.windows.net',
        auth: 'sas_token',
      },
      credentialsCiphertext: sealed.ciphertext,
      credentialsKeyId: sealed.keyId,
    },
  });
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/admin/main.ts'), 'rotate-secret-key'],
    { cwd: ROOT, env: { ...process.env, ...rings.env, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`re-encrypted:   ${rings.oldKeyId} 1`);
  expect(result.stdout).toContain(`after:          ${activeKeyId()} `);
  expect(result.stdout).toContain(`re-encrypted ${rings.oldKeyId} 2`);
  expect(result.stdout).toContain(`channel secrets after: ${activeKeyId()} `);
  expect(result.stdout).not.toContain(emulated.clientSecret);
  expect(result.stdout).not.toContain(channelSecret.slice('whsec_'.length));
  for (const entry of rings.env.SECRET_ENCRYPTION_KEYS.split(',')) {
    expect(result.stdout).not.toContain(entry.split(':')[1]);
  }
  expect((await storedRow(tenant.id)).secretKeyId).toBe(activeKeyId());
  expect((await openedChannel(channel.id)).current).toBe(channelSecret);
  // Offsite credentials too, once, audited, and never printed.
  expect(result.stdout).toContain(`offsite credentials after: ${activeKeyId()} `);
  expect(result.stdout).not.toContain(offsiteSecret.sasToken);
  const destination = await stack.db.offsiteDestination.findUniqueOrThrow({ where: { tenantId: tenant.id } });
  expect(destination.credentialsKeyId).toBe(activeKeyId());
  expect(
    stack.secrets.offsite.decrypt(tenant.id, {
      ciphertext: destination.credentialsCiphertext,
      keyId: destination.credentialsKeyId,
    }),
  ).toEqual(offsiteSecret);
  expect(
    await stack.db.auditLog.count({
      where: { action: 'offsite_destination.credentials_reencrypted', resourceId: tenant.id },
    }),
  ).toBe(1);
});
