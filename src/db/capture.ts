// A run's capture: the policies it fetched (run_captured_items, written page by page with the
// tenant's current state, see policies.ts) and the types it fetched completely
// (run_captured_types). The snapshot makes the run's backup set from it; the run's end deletes it.
import type { Db, DbClient } from './client';

/** Database time: every run's timestamps come from one clock, whatever host each worker is on. */
export async function databaseNow(db: DbClient): Promise<Date> {
  const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  if (!row) throw new Error('SELECT clock_timestamp() returned no row');
  return row.now;
}

/**
 * Forgets what an earlier attempt captured of this type, so a type fetched again holds exactly
 * what the new listing returns (an attempt that failed midway must not leave policies behind).
 */
export async function restartTypeCapture(db: Db, runId: string, policyType: string): Promise<void> {
  await db.$transaction([
    db.runCapturedType.deleteMany({ where: { runId, policyType } }),
    db.runCapturedItem.deleteMany({ where: { runId, policyType } }),
  ]);
}

/** Records the type as fetched completely; returns how many distinct policies the run captured. */
export async function completeTypeCapture(db: Db, runId: string, policyType: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const fetched = await tx.runCapturedItem.count({ where: { runId, policyType } });
    await tx.runCapturedType.upsert({
      where: { runId_policyType: { runId, policyType } },
      create: { runId, policyType, fetched },
      update: { fetched },
    });
    return fetched;
  });
}

/**
 * Deletes the run's capture, then the payloads it alone referenced (stored by a run that made no
 * set, e.g. a failed one). Payloads any set or another run's capture holds are kept.
 */
export async function releaseRunCapture(db: Db, runId: string): Promise<void> {
  const hashes = await db.runCapturedItem.findMany({
    where: { runId },
    distinct: ['payloadHash'],
    select: { payloadHash: true },
  });
  await db.$transaction([
    db.runCapturedItem.deleteMany({ where: { runId } }),
    db.runCapturedType.deleteMany({ where: { runId } }),
  ]);
  await deleteUnreferencedPayloads(
    db,
    hashes.map((row) => row.payloadHash),
  );
}

/** Of these payloads, deletes the ones no backup item and no run's capture refers to. */
export async function deleteUnreferencedPayloads(db: DbClient, hashes: string[]): Promise<void> {
  if (hashes.length === 0) return;
  await db.$executeRaw`
    DELETE FROM backup_payloads p
    WHERE p.hash = ANY(${hashes}::text[])
      AND NOT EXISTS (SELECT 1 FROM backup_items i WHERE i.payload_hash = p.hash)
      AND NOT EXISTS (SELECT 1 FROM run_captured_items c WHERE c.payload_hash = p.hash)`;
}
