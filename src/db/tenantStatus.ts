// The reads behind tenant status (src/services/tenantStatus.ts): a fixed number of queries for
// any number of tenants, never one per tenant or schedule. Each "newest of" is a DISTINCT ON over
// the (schedule_id, created_at) and (tenant_id, created_at) indexes.
import type { BackupSchedule, DbClient as Db, Tenant } from './client';

export type StatusTenant = Pick<Tenant, 'id' | 'slug' | 'displayName' | 'secretKeyId'>;

/** The tenants a caller may read: every tenant, or those the user is a member of. */
export function statusTenants(db: Db, memberUserId: string | undefined): Promise<StatusTenant[]> {
  return db.tenant.findMany({
    where: memberUserId ? { memberships: { some: { userId: memberUserId } } } : {},
    select: { id: true, slug: true, displayName: true, secretKeyId: true },
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

/** Per tenant, its newest backup set whose run succeeded (every type of the schedule captured). */
export async function newestCompleteSetsOf(db: Db, tenantIds: string[]): Promise<NewestCompleteSet[]> {
  if (tenantIds.length === 0) return [];
  return db.$queryRaw<NewestCompleteSet[]>`
    SELECT t.id AS "tenantId", b.id, b.created_at AS "createdAt"
    FROM unnest(${tenantIds}::uuid[]) AS t(id)
    CROSS JOIN LATERAL (
      SELECT s.id, s.created_at FROM backup_sets s
      JOIN backup_schedule_runs r ON r.id = s.run_id AND r.status = 'succeeded'
      WHERE s.tenant_id = t.id
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
    (SELECT DISTINCT ON (tenant_id) 'token_failure' AS kind, tenant_id AS "tenantId", created_at AS at,
            id AS "runId", to_jsonb(error_message) AS detail
     FROM backup_schedule_runs
     WHERE tenant_id = ANY (${tenantIds}::uuid[]) AND error_code = 'graph_auth_failed'
     ORDER BY tenant_id, created_at DESC)
    UNION ALL
    (SELECT DISTINCT ON (tenant_id) 'connection_test', tenant_id, created_at, NULL, metadata::jsonb
     FROM audit_logs
     WHERE tenant_id = ANY (${tenantIds}::uuid[]) AND action = 'tenant.connection_tested'
     ORDER BY tenant_id, created_at DESC)`;
}
