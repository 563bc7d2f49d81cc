// Entries of the tenant's Graph audit logs (src/graph/auditSources.ts), read by each sync, and the
// per-source cursor of the last successful read. Not TenantVault's own audit trail (./audit.ts).
import {
  AUDIT_SOURCE_KEYS,
  type AuditActor,
  type AuditEvent,
  type AuditSourceKey,
  unescapeStoredJson,
  unescapeStoredText,
} from '../graph';
import { holdOwnership } from './capture';
import type { Db, DbClient } from './client';
import type { CaptureOwner } from './policies';

/** What one read of one source gave; the run resource shows it per source. */
export type AuditSourceOutcome =
  | { outcome: 'ok'; fetched: number; added: number; since: string }
  | { outcome: 'permission_missing'; requiredPermission: string; reason: string }
  | { outcome: 'failed'; reason: string };

export type AuditEventOutcome = Partial<Record<AuditSourceKey, AuditSourceOutcome>>;

export interface AuditCursor {
  /** When the last successful read began; null before any. */
  readUntil: Date | null;
  coveredFrom: Date | null;
}

export async function readAuditCursor(db: DbClient, tenantId: string, source: AuditSourceKey) {
  const row = await db.graphAuditCursor.findUnique({ where: { tenantId_source: { tenantId, source } } });
  return { readUntil: row?.readUntil ?? null, coveredFrom: row?.coveredFrom ?? null } satisfies AuditCursor;
}

/** Stores the events not stored yet (by tenant, source and event id); returns how many were new. */
export async function storeGraphAuditEvents(
  db: DbClient,
  tenantId: string,
  events: readonly AuditEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const { count } = await db.graphAuditEvent.createMany({
    data: events.map((event) => ({
      tenantId,
      source: event.source,
      eventId: event.eventId,
      activityTime: event.activityTime,
      actor: event.actor as object,
      activity: event.activity,
      operation: event.operation,
      resourceIds: event.resourceIds,
    })),
    skipDuplicates: true,
  });
  return count;
}

/**
 * Records a read's outcome as the source's latest. A successful one (`outcome.ok`) also moves the
 * cursor to `at`, when it began (never back), and, if it was the first, marks where coverage
 * begins (`since`).
 */
export async function recordAuditRead(
  db: DbClient,
  read: { tenantId: string; source: AuditSourceKey; outcome: AuditSourceOutcome; at: Date; since: Date },
): Promise<void> {
  const { tenantId, source, outcome, at } = read;
  const ok = outcome.outcome === 'ok';
  await db.$executeRaw`
    INSERT INTO graph_audit_cursors (tenant_id, source, read_until, covered_from, last_outcome, last_attempted_at)
    VALUES (${tenantId}::uuid, ${source}, ${ok ? at : null}, ${ok ? read.since : null},
            ${JSON.stringify(outcome)}::jsonb, ${at})
    ON CONFLICT (tenant_id, source) DO UPDATE SET
      read_until = GREATEST(graph_audit_cursors.read_until, EXCLUDED.read_until),
      covered_from = COALESCE(graph_audit_cursors.covered_from, EXCLUDED.covered_from),
      last_outcome = EXCLUDED.last_outcome,
      last_attempted_at = EXCLUDED.last_attempted_at`;
}

/** Puts the sync's audit-event outcome on the run's row, if `owner` still owns the capture. */
export async function writeRunAuditOutcome(db: Db, owner: CaptureOwner, outcome: AuditEventOutcome) {
  await db.$transaction(async (tx) => {
    await holdOwnership(tx, owner);
    // updateMany: activities run on their own (tests, replays of a sync) may have no run row.
    await tx.backupScheduleRun.updateMany({
      where: { id: owner.runId },
      data: { auditEventOutcome: outcome as object },
    });
  });
}

export interface AuditActorEvent {
  actor: AuditActor;
  activity: string;
  operation: string | null;
  time: Date;
  source: AuditSourceKey;
}

/**
 * The audit events on each of `graphIds` (as stored: ./storedText.ts) with activity time in
 * (from, to], oldest first. Ids with no event map to an empty list; whether that means "nobody"
 * or "not known" is auditCoverage's answer.
 */
export async function actorsOf(
  db: DbClient,
  tenantId: string,
  graphIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, AuditActorEvent[]>> {
  const result = new Map<string, AuditActorEvent[]>(graphIds.map((id) => [id, []]));
  if (graphIds.length === 0) return result;
  const rows = await db.$queryRaw<
    {
      source: AuditSourceKey;
      activity_time: Date;
      actor: unknown;
      activity: string;
      operation: string | null;
      resource_ids: string[];
    }[]
  >`
    SELECT source, activity_time, actor, activity, operation, resource_ids
    FROM graph_audit_events
    WHERE tenant_id = ${tenantId}::uuid AND resource_ids && ${[...graphIds]}::text[]
      AND activity_time > ${from} AND activity_time <= ${to}
    ORDER BY activity_time, event_id`;
  for (const row of rows) {
    const event: AuditActorEvent = {
      actor: unescapeStoredJson(row.actor) as AuditActor,
      activity: unescapeStoredText(row.activity),
      operation: row.operation === null ? null : unescapeStoredText(row.operation),
      time: row.activity_time,
      source: row.source,
    };
    for (const id of new Set(row.resource_ids)) result.get(id)?.push(event);
  }
  return result;
}

export type AuditCoverageState = 'ok' | 'permission_missing' | 'failed' | 'never_fetched';

export interface AuditSourceCoverage {
  state: AuditCoverageState;
  /** Why actors may be unknown (the latest read's reason); absent when ok. */
  reason?: string;
  requiredPermission?: string;
  /** No actor is known for a change before this (the first successful read's start). */
  coveredFrom: Date | null;
  /** Events up to about this time are stored (the last successful read's start). */
  readUntil: Date | null;
  lastAttemptedAt: Date | null;
}

/**
 * Per source, the latest read's outcome for the tenant: the reason a change's actor is null. A
 * policy type's source is auditSourceFor(type) (src/graph/auditSources.ts).
 */
export async function auditCoverage(
  db: DbClient,
  tenantId: string,
): Promise<Record<AuditSourceKey, AuditSourceCoverage>> {
  const rows = await db.graphAuditCursor.findMany({ where: { tenantId } });
  const bySource = new Map(rows.map((row) => [row.source, row]));
  const coverage = (source: AuditSourceKey): AuditSourceCoverage => {
    const row = bySource.get(source);
    if (!row)
      return {
        state: 'never_fetched',
        reason: 'no sync has read this audit log yet',
        coveredFrom: null,
        readUntil: null,
        lastAttemptedAt: null,
      };
    const last = row.lastOutcome as AuditSourceOutcome;
    return {
      state: last.outcome,
      ...(last.outcome !== 'ok' ? { reason: last.reason } : {}),
      ...(last.outcome === 'permission_missing' ? { requiredPermission: last.requiredPermission } : {}),
      coveredFrom: row.coveredFrom,
      readUntil: row.readUntil,
      lastAttemptedAt: row.lastAttemptedAt,
    };
  };
  return Object.fromEntries(AUDIT_SOURCE_KEYS.map((source) => [source, coverage(source)])) as Record<
    AuditSourceKey,
    AuditSourceCoverage
  >;
}
