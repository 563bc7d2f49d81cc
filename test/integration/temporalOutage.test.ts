// Temporal down: the API still takes schedule writes (Postgres is the record) and leaves them
// `pending`; once Temporal is back, one reconciler pass makes it match every row. This file
// runs its own Temporal dev server and database, so stopping them disturbs no other test.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { migrateDatabase } from '../../src/devstack/migrate';
import { freePort } from '../../src/devstack/ports';
import { createDatabaseIfMissing } from '../../src/devstack/postgres';
import { Supervisor } from '../../src/devstack/supervisor';
import { startTemporalDevServer } from '../../src/devstack/temporalServer';
import { reconcileOnce } from '../../src/reconciler/runReconciler';
import { temporalScheduleId } from '../../src/shared/constants';
import { testEnv } from '../support/env';
import { scheduleBody } from '../support/runs';
import { startTestStack, type TestStack } from '../support/stack';
import { expectTemporalMatchesRow } from '../support/temporalSchedules';

const workDir = mkdtempSync(join(tmpdir(), 'tenantvault-outage-'));
let temporalPort: number;
let temporalServer: Supervisor;
let stack: TestStack;

function startTemporal(): Promise<string> {
  temporalServer = new Supervisor((reason) => console.error(`[outage test] ${reason}`));
  return startTemporalDevServer(temporalServer, {
    cli: testEnv().temporalCli,
    port: temporalPort,
    // A file, so the schedules made before the outage are still there after the restart.
    dbFile: join(workDir, 'temporal.db'),
  });
}

async function freshDatabase(): Promise<string> {
  const url = new URL(testEnv().databaseUrl);
  const name = `tenantvault_outage_${randomUUID().slice(0, 8)}`;
  await createDatabaseIfMissing(url.toString(), name);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return url.toString();
}

beforeAll(async () => {
  temporalPort = await freePort();
  const temporalAddress = await startTemporal();
  stack = await startTestStack({ databaseUrl: await freshDatabase(), temporalAddress, withoutWorker: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await temporalServer?.stopAll();
  rmSync(workDir, { recursive: true, force: true });
});

const path = () => `/v1/tenants/${stack.tenant.id}/backup-schedules`;

async function create(overrides: Record<string, unknown> = {}) {
  const response = await stack.api(path(), { method: 'POST', body: scheduleBody(overrides) });
  expect(response.status).toBe(201);
  return response.body;
}

test('writes succeed as `pending` while Temporal is down, and the reconciler converges after', async () => {
  const toDisable = await create();
  const toRetime = await create();
  const toDelete = await create();
  for (const schedule of [toDisable, toRetime, toDelete]) {
    expect(schedule.temporal.syncState).toBe('synced');
    await expectTemporalMatchesRow(stack, schedule.id);
  }

  await temporalServer.stopAll();

  const startedAt = Date.now();
  const createdDuringOutage = await create();
  expect(createdDuringOutage.temporal).toMatchObject({ syncState: 'pending', nextRunTimes: [] });
  const disabled = await stack.api(`${path()}/${toDisable.id}`, {
    method: 'PATCH',
    body: { enabled: false },
  });
  expect(disabled.status).toBe(200);
  expect(disabled.body).toMatchObject({ enabled: false, temporal: { syncState: 'pending' } });
  const retimed = await stack.api(`${path()}/${toRetime.id}`, {
    method: 'PATCH',
    body: { frequency: 'hourly', minute: 17 },
  });
  expect(retimed.status).toBe(200);
  expect(retimed.body.temporal.syncState).toBe('pending');
  expect((await stack.api(`${path()}/${toDelete.id}`, { method: 'DELETE' })).status).toBe(204);
  const listed = await stack.api(path());
  expect(listed.status).toBe(200);
  expect(listed.body.items).toHaveLength(3);
  // An outage must not turn each write into a long hang.
  expect(Date.now() - startedAt).toBeLessThan(60_000);

  await startTemporal();
  const report = await reconcileOnce({
    db: stack.db,
    temporal: stack.temporal,
    logger: pino({ level: 'silent' }),
  });
  expect(report).toMatchObject({ created: 1, resynced: 2, deleted: 1, failed: 0, drift_corrected: 0 });

  for (const schedule of [createdDuringOutage, toDisable, toRetime]) {
    await expectTemporalMatchesRow(stack, schedule.id);
  }
  await expect(
    stack.temporal.schedule.getHandle(temporalScheduleId(toDelete.id)).describe(),
  ).rejects.toBeInstanceOf(ScheduleNotFoundError);
  const deletedRow = await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: toDelete.id } });
  expect(deletedRow.temporalSyncState).toBe('synced');

  const again = await reconcileOnce({
    db: stack.db,
    temporal: stack.temporal,
    logger: pino({ level: 'silent' }),
  });
  expect(Object.values(again as object).every((count) => count === 0)).toBe(true);
}, 240_000);
