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
}

/**
 * Upserts one page of policies in a single statement (not one round trip per row) and counts
 * which were new and which changed. The CTE's snapshot shows `previous` as it was before the
 * insert, which is what makes the counts exact. Runs on pg directly: see sqlPoolOf.
 */
export async function upsertPolicyPage(
  db: Db,
  tenantId: string,
  policyType: string,
  syncedAt: Date,
  rows: PolicyRow[],
): Promise<{ added: number; modified: number }> {
  if (rows.length === 0) return { added: 0, modified: 0 };
  // One parameter per value, as a multi-row VALUES list: passing the payloads as one text[]
  // would make pg escape every quote of every JSON document into an array literal (bench:sync
  // measured that as the largest single cost of the write).
  const params: unknown[] = [tenantId, policyType, syncedAt];
  const values = rows.map((row) => {
    const at = params.length;
    params.push(
      row.graphId,
      row.displayName,
      row.canonicalJson,
      row.sha256,
      row.graphLastModified,
      row.sizeBytes,
    );
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::timestamptz, $${at + 6}::int)`;
  });
  const result = await sqlPoolOf(db).query<{ added: string; modified: string }>(
    upsertPolicyPageSql(values.join(',\n')),
    params,
  );
  const counts = result.rows[0];
  return { added: Number(counts?.added ?? 0), modified: Number(counts?.modified ?? 0) };
}

const upsertPolicyPageSql = (values: string) => `
  WITH incoming (graph_id, display_name, payload, payload_hash, graph_last_modified, payload_bytes) AS (
    VALUES ${values}
  ),
  previous AS (
    SELECT p.graph_id, p.payload_hash, p.deleted_at FROM policies p
    WHERE p.tenant_id = $1::uuid AND p.policy_type = $2
      AND p.graph_id IN (SELECT graph_id FROM incoming)
  ),
  upserted AS (
    INSERT INTO policies (id, tenant_id, policy_type, graph_id, display_name, payload, payload_hash,
                          payload_bytes, graph_last_modified, last_synced_at, deleted_at)
    SELECT gen_random_uuid(), $1::uuid, $2, i.graph_id, i.display_name, i.payload::jsonb,
           i.payload_hash, i.payload_bytes, i.graph_last_modified, $3::timestamptz, NULL
    FROM incoming i
    ON CONFLICT (tenant_id, policy_type, graph_id) DO UPDATE SET
      display_name = EXCLUDED.display_name, payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash,
      payload_bytes = EXCLUDED.payload_bytes, graph_last_modified = EXCLUDED.graph_last_modified,
      last_synced_at = EXCLUDED.last_synced_at, deleted_at = NULL
    RETURNING graph_id
  )
  SELECT
    count(*) FILTER (WHERE p.graph_id IS NULL OR p.deleted_at IS NOT NULL) AS added,
    count(*) FILTER (WHERE p.deleted_at IS NULL AND p.payload_hash <> i.payload_hash) AS modified
  FROM incoming i
  JOIN upserted u ON u.graph_id = i.graph_id
  LEFT JOIN previous p ON p.graph_id = i.graph_id`;

/** Policies not seen by a complete sync started at `syncStartedAt` vanished from Graph: keep, mark deleted. */
export async function markVanishedPolicies(
  db: DbClient,
  tenantId: string,
  policyType: string,
  syncStartedAt: Date,
): Promise<number> {
  const { count } = await db.policy.updateMany({
    where: { tenantId, policyType, deletedAt: null, lastSyncedAt: { lt: syncStartedAt } },
    data: { deletedAt: new Date() },
  });
  return count;
}
