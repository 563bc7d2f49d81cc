// A restore planned and applied as the API does it (the API is another part): the `restores`
// row, RestorePlan to the end, then one apply round (`applying`, RestoreRun of that round).
import {
  BACKUP_TASK_QUEUE,
  RESTORE_PLAN_WORKFLOW,
  RESTORE_RUN_WORKFLOW,
  restorePlanWorkflowId,
  restoreRunWorkflowId,
  restoreTaskQueueOf,
} from '../../src/shared/constants';
import type { TestStack } from './stack';

type RestoreData = Parameters<TestStack['db']['restore']['create']>[0]['data'];

/** Creates the restore and runs its plan; returns its id. */
export async function planned(stack: TestStack, data: RestoreData): Promise<string> {
  const restore = await stack.db.restore.create({ data });
  await stack.temporal.workflow.execute(RESTORE_PLAN_WORKFLOW, {
    taskQueue: restoreTaskQueueOf(BACKUP_TASK_QUEUE),
    workflowId: restorePlanWorkflowId(restore.id),
    args: [{ restoreId: restore.id }],
  });
  return restore.id;
}

/** One apply round by `appliedBy`, to its result. */
export async function appliedRound(stack: TestStack, restoreId: string, appliedBy: string): Promise<unknown> {
  const row = await stack.db.restore.update({
    where: { id: restoreId },
    data: { status: 'applying', appliedBy, applyRounds: { increment: 1 }, applyStartedAt: new Date() },
  });
  return stack.temporal.workflow.execute(RESTORE_RUN_WORKFLOW, {
    taskQueue: restoreTaskQueueOf(BACKUP_TASK_QUEUE),
    workflowId: restoreRunWorkflowId(restoreId, row.applyRounds),
    args: [{ restoreId, round: row.applyRounds }],
  });
}
