// What a run's events say beyond its outcome: the set's stored changes (backup_set_changes, with
// who made them) and how the set differs from each baseline its tenant is subscribed to. Read
// before the audit step's transaction, which only writes.
import { unescapeStoredJson, unescapeStoredText } from '../graph';
import type { BaselineDrift, ChangedPolicy, SetChanges } from '../notifications/runEvents';
import { compareSets } from './baselineCompare';
import { actorAttribution } from './changeActors';
import { type Db, sqlPoolOf } from './client';
import { countChanges } from './comparisons';

/** The set's change counts and its first `limit` changed policies (by type, then name). */
export async function readSetChanges(
  db: Db,
  set: { id: string; tenantId: string; runId: string; createdAt: Date; previousSetId: string | null },
  limit: number,
): Promise<SetChanges> {
  const { total, byType } = await countChanges(db, { kind: 'snapshot', backupSetId: set.id }, {});
  const { rows } = await sqlPoolOf(db).query<Omit<ChangedPolicy, 'actors'>>(
    `SELECT policy_type AS "policyType", graph_id AS "graphId", display_name AS "displayName",
            previous_display_name AS "previousDisplayName", change, fields
     FROM backup_set_changes WHERE backup_set_id = $1::uuid
     ORDER BY policy_type, display_name, graph_id LIMIT $2`,
    [set.id, limit],
  );
  const previous = set.previousSetId
    ? await db.backupSet.findUnique({
        where: { id: set.previousSetId },
        select: { createdAt: true, runId: true },
      })
    : null;
  const attributed = await actorAttribution(db, set.tenantId)({ from: previous, to: set }, rows);
  const first = attributed.map((row) => ({
    ...row,
    graphId: unescapeStoredText(row.graphId),
    displayName: unescapeStoredText(row.displayName),
    previousDisplayName:
      row.previousDisplayName === null ? null : unescapeStoredText(row.previousDisplayName),
    fields: unescapeStoredJson(row.fields),
    actors:
      row.actors?.map((event) => ({
        actor: unescapeStoredJson(event.actor) as object,
        activity: unescapeStoredText(event.activity),
        time: event.time,
      })) ?? null,
  }));
  return { previousSetId: set.previousSetId, total, byType, first };
}

/** The set against every baseline its tenant is subscribed to (the tenant's own set excluded). */
export async function readBaselineDrift(
  db: Db,
  set: { id: string; tenantId: string },
): Promise<BaselineDrift[]> {
  const subscriptions = await db.baselineSubscription.findMany({
    where: { tenantId: set.tenantId },
    include: { baseline: true },
    orderBy: { baselineId: 'asc' },
  });
  const drift: BaselineDrift[] = [];
  for (const { baseline } of subscriptions) {
    if (baseline.backupSetId === set.id) continue;
    const { counts, items } = await compareSets(db, {
      baselineId: baseline.id,
      baselineSetId: baseline.backupSetId,
      tenantId: set.tenantId,
      tenantSetId: set.id,
    });
    const policyTypes = [...new Set(items.filter((i) => i.bucket !== 'matching').map((i) => i.policyType))];
    drift.push({
      baselineId: baseline.id,
      baselineName: baseline.name,
      baselineSetId: baseline.backupSetId,
      counts,
      policyTypes,
    });
  }
  return drift;
}
