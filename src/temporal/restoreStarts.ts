// Starts the workflows of a restore. Inputs carry ids only (payloads can hold secrets and are
// read by the activities); the ids come from src/shared/constants.ts so a repeated start joins the
// existing workflow instead of planning or applying twice.
import type { Client } from '@temporalio/client';
import {
  RESTORE_PLAN_WORKFLOW,
  RESTORE_RUN_WORKFLOW,
  restorePlanWorkflowId,
  restoreRunWorkflowId,
  restoreTaskQueueOf,
} from '../shared/constants';
import { TENANT_ID_KEY } from '../shared/searchAttributes';
import type { RestorePlanInput, RestoreRunInput } from '../restore/types';
import { TEMPORAL_WRITE_DEADLINE_MS, withinDeadline } from './deadline';

export interface RestoreStartOptions {
  /** The deployment's workflow task queue (WORKER_TASK_QUEUE); restores run on its -restore queue. */
  workflowTaskQueue: string;
}

export async function startRestorePlan(
  client: Client,
  options: RestoreStartOptions,
  tenantId: string,
  input: RestorePlanInput,
): Promise<void> {
  await withinDeadline(client, TEMPORAL_WRITE_DEADLINE_MS, () =>
    client.workflow.start(RESTORE_PLAN_WORKFLOW, {
      workflowId: restorePlanWorkflowId(input.restoreId),
      taskQueue: restoreTaskQueueOf(options.workflowTaskQueue),
      args: [input],
      typedSearchAttributes: [{ key: TENANT_ID_KEY, value: tenantId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  );
}

export async function startRestoreRun(
  client: Client,
  options: RestoreStartOptions,
  tenantId: string,
  input: RestoreRunInput,
): Promise<void> {
  await withinDeadline(client, TEMPORAL_WRITE_DEADLINE_MS, () =>
    client.workflow.start(RESTORE_RUN_WORKFLOW, {
      workflowId: restoreRunWorkflowId(input.restoreId, input.round),
      taskQueue: restoreTaskQueueOf(options.workflowTaskQueue),
      args: [input],
      typedSearchAttributes: [{ key: TENANT_ID_KEY, value: tenantId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  );
}

/** Cancels a workflow of the restore; false when Temporal knows no such workflow. */
export async function cancelRestoreWorkflow(client: Client, workflowId: string): Promise<boolean> {
  try {
    await withinDeadline(client, TEMPORAL_WRITE_DEADLINE_MS, () =>
      client.workflow.getHandle(workflowId).cancel(),
    );
    return true;
  } catch (error) {
    if ((error as Error)?.name === 'WorkflowNotFoundError') return false;
    throw error;
  }
}
