import {
  type BackupItemRow,
  type BackupItemWithPayload,
  findBackupSet,
  findPayloadContents,
  listBackupItems,
  listBackupSets as selectBackupSets,
} from '../db/backupSets';
import type { BackupItem, Db } from '../db/client';
import type { KeysetPosition } from '../db/paging';
import { listBackupSetReferences } from '../db/references';
import { mayHoldScripts } from '../graph';
import { NotFoundError } from './errors';
import { getTenant } from './tenants';

export async function getBackupSet(db: Db, tenantId: string, setId: string) {
  const set = await findBackupSet(db, tenantId, setId);
  if (!set) throw new NotFoundError('backup set');
  return set;
}

/** A page of the objects the set's policies reference (src/references/), optionally of one kind. */
export async function getBackupSetReferences(
  db: Db,
  tenantId: string,
  setId: string,
  page: { limit: number; cursor?: string; kind?: string },
) {
  const set = await getBackupSet(db, tenantId, setId);
  return listBackupSetReferences(db, set.id, page);
}

export async function listBackupSets(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: KeysetPosition; scheduleId?: string },
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
 * Script bodies often embed credentials (an admin password set by a PowerShell script, a
 * service account in a remediation): without `mayReadScripts` the payloads of the registry's
 * script types are withheld (and do not count against the bytes), the items are still listed.
 *
 * Returns the rows as ../api/pagination.ts `page()` takes them: `rows` beyond `limit` only say
 * that there is a next page, and `limit` is where this page was cut.
 */
export async function getBackupSetItems(
  db: Db,
  tenantId: string,
  setId: string,
  page: { limit: number; cursor?: string; policyType?: string; includePayload: boolean },
  access: { mayReadScripts: boolean; maxPageBytes?: number },
): Promise<{ rows: BackupItemWithPayload[]; limit: number }> {
  const set = await getBackupSet(db, tenantId, setId);
  const rows = await listBackupItems(db, set.id, { ...page, withSizes: page.includePayload });
  if (!page.includePayload) return { rows: rows.map(itemOnly), limit: page.limit };
  const withheld = (row: BackupItemRow) => !access.mayReadScripts && mayHoldScripts(row.policyType);
  const fitting = fitInBytes(
    rows.slice(0, page.limit),
    (row) => (withheld(row) ? 0 : (row.payload?.sizeBytes ?? 0)),
    access.maxPageBytes ?? DEFAULT_ITEMS_PAGE_MAX_BYTES,
  );
  const shown = fitting.filter((row) => !withheld(row));
  const contents = await findPayloadContents(
    db,
    shown.map((row) => row.payloadHash),
  );
  const items = fitting.map((row): BackupItemWithPayload => {
    if (withheld(row)) return { ...itemOnly(row), payloadWithheld: true };
    return {
      ...itemOnly(row),
      payload: { content: contents.get(row.payloadHash), sizeBytes: row.payload?.sizeBytes ?? 0 },
    };
  });
  // The row after the page, if any, stands for the next page.
  const next = rows.slice(fitting.length, fitting.length + 1).map(itemOnly);
  return { rows: [...items, ...next], limit: fitting.length };
}

const itemOnly = ({ payload: _, ...item }: BackupItemRow): BackupItem => item;

/** The longest prefix of `rows` whose sizes add up to at most `maxBytes`, and never empty. */
function fitInBytes(
  rows: BackupItemRow[],
  sizeOf: (row: BackupItemRow) => number,
  maxBytes: number,
): BackupItemRow[] {
  let bytes = 0;
  for (const [index, row] of rows.entries()) {
    bytes += sizeOf(row);
    if (bytes > maxBytes && index > 0) return rows.slice(0, index);
  }
  return rows;
}
