// Offboarding a tenant (DELETE /v1/tenants/{id}), in an order that a crash or a retry at any
// point leaves safe:
//   1. PostgreSQL, one transaction: the tenant is marked offboarded (from then on every write
//      route of it answers 409 tenant_offboarded, src/api/authorize.ts), its client secret is
//      erased, its schedules are soft-deleted (the reconciler now only deletes their Temporal
//      Schedules, never recreates them), and tenant.offboarded is audited.
//   2. Temporal: each schedule paused, then deleted; running runs and restores asked to cancel.
//   3. The TenantPurge workflow started: it sleeps until purgeAfter (or purges now).
// A repeated DELETE is idempotent: it answers the same offboarding and redoes 2 and 3 (which
// finishes what a crash or an unreachable Temporal left undone); with ?purge=now it brings the
// purge forward.
import type { Client } from '@temporalio/client';
import { appendAudit, userActor } from '../db/audit';
import type { Db, Tenant } from '../db/client';
import { recordScheduleSync } from '../db/schedules';
import {
  activeWorkflowsOf,
  advancePurge,
  deleteTenantSchedules,
  lockTenant,
  markOffboarded,
  unsyncedDeletedSchedules,
} from '../db/tenantOffboarding';
import { countHeldSets } from '../db/tenantPurge';
import { openRestoreWorkflowId } from '../shared/constants';
import { isTemporalUnavailable } from '../temporal/scheduleSync';
import { cancelWorkflows, disableAndDeleteSchedule, startTenantPurge } from '../temporal/tenantOffboarding';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from './errors';

export interface OffboardingDeps {
  db: Db;
  temporal: Client;
  workflowTaskQueue: string;
  retentionDays: number;
}

export interface OffboardRequest {
  confirmSlug: string;
  purgeNow: boolean;
}

export interface Offboarding {
  tenant: Tenant;
  purgeWorkflowId: string;
  schedulesDeleted: number;
  workflowsCanceled: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function offboardTenant(
  deps: OffboardingDeps,
  tenantId: string,
  request: OffboardRequest,
  actorUserId: string,
): Promise<Offboarding> {
  const tenant = await deps.db.$transaction(async (tx) => {
    const found = await lockTenant(tx, tenantId);
    if (!found) throw new NotFoundError('tenant');
    if (request.confirmSlug !== found.slug)
      throw new InvalidInputError(
        'confirmSlug',
        "must equal the tenant's slug, to confirm which tenant goes",
      );
    // A held set must not be purged: refused before anything changes (a later purge waits for the hold).
    if (request.purgeNow && (await countHeldSets(tx, tenantId)) > 0)
      throw new ConflictError(
        'a backup set of the tenant is under a legal hold: release it before purging now',
        'tenant_under_legal_hold',
      );
    const now = new Date();
    if (found.offboardedAt) {
      if (!request.purgeNow || (found.purgeAfter && found.purgeAfter <= now)) return found;
      await audit(tx, tenantId, actorUserId, 'tenant.purge_requested', { purgeAfter: now.toISOString() });
      return advancePurge(tx, tenantId, now);
    }
    const purgeAfter = request.purgeNow ? now : new Date(now.getTime() + deps.retentionDays * DAY_MS);
    const offboarded = await markOffboarded(tx, tenantId, {
      at: now,
      by: userActor(actorUserId),
      purgeAfter,
    });
    const schedules = await deleteTenantSchedules(tx, tenantId);
    await audit(tx, tenantId, actorUserId, 'tenant.offboarded', {
      purgeAfter: purgeAfter.toISOString(),
      purgeNow: request.purgeNow,
      schedulesDeleted: schedules.length,
      credentialsErased: true,
    });
    return offboarded;
  });
  try {
    return await finishInTemporal(deps, tenant, request.purgeNow);
  } catch (error) {
    if (!isTemporalUnavailable(error)) throw error;
    // The tenant is offboarded already (read-only, no credentials); the reconciler deletes its
    // schedules, and repeating the DELETE finishes the rest.
    throw new UnavailableError(
      'the tenant is offboarded, but Temporal could not be reached to finish it: repeat the request',
      'temporal_unavailable',
    );
  }
}

async function finishInTemporal(
  deps: OffboardingDeps,
  tenant: Tenant,
  purgeNow: boolean,
): Promise<Offboarding> {
  const schedules = await unsyncedDeletedSchedules(deps.db, tenant.id);
  for (const schedule of schedules) {
    await disableAndDeleteSchedule(deps.temporal, schedule.id);
    await recordScheduleSync(deps.db, schedule.id, schedule.version, { state: 'synced' });
  }
  const active = await activeWorkflowsOf(deps.db, tenant.id);
  const workflowsCanceled = await cancelWorkflows(deps.temporal, [
    ...active.runs,
    ...active.restores.flatMap((restore) => openRestoreWorkflowId(restore) ?? []),
  ]);
  const purgeWorkflowId = await startTenantPurge(
    deps.temporal,
    deps.workflowTaskQueue,
    { tenantId: tenant.id, purgeAfter: (tenant.purgeAfter ?? new Date()).toISOString() },
    purgeNow,
  );
  return { tenant, purgeWorkflowId, schedulesDeleted: schedules.length, workflowsCanceled };
}

function audit(
  db: Parameters<typeof appendAudit>[0],
  tenantId: string,
  actorUserId: string,
  action: string,
  metadata: Record<string, string | number | boolean>,
) {
  return appendAudit(db, {
    tenantId,
    actor: userActor(actorUserId),
    action,
    resourceType: 'tenant',
    resourceId: tenantId,
    metadata,
  });
}
