// What changed between two backup sets of a tenant, policy by policy and field by field (src/diff),
// with who made each change where the tenant's audit logs say so (src/db/graphAuditEvents.ts).
import type { BackupSetWithHold } from '../db/backupSets';
import type { BackupChangeKind, Db } from '../db/client';
import {
  type ChangeListRow,
  type ChangeSource,
  countChanges,
  ensureComparison,
  listChanges,
} from '../db/comparisons';
import { settingDefinitionNames } from '../db/settingDefinitions';
import { diffBatchWith } from '../diff';
import { type ActorAttribution, attributeActors } from './changeActors';
import { getBackupSet } from './backupSets';
import { InvalidInputError } from './errors';

export interface DiffQuery {
  against?: string;
  policyType?: string;
  change?: BackupChangeKind;
  limit: number;
  cursor?: string;
}

export interface SetDiffPage {
  from: BackupSetWithHold | null;
  to: BackupSetWithHold;
  /** The policy types both sets hold (null: every type either holds). */
  comparedTypes: string[] | null;
  counts: Awaited<ReturnType<typeof countChanges>>;
  rows: (ChangeListRow & ActorAttribution)[];
}

/** The diff engine with the setting definitions' display names as labels. */
export const diffBatchOf = (db: Db) => diffBatchWith((ids) => settingDefinitionNames(db, ids));

/**
 * The changes from `query.against` (default: the schedule's previous set; none for a schedule's
 * first set, where everything is `added`) to `setId`, either order, of the same tenant.
 */
export async function getBackupSetDiff(db: Db, tenantId: string, setId: string, query: DiffQuery) {
  const to = await getBackupSet(db, tenantId, setId);
  const againstId = query.against ?? to.previousSetId;
  let from: BackupSetWithHold | null = null;
  let source: ChangeSource = { kind: 'snapshot', backupSetId: to.id };
  let comparedTypes: string[] | null = to.policyTypes;
  if (againstId && againstId !== to.previousSetId) {
    from = await getBackupSet(db, tenantId, againstId).catch(() => {
      throw new InvalidInputError('against', 'must be the id of another backup set of this tenant');
    });
    if (from.id === to.id) throw new InvalidInputError('against', 'must be a different backup set');
    comparedTypes = commonTypes(from.policyTypes, to.policyTypes);
    const comparisonId = await ensureComparison(
      db,
      { fromSetId: from.id, toSetId: to.id },
      comparedTypes,
      diffBatchOf(db),
    );
    source = { kind: 'comparison', comparisonId };
  } else if (againstId) {
    from = await getBackupSet(db, tenantId, againstId).catch(() => null);
  }
  const filter = { policyType: query.policyType, change: query.change };
  const [rows, counts] = await Promise.all([
    listChanges(db, source, {
      ...filter,
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
    // The counts of the whole pair, whatever the page shows: what a client summarizes.
    countChanges(db, source, {}),
  ]);
  const attributed = await attributeActors(db, tenantId, { from, to }, rows);
  return { from, to, comparedTypes, counts, rows: attributed } satisfies SetDiffPage;
}

// Sets written before sets recorded their types hold an empty list: every type then counts.
function commonTypes(a: string[], b: string[]): string[] | null {
  if (a.length === 0) return b.length === 0 ? null : b;
  if (b.length === 0) return a;
  const other = new Set(b);
  return a.filter((type) => other.has(type));
}
