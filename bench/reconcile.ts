// `npm run bench:reconcile`: 2,000 backup schedules (20 tenants of 100) created through the real
// API into a real Temporal dev server, then reconciliation passes as the API runs them: one with
// nothing to do, one after drift made straight in Temporal for 10% of the schedules (plus orphan
// Temporal Schedules), and a last one that must again find nothing. Prints the times, and whether
// the no-op target is met; exits 1 when a pass's report is not what was injected.
import { GraphClientFactory } from '../src/graph';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../src/api/app';
import { createDb, type Db, type Tenant } from '../src/db/client';
import { issueApiToken } from '../src/db/tokens';
import { listenOnLoopback } from '../src/devstack/ports';
import { mapWithConcurrency } from '../src/graph/concurrency';
import type { ReconcileAction, ReconcileReport } from '../src/reconciler/reconcileSchedules';
import { FULL_CHECKS_PER_PASS } from '../src/reconciler/reconcileSchedules';
import { reconcileOnce } from '../src/reconciler/runReconciler';
import { generateKeyRing, TenantSecretCipher } from '../src/secrets';
import { temporalScheduleId } from '../src/shared/constants';
import { scheduleOptionsFor } from '../src/temporal/scheduleOptions';
import { startBenchDatabase, startBenchTemporal } from './services';
import { runBenchmark } from './shared';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 20);
const SCHEDULES_PER_TENANT = Number(process.env.BENCH_SCHEDULES_PER_TENANT ?? 100);
const TOTAL = TENANTS * SCHEDULES_PER_TENANT;
/** Requests in flight while creating, as a script or an MSP's onboarding tool would send them. */
const CREATE_CONCURRENCY = 16;
/** Every twentieth schedule is created disabled (a paused Temporal Schedule). */
const DISABLED_EVERY = 20;
const TARGET_NOOP_MS = 10_000;

/** What is done to 10% of the schedules in Temporal behind the reconciler's back. */
const DRIFT = {
  spec: Math.round(TOTAL * 0.03),
  action: Math.round(TOTAL * 0.01),
  policies: Math.round(TOTAL * 0.01),
  pause: Math.round(TOTAL * 0.025),
  unpause: Math.round(TOTAL * 0.01),
  delete: Math.round(TOTAL * 0.015),
};
const ORPHANS = Math.round(TOTAL * 0.01);

// Weekly, on days two to four days away in UTC: even 14 hours of time zone offset keeps every
// fire time out of the benchmark, so no backup run starts (and no worker is needed).
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const dayAhead = (days: number) => DAY_KEYS[(new Date().getUTCDay() + days) % 7] as string;
const TIMEZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];

interface Created {
  id: string;
  enabled: boolean;
}

interface Pass {
  ms: number;
  report: ReconcileReport;
  /** CPU time spent during the pass: on a shared machine, the cost that other load does not blur. */
  cpu: { ownMs: number; temporalMs?: number };
}

async function main(): Promise<number> {
  const database = await startBenchDatabase('bench-reconcile');
  try {
    const address = await startBenchTemporal(database, 'bench:reconcile');
    const db = createDb(database.databaseUrl);
    const connection = await Connection.connect({ address });
    const temporal = new Client({ connection });
    const logger = pino({ level: 'warn' });
    const secrets = new TenantSecretCipher(generateKeyRing('bench'));
    // One token creates every schedule: the per-user limit is not what this measures.
    const server = await listenOnLoopback(
      // Schedules only: no connection test runs, so the factory never opens a connection.
      createApp({
        db,
        temporal,
        logger,
        secrets,
        graph: new GraphClientFactory(),
        rateLimitPerMinute: 1_000_000,
      }),
    );
    try {
      const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const token = await adminToken(db);
      const tenants = await createTenants(db);

      const create = await createSchedules(apiUrl, token, tenants);
      console.log(
        `[bench] ${TOTAL} schedules created through the API in ${seconds(create.ms)} s (${perSecond(TOTAL, create.ms)}/s; per request p50 ${create.p50} ms, p95 ${create.p95} ms)`,
      );
      const synced = await db.backupSchedule.count({ where: { temporalSyncState: 'synced' } });
      if (synced !== TOTAL) throw new Error(`${synced} of ${TOTAL} schedules synced to Temporal`);
      // Listing is eventually consistent: each pass should see every schedule the orphan sweep lists.
      await untilListed(
        temporal,
        create.schedules.map((s) => temporalScheduleId(s.id)),
      );

      const deps = { db, temporal, logger };
      const noop = await pass(deps, 'no-op');
      const injected = await injectDrift(temporal, tenants, create.schedules);
      const drift = await pass(deps, 'after drift');
      // Drift in action or policies is found when a row's turn for a full check comes: within
      // one cycle of passes over all rows.
      const catchUp: Pass[] = [];
      for (let i = 0; i < Math.ceil(TOTAL / FULL_CHECKS_PER_PASS); i += 1) {
        catchUp.push(await pass(deps, `catch-up ${i + 1}`));
      }
      const final = await pass(deps, 'final no-op');

      const wrong = [
        ...mismatches('no-op', noop.report, {}),
        ...mismatches('after drift and catch-up', sumReports([drift, ...catchUp]), injected.expected),
        ...mismatches('final no-op', final.report, {}),
        ...(await mirroredPauses(db, injected)),
      ];
      return printSummary(create.ms, noop, drift, catchUp, final, injected.expected, wrong);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await Promise.allSettled([connection.close(), db.$disconnect()]);
    }
  } finally {
    await database.stop();
  }
}

async function adminToken(db: Db): Promise<string> {
  const admin = await db.user.create({
    data: { email: `bench-${randomUUID()}@bench.local`, displayName: 'Benchmark', platformAdmin: true },
  });
  return (await issueApiToken(db, { userId: admin.id, name: 'bench:reconcile' })).token;
}

/** Tenant rows only: no run starts, so Graph is never called. */
function createTenants(db: Db): Promise<Tenant[]> {
  return Promise.all(
    Array.from({ length: TENANTS }, (_, i) =>
      db.tenant.create({
        data: {
          slug: `bench-${i}-${randomUUID().slice(0, 8)}`,
          displayName: `Benchmark tenant ${i}`,
          azureTenantId: randomUUID(),
          clientId: randomUUID(),
          clientSecret: 'bench',
        },
      }),
    ),
  );
}

/** POSTs every schedule, tenants interleaved, CREATE_CONCURRENCY at a time. */
async function createSchedules(apiUrl: string, token: string, tenants: Tenant[]) {
  const latencies: number[] = [];
  const started = performance.now();
  const schedules = await mapWithConcurrency(
    Array.from({ length: TOTAL }, (_, i) => i),
    CREATE_CONCURRENCY,
    async (i): Promise<Created> => {
      const tenant = tenants[i % TENANTS] as Tenant;
      const body = {
        name: `bench ${i}`,
        enabled: i % DISABLED_EVERY !== 0,
        frequency: 'weekly',
        timeOfDay: `${String(i % 24).padStart(2, '0')}:${String((i * 15) % 60).padStart(2, '0')}`,
        daysOfWeek: i % 2 ? [dayAhead(2), dayAhead(3)] : [dayAhead(3 + (i % 3) - 1)],
        timezone: TIMEZONES[i % TIMEZONES.length],
        policyTypes: ['compliance', 'deviceConfiguration', 'settingsCatalog'],
        retention: { keepLast: 7 },
      };
      const sent = performance.now();
      const response = await fetch(`${apiUrl}/v1/tenants/${tenant.id}/backup-schedules`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Created & { temporal: { syncState: string } };
      latencies.push(performance.now() - sent);
      if (response.status !== 201 || json.temporal.syncState !== 'synced')
        throw new Error(`POST schedule ${i} answered ${response.status}: ${JSON.stringify(json)}`);
      return { id: json.id, enabled: json.enabled };
    },
  );
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
  return { schedules, ms, p50: at(0.5), p95: at(0.95) };
}

/** Waits until Temporal's list, eventually consistent, holds every one of these Schedule ids. */
async function untilListed(temporal: Client, ids: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = new Set<string>();
    for await (const summary of temporal.schedule.list({ pageSize: 1000 })) listed.add(summary.scheduleId);
    const missing = ids.filter((id) => !listed.has(id)).length;
    if (missing === 0) return;
    if (Date.now() > deadline) throw new Error(`${missing} schedules still not listed by Temporal`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function pass(deps: Parameters<typeof reconcileOnce>[0], label: string): Promise<Pass> {
  const temporalPid = temporalServerPid();
  const ownBefore = process.cpuUsage();
  const temporalBefore = processCpuMs(temporalPid);
  const started = performance.now();
  const report = await reconcileOnce(deps);
  const ms = performance.now() - started;
  const own = process.cpuUsage(ownBefore);
  const cpu = {
    ownMs: (own.user + own.system) / 1000,
    temporalMs: temporalPid === undefined ? undefined : processCpuMs(temporalPid) - temporalBefore,
  };
  if (report === 'locked') throw new Error('the reconciler lock was held');
  console.log(`[bench] reconcile (${label}): ${seconds(ms)} s (${formatCpu(cpu)}) ${formatReport(report)}`);
  return { ms, report, cpu };
}

/** The Temporal dev server among this process's children (Linux only). */
function temporalServerPid(): number | undefined {
  try {
    for (const task of readdirSync('/proc/self/task')) {
      for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ')) {
        if (pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev')) return Number(pid);
      }
    }
  } catch {
    // No /proc: the figure is left out.
  }
  return undefined;
}

/** User and system CPU time of a process, from /proc/<pid>/stat (clock ticks of 10 ms). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function formatCpu(cpu: Pass['cpu']): string {
  const temporal = cpu.temporalMs === undefined ? '' : `, Temporal server ${seconds(cpu.temporalMs)} s`;
  return `CPU: reconciler ${seconds(cpu.ownMs)} s${temporal}`;
}

interface Injected {
  expected: Partial<ReconcileReport>;
  paused: string[];
  unpaused: string[];
}

type ScheduleHandle = ReturnType<Client['schedule']['getHandle']>;

/** What each kind of drift does to a Temporal Schedule. */
const CHANGES: Record<keyof typeof DRIFT, (handle: ScheduleHandle) => Promise<void>> = {
  spec: (handle) =>
    handle.update((previous) => ({
      ...previous,
      spec: { calendars: [{ second: 0, minute: 59, hour: 23, dayOfWeek: 'SUNDAY' }], timezone: 'UTC' },
    })),
  action: (handle) =>
    handle.update((previous) => ({
      ...previous,
      action: { ...previous.action, memo: { ...previous.action.memo, scheduleName: 'renamed in Temporal' } },
    })),
  policies: (handle) =>
    handle.update((previous) => ({
      ...previous,
      policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.BUFFER_ONE },
    })),
  pause: (handle) => handle.pause('bench: paused by an operator'),
  unpause: (handle) => handle.unpause('bench: unpaused by an operator'),
  delete: (handle) => handle.delete(),
};

/** Changes 10% of the schedules' Temporal Schedules (and adds orphans) as operators or bugs would. */
async function injectDrift(temporal: Client, tenants: Tenant[], schedules: Created[]): Promise<Injected> {
  // UUIDs sort in no particular order: consecutive slices spread over tenants and settings.
  const byId = [...schedules].sort((a, b) => a.id.localeCompare(b.id));
  const enabled = byId.filter((s) => s.enabled).map((s) => s.id);
  const disabled = byId.filter((s) => !s.enabled).map((s) => s.id);
  const targets = Object.fromEntries(
    (Object.keys(DRIFT) as (keyof typeof DRIFT)[]).map((kind) => [
      kind,
      (kind === 'unpause' ? disabled : enabled).splice(0, DRIFT[kind]),
    ]),
  ) as Record<keyof typeof DRIFT, string[]>;
  const orphans = Array.from({ length: ORPHANS }, (_, i) => {
    const tenant = tenants[i % TENANTS] as Tenant;
    return scheduleOptionsFor(
      {
        id: randomUUID(),
        tenantId: tenant.id,
        version: 1,
        name: `orphan ${i}`,
        enabled: true,
        frequency: 'weekly',
        minute: null,
        timeOfDay: '03:00',
        daysOfWeek: [dayAhead(3)],
        timezone: 'UTC',
      },
      tenant.slug,
    );
  });
  const jobs = [
    ...Object.entries(targets).flatMap(([kind, ids]) =>
      ids.map(
        (id) => () =>
          CHANGES[kind as keyof typeof DRIFT](temporal.schedule.getHandle(temporalScheduleId(id))),
      ),
    ),
    ...orphans.map((options) => () => temporal.schedule.create(options).then(() => undefined)),
  ];
  await mapWithConcurrency(jobs, CREATE_CONCURRENCY, (job) => job());
  await untilListed(
    temporal,
    orphans.map((options) => options.scheduleId),
  );
  console.log(
    `[bench] drift made in Temporal: ${Object.entries(targets)
      .map(([kind, ids]) => `${kind} ${ids.length}`)
      .join(', ')}; ${ORPHANS} orphans added`,
  );
  return {
    expected: {
      drift_corrected: targets.spec.length + targets.action.length + targets.policies.length,
      paused_by_operator: targets.pause.length,
      unpaused_by_operator: targets.unpause.length,
      created: targets.delete.length,
      orphan_deleted: ORPHANS,
    },
    paused: targets.pause,
    unpaused: targets.unpause,
  };
}

const ACTIONS: ReconcileAction[] = [
  'created',
  'resynced',
  'drift_corrected',
  'paused_by_operator',
  'unpaused_by_operator',
  'deleted',
  'orphan_deleted',
  'failed',
];

function mismatches(label: string, report: ReconcileReport, expected: Partial<ReconcileReport>): string[] {
  return ACTIONS.filter((action) => report[action] !== (expected[action] ?? 0)).map(
    (action) => `${label}: ${action} ${report[action]}, expected ${expected[action] ?? 0}`,
  );
}

/** The operators' pauses and unpauses must have reached the rows. */
async function mirroredPauses(db: Db, injected: Injected): Promise<string[]> {
  const count = (ids: string[], enabled: boolean) =>
    db.backupSchedule.count({ where: { id: { in: ids }, enabled } });
  const paused = await count(injected.paused, false);
  const unpaused = await count(injected.unpaused, true);
  return [
    ...(paused === injected.paused.length ? [] : [`${paused} of ${injected.paused.length} pauses mirrored`]),
    ...(unpaused === injected.unpaused.length
      ? []
      : [`${unpaused} of ${injected.unpaused.length} unpauses mirrored`]),
  ];
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

function formatReport(report: Partial<ReconcileReport>): string {
  const nonZero = ACTIONS.filter((action) => (report[action] ?? 0) > 0);
  return nonZero.length === 0 ? '(nothing to do)' : nonZero.map((a) => `${a} ${report[a]}`).join(', ');
}

function sumReports(passes: Pass[]): ReconcileReport {
  const sum = Object.fromEntries(ACTIONS.map((action) => [action, 0])) as ReconcileReport;
  for (const { report } of passes) for (const action of ACTIONS) sum[action] += report[action];
  return sum;
}

function printSummary(
  createMs: number,
  noop: Pass,
  drift: Pass,
  catchUp: Pass[],
  final: Pass,
  expected: Partial<ReconcileReport>,
  wrong: string[],
): number {
  const met = noop.ms <= TARGET_NOOP_MS && final.ms <= TARGET_NOOP_MS;
  console.log(`
  bench:reconcile  ${TOTAL} schedules (${TENANTS} tenants of ${SCHEDULES_PER_TENANT}), weekly, every ${DISABLED_EVERY}th disabled
    create via API     ${seconds(createMs)} s   ${perSecond(TOTAL, createMs)} schedules/s   (${CREATE_CONCURRENCY} requests in flight)
    no-op reconcile    ${seconds(noop.ms)} s   ${perSecond(TOTAL, noop.ms)} schedules/s   ${formatReport(noop.report)}   (${formatCpu(noop.cpu)})
    after 10% drift    ${seconds(drift.ms)} s   ${formatReport(drift.report)}   (${formatCpu(drift.cpu)})
    catch-up passes    ${catchUp.length} (one full-check cycle), slowest ${seconds(Math.max(...catchUp.map((p) => p.ms)))} s   ${formatReport(sumReports(catchUp))}
    drift + catch-up   ${formatReport(sumReports([drift, ...catchUp]))}
                       (injected: ${formatReport(expected)})
    final no-op        ${seconds(final.ms)} s   ${perSecond(TOTAL, final.ms)} schedules/s   ${formatReport(final.report)}   (${formatCpu(final.cpu)})
    machine load       ${loadavg()[0]?.toFixed(1)} (1-minute average) on ${availableParallelism()} cores
    no-op target       <= ${TARGET_NOOP_MS / 1000} s, both no-op passes: ${met ? 'MET' : 'NOT MET'}
    reports            ${wrong.length === 0 ? 'as injected' : `WRONG:\n      ${wrong.join('\n      ')}`}
`);
  return wrong.length === 0 ? 0 : 1;
}

runBenchmark(main);
