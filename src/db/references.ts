// The objects a run's captured policies reference (src/references/): their ids as the sync stored
// them with the captured items, resolved rows written back for the snapshot to copy into the set, and a set's rows
// for the API.
import type { ResolvedReference } from '../references';
import type { ReferencesOutcome } from '../references/summary';
import { holdOwnership } from './capture';
import type { BackupSetReference, Db, DbClient } from './client';
import type { CaptureOwner } from './policies';

/** The distinct "kind:id" references of the run's captured items of these types. */
export async function capturedReferenceKeys(
  db: DbClient,
  runId: string,
  policyTypes: readonly string[],
): Promise<string[]> {
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT DISTINCT unnest(c.referenced) AS key FROM run_captured_items c
    WHERE c.run_id = ${runId}::uuid AND c.policy_type = ANY(${[...policyTypes]}::text[])`;
  return rows.map((row) => row.key);
}

/** The names of the run's captured objects of a type among `ids`. */
export async function capturedObjects(
  db: DbClient,
  runId: string,
  policyType: string,
  ids: readonly string[],
): Promise<Map<string, { displayName: string; objectType: string | null }>> {
  const rows = await db.$queryRaw<{ graph_id: string; display_name: string; odata_type: string | null }[]>`
    SELECT c.graph_id, c.display_name, p.content->>'@odata.type' AS odata_type
    FROM run_captured_items c JOIN backup_payloads p ON p.hash = c.payload_hash
    WHERE c.run_id = ${runId}::uuid AND c.policy_type = ${policyType} AND c.graph_id = ANY(${[...ids]}::text[])`;
  return new Map(
    rows.map((row) => [
      row.graph_id,
      {
        displayName: row.display_name,
        objectType: row.odata_type?.replace(/^#?microsoft\.graph\./, '') ?? null,
      },
    ]),
  );
}

/** Replaces the run's references (a retried attempt resolves them all again), if `owner` still owns the capture. */
export async function writeRunReferences(
  db: Db,
  owner: CaptureOwner,
  rows: readonly ResolvedReference[],
  outcome: ReferencesOutcome,
): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await holdOwnership(tx, owner);
      await tx.runCapturedReference.deleteMany({ where: { runId: owner.runId } });
      for (let start = 0; start < rows.length; start += 1000) {
        await tx.runCapturedReference.createMany({
          data: rows.slice(start, start + 1000).map((row) => ({
            runId: owner.runId,
            kind: row.kind,
            objectId: row.id,
            displayName: row.displayName,
            objectType: row.objectType,
            details: (row.details ?? undefined) as object | undefined,
            state: row.state,
          })),
        });
      }
      // updateMany: activities run on their own (tests, replays of a sync) may have no run row.
      await tx.backupScheduleRun.updateMany({
        where: { id: owner.runId },
        data: { referenceOutcome: outcome as object },
      });
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** One page of a set's references by id (limit + 1 rows), optionally of one kind. */
export function listBackupSetReferences(
  db: DbClient,
  backupSetId: string,
  page: { limit: number; cursor?: string; kind?: string },
): Promise<BackupSetReference[]> {
  return db.backupSetReference.findMany({
    where: {
      backupSetId,
      ...(page.kind ? { kind: page.kind } : {}),
      ...(page.cursor ? { id: { gt: page.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
}
