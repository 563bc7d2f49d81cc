// What as-built documentation reads of a backup set (src/export/documentation): its items in the
// order the document lists them, a page at a time with their payloads, and the names of the
// objects a page's policies reference. Pages keep memory bounded whatever the set's size.
import { type Db, sqlPoolOf } from './client';

export interface DocumentedItem {
  id: string;
  policyType: string;
  /** Stored escape (src/graph/storedText.ts). */
  graphId: string;
  displayName: string;
  /** The canonical payload; undefined for types whose payloads were not asked for. */
  content: unknown;
}

/** Where a page ended: the next page starts after this item in (type, name, id) order. */
export interface DocumentPosition {
  policyType: string;
  displayName: string;
  id: string;
}

/** Items of the set per policy type, in type order. */
export async function itemCountsByType(db: Db, backupSetId: string): Promise<Map<string, number>> {
  const { rows } = await sqlPoolOf(db).query<{ policy_type: string; n: number }>(
    `SELECT policy_type, count(*)::int AS n FROM backup_items WHERE backup_set_id = $1::uuid
     GROUP BY policy_type ORDER BY policy_type`,
    [backupSetId],
  );
  return new Map(rows.map((row) => [row.policy_type, row.n]));
}

/**
 * One page of the set's items after `position`, by type, display name and id; payloads only of
 * the types not in `withoutContent` (a caller who may not read them never has them in memory).
 */
export async function documentedItemsPage(
  db: Db,
  backupSetId: string,
  page: { limit: number; after?: DocumentPosition; withoutContent: readonly string[] },
): Promise<DocumentedItem[]> {
  const after = page.after;
  const { rows } = await sqlPoolOf(db).query<{
    id: string;
    policy_type: string;
    graph_id: string;
    display_name: string;
    content: unknown;
  }>(
    `SELECT i.id, i.policy_type, i.graph_id, i.display_name,
            CASE WHEN i.policy_type = ANY($2::text[]) THEN NULL ELSE p.content END AS content
     FROM backup_items i JOIN backup_payloads p ON p.hash = i.payload_hash
     WHERE i.backup_set_id = $1::uuid
       AND ($3::text IS NULL OR (i.policy_type, i.display_name, i.id) > ($3::text, $4::text, $5::uuid))
     ORDER BY i.policy_type, i.display_name, i.id LIMIT $6`,
    [
      backupSetId,
      [...page.withoutContent],
      after?.policyType ?? null,
      after?.displayName ?? null,
      after?.id ?? null,
      page.limit,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    policyType: row.policy_type,
    graphId: row.graph_id,
    displayName: row.display_name,
    content: row.content ?? undefined,
  }));
}

/** "kind:objectId" (stored escape) -> display name, of the set's resolved references among `keys`. */
export async function referenceNames(
  db: Db,
  backupSetId: string,
  keys: readonly { kind: string; objectId: string }[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const { rows } = await sqlPoolOf(db).query<{ kind: string; object_id: string; display_name: string }>(
    `SELECT r.kind, r.object_id, r.display_name FROM backup_set_references r
     JOIN unnest($2::text[], $3::text[]) AS k(kind, object_id)
       ON r.kind = k.kind AND r.object_id = k.object_id
     WHERE r.backup_set_id = $1::uuid AND r.display_name IS NOT NULL`,
    [backupSetId, keys.map((key) => key.kind), keys.map((key) => key.objectId)],
  );
  return new Map(rows.map((row) => [`${row.kind}:${row.object_id}`, row.display_name]));
}
