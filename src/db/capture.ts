// A run's capture: the policies it fetched (run_captured_items, written page by page with the
// tenant's current state, see policies.ts) and the types it fetched completely
// (run_captured_types). The snapshot makes the run's backup set from it; the run's end deletes it.
// Only the sync attempt that owns the capture (run_capture_owners) may write it.
import type { Db, DbClient } from './client';
import { type CaptureOwner, CaptureSupersededError, markVanishedPolicies, type PageTarget } from './policies';

/** Database time: every run's timestamps come from one clock, whatever host each worker is on. */
export async function databaseNow(db: DbClient): Promise<Date> {
  const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  if (!row) throw new Error('SELECT clock_timestamp() returned no row');
  return row.now;
}

/**
 * Makes this attempt the capture's owner, unless a newer one already is. Waits for a write of an
 * older attempt in flight (it holds the owner row with FOR SHARE); that attempt's later writes
 * then find they lost it.
 */
export async function takeCaptureOwnership(db: Db, owner: CaptureOwner): Promise<void> {
  const taken = await db.$queryRaw<unknown[]>`
    INSERT INTO run_capture_owners (run_id, attempt) VALUES (${owner.runId}::uuid, ${owner.attempt})
    ON CONFLICT (run_id) DO UPDATE SET attempt = EXCLUDED.attempt, taken_at = now()
    WHERE run_capture_owners.attempt <= EXCLUDED.attempt
    RETURNING run_id`;
  if (taken.length === 0) throw new CaptureSupersededError(owner);
}

/** Inside a transaction: holds the owner row until it ends, or throws if `owner` lost it. */
export async function holdOwnership(tx: DbClient, owner: CaptureOwner): Promise<void> {
  const held = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM run_capture_owners
    WHERE run_id = ${owner.runId}::uuid AND attempt = ${owner.attempt} FOR SHARE`;
  if (held.length === 0) throw new CaptureSupersededError(owner);
}

/**
 * Forgets what an earlier attempt captured of this type, so a type fetched again holds exactly
 * what the new listing returns (an attempt that failed midway must not leave policies behind).
 */
export async function restartTypeCapture(db: Db, target: PageTarget): Promise<void> {
  const { runId, policyType } = target;
  await db.$transaction(async (tx) => {
    await holdOwnership(tx, target);
    await tx.runCapturedType.deleteMany({ where: { runId, policyType } });
    await tx.runCapturedItem.deleteMany({ where: { runId, policyType } });
  });
}

/**
 * Records the type as fetched completely and marks vanished what the listing did not see (see
 * markVanishedPolicies); returns how many distinct policies the run captured, and how many the
 * tenant's current state now marks deleted.
 */
export async function completeTypeCapture(
  db: Db,
  target: PageTarget,
  listingStartedAt: Date,
): Promise<{ fetched: number; removed: number }> {
  const { runId, policyType } = target;
  return db.$transaction(async (tx) => {
    await holdOwnership(tx, target);
    const fetched = await tx.runCapturedItem.count({ where: { runId, policyType } });
    await tx.runCapturedType.upsert({
      where: { runId_policyType: { runId, policyType } },
      create: { runId, policyType, fetched },
      update: { fetched },
    });
    const removed = await markVanishedPolicies(tx, target, listingStartedAt);
    return { fetched, removed };
  });
}

/**
 * Closes the run's capture and deletes it, with the payloads only it referred to (stored by a
 * run that made no set, e.g. a failed one), in one transaction: a retry after a failure finds
 * the capture as it was. Payloads any set or another run's capture holds are kept. Closing
 * waits for a write in flight; a sync attempt still running then finds it lost the capture.
 */
export async function releaseRunCapture(db: Db, runId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.runCaptureOwner.deleteMany({ where: { runId } });
    const hashes = await tx.runCapturedItem.findMany({
      where: { runId },
      distinct: ['payloadHash'],
      select: { payloadHash: true },
    });
    await tx.runCapturedItem.deleteMany({ where: { runId } });
    await tx.runCapturedType.deleteMany({ where: { runId } });
    await tx.runCapturedReference.deleteMany({ where: { runId } });
    await deleteUnreferencedPayloads(
      tx,
      hashes.map((row) => row.payloadHash),
    );
  }, LONG_TRANSACTION);
}

// A capture can hold thousands of rows: more than Prisma's default 5 s for a transaction.
const LONG_TRANSACTION = { timeout: 60_000, maxWait: 10_000 };

/** Of these payloads, deletes the ones no backup item and no run's capture refers to. */
export async function deleteUnreferencedPayloads(db: DbClient, hashes: string[]): Promise<void> {
  if (hashes.length === 0) return;
  // In hash order, as page writes insert and check them: two such statements cannot deadlock.
  await db.$executeRaw`
    DELETE FROM backup_payloads p
    WHERE p.hash IN (
      SELECT b.hash FROM backup_payloads b
      WHERE b.hash = ANY(${hashes}::text[])
        AND NOT EXISTS (SELECT 1 FROM backup_items i WHERE i.payload_hash = b.hash)
        AND NOT EXISTS (SELECT 1 FROM run_captured_items c WHERE c.payload_hash = b.hash)
      ORDER BY b.hash
      FOR UPDATE)`;
}
