import type { RunStatus, RunTrigger } from '../shared/types';
import { appendAudit } from './audit';
import type { BackupScheduleRun, DbClient as Db, Db as FullDb, Prisma } from './client';
import { after, createdBetween, type KeysetPosition, NEWEST_FIRST } from './paging';

export const ACTIVE_RUN_STATUSES: RunStatus[] = ['queued', 'running'];

export function findRun(db: Db, tenantId: string, runId: string): Promise<BackupScheduleRun | null> {
  return db.backupScheduleRun.findFirst({ where: { id: runId, tenantId } });
}

/** Each schedule's most recent run (by creation), for the schedules that have one. */
export async function latestRunsOf(db: Db, scheduleIds: string[]): Promise<Map<string, BackupScheduleRun>> {
  if (scheduleIds.length === 0) return new Map();
  const runs = await db.backupScheduleRun.findMany({
    where: { scheduleId: { in: scheduleIds } },
    orderBy: [{ scheduleId: 'asc' }, { createdAt: 'desc' }],
    distinct: ['scheduleId'],
  });
  return new Map(runs.map((run) => [run.scheduleId, run]));
}

/** The id of a queued or running run of the schedule (the oldest), if there is one. */
export async function findActiveRunId(db: Db, scheduleId: string): Promise<string | undefined> {
  const run = await db.backupScheduleRun.findFirst({
    where: { scheduleId, status: { in: ACTIVE_RUN_STATUSES } },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  return run?.id;
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

export interface AdoptedRun {
  run: BackupScheduleRun;
  /** The workflow's earlier run, when this Temporal run is an operator's reset of it. */
  resetOf?: BackupScheduleRun;
}

/**
 * Creates the run row for a Temporal run, or adopts the one the API made before starting it.
 * Keyed by (workflow id, Temporal run id), so a retried activity never makes a second row.
 * A new Temporal run of a recorded workflow is an operator's `temporal workflow reset`: it gets
 * its own row, a retry of the earlier one, which is closed if the reset cut it short.
 */
export async function adoptRun(
  db: FullDb,
  run: {
    tenantId: string;
    scheduleId: string;
    workflowId: string;
    temporalRunId: string;
    trigger: RunTrigger;
    scheduledFor: Date | null;
    requestedBy: string;
  },
): Promise<AdoptedRun> {
  const latest = await db.backupScheduleRun.findFirst({
    where: { workflowId: run.workflowId },
    orderBy: { createdAt: 'desc' },
  });
  if (latest?.temporalRunId === run.temporalRunId) return { run: latest };
  if (latest && latest.temporalRunId === null) {
    const adopted = await db.backupScheduleRun.update({
      where: { id: latest.id },
      data: { temporalRunId: run.temporalRunId },
    });
    return { run: adopted };
  }
  try {
    if (!latest) return { run: await db.backupScheduleRun.create({ data: { ...run, status: 'queued' } }) };
    return await db.$transaction(async (tx) => recordReset(tx, latest, run));
  } catch (error) {
    // Another attempt of this activity created the row first.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    const existing = await db.backupScheduleRun.findUniqueOrThrow({
      where: { workflowId_temporalRunId: { workflowId: run.workflowId, temporalRunId: run.temporalRunId } },
    });
    return { run: existing };
  }
}

async function recordReset(
  tx: Db,
  earlier: BackupScheduleRun,
  run: Parameters<typeof adoptRun>[1],
): Promise<AdoptedRun> {
  const created = await tx.backupScheduleRun.create({
    data: { ...run, trigger: 'operator', requestedBy: 'operator', retryOfId: earlier.id, status: 'queued' },
  });
  // The reset ended the earlier Temporal run; its row must not hold the schedule's lock. Only
  // if still active when written: an outcome its last activity recorded meanwhile stands.
  await tx.backupScheduleRun.updateMany({
    where: { id: earlier.id, status: { in: ACTIVE_RUN_STATUSES } },
    data: { status: 'canceled', finishedAt: new Date(), errorCode: 'reset_by_operator', errorMessage: null },
  });
  await appendAudit(tx, {
    tenantId: run.tenantId,
    actor: 'operator',
    action: 'backup_run.reset_by_operator',
    resourceType: 'backup_run',
    resourceId: created.id,
    metadata: { resetOf: earlier.id, previousStatus: earlier.status, workflowId: run.workflowId },
  });
  return { run: created, resetOf: earlier };
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
  cursor?: KeysetPosition;
  scheduleId?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  /** Runs created at or after. */
  from?: Date;
  /** Runs created before. */
  to?: Date;
}

/** Newest first, after the previous page's last position. */
export function listRuns(db: Db, tenantId: string, filter: RunFilter): Promise<BackupScheduleRun[]> {
  return db.backupScheduleRun.findMany({
    where: {
      tenantId,
      ...(filter.scheduleId ? { scheduleId: filter.scheduleId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.trigger ? { trigger: filter.trigger } : {}),
      ...createdBetween(filter.from, filter.to),
      ...after(filter.cursor),
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
