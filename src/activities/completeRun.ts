// Records a run's outcome and its audit row (unless the audit step wrote it) in one transaction,
// so the run history and the audit log never disagree; then lets go of the run's capture, which its set (if any) no longer
// needs, and of its tenant sync lease if a failed sync left one.

import { appendAudit, runActor } from '../db/audit';
import { releaseRunCapture } from '../db/capture';
import { releaseSyncLease } from '../db/syncLeases';
import type { Prisma } from '../db/client';
import { updateRun } from '../db/runs';
import { backupRunDuration, backupRuns } from '../metrics/metrics';
import type { RunOutcome, RunSummary } from '../shared/types';
import type { ActivityDeps } from './deps';

export interface CompleteRunInput {
  runId: string;
  status: Exclude<RunOutcome, 'skipped'>;
  summary?: RunSummary;
  backupSetId?: string;
  errorCode?: string;
  errorMessage?: string;
}

export function createCompleteRun({ db }: ActivityDeps) {
  return async function completeRun(input: CompleteRunInput): Promise<void> {
    const finished = await db.$transaction(async (tx) => {
      const run = await tx.backupScheduleRun.findUniqueOrThrow({ where: { id: input.runId } });
      // Idempotent: a retry after the commit finds the run finished and changes nothing.
      if (run.status !== 'running' && run.status !== 'queued') return null;
      const finishedAt = new Date();
      await updateRun(tx, input.runId, {
        status: input.status,
        finishedAt,
        ...(input.summary ? { summary: input.summary as unknown as Prisma.InputJsonObject } : {}),
        backupSetId: input.backupSetId ?? null,
        errorCode: input.errorCode ?? null,
        errorMessage: input.errorMessage ?? null,
      });
      // The audit step (./auditRun.ts) of a run started since it exists wrote this row already,
      // with the run's events; runs started before it leave the row to this activity.
      const audited = await tx.auditLog.findFirst({
        where: { resourceType: 'backup_run', resourceId: run.id, action: `backup_run.${input.status}` },
        select: { id: true },
      });
      if (!audited)
        await appendAudit(tx, {
          tenantId: run.tenantId,
          actor: runActor(run),
          action: `backup_run.${input.status}`,
          resourceType: 'backup_run',
          resourceId: run.id,
          metadata: {
            trigger: run.trigger,
            workflowId: run.workflowId,
            ...(input.backupSetId ? { backupSetId: input.backupSetId } : {}),
            ...(input.errorCode ? { errorCode: input.errorCode } : {}),
            ...(input.summary ? { totals: input.summary.totals } : {}),
          },
        });
      return { startedAt: run.startedAt ?? run.createdAt, finishedAt };
    });
    // After the commit: a retry of this activity finds the run finished and still releases.
    await releaseRunCapture(db, input.runId);
    await releaseSyncLease(db, input.runId);
    // Counted once the outcome is committed, and only by the attempt that committed it.
    if (finished) {
      backupRuns.inc({ status: input.status });
      const seconds = (finished.finishedAt.getTime() - finished.startedAt.getTime()) / 1000;
      backupRunDuration.observe({ status: input.status }, seconds);
    }
  };
}
