// A worker and client for benchmarks that run whole BackupRuns (bench:backup, bench:diff): the
// real workflow bundle on a Temporal dev server, activities against the benchmark's database and
// emulator, and each run's phase times read from its own history.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createDb, type Db } from '../src/db/client';
import { GraphClientFactory } from '../src/graph';
import { graphEndpointAllowlist } from '../src/outbound';
import { generateKeyRing, TenantSecretCipher } from '../src/secrets';
import { BACKUP_RUN_WORKFLOW, BACKUP_TASK_QUEUE, backupRunWorkflowIdBase } from '../src/shared/constants';
import type { BackupRunInput, BackupRunResult } from '../src/shared/types';
import { bundleWorkflows } from '../src/worker/bundle';
import { createBackupWorker } from '../src/worker/createWorker';
import { type BenchServices, createBenchSchedule, createBenchTenant, startBenchTemporal } from './services';
import { type BenchEnv, caPem } from './shared';

export interface RunFigures {
  ms: number;
  phases: Record<string, number>;
  newPayloadBytes: number;
  backupSetId: string;
}

export interface BackupHarness {
  env: BenchEnv;
  db: Db;
  temporal: Client;
  scheduleId: string;
  runOnce(): Promise<RunFigures>;
  close(): Promise<void>;
}

/** A generated tenant of `policies` objects with a schedule of every type keeping `keepLast` sets. */
export async function startBackupHarness(
  services: BenchServices,
  script: string,
  policies: number,
  keepLast: number,
): Promise<BackupHarness> {
  const bundlePath = join(services.workDir, 'workflow-bundle.js');
  const [temporalAddress] = await Promise.all([
    startBenchTemporal(services, script),
    bundleWorkflows(bundlePath),
  ]);
  const env = await createBenchTenant(services, policies);
  const db = createDb(env.databaseUrl);
  const schedule = await createBenchSchedule(db, env.tenantId, keepLast);

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  // As in bench:sync: the emulator does not throttle, so Graph's per-tenant budget is lifted
  // to measure our own cost instead of 1,000 requests per 20 s.
  const graph = new GraphClientFactory({
    trustedCaPem: caPem(env),
    requestBudget: { limit: 1_000_000, windowMs: 20_000 },
    endpointAllowlist: graphEndpointAllowlist([new URL(env.emulatorUrl).host]),
  });
  const worker = await createBackupWorker({
    connection: nativeConnection,
    namespace: 'default',
    // The bench tenant's secret is stored as `plain`: any key ring reads it.
    deps: {
      db,
      graph,
      logger: pino({ level: 'warn' }),
      secrets: new TenantSecretCipher(generateKeyRing('bench')),
    },
    bundlePath,
  });
  const workerRun = worker.run();
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const input: BackupRunInput = { tenantId: env.tenantId, scheduleId: schedule.id };
  return {
    env,
    db,
    temporal: client,
    scheduleId: schedule.id,
    runOnce: () => runOnce(client, db, input),
    async close() {
      worker.shutdown();
      await workerRun;
      await Promise.allSettled([
        connection.close(),
        nativeConnection.close(),
        graph.close(),
        db.$disconnect(),
      ]);
    },
  };
}

async function runOnce(client: Client, db: Db, input: BackupRunInput): Promise<RunFigures> {
  const started = performance.now();
  const handle: WorkflowHandle = await client.workflow.start(BACKUP_RUN_WORKFLOW, {
    taskQueue: BACKUP_TASK_QUEUE,
    workflowId: `${backupRunWorkflowIdBase(input.scheduleId)}-bench-${randomUUID()}`,
    args: [input],
  });
  const result = (await handle.result()) as BackupRunResult;
  const ms = performance.now() - started;
  if (result.status !== 'succeeded' || !result.backupSetId)
    throw new Error(`run ended ${result.status}: ${JSON.stringify(result)}`);
  const set = await db.backupSet.findUniqueOrThrow({ where: { id: result.backupSetId } });
  return {
    ms,
    phases: await phaseTimes(handle),
    newPayloadBytes: Number(set.newPayloadBytes),
    backupSetId: set.id,
  };
}

/** Scheduled-to-closed time of each activity, from the workflow's own history. */
async function phaseTimes(handle: WorkflowHandle): Promise<Record<string, number>> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, { name: string; at: number }>();
  const phases: Record<string, number> = {};
  const millis = (time: unknown) => {
    const t = time as { seconds?: { toNumber(): number } | number; nanos?: number } | null | undefined;
    const seconds = typeof t?.seconds === 'number' ? t.seconds : (t?.seconds?.toNumber() ?? 0);
    return seconds * 1000 + (t?.nanos ?? 0) / 1e6;
  };
  for (const event of events) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) scheduled.set(String(event.eventId), { name, at: millis(event.eventTime) });
    const closed =
      event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? undefined;
    const start = closed ? scheduled.get(String(closed.scheduledEventId)) : undefined;
    if (start) phases[start.name] = (phases[start.name] ?? 0) + millis(event.eventTime) - start.at;
  }
  return phases;
}
