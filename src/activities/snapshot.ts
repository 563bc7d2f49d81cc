// Snapshot: one immutable backup set per run, written in one transaction.
import { appendAudit } from '../db/audit';
import { findBackupSetByRun, type SnapshotStats, writeSnapshot } from '../db/backupSets';
import type { ActivityDeps } from './deps';

export interface CreateSnapshotInput {
  runId: string;
  tenantId: string;
  scheduleId: string;
  /** Only the types fetched completely: a failed type's stale rows do not pass as current. */
  policyTypes: string[];
}

export function createCreateSnapshot({ db }: ActivityDeps) {
  return async function createSnapshot(input: CreateSnapshotInput): Promise<SnapshotStats> {
    // Idempotent: a retry after a commit whose answer was lost returns the existing set.
    const existing = await findBackupSetByRun(db, input.runId);
    if (existing) {
      return {
        backupSetId: existing.id,
        itemCount: existing.itemCount,
        totalBytes: Number(existing.totalBytes),
        newPayloadBytes: Number(existing.newPayloadBytes),
      };
    }
    return db.$transaction(
      async (tx) => {
        const stats = await writeSnapshot(tx, input);
        await appendAudit(tx, {
          tenantId: input.tenantId,
          actor: 'system',
          action: 'backup_set.created',
          resourceType: 'backup_set',
          resourceId: stats.backupSetId,
          metadata: {
            runId: input.runId,
            itemCount: stats.itemCount,
            newPayloadBytes: stats.newPayloadBytes,
          },
        });
        return stats;
      },
      { timeout: 5 * 60_000, maxWait: 30_000 },
    );
  };
}
