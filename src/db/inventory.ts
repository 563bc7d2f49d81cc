// The tenant's policies as the newest sync saw them (the policies table), and each policy's
// versions across the tenant's backup sets.
import { escapeStoredText } from '../graph';
import { type Db, sqlPoolOf } from './client';
import type { KeysetPosition } from './paging';

export interface InventoryRow {
  id: string;
  policyType: string;
  graphId: string;
  displayName: string;
  graphLastModified: Date | null;
  lastSyncedAt: Date;
  deletedAt: Date | null;
  /** When a backup set of the tenant last recorded a change of it (added, modified, renamed, removed). */
  lastChangedAt: Date | null;
}

// `%`, `_` and `\` match themselves in a search.
const likePattern = (text: string) => `%${escapeStoredText(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A page of the inventory in id order (cursor = last id), limit + 1 rows. */
export async function listInventory(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: string; policyType?: string; search?: string; deleted?: boolean },
): Promise<InventoryRow[]> {
  const { rows } = await sqlPoolOf(db).query<InventoryRow>(
    `SELECT p.id, p.policy_type AS "policyType", p.graph_id AS "graphId",
            p.display_name AS "displayName", p.graph_last_modified AS "graphLastModified",
            p.last_synced_at AS "lastSyncedAt", p.deleted_at AS "deletedAt",
            (SELECT max(s.created_at) FROM backup_set_changes c
             JOIN backup_sets s ON s.id = c.backup_set_id AND s.tenant_id = p.tenant_id
             WHERE c.policy_type = p.policy_type AND c.graph_id = p.graph_id) AS "lastChangedAt"
     FROM policies p
     WHERE p.tenant_id = $1::uuid
       AND ($2::text IS NULL OR p.policy_type = $2)
       AND ($3::text IS NULL OR p.display_name ILIKE $3)
       AND ($4::boolean IS NULL OR (p.deleted_at IS NOT NULL) = $4)
       AND ($5::uuid IS NULL OR p.id > $5::uuid)
     ORDER BY p.id LIMIT $6`,
    [
      tenantId,
      page.policyType ?? null,
      page.search ? likePattern(page.search) : null,
      page.deleted ?? null,
      page.cursor ?? null,
      page.limit + 1,
    ],
  );
  return rows;
}

export interface PolicyVersionRow {
  /** 1 for the first version the tenant's sets hold, counting up. */
  version: number;
  payloadHash: string;
  displayName: string;
  setCount: number;
  first: KeysetPosition;
  last: KeysetPosition;
  firstRunId: string;
  lastRunId: string;
}

/**
 * The policy's stored versions, newest first: runs of consecutive sets (in creation order, across
 * the tenant's schedules) holding the same payload. A policy changed twice has three; one that
 * returns to an earlier configuration gets a new version. Those older than `before` only. Rows
 * are small (no payload): a policy backed up hourly for years has a few thousand at most.
 */
export async function listPolicyVersions(
  db: Db,
  policy: { tenantId: string; policyType: string; graphId: string },
  page: { before?: KeysetPosition },
): Promise<PolicyVersionRow[]> {
  const { rows } = await sqlPoolOf(db).query<
    PolicyVersionRow & { firstAt: Date; firstId: string; lastAt: Date; lastId: string }
  >(
    `WITH held AS (
       SELECT i.payload_hash, i.display_name, s.id AS set_id, s.created_at, s.run_id,
              CASE WHEN i.payload_hash IS DISTINCT FROM lag(i.payload_hash)
                     OVER (ORDER BY s.created_at, s.id) THEN 1 ELSE 0 END AS starts
       FROM backup_items i JOIN backup_sets s ON s.id = i.backup_set_id
       WHERE s.tenant_id = $1::uuid AND i.policy_type = $2 AND i.graph_id = $3),
     numbered AS (SELECT *, sum(starts) OVER (ORDER BY created_at, set_id) AS version FROM held),
     versions AS (
       SELECT version::int, min(payload_hash) AS "payloadHash",
              (array_agg(display_name ORDER BY created_at DESC, set_id DESC))[1] AS "displayName",
              count(*)::int AS "setCount",
              min(created_at) AS "firstAt", (array_agg(set_id ORDER BY created_at, set_id))[1] AS "firstId",
              max(created_at) AS "lastAt",
              (array_agg(set_id ORDER BY created_at DESC, set_id DESC))[1] AS "lastId",
              (array_agg(run_id ORDER BY created_at, set_id))[1] AS "firstRunId",
              (array_agg(run_id ORDER BY created_at DESC, set_id DESC))[1] AS "lastRunId"
       FROM numbered GROUP BY version)
     SELECT * FROM versions
     WHERE $4::timestamptz IS NULL OR ("firstAt", "firstId") < ($4::timestamptz, $5::uuid)
     ORDER BY version DESC`,
    [
      policy.tenantId,
      policy.policyType,
      policy.graphId,
      page.before?.createdAt ?? null,
      page.before?.id ?? null,
    ],
  );
  return rows.map(({ firstAt, firstId, lastAt, lastId, ...row }) => ({
    ...row,
    first: { createdAt: firstAt, id: firstId },
    last: { createdAt: lastAt, id: lastId },
  }));
}
