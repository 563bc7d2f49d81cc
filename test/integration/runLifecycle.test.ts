// How a run ends whatever happens to it: canceled from Temporal, started for a disabled or
// deleted schedule, or its activities run twice; and what operators see of it in Temporal.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import type { Tenant } from '../../src/db/client';
import { GraphClientFactory } from '../../src/graph';
import { BACKUP_RUN_WORKFLOW, BACKUP_TASK_QUEUE, backupRunWorkflowIdBase } from '../../src/shared/constants';
import { SCHEDULE_ID_KEY, TENANT_ID_KEY, TRIGGER_KEY } from '../../src/shared/searchAttributes';
import type { BackupRunInput } from '../../src/shared/types';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { recordHistoryIfAsked, WORKFLOW_HISTORY_VERSION } from '../support/histories';
import { createSchedule, runToCompletion } from '../support/runs';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 10 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

/** As an operator's "start workflow" in the Temporal UI would. */
function startFromTemporal(tenant: Tenant, scheduleId: string) {
  const input: BackupRunInput = { tenantId: tenant.id, scheduleId };
  return stack.temporal.workflow.start(BACKUP_RUN_WORKFLOW, {
    taskQueue: BACKUP_TASK_QUEUE,
    workflowId: `${backupRunWorkflowIdBase(scheduleId)}-operator-${randomUUID()}`,
    args: [input],
  });
}

async function runRow(workflowId: string) {
  return eventually(
    async () => {
      const run = await stack.db.backupScheduleRun.findFirst({ where: { workflowId } });
      return run && !['queued', 'running'].includes(run.status) ? run : undefined;
    },
    { what: `run ${workflowId} to finish` },
  );
}

test('a run canceled from Temporal is recorded canceled and audited', async () => {
  const { emulated, tenant } = await admin.createTenant(300);
  await admin.setFaults(emulated.azureTenantId, { latencyMs: 30 });
  const schedule = await createSchedule(stack, tenant.id);
  const handle = await startFromTemporal(tenant, schedule.id);
  await eventually(async () => (await stack.db.policy.count({ where: { tenantId: tenant.id } })) > 0, {
    what: 'the sync to start writing',
    intervalMs: 50,
  });
  await handle.cancel();

  await expect(handle.result()).rejects.toThrow();
  const run = await runRow(handle.workflowId);
  expect(run).toMatchObject({ status: 'canceled', errorCode: 'canceled', backupSetId: null });
  const audit = await stack.db.auditLog.findMany({
    where: { resourceId: run.id },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((row) => [row.action, row.actor])).toEqual([
    ['backup_run.started', 'operator'],
    ['backup_run.canceled', 'operator'],
  ]);
  expect(await stack.db.backupSet.count({ where: { runId: run.id } })).toBe(0);
  // The workflow waited for the sync to stop: nothing is written after the run ended.
  const written = await stack.db.policy.count({ where: { tenantId: tenant.id } });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(await stack.db.policy.count({ where: { tenantId: tenant.id } })).toBe(written);
  const history = await handle.fetchHistory();
  expect(history.events?.some((event) => event.activityTaskCanceledEventAttributes)).toBe(true);
  recordHistoryIfAsked(handle.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-canceled`);
});

test.each([
  ['schedule_disabled', { enabled: false }],
  ['schedule_deleted', { deletedAt: new Date() }],
] as const)(
  'a run of a schedule that is %s is recorded skipped and does no Graph work',
  async (reason, change) => {
    const { emulated, tenant } = await admin.createTenant(50);
    const schedule = await createSchedule(stack, tenant.id);
    await stack.db.backupSchedule.update({ where: { id: schedule.id }, data: change });
    const before = (await admin.stats(emulated.azureTenantId)).total;
    const handle = await startFromTemporal(tenant, schedule.id);

    expect(await handle.result()).toMatchObject({ status: 'skipped', reason });
    expect(await runRow(handle.workflowId)).toMatchObject({
      status: 'skipped',
      errorCode: reason,
      trigger: 'operator',
    });
    expect((await admin.stats(emulated.azureTenantId)).total).toBe(before);
    expect(
      await stack.db.auditLog.count({ where: { tenantId: tenant.id, action: 'backup_run.skipped' } }),
    ).toBe(1);
  },
);

test('operators find a run by search attributes and recognise it by its memo', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id, { policyTypes: ['compliance'] });
  const run = await runToCompletion(stack, stack.tenant.id, schedule.id);
  const description = await stack.temporal.workflow.getHandle(run.workflowId).describe();

  expect(description.typedSearchAttributes.get(TENANT_ID_KEY)).toBe(stack.tenant.id);
  expect(description.typedSearchAttributes.get(SCHEDULE_ID_KEY)).toBe(schedule.id);
  expect(description.typedSearchAttributes.get(TRIGGER_KEY)).toBe('manual');
  expect(await description.memo).toMatchObject({ tenantSlug: stack.tenant.slug });
  expect((await description.memo)?.scheduleName).toEqual(expect.any(String));
});

test('every activity run twice leaves the same rows as once', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id, {
    policyTypes: ['compliance', 'powershellScripts'],
  });
  const run = await runToCompletion(stack, stack.tenant.id, schedule.id);
  expect(run.status).toBe('succeeded');
  const graph = new GraphClientFactory({
    trustedCaPem: stack.emulator.caPem,
    endpointAllowlist: stack.graphEndpoints,
  });
  const activities = createActivities({
    db: stack.db,
    graph,
    logger: pino({ level: 'silent' }),
    secrets: stack.secrets,
  });
  const env = new MockActivityEnvironment();
  const counts = async () => ({
    runs: await stack.db.backupScheduleRun.count({ where: { scheduleId: schedule.id } }),
    policies: await stack.db.policy.count({ where: { tenantId: stack.tenant.id } }),
    sets: await stack.db.backupSet.count({ where: { scheduleId: schedule.id } }),
    items: await stack.db.backupItem.count({ where: { backupSetId: run.backupSetId } }),
    changes: await stack.db.backupSetChange.count({ where: { backupSetId: run.backupSetId } }),
    audit: await stack.db.auditLog.count({ where: { tenantId: stack.tenant.id } }),
  });
  const before = await counts();
  // The same Temporal run's activity again (a new Temporal run would be an operator's reset).
  const row = await stack.db.backupScheduleRun.findUniqueOrThrow({ where: { id: run.id } });

  const begun = await env.run(activities.beginRun, {
    tenantId: stack.tenant.id,
    scheduleId: schedule.id,
    trigger: 'manual' as const,
    workflowId: run.workflowId,
    temporalRunId: String(row.temporalRunId),
    startedBySchedule: false,
  });
  expect(begun).toMatchObject({ runId: run.id, proceed: false });
  await env.run(activities.syncPolicies, {
    runId: run.id,
    tenantId: stack.tenant.id,
    policyTypes: ['compliance', 'powershellScripts'],
  });
  const snapshot: Awaited<ReturnType<typeof activities.createSnapshot>> = await env.run(
    activities.createSnapshot,
    {
      runId: run.id,
      tenantId: stack.tenant.id,
      scheduleId: schedule.id,
      policyTypes: ['compliance', 'powershellScripts'],
    },
  );
  expect(snapshot.backupSetId).toBe(run.backupSetId);
  const retention: Awaited<ReturnType<typeof activities.applyRetention>> = await env.run(
    activities.applyRetention,
    {
      runId: run.id,
      tenantId: stack.tenant.id,
      scheduleId: schedule.id,
      keepLast: 2,
      keepBackupSetId: run.backupSetId,
    },
  );
  expect(retention.deletedBackupSetIds).toEqual([]);
  await env.run(activities.completeRun, {
    runId: run.id,
    status: 'succeeded' as const,
    backupSetId: run.backupSetId,
  });

  expect(await counts()).toEqual(before);
  await graph.close();
});

test("retention keeps the schedule's last N sets, never another schedule's, and collects unreferenced payloads", async () => {
  const { emulated, tenant } = await admin.createTenant(60);
  const policyTypes = ['deviceConfiguration'];
  const kept = await createSchedule(stack, tenant.id, { policyTypes, retention: { keepLast: 1 } });
  const other = await createSchedule(stack, tenant.id, { policyTypes, retention: { keepLast: 5 } });
  const first = await runToCompletion(stack, tenant.id, kept.id);
  const otherRun = await runToCompletion(stack, tenant.id, other.id);

  const change = await admin.mutate(emulated.azureTenantId, { modify: 2, types: ['deviceConfiguration'] });
  const modifiedIds = change.modified.deviceConfiguration ?? [];
  const oldHashes = async (setId: string) =>
    (await stack.db.backupItem.findMany({ where: { backupSetId: setId, graphId: { in: modifiedIds } } })).map(
      (item) => item.payloadHash,
    );
  const hashesBefore = await oldHashes(first.backupSetId);
  expect(hashesBefore).toHaveLength(2);

  const second = await runToCompletion(stack, tenant.id, kept.id);
  expect(second.summary.retention.deletedBackupSetIds).toEqual([first.backupSetId]);
  expect(await stack.db.backupSet.count({ where: { id: first.backupSetId } })).toBe(0);
  // The other schedule's set still holds the old versions: they stay.
  expect(await stack.db.backupSet.count({ where: { id: otherRun.backupSetId } })).toBe(1);
  expect(await stack.db.backupPayload.count({ where: { hash: { in: hashesBefore } } })).toBe(2);

  // Once no set references them, the old versions are collected.
  await runToCompletion(stack, tenant.id, other.id);
  await stack.db.backupSchedule.update({ where: { id: other.id }, data: { retentionKeepLast: 1 } });
  const otherSecond = await runToCompletion(stack, tenant.id, other.id);
  expect(otherSecond.summary.retention.deletedBackupSetIds).toHaveLength(2);
  expect(await stack.db.backupPayload.count({ where: { hash: { in: hashesBefore } } })).toBe(0);
  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: tenant.id, action: 'retention.deleted_backup_sets' },
  });
  expect(
    audit.flatMap((row) => (row.metadata as { deletedBackupSetIds: string[] }).deletedBackupSetIds),
  ).toEqual(expect.arrayContaining([first.backupSetId, otherRun.backupSetId]));
});
