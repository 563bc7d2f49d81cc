// `npm run bench:fleet`: 100 generated emulator tenants of 300 policies, one schedule each, and
// two production worker processes. First one large tenant is backed up alone (the single-tenant
// throughput), then every schedule is triggered at once through the runs service the API's
// `POST .../schedules/:id/run` calls. Prints makespan, throughput, per-tenant durations, peaks of
// runs, PostgreSQL connections and worker RSS against issue 19's targets; exits 1 when missed.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createDb, type Db, DEFAULT_POOL_SIZE } from '../src/db/client';
import { startManualRun } from '../src/services/runs';
import { bundleWorkflows } from '../src/worker/bundle';
import { MB } from './exportFigures';
import { type FleetRun, fleetFigures, fleetTargets, perSecond } from './fleetFigures';
import { samplePeaks, startFleetWorkers } from './fleetProcesses';
import {
  type BenchServices,
  createBenchSchedule,
  createBenchTenant,
  startBenchServices,
  startBenchTemporal,
} from './services';
import { runBenchmark } from './shared';

const TENANTS = Number(process.env.BENCH_FLEET_TENANTS ?? 100);
const POLICIES = Number(process.env.BENCH_FLEET_POLICIES ?? 300);
const BASELINE_POLICIES = Number(process.env.BENCH_FLEET_BASELINE_POLICIES ?? 5_000);
const WORKERS = 2;
/** Each process's pool (DATABASE_POOL_SIZE, default DEFAULT_POOL_SIZE; one pool per process). */
const PG_POOL_MAX = DEFAULT_POOL_SIZE;
const RUN_TIMEOUT_MS = 30 * 60_000;
const TERMINAL = ['succeeded', 'partial', 'failed', 'skipped', 'canceled'];
const BY = 'bench-fleet';

interface Scheduled {
  tenantId: string;
  scheduleId: string;
}

async function main(): Promise<number> {
  const services = await startBenchServices('fleet');
  try {
    const bundlePath = join(services.workDir, 'workflow-bundle.js');
    const [temporalAddress] = await Promise.all([
      startBenchTemporal(services, 'bench:fleet'),
      bundleWorkflows(bundlePath),
    ]);
    const db = createDb(services.databaseUrl);
    const baseline = await scheduledTenant(services, db, BASELINE_POLICIES);
    const fleet: Scheduled[] = [];
    // Ten at a time: the emulator generates each tenant in its own request.
    for (let i = 0; i < TENANTS; i += 10) {
      const batch = Math.min(10, TENANTS - i);
      fleet.push(
        ...(await Promise.all(Array.from({ length: batch }, () => scheduledTenant(services, db, POLICIES)))),
      );
    }
    const workers = await startFleetWorkers(services.supervisor, WORKERS, {
      DATABASE_URL: services.databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      WORKFLOW_BUNDLE_PATH: bundlePath,
      GRAPH_CA_FILE: services.caFile,
      GRAPH_ENDPOINT_ALLOWLIST: new URL(services.emulatorUrl).host,
      // As in bench:sync: the emulator does not throttle, so Graph's per-tenant budget is lifted
      // to compare our own cost with and without concurrency (bench:budget measures the budget).
      GRAPH_TENANT_REQUESTS_PER_20S: '1000000',
    });
    const connection = await Connection.connect({ address: temporalAddress });
    const deps = { db, temporal: new Client({ connection }), logger: pino({ level: 'warn' }) };
    try {
      const [single] = await fire(deps, [baseline]);
      const baselineRuns = await awaitRuns(db, [single as FiredRun]);
      const baselineMs = (baselineRuns[0] as FleetRun).durationMs;
      const baselineOk = (baselineRuns[0] as FleetRun).itemCount === BASELINE_POLICIES;
      console.log(
        `[bench] single tenant: ${BASELINE_POLICIES} policies in ${(baselineMs / 1000).toFixed(1)} s`,
      );

      const sampler = samplePeaks(db, workers);
      const fired = await fire(deps, fleet);
      const runs = await awaitRuns(db, fired);
      const peaks = await sampler.stop();
      const history = await historyCounts(deps.temporal, (fired[0] as FiredRun).workflowId);
      const firedAt = Math.min(...fired.map((run) => run.firedAt));
      const makespanMs =
        Math.max(...fired.map((run, i) => run.firedAt + (runs[i] as FleetRun).durationMs)) - firedAt;
      const figures = fleetFigures(runs, POLICIES, makespanMs);
      const targets = fleetTargets(figures, {
        expectedRuns: TENANTS,
        baselinePoliciesPerSecond: baselineOk ? perSecond(BASELINE_POLICIES, baselineMs) : 0,
        peakConnections: peaks.connections,
        configuredConnections: (WORKERS + 1) * PG_POOL_MAX,
      });
      const rss = Object.entries(peaks.rssBytes).map(
        ([name, bytes]) => `${name} ${(bytes / MB).toFixed(0)} MB`,
      );
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`
  bench:fleet  ${TENANTS} tenants x ${POLICIES} policies, ${WORKERS} workers (WORKER_MAX_CONCURRENT_SYNCS 10 each)
    single tenant      ${BASELINE_POLICIES} policies alone in ${s(baselineMs)}${baselineOk ? '' : ' (INCOMPLETE)'}
    makespan           ${s(figures.makespanMs)}   (${figures.policiesPerSecond.toFixed(1)} policies/s overall)
    per-tenant runs    p50 ${s(figures.p50Ms)}, p95 ${s(figures.p95Ms)}, max ${s(figures.maxMs)}   (from the trigger to the run's end, queueing included)
    peak runs at once  ${peaks.runsInProgress}   (status running)
    peak worker RSS    ${rss.join(', ')}   (VmRSS sampled every 250 ms)
    one run's history  ${history.events} events, ${history.activities} activities   (docs/scaling.md counts Temporal actions from it)
    PostgreSQL bound   ${WORKERS} workers x ${PG_POOL_MAX} + bench process (the API's role) x ${PG_POOL_MAX} = ${(WORKERS + 1) * PG_POOL_MAX}
${targets.map((t) => `    ${t.pass ? 'ok    ' : 'MISSED'} ${t.label}: ${t.shown}   (target ${t.target})`).join('\n')}
    ${targets.every((t) => t.pass) && baselineOk ? 'targets met' : 'TARGETS MISSED'}
`);
      return targets.every((t) => t.pass) && baselineOk ? 0 : 1;
    } finally {
      await connection.close();
      await db.$disconnect();
    }
  } finally {
    await services.stop();
  }
}

async function scheduledTenant(services: BenchServices, db: Db, policies: number): Promise<Scheduled> {
  const env = await createBenchTenant(services, policies);
  const schedule = await createBenchSchedule(db, env.tenantId, 1);
  return { tenantId: env.tenantId, scheduleId: schedule.id };
}

interface FiredRun {
  runId: string;
  workflowId: string;
  firedAt: number;
}

/** Triggers every schedule at once, as a hundred API calls arriving together would. */
function fire(deps: Parameters<typeof startManualRun>[0], schedules: Scheduled[]): Promise<FiredRun[]> {
  return Promise.all(
    schedules.map(async ({ tenantId, scheduleId }) => {
      const firedAt = Date.now();
      const run = await startManualRun(deps, tenantId, scheduleId, BY);
      return { runId: run.id, workflowId: run.workflowId, firedAt };
    }),
  );
}

/** Waits until every run has ended; each one's duration runs from its trigger to its end. */
async function awaitRuns(db: Db, fired: FiredRun[]): Promise<FleetRun[]> {
  const ids = fired.map((run) => run.runId);
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const rows = await db.backupScheduleRun.findMany({
      where: { id: { in: ids } },
      include: { backupSet: { select: { itemCount: true } } },
    });
    if (rows.length === ids.length && rows.every((row) => TERMINAL.includes(row.status) && row.finishedAt)) {
      const byId = new Map(rows.map((row) => [row.id, row]));
      return fired.map(({ runId, firedAt }) => {
        const row = byId.get(runId)!;
        return {
          status: row.status,
          itemCount: row.backupSet?.itemCount ?? null,
          durationMs: (row.finishedAt as Date).getTime() - firedAt,
        };
      });
    }
    if (Date.now() > deadline) throw new Error(`runs still open after ${RUN_TIMEOUT_MS / 60_000} min`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Events and scheduled activities of one BackupRun's history: its cost in Temporal. */
async function historyCounts(temporal: Client, workflowId: string) {
  const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const activities = events.filter((event) => event.activityTaskScheduledEventAttributes).length;
  return { events: events.length, activities };
}

runBenchmark(main);
