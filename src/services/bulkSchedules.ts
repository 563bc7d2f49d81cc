// Bulk actions on a tenant's schedules: each id gets its own result, one failing id never stops
// the others, and the caller gets one notification summarising the whole request.
import type { Prisma } from '../db/client';
import { insertNotification } from '../db/notifications';
import { latestOutcomeRun } from '../db/runs';
import { findLiveSchedule } from '../db/schedules';
import { ConflictError, NotFoundError, UnavailableError } from './errors';
import { type RunServiceDeps, retryRun, startManualRun } from './runs';
import { deleteSchedule } from './schedules';
import { getTenant } from './tenants';

export type BulkAction = 'run' | 'retry' | 'delete';

export interface BulkResult {
  scheduleId: string;
  result: 'dispatched' | 'skipped' | 'deleted' | 'forbidden' | 'not_found';
  reason?: string;
  runId?: string;
}

/**
 * `mayDelete`: whether the caller may delete schedules. Running and retrying need less, so a
 * caller who may not delete gets `forbidden` for each id of a bulk delete, like any other
 * per-item outcome, and the ids are not looked up.
 */
export async function applyBulkAction(
  deps: RunServiceDeps,
  tenantId: string,
  request: { action: BulkAction; scheduleIds: string[] },
  caller: { userId: string; mayDelete: boolean },
): Promise<{ results: BulkResult[]; notificationId: string }> {
  const { userId } = caller;
  const tenant = await getTenant(deps.db, tenantId);
  const results: BulkResult[] = [];
  // One at a time: each start is a Temporal call and a run row; a hundred in parallel would
  // only contend for the same schedules' locks and connections.
  for (const scheduleId of request.scheduleIds) {
    results.push(
      request.action === 'delete' && !caller.mayDelete
        ? { scheduleId, result: 'forbidden', reason: 'role_too_low' }
        : await applyOne(deps, tenantId, request.action, scheduleId, userId),
    );
  }
  const counts: Record<string, number> = {};
  for (const { result } of results) counts[result] = (counts[result] ?? 0) + 1;
  const summary = Object.entries(counts)
    .map(([result, count]) => `${count} ${result.replace('_', ' ')}`)
    .join(', ');
  const notification = await insertNotification(deps.db, {
    userId,
    tenantId,
    kind: 'bulk_action',
    title: `Bulk ${request.action} on ${tenant.displayName}: ${summary}`,
    body: `${request.scheduleIds.length} schedules: ${summary}.`,
    data: { action: request.action, counts, results: results as unknown as Prisma.InputJsonArray },
  });
  return { results, notificationId: notification.id };
}

async function applyOne(
  deps: RunServiceDeps,
  tenantId: string,
  action: BulkAction,
  scheduleId: string,
  userId: string,
): Promise<BulkResult> {
  try {
    if (action === 'delete') {
      await deleteSchedule(deps, tenantId, scheduleId, userId);
      return { scheduleId, result: 'deleted' };
    }
    if (action === 'run') {
      const run = await startManualRun(deps, tenantId, scheduleId, userId);
      return { scheduleId, result: 'dispatched', runId: run.id };
    }
    if (!(await findLiveSchedule(deps.db, tenantId, scheduleId))) return { scheduleId, result: 'not_found' };
    // The latest outcome decides: a schedule whose last run succeeded has nothing to retry.
    const latest = await latestOutcomeRun(deps.db, scheduleId);
    if (!latest || latest.status === 'succeeded') {
      return { scheduleId, result: 'skipped', reason: 'nothing_to_retry' };
    }
    const run = await retryRun(deps, tenantId, latest.id, userId);
    return { scheduleId, result: 'dispatched', runId: run.id };
  } catch (error) {
    if (error instanceof NotFoundError) return { scheduleId, result: 'not_found' };
    if (error instanceof ConflictError || error instanceof UnavailableError) {
      return { scheduleId, result: 'skipped', reason: error.code };
    }
    throw error;
  }
}
