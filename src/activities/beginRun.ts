// First activity of every BackupRun: creates or adopts the run row (keyed by workflow id),
// deduces how the run was started, and claims the schedule's one-run-at-a-time lock.
import { ApplicationFailure } from '@temporalio/activity';
import { type AuditActor, appendAudit, runActor } from '../db/audit';
import { Prisma } from '../db/client';
import { adoptRun, updateRun } from '../db/runs';
import { backupRuns } from '../metrics/metrics';
import type { BackupRunInput, RunTrigger } from '../shared/types';
import { isScheduledFireTime, type ScheduleDefinition } from '../temporal/scheduleOptions';
import type { ActivityDeps } from './deps';

export interface BeginRunInput extends BackupRunInput {
  workflowId: string;
  temporalRunId: string;
  /** Temporal set TemporalScheduledById: the schedule started it (spec or trigger). */
  startedBySchedule: boolean;
  /** TemporalScheduledStartTime, ISO 8601. */
  scheduledFor?: string;
}

export type SkipReason = 'already_running' | 'schedule_deleted' | 'schedule_disabled';

export interface BeginRunResult {
  runId: string;
  trigger: RunTrigger;
  proceed: boolean;
  skipReason?: SkipReason;
  /** The schedule as it was when the run started: later edits do not change this run. */
  policyTypes: string[];
  keepLast: number;
  scheduleName: string;
  tenantSlug: string;
}

export function deduceTrigger(input: BeginRunInput, schedule: ScheduleDefinition): RunTrigger {
  if (input.trigger) return input.trigger;
  if (
    input.startedBySchedule &&
    input.scheduledFor &&
    isScheduledFireTime(schedule, new Date(input.scheduledFor))
  ) {
    return 'scheduled';
  }
  return 'operator';
}

export function createBeginRun({ db }: ActivityDeps) {
  return async function beginRun(input: BeginRunInput): Promise<BeginRunResult> {
    const schedule = await db.backupSchedule.findUnique({
      where: { id: input.scheduleId },
      include: { tenant: true },
    });
    if (!schedule || schedule.tenantId !== input.tenantId) {
      throw ApplicationFailure.nonRetryable(
        `backup schedule ${input.scheduleId} does not exist`,
        'schedule_not_found',
      );
    }
    const trigger = deduceTrigger(input, schedule);
    const { run } = await adoptRun(db, {
      tenantId: input.tenantId,
      scheduleId: input.scheduleId,
      workflowId: input.workflowId,
      temporalRunId: input.temporalRunId,
      trigger,
      scheduledFor: input.scheduledFor ? new Date(input.scheduledFor) : null,
      requestedBy: input.requestedBy ?? (trigger === 'scheduled' ? 'system' : 'operator'),
    });
    const result = {
      runId: run.id,
      trigger: run.trigger,
      policyTypes: schedule.policyTypes,
      keepLast: schedule.retentionKeepLast,
      scheduleName: schedule.name,
      tenantSlug: schedule.tenant.slug,
    };
    // A retried activity finds the row already past `queued`: report what was decided then.
    if (run.status !== 'queued') {
      const skipReason = (run.errorCode as SkipReason | null) ?? undefined;
      return { ...result, proceed: run.status === 'running', ...(skipReason ? { skipReason } : {}) };
    }
    const skipReason: SkipReason | undefined = schedule.deletedAt
      ? 'schedule_deleted'
      : !schedule.enabled
        ? 'schedule_disabled'
        : undefined;
    const actor = runActor(run);
    if (!skipReason && (await claimRun(db, run.id, input.tenantId, actor)))
      return { ...result, proceed: true };

    const reason = skipReason ?? 'already_running';
    await db.$transaction(async (tx) => {
      await updateRun(tx, run.id, {
        status: 'skipped',
        finishedAt: new Date(),
        errorCode: reason,
        errorMessage: null,
      });
      await appendAudit(tx, {
        tenantId: input.tenantId,
        actor,
        action: 'backup_run.skipped',
        resourceType: 'backup_run',
        resourceId: run.id,
        metadata: { reason, trigger, workflowId: input.workflowId },
      });
    });
    backupRuns.inc({ status: 'skipped' });
    return { ...result, proceed: false, skipReason: reason };
  };
}

/** Moves the run to `running`; false if another run of the schedule holds the lock. */
async function claimRun(db: ActivityDeps['db'], runId: string, tenantId: string, actor: AuditActor) {
  try {
    await db.$transaction(async (tx) => {
      const run = await updateRun(tx, runId, { status: 'running', startedAt: new Date() });
      await appendAudit(tx, {
        tenantId,
        actor,
        action: 'backup_run.started',
        resourceType: 'backup_run',
        resourceId: runId,
        metadata: { trigger: run.trigger, workflowId: run.workflowId },
      });
    });
    return true;
  } catch (error) {
    // The partial unique index "one running run per schedule" refused the claim.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
    throw error;
  }
}
