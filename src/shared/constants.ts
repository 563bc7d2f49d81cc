// Names shared by the API, the worker and the workflow. The workflow bundle imports this
// module, so it must stay free of Node-only imports.

/** The one task queue that BackupRun workflows and their activities run on. */
export const BACKUP_TASK_QUEUE = 'backups';

/**
 * Where a BackupRun's sync activities run: a queue of their own next to the workflow's, with its
 * own worker slots, so bookkeeping activities (begin, claim, snapshot, complete) never wait
 * behind long syncs. Derived from the workflow's queue, so an isolated worker gets its own too.
 */
export function syncTaskQueueOf(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-sync`;
}

/** Workflow type name, as registered by the worker and referenced by schedules. */
export const BACKUP_RUN_WORKFLOW = 'BackupRun';

/** Custom search attributes; the dev server and docker-compose register them. */
export const SEARCH_ATTRIBUTES = {
  tenantId: 'TenantId',
  backupScheduleId: 'BackupScheduleId',
  backupTrigger: 'BackupTrigger',
} as const;

/** Deterministic Temporal Schedule id for a schedule row, so the reconciler can find it. */
export function temporalScheduleId(scheduleId: string): string {
  return `backup-schedule-${scheduleId}`;
}

/**
 * Workflow id base for a schedule's runs. Scheduled starts append the nominal time;
 * API-started runs append their own suffix.
 */
export function backupRunWorkflowIdBase(scheduleId: string): string {
  return `backup-run-${scheduleId}`;
}

export const SCHEDULE_ID_PREFIX = 'backup-schedule-';

/**
 * Attempts Temporal gives the sync activity. The activity reads it too: on its last attempt a
 * transient Graph failure becomes the type's `failed` outcome instead of another retry.
 */
export const SYNC_MAX_ATTEMPTS = 5;

/**
 * The sync activity heartbeats at least this often; Temporal retries it on another worker when
 * no heartbeat arrived for SYNC_HEARTBEAT_TIMEOUT (a killed worker is noticed that fast).
 */
export const SYNC_HEARTBEAT_INTERVAL_MS = 5_000;
export const SYNC_HEARTBEAT_TIMEOUT = '30s';

/** Workflow type that delivers one notification (or one digest) to one channel. */
export const DELIVER_NOTIFICATION_WORKFLOW = 'DeliverNotification';

/**
 * Deterministic workflow id of a delivery (and of each replay of it): starting it twice starts it
 * once, and a replay never joins the workflow of an earlier round that is still running.
 */
export function deliveryWorkflowId(deliveryId: string, replay = 0): string {
  return replay > 0
    ? `notification-delivery-${deliveryId}-replay-${replay}`
    : `notification-delivery-${deliveryId}`;
}

/**
 * Where delivery attempts run: a queue of their own beside the workflow's, so a slow receiver
 * (15 s per attempt) never holds a slot a backup run's bookkeeping needs.
 */
export function notifyTaskQueueOf(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-notify`;
}

/**
 * The Standard Webhooks retry schedule: the delay before each attempt, the first immediate
 * (about 75 h 35 min from first to last). NOTIFICATION_RETRY_SCHEDULE may replace it.
 */
export const STANDARD_WEBHOOKS_RETRY_SCHEDULE = [
  '0s',
  '5s',
  '5m',
  '30m',
  '2h',
  '5h',
  '10h',
  '14h',
  '20h',
  '24h',
] as const;

export const RESTORE_PLAN_WORKFLOW = 'RestorePlan';
export const RESTORE_RUN_WORKFLOW = 'RestoreRun';

/** One plan per restore: starting it twice starts it once. */
export function restorePlanWorkflowId(restoreId: string): string {
  return `restore-plan-${restoreId}`;
}

/** One workflow per apply round: a re-apply after a crash or cancel never joins the old round. */
export function restoreRunWorkflowId(restoreId: string, round: number): string {
  return `restore-run-${restoreId}-${round}`;
}

/** The workflow of a restore that is planning or applying; undefined in any other status. */
export function openRestoreWorkflowId(restore: {
  id: string;
  status: string;
  applyRounds: number;
}): string | undefined {
  if (restore.status === 'applying') return restoreRunWorkflowId(restore.id, restore.applyRounds);
  if (restore.status === 'planning') return restorePlanWorkflowId(restore.id);
  return undefined;
}

/**
 * Where restores run, workflows and activities alike: a queue of their own, so a restore paced by
 * Graph's write limits (minutes of waiting) never holds a slot a backup run needs.
 */
export function restoreTaskQueueOf(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-restore`;
}

/**
 * Attempts of a RestorePlan activity: a transient Graph error is retried, and the last attempt
 * records what it could not read instead of failing the plan (as a sync's last attempt does).
 */
export const RESTORE_PLAN_MAX_ATTEMPTS = 4;

export const TENANT_PURGE_WORKFLOW = 'TenantPurge';
/** Signal to a sleeping TenantPurge: purge now (DELETE /v1/tenants/{id}?purge=now). */
export const PURGE_NOW_SIGNAL = 'purgeNow';

/** One purge per tenant: offboarding twice joins the first one. */
export function tenantPurgeWorkflowId(tenantId: string): string {
  return `tenant-purge-${tenantId}`;
}
