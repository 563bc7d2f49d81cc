// Events the reconciler finds (an operator's pause, fires that started no run, a restore workflow
// an operator terminated) and its relay of delivery workflows whose start was lost, against the
// real Temporal dev server and Postgres.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { reconcileOnce } from '../../src/reconciler/runReconciler';
import type { ReconcilerDeps } from '../../src/reconciler/reconcileSchedules';
import {
  deliveryWorkflowId,
  RESTORE_PLAN_WORKFLOW,
  RESTORE_RUN_WORKFLOW,
  restorePlanWorkflowId,
  restoreRunWorkflowId,
  temporalScheduleId,
} from '../../src/shared/constants';
import { createSchedule } from '../support/runs';
import { eventually, type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
// No worker: nothing polls the queues these tests use, so started workflows stay as started.
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const deliveryQueue = `deliveries-${randomUUID()}`;
const deps = (overrides: Partial<ReconcilerDeps> = {}): ReconcilerDeps => ({
  db: stack.db,
  temporal: stack.temporal,
  logger: pino({ level: 'silent' }),
  deliveries: { taskQueue: deliveryQueue, retrySchedule: ['0s', '5s'] },
  ...overrides,
});

async function reconcile(overrides: Partial<ReconcilerDeps> = {}) {
  return eventually(
    async () => {
      const report = await reconcileOnce(deps(overrides));
      return report === 'locked' ? undefined : report;
    },
    { what: 'the reconciler lock' },
  );
}

let channelId: string;
beforeAll(async () => {
  const channel = await stack.db.notificationChannel.create({
    data: {
      tenantId: stack.tenant.id,
      name: 'reconciler events',
      kind: 'in_app',
      eventTypes: ['backup.run.missed', 'schedule.paused_by_operator'],
      createdBy: 'system',
    },
  });
  channelId = channel.id;
});

// The delivery workflows of these tests have no worker: end them so they do not linger.
afterEach(async () => {
  const deliveries = await stack.db.notificationDelivery.findMany({ where: { channelId } });
  for (const delivery of deliveries) {
    await stack.temporal.workflow
      .getHandle(deliveryWorkflowId(delivery.id))
      .terminate('test done')
      .catch(() => undefined);
  }
});

const eventsOf = (type: string, scheduleId: string) =>
  stack.db.notificationEvent.findMany({
    where: { type, attributes: { path: ['scheduleId'], equals: scheduleId } },
    include: { deliveries: true },
    orderBy: { createdAt: 'asc' },
  });

test("an operator's pause in Temporal is one schedule.paused_by_operator event, its delivery started", async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  await stack.temporal.schedule.getHandle(temporalScheduleId(schedule.id)).pause('storage migration');

  // Other test files' reconcilers share this database and may see the pause first: the event is
  // what must exist exactly once, whichever pass published it.
  await reconcile();
  await reconcile();
  const events = await eventsOf('schedule.paused_by_operator', schedule.id);
  expect(events).toHaveLength(1);
  expect(events[0]?.data).toMatchObject({
    scheduleId: schedule.id,
    note: 'storage migration',
    links: { schedule: expect.stringContaining(`/backup-schedules/${schedule.id}`) },
  });
  expect(events[0]?.deliveries).toHaveLength(1);
  const delivery = events[0]!.deliveries[0]!;
  expect(delivery.workflowStartedAt).not.toBeNull();
  const workflow = await stack.temporal.workflow.getHandle(deliveryWorkflowId(delivery.id)).describe();
  expect(workflow.taskQueue).toBe(deliveryQueue);
});

test('a schedule firing with no worker: one backup.run.missed per fire (not started, then skipped by overlap)', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id);
  const handle = stack.temporal.schedule.getHandle(temporalScheduleId(schedule.id));
  // Fires every 5 s for a few fires onto a queue no worker polls: the first starts a workflow
  // that never runs, the SKIP overlap policy drops the next ones.
  const endAt = new Date(Date.now() + 16_000);
  await handle.update((previous) => ({
    ...previous,
    spec: { intervals: [{ every: '5s' }], endAt },
    action: { ...previous.action, taskQueue: `no-worker-${randomUUID()}` } as typeof previous.action,
  }));
  await new Promise((resolve) => setTimeout(resolve, endAt.getTime() - Date.now() + 2_000));
  const fired = await handle.describe();
  expect(fired.info.recentActions).toHaveLength(1);
  expect(fired.info.numActionsSkippedOverlap).toBeGreaterThanOrEqual(1);
  const stuck = fired.info.recentActions[0]!;

  try {
    // Other test files' reconcilers share this database and may publish some of these first (with
    // the default grace, the not-started one only after 2 minutes): the events are what count.
    await reconcile({ missedRunGraceMs: 1_000 });
    const events = await eventsOf('backup.run.missed', schedule.id);
    expect(events).toHaveLength(1 + fired.info.numActionsSkippedOverlap);
    await reconcile({ missedRunGraceMs: 1_000 });
    expect(await eventsOf('backup.run.missed', schedule.id)).toHaveLength(events.length);

    const data = events.map((event) => event.data as { fireTime: string; reason: string });
    expect(data.filter((entry) => entry.reason === 'not_started')).toEqual([
      expect.objectContaining({
        fireTime: stuck.scheduledAt.toISOString(),
        workflowId: stuck.action.workflow.workflowId,
        scheduleName: expect.any(String),
      }),
    ]);
    const skipped = data.filter((entry) => entry.reason === 'skipped_overlap');
    expect(skipped).toHaveLength(fired.info.numActionsSkippedOverlap);
    // Exactly one event per fire time: the skipped ones follow the stuck one, 5 s apart.
    expect(new Set(data.map((entry) => entry.fireTime)).size).toBe(events.length);
    expect(events).toHaveLength(1 + fired.info.numActionsSkippedOverlap);
    skipped.forEach((entry, index) => {
      expect(Date.parse(entry.fireTime) - stuck.scheduledAt.getTime()).toBe((index + 1) * 5_000);
    });
    for (const event of events) {
      expect(event.causeKey).toBe(
        `schedule:${schedule.id}:missed:${(event.data as { fireTime: string }).fireTime}`,
      );
      expect(event.deliveries.map((delivery) => delivery.channelId)).toEqual([channelId]);
    }
  } finally {
    await stack.temporal.workflow.getHandle(stuck.action.workflow.workflowId).terminate('test done');
  }
});

test('a pending delivery whose workflow start was lost is started by one pass', async () => {
  const event = await stack.db.notificationEvent.create({
    data: {
      tenantId: stack.tenant.id,
      type: 'backup.run.missed',
      causeKey: `test:${randomUUID()}`,
      data: { note: 'relay test' },
    },
  });
  const delivery = await stack.db.notificationDelivery.create({
    data: {
      channelId,
      eventId: event.id,
      webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
      createdAt: new Date(Date.now() - 60_000),
      updatedAt: new Date(Date.now() - 60_000),
    },
  });
  // Digests (no event): a first round is its claimant's to deliver; a replayed one, the relay's.
  const digest = (replays: number) =>
    stack.db.notificationDelivery.create({
      data: {
        channelId,
        webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
        replays,
        createdAt: new Date(Date.now() - 60_000),
        updatedAt: new Date(Date.now() - 60_000),
      },
    });
  const claimedDigest = await digest(0);
  const replayedDigest = await digest(1);
  const fresh = await stack.db.notificationDelivery.create({
    data: {
      channelId,
      eventId: (
        await stack.db.notificationEvent.create({
          data: {
            tenantId: stack.tenant.id,
            type: 'backup.run.missed',
            causeKey: `test:${randomUUID()}`,
            data: {},
          },
        })
      ).id,
      webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
    },
  });

  // Another test file's reconciler may relay it first: its workflow is what must exist.
  await reconcile();
  const workflow = await stack.temporal.workflow.getHandle(deliveryWorkflowId(delivery.id)).describe();
  expect(workflow.taskQueue).toBe(deliveryQueue);
  const row = await stack.db.notificationDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
  expect(row.workflowStartedAt).not.toBeNull();
  // A delivery younger than 30 s may still be on its way to its own start: left alone.
  const young = await stack.db.notificationDelivery.findUniqueOrThrow({ where: { id: fresh.id } });
  expect(young.workflowStartedAt).toBeNull();
  const replayed = await stack.temporal.workflow
    .getHandle(deliveryWorkflowId(replayedDigest.id, 1))
    .describe();
  expect(replayed.taskQueue).toBe(deliveryQueue);
  const claimed = await stack.db.notificationDelivery.findUniqueOrThrow({ where: { id: claimedDigest.id } });
  expect(claimed.workflowStartedAt).toBeNull();
});

test('a restore whose workflow an operator terminated in Temporal is recorded by one pass: an apply round canceled, a plan plan_failed, the operator as actor; a running one is left alone', async () => {
  const restoreRow = (status: 'planning' | 'applying') =>
    stack.db.restore.create({
      data: {
        tenantId: stack.tenant.id,
        backupSetId: randomUUID(),
        status,
        mode: 'in_place',
        assignments: 'restore',
        conditionalAccessState: 'report_only',
        selection: {},
        requestedBy: `user:${randomUUID()}`,
        appliedBy: status === 'applying' ? `user:${randomUUID()}` : null,
        applyRounds: status === 'applying' ? 1 : 0,
      },
    });
  const terminatedApply = await restoreRow('applying');
  const terminatedPlan = await restoreRow('planning');
  const runningApply = await restoreRow('applying');
  // Nothing polls this queue: the workflows stay running until terminated, as an operator would.
  const queue = `restores-${randomUUID()}`;
  const start = (type: string, workflowId: string, restoreId: string) =>
    stack.temporal.workflow.start(type, { taskQueue: queue, workflowId, args: [{ restoreId, round: 1 }] });
  const applyHandle = await start(
    RESTORE_RUN_WORKFLOW,
    restoreRunWorkflowId(terminatedApply.id, 1),
    terminatedApply.id,
  );
  const planHandle = await start(
    RESTORE_PLAN_WORKFLOW,
    restorePlanWorkflowId(terminatedPlan.id),
    terminatedPlan.id,
  );
  const running = await start(
    RESTORE_RUN_WORKFLOW,
    restoreRunWorkflowId(runningApply.id, 1),
    runningApply.id,
  );
  try {
    await applyHandle.terminate('operator in the Web UI');
    await planHandle.terminate('operator in the CLI');
    await reconcile({ restoreWatchAfterMs: 0 });

    const after = async (id: string) => stack.db.restore.findUniqueOrThrow({ where: { id } });
    expect(await after(terminatedApply.id)).toMatchObject({ status: 'canceled' });
    expect(await after(terminatedPlan.id)).toMatchObject({ status: 'plan_failed' });
    expect((await after(terminatedPlan.id)).error).toContain('TERMINATED');
    expect(await after(runningApply.id)).toMatchObject({ status: 'applying' });
    const audits = await stack.db.auditLog.findMany({
      where: { resourceId: { in: [terminatedApply.id, terminatedPlan.id, runningApply.id] } },
    });
    expect(audits.map((row) => [row.resourceId, row.action, row.actor]).sort()).toEqual(
      [
        [terminatedApply.id, 'restore.canceled', 'operator'],
        [terminatedPlan.id, 'restore.plan_failed', 'operator'],
      ].sort(),
    );
    expect(
      audits.every((row) => (row.metadata as { workflowStatus?: string }).workflowStatus === 'TERMINATED'),
    ).toBe(true);
    const event = await stack.db.notificationEvent.findUnique({
      where: { causeKey: `restore:${terminatedApply.id}:1:restore.finished` },
    });
    expect(event?.data).toMatchObject({ status: 'canceled', round: 1 });
    // A second pass finds nothing more to record.
    await reconcile({ restoreWatchAfterMs: 0 });
    expect(await stack.db.auditLog.count({ where: { resourceId: terminatedApply.id } })).toBe(1);
  } finally {
    await running.terminate('test done').catch(() => undefined);
  }
});
