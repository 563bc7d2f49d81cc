// After the offsite copy's last attempt failed, the BackupRun workflow records it here: the set's
// copy row failed (created if the store could not even be opened, so no attempt wrote one), an
// audit row and the `offsite.copy.failed` event, in one transaction, as the audit step does for a
// run's outcome. A retry finds the audit row and writes nothing; the event's pending deliveries are
// started after the commit either way. The run itself is not failed by any of this.
import { appendAudit, runActor } from '../db/audit';
import { publishEvents } from '../db/notificationEvents';
import { findOffsiteCopy, recordOffsiteFailed } from '../db/offsiteCopies';
import type { Prisma } from '../db/client';
import { secretFreeMessage } from '../export/offsiteCopy';
import { causeKeyOf } from '../notifications/runEvents';
import type { NewEvent } from '../notifications/types';
import type { OffsiteCopySummary } from '../shared/types';
import { startRunDeliveries } from './auditRun';
import type { CopyOffsiteInput } from './copyOffsite';
import { type ActivityDeps, DEFAULT_RUN_NOTIFICATION_SETTINGS } from './deps';

export interface RecordOffsiteFailureInput extends Omit<CopyOffsiteInput, 'outcomes'> {
  /** What the last attempt failed with (src/workflows/summary.ts offsiteFailureOf). */
  error: { code: string; message: string };
  /** The workflow's task queue: delivery workflows run on it. */
  taskQueue: string;
}

export const OFFSITE_FAILED_ACTION = 'backup_set.offsite_copy_failed';
const EVENT_TYPE = 'offsite.copy.failed';

export function createRecordOffsiteFailure({ db, notifications, logger }: ActivityDeps) {
  const settings = notifications ?? DEFAULT_RUN_NOTIFICATION_SETTINGS;
  return async function recordOffsiteFailure(input: RecordOffsiteFailureInput): Promise<OffsiteCopySummary> {
    const error = { code: input.error.code, message: secretFreeMessage(input.error.message) };
    const run = await db.backupScheduleRun.findUniqueOrThrow({ where: { id: input.runId } });
    const destination = await db.offsiteDestination.findUnique({
      where: { tenantId: input.tenantId },
      select: { kind: true },
    });
    const existing = await findOffsiteCopy(db, input.backupSetId);
    const kind = existing?.kind ?? destination?.kind;
    // A copy another attempt finished after all (its answer lost) is not a failure.
    if (existing?.status === 'copied') return copiedSummary(existing);
    await db.$transaction(async (tx) => {
      // The run's row is the lock, as in auditRun: two attempts of this step write in turn.
      await tx.$queryRaw`SELECT id FROM backup_schedule_runs WHERE id = ${input.runId}::uuid FOR UPDATE`;
      const audited = await tx.auditLog.findFirst({
        where: { resourceType: 'backup_set', resourceId: input.backupSetId, action: OFFSITE_FAILED_ACTION },
        select: { id: true },
      });
      if (audited) return;
      if (kind)
        await recordOffsiteFailed(
          tx,
          { backupSetId: input.backupSetId, tenantId: input.tenantId, runId: input.runId, kind },
          error,
        );
      const metadata: Prisma.InputJsonObject = {
        runId: input.runId,
        scheduleId: input.scheduleId,
        errorCode: error.code,
        attempts: existing?.attempts ?? 0,
        ...(kind ? { kind } : {}),
      };
      await appendAudit(tx, {
        tenantId: input.tenantId,
        actor: runActor(run),
        action: OFFSITE_FAILED_ACTION,
        resourceType: 'backup_set',
        resourceId: input.backupSetId,
        metadata,
      });
      await publishEvents(tx, [failureEvent(input, run.trigger, error, metadata, settings.publicApiUrl)]);
    });
    await startRunDeliveries({ db, logger }, settings, input);
    return { status: 'failed', error };
  };
}

function copiedSummary(copy: { objectName: string | null; sizeBytes: bigint | null; sha256: string | null }) {
  return {
    status: 'copied' as const,
    ...(copy.objectName ? { objectName: copy.objectName } : {}),
    ...(copy.sizeBytes !== null ? { sizeBytes: Number(copy.sizeBytes) } : {}),
    ...(copy.sha256 ? { sha256: copy.sha256 } : {}),
  };
}

/** The event: ids, codes and links, as the run's own events (src/notifications/runEvents.ts). */
function failureEvent(
  input: RecordOffsiteFailureInput,
  trigger: string,
  error: { code: string; message: string },
  metadata: Prisma.InputJsonObject,
  publicApiUrl: string,
): NewEvent {
  const base = publicApiUrl.replace(/\/+$/, '');
  const tenant = `${base}/v1/tenants/${input.tenantId}`;
  return {
    tenantId: input.tenantId,
    type: EVENT_TYPE,
    causeKey: causeKeyOf(input.runId, EVENT_TYPE),
    attributes: { scheduleId: input.scheduleId },
    data: {
      ...metadata,
      trigger,
      backupSetId: input.backupSetId,
      message: error.message,
      links: {
        run: `${tenant}/runs/${input.runId}`,
        backupSet: `${tenant}/backup-sets/${input.backupSetId}`,
      },
    },
  };
}
