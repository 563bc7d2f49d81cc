// Restores whose workflow ended without recording it: an operator terminated it in the Temporal
// Web UI or CLI (terminate runs no workflow code, so no finish activity), or it timed out. The row
// would stay `planning` or `applying` forever and block every later apply. Each pass describes
// the workflows of restores in those states untouched for a while and records the end of those
// whose workflow is closed: a plan as plan_failed, an apply round through the same finishRestore
// an ordinary end uses (outcome counts, audit row, restore.finished event), canceled when someone
// ended it, with the operator as the actor. A workflow still running is left alone.
import { WorkflowNotFoundError } from '@temporalio/client';
import { appendAudit } from '../db/audit';
import { moveRestore } from '../db/restores';
import { finishRestore, pendingRestoreDeliveries } from '../db/restoreLedger';
import { openRestoreWorkflowId } from '../shared/constants';
import { startDeliveries } from './notify';
import type { ReconcilerDeps } from './reconcileSchedules';

/** A start on its way (the API commits `applying`, then starts the workflow) is not raced. */
export const RESTORE_WATCH_AFTER_MS = 60_000;
const PAGE = 50;
const OPERATOR_ENDED = new Set(['TERMINATED', 'CANCELLED', 'NOT_FOUND']);

/** Records the end of restores whose workflow closed without recording it; returns how many. */
export async function healEndedRestores(deps: ReconcilerDeps, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - (deps.restoreWatchAfterMs ?? RESTORE_WATCH_AFTER_MS));
  const open = await deps.db.restore.findMany({
    where: { status: { in: ['planning', 'applying'] }, updatedAt: { lt: before } },
    select: { id: true, status: true, applyRounds: true },
    orderBy: { updatedAt: 'asc' },
    take: PAGE,
  });
  let healed = 0;
  for (const restore of open) {
    const applying = restore.status === 'applying';
    const workflowId = openRestoreWorkflowId(restore);
    if (!workflowId) continue;
    const closedAs = await closedStatusOf(deps, workflowId);
    if (closedAs === undefined) continue;
    if (applying) {
      const finished = await finishRestore(deps.db, {
        restoreId: restore.id,
        round: restore.applyRounds,
        // Ended by someone (terminated, or cancelled before its finish ran): canceled. Failed or
        // timed out on its own: the outcomes decide (failed or partial), as for a finished round.
        canceled: OPERATOR_ENDED.has(closedAs),
        publicApiUrl: deps.publicApiUrl ?? 'http://localhost:3000',
        endedBy: { actor: 'operator', workflowStatus: closedAs },
      });
      if (!finished.finishedNow) continue;
      await startDeliveries(deps, await pendingRestoreDeliveries(deps.db, restore.id));
    } else {
      const moved = await moveRestore(deps.db, restore.id, ['planning'], {
        status: 'plan_failed',
        finishedAt: now,
        error: `its RestorePlan workflow ended ${closedAs} in Temporal without a plan (an operator's action or a timeout)`,
      });
      if (!moved) continue;
      const { tenantId } = await deps.db.restore.findUniqueOrThrow({ where: { id: restore.id } });
      await appendAudit(deps.db, {
        tenantId,
        actor: 'operator',
        action: 'restore.plan_failed',
        resourceType: 'restore',
        resourceId: restore.id,
        metadata: { workflowId, workflowStatus: closedAs },
      });
    }
    healed += 1;
  }
  return healed;
}

/** The workflow's closed status (TERMINATED, TIMED_OUT, ...), `NOT_FOUND`, or undefined while it runs. */
async function closedStatusOf(deps: ReconcilerDeps, workflowId: string): Promise<string | undefined> {
  try {
    const { status } = await deps.temporal.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' ? undefined : status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw error;
  }
}
