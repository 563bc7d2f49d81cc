// Snapshot: one immutable backup set per run, made from the run's own capture, with its changes
// against the schedule's previous set (field by field, src/diff), written and audited in one
// transaction. A set that would
// not hold exactly what the run fetched is never written: the run fails instead.
import { ApplicationFailure } from '@temporalio/activity';
import type { AuditEntry } from '../db/audit';
import { findSnapshotOfRun } from '../db/backupSets';
import { CaptureMismatchError, type SnapshotStats, writeSnapshot } from '../db/snapshot';
import { storedPayloadDiff } from '../diff';
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
    const existing = await findSnapshotOfRun(db, input.runId);
    if (existing) return existing;
    try {
      return await writeSnapshot(db, input, auditOf(input), storedPayloadDiff);
    } catch (error) {
      if (!(error instanceof CaptureMismatchError)) throw error;
      throw ApplicationFailure.create({
        message: error.message,
        type: 'capture_mismatch',
        nonRetryable: true,
      });
    }
  };
}

function auditOf(input: CreateSnapshotInput): (stats: SnapshotStats) => AuditEntry {
  return (stats) => ({
    tenantId: input.tenantId,
    actor: 'system',
    action: 'backup_set.created',
    resourceType: 'backup_set',
    resourceId: stats.backupSetId,
    metadata: {
      runId: input.runId,
      itemCount: stats.itemCount,
      newPayloadBytes: stats.newPayloadBytes,
      changes: { ...stats.changes },
    },
  });
}
