// `npm run bench:backup`: a full BackupRun of a generated 5,000-policy emulator tenant through a
// real Temporal dev server and worker, then ten more runs with no change in between. Prints
// durations (per phase from the workflow history), new payload bytes and the storage ratio of
// eleven sets to one; exits 1 when a target is missed.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createDb, type Db } from '../src/db/client';
import { GraphClientFactory, POLICY_TYPE_KEYS } from '../src/graph';
import { graphEndpointAllowlist } from '../src/outbound';
import { generateKeyRing, TenantSecretCipher } from '../src/secrets';
import { BACKUP_RUN_WORKFLOW, BACKUP_TASK_QUEUE, backupRunWorkflowIdBase } from '../src/shared/constants';
import type { BackupRunInput, BackupRunResult } from '../src/shared/types';
import { bundleWorkflows } from '../src/worker/bundle';
import { createBackupWorker } from '../src/worker/createWorker';
import { createBenchTenant, startBenchServices, startBenchTemporal } from './services';
import { caPem, runBenchmark } from './shared';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const LATER_RUNS = 10;
const TARGET_NEW_BYTES = 0;
const TARGET_STORAGE_RATIO = 1.1;

interface RunFigures {
  ms: number;
  phases: Record<string, number>;
  newPayloadBytes: number;
}

async function main(): Promise<number> {
  const services = await startBenchServices('bench');
  try {
    const bundlePath = join(services.workDir, 'workflow-bundle.js');
    const [temporalAddress] = await Promise.all([
      startBenchTemporal(services, 'bench:backup'),
      bundleWorkflows(bundlePath),
    ]);
    const env = await createBenchTenant(services, POLICIES);
    const db = createDb(env.databaseUrl);
    const schedule = await db.backupSchedule.create({
      data: {
        tenantId: env.tenantId,
        name: 'bench',
        frequency: 'daily',
        timeOfDay: '02:00',
        timezone: 'UTC',
        policyTypes: [...POLICY_TYPE_KEYS],
        retentionKeepLast: LATER_RUNS + 1,
      },
    });

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
    try {
      const input: BackupRunInput = { tenantId: env.tenantId, scheduleId: schedule.id };
      const first = await runOnce(client, db, input);
      const firstPayloadBytes = await storedPayloadBytes(db);
      report('run 1 (full)', first);
      const later: RunFigures[] = [];
      for (let i = 0; i < LATER_RUNS; i++) {
        later.push(await runOnce(client, db, input));
        report(`run ${i + 2} (no change)`, later.at(-1) as RunFigures);
      }
      const ratio = (await storedPayloadBytes(db)) / firstPayloadBytes;
      const sets = await db.backupSet.count({ where: { scheduleId: schedule.id } });
      return printSummary(first, later, ratio, sets, firstPayloadBytes);
    } finally {
      worker.shutdown();
      await workerRun;
      await Promise.allSettled([
        connection.close(),
        nativeConnection.close(),
        graph.close(),
        db.$disconnect(),
      ]);
    }
  } finally {
    await services.stop();
  }
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
  return { ms, phases: await phaseTimes(handle), newPayloadBytes: Number(set.newPayloadBytes) };
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

async function storedPayloadBytes(db: Db): Promise<number> {
  const total = await db.backupPayload.aggregate({ _sum: { sizeBytes: true } });
  return total._sum.sizeBytes ?? 0;
}

function report(label: string, run: RunFigures): void {
  const phases = Object.entries(run.phases)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
    .join(', ');
  console.log(
    `[bench] ${label}: ${(run.ms / 1000).toFixed(1)} s (${phases}); new payload bytes ${run.newPayloadBytes}`,
  );
}

function printSummary(
  first: RunFigures,
  later: RunFigures[],
  ratio: number,
  sets: number,
  firstPayloadBytes: number,
): number {
  const laterMs = later.map((run) => run.ms).sort((a, b) => a - b);
  const maxNewBytes = Math.max(...later.map((run) => run.newPayloadBytes));
  const ok = maxNewBytes <= TARGET_NEW_BYTES && ratio <= TARGET_STORAGE_RATIO && sets === later.length + 1;
  const phases = Object.entries(first.phases)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
    .join(', ');
  console.log(`
  bench:backup  ${POLICIES} policies, every registry type, ${sets} backup sets kept
    first run          ${(first.ms / 1000).toFixed(1)} s   (${phases})
    later runs         median ${((laterMs[Math.floor(laterMs.length / 2)] ?? 0) / 1000).toFixed(1)} s, max ${((laterMs.at(-1) ?? 0) / 1000).toFixed(1)} s   (${later.length} runs, no change)
    new payload bytes  max ${maxNewBytes} over the later runs   (target ${TARGET_NEW_BYTES})
    storage ratio      ${ratio.toFixed(3)}   (payload bytes of ${sets} sets / of 1 set = ${firstPayloadBytes}; target <= ${TARGET_STORAGE_RATIO})
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
  return ok ? 0 : 1;
}

runBenchmark(main);
