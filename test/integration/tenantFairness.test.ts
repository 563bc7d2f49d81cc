// One tenant cannot starve another: a tenant's many slow runs take at most SYNC_MAX_PER_TENANT
// sync slots, the rest wait for a lease without holding any slot, and bookkeeping activities run
// on the workflow queue with slots of their own. Another tenant's run meanwhile takes about as
// long as it takes alone.
import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import type { Tenant } from '../../src/db/client';
import { countSyncLeases } from '../../src/db/syncLeases';
import { GraphClientFactory, type PolicyTypeKey } from '../../src/graph';
import type { BackupRunResult } from '../../src/shared/types';
import { type BackupWorker, createBackupWorker } from '../../src/worker/createWorker';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { testEnv } from '../support/env';
import { createSchedule, startRunOnQueue } from '../support/runs';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ withoutWorker: true }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const TYPES: PolicyTypeKey[] = ['deviceConfiguration', 'compliance', 'settingsCatalog'];
const taskQueue = `fairness-${randomUUID()}`;
let worker: BackupWorker;
let running: Promise<void>;
let connection: NativeConnection;
let graph: GraphClientFactory;

// A small worker, so one tenant could fill it: 4 slots for syncs, 4 for everything else.
beforeAll(async () => {
  const env = testEnv();
  connection = await NativeConnection.connect({ address: env.temporalAddress });
  graph = new GraphClientFactory({
    trustedCaPem: stack.emulator.caPem,
    endpointAllowlist: stack.graphEndpoints,
  });
  worker = await createBackupWorker({
    connection,
    namespace: env.namespace,
    taskQueue,
    bundlePath: env.bundlePath,
    maxConcurrentActivities: 4,
    maxConcurrentSyncs: 4,
    deps: {
      db: stack.db,
      graph,
      logger: pino({ level: 'silent' }),
      secrets: stack.secrets,
      limits: { syncMaxPerTenant: 2 },
    },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await graph?.close();
  await connection?.close();
});

async function timedRun(
  tenant: Tenant,
  scheduleId: string,
): Promise<{ ms: number; result: BackupRunResult }> {
  const started = Date.now();
  const result = await (await startRunOnQueue(stack, tenant, scheduleId, taskQueue)).result();
  return { ms: Date.now() - started, result };
}

test("one tenant's many slow runs do not delay another tenant's run", async () => {
  const busy = await admin.createTenant(300);
  const quiet = await admin.createTenant(60);
  const quietSchedule = await createSchedule(stack, quiet.tenant.id, { policyTypes: TYPES });
  const alone = await timedRun(quiet.tenant, quietSchedule.id);
  expect(alone.result.status).toBe('succeeded');

  // Every Graph answer of the busy tenant takes a second: each of its runs syncs for a while.
  await admin.setFaults(busy.emulated.azureTenantId, { latencyMs: 1_000 });
  const busyRuns = [];
  for (let i = 0; i < 6; i += 1) {
    const schedule = await createSchedule(stack, busy.tenant.id, { policyTypes: TYPES });
    busyRuns.push(await startRunOnQueue(stack, busy.tenant, schedule.id, taskQueue));
  }
  let mostLeases = 0;
  const sampling = setInterval(() => {
    countSyncLeases(stack.db, busy.tenant.id).then(
      (n) => (mostLeases = Math.max(mostLeases, n)),
      () => undefined,
    );
  }, 100);
  try {
    await eventually(async () => (await countSyncLeases(stack.db, busy.tenant.id)) === 2, {
      what: 'the busy tenant to hold its two sync leases',
    });

    const underLoad = await timedRun(quiet.tenant, quietSchedule.id);
    expect(underLoad.result.status).toBe('succeeded');
    // "A few seconds": without the per-tenant cap the quiet run waits for a busy sync to end.
    expect(underLoad.ms).toBeLessThan(alone.ms + 5_000);
    // The busy tenant's runs were all still underway meanwhile.
    const stillRunning = await Promise.all(
      busyRuns.map(async (handle) => (await handle.describe()).status.name),
    );
    expect(stillRunning.every((status) => status === 'RUNNING')).toBe(true);

    // Once its Graph answers quickly again, every waiting run of the busy tenant gets its turn.
    await admin.setFaults(busy.emulated.azureTenantId, {});
    const results = await Promise.all(busyRuns.map((handle) => handle.result()));
    expect(results.map((result) => result.status)).toEqual(Array(6).fill('succeeded'));
  } finally {
    clearInterval(sampling);
  }
  expect(mostLeases).toBe(2);
  expect(await countSyncLeases(stack.db, busy.tenant.id)).toBe(0);
}, 300_000);
