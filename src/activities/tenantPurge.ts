// The purge of an offboarded tenant (TenantPurge workflow): deletes every row of the tenant, a
// batch per transaction, heartbeating after each, then the tenant row itself together with the
// platform-level record of the purge. A retried attempt carries on where the last one stopped
// (every batch deletes what is still there) and keeps the counts so far from its heartbeat.
//
// The record (audit_logs, tenant_id null, action tenant.purged, resourceId the tenant id) is the
// one trace left on purpose: the tenant id, when it was offboarded, by whom, when purged, and how
// many rows of each table were deleted; no slug, name, Azure ids or secret.
import { Context } from '@temporalio/activity';
import { appendAudit } from '../db/audit';
import type { Db } from '../db/client';
import { activeWorkflowsOf, lockTenant } from '../db/tenantOffboarding';
import {
  countHeldSets,
  deleteTenantRow,
  markPurgeStarted,
  PURGE_STEPS,
  SWEEP_AFTER_TENANT_ROW,
} from '../db/tenantPurge';
import type { ActivityDeps } from './deps';

export interface PurgeTenantInput {
  tenantId: string;
  /** Why now: the retention period ended (`scheduled`), or DELETE ?purge=now (`now`). */
  trigger: 'scheduled' | 'now';
}

export type PurgeTenantOutcome =
  /** Backup sets under a legal hold: nothing was deleted; the workflow tries again later. */
  | { status: 'held'; heldSets: number }
  /** Deleted (also when an earlier attempt had already finished). */
  | { status: 'purged'; deleted: Record<string, number> };

export function createPurgeTenant({ db, logger }: ActivityDeps) {
  return async function purgeTenant(input: PurgeTenantInput): Promise<PurgeTenantOutcome> {
    const context = Context.current();
    const tenant = await db.tenant.findUnique({
      where: { id: input.tenantId },
      select: { offboardedAt: true, offboardedBy: true, purgeAfter: true, purgeStartedAt: true },
    });
    // Gone: an earlier attempt purged it (its record was written in the same transaction).
    if (!tenant) return { status: 'purged', deleted: {} };
    // Only an offboarded tenant is ever purged, whatever starts this activity.
    if (!tenant.offboardedAt) throw new Error('the tenant is not offboarded; refusing to purge it');
    if (!tenant.purgeStartedAt) {
      const held = await startUnlessHeld(db, input.tenantId);
      if (held) return held;
    }
    const deleted: Record<string, number> = { ...(context.info.heartbeatDetails?.deleted ?? {}) };
    for (const step of PURGE_STEPS) {
      for (;;) {
        const count = await db.$transaction((tx) => step.deleteBatch(tx, input.tenantId), {
          timeout: 60_000,
        });
        if (count === 0) break;
        deleted[step.table] = (deleted[step.table] ?? 0) + count;
        context.heartbeat({ deleted });
      }
    }
    await db.$transaction(async (tx) => {
      if (!(await deleteTenantRow(tx, input.tenantId))) return;
      // A tenant has a few leases and budgets: one batch each, in the row's transaction.
      for (const step of SWEEP_AFTER_TENANT_ROW) {
        const count = await step.deleteBatch(tx, input.tenantId);
        if (count > 0) deleted[step.table] = (deleted[step.table] ?? 0) + count;
      }
      await appendAudit(tx, {
        tenantId: null,
        actor: 'system',
        action: 'tenant.purged',
        resourceType: 'tenant',
        resourceId: input.tenantId,
        metadata: {
          trigger: input.trigger,
          offboardedAt: tenant.offboardedAt?.toISOString() ?? null,
          offboardedBy: tenant.offboardedBy,
          purgeAfter: tenant.purgeAfter?.toISOString() ?? null,
          deleted,
        },
      });
    });
    logger.info({ tenantId: input.tenantId, deleted }, 'tenant purged');
    return { status: 'purged', deleted };
  };
}

/**
 * Marks the purge started unless a legal hold protects a set (the outcome then) or a run or
 * restore the offboarding asked to cancel has not ended yet (thrown: the activity retries, so
 * the purge begins once they have ended and can write nothing more). Under the tenant's lock,
 * which placing a hold takes too: a hold is either seen here or refused there.
 */
async function startUnlessHeld(db: Db, tenantId: string): Promise<PurgeTenantOutcome | undefined> {
  return db.$transaction(async (tx) => {
    await lockTenant(tx, tenantId);
    const heldSets = await countHeldSets(tx, tenantId);
    if (heldSets > 0) return { status: 'held', heldSets } as const;
    const active = await activeWorkflowsOf(tx, tenantId);
    if (active.runs.length + active.restores.length > 0)
      throw new Error(
        `waiting for ${active.runs.length} run(s) and ${active.restores.length} restore(s) of the tenant to end (asked to cancel) before purging`,
      );
    await markPurgeStarted(tx, tenantId);
    return undefined;
  });
}
