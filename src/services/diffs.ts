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
import { storedPayloadDiff } from '../diff';
import { type ActorAttribution, actorAttribution } from '../db/changeActors';
import { getBackupSet } from './backupSets';
import { InvalidInputError, NotFoundError } from './errors';

export interface DiffQuery {
  against?: string;
  /** The set's own change list (written at snapshot), whatever types its predecessor holds. */
  ownChanges?: boolean;
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

/**
 * The changes from `query.against` (default: the schedule's previous set; none for a schedule's
 * first set, where everything is `added`) to `setId`, either order, of the same tenant.
 */
export async function getBackupSetDiff(db: Db, tenantId: string, setId: string, query: DiffQuery) {
  const to = await getBackupSet(db, tenantId, setId);
  const againstId = query.against ?? to.previousSetId;
  const from = againstId ? await againstSet(db, tenantId, againstId, query.against !== undefined) : null;
  if (from?.id === to.id) throw new InvalidInputError('against', 'must be a different backup set');
  const comparedTypes =
    from && !query.ownChanges ? commonTypes(from.policyTypes, to.policyTypes) : to.policyTypes;
  // The set's own changes (written at snapshot) answer for its predecessor when both sets hold the
  // same types; otherwise the pair is compared over the types both hold, in either order alike
  // (the snapshot counts a type the predecessor lacks as added).
  const ownChanges =
    query.ownChanges ||
    !from ||
    (from.id === to.previousSetId && sameTypes(from.policyTypes, to.policyTypes));
  const source: ChangeSource = ownChanges
    ? { kind: 'snapshot', backupSetId: to.id }
    : {
        kind: 'comparison',
        comparisonId: await ensureComparison(
          db,
          { fromSetId: (from as BackupSetWithHold).id, toSetId: to.id },
          comparedTypes,
          storedPayloadDiff,
        ),
      };
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
  const attributed = await actorAttribution(db, tenantId)({ from, to }, rows);
  return { from, to, comparedTypes, counts, rows: attributed } satisfies SetDiffPage;
}

/** The set to compare with; one named in the request that is not the tenant's is the field's fault. */
async function againstSet(db: Db, tenantId: string, setId: string, requested: boolean) {
  try {
    return await getBackupSet(db, tenantId, setId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    if (!requested) return null; // the predecessor was deleted by retention: everything is new
    throw new InvalidInputError('against', 'must be the id of another backup set of this tenant');
  }
}

const sameTypes = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

// Sets written before sets recorded their types hold an empty list: every type then counts.
function commonTypes(a: string[], b: string[]): string[] | null {
  if (a.length === 0) return b.length === 0 ? null : b;
  if (b.length === 0) return a;
  const other = new Set(b);
  return a.filter((type) => other.has(type));
}
