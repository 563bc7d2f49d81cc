// The walking skeleton end to end: API -> Postgres -> Temporal Schedule -> BackupRun ->
// Graph emulator (MSAL + HTTPS) -> policies, backup set, audit, retention -> API.
import { spawnSync } from 'node:child_process';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { DEMO_TENANT } from '../../src/emulator';
import { testEnv } from '../support/env';
import { recordHistoryIfAsked, WORKFLOW_HISTORY_VERSION } from '../support/histories';
import { runToCompletion, scheduleBody } from '../support/runs';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const TYPES = ['deviceConfiguration', 'settingsCatalog', 'compliance'] as const;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const schedulesPath = () => `/v1/tenants/${stack.tenant.id}/backup-schedules`;

test('every /v1 route requires a bearer token', async () => {
  for (const token of [null, 'not-a-token', 'tv_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    const response = await stack.api('/v1/tenants', { token });
    expect(response.status).toBe(401);
    expect(response.contentType).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' });
  }
  expect((await stack.api('/healthz', { token: null })).status).toBe(200);
});

test('GET /v1/tenants lists the tenant', async () => {
  const response = await stack.api('/v1/tenants?limit=200');
  expect(response.status).toBe(200);
  const mine = response.body.items.find((t: { id: string }) => t.id === stack.tenant.id);
  expect(mine).toMatchObject({ slug: stack.tenant.slug, hasClientSecret: true });
  expect(JSON.stringify(response.body)).not.toContain(DEMO_TENANT.clientSecret);
});

test('creating a schedule writes the row and the Temporal Schedule', async () => {
  const body = scheduleBody();
  const [hour, minute] = body.timeOfDay.split(':').map(Number);
  const response = await stack.api(schedulesPath(), { method: 'POST', body });
  expect(response.status).toBe(201);
  const schedule = response.body;
  expect(schedule.temporal).toMatchObject({
    scheduleId: `backup-schedule-${schedule.id}`,
    syncState: 'synced',
  });
  expect(schedule.temporal.nextRunTimes.length).toBeGreaterThan(0);

  const described = await stack.temporal.schedule.getHandle(schedule.temporal.scheduleId).describe();
  expect(described.spec.timezone).toBe('Europe/Berlin');
  expect(described.spec.calendars?.[0]).toMatchObject({
    hour: [{ start: hour, end: hour, step: 1 }],
    minute: [{ start: minute, end: minute, step: 1 }],
    dayOfWeek: [
      { start: 'MONDAY', end: 'MONDAY', step: 1 },
      { start: 'THURSDAY', end: 'THURSDAY', step: 1 },
    ],
  });
  expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(described.policies.catchupWindow).toBe(10_000);
  expect(described.state.paused).toBe(false);
  expect(described.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'BackupRun',
    taskQueue: 'backups',
    workflowId: `backup-run-${schedule.id}`,
  });
  if (described.action.type !== 'startWorkflow') throw new Error('unexpected action');
  const attributes = described.action.typedSearchAttributes;
  const pairs = Array.isArray(attributes) ? attributes : attributes?.getAll();
  expect(pairs).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ key: expect.objectContaining({ name: 'TenantId' }), value: stack.tenant.id }),
      expect.objectContaining({
        key: expect.objectContaining({ name: 'BackupScheduleId' }),
        value: schedule.id,
      }),
    ]),
  );
  // Ids only in workflow input: no credentials in Temporal.
  expect(JSON.stringify(described.action.args)).not.toContain(DEMO_TENANT.clientSecret);
});

test('a disabled schedule is created paused', async () => {
  const response = await stack.api(schedulesPath(), {
    method: 'POST',
    body: scheduleBody({ enabled: false }),
  });
  expect(response.status).toBe(201);
  const described = await stack.temporal.schedule.getHandle(response.body.temporal.scheduleId).describe();
  expect(described.state.paused).toBe(true);
});

test('run now: the workflow records the run, backs up every selected policy and applies retention', async () => {
  const created = await stack.api(schedulesPath(), {
    method: 'POST',
    body: scheduleBody({ retention: { keepLast: 1 } }),
  });
  const scheduleId = created.body.id;

  const first = await runToCompletion(stack, stack.tenant.id, scheduleId);
  expect(first).toMatchObject({ status: 'succeeded', trigger: 'manual', error: null });
  recordHistoryIfAsked(first.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-manual-succeeded`);
  expect(first.workflowId).toMatch(new RegExp(`^backup-run-${scheduleId}-`));
  const expectedItems = stack.emulator.policyCount(stack.tenant.azureTenantId, TYPES);
  expect(expectedItems).toBeGreaterThan(0);
  for (const type of TYPES) expect(first.summary.types[type]).toMatchObject({ outcome: 'ok' });
  expect(first.summary.totals).toMatchObject({ fetched: expectedItems, itemCount: expectedItems });

  const set = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-sets/${first.backupSetId}`);
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ itemCount: expectedItems, runId: first.id, scheduleId });
  expect(set.body.stats.totalBytes).toBeGreaterThan(0);

  const policies = await stack.db.policy.count({ where: { tenantId: stack.tenant.id, deletedAt: null } });
  expect(policies).toBe(expectedItems);

  // An unchanged tenant: new items, no new payload bytes; keepLast 1 deletes the first set.
  const second = await runToCompletion(stack, stack.tenant.id, scheduleId);
  expect(second.status).toBe('succeeded');
  const secondSet = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-sets/${second.backupSetId}`);
  expect(secondSet.body.stats).toMatchObject({ itemCount: expectedItems, newPayloadBytes: 0 });
  expect(second.summary.retention.deletedBackupSetIds).toEqual([first.backupSetId]);
  expect((await stack.api(`/v1/tenants/${stack.tenant.id}/backup-sets/${first.backupSetId}`)).status).toBe(
    404,
  );

  const actions = (
    await stack.db.auditLog.findMany({
      where: { tenantId: stack.tenant.id, resourceId: { in: [first.id, second.id, scheduleId] } },
    })
  ).map((a) => a.action);
  expect(actions).toEqual(
    expect.arrayContaining(['backup_run.started', 'backup_run.succeeded', 'retention.deleted_backup_sets']),
  );
});

test('a run triggered with the temporal CLI produces a run row', async () => {
  const env = testEnv();
  const created = await stack.api(schedulesPath(), { method: 'POST', body: scheduleBody() });
  const scheduleId = created.body.id;
  const trigger = spawnSync(
    env.temporalCli,
    [
      'schedule',
      'trigger',
      '--schedule-id',
      `backup-schedule-${scheduleId}`,
      '--address',
      env.temporalAddress,
    ],
    { encoding: 'utf8' },
  );
  expect(trigger.stderr).toBe('');
  expect(trigger.status).toBe(0);

  const run = await eventually(
    async () => {
      const row = await stack.db.backupScheduleRun.findFirst({ where: { scheduleId } });
      return row && ['succeeded', 'partial', 'failed'].includes(row.status) ? row : undefined;
    },
    { what: 'the CLI-triggered run to finish' },
  );
  expect(run).toMatchObject({ status: 'succeeded', trigger: 'operator', requestedBy: 'operator' });
  recordHistoryIfAsked(run.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-operator-trigger-succeeded`);
  expect(run.workflowId).toMatch(new RegExp(`^backup-run-${scheduleId}-`));

  // Visibility is eventually consistent: poll the operator's query until it lists the run.
  const query = `TenantId="${stack.tenant.id}" AND BackupScheduleId="${scheduleId}"`;
  const listed = await eventually(
    async () => {
      const result = spawnSync(
        env.temporalCli,
        ['workflow', 'list', '--query', query, '--address', env.temporalAddress, '--output', 'json'],
        { encoding: 'utf8' },
      );
      return result.status === 0 && result.stdout.includes(run.workflowId) ? result.stdout : undefined;
    },
    { what: 'temporal workflow list to show the run', timeoutMs: 20_000 },
  );
  expect(listed).toContain(run.workflowId);
});

test('the database rejects rewriting a backup set', async () => {
  const set = await stack.db.backupSet.findFirst({ where: { tenantId: stack.tenant.id } });
  expect(set).not.toBeNull();
  await expect(stack.db.backupSet.update({ where: { id: set!.id }, data: { itemCount: 0 } })).rejects.toThrow(
    /immutable/,
  );
});
