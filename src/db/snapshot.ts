// The immutable snapshot of one run, written inside PostgreSQL: items are copied from the run's
// own capture by INSERT ... SELECT (the payloads are already stored by hash), so no other run of
// the tenant can change what this set holds. Only the payloads of policies whose hash changed
// cross to the worker, a batch at a time, to compute their field changes (./changeRows.ts).
import type { Pool, PoolClient } from 'pg';
import type { ChangeCounts } from '../shared/types';
import type { AuditEntry } from './audit';
import { candidatesOfCapture, changesOf, type DiffBatch, insertChangeRows } from './changeRows';
import { type Db, inSqlTransaction } from './client';
import { foldRestored } from './restoredChanges';

/**
 * The set would not hold what the run reported fetching: a type it did not capture completely,
 * or a count that differs from the capture. Nothing is written; the run must fail.
 */
export class CaptureMismatchError extends Error {
  override readonly name = 'CaptureMismatchError';
}

export interface SnapshotStats {
  backupSetId: string;
  itemCount: number;
  totalBytes: number;
  newPayloadBytes: number;
  /** Against the schedule's previous set (everything is `added` in a schedule's first set). */
  changes: ChangeCounts;
}

export interface SnapshotTarget {
  tenantId: string;
  scheduleId: string;
  runId: string;
  /** Only these types are captured and compared: a type the run could not fetch is neither. */
  policyTypes: string[];
}

/**
 * Writes the run's set (at most one: backup_sets.run_id is unique) from the run's capture, after
 * checking that the capture holds exactly what the sync recorded for each type (the counts the
 * run summary reports). `audit` is appended in the same transaction; `diff` computes the
 * field-level changes of policies whose payload changed.
 */
export async function writeSnapshot(
  db: Db,
  target: SnapshotTarget,
  audit: (stats: SnapshotStats) => AuditEntry,
  diff: DiffBatch,
): Promise<SnapshotStats> {
  return inSqlTransaction(db, 'BEGIN ISOLATION LEVEL REPEATABLE READ', async (client, pool) => {
    const stats = await insertSnapshot(client, pool, target, diff);
    const entry = audit(stats);
    await client.query(
      `INSERT INTO audit_logs (id, tenant_id, actor, action, resource_type, resource_id, metadata)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::jsonb)`,
      [
        entry.tenantId,
        entry.actor,
        entry.action,
        entry.resourceType,
        entry.resourceId ?? null,
        JSON.stringify(entry.metadata ?? {}),
      ],
    );
    return stats;
  });
}

// The run's captured policies of the given types; $1 run id, $2 policy types.
const CAPTURED = `FROM run_captured_items WHERE run_id = $1::uuid AND policy_type = ANY($2::text[])`;

async function insertSnapshot(
  client: PoolClient,
  pool: Pool,
  target: SnapshotTarget,
  diff: DiffBatch,
): Promise<SnapshotStats> {
  const expected = await checkCapture(client, target);
  const previous = await client.query<{ id: string }>(
    `SELECT id FROM backup_sets WHERE schedule_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
    [target.scheduleId],
  );
  const previousSetId = previous.rows[0]?.id ?? null;
  // What changed against the previous set, field by field (./changeRows.ts): the policies whose
  // hash changed are diffed on other connections while this one writes the set.
  // A restored object and its removed source are one change `restored` (./restoredChanges.ts).
  const candidates = await foldRestored(
    client,
    target.tenantId,
    await candidatesOfCapture(client, { runId: target.runId, before: previousSetId }, target.policyTypes),
  );
  const stop = new AbortController();
  const changes = changesOf({ pool, own: client }, candidates, diff, stop.signal);
  changes.catch(() => undefined); // observed now; awaited in writeSet or below
  try {
    return await writeSet(client, target, { expected, previousSetId }, changes);
  } catch (error) {
    // No diff goes on for a set that is not written, nor reads on `client` once it is released.
    stop.abort();
    await changes.catch(() => undefined);
    throw error;
  }
}

async function writeSet(
  client: PoolClient,
  target: SnapshotTarget,
  { expected, previousSetId }: { expected: number; previousSetId: string | null },
  changes: ReturnType<typeof changesOf>,
): Promise<SnapshotStats> {
  const captured = [target.runId, target.policyTypes];

  // Bytes of the payloads no earlier set holds: what this set adds to storage.
  const newPayloads = await client.query<{ bytes: string }>(
    `SELECT coalesce(sum(c.payload_bytes), 0) AS bytes
     FROM (SELECT DISTINCT payload_hash, payload_bytes ${CAPTURED}) c
     WHERE NOT EXISTS (SELECT 1 FROM backup_items i WHERE i.payload_hash = c.payload_hash)`,
    captured,
  );
  const totals = await client.query<{ items: number; bytes: string }>(
    `SELECT count(*)::int AS items, coalesce(sum(payload_bytes), 0) AS bytes ${CAPTURED}`,
    captured,
  );
  const itemCount = totals.rows[0]?.items ?? 0;
  if (itemCount !== expected) {
    throw new CaptureMismatchError(
      `the set would hold ${itemCount} policies but the run fetched ${expected}; no set was written`,
    );
  }
  const totalBytes = Number(totals.rows[0]?.bytes ?? 0);
  const newPayloadBytes = Number(newPayloads.rows[0]?.bytes ?? 0);

  const set = await client.query<{ id: string }>(
    `INSERT INTO backup_sets (id, tenant_id, schedule_id, run_id, item_count, total_bytes,
                              new_payload_bytes, previous_backup_set_id, policy_types, created_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8::text[], now())
     RETURNING id`,
    [
      target.tenantId,
      target.scheduleId,
      target.runId,
      itemCount,
      totalBytes,
      newPayloadBytes,
      previousSetId,
      [...target.policyTypes].sort(),
    ],
  );
  const backupSetId = set.rows[0]?.id as string;

  await client.query(
    `INSERT INTO backup_items (id, backup_set_id, policy_type, graph_id, display_name, payload_hash)
     SELECT gen_random_uuid(), $3::uuid, policy_type, graph_id, display_name, payload_hash ${CAPTURED}`,
    [...captured, backupSetId],
  );
  // The identities of the objects the policies reference, as the sync resolved them.
  await client.query(
    `INSERT INTO backup_set_references
       (id, backup_set_id, kind, object_id, display_name, object_type, details, state)
     SELECT gen_random_uuid(), $2::uuid, kind, object_id, display_name, object_type, details, state
     FROM run_captured_references WHERE run_id = $1::uuid`,
    [target.runId, backupSetId],
  );
  const { rows, counts } = await changes;
  await insertChangeRows(
    client,
    { table: 'backup_set_changes', ownerColumn: 'backup_set_id', ownerId: backupSetId, lineage: true },
    rows,
  );
  return { backupSetId, itemCount, totalBytes, newPayloadBytes, changes: counts };
}

/**
 * Every type of the set must have been captured completely, holding exactly the count the sync
 * recorded for it; returns the total the set must hold.
 */
async function checkCapture(client: PoolClient, target: SnapshotTarget): Promise<number> {
  const { rows } = await client.query<{ policy_type: string; fetched: number | null; held: number }>(
    `SELECT t.policy_type, r.fetched,
            (SELECT count(*)::int FROM run_captured_items c
             WHERE c.run_id = $1::uuid AND c.policy_type = t.policy_type) AS held
     FROM unnest($2::text[]) AS t(policy_type)
     LEFT JOIN run_captured_types r ON r.run_id = $1::uuid AND r.policy_type = t.policy_type`,
    [target.runId, target.policyTypes],
  );
  let expected = 0;
  for (const row of rows) {
    if (row.fetched === null)
      throw new CaptureMismatchError(`the run holds no complete capture of ${row.policy_type}`);
    if (row.fetched !== row.held) {
      throw new CaptureMismatchError(
        `${row.policy_type}: the run fetched ${row.fetched} policies but its capture holds ${row.held}`,
      );
    }
    expected += row.fetched;
  }
  return expected;
}
