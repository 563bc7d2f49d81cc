// The reads behind tenant status (src/services/tenantStatus.ts): a fixed number of queries for
// any number of tenants, never one per tenant or schedule. Each "newest of" is a LATERAL ...
// LIMIT 1 per schedule or tenant, walking an index on (schedule_id | tenant_id, created_at) (the
// partial ones of migration 20261220000300_tenant_status_indexes for the filtered reads), so it
// reads a few rows per tenant, never the whole runs or audit table.
import type { BackupSchedule, DbClient as Db, Tenant } from './client';

export type StatusTenant = Pick<
  Tenant,
  'id' | 'slug' | 'displayName' | 'secretKeyId' | 'offboardedAt' | 'purgeAfter'
>;

/**
 * The tenants a caller may read: every tenant, or those the user is a member of; offboarded
 * tenants only when asked for.
 */
export function statusTenants(
  db: Db,
  query: { memberUserId: string | undefined; includeOffboarded: boolean },
): Promise<StatusTenant[]> {
  return db.tenant.findMany({
    where: {
      ...(query.memberUserId ? { memberships: { some: { userId: query.memberUserId } } } : {}),
      ...(query.includeOffboarded ? {} : { offboardedAt: null }),
    },
    select: {
      id: true,
      slug: true,
      displayName: true,
      secretKeyId: true,
      offboardedAt: true,
      purgeAfter: true,
    },
    orderBy: { id: 'asc' },
  });
}

export function liveSchedulesOf(db: Db, tenantIds: string[]): Promise<BackupSchedule[]> {
  return db.backupSchedule.findMany({
    where: { tenantId: { in: tenantIds }, deletedAt: null },
    orderBy: { id: 'asc' },
  });
}

/** Which newest run of a schedule a row is (a run can be several at once: then several rows). */
export type RunKind = 'last' | 'last_outcome' | 'last_success' | 'last_backup';

export interface StatusRun {
  kind: RunKind;
  id: string;
  scheduleId: string;
  status: string;
  createdAt: Date;
  finishedAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  summary: unknown;
  backupSetId: string | null;
}

/** Per schedule: the newest run, the newest with an outcome, the newest succeeded, the newest with a set. */
export async function newestRunsOf(db: Db, scheduleIds: string[]): Promise<StatusRun[]> {
  if (scheduleIds.length === 0) return [];
  return db.$queryRaw<StatusRun[]>`
    WITH wanted AS (
      SELECT 'last' AS kind, NULL::text[] AS statuses
      UNION ALL SELECT 'last_outcome', ARRAY['succeeded', 'partial', 'failed']
      UNION ALL SELECT 'last_success', ARRAY['succeeded']
      UNION ALL SELECT 'last_backup', ARRAY['succeeded', 'partial']
    )
    SELECT w.kind, r.id, r.schedule_id AS "scheduleId", r.status::text AS status,
           r.created_at AS "createdAt", r.finished_at AS "finishedAt", r.error_code AS "errorCode",
           r.error_message AS "errorMessage",
           CASE WHEN w.kind = 'last_outcome' THEN r.summary END AS summary,
           r.backup_set_id AS "backupSetId"
    FROM wanted w
    CROSS JOIN unnest(${scheduleIds}::uuid[]) AS s(id)
    CROSS JOIN LATERAL (
      SELECT * FROM backup_schedule_runs x
      WHERE x.schedule_id = s.id AND (w.statuses IS NULL OR x.status::text = ANY (w.statuses))
      ORDER BY x.created_at DESC, x.id DESC
      LIMIT 1
    ) r`;
}

export interface NewestCompleteSet {
  tenantId: string;
  id: string;
  createdAt: Date;
}

/**
 * Per tenant, its newest complete backup set: its run succeeded, or was partial only for types
 * whose outcome is no failure (NOT_FAILING_TYPE_OUTCOMES of src/services/statusRules.ts).
 */
export async function newestCompleteSetsOf(
  db: Db,
  tenantIds: string[],
  notFailingOutcomes: readonly string[],
): Promise<NewestCompleteSet[]> {
  if (tenantIds.length === 0) return [];
  const notFailing = [...notFailingOutcomes];
  return db.$queryRaw<NewestCompleteSet[]>`
    SELECT t.id AS "tenantId", b.id, b.created_at AS "createdAt"
    FROM unnest(${tenantIds}::uuid[]) AS t(id)
    CROSS JOIN LATERAL (
      SELECT s.id, s.created_at FROM backup_sets s
      JOIN backup_schedule_runs r ON r.id = s.run_id
      WHERE s.tenant_id = t.id
        AND (r.status = 'succeeded' OR (r.status = 'partial' AND NOT EXISTS (
          SELECT 1 FROM jsonb_each(r.summary -> 'types') AS type(name, value)
          WHERE NOT (type.value ->> 'outcome' = ANY (${notFailing}::text[])))))
      ORDER BY s.created_at DESC
      LIMIT 1
    ) b`;
}

export interface TenantEvent {
  kind: 'token_failure' | 'connection_test';
  tenantId: string;
  at: Date;
  runId: string | null;
  detail: unknown;
}

/**
 * Per tenant, its newest run that failed to get a Graph token (`graph_auth_failed`, the error as
 * detail) and its newest `tenant.connection_tested` audit row (its metadata), where there is one.
 */
export async function credentialEventsOf(db: Db, tenantIds: string[]): Promise<TenantEvent[]> {
  if (tenantIds.length === 0) return [];
  return db.$queryRaw<TenantEvent[]>`
    SELECT 'token_failure' AS kind, t.id AS "tenantId", r.created_at AS at, r.id AS "runId",
           to_jsonb(r.error_message) AS detail
    FROM unnest(${tenantIds}::uuid[]) AS t(id)
    CROSS JOIN LATERAL (
      SELECT x.id, x.created_at, x.error_message FROM backup_schedule_runs x
      WHERE x.tenant_id = t.id AND x.error_code = 'graph_auth_failed'
      ORDER BY x.created_at DESC
      LIMIT 1
    ) r
    UNION ALL
    SELECT 'connection_test', t.id, a.created_at, NULL, a.metadata::jsonb
    FROM unnest(${tenantIds}::uuid[]) AS t(id)
    CROSS JOIN LATERAL (
      SELECT x.created_at, x.metadata FROM audit_logs x
      WHERE x.tenant_id = t.id AND x.action = 'tenant.connection_tested'
      ORDER BY x.created_at DESC
      LIMIT 1
    ) a`;
}
