// Health at a glance: a tenant's status from its runs (seeded as rows: no worker), the list of
// every readable tenant worst first, and schedule lists carrying Temporal's next run times.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporalScheduleId } from '../../src/shared/constants';
import { createSchedule } from '../support/runs';
import { eventually, type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const HOUR = 3600_000;

async function newTenant(name: string): Promise<string> {
  const created = await stack.api('/v1/tenants', {
    method: 'POST',
    body: {
      slug: `status-${name}-${randomUUID().slice(0, 8)}`,
      displayName: `Status ${name}`,
      azureTenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: `secret-${randomUUID()}`,
    },
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  return created.body.id;
}

/** A finished run of the schedule, `hoursAgo` old, and its backup set when it made one. */
async function seedRun(
  tenantId: string,
  scheduleId: string,
  status: 'succeeded' | 'partial' | 'failed',
  hoursAgo: number,
  extra: { summary?: object; errorCode?: string; errorMessage?: string } = {},
) {
  const at = new Date(Date.now() - hoursAgo * HOUR);
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId,
      scheduleId,
      workflowId: `status-${randomUUID()}`,
      trigger: 'manual',
      status,
      createdAt: at,
      finishedAt: at,
      ...extra,
    },
  });
  if (status === 'failed') return { run, set: null };
  const set = await stack.db.backupSet.create({
    data: {
      tenantId,
      scheduleId,
      runId: run.id,
      itemCount: 1,
      totalBytes: 1,
      newPayloadBytes: 1,
      createdAt: at,
    },
  });
  await stack.db.backupScheduleRun.update({ where: { id: run.id }, data: { backupSetId: set.id } });
  return { run, set };
}

const statusOf = async (tenantId: string) => (await stack.api(`/v1/tenants/${tenantId}/status`)).body;
const idsIn = (items: { tenant: { id: string } }[], ours: string[]) =>
  items.map((item) => item.tenant.id).filter((id) => ours.includes(id));

test('never run, healthy, degraded and failing tenants; /v1/status worst first, only readable tenants', async () => {
  const [neverRun, healthy, degraded, failing] = await Promise.all(
    ['never', 'healthy', 'degraded', 'failing'].map(newTenant),
  );
  const [neverSchedule, healthySchedule, degradedSchedule, failingSchedule] = await Promise.all(
    [neverRun, healthy, degraded, failing].map((tenantId) =>
      createSchedule(stack, tenantId as string, { name: 'nightly', frequency: 'daily', daysOfWeek: [] }),
    ),
  );

  expect(await statusOf(neverRun as string)).toMatchObject({
    state: 'never_run',
    reasons: [{ code: 'no_run_yet' }],
    newestCompleteBackup: null,
    schedules: [{ id: neverSchedule?.id, lastRun: null, nextRunTimesKnown: true }],
  });

  const { set: healthySet } = await seedRun(healthy as string, healthySchedule!.id, 'succeeded', 2);
  // The connection test's audit row (written by POST .../connection-test) is shown as stored.
  await stack.db.auditLog.create({
    data: {
      tenantId: healthy as string,
      actor: 'system',
      action: 'tenant.connection_tested',
      resourceType: 'tenant',
      resourceId: healthy as string,
      metadata: { ok: true },
    },
  });
  const healthyStatus = await statusOf(healthy as string);
  expect(healthyStatus).toMatchObject({
    state: 'healthy',
    reasons: [],
    newestCompleteBackup: { backupSetId: healthySet?.id },
    credentials: {
      secretUnderActiveKey: true,
      lastTokenFailure: null,
      lastConnectionTest: { result: { ok: true } },
    },
  });
  expect(Math.abs(healthyStatus.newestCompleteBackup.ageSeconds - 7200)).toBeLessThan(60);
  expect(healthyStatus.schedules[0].nextRunTimes).toHaveLength(5);

  const { set: olderSet } = await seedRun(degraded as string, degradedSchedule!.id, 'succeeded', 30);
  const summary = {
    types: {
      deviceConfiguration: { outcome: 'ok', fetched: 1, added: 1, modified: 0, removed: 0 },
      powershellScripts: {
        outcome: 'permission_missing',
        reason: 'Graph answered 403',
        requiredPermission: 'DeviceManagementScripts.Read.All',
        fetched: 0,
        added: 0,
        modified: 0,
        removed: 0,
      },
    },
    totals: { fetched: 1, added: 1, modified: 0, removed: 0, itemCount: 1 },
  };
  const { run: partial } = await seedRun(degraded as string, degradedSchedule!.id, 'partial', 1, { summary });
  expect(await statusOf(degraded as string)).toMatchObject({
    state: 'degraded',
    reasons: [
      {
        code: 'types_failing',
        message: expect.stringContaining('powershellScripts'),
        scheduleId: degradedSchedule?.id,
      },
    ],
    newestCompleteBackup: { backupSetId: olderSet?.id },
    schedules: [
      {
        lastRun: { id: partial.id, status: 'partial' },
        lastSuccessfulRun: { status: 'succeeded' },
        failingTypes: [
          {
            type: 'powershellScripts',
            outcome: 'permission_missing',
            reason: 'Graph answered 403',
            requiredPermission: 'DeviceManagementScripts.Read.All',
          },
        ],
      },
    ],
  });

  await seedRun(failing as string, failingSchedule!.id, 'failed', 3, {
    errorCode: 'graph_auth_failed',
    errorMessage: 'AADSTS7000215: Invalid client secret provided.',
  });
  const { run: lastFailed } = await seedRun(failing as string, failingSchedule!.id, 'failed', 1, {
    errorCode: 'all_types_failed',
    errorMessage: 'no policy type could be fetched',
  });
  expect(await statusOf(failing as string)).toMatchObject({
    state: 'failing',
    reasons: [{ code: 'last_run_failed', message: expect.stringContaining('all_types_failed') }],
    credentials: { lastTokenFailure: { message: expect.stringContaining('AADSTS7000215') } },
    schedules: [
      { lastRun: { id: lastFailed.id, error: { code: 'all_types_failed' } }, lastSuccessfulRun: null },
    ],
  });

  const ours = [neverRun, healthy, degraded, failing] as string[];
  const byState = await stack.api('/v1/status?limit=200');
  expect(idsIn(byState.body.items, ours)).toEqual([failing, degraded, neverRun, healthy]);
  // By age: no complete backup first (ties by state), then the oldest newest complete backup.
  const byAge = await stack.api('/v1/status?sort=age&limit=200');
  expect(idsIn(byAge.body.items, ours)).toEqual([failing, neverRun, degraded, healthy]);

  // A member sees their own tenants only, a page at a time.
  const member = await stack.userWithRole('readonly', degraded);
  await stack.api(`/v1/tenants/${healthy}/members`, {
    method: 'POST',
    body: { email: member.email, role: 'readonly' },
  });
  const first = await stack.api('/v1/status?limit=1', { token: member.token });
  expect(first.body.items.map((item: { tenant: { id: string } }) => item.tenant.id)).toEqual([degraded]);
  const second = await stack.api(`/v1/status?limit=1&cursor=${first.body.nextCursor}`, {
    token: member.token,
  });
  expect(second.body).toMatchObject({ items: [{ tenant: { id: healthy } }], nextCursor: null });
  expect((await stack.api(`/v1/tenants/${failing}/status`, { token: member.token })).status).toBe(404);
  expect((await stack.api('/v1/status?sort=worst')).body.errors).toEqual([
    { field: 'sort', message: expect.any(String) },
  ]);
});

test("the schedule list's nextRunTimes are Temporal's, as one schedule's describe gives them", async () => {
  const tenantId = await newTenant('times');
  const bodies = [
    { frequency: 'weekly', timezone: 'America/New_York', daysOfWeek: ['tue', 'sat'] },
    { frequency: 'daily', timezone: 'Asia/Kolkata', daysOfWeek: [] },
    { frequency: 'hourly', minute: (new Date().getUTCMinutes() + 30) % 60, timeOfDay: null, daysOfWeek: [] },
  ];
  const created = [];
  for (const body of bodies) created.push(await createSchedule(stack, tenantId, body));
  const ids = created.map((schedule) => schedule.id);

  // Visibility is eventually consistent: wait until Temporal's own list holds all three, then
  // compare its times with describe's, which the list route must show either way.
  const listed = await eventually(
    async () => {
      const found = new Map<string, Date[]>();
      for await (const summary of stack.temporal.schedule.list())
        found.set(summary.scheduleId, summary.info.nextActionTimes);
      return ids.every((id) => found.has(temporalScheduleId(id))) ? found : undefined;
    },
    { what: 'the schedules in Temporal visibility', timeoutMs: 30_000 },
  );
  const list = await stack.api(`/v1/tenants/${tenantId}/backup-schedules`);
  for (const id of ids) {
    const single = await stack.api(`/v1/tenants/${tenantId}/backup-schedules/${id}`);
    const described = (
      await stack.temporal.schedule.getHandle(temporalScheduleId(id)).describe()
    ).info.nextActionTimes
      .slice(0, 5)
      .map((time) => time.toISOString());
    const fromList = (listed.get(temporalScheduleId(id)) ?? [])
      .filter((time) => time > new Date())
      .slice(0, 5)
      .map((time) => time.toISOString());
    expect([id, fromList]).toEqual([id, described]);
    const item = list.body.items.find((row: { id: string }) => row.id === id);
    expect(item.temporal).toMatchObject({
      nextRunTimes: single.body.temporal.nextRunTimes,
      nextRunTimesKnown: true,
    });
    expect(item.temporal.nextRunTimes).toEqual(described);
  }
});

test('with Temporal unreachable the schedule list and the status still answer, next run times unknown', async () => {
  const tenantId = await newTenant('outage');
  await createSchedule(stack, tenantId);
  const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = await stack.startApp({ temporal: unreachable });
  try {
    const list = await app.api(`/v1/tenants/${tenantId}/backup-schedules`);
    expect(list.status).toBe(200);
    expect(list.body.items[0].temporal).toMatchObject({ nextRunTimes: [], nextRunTimesKnown: false });
    const status = await app.api(`/v1/tenants/${tenantId}/status`);
    expect(status.body.schedules[0]).toMatchObject({ nextRunTimes: [], nextRunTimesKnown: false });
  } finally {
    await app.close();
    await unreachable.connection.close();
  }
});

test('offboarded, never-ran-for-weeks and unsupported-only tenants are judged as what they are', async () => {
  // Offboarded: state offboarded alone (no key hint for its erased secret), left out of /v1/status.
  const gone = await newTenant('gone');
  const goneSchedule = await createSchedule(stack, gone, {
    name: 'nightly',
    frequency: 'daily',
    daysOfWeek: [],
  });
  await seedRun(gone, goneSchedule.id, 'succeeded', 2);
  const { slug } = (await stack.api(`/v1/tenants/${gone}`)).body;
  expect(
    (await stack.api(`/v1/tenants/${gone}`, { method: 'DELETE', body: { confirmSlug: slug } })).status,
  ).toBe(202);
  const goneStatus = await statusOf(gone);
  expect([goneStatus.state, goneStatus.reasons.map((r: { code: string }) => r.code)]).toEqual([
    'offboarded',
    ['tenant_offboarded'],
  ]);
  expect(goneStatus.offboarding).toEqual({
    offboardedAt: expect.any(String),
    purgeAfter: expect.any(String),
  });
  const listed = async (query: string) =>
    idsIn((await stack.api(`/v1/status?limit=200${query}`)).body.items, [gone]);
  expect([await listed(''), await listed('&includeOffboarded=true')]).toEqual([[], [gone]]);

  // A schedule created 21 days ago that never ran, beside one with a fresh success: failing.
  const stuck = await newTenant('stuck');
  const good = await createSchedule(stack, stuck, { name: 'good', frequency: 'daily', daysOfWeek: [] });
  const never = await createSchedule(stack, stuck, { name: 'never', frequency: 'daily', daysOfWeek: [] });
  await seedRun(stuck, good.id, 'succeeded', 2);
  await stack.db.backupSchedule.update({
    where: { id: never.id },
    data: { createdAt: new Date(Date.now() - 21 * 24 * HOUR) },
  });
  expect((await statusOf(stuck)).reasons).toEqual([
    expect.objectContaining({ state: 'failing', code: 'no_recent_backup', scheduleId: never.id }),
  ]);

  // Partial only because the tenant lacks a licensed feature: healthy, and a complete backup.
  const unlicensed = await newTenant('unlicensed');
  const nightly = await createSchedule(stack, unlicensed, { name: 'n', frequency: 'daily', daysOfWeek: [] });
  const types = { a: { outcome: 'ok' }, b: { outcome: 'unsupported', reason: 'not licensed' } };
  const { set } = await seedRun(unlicensed, nightly.id, 'partial', 2, { summary: { types, totals: {} } });
  const status = await statusOf(unlicensed);
  expect([status.state, status.schedules[0].failingTypes, status.newestCompleteBackup?.backupSetId]).toEqual([
    'healthy',
    [],
    set?.id,
  ]);
});
