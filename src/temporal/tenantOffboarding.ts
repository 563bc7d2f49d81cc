// Temporal's side of offboarding a tenant: its schedules paused (no fire between the two calls)
// then deleted, its running workflows asked to cancel, and its purge workflow started or told
// to purge now. Every call may be repeated: a retried DELETE of the tenant does them again.
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import type { TenantPurgeInput } from '../workflows/tenantPurge';
import {
  PURGE_NOW_SIGNAL,
  TENANT_PURGE_WORKFLOW,
  tenantPurgeWorkflowId,
  temporalScheduleId,
} from '../shared/constants';
import { TENANT_ID_KEY } from '../shared/searchAttributes';
import { TEMPORAL_WRITE_DEADLINE_MS, withinDeadline } from './deadline';
import { cancelRestoreWorkflow } from './restoreStarts';
import { deleteTemporalSchedule } from './scheduleSync';

/** Pauses, then deletes the schedule; nothing when Temporal has no such schedule. */
export async function disableAndDeleteSchedule(client: Client, scheduleId: string): Promise<void> {
  try {
    await withinDeadline(client, TEMPORAL_WRITE_DEADLINE_MS, () =>
      client.schedule.getHandle(temporalScheduleId(scheduleId)).pause('tenant offboarded'),
    );
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return;
    throw error;
  }
  await withinDeadline(client, TEMPORAL_WRITE_DEADLINE_MS, () => deleteTemporalSchedule(client, scheduleId));
}

/** Asks each workflow to cancel; how many Temporal knew. */
export async function cancelWorkflows(client: Client, workflowIds: string[]): Promise<number> {
  let canceled = 0;
  for (const workflowId of workflowIds) if (await cancelRestoreWorkflow(client, workflowId)) canceled += 1;
  return canceled;
}

/**
 * Starts the tenant's purge (joining one already started), and with `now` signals it to purge at
 * once. The input carries the tenant id and a time only.
 */
export async function startTenantPurge(
  client: Client,
  workflowTaskQueue: string,
  input: TenantPurgeInput,
  now: boolean,
): Promise<string> {
  const options = {
    workflowId: tenantPurgeWorkflowId(input.tenantId),
    taskQueue: workflowTaskQueue,
    args: [input] as [TenantPurgeInput],
    typedSearchAttributes: [{ key: TENANT_ID_KEY, value: input.tenantId }],
  };
  await withinDeadline(client, TEMPORAL_WRITE_DEADLINE_MS, async () => {
    if (now) {
      await client.workflow.signalWithStart(TENANT_PURGE_WORKFLOW, {
        ...options,
        signal: PURGE_NOW_SIGNAL,
        signalArgs: [],
      });
    } else {
      await client.workflow.start(TENANT_PURGE_WORKFLOW, {
        ...options,
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }
  });
  return options.workflowId;
}
