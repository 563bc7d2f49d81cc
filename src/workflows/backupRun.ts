// The BackupRun workflow: begin (run row + lock) -> tenant sync lease -> sync -> snapshot ->
// audit -> retention -> offsite copy -> complete.
// Deterministic code only; every effect happens in an activity. Changes to this released
// workflow must go through patched() and keep the replay tests green.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BackupActivities } from '../activities';
import { SYNC_HEARTBEAT_TIMEOUT, SYNC_MAX_ATTEMPTS, syncTaskQueueOf } from '../shared/constants';
import {
  SCHEDULE_ID_KEY,
  SCHEDULED_BY_ID_KEY,
  SCHEDULED_START_TIME_KEY,
  TENANT_ID_KEY,
  TRIGGER_KEY,
} from '../shared/searchAttributes';
import type { BackupRunInput, BackupRunResult, OffsiteCopySummary } from '../shared/types';
import { offsiteFailureOf, runStatusFor, summarize } from './summary';

// Errors no retry can fix: bad input, missing rows, rejected credentials.
const NON_RETRYABLE = ['schedule_not_found', 'tenant_not_found', 'graph_auth_failed'];

const bookkeeping = proxyActivities<Pick<BackupActivities, 'beginRun' | 'completeRun'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE },
});

const syncOptions = {
  startToCloseTimeout: '1h',
  heartbeatTimeout: SYNC_HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '10s',
    maximumInterval: '5m',
    maximumAttempts: SYNC_MAX_ATTEMPTS,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const;
const graphSync = proxyActivities<Pick<BackupActivities, 'syncPolicies'>>(syncOptions);

/**
 * Patch: on cancellation, wait until the sync has stopped before recording the run `canceled`,
 * so no policy is written after the run says it ended. Runs started before it keep the old
 * behaviour (TRY_CANCEL), which their histories record.
 */
const SYNC_WAITS_FOR_CANCELLATION = 'sync-waits-for-cancellation';
const graphSyncWaitingOnCancel = proxyActivities<Pick<BackupActivities, 'syncPolicies'>>({
  ...syncOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * Patch: the sync waits for one of its tenant's sync leases (claimSyncLease retries until a lease
 * is free, on the workflow's queue) and then runs on the sync queue, with the tenant as its
 * fairness key. Runs started before it keep syncing on the workflow queue without a lease.
 */
const TENANT_FAIR_SYNC = 'tenant-fair-sync';
const leases = proxyActivities<Pick<BackupActivities, 'claimSyncLease'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 1.5, maximumInterval: '10s' },
});
function fairSync(workflowTaskQueue: string, tenantId: string) {
  return proxyActivities<Pick<BackupActivities, 'syncPolicies'>>({
    ...syncOptions,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    taskQueue: syncTaskQueueOf(workflowTaskQueue),
    // The sync queue's backlog is served tenant by tenant (with fairness on in the server).
    priority: { fairnessKey: tenantId },
  });
}

const storage = proxyActivities<Pick<BackupActivities, 'createSnapshot' | 'applyRetention'>>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 10 },
});

/**
 * Patch: an audit step of its own (auditRun) writes the run's outcome audit row and its events in
 * one transaction, after the snapshot and before retention, and on the failure paths before
 * completeRun (which then writes no second row). A failure after an audited success (retention)
 * is audited too: the run keeps its `backup_run.succeeded` row and changes events (its set
 * exists), and gets `backup_run.failed` and `backup.run.failed`. Runs started before the patch
 * leave the outcome row to completeRun and have no events.
 */
const RUN_AUDIT_STEP = 'run-audit-step';
const audit = proxyActivities<Pick<BackupActivities, 'auditRun'>>({
  // Reads the set's changes and compares it with the tenant's subscribed baselines.
  startToCloseTimeout: '10m',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 10 },
});

/** The failure's audit step; if it cannot be done, completeRun still records the outcome row. */
async function auditFailure(input: Parameters<BackupActivities['auditRun']>[0]): Promise<void> {
  if (!patched(RUN_AUDIT_STEP)) return;
  try {
    await audit.auditRun(input);
  } catch (error) {
    if (isCancellation(error)) throw error;
  }
}

type FailureInput = Parameters<BackupActivities['auditRun']>[0] & { status: 'failed' };

/**
 * A failure's audit step and outcome row. Under the audit step a cancel arriving meanwhile waits
 * for both: canceled half-way, completeRun never ran and the run stayed `running` (its capture and
 * sync lease held) although its failure was audited. Runs started before keep the old behaviour.
 */
async function recordFailure(input: FailureInput): Promise<void> {
  const { taskQueue: _queue, tenantId: _tenant, scheduleId: _schedule, ...outcome } = input;
  const record = async () => {
    await auditFailure(input);
    await bookkeeping.completeRun(outcome);
  };
  if (patched(RUN_AUDIT_STEP)) await CancellationScope.nonCancellable(record);
  else await record();
}

/**
 * Patch: after retention, the set is copied to the tenant's offsite destination (copyOffsite; a
 * tenant without one gets `not_configured` and no `offsite` in its summary). The copy has its own
 * retries; when the last fails, recordOffsiteFailure records it (copy row, audit row, event) and
 * the run keeps its status. Runs started before the patch complete right after retention.
 */
const COPY_OFFSITE = 'copy-offsite';
const offsite = proxyActivities<Pick<BackupActivities, 'copyOffsite'>>({
  // Writes and uploads a whole archive; heartbeats on every chunk, so a stalled upload is retried.
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['offsite_refused'],
  },
});
const offsiteBookkeeping = proxyActivities<Pick<BackupActivities, 'recordOffsiteFailure'>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 10 },
});

/** The run summary's `offsite`, undefined without a destination; only a cancellation throws. */
async function copyOffsite(
  input: Parameters<BackupActivities['copyOffsite']>[0] & { taskQueue: string },
): Promise<OffsiteCopySummary | undefined> {
  const { taskQueue: _queue, ...copy } = input;
  const { outcomes: _outcomes, ...failed } = input;
  try {
    const copied = await offsite.copyOffsite(copy);
    if (copied.status === 'not_configured') return undefined;
    const { objectName, sizeBytes, sha256 } = copied;
    return { status: 'copied', objectName, sizeBytes, sha256 };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const failure = offsiteFailureOf(error);
    try {
      return await offsiteBookkeeping.recordOffsiteFailure({ ...failed, error: failure });
    } catch (recordError) {
      if (isCancellation(recordError)) throw recordError;
      return { status: 'failed', error: failure };
    }
  }
}

export async function BackupRun(input: BackupRunInput): Promise<BackupRunResult> {
  const info = workflowInfo();
  const scheduledStart = info.typedSearchAttributes.get(SCHEDULED_START_TIME_KEY);
  const begun = await bookkeeping.beginRun({
    ...input,
    workflowId: info.workflowId,
    temporalRunId: info.runId,
    startedBySchedule: info.typedSearchAttributes.get(SCHEDULED_BY_ID_KEY) !== undefined,
    ...(scheduledStart ? { scheduledFor: scheduledStart.toISOString() } : {}),
  });
  upsertSearchAttributes([
    { key: TENANT_ID_KEY, value: input.tenantId },
    { key: SCHEDULE_ID_KEY, value: input.scheduleId },
    { key: TRIGGER_KEY, value: begun.trigger },
  ]);
  const { runId } = begun;
  const runRef = { runId, tenantId: input.tenantId, scheduleId: input.scheduleId, taskQueue: info.taskQueue };
  if (!begun.proceed)
    return { runId, status: 'skipped', ...(begun.skipReason ? { reason: begun.skipReason } : {}) };

  try {
    let sync = patched(SYNC_WAITS_FOR_CANCELLATION) ? graphSyncWaitingOnCancel : graphSync;
    if (patched(TENANT_FAIR_SYNC)) {
      await leases.claimSyncLease({ runId, tenantId: input.tenantId });
      sync = fairSync(info.taskQueue, input.tenantId);
    }
    const types = await sync.syncPolicies({
      runId,
      tenantId: input.tenantId,
      policyTypes: begun.policyTypes,
    });
    const status = runStatusFor(types);
    if (status === 'failed') {
      const summary = summarize(types, 0);
      await recordFailure({
        ...runRef,
        status,
        summary,
        errorCode: 'all_types_failed',
        errorMessage: 'no policy type could be fetched',
      });
      throw ApplicationFailure.nonRetryable('no policy type could be fetched', 'all_types_failed');
    }
    const complete = Object.keys(types).filter((key) => types[key]?.outcome === 'ok');
    const set = await storage.createSnapshot({
      runId,
      tenantId: input.tenantId,
      scheduleId: input.scheduleId,
      policyTypes: complete,
    });
    if (patched(RUN_AUDIT_STEP))
      await audit.auditRun({
        ...runRef,
        status,
        summary: { ...summarize(types, set.itemCount), changes: set.changes },
        backupSetId: set.backupSetId,
      });
    const retention = await storage.applyRetention({
      runId,
      tenantId: input.tenantId,
      scheduleId: input.scheduleId,
      keepLast: begun.keepLast,
      keepBackupSetId: set.backupSetId,
    });
    const copied = patched(COPY_OFFSITE)
      ? await copyOffsite({ ...runRef, backupSetId: set.backupSetId, outcomes: types })
      : undefined;
    const summary = {
      ...summarize(types, set.itemCount),
      changes: set.changes,
      retention,
      ...(copied ? { offsite: copied } : {}),
    };
    await bookkeeping.completeRun({ runId, status, summary, backupSetId: set.backupSetId });
    return { runId, status, backupSetId: set.backupSetId };
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() =>
        bookkeeping.completeRun({ runId, status: 'canceled', errorCode: 'canceled' }),
      );
      throw error;
    }
    if (error instanceof ApplicationFailure && error.type === 'all_types_failed') throw error;
    const { code, message } = describeFailure(error);
    await recordFailure({ ...runRef, status: 'failed', errorCode: code, errorMessage: message });
    // Fail the workflow too, so Temporal shows the run failed.
    throw ApplicationFailure.nonRetryable(message, code);
  }
}

function describeFailure(error: unknown): { code: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure)
    return { code: cause.type ?? 'activity_failed', message: cause.message };
  return { code: 'activity_failed', message: cause instanceof Error ? cause.message : String(cause) };
}
