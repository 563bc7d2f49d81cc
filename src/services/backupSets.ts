import {
  countBackupSetChanges,
  findBackupSet,
  listBackupItems,
  listBackupSetChanges,
  listBackupSets as selectBackupSets,
} from '../db/backupSets';
import type { BackupChangeKind, Db } from '../db/client';
import type { KeysetPosition } from '../db/paging';
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
  page: { limit: number; cursor?: KeysetPosition; scheduleId?: string },
) {
  await getTenant(db, tenantId);
  return selectBackupSets(db, tenantId, page);
}

export async function getBackupSetItems(
  db: Db,
  tenantId: string,
  setId: string,
  page: { limit: number; cursor?: string; policyType?: string; includePayload: boolean },
) {
  const set = await getBackupSet(db, tenantId, setId);
  return listBackupItems(db, set.id, page);
}
