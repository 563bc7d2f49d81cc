// The sync's last step: who changed what. Each audit log (src/graph/auditSources.ts) that covers a
// policy type of the run is read since its cursor, every page, and stored once per event id; the
// cursor moves only when the read succeeded. No outcome of this step fails or retries the run:
// a missing permission is `permission_missing` naming it, any other Graph failure `failed` with
// its reason (on the run's row, audit_event_outcome), and the next sync reads the same window
// again. Only errors outside Graph (the database) are thrown, for Temporal to retry the sync.
import {
  type AuditEventOutcome,
  type AuditSourceOutcome,
  readAuditCursor,
  recordAuditRead,
  storeGraphAuditEvents,
  writeRunAuditOutcome,
} from '../db/graphAuditEvents';
import { databaseNow } from '../db/capture';
import type { Db } from '../db/client';
import type { CaptureOwner } from '../db/policies';
import {
  AUDIT_SOURCE_KEYS,
  AUDIT_SOURCES,
  type AuditEvent,
  type AuditSource,
  auditEventsQuery,
  auditSourceFor,
  FETCH_OVERLAP_MINUTES,
  FIRST_FETCH_LOOKBACK_DAYS,
  GraphAuthError,
  type GraphClient,
  GraphProtocolError,
  GraphRequestError,
} from '../graph';

export interface AuditEventCapture {
  db: Db;
  client: GraphClient;
  owner: CaptureOwner;
  tenantId: string;
  /** The run's policy types: a source is read only when it covers one of them. */
  policyTypes: readonly string[];
  signal?: AbortSignal;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export async function captureAuditEvents(capture: AuditEventCapture): Promise<AuditEventOutcome> {
  const outcome: AuditEventOutcome = {};
  for (const key of AUDIT_SOURCE_KEYS) {
    if (!capture.policyTypes.some((type) => auditSourceFor(type) === key)) continue;
    outcome[key] = await readSource(capture, AUDIT_SOURCES[key]);
  }
  await writeRunAuditOutcome(capture.db, capture.owner, outcome);
  return outcome;
}

async function readSource(capture: AuditEventCapture, source: AuditSource): Promise<AuditSourceOutcome> {
  const { db, client, tenantId, signal } = capture;
  const at = await databaseNow(db);
  const since = await startOfRead(capture, source, at);
  let outcome: AuditSourceOutcome;
  try {
    let fetched = 0;
    let added = 0;
    const first = client.url(source.graphVersion, auditEventsQuery(source, since));
    for await (const page of client.collectionPages(first, 'collection', signal)) {
      const events = page.map(source.toEvent).filter((event): event is AuditEvent => event !== null);
      added += await storeGraphAuditEvents(db, tenantId, events);
      fetched += events.length;
    }
    outcome = { outcome: 'ok', fetched, added, since: since.toISOString() };
  } catch (error) {
    outcome = failureOutcome(error, source);
  }
  await recordAuditRead(db, { tenantId, source: source.key, outcome, at, since });
  return outcome;
}

/** Shortly before the last successful read began; a tenant's first read looks back a bounded time. */
async function startOfRead(capture: AuditEventCapture, source: AuditSource, now: Date): Promise<Date> {
  const { readUntil } = await readAuditCursor(capture.db, capture.tenantId, source.key);
  if (readUntil) return new Date(readUntil.getTime() - FETCH_OVERLAP_MINUTES * MINUTE_MS);
  const days = Math.min(FIRST_FETCH_LOOKBACK_DAYS, source.retentionDays);
  return new Date(now.getTime() - days * DAY_MS);
}

/** A Graph failure as the source's outcome; anything else (the database, a bug) is rethrown. */
export function failureOutcome(error: unknown, source: AuditSource): AuditSourceOutcome {
  if (error instanceof GraphRequestError && error.status === 403)
    return {
      outcome: 'permission_missing',
      requiredPermission: source.permission,
      reason: `Graph answered 403 on ${error.path}`,
    };
  if (error instanceof GraphProtocolError)
    return { outcome: 'failed', reason: `${error.message} (${error.path})` };
  if (error instanceof GraphRequestError || error instanceof GraphAuthError)
    return { outcome: 'failed', reason: error.message };
  throw error;
}
