// Types shared by the API, the workflow and the activities. The workflow bundle imports this
// module, so it holds types only. Workflow and activity inputs carry ids, never credentials:
// Temporal stores them in plain text in its history.

export type RunTrigger = 'scheduled' | 'manual' | 'retry' | 'operator';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'skipped' | 'canceled';
export type RunOutcome = Extract<RunStatus, 'succeeded' | 'partial' | 'failed' | 'skipped' | 'canceled'>;

/** Argument of the BackupRun workflow. Schedules send only the ids. */
export interface BackupRunInput {
  tenantId: string;
  scheduleId: string;
  /** Set by the API for the runs it starts; absent when Temporal or an operator started the run. */
  trigger?: Extract<RunTrigger, 'manual' | 'retry'>;
  requestedBy?: string;
  retryOfRunId?: string;
}

export type PolicyTypeOutcome = 'ok' | 'permission_missing' | 'unsupported' | 'failed';

export interface PolicyTypeSummary {
  outcome: PolicyTypeOutcome;
  reason?: string;
  requiredPermission?: string;
  fetched: number;
  added: number;
  modified: number;
  removed: number;
  /**
   * What an `ok` type captured incompletely item by item: its items are all in the set, but some
   * lack data a restore needs. Absent when there is nothing to say.
   */
  warnings?: PolicyTypeWarning[];
}

/** One kind of incompleteness of a type's items, naming the policies it concerns. */
export interface PolicyTypeWarning {
  /** `encrypted_values_not_readable`: values Intune stores encrypted, without the permission to read them. */
  code: 'encrypted_values_not_readable';
  message: string;
  /** The Graph permission that would let the next run capture what is missing. */
  requiredPermission: string;
  /** How many policies; `policies` lists the first MAX_WARNING_POLICIES of them. */
  count: number;
  policies: { graphId: string; displayName: string }[];
}

/** Items of a backup set against the schedule's previous set. */
export interface ChangeCounts {
  added: number;
  removed: number;
  modified: number;
  /** Modified, and the display name changed too. */
  renamed: number;
  /** Re-created by a restore under a new Graph id (restore_lineage); absent when none. */
  restored?: number;
}

export interface RunSummary {
  types: Record<string, PolicyTypeSummary>;
  totals: { fetched: number; added: number; modified: number; removed: number; itemCount: number };
  /** The backup set's changes (GET .../backup-sets/{id}/changes lists them). */
  changes?: ChangeCounts;
  /** What retention deleted, and what it kept beyond keepLast and why (src/activities/retention.ts). */
  retention?: { deletedBackupSetIds: string[] };
  /** The set's copy to the tenant's offsite destination; absent when it has none (src/activities/copyOffsite.ts). */
  offsite?: OffsiteCopySummary;
}

/** What the run's offsite copy did: the object written, or why it failed after its retries. */
export interface OffsiteCopySummary {
  status: 'copied' | 'failed';
  objectName?: string;
  sizeBytes?: number;
  sha256?: string;
  /** Code and secret-free message of the last attempt's failure. */
  error?: { code: string; message: string };
}

export interface BackupRunResult {
  runId: string;
  status: RunOutcome;
  backupSetId?: string;
  reason?: string;
}

/** Input of the DeliverNotification workflow (src/workflows/deliverNotification.ts). */
export interface DeliverNotificationInput {
  deliveryId: string;
  /**
   * Delay before each attempt (Temporal durations, e.g. "5m"); the first is usually "0s". Given
   * by the starter (NOTIFICATION_RETRY_SCHEDULE), so a running delivery keeps its schedule.
   */
  retrySchedule: string[];
  /** The replay this workflow serves (0 or absent: the first delivery); an older one stops. */
  replay?: number;
}
