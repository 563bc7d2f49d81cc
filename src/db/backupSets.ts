import { randomUUID } from 'node:crypto';
import { canonicalize } from '../graph';
import type { BackupSet, DbClient as Db } from './client';

const PAGE = 500;

export interface SnapshotStats {
  backupSetId: string;
  itemCount: number;
  totalBytes: number;
  newPayloadBytes: number;
}

interface ItemRef {
  policyType: string;
  graphId: string;
  displayName: string;
  payloadHash: string;
}

/**
 * Writes the immutable set of a run from the tenant's live policies of the given types.
 * Payloads are content-addressed: an unchanged policy adds an item row but no payload bytes.
 * Call inside a transaction so a set is never visible half-written.
 */
export async function writeSnapshot(
  db: Db,
  target: { tenantId: string; scheduleId: string; runId: string; policyTypes: string[] },
): Promise<SnapshotStats> {
  const items: ItemRef[] = [];
  let totalBytes = 0;
  let newPayloadBytes = 0;
  let cursor: string | undefined;
  // Payloads first, a page at a time; only the small item references stay in memory.
  for (;;) {
    const policies = await db.policy.findMany({
      where: { tenantId: target.tenantId, policyType: { in: target.policyTypes }, deletedAt: null },
      orderBy: { id: 'asc' },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (policies.length === 0) break;
    cursor = policies.at(-1)?.id;
    const payloads = policies.map((p) => ({ hash: p.payloadHash, json: canonicalize(p.payload, []).json }));
    const sizes = payloads.map((p) => Buffer.byteLength(p.json));
    const inserted = await db.$queryRaw<{ size_bytes: number }[]>`
      INSERT INTO backup_payloads (hash, content, size_bytes, created_at)
      SELECT DISTINCT ON (hash) hash, content::jsonb, size_bytes, now()
      FROM unnest(${payloads.map((p) => p.hash)}::text[], ${payloads.map((p) => p.json)}::text[], ${sizes}::int[])
        AS t(hash, content, size_bytes)
      ON CONFLICT (hash) DO NOTHING
      RETURNING size_bytes`;
    newPayloadBytes += inserted.reduce((sum, row) => sum + Number(row.size_bytes), 0);
    totalBytes += sizes.reduce((sum, size) => sum + size, 0);
    for (const p of policies) {
      items.push({
        policyType: p.policyType,
        graphId: p.graphId,
        displayName: p.displayName,
        payloadHash: p.payloadHash,
      });
    }
  }
  const backupSetId = randomUUID();
  await db.backupSet.create({
    data: {
      id: backupSetId,
      tenantId: target.tenantId,
      scheduleId: target.scheduleId,
      runId: target.runId,
      itemCount: items.length,
      totalBytes: BigInt(totalBytes),
      newPayloadBytes: BigInt(newPayloadBytes),
    },
  });
  for (let i = 0; i < items.length; i += PAGE * 2) {
    await db.backupItem.createMany({
      data: items.slice(i, i + PAGE * 2).map((item) => ({ ...item, backupSetId })),
    });
  }
  return { backupSetId, itemCount: items.length, totalBytes, newPayloadBytes };
}

export function findBackupSetByRun(db: Db, runId: string): Promise<BackupSet | null> {
  return db.backupSet.findUnique({ where: { runId } });
}

export function findBackupSet(db: Db, tenantId: string, setId: string): Promise<BackupSet | null> {
  return db.backupSet.findFirst({ where: { id: setId, tenantId } });
}

/**
 * Deletes the schedule's sets beyond the newest `keepLast` (never `keepSetId`), then the
 * payloads no remaining item references. Returns the deleted set ids.
 */
export async function deleteSetsBeyondRetention(
  db: Db,
  target: { scheduleId: string; keepLast: number; keepSetId: string },
): Promise<string[]> {
  const expired = await db.backupSet.findMany({
    where: { scheduleId: target.scheduleId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: target.keepLast,
    select: { id: true },
  });
  const ids = expired.map((set) => set.id).filter((id) => id !== target.keepSetId);
  if (ids.length === 0) return [];
  const hashes = await db.backupItem.findMany({
    where: { backupSetId: { in: ids } },
    distinct: ['payloadHash'],
    select: { payloadHash: true },
  });
  await db.backupSet.deleteMany({ where: { id: { in: ids } } });
  await db.$executeRaw`
    DELETE FROM backup_payloads p
    WHERE p.hash = ANY(${hashes.map((h) => h.payloadHash)}::text[])
      AND NOT EXISTS (SELECT 1 FROM backup_items i WHERE i.payload_hash = p.hash)`;
  return ids;
}
