import type { ChangeCounts } from '../shared/types';
import type {
  BackupChangeKind,
  BackupItem,
  BackupSet,
  BackupSetHold,
  BackupSetOffsiteCopy,
  DbClient as Db,
} from './client';
import { after, type KeysetPosition, NEWEST_FIRST } from './paging';
import type { SnapshotStats } from './snapshot';

/** A set with its legal hold (null when it never had one) and its offsite copy (null before one). */
export type BackupSetWithHold = BackupSet & {
  hold: BackupSetHold | null;
  offsiteCopy: BackupSetOffsiteCopy | null;
};

const SET_RELATIONS = { hold: true, offsiteCopy: true } as const;

export function findBackupSet(db: Db, tenantId: string, setId: string): Promise<BackupSetWithHold | null> {
  return db.backupSet.findFirst({ where: { id: setId, tenantId }, include: SET_RELATIONS });
}

export async function countBackupSetChanges(db: Db, backupSetId: string): Promise<ChangeCounts> {
  const groups = await db.backupSetChange.groupBy({
    by: ['change'],
    where: { backupSetId },
    _count: { _all: true },
  });
  return changeCounts(groups.map((group) => ({ change: group.change, n: group._count._all })));
}

/**
 * Counts per kind of change, zero for the kinds absent from `groups`; `restored` only when there
 * are some (summaries and events written before restores existed have no such key).
 */
export function changeCounts(groups: { change: BackupChangeKind; n: number }[]): ChangeCounts {
  const counts: ChangeCounts = { added: 0, removed: 0, modified: 0, renamed: 0 };
  for (const group of groups) if (group.n > 0) counts[group.change] = group.n;
  return counts;
}

/** The run's backup set with its figures, if the run made one. */
export async function findSnapshotOfRun(db: Db, runId: string): Promise<SnapshotStats | undefined> {
  const set = await db.backupSet.findUnique({ where: { runId } });
  if (!set) return undefined;
  return {
    backupSetId: set.id,
    itemCount: set.itemCount,
    totalBytes: Number(set.totalBytes),
    newPayloadBytes: Number(set.newPayloadBytes),
    changes: await countBackupSetChanges(db, set.id),
  };
}

/** The tenant's sets, newest first, optionally of one schedule. */
export function listBackupSets(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: KeysetPosition; scheduleId?: string },
): Promise<BackupSetWithHold[]> {
  return db.backupSet.findMany({
    where: { tenantId, ...(page.scheduleId ? { scheduleId: page.scheduleId } : {}), ...after(page.cursor) },
    include: SET_RELATIONS,
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
  });
}

export type BackupItemWithPayload = BackupItem & {
  payload?: { content: unknown; sizeBytes: number };
  /** Asked for, but not shown to this caller (./services/backupSets.ts says why). */
  payloadWithheld?: true;
};

/** An item with its payload's stored size (the canonical JSON's bytes), when asked for. */
export type BackupItemRow = BackupItem & { payload?: { sizeBytes: number } };

/**
 * One page of a set's items by id (limit + 1 rows); with `withSizes`, each payload's stored size
 * but not its content: the caller picks the payloads that fit its page and reads only those.
 */
export function listBackupItems(
  db: Db,
  backupSetId: string,
  page: { limit: number; cursor?: string; policyType?: string; withSizes: boolean },
): Promise<BackupItemRow[]> {
  return db.backupItem.findMany({
    where: {
      backupSetId,
      ...(page.policyType ? { policyType: page.policyType } : {}),
      ...(page.cursor ? { id: { gt: page.cursor } } : {}),
    },
    ...(page.withSizes ? { include: { payload: { select: { sizeBytes: true } } } } : {}),
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
}

/** The canonical payloads with these hashes, by hash. */
export async function findPayloadContents(db: Db, hashes: readonly string[]): Promise<Map<string, unknown>> {
  if (hashes.length === 0) return new Map();
  const rows = await db.backupPayload.findMany({
    where: { hash: { in: [...new Set(hashes)] } },
    select: { hash: true, content: true },
  });
  return new Map(rows.map((row) => [row.hash, row.content]));
}
