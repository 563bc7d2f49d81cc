// Crash safety on the real dev server with real worker processes: a killed worker, dropped
// database connections and simultaneous starts each end in exactly one correct run.
import { randomUUID } from 'node:crypto';
import { freePort } from '../../src/devstack/ports';
import { EmulatorAdmin } from '../support/emulatorAdmin';
import { syncAttempts, slowTenant, startRunOnQueue } from '../support/runs';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

let stack: TestStack;
let admin: EmulatorAdmin;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  stack = await startTestStack({ emulatorPageSize: 10 });
  admin = new EmulatorAdmin(stack, stack.emulator.caPem);
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
  await admin?.close();
  await stack?.stop();
});

async function worker(
  taskQueue: string,
  extra: { applicationName?: string; metricsPort?: number } = {},
): Promise<WorkerProcess> {
  const started = await startWorkerProcess({ taskQueue, emulator: stack.emulator, ...extra });
  workers.push(started);
  return started;
}

async function syncUnderway(tenantId: string): Promise<void> {
  await eventually(async () => (await stack.db.policy.count({ where: { tenantId } })) > 0, {
    what: 'the sync to write its first page',
    intervalMs: 50,
  });
}

/** Exactly one run row, one set, one item per policy and one audit row per step. */
async function expectExactlyOnce(workflowId: string, tenantId: string, total: number) {
  const runs = await stack.db.backupScheduleRun.findMany({ where: { workflowId } });
  expect(runs).toHaveLength(1);
  const run = runs[0];
  expect(run?.status).toBe('succeeded');
  const sets = await stack.db.backupSet.findMany({ where: { runId: run?.id } });
  expect(sets).toHaveLength(1);
  expect(sets[0]?.itemCount).toBe(total);
  expect(await stack.db.backupItem.count({ where: { backupSetId: sets[0]?.id } })).toBe(total);
  expect(await stack.db.policy.count({ where: { tenantId } })).toBe(total);
  const audit = await stack.db.auditLog.groupBy({
    by: ['action'],
    where: { tenantId, resourceId: { in: [run?.id ?? '', sets[0]?.id ?? ''] } },
    _count: { _all: true },
  });
  expect(Object.fromEntries(audit.map((row) => [row.action, row._count._all]))).toEqual({
    'backup_run.started': 1,
    'backup_set.created': 1,
    'backup_run.succeeded': 1,
  });
}

test('a worker SIGKILLed mid-sync: a new worker completes the same run, exactly once', async () => {
  const taskQueue = `crash-${randomUUID()}`;
  const { tenant, schedule, total } = await slowTenant(stack, admin, 300, 30);
  const first = await worker(taskQueue);
  const handle = await startRunOnQueue(stack, tenant, schedule.id, taskQueue);
  await syncUnderway(tenant.id);
  await first.kill('SIGKILL');
  expect(first.process.signalCode).toBe('SIGKILL');

  await worker(taskQueue);
  const result = await handle.result();

  expect(result.status).toBe('succeeded');
  expect(await syncAttempts(handle)).toBeGreaterThanOrEqual(2);
  await expectExactlyOnce(handle.workflowId, tenant.id, total);
}, 240_000);

test('dropped PostgreSQL connections mid-run: the worker reconnects or retries, and the run completes', async () => {
  const taskQueue = `pg-drop-${randomUUID()}`;
  const applicationName = `tv-test-${randomUUID().slice(0, 8)}`;
  const { tenant, schedule, total } = await slowTenant(stack, admin, 300, 30);
  const running = await worker(taskQueue, { applicationName });
  const handle = await startRunOnQueue(stack, tenant, schedule.id, taskQueue);
  await syncUnderway(tenant.id);

  const [terminated] = await stack.db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${applicationName}
    ) t`;
  expect(terminated?.n).toBeGreaterThan(0);
  const result = await handle.result();

  expect(result.status).toBe('succeeded');
  expect(running.process.exitCode).toBeNull(); // the lost connections did not crash the worker
  // Either a query was cut (Temporal retried the activity) or idle connections were replaced.
  const recovered =
    (await syncAttempts(handle)) >= 2 ||
    running.output.some((chunk) => chunk.includes('idle PostgreSQL connection lost'));
  expect(recovered).toBe(true);
  await expectExactlyOnce(handle.workflowId, tenant.id, total);
}, 240_000);

test('two runs of one schedule started at the same instant: one runs, one is skipped', async () => {
  const taskQueue = `race-${randomUUID()}`;
  const { tenant, schedule } = await slowTenant(stack, admin, 100, 20);
  const metricsPort = await freePort();
  await worker(taskQueue, { metricsPort });
  const handles = await Promise.all([
    startRunOnQueue(stack, tenant, schedule.id, taskQueue),
    startRunOnQueue(stack, tenant, schedule.id, taskQueue),
  ]);
  const results = await Promise.all(handles.map((handle) => handle.result()));

  expect(results.map((result) => result.status).sort()).toEqual(['skipped', 'succeeded']);
  expect(results.find((result) => result.status === 'skipped')?.reason).toBe('already_running');
  const runs = await stack.db.backupScheduleRun.findMany({ where: { scheduleId: schedule.id } });
  expect(runs.map((run) => [run.status, run.errorCode]).sort()).toEqual([
    ['skipped', 'already_running'],
    ['succeeded', null],
  ]);
  expect(await stack.db.backupSet.count({ where: { scheduleId: schedule.id } })).toBe(1);
  // The skipped run did no Graph work: only one run's worth of policies was ever synced.
  expect(
    await stack.db.auditLog.count({ where: { tenantId: tenant.id, action: 'backup_run.started' } }),
  ).toBe(1);
  // The worker process exposes what it did to Prometheus.
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toMatch(/^tenantvault_backup_runs_total\{status="succeeded"\} 1$/m);
  expect(metrics).toMatch(/^tenantvault_backup_runs_total\{status="skipped"\} 1$/m);
  expect(metrics).toMatch(/^tenantvault_graph_requests_total\{status="200"\} [1-9]\d*$/m);
}, 180_000);
