// The BackupRun workflow's audit step: the run's outcome audit row (`backup_run.<status>`) and its
// events (src/notifications/runEvents.ts) in one transaction, so an event exists exactly when its
// audit row does. A retry finds the row and writes nothing; either way the pending deliveries of
// the run's events are started after the commit (the reconciler starts any a crash left behind).
// completeRun then writes no second outcome row (it skips a status whose row exists).
import { Context } from '@temporalio/activity';
import { appendAudit, runActor } from '../db/audit';
import { publishEvents } from '../db/notificationEvents';
import { readBaselineDrift, readSetChanges } from '../db/runEventSources';
import type { Prisma } from '../db/client';
import { MAX_CHANGED_POLICIES, notOkTypes, type RunFacts, runEvents } from '../notifications/runEvents';
import { startDeliveryWorkflows, startOrLeaveToRelay } from '../temporal/deliveryStarts';
import type { RunSummary } from '../shared/types';
import { type ActivityDeps, DEFAULT_RUN_NOTIFICATION_SETTINGS, type RunNotificationSettings } from './deps';

export interface AuditRunInput {
  runId: string;
  tenantId: string;
  scheduleId: string;
  status: 'succeeded' | 'partial' | 'failed';
  summary?: RunSummary;
  backupSetId?: string;
  errorCode?: string;
  errorMessage?: string;
  /** The workflow's task queue: delivery workflows run on it. */
  taskQueue: string;
}

export function createAuditRun({ db, notifications, logger }: ActivityDeps) {
  const settings: RunNotificationSettings = notifications ?? DEFAULT_RUN_NOTIFICATION_SETTINGS;
  return async function auditRun(input: AuditRunInput): Promise<{ events: number }> {
    const action = `backup_run.${input.status}`;
    let written = 0;
    if (!(await outcomeAudited(db, input.runId, action))) {
      const run = await db.backupScheduleRun.findUniqueOrThrow({ where: { id: input.runId } });
      const facts: RunFacts = { ...input, trigger: run.trigger };
      const set = input.backupSetId
        ? await db.backupSet.findUniqueOrThrow({ where: { id: input.backupSetId } })
        : null;
      // Reads first, outside the transaction: it only writes, and holds its locks briefly.
      const found = set
        ? {
            changes: await readSetChanges(db, set, MAX_CHANGED_POLICIES),
            drift: await readBaselineDrift(db, set),
          }
        : { drift: [] };
      const events = runEvents(facts, found, settings.publicApiUrl);
      written = await db.$transaction(async (tx) => {
        // The run's row is the lock: two attempts of this step (a timed-out one still running)
        // write in turn, and the second finds the first's row.
        await tx.$queryRaw`SELECT id FROM backup_schedule_runs WHERE id = ${input.runId}::uuid FOR UPDATE`;
        if (await outcomeAudited(tx, input.runId, action)) return 0;
        await appendAudit(tx, {
          tenantId: run.tenantId,
          actor: runActor(run),
          action,
          resourceType: 'backup_run',
          resourceId: run.id,
          metadata: outcomeMetadata(input, run),
        });
        await publishEvents(tx, events);
        return events.length;
      });
    }
    await startRunDeliveries({ db, logger }, settings, input);
    return { events: written };
  };
}

/**
 * Starts the pending deliveries of the run's events, new or left by an attempt that died after
 * its commit (also used by the offsite copy's failure step, ./offsiteFailure.ts).
 */
export async function startRunDeliveries(
  { db, logger }: Pick<ActivityDeps, 'db' | 'logger'>,
  settings: RunNotificationSettings,
  input: { runId: string; taskQueue: string },
): Promise<void> {
  const pending = await db.notificationDelivery.findMany({
    where: {
      status: 'pending',
      workflowStartedAt: null,
      event: { causeKey: { startsWith: `run:${input.runId}:` } },
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  // A backup that was written must not fail because Temporal refused a notification's start.
  await startOrLeaveToRelay(logger, { runId: input.runId }, () =>
    startDeliveryWorkflows(
      Context.current().client,
      db,
      pending.map((delivery) => delivery.id),
      { taskQueue: input.taskQueue, retrySchedule: settings.retrySchedule },
    ),
  );
}

async function outcomeAudited(db: Prisma.TransactionClient, runId: string, action: string): Promise<boolean> {
  const row = await db.auditLog.findFirst({
    where: { resourceType: 'backup_run', resourceId: runId, action },
    select: { id: true },
  });
  return row !== null;
}

/** What completeRun wrote before the audit step, and each type that was not `ok`. */
function outcomeMetadata(
  input: AuditRunInput,
  run: { trigger: string; workflowId: string },
): Prisma.InputJsonObject {
  const notOk = notOkTypes(input.summary).map(({ reason: _reason, ...type }) => type);
  return {
    trigger: run.trigger,
    workflowId: run.workflowId,
    ...(input.backupSetId ? { backupSetId: input.backupSetId } : {}),
    ...(input.errorCode ? { errorCode: input.errorCode } : {}),
    ...(input.summary ? { totals: input.summary.totals } : {}),
    ...(notOk.length > 0 ? { types: notOk } : {}),
  };
}
