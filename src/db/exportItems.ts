// What exporting a set reads: the set with its tenant, run and schedule, then its items (without
// payloads) in the archive's order, each with its payload's stored size, so the writer fetches
// payload contents a bounded number of bytes at a time.
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

/**
 * The set's items by policy type, then Graph id, compared by UTF-16 code unit in JS: never by the
 * database, whose order follows its collation (en_US ignores case and punctuation at first, C
 * compares code points, a glibc upgrade may change either), so the same set gives the same archive
 * on any server. All rows at once, without payloads: the manifest lists them all anyway.
 */
export async function listExportItems(db: Db, backupSetId: string): Promise<ExportItemRow[]> {
  const rows = await db.backupItem.findMany({
    where: { backupSetId },
    include: { payload: { select: { sizeBytes: true } } },
  });
  return rows.sort((a, b) => byCodeUnit(a.policyType, b.policyType) || byCodeUnit(a.graphId, b.graphId));
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
