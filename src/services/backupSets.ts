import {
  type BackupItemRow,
  type BackupItemWithPayload,
  countBackupSetChanges,
  findBackupSet,
  findPayloadContents,
  listBackupItems,
  listBackupSetChanges,
  listBackupSets as selectBackupSets,
} from '../db/backupSets';
import type { BackupChangeKind, BackupItem, Db } from '../db/client';
import { NotFoundError } from './errors';
import { getTenant } from './tenants';

export async function getBackupSet(db: Db, tenantId: string, setId: string) {
  const set = await findBackupSet(db, tenantId, setId);
  if (!set) throw new NotFoundError('backup set');
  return set;
}

/** A page of the set's changes against the schedule's previous set, with the counts of all. */
export async function getBackupSetChanges(
  db: Db,
  tenantId: string,
  setId: string,
  page: { limit: number; cursor?: string; change?: BackupChangeKind },
) {
  const set = await getBackupSet(db, tenantId, setId);
  const [rows, counts] = await Promise.all([
    listBackupSetChanges(db, set.id, page),
    countBackupSetChanges(db, set.id),
  ]);
  return { set, rows, counts };
}

export async function listBackupSets(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: string; scheduleId?: string },
) {
  await getTenant(db, tenantId);
  return selectBackupSets(db, tenantId, page);
}

export const DEFAULT_ITEMS_PAGE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A page of the set's items, with their payloads when asked. A page of payloads is bounded by
 * bytes as well as by `limit` (200 settings catalog policies of ~500 KB would be 100 MB): it ends
 * before the payload that would take the payloads' stored sizes past `maxPageBytes`, but always
 * holds at least one item. Only the payloads of the page are read.
 *
 * Returns the rows as ../api/pagination.ts `page()` takes them: `rows` beyond `limit` only say
 * that there is a next page, and `limit` is where this page was cut.
 */
export async function getBackupSetItems(
  db: Db,
  tenantId: string,
  setId: string,
  page: { limit: number; cursor?: string; policyType?: string; includePayload: boolean },
  options: { maxPageBytes?: number } = {},
): Promise<{ rows: BackupItemWithPayload[]; limit: number }> {
  const set = await getBackupSet(db, tenantId, setId);
  const rows = await listBackupItems(db, set.id, { ...page, withSizes: page.includePayload });
  if (!page.includePayload) return { rows: rows.map(itemOnly), limit: page.limit };
  const fitting = fitInBytes(rows.slice(0, page.limit), options.maxPageBytes ?? DEFAULT_ITEMS_PAGE_MAX_BYTES);
  const contents = await findPayloadContents(
    db,
    fitting.map((row) => row.payloadHash),
  );
  const items = fitting.map(({ payload, ...item }) => ({
    ...item,
    payload: { content: contents.get(item.payloadHash), sizeBytes: payload?.sizeBytes ?? 0 },
  }));
  // The row after the page, if any, stands for the next page.
  const next = rows.slice(fitting.length, fitting.length + 1).map(itemOnly);
  return { rows: [...items, ...next], limit: fitting.length };
}

const itemOnly = ({ payload: _, ...item }: BackupItemRow): BackupItem => item;

/** The longest prefix of `rows` whose payload sizes add up to at most `maxBytes`, and never empty. */
function fitInBytes(rows: BackupItemRow[], maxBytes: number): BackupItemRow[] {
  let bytes = 0;
  for (const [index, row] of rows.entries()) {
    bytes += row.payload?.sizeBytes ?? 0;
    if (bytes > maxBytes && index > 0) return rows.slice(0, index);
  }
  return rows;
}
