// Tenant status: the facts of many tenants in a fixed number of queries (src/db/tenantStatus.ts),
// judged by the rules of ./statusRules.ts, ordered worst first; Temporal's next run times only
// for the tenants of the page asked for, in one batched read.
import type { Client } from '@temporalio/client';
import type { BackupSchedule, Db } from '../db/client';
import {
  credentialEventsOf,
  liveSchedulesOf,
  type NewestCompleteSet,
  newestCompleteSetsOf,
  newestRunsOf,
  type RunKind,
  type StatusRun,
  type StatusTenant,
  statusTenants,
  type TenantEvent,
} from '../db/tenantStatus';
import { unescapeStoredJson } from '../graph';
import type { RunSummary } from '../shared/types';
import { type NextRunTimes, nextRunTimesOf } from '../temporal/nextRunTimesBatch';
import { syncedIds } from './schedules';
import {
  type FailingType,
  judgedRunStatus,
  NOT_FAILING_TYPE_OUTCOMES,
  type RunOutcomeStatus,
  STATE_ORDER,
  type StateReason,
  scheduleIntervalMs,
  type TenantState,
  tenantStateOf,
} from './statusRules';
import { getTenant } from './tenants';

export interface StatusDeps {
  db: Db;
  temporal: Client;
  secrets: { activeKeyId: string };
}

export interface ScheduleStatus {
  schedule: BackupSchedule;
  runs: Partial<Record<RunKind, StatusRun>>;
  failingTypes: FailingType[];
}

export interface TenantStatus {
  tenant: StatusTenant;
  state: TenantState;
  reasons: StateReason[];
  schedules: ScheduleStatus[];
  secretUnderActiveKey: boolean;
  lastTokenFailure: TenantEvent | null;
  lastConnectionTest: TenantEvent | null;
  newestCompleteSet: NewestCompleteSet | null;
  /** Filled for the tenants answered (see withNextRunTimes). */
  nextRunTimes: NextRunTimes;
}

export type StatusSort = 'state' | 'age';

function typesOf(run: StatusRun | undefined): RunSummary['types'] {
  const summary = run && (unescapeStoredJson(run.summary) as Partial<RunSummary> | null);
  return summary?.types ?? {};
}

/** The types of a run's summary that failed (not `ok`, not `unsupported`), with the stored reason. */
function failingTypesOf(types: RunSummary['types']): FailingType[] {
  return Object.entries(types)
    .filter(([, type]) => !NOT_FAILING_TYPE_OUTCOMES.includes(type.outcome))
    .map(([type, t]) => ({
      type,
      outcome: t.outcome,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.requiredPermission ? { requiredPermission: t.requiredPermission } : {}),
    }));
}

function byKey<T, K>(rows: T[], key: (row: T) => K): Map<K, T> {
  return new Map(rows.map((row) => [key(row), row]));
}

/** Every fact and the judged state of each tenant, in a fixed number of queries. */
async function statusesOf(deps: StatusDeps, tenants: StatusTenant[], now: Date): Promise<TenantStatus[]> {
  const tenantIds = tenants.map((tenant) => tenant.id);
  const schedules = await liveSchedulesOf(deps.db, tenantIds);
  const [runs, sets, credentialEvents] = await Promise.all([
    newestRunsOf(
      deps.db,
      schedules.map((schedule) => schedule.id),
    ),
    newestCompleteSetsOf(deps.db, tenantIds, NOT_FAILING_TYPE_OUTCOMES),
    credentialEventsOf(deps.db, tenantIds),
  ]);
  const runsBySchedule = new Map<string, Partial<Record<RunKind, StatusRun>>>();
  for (const run of runs)
    runsBySchedule.set(run.scheduleId, { ...runsBySchedule.get(run.scheduleId), [run.kind]: run });
  const setOf = byKey(sets, (set) => set.tenantId);
  const events = byKey(credentialEvents, (event) => `${event.kind}:${event.tenantId}`);
  const eventOf = (kind: TenantEvent['kind'], tenantId: string) => events.get(`${kind}:${tenantId}`) ?? null;
  // Each schedule's last outcome is read once (its summary unescaped once), grouped by tenant.
  const schedulesOf = new Map<string, { status: ScheduleStatus; lastTypes: RunSummary['types'] }[]>();
  for (const schedule of schedules) {
    const scheduleRuns = runsBySchedule.get(schedule.id) ?? {};
    const lastTypes = typesOf(scheduleRuns.last_outcome);
    const status = { schedule, runs: scheduleRuns, failingTypes: failingTypesOf(lastTypes) };
    schedulesOf.set(schedule.tenantId, [
      ...(schedulesOf.get(schedule.tenantId) ?? []),
      { status, lastTypes },
    ]);
  }
  return tenants.map((tenant) => {
    const own = schedulesOf.get(tenant.id) ?? [];
    const secretUnderActiveKey = tenant.secretKeyId === deps.secrets.activeKeyId;
    const judged = tenantStateOf({
      now,
      secretUnderActiveKey,
      secretStored: tenant.secretKeyId !== null,
      offboarding: tenant.offboardedAt
        ? { offboardedAt: tenant.offboardedAt, purgeAfter: tenant.purgeAfter }
        : null,
      schedules: own.map(({ status: { schedule, runs: r, failingTypes }, lastTypes }) => ({
        id: schedule.id,
        name: schedule.name,
        enabled: schedule.enabled,
        syncState: schedule.temporalSyncState,
        intervalMs: scheduleIntervalMs(schedule),
        lastOutcome: r.last_outcome
          ? {
              status: judgedRunStatus(
                r.last_outcome.status as RunOutcomeStatus,
                Object.values(lastTypes).map((type) => type.outcome),
              ),
              errorCode: r.last_outcome.errorCode,
              finishedAt: r.last_outcome.finishedAt,
            }
          : null,
        failingTypes,
        lastBackupAt: r.last_backup ? (r.last_backup.finishedAt ?? r.last_backup.createdAt) : null,
        createdAt: schedule.createdAt,
      })),
    });
    return {
      tenant,
      ...judged,
      schedules: own.map(({ status }) => status),
      secretUnderActiveKey,
      lastTokenFailure: eventOf('token_failure', tenant.id),
      lastConnectionTest: eventOf('connection_test', tenant.id),
      newestCompleteSet: setOf.get(tenant.id) ?? null,
      nextRunTimes: new Map(),
    };
  });
}

/** One ListSchedules read for the schedules of every tenant given. */
async function withNextRunTimes(deps: StatusDeps, statuses: TenantStatus[]): Promise<TenantStatus[]> {
  const ids = syncedIds(statuses.flatMap((status) => status.schedules.map((s) => s.schedule)));
  const nextRunTimes = await nextRunTimesOf(deps.temporal, ids);
  return statuses.map((status) => ({ ...status, nextRunTimes }));
}

export async function getTenantStatus(
  deps: StatusDeps,
  tenantId: string,
  now = new Date(),
): Promise<TenantStatus> {
  const tenant = await getTenant(deps.db, tenantId);
  const [status] = await withNextRunTimes(deps, await statusesOf(deps, [tenant], now));
  return status as TenantStatus;
}

// No complete backup at all sorts as the oldest.
const ageKey = (status: TenantStatus) => status.newestCompleteSet?.createdAt.getTime() ?? -Infinity;
const stateKey = (status: TenantStatus) => STATE_ORDER.indexOf(status.state);

const COMPARATORS: Record<StatusSort, ((a: TenantStatus, b: TenantStatus) => number)[]> = {
  state: [(a, b) => stateKey(a) - stateKey(b), (a, b) => ageKey(a) - ageKey(b)],
  age: [(a, b) => ageKey(a) - ageKey(b), (a, b) => stateKey(a) - stateKey(b)],
};

/**
 * The caller's tenants (all for a platform admin), worst first. The state is judged from every
 * readable tenant's facts (a fixed number of queries), so a page is a slice of one ordering; the
 * cursor is the offset of the next page. The order is recomputed for each page: a tenant whose
 * state or newest backup changed between two pages may move across the cursor, so it can be
 * listed twice or not at all in one walk (a keyset over a state that changes underneath would
 * have the same gap); a walk is a view of the moment each page was read, not a snapshot.
 */
export async function listTenantStatuses(
  deps: StatusDeps,
  query: {
    limit: number;
    offset: number;
    sort: StatusSort;
    memberUserId: string | undefined;
    includeOffboarded: boolean;
  },
  now = new Date(),
): Promise<{ statuses: TenantStatus[]; nextOffset: number | null }> {
  const all = await statusesOf(deps, await statusTenants(deps.db, query), now);
  const comparators = [
    ...COMPARATORS[query.sort],
    (a: TenantStatus, b: TenantStatus) => a.tenant.slug.localeCompare(b.tenant.slug),
  ];
  all.sort((a, b) => comparators.reduce((order, compare) => order || compare(a, b), 0));
  const end = query.offset + query.limit;
  return {
    statuses: await withNextRunTimes(deps, all.slice(query.offset, end)),
    nextOffset: end < all.length ? end : null,
  };
}
