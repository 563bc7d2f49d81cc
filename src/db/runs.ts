import type { RunStatus, RunTrigger } from '../shared/types';
import type { BackupScheduleRun, DbClient as Db, Prisma } from './client';
import { after, createdBetween, NEWEST_FIRST } from './paging';

export const ACTIVE_RUN_STATUSES: RunStatus[] = ['queued', 'running'];

export function findRun(db: Db, tenantId: string, runId: string): Promise<BackupScheduleRun | null> {
  return db.backupScheduleRun.findFirst({ where: { id: runId, tenantId } });
}

export function findRunByWorkflowId(db: Db, workflowId: string): Promise<BackupScheduleRun | null> {
  return db.backupScheduleRun.findUnique({ where: { workflowId } });
}

export async function hasActiveRun(db: Db, scheduleId: string): Promise<boolean> {
  const count = await db.backupScheduleRun.count({
    where: { scheduleId, status: { in: ACTIVE_RUN_STATUSES } },
  });
  return count > 0;
}

export function insertQueuedRun(
  db: Db,
  run: {
    tenantId: string;
    scheduleId: string;
    workflowId: string;
    trigger: RunTrigger;
    requestedBy: string;
    retryOfId?: string;
  },
): Promise<BackupScheduleRun> {
  return db.backupScheduleRun.create({ data: { ...run, status: 'queued' } });
}

/**
 * Creates the run row for a workflow, or adopts the one the API made before starting it.
 * Keyed by workflow id, so a retried activity never makes a second row.
 */
export function adoptRun(
  db: Db,
  run: {
    tenantId: string;
    scheduleId: string;
    workflowId: string;
    temporalRunId: string;
    trigger: RunTrigger;
    scheduledFor: Date | null;
    requestedBy: string;
  },
): Promise<BackupScheduleRun> {
  return db.backupScheduleRun.upsert({
    where: { workflowId: run.workflowId },
    create: { ...run, status: 'queued' },
    update: { temporalRunId: run.temporalRunId },
  });
}

export function updateRun(
  db: Db,
  runId: string,
  data: {
    status: RunStatus;
    startedAt?: Date;
    finishedAt?: Date;
    summary?: Prisma.InputJsonValue;
    errorCode?: string | null;
    errorMessage?: string | null;
    backupSetId?: string | null;
  },
): Promise<BackupScheduleRun> {
  return db.backupScheduleRun.update({ where: { id: runId }, data });
}

export interface RunFilter {
  limit: number;
  cursor?: string;
  scheduleId?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  /** Runs created at or after. */
  from?: Date;
  /** Runs created before. */
  to?: Date;
}

/** Newest first; the cursor is the last run id of the previous page. */
export async function listRuns(db: Db, tenantId: string, filter: RunFilter): Promise<BackupScheduleRun[]> {
  const cursorRow = filter.cursor
    ? await db.backupScheduleRun.findFirst({ where: { id: filter.cursor, tenantId } })
    : null;
  return db.backupScheduleRun.findMany({
    where: {
      tenantId,
      ...(filter.scheduleId ? { scheduleId: filter.scheduleId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.trigger ? { trigger: filter.trigger } : {}),
      ...createdBetween(filter.from, filter.to),
      ...after(cursorRow),
    },
    orderBy: NEWEST_FIRST,
    take: filter.limit + 1,
  });
}

/** The schedule's most recent run that reached an outcome of its own (not skipped or canceled). */
export function latestOutcomeRun(db: Db, scheduleId: string): Promise<BackupScheduleRun | null> {
  return db.backupScheduleRun.findFirst({
    where: { scheduleId, status: { in: ['succeeded', 'partial', 'failed'] } },
    orderBy: NEWEST_FIRST,
  });
}
