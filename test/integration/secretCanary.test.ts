// The canary: a unique client secret set through the API runs a successful backup; a second one,
// which the emulator refuses, runs a failing-auth backup. The successful one also backs up a
// custom profile whose encrypted OMA-URI value is a third canary, which the tenant's app may read
// (DeviceManagementConfiguration.ReadWrite.All). Afterwards none appears in any log output (the
// API's, at trace level, and everything the production worker process wrote to stdout and
// stderr, Temporal SDK lines included), in any text or JSON column of any table (payloads and
// audit metadata included), in the two runs' Temporal histories (payloads decoded), or in the
// API's answers about the runs and the set. Each search also finds something that must be there,
// so an empty result means the secret is absent, not that the search saw nothing.
import { randomUUID } from 'node:crypto';
import { type Db, sqlPoolOf } from '../../src/db/client';
import { findSettingValue } from '../../src/db/settingValues';
import { BACKUP_TASK_QUEUE, restorePlanWorkflowId, restoreRunWorkflowId } from '../../src/shared/constants';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { historyText } from '../support/histories';
import { backedUpSet } from '../support/restoreFixtures';
import { appliedRound, createRestore, runPlan } from '../support/restoreRounds';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

let stack: TestStack;
let admin: EmulatorAdmin;
let worker: WorkerProcess;
// No worker in the test process: the production worker runs the backups, with its own logging.
useStackWithEmulator({ captureLogs: true, withoutWorker: true }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});
beforeAll(async () => {
  worker = await startWorkerProcess({
    taskQueue: BACKUP_TASK_QUEUE,
    emulator: stack.emulator,
    logLevel: 'trace',
  });
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
});

/** `table.column` of every column in the public schema holding text or JSON. */
async function textColumns(db: Db): Promise<string[]> {
  const { rows } = await sqlPoolOf(db).query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
             OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
      ORDER BY 1, 2`,
  );
  return rows.map((row) => `${row.table_name}.${row.column_name}`);
}

/** The columns (of `columns`) where some row contains `needle`, case-insensitively. */
async function columnsContaining(db: Db, columns: string[], needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const column of columns) {
    const [table, name] = column.split('.');
    const { rows } = await sqlPoolOf(db).query<{ hit: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM "${table}" WHERE "${name}"::text ILIKE '%' || $1 || '%') AS hit`,
      [needle],
    );
    if (rows[0]?.hit) hits.push(column);
  }
  return hits;
}

test('a tenant secret appears in no log line, no text or JSON column and no Temporal history', async () => {
  const firstLine = stack.logLines.length;
  const accepted = `canary-accepted-${randomUUID()}`;
  const refused = `canary-refused-${randomUUID()}`;
  const omaValue = `canary-oma-value-${randomUUID()}`;
  const { emulated, tenant } = await admin.createTenantThroughApi(50, accepted);
  const profileId = randomUUID();
  await admin.setGrants(emulated.azureTenantId, ['DeviceManagementConfiguration.ReadWrite.All']);
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    object: {
      '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
      id: profileId,
      displayName: 'Custom profile with an encrypted value',
      omaSettings: [
        {
          '@odata.type': '#microsoft.graph.omaSettingString',
          displayName: 'Secret',
          omaUri: './Device/Vendor/MSFT/Secret',
          isEncrypted: true,
          secretReferenceValueId: null,
          value: omaValue,
        },
      ],
    },
  });
  // Android Enterprise enrollment secrets: volatile, so never stored anywhere.
  const enrollmentToken = `canary-enrollment-token-${randomUUID()}`;
  const wifiPassword = `canary-wifi-password-${randomUUID()}`;
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'androidEnrollmentProfiles',
    object: {
      '@odata.type': '#microsoft.graph.androidDeviceOwnerEnrollmentProfile',
      id: randomUUID(),
      displayName: 'Kiosk enrollment',
      enrollmentMode: 'corporateOwnedDedicatedDevice',
      tokenValue: enrollmentToken,
      qrCodeContent: JSON.stringify({ token: enrollmentToken }),
      qrCodeImage: { type: 'image/png', value: Buffer.from(enrollmentToken).toString('base64') },
      wifiSsid: 'Setup',
      wifiPassword,
    },
  });
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['compliance', 'settingsCatalog', 'deviceConfiguration', 'androidEnrollmentProfiles'],
  });
  const succeeded = await runToCompletion(stack, tenant.id, schedule.id);
  expect(succeeded.status).toBe('succeeded');
  expect(succeeded.summary.types.androidEnrollmentProfiles?.fetched).toBeGreaterThan(0);
  expect(succeeded.summary.types.deviceConfiguration.warnings).toBeUndefined();

  const patched = await stack.api(`/v1/tenants/${tenant.id}`, {
    method: 'PATCH',
    body: { clientSecret: refused },
  });
  expect(patched.status).toBe(200);
  const failed = await runToCompletion(stack, tenant.id, schedule.id);
  expect(failed).toMatchObject({ status: 'failed', error: { code: 'graph_auth_failed' } });

  const logs = [...stack.logLines.slice(firstLine), ...worker.output.join('').split('\n')];
  const columns = await textColumns(stack.db);
  const histories = [
    await historyText(stack.temporal, succeeded.workflowId),
    await historyText(stack.temporal, failed.workflowId),
  ];
  const sets = `/v1/tenants/${tenant.id}/backup-sets/${succeeded.backupSetId}`;
  const answers = [
    await stack.api(`/v1/tenants/${tenant.id}/runs`),
    await stack.api(`/v1/tenants/${tenant.id}/runs/${succeeded.id}`),
    await stack.api(`${sets}/items?includePayload=true&limit=200`),
    await stack.api(`${sets}/changes`),
    await stack.api(`/v1/tenants/${tenant.id}/audit-logs`),
  ].map((answer) => {
    expect(answer.status).toBe(200);
    return JSON.stringify(answer.body);
  });

  const base64Token = Buffer.from(enrollmentToken).toString('base64');
  for (const canary of [
    accepted,
    refused,
    omaValue,
    enrollmentToken,
    base64Token.toLowerCase(),
    wifiPassword,
  ]) {
    expect(logs.filter((line) => line.toLowerCase().includes(canary))).toEqual([]);
    expect(await columnsContaining(stack.db, columns, canary)).toEqual([]);
    expect(histories.filter((history) => history.toLowerCase().includes(canary))).toEqual([]);
    expect(answers.filter((answer) => answer.toLowerCase().includes(canary))).toEqual([]);
  }

  // The OMA value was read and kept: encrypted beside the payload, which holds its fingerprint.
  const items = JSON.parse(answers[2] ?? '{}').items as { graphId: string; payload: unknown }[];
  const profile = items.find((item) => item.graphId === profileId)?.payload as {
    omaSettings: { value: string }[];
  };
  const fingerprint = profile.omaSettings[0]?.value ?? '';
  expect(fingerprint).toMatch(/^tenantvault-secret:v1:/);
  const stored = await findSettingValue(stack.db, tenant.id, fingerprint);
  expect(stack.secrets.settingValues.open(stored!)).toBe(omaValue);
  expect(await columnsContaining(stack.db, columns, fingerprint)).toEqual(
    expect.arrayContaining(['backup_payloads.content', 'encrypted_setting_values.fingerprint']),
  );

  // The searches see what they should: the tenant and its runs are in each of them.
  expect(columns).toEqual(
    expect.arrayContaining(['tenants.client_secret_ciphertext', 'audit_logs.metadata']),
  );
  expect(stack.logLines.slice(firstLine).filter((line) => line.includes(tenant.id)).length).toBeGreaterThan(
    0,
  );
  const workerOutput = worker.output.join('');
  expect(workerOutput).toContain(tenant.id);
  expect(workerOutput).toContain('Graph authentication failed');
  expect(await columnsContaining(stack.db, columns, tenant.slug)).toContain('tenants.slug');
  expect(await columnsContaining(stack.db, columns, failed.workflowId)).toContain(
    'backup_schedule_runs.workflow_id',
  );
  // Only decoded payloads hold the tenant id (workflow input, search attributes).
  for (const history of histories) expect(history).toContain(tenant.id);
  expect(histories[1]).toContain('graph_auth_failed');
});

test("a webhook's whsec_ secret and a Teams URL's sig appear in no answer but the one-time ones, no log line, no column, no audit row", async () => {
  const firstLine = stack.logLines.length;
  const channels = `/v1/tenants/${stack.tenant.id}/notification-channels`;
  // Public addresses (no DNS needed), disabled: nothing is ever sent to them.
  const webhook = await stack.api(channels, {
    method: 'POST',
    body: { name: 'Canary webhook', kind: 'webhook', url: 'https://8.8.8.8/hooks/canary', enabled: false },
  });
  expect(webhook.status).toBe(201);
  const rotated = await stack.api(`${channels}/${webhook.body.id}/rotate-secret`, {
    method: 'POST',
    body: { overlapHours: 1 },
  });
  expect(rotated.status).toBe(200);
  const sig = `canary-teams-sig-${randomUUID()}`;
  const teamsUrl = `https://8.8.4.4/workflows/canary/triggers/manual/paths/invoke?api-version=1&sig=${sig}`;
  const teams = await stack.api(channels, {
    method: 'POST',
    body: { name: 'Canary Teams', kind: 'teams', url: teamsUrl, enabled: false },
  });
  expect(teams.status).toBe(201);
  const secrets = [webhook.body.signingSecret as string, rotated.body.signingSecret as string];
  for (const secret of secrets) expect(secret).toMatch(/^whsec_/);

  const answers = [
    teams,
    await stack.api(`${channels}/${webhook.body.id}`, { method: 'PATCH', body: { name: 'Renamed canary' } }),
    await stack.api(`${channels}/${webhook.body.id}`),
    await stack.api(`${channels}/${teams.body.id}`),
    await stack.api(channels),
    await stack.api(`/v1/tenants/${stack.tenant.id}/audit-logs?limit=200`),
  ].map((answer) => {
    expect(answer.status).toBeLessThan(300);
    return JSON.stringify(answer.body);
  });
  const logs = stack.logLines.slice(firstLine);
  const columns = await textColumns(stack.db);
  const audit = JSON.stringify(await stack.db.auditLog.findMany({ where: { tenantId: stack.tenant.id } }));
  // The secret without its prefix too: its base64 alone is what a leak would most likely show.
  for (const canary of [...secrets, ...secrets.map((secret) => secret.slice('whsec_'.length)), sig]) {
    expect(answers.filter((answer) => answer.includes(canary))).toEqual([]);
    expect(logs.filter((line) => line.includes(canary))).toEqual([]);
    expect(audit.includes(canary)).toBe(false);
    expect(await columnsContaining(stack.db, columns, canary)).toEqual([]);
  }
  // The searches see what they should: the channels, their writes and the requests.
  expect(answers[3]).toContain('https://8.8.4.4/workflows/canary/triggers/manual/paths/invoke');
  expect(audit).toContain('notification_channel.secret_rotated');
  expect(logs.some((line) => line.includes('/notification-channels'))).toBe(true);
  expect(await columnsContaining(stack.db, columns, 'Renamed canary')).toContain(
    'notification_channels.name',
  );
});

test('offsite credentials (an Azure account key and SAS, an S3 secret key) appear in no answer, log line, column or audit row', async () => {
  const firstLine = stack.logLines.length;
  const path = `/v1/tenants/${stack.tenant.id}/offsite-destination`;
  const accountKey = Buffer.from(`canary-offsite-account-key-${randomUUID()}`).toString('base64');
  const sas = `canary-offsite-sas-${randomUUID()}`;
  const s3Secret = `canary-offsite-s3-secret-${randomUUID()}`;
  // Public addresses (no DNS needed): nothing is ever sent to them, a PUT only checks them.
  const bodies = [
    {
      kind: 'azure_blob',
      container: 'canary',
      connectionString: `DefaultEndpointsProtocol=https;AccountName=canary;AccountKey=${accountKey};BlobEndpoint=https://8.8.8.8/canary;`,
    },
    {
      kind: 'azure_blob',
      container: 'canary',
      accountUrl: 'https://8.8.8.8/canary',
      sasToken: `sv=1&sig=${sas}`,
    },
    {
      kind: 's3',
      bucket: 'canary',
      region: 'eu-west-1',
      endpoint: 'https://8.8.4.4',
      accessKeyId: 'AKIDCANARY',
      secretAccessKey: s3Secret,
    },
  ];
  const answers: string[] = [];
  for (const body of bodies) {
    const saved = await stack.api(path, { method: 'PUT', body });
    expect(saved.status).toBe(200);
    answers.push(JSON.stringify(saved.body), JSON.stringify((await stack.api(path)).body));
  }
  answers.push(JSON.stringify((await stack.api(`/v1/tenants/${stack.tenant.id}/audit-logs?limit=200`)).body));
  const logs = stack.logLines.slice(firstLine);
  const columns = await textColumns(stack.db);
  const audit = JSON.stringify(await stack.db.auditLog.findMany({ where: { tenantId: stack.tenant.id } }));
  for (const canary of [accountKey, sas, s3Secret]) {
    expect(answers.filter((answer) => answer.includes(canary))).toEqual([]);
    expect(logs.filter((line) => line.includes(canary))).toEqual([]);
    expect(audit.includes(canary)).toBe(false);
    expect(await columnsContaining(stack.db, columns, canary)).toEqual([]);
  }
  // The searches see what they should: the destination's settings, its writes, the requests.
  expect(answers[5]).toContain('https://8.8.4.4');
  expect(audit).toContain('offsite_destination.replaced');
  expect(logs.some((line) => line.includes('/offsite-destination'))).toBe(true);
  expect(await columnsContaining(stack.db, columns, 'https://8.8.4.4')).toContain(
    'offsite_destinations.settings',
  );
  await stack.api(path, { method: 'DELETE' });
});

test('restore: an OMA-URI secret written back by a plan and its apply (in place and as a copy) appears in no log line, no column, no Temporal history and no restore answer', async () => {
  const firstLine = stack.logLines.length;
  const backedUp = `canary-restore-backed-up-${randomUUID()}`;
  const liveNow = `canary-restore-live-${randomUUID()}`;
  const { emulated, tenant } = await admin.createTenant(50);
  await admin.setGrants(emulated.azureTenantId, ['DeviceManagementConfiguration.ReadWrite.All']);
  const profileId = randomUUID();
  const omaUri = './Device/Vendor/MSFT/RestoreSecret';
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    object: {
      '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
      id: profileId,
      displayName: 'Restore canary profile',
      omaSettings: [
        {
          '@odata.type': '#microsoft.graph.omaSettingString',
          displayName: 'Secret',
          omaUri,
          isEncrypted: true,
          secretReferenceValueId: null,
          value: backedUp,
        },
      ],
    },
  });
  const backupSetId = await backedUpSet(stack, tenant.id, ['deviceConfiguration']);
  // Someone changes the secret: the in-place restore writes the backed-up one back.
  await admin.setEncryptedValue(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    policyId: profileId,
    omaUri,
    value: liveNow,
  });

  const workflowIds: string[] = [];
  const restoreIds: string[] = [];
  for (const mode of ['in_place', 'as_copy'] as const) {
    const restore = await createRestore(stack, {
      tenantId: tenant.id,
      backupSetId,
      mode,
      items: [{ policyType: 'deviceConfiguration', graphId: profileId }],
      requestedBy: 'user:secret-canary',
    });
    await runPlan(stack, restore.id);
    await appliedRound(stack, restore.id, 'user:secret-canary');
    workflowIds.push(restorePlanWorkflowId(restore.id), restoreRunWorkflowId(restore.id, 1));
    restoreIds.push(restore.id);
  }
  const items = await stack.db.restoreItem.findMany({ where: { restoreId: { in: restoreIds } } });
  // The secret went through the restore: an update in place and a create of the copy were written.
  expect(items.map((item) => [item.action, item.outcome]).sort()).toEqual([
    ['create', 'created'],
    ['update', 'updated'],
  ]);

  const logs = [...stack.logLines.slice(firstLine), ...worker.output.join('').split('\n')];
  const columns = await textColumns(stack.db);
  const histories = await Promise.all(workflowIds.map((id) => historyText(stack.temporal, id)));
  const answers: string[] = [];
  for (const restoreId of restoreIds)
    for (const path of [`/restores/${restoreId}`, `/restores/${restoreId}/items`, '/audit-logs']) {
      const answer = await stack.api(`/v1/tenants/${tenant.id}${path}`);
      expect(answer.status).toBe(200);
      answers.push(JSON.stringify(answer.body));
    }
  for (const canary of [backedUp, liveNow]) {
    expect(logs.filter((line) => line.toLowerCase().includes(canary))).toEqual([]);
    expect(await columnsContaining(stack.db, columns, canary)).toEqual([]);
    expect(histories.filter((history) => history.toLowerCase().includes(canary))).toEqual([]);
    expect(answers.filter((answer) => answer.toLowerCase().includes(canary))).toEqual([]);
  }
  // The searches see what they should: the restores are in the histories, columns and answers.
  for (const [index, history] of histories.entries())
    expect(history).toContain(restoreIds[Math.floor(index / 2)]);
  expect(await columnsContaining(stack.db, columns, restoreIds[0]!)).toContain('audit_logs.resource_id');
  expect(answers[0]).toContain(restoreIds[0]);
}, 180_000);
