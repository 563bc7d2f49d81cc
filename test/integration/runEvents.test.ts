// A run's events come from its audit step, exactly once per cause, with the run's outcome audit
// row: real runs through the API, Temporal, the worker and the emulator on one stack.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { GraphClientFactory } from '../../src/graph';
import { SUBSCRIBABLE_EVENT_TYPES } from '../../src/notifications/eventTypes';
import { BACKUP_TASK_QUEUE, deliveryWorkflowId } from '../../src/shared/constants';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { holdTransaction } from '../support/heldTransaction';
import { createSchedule, runToCompletion, runWithScriptsForbidden, waitForRun } from '../support/runs';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const startedDeliveries: string[] = [];
afterAll(async () => {
  // DeliverNotification is another part's workflow: these runs only prove they were started.
  for (const id of startedDeliveries)
    await stack.temporal.workflow
      .getHandle(deliveryWorkflowId(id))
      .terminate('test over')
      .catch(() => undefined);
});

const eventsOfRun = (runId: string) =>
  stack.db.notificationEvent.findMany({
    where: { causeKey: { startsWith: `run:${runId}:` } },
    orderBy: { type: 'asc' },
  });
const outcomeRows = (runId: string) =>
  stack.db.auditLog.findMany({
    where: { resourceType: 'backup_run', resourceId: runId, action: { not: 'backup_run.started' } },
  });

async function channelFor(tenantId: string) {
  return stack.db.notificationChannel.create({
    data: {
      tenantId,
      name: `in-app ${randomUUID()}`,
      kind: 'in_app',
      eventTypes: [...SUBSCRIBABLE_EVENT_TYPES],
      createdBy: 'system',
    },
  });
}

test('a run with changes: one changes event with labelled leaves, one outcome row, drift from a subscribed baseline, a started delivery per event; a retried audit step writes nothing', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['deviceConfiguration', 'compliance'],
  });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  expect(first.status).toBe('succeeded');
  const baseline = await stack.db.baseline.create({
    data: {
      name: `gold ${randomUUID()}`,
      tenantId: tenant.id,
      backupSetId: first.backupSetId,
      createdBy: 'system',
    },
  });
  await stack.db.baselineSubscription.create({
    data: { baselineId: baseline.id, tenantId: tenant.id, createdBy: 'system' },
  });
  const channel = await channelFor(tenant.id);
  await admin.mutate(emulated.azureTenantId, { modify: 3, add: 1, types: ['deviceConfiguration'] });

  const run = await runToCompletion(stack, tenant.id, schedule.id);

  expect(run.status).toBe('succeeded');
  const events = await eventsOfRun(run.id);
  expect(events.map((e) => [e.type, e.causeKey])).toEqual([
    ['backup.changes.detected', `run:${run.id}:backup.changes.detected`],
    ['backup.run.succeeded', `run:${run.id}:backup.run.succeeded`],
    ['baseline.drift.detected', `run:${run.id}:baseline.drift.detected:${baseline.id}`],
  ]);
  const outcome = await outcomeRows(run.id);
  expect(outcome.map((row) => row.action)).toEqual(['backup_run.succeeded']);
  const changes = events[0]!.data as {
    changeCount: number;
    changes: { change: string; fields: { label: string; path: string }[]; actors: unknown }[];
  };
  expect(changes.changeCount).toBe(4);
  const modified = changes.changes.filter((c) => c.change === 'modified' || c.change === 'renamed');
  expect(modified.length).toBe(3);
  for (const policy of modified) {
    expect(policy.fields.length).toBeGreaterThan(0);
    for (const leaf of policy.fields) expect(leaf.label).toEqual(expect.any(String));
  }
  expect(events[2]!.data).toMatchObject({ baselineId: baseline.id, changeCount: expect.any(Number) });
  expect(events[2]!.attributes).toMatchObject({ scheduleId: schedule.id });

  // One delivery per event for the channel, its workflow started.
  const deliveries = await stack.db.notificationDelivery.findMany({ where: { channelId: channel.id } });
  expect(deliveries.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.id).sort());
  startedDeliveries.push(...deliveries.map((d) => d.id));
  for (const delivery of deliveries) {
    expect(delivery.workflowStartedAt).not.toBeNull();
    const described = await stack.temporal.workflow.getHandle(deliveryWorkflowId(delivery.id)).describe();
    expect(described.type).toBe('DeliverNotification');
  }

  // The audit step again, as a retry after its commit would call it.
  const graph = new GraphClientFactory({
    trustedCaPem: stack.emulator.caPem,
    endpointAllowlist: stack.graphEndpoints,
  });
  const { auditRun } = createActivities({
    db: stack.db,
    graph,
    logger: pino({ level: 'silent' }),
    secrets: stack.secrets,
  });
  const again = await new MockActivityEnvironment({}, { client: stack.temporal }).run(auditRun, {
    runId: run.id,
    tenantId: tenant.id,
    scheduleId: schedule.id,
    status: 'succeeded' as const,
    summary: run.summary,
    backupSetId: run.backupSetId,
    taskQueue: BACKUP_TASK_QUEUE,
  });
  await graph.close();
  expect(again).toEqual({ events: 0 });
  expect((await eventsOfRun(run.id)).length).toBe(3);
  expect((await outcomeRows(run.id)).length).toBe(1);
  expect(await stack.db.notificationDelivery.count({ where: { channelId: channel.id } })).toBe(3);
}, 180_000);

test('a partial run gives backup.run.partial naming the type, its outcome and the permission', async () => {
  const { run } = await runWithScriptsForbidden(stack, admin);

  expect(run.status).toBe('partial');
  const partial = (await eventsOfRun(run.id)).find((e) => e.type === 'backup.run.partial');
  expect(partial?.data).toMatchObject({
    types: [
      {
        policyType: 'powershellScripts',
        outcome: 'permission_missing',
        requiredPermission: 'DeviceManagementScripts.Read.All',
      },
    ],
  });
  expect(partial?.attributes).toMatchObject({ policyTypes: ['powershellScripts'] });
  const outcome = await outcomeRows(run.id);
  expect(outcome.map((row) => [row.action, row.metadata])).toEqual([
    [
      'backup_run.partial',
      expect.objectContaining({
        types: [
          {
            policyType: 'powershellScripts',
            outcome: 'permission_missing',
            requiredPermission: 'DeviceManagementScripts.Read.All',
          },
        ],
      }),
    ],
  ]);
}, 120_000);

test('a run with a wrong secret gives backup.run.failed and tenant.credentials.failing, one outcome row', async () => {
  const { tenant } = await admin.createTenant(50);
  await stack.db.tenant.update({
    where: { id: tenant.id },
    data: stack.secrets.encrypt(tenant.id, `wrong-${randomUUID()}`),
  });
  const schedule = await createSchedule(stack, tenant.id);
  const run = await runToCompletion(stack, tenant.id, schedule.id);

  expect(run).toMatchObject({ status: 'failed', error: { code: 'graph_auth_failed' } });
  const events = await eventsOfRun(run.id);
  expect(events.map((e) => e.type)).toEqual(['backup.run.failed', 'tenant.credentials.failing']);
  expect(events[0]?.data).toMatchObject({ errorCode: 'graph_auth_failed', trigger: 'manual' });
  expect((await outcomeRows(run.id)).map((row) => row.action)).toEqual(['backup_run.failed']);
}, 120_000);

test('a run canceled while its failure is being audited still records its outcome (the run does not stay running)', async () => {
  const { tenant } = await admin.createTenant(50);
  await stack.db.tenant.update({
    where: { id: tenant.id },
    data: stack.secrets.encrypt(tenant.id, `wrong-${randomUUID()}`),
  });
  const schedule = await createSchedule(stack, tenant.id);
  // The audit step's event insert waits on this lock: the run is canceled meanwhile.
  const lock = await holdTransaction(
    stack.db,
    (tx) => tx.$executeRaw`LOCK TABLE notification_events IN EXCLUSIVE MODE`,
  );
  try {
    const started = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules/${schedule.id}/run`, {
      method: 'POST',
    });
    expect(started.status).toBe(202);
    const run = await stack.db.backupScheduleRun.findUniqueOrThrow({ where: { id: started.body.id } });
    const handle = stack.temporal.workflow.getHandle(run.workflowId);
    await eventually(
      async () => {
        const { raw } = await handle.describe();
        return raw.pendingActivities?.some((activity) => activity.activityType?.name === 'auditRun');
      },
      { what: 'the audit step to start', timeoutMs: 60_000 },
    );
    await handle.cancel();
    // Canceled while the audit step waits; then the audit step may go on.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    lock.release();
    await lock.done;
    await expect(handle.result()).rejects.toThrow();
    const finished = await waitForRun(stack, tenant.id, run.id, 20_000);
    expect(finished.status).toBe('failed');
    expect((await outcomeRows(run.id)).map((row) => row.action)).toEqual(['backup_run.failed']);
  } finally {
    lock.release();
    await lock.done;
  }
}, 120_000);

test('a run whose notifications Temporal refuses to start keeps its audit row and events; the relay starts them later', async () => {
  const { tenant } = await admin.createTenant(50);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
  const channel = await channelFor(tenant.id);
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId: tenant.id,
      scheduleId: schedule.id,
      workflowId: `audit-test-${randomUUID()}`,
      trigger: 'manual',
      status: 'running',
      startedAt: new Date(),
    },
  });
  const graph = new GraphClientFactory({ endpointAllowlist: stack.graphEndpoints });
  const { auditRun } = createActivities({
    db: stack.db,
    graph,
    logger: pino({ level: 'silent' }),
    secrets: stack.secrets,
  });
  // A real client of a Temporal that is not there (nothing listens on port 1).
  const unreachable = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }),
  });
  const answer = await new MockActivityEnvironment({}, { client: unreachable }).run(auditRun, {
    runId: run.id,
    tenantId: tenant.id,
    scheduleId: schedule.id,
    status: 'failed' as const,
    errorCode: 'graph_auth_failed',
    errorMessage: 'the tenant refused the credentials',
    taskQueue: BACKUP_TASK_QUEUE,
  });
  await graph.close();
  expect(answer).toEqual({ events: 2 });
  expect((await outcomeRows(run.id)).map((row) => row.action)).toEqual(['backup_run.failed']);
  const deliveries = await stack.db.notificationDelivery.findMany({ where: { channelId: channel.id } });
  expect(deliveries).toHaveLength(2);
  for (const delivery of deliveries) expect(delivery.workflowStartedAt).toBeNull();
});
