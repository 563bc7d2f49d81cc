// Lineage in a set's changes (issue 17): an object a restore re-created under a new Graph id is
// linked to its source in restore_lineage. When the source was in the previous set and is gone
// now, the pair is ONE change `restored` (source's payload before, the new object's after), not a
// removal plus an unrelated addition. Only a set against its predecessor is folded (the snapshot):
// lineage says nothing about two arbitrary sets.
import type { PoolClient } from 'pg';
import type { Candidate } from './changeRows';

const keyOf = (policyType: string, graphId: string) => `${policyType}\u0000${graphId}`;

/**
 * The candidates with each restored pair folded: the target's `added` candidate carries the
 * source's before side and `restored_from`, the source's `removed` candidate is dropped. Graph ids
 * are compared in their stored form (restore_lineage holds them as backup_items do). A source
 * re-created twice (restored, deleted again, restored) is folded with the earliest target only.
 */
export async function foldRestored(
  client: PoolClient,
  tenantId: string,
  candidates: readonly Candidate[],
): Promise<Candidate[]> {
  const added = candidates.filter((c) => c.before_hash === null);
  const removed = new Map(
    candidates.filter((c) => c.after_hash === null).map((c) => [keyOf(c.policy_type, c.graph_id), c]),
  );
  if (added.length === 0 || removed.size === 0) return [...candidates];
  const { rows } = await client.query<{
    policy_type: string;
    target_graph_id: string;
    source_graph_id: string;
  }>(
    `SELECT l.policy_type, l.target_graph_id, l.source_graph_id
     FROM restore_lineage l
     JOIN unnest($2::text[], $3::text[]) AS a(policy_type, graph_id)
       ON a.policy_type = l.policy_type AND a.graph_id = l.target_graph_id
     WHERE l.tenant_id = $1::uuid
     ORDER BY l.created_at, l.target_graph_id`,
    [tenantId, added.map((c) => c.policy_type), added.map((c) => c.graph_id)],
  );
  const sourceOfTarget = new Map<string, Candidate>();
  const folded = new Set<string>();
  for (const link of rows) {
    const sourceKey = keyOf(link.policy_type, link.source_graph_id);
    const source = removed.get(sourceKey);
    if (!source || folded.has(sourceKey)) continue;
    folded.add(sourceKey);
    sourceOfTarget.set(keyOf(link.policy_type, link.target_graph_id), source);
  }
  return candidates.flatMap((c) => {
    const key = keyOf(c.policy_type, c.graph_id);
    if (c.after_hash === null && folded.has(key)) return [];
    const source = c.before_hash === null ? sourceOfTarget.get(key) : undefined;
    if (!source) return [c];
    return [
      {
        ...c,
        before_name: source.before_name,
        before_hash: source.before_hash,
        restored_from: source.graph_id,
      },
    ];
  });
}
