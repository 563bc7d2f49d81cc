// A sync writes each page twice in one statement: into the run's own capture (what its backup set
// will hold) and into the tenant's current state (policies), with the payload text stored once
// by hash in backup_payloads. Runs of a tenant that overlap share the current state but never a
// capture, so one run cannot take from or erase what another fetched.
import { type Db, type DbClient, sqlPoolOf } from './client';

export interface PolicyRow {
  graphId: string;
  displayName: string;
  /** Canonical JSON text (volatile fields stripped, keys sorted). */
  canonicalJson: string;
  sha256: string;
  /** UTF-8 bytes of canonicalJson. */
  sizeBytes: number;
  graphLastModified: Date | null;
  /** The objects the payload references, as "kind:id" (src/references/). */
  referenced?: readonly string[];
}

/** A sync attempt of a run: Temporal's attempt number, so a newer attempt always wins. */
export interface CaptureOwner {
  runId: string;
  attempt: number;
}

/** Where a page goes: written only while its attempt owns the run's capture (capture.ts). */
export interface PageTarget extends CaptureOwner {
  tenantId: string;
  policyType: string;
}

const FOREIGN_KEY_VIOLATION = '23503';
const DEADLOCK_DETECTED = '40P01';

/** A newer attempt of the run's sync took the capture over, or the run has ended: nothing written. */
export class CaptureSupersededError extends Error {
  override readonly name = 'CaptureSupersededError';
  constructor(owner: CaptureOwner) {
    super(`sync attempt ${owner.attempt} of run ${owner.runId} no longer owns its capture`);
  }
}

/**
 * Writes one page in a single statement (not one round trip per row) and counts which policies
 * were new or changed in the tenant's current state. The CTE's snapshot shows `previous` as it
 * was before the insert, which is what makes the counts exact. Runs on pg directly: see sqlPoolOf.
 */
export async function writePolicyPage(
  db: Db,
  target: PageTarget,
  rows: PolicyRow[],
): Promise<{ added: number; modified: number }> {
  if (rows.length === 0) return { added: 0, modified: 0 };
  // One parameter per value, as a multi-row VALUES list: passing the payloads as one text[]
  // would make pg escape every quote of every JSON document into an array literal (bench:sync
  // measured that as the largest single cost of the write).
  const params: unknown[] = [target.tenantId, target.policyType, target.runId, target.attempt];
  const values = rows.map((row) => {
    const at = params.length;
    params.push(
      row.graphId,
      row.displayName,
      row.canonicalJson,
      row.sha256,
      row.graphLastModified,
      row.sizeBytes,
      row.referenced ?? [],
    );
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::timestamptz, $${at + 6}::int, $${at + 7}::text[])`;
  });
  const sql = writePolicyPageSql(values.join(',\n'));
  const write = () => sqlPoolOf(db).query<{ owned: string; added: string; modified: string }>(sql, params);
  const result = await write().catch((error: unknown) => {
    // Payload collection (retention, the end of another run) removed a payload this page refers
    // to between the statement's insert and its foreign-key check, or took its row locks in a
    // way PostgreSQL broke as a deadlock: the page is written again (storing the payload anew).
    const code = (error as { code?: string }).code;
    if (code !== FOREIGN_KEY_VIOLATION && code !== DEADLOCK_DETECTED) throw error;
    return write();
  });
  const counts = result.rows[0];
  if (Number(counts?.owned ?? 0) === 0) throw new CaptureSupersededError(target);
  return { added: Number(counts?.added ?? 0), modified: Number(counts?.modified ?? 0) };
}

// $1 tenant, $2 policy type, $3 run, $4 attempt. Nothing is written unless the attempt owns the
// run's capture (FOR SHARE: a takeover waits for this statement). Payloads are inserted and
// referred to sorted by hash, and policies by Graph id, so two statements writing overlapping
// pages take their row locks in the same order. A policy row records when it was last written
// (database time): a run that finishes its listing marks vanished only rows nobody wrote since
// it started (markVanishedPolicies).
const writePolicyPageSql = (values: string) => `
  WITH owner AS (
    SELECT 1 FROM run_capture_owners WHERE run_id = $3::uuid AND attempt = $4 FOR SHARE
  ),
  incoming (graph_id, display_name, payload, payload_hash, graph_last_modified, payload_bytes, referenced) AS (
    SELECT * FROM (VALUES ${values}) AS v WHERE EXISTS (SELECT 1 FROM owner)
  ),
  stored AS (
    INSERT INTO backup_payloads (hash, content, size_bytes, created_at)
    SELECT DISTINCT ON (i.payload_hash) i.payload_hash, i.payload::jsonb, i.payload_bytes, now()
    FROM incoming i
    WHERE NOT EXISTS (SELECT 1 FROM backup_payloads p WHERE p.hash = i.payload_hash)
    ORDER BY i.payload_hash
    ON CONFLICT (hash) DO NOTHING
  ),
  captured AS (
    INSERT INTO run_captured_items (run_id, policy_type, graph_id, display_name, payload_hash, payload_bytes,
                                    referenced)
    SELECT $3::uuid, $2, i.graph_id, i.display_name, i.payload_hash, i.payload_bytes, i.referenced
    FROM incoming i
    ORDER BY i.payload_hash
    ON CONFLICT (run_id, policy_type, graph_id) DO UPDATE SET
      display_name = EXCLUDED.display_name, payload_hash = EXCLUDED.payload_hash,
      payload_bytes = EXCLUDED.payload_bytes, referenced = EXCLUDED.referenced
  ),
  previous AS (
    SELECT p.graph_id, p.payload_hash, p.deleted_at FROM policies p
    WHERE p.tenant_id = $1::uuid AND p.policy_type = $2
      AND p.graph_id IN (SELECT graph_id FROM incoming)
  ),
  upserted AS (
    INSERT INTO policies (id, tenant_id, policy_type, graph_id, display_name, payload_hash,
                          payload_bytes, graph_last_modified, last_synced_at, deleted_at)
    SELECT gen_random_uuid(), $1::uuid, $2, i.graph_id, i.display_name, i.payload_hash,
           i.payload_bytes, i.graph_last_modified, now(), NULL
    FROM incoming i
    ORDER BY i.graph_id
    ON CONFLICT (tenant_id, policy_type, graph_id) DO UPDATE SET
      display_name = EXCLUDED.display_name, payload_hash = EXCLUDED.payload_hash,
      payload_bytes = EXCLUDED.payload_bytes, graph_last_modified = EXCLUDED.graph_last_modified,
      last_synced_at = EXCLUDED.last_synced_at, deleted_at = NULL
    RETURNING graph_id
  )
  SELECT
    (SELECT count(*) FROM owner) AS owned,
    count(*) FILTER (WHERE p.graph_id IS NULL OR p.deleted_at IS NOT NULL) AS added,
    count(*) FILTER (WHERE p.deleted_at IS NULL AND p.payload_hash <> i.payload_hash) AS modified
  FROM incoming i
  JOIN upserted u ON u.graph_id = i.graph_id
  LEFT JOIN previous p ON p.graph_id = i.graph_id`;

/**
 * After a complete listing: the type's policies that this run did not capture and that no sync
 * wrote since `listingStartedAt` (database time) vanished from Graph. They are kept, marked
 * deleted. A run that started earlier and wrote a page after this one started cannot have its
 * policies marked vanished here, and this run never marks what it saw itself.
 */
export async function markVanishedPolicies(
  db: DbClient,
  target: PageTarget,
  listingStartedAt: Date,
): Promise<number> {
  return db.$executeRaw`
    WITH vanished AS (
      SELECT p.id FROM policies p
      WHERE p.tenant_id = ${target.tenantId}::uuid AND p.policy_type = ${target.policyType}
        AND p.deleted_at IS NULL AND p.last_synced_at < ${listingStartedAt}
        AND NOT EXISTS (
          SELECT 1 FROM run_captured_items c
          WHERE c.run_id = ${target.runId}::uuid AND c.policy_type = p.policy_type
            AND c.graph_id = p.graph_id)
      ORDER BY p.graph_id
      FOR UPDATE)
    UPDATE policies SET deleted_at = now() WHERE id IN (SELECT id FROM vanished)`;
}

/** The tenant's current row for one policy (Graph id in stored form). */
export function findPolicy(db: Db, key: { tenantId: string; policyType: string; graphId: string }) {
  return db.policy.findUnique({ where: { tenantId_policyType_graphId: key } });
}
