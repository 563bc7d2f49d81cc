// Retention: keep the schedule's newest N sets; every deletion is audited with the set ids.
import { appendAudit } from '../db/audit';
import { deleteSetsBeyondRetention } from '../db/backupSets';
import type { ActivityDeps } from './deps';

export interface ApplyRetentionInput {
  tenantId: string;
  scheduleId: string;
  runId: string;
  keepLast: number;
  keepBackupSetId: string;
}

export function createApplyRetention({ db }: ActivityDeps) {
  return async function applyRetention(
    input: ApplyRetentionInput,
  ): Promise<{ deletedBackupSetIds: string[] }> {
    return db.$transaction(
      async (tx) => {
        const deleted = await deleteSetsBeyondRetention(tx, {
          scheduleId: input.scheduleId,
          keepLast: input.keepLast,
          keepSetId: input.keepBackupSetId,
        });
        if (deleted.length > 0) {
          await appendAudit(tx, {
            tenantId: input.tenantId,
            actor: 'system',
            action: 'retention.deleted_backup_sets',
            resourceType: 'backup_schedule',
            resourceId: input.scheduleId,
            metadata: { runId: input.runId, keepLast: input.keepLast, deletedBackupSetIds: deleted },
          });
        }
        return { deletedBackupSetIds: deleted };
      },
      { timeout: 5 * 60_000, maxWait: 30_000 },
    );
  };
}
