// Restores driven as the API drives them (the API is another part, and these tests start the
// workflows directly): the `restores` row, RestorePlan to the end, then apply rounds (`applying`,
// RestoreRun of that round) on the restore task queue of the worker's queue.
import type { RestoreMode } from '../../src/restore/types';
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

/** What a restore request names; the rest of the row is the API's defaults. */
export interface RestoreRequest {
  tenantId: string;
  backupSetId: string;
  mode: RestoreMode;
  requestedBy: string;
  /** The selected items; none selects the whole set. */
  items?: { policyType: string; graphId: string }[];
}

/** The `restores` row of a request (status planning), as POST …/restores writes it. */
export function createRestore(stack: TestStack, request: RestoreRequest) {
  const { items, ...named } = request;
  return stack.db.restore.create({
    data: {
      ...named,
      assignments: 'restore',
      conditionalAccessState: 'report_only',
      selection: items ? { items } : {},
    },
  });
}

/** Starts the restore's RestorePlan; returns its handle. */
export function startPlan(stack: TestStack, restoreId: string) {
  return stack.temporal.workflow.start(RESTORE_PLAN_WORKFLOW, {
    taskQueue: restoreTaskQueueOf(BACKUP_TASK_QUEUE),
    workflowId: restorePlanWorkflowId(restoreId),
    args: [{ restoreId }],
  });
}

/** Runs the restore's RestorePlan to its result. */
export async function runPlan(stack: TestStack, restoreId: string): Promise<unknown> {
  return (await startPlan(stack, restoreId)).result();
}

/** Creates the restore and runs its plan; returns its id. */
export async function planned(stack: TestStack, data: RestoreData): Promise<string> {
  const restore = await stack.db.restore.create({ data });
  await runPlan(stack, restore.id);
  return restore.id;
}

/**
 * What POST …/apply does: records the next round by `appliedBy` (`applying`) and starts that
 * round's RestoreRun on the restore queue of `queue`; returns its handle.
 */
export async function startApplyRound(
  stack: TestStack,
  restoreId: string,
  appliedBy: string,
  queue = BACKUP_TASK_QUEUE,
) {
  const row = await stack.db.restore.update({
    where: { id: restoreId },
    data: { status: 'applying', appliedBy, applyRounds: { increment: 1 }, applyStartedAt: new Date() },
  });
  return startRound(stack, restoreId, row.applyRounds, queue);
}

/** One apply round by `appliedBy`, to its result. */
export async function appliedRound(stack: TestStack, restoreId: string, appliedBy: string): Promise<unknown> {
  return (await startApplyRound(stack, restoreId, appliedBy)).result();
}

/** Starts RestoreRun of `round` without recording the round (tests of rounds the API no longer expects). */
export function startRound(stack: TestStack, restoreId: string, round: number, queue = BACKUP_TASK_QUEUE) {
  return stack.temporal.workflow.start(RESTORE_RUN_WORKFLOW, {
    taskQueue: restoreTaskQueueOf(queue),
    workflowId: restoreRunWorkflowId(restoreId, round),
    args: [{ restoreId, round }],
  });
}
