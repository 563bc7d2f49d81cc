// The reconciler makes Temporal match Postgres after outages and out-of-band edits, and takes
// operators' pauses in the Temporal CLI or UI into the record.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { scheduleFieldsOf, updateScheduleFields } from '../../src/db/schedules';
import { reconcileOnce } from '../../src/reconciler/runReconciler';
import { temporalScheduleId } from '../../src/shared/constants';
import { scheduleOptionsFor } from '../../src/temporal/scheduleOptions';
import { testEnv } from '../support/env';
import { createSchedule } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({}, (started) => {
  stack = started;
});

const deps = () => ({ db: stack.db, temporal: stack.temporal, logger: pino({ level: 'silent' }) });
const describe = (scheduleId: string) =>
  stack.temporal.schedule.getHandle(temporalScheduleId(scheduleId)).describe();

async function reconcile() {
  const report = await reconcileOnce(deps());
  if (report === 'locked') throw new Error('the reconciler lock was held');
  return report;
}

function temporalCli(...args: string[]) {
  const env = testEnv();
  const result = spawnSync(env.temporalCli, [...args, '--address', env.temporalAddress], {
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

test('a schedule Temporal never got (it was down) is created and marked synced', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  await stack.temporal.schedule.getHandle(temporalScheduleId(schedule.id)).delete();
  await stack.db.backupSchedule.update({
    where: { id: schedule.id },
    data: { temporalSyncState: 'pending' },
  });

  expect((await reconcile()).created).toBeGreaterThanOrEqual(1);
  expect((await describe(schedule.id)).spec.calendars).toHaveLength(1);
  const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  expect(row.temporalSyncState).toBe('synced');
});

test('drift in the Temporal Schedule is corrected and audited', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  const before = (await describe(schedule.id)).spec;
  await stack.temporal.schedule.getHandle(temporalScheduleId(schedule.id)).update((previous) => ({
    ...previous,
    spec: { calendars: [{ hour: 13, minute: 7 }], timezone: 'UTC' },
  }));

  expect((await reconcile()).drift_corrected).toBeGreaterThanOrEqual(1);
  expect((await describe(schedule.id)).spec).toEqual(before);
  expect(
    await stack.db.auditLog.count({ where: { resourceId: schedule.id, action: 'schedule.drift_corrected' } }),
  ).toBe(1);
  // A second pass finds nothing to do for it.
  await reconcile();
  expect(
    await stack.db.auditLog.count({ where: { resourceId: schedule.id, action: 'schedule.drift_corrected' } }),
  ).toBe(1);
});

test("an operator's pause and unpause with the temporal CLI become the schedule's `enabled`", async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  const id = temporalScheduleId(schedule.id);
  temporalCli('schedule', 'toggle', '--schedule-id', id, '--pause', '--reason', 'tenant migration');
  expect((await reconcile()).paused_by_operator).toBeGreaterThanOrEqual(1);
  const paused = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-schedules/${schedule.id}`);
  expect(paused.body).toMatchObject({ enabled: false, temporal: { syncState: 'synced' } });
  expect((await describe(schedule.id)).state.paused).toBe(true);

  temporalCli('schedule', 'toggle', '--schedule-id', id, '--unpause', '--reason', 'migration done');
  expect((await reconcile()).unpaused_by_operator).toBeGreaterThanOrEqual(1);
  const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  expect(row.enabled).toBe(true);
  const audit = await stack.db.auditLog.findMany({
    where: { resourceId: schedule.id, action: { startsWith: 'schedule.' } },
    orderBy: { createdAt: 'asc' },
  });
  expect(
    audit.map((entry) => [entry.action, entry.actor, (entry.metadata as { note: string }).note]),
  ).toEqual([
    ['schedule.paused_by_operator', 'operator', 'tenant migration'],
    ['schedule.unpaused_by_operator', 'operator', 'migration done'],
  ]);
});

test('Temporal Schedules without a live row are deleted, including those of deleted rows', async () => {
  const orphanId = randomUUID();
  await stack.temporal.schedule.create(
    scheduleOptionsFor(
      {
        id: orphanId,
        tenantId: stack.tenant.id,
        version: 1,
        name: 'orphan',
        enabled: true,
        frequency: 'hourly',
        minute: 5,
        timeOfDay: null,
        daysOfWeek: [],
        timezone: 'UTC',
      },
      stack.tenant.slug,
    ),
  );
  const schedule = await createSchedule(stack, stack.tenant.id);
  // Deleted while Temporal was down: the row is deleted, its Temporal Schedule is not.
  await stack.db.backupSchedule.update({
    where: { id: schedule.id },
    data: { deletedAt: new Date(), temporalSyncState: 'pending' },
  });

  const report = await reconcile();
  expect(report.orphan_deleted).toBeGreaterThanOrEqual(1);
  expect(report.deleted).toBeGreaterThanOrEqual(1);
  await expect(describe(orphanId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  await expect(describe(schedule.id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
});

test('one pass at a time: a second concurrent pass finds the lock held', async () => {
  const results = await Promise.all([reconcileOnce(deps()), reconcileOnce(deps())]);
  expect(results.filter((result) => result === 'locked')).toHaveLength(1);
});

test('SCHEDULE_JITTER_SECONDS reaches every Temporal Schedule, and turning it off removes it', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  const withJitter = await reconcileOnce({ ...deps(), scheduling: { jitterSeconds: 30 } });
  expect(withJitter === 'locked' ? 0 : withJitter.drift_corrected).toBeGreaterThanOrEqual(1);
  expect((await describe(schedule.id)).spec.jitter).toBe(30_000);
  await reconcile();
  expect((await describe(schedule.id)).spec.jitter ?? 0).toBe(0);
});

test('an API edit whose Temporal write has not landed is synced, not taken for an operator unpause', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  // What PATCH {enabled:false} commits before it writes Temporal (the schedule is still unpaused there).
  await updateScheduleFields(stack.db, row.id, row.version, { ...scheduleFieldsOf(row), enabled: false });

  expect((await reconcile()).resynced).toBeGreaterThanOrEqual(1);
  const after = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
  expect(after).toMatchObject({ enabled: false, temporalSyncState: 'synced' });
  expect((await describe(schedule.id)).state.paused).toBe(true);
  expect(
    await stack.db.auditLog.count({
      where: { resourceId: schedule.id, action: { startsWith: 'schedule.' } },
    }),
  ).toBe(0);
});
