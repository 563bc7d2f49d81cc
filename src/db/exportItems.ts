// What exporting a set reads: the set with its tenant, run and schedule, then its items in pages
// in the archive's order (policy type, then Graph id), each with its payload's stored size, so
// the writer fetches payload contents a bounded number of bytes at a time.
import type { BackupItem, Db } from './client';

export async function findExportSource(db: Db, tenantId: string, setId: string) {
  const set = await db.backupSet.findFirst({
    where: { id: setId, tenantId },
    include: {
      tenant: { select: { id: true, slug: true, azureTenantId: true } },
      schedule: { select: { id: true, name: true } },
    },
  });
  if (!set) return null;
  // By the set's runId: the run's own link to its set (the `run` relation) is written only when
  // the run completes, after the offsite copy has exported the set.
  const run = await db.backupScheduleRun.findUnique({
    where: { id: set.runId },
    select: { id: true, status: true, trigger: true, startedAt: true, summary: true },
  });
  return { ...set, run };
}

export type ExportSource = NonNullable<Awaited<ReturnType<typeof findExportSource>>>;

export type ExportItemRow = BackupItem & { payload: { sizeBytes: number } };

/** Items after `after` (exclusive) in (policyType, graphId) order, at most `limit`. */
export function pageExportItems(
  db: Db,
  backupSetId: string,
  after: { policyType: string; graphId: string } | undefined,
  limit: number,
): Promise<ExportItemRow[]> {
  return db.backupItem.findMany({
    where: {
      backupSetId,
      ...(after
        ? {
            OR: [
              { policyType: { gt: after.policyType } },
              { policyType: after.policyType, graphId: { gt: after.graphId } },
            ],
          }
        : {}),
    },
    include: { payload: { select: { sizeBytes: true } } },
    orderBy: [{ policyType: 'asc' }, { graphId: 'asc' }],
    take: limit,
  });
}
