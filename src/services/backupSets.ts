import { findBackupSet } from '../db/backupSets';
import type { Db } from '../db/client';
import { NotFoundError } from './errors';

export async function getBackupSet(db: Db, tenantId: string, setId: string) {
  const set = await findBackupSet(db, tenantId, setId);
  if (!set) throw new NotFoundError('backup set');
  return set;
}
