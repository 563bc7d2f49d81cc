// The changes between two sets of a tenant. A set against its predecessor reads the rows the
// snapshot wrote (backup_set_changes); any other pair is computed once, on its first request, by
// the same writer (./changeRows.ts) and kept in backup_set_comparisons: both sets are immutable,
// so the answer never changes, and it is deleted with either set.
import type { ChangeCounts } from '../shared/types';
import { changeCounts } from './backupSets';
import { candidatesBetweenSets, changesOf, type DiffBatch, insertChangeRows } from './changeRows';
import { type BackupChangeKind, type Db, inSqlTransaction, sqlPoolOf } from './client';

/** Where a pair's change rows live: the later set's own changes, or a computed comparison. */
export type ChangeSource =
  | { kind: 'snapshot'; backupSetId: string }
  | { kind: 'comparison'; comparisonId: string };

export interface ChangeListRow {
  id: string;
  policyType: string;
  graphId: string;
  displayName: string;
  previousDisplayName: string | null;
  change: BackupChangeKind;
  fields: unknown;
  /** `restored`: the Graph id it was re-created from; null otherwise and in comparisons. */
  restoredFromGraphId: string | null;
}

/**
 * The comparison of `fromSetId` (before) with `toSetId` (after) over `policyTypes`, computed now
 * if no request computed it before. Two requests for the same pair compute it once: the second
 * waits on the pair's advisory lock and then finds the first one's rows.
 */
export async function ensureComparison(
  db: Db,
  pair: { fromSetId: string; toSetId: string },
  policyTypes: readonly string[] | null,
  diff: DiffBatch,
): Promise<string> {
  return inSqlTransaction(db, 'BEGIN', async (client, pool) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 15))`, [
      `${pair.fromSetId}>${pair.toSetId}`,
    ]);
    const existing = await client.query<{ id: string }>(
      `SELECT id FROM backup_set_comparisons WHERE from_set_id = $1 AND to_set_id = $2`,
      [pair.fromSetId, pair.toSetId],
    );
    if (existing.rows[0]) return existing.rows[0].id;
    const created = await client.query<{ id: string }>(
      `INSERT INTO backup_set_comparisons (id, from_set_id, to_set_id) VALUES (gen_random_uuid(), $1, $2)
       RETURNING id`,
      [pair.fromSetId, pair.toSetId],
    );
    const comparisonId = created.rows[0]?.id as string;
    const target = {
      table: 'backup_set_comparison_changes',
      ownerColumn: 'comparison_id',
      ownerId: comparisonId,
    };
    const sets = { before: pair.fromSetId, after: pair.toSetId };
    const candidates = await candidatesBetweenSets(client, sets, policyTypes);
    const { rows } = await changesOf({ pool, own: client }, candidates, diff);
    await insertChangeRows(client, target, rows);
    return comparisonId;
  });
}

export interface ChangeFilter {
  policyType?: string;
  change?: BackupChangeKind;
}

// Both tables have the same columns; only the owner differs.
const TABLES = {
  snapshot: { table: 'backup_set_changes', owner: 'backup_set_id' },
  comparison: { table: 'backup_set_comparison_changes', owner: 'comparison_id' },
} as const;

function selection(source: ChangeSource, filter: ChangeFilter) {
  const { table, owner } = TABLES[source.kind];
  const ownerId = source.kind === 'snapshot' ? source.backupSetId : source.comparisonId;
  const where = `${owner} = $1::uuid AND ($2::text IS NULL OR policy_type = $2)
                 AND ($3::backup_change_kind IS NULL OR change = $3::backup_change_kind)`;
  return { table, where, params: [ownerId, filter.policyType ?? null, filter.change ?? null] };
}

/** One page of the pair's changes in id order (cursor = last id); limit + 1 rows. */
export async function listChanges(
  db: Db,
  source: ChangeSource,
  page: ChangeFilter & { limit: number; cursor?: string },
): Promise<ChangeListRow[]> {
  const { table, where, params } = selection(source, page);
  const { rows } = await sqlPoolOf(db).query<ChangeListRow>(
    `SELECT id, policy_type AS "policyType", graph_id AS "graphId", display_name AS "displayName",
            previous_display_name AS "previousDisplayName", change, fields,
            ${source.kind === 'snapshot' ? 'restored_from_graph_id' : 'NULL::text'} AS "restoredFromGraphId"
     FROM ${table} WHERE ${where} AND ($4::uuid IS NULL OR id > $4::uuid)
     ORDER BY id LIMIT $5`,
    [...params, page.cursor ?? null, page.limit + 1],
  );
  return rows;
}

/** Counts per policy type and kind of change, and in total, of the pair's changes. */
export async function countChanges(
  db: Db,
  source: ChangeSource,
  filter: ChangeFilter,
): Promise<{ total: ChangeCounts; byType: Record<string, ChangeCounts> }> {
  const { table, where, params } = selection(source, filter);
  const { rows } = await sqlPoolOf(db).query<{ policy_type: string; change: BackupChangeKind; n: number }>(
    `SELECT policy_type, change, count(*)::int AS n FROM ${table} WHERE ${where}
     GROUP BY policy_type, change ORDER BY policy_type`,
    params,
  );
  const perType = new Map<string, { change: BackupChangeKind; n: number }[]>();
  for (const row of rows) perType.set(row.policy_type, [...(perType.get(row.policy_type) ?? []), row]);
  const byType = Object.fromEntries([...perType].map(([type, list]) => [type, changeCounts(list)]));
  const total = changeCounts(
    (['added', 'removed', 'modified', 'renamed', 'restored'] as const).map((change) => ({
      change,
      n: rows.filter((row) => row.change === change).reduce((sum, row) => sum + row.n, 0),
    })),
  );
  return { total, byType };
}
