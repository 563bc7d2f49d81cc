// Runs started through the API. The row is written first (status `queued`) so the caller
// gets its id at once; the workflow adopts the same row by workflow id when it starts.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { BackupScheduleRun, Db } from '../db/client';
import {
  findRun,
  findActiveRunId,
  insertQueuedRun,
  type RunFilter,
  listRuns as selectRuns,
  updateRun,
} from '../db/runs';
import { findLiveSchedule } from '../db/schedules';
import { lockTenantForWrite } from '../db/tenantOffboarding';
import { findTenant } from '../db/tenants';
import type { Logger } from '../logging/logger';
import { BACKUP_RUN_WORKFLOW, BACKUP_TASK_QUEUE, backupRunWorkflowIdBase } from '../shared/constants';
import { SCHEDULE_ID_KEY, TENANT_ID_KEY, TRIGGER_KEY } from '../shared/searchAttributes';
import type { BackupRunInput } from '../shared/types';
import { TEMPORAL_WRITE_DEADLINE_MS, withinDeadline } from '../temporal/deadline';
import { ConflictError, NotFoundError, RunInProgressError, UnavailableError } from './errors';

export interface RunServiceDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
}

export function startManualRun(
  deps: RunServiceDeps,
  tenantId: string,
  scheduleId: string,
  requestedByUserId: string,
): Promise<BackupScheduleRun> {
  return startApiRun(deps, tenantId, scheduleId, requestedByUserId, { trigger: 'manual' });
}

/** Runs a failed or partial run's schedule again; the new run's `retryOf` is the old one. */
export async function retryRun(
  deps: RunServiceDeps,
  tenantId: string,
  runId: string,
  requestedByUserId: string,
): Promise<BackupScheduleRun> {
  const previous = await getRun(deps, tenantId, runId);
  if (previous.status !== 'failed' && previous.status !== 'partial') {
    throw new ConflictError(
      `only failed or partial runs can be retried; this one is ${previous.status}`,
      'run_not_retryable',
    );
  }
  return startApiRun(deps, tenantId, previous.scheduleId, requestedByUserId, {
    trigger: 'retry',
    retryOfRunId: previous.id,
  });
}

export function listRuns(deps: Pick<RunServiceDeps, 'db'>, tenantId: string, filter: RunFilter) {
  return selectRuns(deps.db, tenantId, filter);
}

async function startApiRun(
  deps: RunServiceDeps,
  tenantId: string,
  scheduleId: string,
  requestedByUserId: string,
  how: { trigger: 'manual' | 'retry'; retryOfRunId?: string },
): Promise<BackupScheduleRun> {
  const [schedule, tenant] = await Promise.all([
    findLiveSchedule(deps.db, tenantId, scheduleId),
    findTenant(deps.db, tenantId),
  ]);
  if (!schedule || !tenant) throw new NotFoundError('backup schedule');
  if (!schedule.enabled)
    throw new ConflictError('the schedule is disabled; enable it to run it', 'schedule_disabled');
  // A fast answer for the common case; the workflow's Postgres lock is what guarantees it.
  const activeRunId = await findActiveRunId(deps.db, scheduleId);
  if (activeRunId) {
    throw new RunInProgressError(activeRunId);
  }
  const workflowId = `${backupRunWorkflowIdBase(scheduleId)}-${how.trigger}-${randomUUID()}`;
  const requestedBy = `user:${requestedByUserId}`;
  // Under the tenant's lock: a run of an offboarded tenant is refused, and one that commits just
  // before the offboarding is among the runs the offboarding then asks to cancel.
  const run = await deps.db.$transaction(async (tx) => {
    await lockTenantForWrite(tx, tenantId);
    return insertQueuedRun(tx, {
      tenantId,
      scheduleId,
      workflowId,
      trigger: how.trigger,
      requestedBy,
      ...(how.retryOfRunId ? { retryOfId: how.retryOfRunId } : {}),
    });
  });
  const input: BackupRunInput = {
    tenantId,
    scheduleId,
    trigger: how.trigger,
    requestedBy,
    ...(how.retryOfRunId ? { retryOfRunId: how.retryOfRunId } : {}),
  };
  try {
    await withinDeadline(deps.temporal, TEMPORAL_WRITE_DEADLINE_MS, () =>
      deps.temporal.workflow.start(BACKUP_RUN_WORKFLOW, {
        workflowId,
        taskQueue: BACKUP_TASK_QUEUE,
        args: [input],
        typedSearchAttributes: [
          { key: TENANT_ID_KEY, value: tenantId },
          { key: SCHEDULE_ID_KEY, value: scheduleId },
          { key: TRIGGER_KEY, value: how.trigger },
        ],
        // What scheduled runs carry too (scheduleOptions.ts): operators recognise runs by it.
        memo: { scheduleName: schedule.name, tenantSlug: tenant.slug },
      }),
    );
  } catch (error) {
    // Never leave a `queued` row that no workflow will ever pick up.
    deps.logger.error({ err: error, runId: run.id, workflowId }, 'could not start the BackupRun workflow');
    await updateRun(deps.db, run.id, {
      status: 'failed',
      finishedAt: new Date(),
      errorCode: 'dispatch_failed',
      errorMessage: 'Temporal did not accept the workflow start',
    });
    throw new UnavailableError('Temporal is unavailable; the run was not started', 'temporal_unavailable');
  }
  return run;
}

export async function getRun(deps: Pick<RunServiceDeps, 'db'>, tenantId: string, runId: string) {
  const run = await findRun(deps.db, tenantId, runId);
  if (!run) throw new NotFoundError('run');
  return run;
}
