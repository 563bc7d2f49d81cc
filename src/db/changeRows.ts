// The changes between two item lists of one tenant (a set and its predecessor at snapshot,
// src/db/snapshot.ts; any two sets on request, ./comparisons.ts), as rows. Candidates are found by
// payload hash in SQL, so unchanged policies cost nothing; of hash-different pairs only the parts
// that can differ are read (the database's changed_part), a batch at a time on connections of
// their own while the caller's transaction goes on, and handed to the diff engine (src/diff), which
// may still find no change (a reordered set, `[]` for null): those are no rows.
import type { Pool, PoolClient } from 'pg';
import type { ChangeCounts } from '../shared/types';
import type { BackupChangeKind } from './client';
import { settingDefinitionNames } from './settingDefinitions';
import { SERVER_IDENTITY_PROPERTIES } from '../graph/canonical';

// A re-created object cannot keep them from its source: a `restored` change does not list them.
const isServerIdentity = (path: string) =>
  SERVER_IDENTITY_PROPERTIES.has(path.slice(path.lastIndexOf('/') + 1));

/** The diff engine as the writer needs it: one result per pair, null when nothing changed. */
export interface DiffBatch {
  (
    pairs: readonly { policyType: string; before: unknown; after: unknown }[],
    definitionNames: (ids: string[]) => Promise<Map<string, string>>,
  ): Promise<({ change: 'modified' | 'renamed'; fields: unknown[] } | null)[]>;
  /** The type's top-level properties whose arrays are matched by identity: equal elements are not read. */
  unorderedProperties(policyType: string): readonly string[];
}

export interface ChangeRow {
  policyType: string;
  graphId: string;
  displayName: string;
  previousDisplayName: string | null;
  change: BackupChangeKind;
  fields: unknown[] | null;
  /** `restored`: the Graph id this object was re-created from (./restoredChanges.ts). */
  restoredFromGraphId?: string;
}

export interface Candidate {
  policy_type: string;
  graph_id: string;
  before_name: string | null;
  after_name: string | null;
  before_hash: string | null;
  after_hash: string | null;
  /** Set by ./restoredChanges.ts: a re-created object paired with its removed source. */
  restored_from?: string;
}

/** Modified pairs whose payloads are read and diffed together: bounds the worker's memory. */
const DIFF_BATCH = 100;
/** Batches read at once: the database works on the next ones while the worker diffs. */
const READS_AT_ONCE = 2;

// The columns a candidate query selects from its `a` (after) and `b` (before) item lists, joined
// by policy; $3 restricts both to some policy types (null: every type).
const CANDIDATES = `
  SELECT coalesce(a.policy_type, b.policy_type) AS policy_type,
         coalesce(a.graph_id, b.graph_id) AS graph_id,
         b.display_name AS before_name, a.display_name AS after_name,
         b.payload_hash AS before_hash, a.payload_hash AS after_hash
  FROM a FULL JOIN b ON b.policy_type = a.policy_type AND b.graph_id = a.graph_id
  WHERE a.graph_id IS NULL OR b.graph_id IS NULL OR a.payload_hash <> b.payload_hash
  ORDER BY 1, 2`;

/**
 * Every policy whose payload differs between two sets (an absent `before`: everything is added),
 * among `policyTypes` (null: every type), in (type, id) order.
 */
export async function candidatesBetweenSets(
  client: PoolClient,
  sets: { before: string | null; after: string },
  policyTypes: readonly string[] | null,
): Promise<Candidate[]> {
  const { rows } = await client.query<Candidate>(
    `WITH a AS (SELECT * FROM backup_items WHERE backup_set_id = $2::uuid
                  AND ($3::text[] IS NULL OR policy_type = ANY($3::text[]))),
          b AS (SELECT * FROM backup_items WHERE backup_set_id = $1::uuid
                  AND ($3::text[] IS NULL OR policy_type = ANY($3::text[])))
     ${CANDIDATES}`,
    [sets.before, sets.after, policyTypes],
  );
  return rows;
}

/** The same, from a run's capture (what its set will hold) against a set. */
export async function candidatesOfCapture(
  client: PoolClient,
  capture: { runId: string; before: string | null },
  policyTypes: readonly string[],
): Promise<Candidate[]> {
  const { rows } = await client.query<Candidate>(
    `WITH a AS (SELECT * FROM run_captured_items WHERE run_id = $2::uuid AND policy_type = ANY($3::text[])),
          b AS (SELECT * FROM backup_items WHERE backup_set_id = $1::uuid AND policy_type = ANY($3::text[]))
     ${CANDIDATES}`,
    [capture.before, capture.runId, policyTypes],
  );
  return rows;
}

/**
 * The parts of each pair's payloads that can differ (changed_part: scalars, differing
 * properties, the elements of identity-matched arrays the other side lacks), in pair order.
 */
async function changedParts(
  readers: Readers,
  pairs: readonly Candidate[],
  diff: DiffBatch,
): Promise<{ before: unknown; after: unknown }[]> {
  const { rows } = await readerOf(readers).query<{ i: number; before: unknown; after: unknown }>(
    `SELECT p.i, changed_part(b.content, a.content, p.unordered) AS before,
            changed_part(a.content, b.content, p.unordered) AS after
     FROM jsonb_to_recordset($1::jsonb) AS p(i int, before_hash text, after_hash text, unordered text[])
     JOIN backup_payloads b ON b.hash = p.before_hash
     JOIN backup_payloads a ON a.hash = p.after_hash`,
    [
      JSON.stringify(
        pairs.map((c, i) => ({
          i,
          before_hash: c.before_hash,
          after_hash: c.after_hash,
          unordered: diff.unorderedProperties(c.policy_type),
        })),
      ),
    ],
  );
  // Items reference their payloads (a foreign key): a missing one is a broken database, never "no change".
  if (rows.length !== pairs.length) throw new Error('a changed policy has no stored payload');
  const parts = pairs.map(() => ({ before: null as unknown, after: null as unknown }));
  for (const row of rows) parts[row.i] = { before: row.before, after: row.after };
  return parts;
}

/** Where payloads are read: the pool's connections, else the caller's own. */
export interface Readers {
  pool: Pool;
  own: PoolClient;
}

// A pool connection only when one is free now (idle, or room for a new one): waiting for one
// while holding `own` could wait forever when every connection is held by callers doing the same.
// Queries on `own` run after the caller's, in its transaction, which sees the same payloads.
function readerOf({ pool, own }: Readers): Pick<PoolClient, 'query'> {
  const free = pool.idleCount > 0 || pool.totalCount < (pool.options.max ?? 10);
  return free ? pool : own;
}

/**
 * The change rows of `candidates` and their counts per kind. Payloads are immutable and
 * committed: they are read on free pool connections, READS_AT_ONCE batches at a time, so a caller
 * can start this and go on with its transaction meanwhile. Rows are held until returned: a few
 * hundred bytes per changed policy.
 */
export async function changesOf(
  readers: Readers,
  candidates: readonly Candidate[],
  diff: DiffBatch,
  signal?: AbortSignal,
): Promise<{ rows: ChangeRow[]; counts: ChangeCounts }> {
  const counts: ChangeCounts = { added: 0, removed: 0, modified: 0, renamed: 0 };
  const rows: ChangeRow[] = [];
  const modified: Candidate[] = [];
  for (const c of candidates) {
    if (c.before_hash !== null && c.after_hash !== null) {
      modified.push(c);
      continue;
    }
    const change = c.before_hash === null ? 'added' : 'removed';
    counts[change]++;
    rows.push({
      policyType: c.policy_type,
      graphId: c.graph_id,
      displayName: (c.after_name ?? c.before_name) as string,
      previousDisplayName: null,
      change,
      fields: null,
    });
  }
  const batches: Candidate[][] = [];
  for (let start = 0; start < modified.length; start += DIFF_BATCH)
    batches.push(modified.slice(start, start + DIFF_BATCH));
  const reads = new Map<number, Promise<{ before: unknown; after: unknown }[]>>();
  const read = (n: number) => {
    const batch = batches[n];
    if (!batch || reads.has(n) || signal?.aborted) return;
    const parts = changedParts(readers, batch, diff);
    // Awaited below; a diff that fails first must not leave this one rejected unobserved.
    parts.catch(() => undefined);
    reads.set(n, parts);
  };
  for (let n = 0; n < READS_AT_ONCE; n++) read(n);
  for (const [n, batch] of batches.entries()) {
    signal?.throwIfAborted();
    const parts = await (reads.get(n) as Promise<{ before: unknown; after: unknown }[]>);
    reads.delete(n);
    read(n + READS_AT_ONCE);
    const results = await diff(
      batch.map((c, i) => ({ policyType: c.policy_type, before: parts[i]?.before, after: parts[i]?.after })),
      (ids) => settingDefinitionNames(readerOf(readers), ids),
    );
    batch.forEach((c, i) => {
      const result = results[i];
      if (c.restored_from) {
        // Restored even when the content came back identical: its fields are then none. The new
        // ids, times and versions are no field changes (restoredFromGraphId names the source).
        counts.restored = (counts.restored ?? 0) + 1;
        rows.push({
          policyType: c.policy_type,
          graphId: c.graph_id,
          displayName: c.after_name as string,
          previousDisplayName: c.before_name !== c.after_name ? c.before_name : null,
          change: 'restored',
          fields: (result?.fields ?? []).filter(
            (field) => !isServerIdentity((field as { path?: string }).path ?? ''),
          ),
          restoredFromGraphId: c.restored_from,
        });
        return;
      }
      if (!result) return;
      counts[result.change]++;
      rows.push({
        policyType: c.policy_type,
        graphId: c.graph_id,
        displayName: c.after_name as string,
        previousDisplayName: c.before_name !== c.after_name ? c.before_name : null,
        change: result.change,
        fields: result.fields,
      });
    });
  }
  return { rows, counts };
}

/** Rows per INSERT: one statement per batch, the rows as one JSON value. */
const INSERT_BATCH = 500;

/**
 * Inserts change rows into `table` (backup_set_changes or backup_set_comparison_changes), whose
 * owner column `ownerColumn` gets `ownerId`. Only backup_set_changes has `restored_from_graph_id`
 * (`lineage`): comparisons of two arbitrary sets fold no restores.
 */
export async function insertChangeRows(
  client: PoolClient,
  target: { table: string; ownerColumn: string; ownerId: string; lineage?: true },
  rows: readonly ChangeRow[],
): Promise<void> {
  const [column, value, type] = target.lineage
    ? [', restored_from_graph_id', ', x."restoredFromGraphId"', ', "restoredFromGraphId" text']
    : ['', '', ''];
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await client.query(
      `INSERT INTO ${target.table} (id, ${target.ownerColumn}, policy_type, graph_id, display_name,
                                    previous_display_name, change, fields${column})
       SELECT gen_random_uuid(), $1::uuid, x."policyType", x."graphId", x."displayName",
              x."previousDisplayName", x.change, x.fields${value}
       FROM jsonb_to_recordset($2::jsonb) AS x("policyType" text, "graphId" text, "displayName" text,
            "previousDisplayName" text, change backup_change_kind, fields jsonb${type})`,
      [target.ownerId, JSON.stringify(rows.slice(start, start + INSERT_BATCH))],
    );
  }
}
