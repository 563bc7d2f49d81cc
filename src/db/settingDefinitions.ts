// Microsoft's settings catalog definitions (SettingDefinition in schema.prisma): content-addressed,
// shared by every policy and tenant, written while a sync writes its pages. Readers label settings
// catalog changes with them.
import type { PoolClient } from 'pg';
import { type Db, sqlPoolOf } from './client';

export interface StoredSettingDefinition {
  /** sha256 of the canonical JSON. */
  hash: string;
  definitionId: string;
  displayName: string | null;
  /** Canonical JSON (src/graph/canonical.ts), in the escape of src/graph/storedText.ts. */
  json: string;
  /** UTF-8 bytes of json. */
  size: number;
}

// Five parameters a row, well under PostgreSQL's 65,535 per statement.
const ROWS_PER_STATEMENT = 1_000;

/**
 * Stores the definitions not stored yet. The hashes are asked for first, so a sync of a tenant
 * whose definitions are known (every sync after the first) sends hashes, not contents. Inserted
 * in hash order and idempotent (ON CONFLICT DO NOTHING), so two syncs storing the same
 * definitions neither fail nor deadlock. Returns how many rows were new.
 */
export async function storeSettingDefinitions(
  db: Db,
  definitions: readonly StoredSettingDefinition[],
): Promise<number> {
  if (definitions.length === 0) return 0;
  const pool = sqlPoolOf(db);
  const known = await pool.query<{ hash: string }>(
    'SELECT hash FROM setting_definitions WHERE hash = ANY($1::text[])',
    [definitions.map((d) => d.hash)],
  );
  const stored = new Set(known.rows.map((row) => row.hash));
  const missing = definitions
    .filter((d) => !stored.has(d.hash))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  let inserted = 0;
  for (let from = 0; from < missing.length; from += ROWS_PER_STATEMENT) {
    const rows = missing.slice(from, from + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const values = rows.map((row) => {
      const at = params.length;
      params.push(row.hash, row.definitionId, row.displayName, row.json, row.size);
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::jsonb, $${at + 5}::int)`;
    });
    const result = await pool.query(
      `INSERT INTO setting_definitions (hash, definition_id, display_name, content, size)
       VALUES ${values.join(',\n')}
       ON CONFLICT (hash) DO NOTHING`,
      params,
    );
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

// The newest stored definition of each asked id (a re-published one supersedes the older).
const NEWEST = `
  SELECT DISTINCT ON (definition_id) definition_id, display_name, content
  FROM setting_definitions WHERE definition_id = ANY($1::text[])
  ORDER BY definition_id, first_seen_at DESC, hash`;

/** Definition id -> display name of its newest definition; ids without one are absent. */
export async function settingDefinitionNames(
  via: Db | Pick<PoolClient, 'query'>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  // A connection the caller chose (one it holds, inside a transaction), or the pool's.
  const connection = '$connect' in via ? sqlPoolOf(via) : via;
  const result = await connection.query<{ definition_id: string; display_name: string | null }>(NEWEST, [
    [...new Set(ids)],
  ]);
  const names = new Map<string, string>();
  for (const row of result.rows) if (row.display_name) names.set(row.definition_id, row.display_name);
  return names;
}

/**
 * Option item id -> display name, over the options of the newest definitions of these ids: a
 * choice setting's value is an option's `itemId` (docs intune-shared-
 * devicemanagementconfigurationchoicesettingvalue.md), so this labels choice values.
 */
export async function choiceOptionNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await sqlPoolOf(db).query<{ item_id: string; display_name: string }>(
    `WITH newest AS (${NEWEST})
     SELECT o->>'itemId' AS item_id, o->>'displayName' AS display_name
     FROM newest, jsonb_array_elements(
       CASE WHEN jsonb_typeof(content->'options') = 'array' THEN content->'options' ELSE '[]'::jsonb END) o
     WHERE o->>'itemId' IS NOT NULL AND o->>'displayName' IS NOT NULL`,
    [[...new Set(ids)]],
  );
  return new Map(result.rows.map((row) => [row.item_id, row.display_name]));
}
