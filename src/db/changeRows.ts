// The changes between two sets of one tenant, written as rows: the set's own changes against its
// predecessor (at snapshot, src/db/snapshot.ts) and any other pair (on request, ./comparisons.ts).
// Candidates are found by payload hash in SQL, so unchanged policies cost nothing; only the
// payloads of hash-different pairs are read, a batch at a time, and handed to the diff engine
// (src/diff), which may still find no change (a reordered set, `[]` for null): those are no rows.
import type { PoolClient } from 'pg';
import type { ChangeCounts } from '../shared/types';
import type { BackupChangeKind } from './client';

/** The diff engine as the writer needs it: one result per pair, null when nothing changed. */
export interface DiffBatch {
  (
    pairs: readonly { policyType: string; before: unknown; after: unknown }[],
  ): Promise<({ change: 'modified' | 'renamed'; fields: unknown[] } | null)[]>;
  /** The type's top-level properties whose arrays have no order: equal elements are not read. */
  unorderedProperties(policyType: string): readonly string[];
}

export interface ChangeRow {
  policyType: string;
  graphId: string;
  displayName: string;
  previousDisplayName: string | null;
  change: BackupChangeKind;
  fields: unknown[] | null;
}

interface Candidate {
  policy_type: string;
  graph_id: string;
  before_name: string | null;
  after_name: string | null;
  before_hash: string | null;
  after_hash: string | null;
}

/** Modified pairs whose payloads are read and diffed together: bounds the worker's memory. */
const DIFF_BATCH = 100;

/**
 * Every policy whose payload differs between the two sets (an absent set: everything is
 * `added`), among `policyTypes` (null: every type), in (type, id) order.
 */
async function candidates(
  client: PoolClient,
  sets: { before: string | null; after: string },
  policyTypes: readonly string[] | null,
): Promise<Candidate[]> {
  const { rows } = await client.query<Candidate>(
    `WITH a AS (SELECT * FROM backup_items WHERE backup_set_id = $2::uuid
                  AND ($3::text[] IS NULL OR policy_type = ANY($3::text[]))),
          b AS (SELECT * FROM backup_items WHERE backup_set_id = $1::uuid
                  AND ($3::text[] IS NULL OR policy_type = ANY($3::text[])))
     SELECT coalesce(a.policy_type, b.policy_type) AS policy_type,
            coalesce(a.graph_id, b.graph_id) AS graph_id,
            b.display_name AS before_name, a.display_name AS after_name,
            b.payload_hash AS before_hash, a.payload_hash AS after_hash
     FROM a FULL JOIN b ON b.policy_type = a.policy_type AND b.graph_id = a.graph_id
     WHERE a.graph_id IS NULL OR b.graph_id IS NULL OR a.payload_hash <> b.payload_hash
     ORDER BY 1, 2`,
    [sets.before, sets.after, policyTypes],
  );
  return rows;
}

/**
 * The parts of each pair's payloads that can differ (the database's changed_part: scalars,
 * differing properties, the elements of unordered arrays the other side lacks), in pair order.
 */
async function changedParts(
  client: PoolClient,
  pairs: readonly Candidate[],
  diff: DiffBatch,
): Promise<{ before: unknown; after: unknown }[]> {
  const { rows } = await client.query<{ i: number; before: unknown; after: unknown }>(
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

/**
 * Computes the changes from `before` to `after` and hands them to `write` in batches; returns the
 * counts per kind. Runs on the caller's connection (inside its transaction).
 */
export async function computeChanges(
  client: PoolClient,
  sets: { before: string | null; after: string },
  policyTypes: readonly string[] | null,
  diff: DiffBatch,
  write: (rows: ChangeRow[]) => Promise<void>,
): Promise<ChangeCounts> {
  const counts: ChangeCounts = { added: 0, removed: 0, modified: 0, renamed: 0 };
  const all = await candidates(client, sets, policyTypes);
  const whole: ChangeRow[] = [];
  const modified: Candidate[] = [];
  for (const c of all) {
    if (c.before_hash === null || c.after_hash === null) {
      const change = c.before_hash === null ? 'added' : 'removed';
      counts[change]++;
      whole.push({
        policyType: c.policy_type,
        graphId: c.graph_id,
        displayName: (c.after_name ?? c.before_name) as string,
        previousDisplayName: null,
        change,
        fields: null,
      });
    } else modified.push(c);
  }
  if (whole.length > 0) await write(whole);
  const batches: Candidate[][] = [];
  for (let start = 0; start < modified.length; start += DIFF_BATCH)
    batches.push(modified.slice(start, start + DIFF_BATCH));
  // The next batch's payloads are read while this one is diffed: the database and the worker
  // work at the same time.
  const read = (batch: Candidate[] | undefined) => {
    if (!batch) return undefined;
    const parts = changedParts(client, batch, diff);
    // Awaited below; a diff that fails first must not leave this one rejected unobserved.
    parts.catch(() => undefined);
    return parts;
  };
  let next = read(batches[0]);
  for (const [n, batch] of batches.entries()) {
    const parts = await (next as Promise<{ before: unknown; after: unknown }[]>);
    next = read(batches[n + 1]);
    const results = await diff(
      batch.map((c, i) => ({
        policyType: c.policy_type,
        before: parts[i]?.before ?? null,
        after: parts[i]?.after ?? null,
      })),
    );
    const rows: ChangeRow[] = [];
    batch.forEach((c, i) => {
      const result = results[i];
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
    if (rows.length > 0) {
      // Queued behind the next batch's read on this connection; awaited before the next diff.
      await write(rows);
    }
  }
  return counts;
}

/**
 * Inserts change rows into `table` (backup_set_changes or backup_set_comparison_changes), whose
 * owner column `ownerColumn` gets `ownerId`: one statement per batch, the rows as one JSON value.
 */
export async function insertChangeRows(
  client: PoolClient,
  target: { table: string; ownerColumn: string; ownerId: string },
  rows: readonly ChangeRow[],
): Promise<void> {
  await client.query(
    `INSERT INTO ${target.table} (id, ${target.ownerColumn}, policy_type, graph_id, display_name,
                                  previous_display_name, change, fields)
     SELECT gen_random_uuid(), $1::uuid, x."policyType", x."graphId", x."displayName",
            x."previousDisplayName", x.change, x.fields
     FROM jsonb_to_recordset($2::jsonb) AS x("policyType" text, "graphId" text, "displayName" text,
          "previousDisplayName" text, change backup_change_kind, fields jsonb)`,
    [target.ownerId, JSON.stringify(rows)],
  );
}
