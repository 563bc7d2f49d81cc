// Every `temporal` command in docs/operations.md, run as written against the real dev server,
// with what the page says it does to TenantVault's records checked for each.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { reconcileOnce } from '../../src/reconciler/runReconciler';
import { BACKUP_RUN_WORKFLOW, BACKUP_TASK_QUEUE, backupRunWorkflowIdBase } from '../../src/shared/constants';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { testEnv } from '../support/env';
import { createSchedule, minuteFarFromNow, runToCompletion, runWithScriptsForbidden } from '../support/runs';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 10 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
  (block[1] ?? '').split('\n').filter((line) => line.startsWith('temporal ')),
);

interface Context {
  tenantId: string;
  scheduleId: string;
  workflowId: string;
  reason: string;
  start: string;
  end: string;
}

function keyOf(command: string): string {
  const [, noun, verb] = command.split(' ');
  const flag = command.includes('--pause') ? ' --pause' : command.includes('--unpause') ? ' --unpause' : '';
  return `${noun} ${verb}${flag}`;
}

function run(command: string, ctx: Context): string {
  const env = testEnv();
  const line = command
    .replace(/^temporal /, `'${env.temporalCli}' `)
    .replaceAll('<tenantId>', ctx.tenantId)
    .replaceAll('<scheduleId>', ctx.scheduleId)
    .replaceAll('<workflowId>', ctx.workflowId)
    .replaceAll('<reason>', ctx.reason)
    .replaceAll('<start>', ctx.start)
    .replaceAll('<end>', ctx.end);
  const result = spawnSync('bash', ['-c', `${line} --address ${env.temporalAddress}`], { encoding: 'utf8' });
  expect({ command, status: result.status, stderr: result.stderr }).toEqual({
    command,
    status: 0,
    stderr: '',
  });
  return result.stdout;
}

let lastCommand = '';
const reconcile = () =>
  reconcileOnce({ db: stack.db, temporal: stack.temporal, logger: pino({ level: 'silent' }) });
const runsOf = (scheduleId: string) =>
  stack.db.backupScheduleRun.findMany({ where: { scheduleId }, orderBy: { createdAt: 'asc' } });

// What each command must do; a command in the page without an entry here fails the test.
const checks: Record<
  string,
  { before?: (ctx: Context) => Promise<void>; after: (out: string, ctx: Context) => Promise<void> }
> = {
  'schedule list': { after: async (out, ctx) => expect(out).toContain(`backup-schedule-${ctx.scheduleId}`) },
  'schedule describe': { after: async (out, ctx) => expect(out).toContain(ctx.scheduleId) },
  'workflow list': {
    // Visibility is eventually consistent: the run may take a moment to be listed.
    after: async (out, ctx) => {
      if (out.includes(ctx.workflowId)) return;
      await eventually(async () => run(lastCommand, ctx).includes(ctx.workflowId), {
        what: 'the run to be listed',
      });
    },
  },
  'workflow describe': { after: async (out, ctx) => expect(out).toContain(ctx.workflowId) },
  'workflow show': { after: async (out) => expect(out).toMatch(/ActivityTaskCompleted|Activity/i) },
  'schedule trigger': {
    after: async (_out, ctx) => {
      const run = await eventually(
        async () =>
          (await runsOf(ctx.scheduleId)).find((r) => r.trigger === 'operator' && r.status === 'succeeded'),
        { what: 'the triggered run to be recorded' },
      );
      expect(run.requestedBy).toBe('operator');
    },
  },
  'schedule toggle --pause': {
    after: async (_out, ctx) => {
      await reconcile();
      const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: ctx.scheduleId } });
      expect(row.enabled).toBe(false);
      const audit = await stack.db.auditLog.findFirstOrThrow({
        where: { resourceId: ctx.scheduleId, action: 'schedule.paused_by_operator' },
      });
      expect(audit.metadata).toMatchObject({ note: ctx.reason });
    },
  },
  'schedule toggle --unpause': {
    after: async (_out, ctx) => {
      await reconcile();
      const row = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: ctx.scheduleId } });
      expect(row.enabled).toBe(true);
    },
  },
  'schedule backfill': {
    after: async (_out, ctx) => {
      const run = await eventually(
        async () => (await runsOf(ctx.scheduleId)).find((r) => r.trigger === 'scheduled' && r.finishedAt),
        { what: 'the backfilled run to be recorded' },
      );
      // The window is one minute either side of the schedule's one fire time in it.
      expect(run.scheduledFor?.toISOString()).toBe(new Date(Date.parse(ctx.start) + 60_000).toISOString());
    },
  },
  'workflow cancel': {
    // A run slow enough to be canceled mid-sync.
    before: async (ctx) => {
      const { emulated, tenant } = await admin.createTenant(300);
      await admin.setFaults(emulated.azureTenantId, { latencyMs: 30 });
      const slow = await createSchedule(stack, tenant.id);
      ctx.workflowId = `${backupRunWorkflowIdBase(slow.id)}-operator-cancel`;
      await stack.temporal.workflow.start(BACKUP_RUN_WORKFLOW, {
        taskQueue: BACKUP_TASK_QUEUE,
        workflowId: ctx.workflowId,
        args: [{ tenantId: tenant.id, scheduleId: slow.id }],
      });
      await eventually(async () => (await stack.db.policy.count({ where: { tenantId: tenant.id } })) > 0, {
        what: 'the slow sync to start',
        intervalMs: 50,
      });
    },
    after: async (_out, ctx) => {
      const run = await eventually(
        async () => {
          const row = await stack.db.backupScheduleRun.findFirst({ where: { workflowId: ctx.workflowId } });
          return row?.status === 'canceled' ? row : undefined;
        },
        { what: 'the run to be recorded canceled' },
      );
      expect(run.backupSetId).toBeNull();
    },
  },
  'workflow reset': {
    // A partial run (scripts forbidden), whose cause is then fixed.
    before: async (ctx) => {
      const { emulated, run: partial } = await runWithScriptsForbidden(stack, admin);
      expect(partial.status).toBe('partial');
      await admin.setFaults(emulated.azureTenantId, {});
      ctx.workflowId = partial.workflowId;
    },
    after: async (_out, ctx) => {
      const [earlier, reset] = await eventually(
        async () => {
          const rows = await stack.db.backupScheduleRun.findMany({
            where: { workflowId: ctx.workflowId },
            orderBy: { createdAt: 'asc' },
          });
          return rows.length === 2 && rows[1]?.status === 'succeeded' ? rows : undefined;
        },
        { what: 'the reset run to be recorded' },
      );
      expect(earlier?.status).toBe('partial');
      expect(reset).toMatchObject({ trigger: 'operator', requestedBy: 'operator', retryOfId: earlier?.id });
      expect(reset?.backupSetId).not.toBe(earlier?.backupSetId);
      const audit = await stack.db.auditLog.findFirstOrThrow({
        where: { resourceId: reset?.id, action: 'backup_run.reset_by_operator' },
      });
      expect(audit.metadata).toMatchObject({ resetOf: earlier?.id, previousStatus: 'partial' });
    },
  },
};

test('the page has commands, and a check for each', () => {
  expect(commands.length).toBeGreaterThanOrEqual(10);
  expect(commands.map(keyOf).filter((key) => !checks[key])).toEqual([]);
});

test('every command in docs/operations.md does what the page says', async () => {
  const minute = minuteFarFromNow();
  const schedule = await createSchedule(stack, stack.tenant.id, {
    frequency: 'hourly',
    minute,
    timeOfDay: null,
    daysOfWeek: null,
    timezone: 'UTC',
    policyTypes: ['compliance'],
  });
  const first = await runToCompletion(stack, stack.tenant.id, schedule.id);
  // A fire time of the schedule three hours ago, for the backfill.
  const fired = new Date(Date.now() - 3 * 3600_000);
  fired.setUTCMinutes(minute, 0, 0);
  const ctx: Context = {
    tenantId: stack.tenant.id,
    scheduleId: schedule.id,
    workflowId: first.workflowId,
    reason: 'tenant migration',
    start: new Date(fired.getTime() - 60_000).toISOString(),
    end: new Date(fired.getTime() + 60_000).toISOString(),
  };
  for (const command of commands) {
    lastCommand = command;
    const check = checks[keyOf(command)];
    await check?.before?.(ctx);
    const out = run(command, ctx);
    await check?.after(out, ctx);
  }
}, 240_000);
