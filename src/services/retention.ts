// Retention settings a tenant's owners control, and legal holds on backup sets. What the rules
// mean is in src/retention/policy.ts; every change is audited with its old and new values.
import { appendAudit, userActor } from '../db/audit';
import { findBackupSet } from '../db/backupSets';
import type { BackupSetHold, Db } from '../db/client';
import { findHold, placeHold, releaseHold, tenantRetentionOf, updateTenantRetention } from '../db/retention';
import { lockTenant } from '../db/tenantOffboarding';
import { findTenant } from '../db/tenants';
import {
  changeTenantRetention,
  type Reduction,
  reductionInForceUntil,
  reductionMadeBy,
  type TenantLimits,
  type TenantRetention,
} from '../retention/policy';
import { ConflictError, NotFoundError } from './errors';

export async function getTenantRetention(db: Db, tenantId: string): Promise<TenantRetention> {
  const tenant = await findTenant(db, tenantId);
  if (!tenant) throw new NotFoundError('tenant');
  return tenantRetentionOf(tenant);
}

/**
 * Sets the tenant's minimum keepLast and grace period. Raising either applies at once; lowering
 * either waits out the grace period in force now, so no single token can shorten history faster.
 */
export async function setTenantRetention(
  db: Db,
  tenantId: string,
  next: { minKeepLast: number; graceDays: number },
  actorUserId: string,
): Promise<TenantRetention> {
  return db.$transaction(async (tx) => {
    // One change at a time per tenant: two reductions cannot both read the same "in force".
    const tenant = await lockTenant(tx, tenantId);
    if (!tenant) throw new NotFoundError('tenant');
    const current = tenantRetentionOf(tenant);
    const changed = changeTenantRetention(current, next, { by: userActor(actorUserId), now: new Date() });
    await updateTenantRetention(tx, tenantId, changed);
    await appendAudit(tx, {
      tenantId,
      actor: userActor(actorUserId),
      action: 'tenant.retention_changed',
      resourceType: 'tenant',
      resourceId: tenantId,
      metadata: {
        from: { minKeepLast: current.minKeepLast, graceDays: current.graceDays },
        to: next,
        ...reductionAudit(reductionMadeBy(current, changed)),
      },
    });
    return changed;
  });
}

/** Puts a legal hold on one of the tenant's sets (again, if an earlier hold was released). */
export async function placeLegalHold(
  db: Db,
  tenantId: string,
  setId: string,
  reason: string,
  actorUserId: string,
): Promise<BackupSetHold> {
  return db.$transaction(async (tx) => {
    // A hold may still be placed while an offboarded tenant waits for its purge (the purge then
    // waits for the hold), but not once the purge has begun deleting: under the tenant's lock,
    // which the purge takes to check holds and mark itself started.
    const tenant = await lockTenant(tx, tenantId);
    if (tenant?.purgeStartedAt)
      throw new ConflictError(
        "the tenant's purge has begun: its backup sets are being deleted and can no longer be held",
        'tenant_purge_started',
      );
    if (!tenant || !(await findBackupSet(tx, tenantId, setId))) throw new NotFoundError('backup set');
    const hold = await placeHold(tx, setId, { reason, by: userActor(actorUserId) });
    await appendAudit(tx, {
      tenantId,
      actor: userActor(actorUserId),
      action: 'backup_set.legal_hold_placed',
      resourceType: 'backup_set',
      resourceId: setId,
      metadata: { reason },
    });
    return hold;
  });
}

/**
 * Releases the hold; the set stays protected for the tenant's grace period, so releasing a hold
 * and running retention cannot delete a set at once.
 */
export async function releaseLegalHold(
  db: Db,
  tenantId: string,
  setId: string,
  actorUserId: string,
): Promise<BackupSetHold> {
  return db.$transaction(async (tx) => {
    const [set, tenant] = await Promise.all([findBackupSet(tx, tenantId, setId), findTenant(tx, tenantId)]);
    if (!set || !tenant) throw new NotFoundError('backup set');
    const hold = await findHold(tx, setId);
    if (!hold || hold.releasedAt)
      throw new ConflictError('the backup set is not under a legal hold', 'no_legal_hold');
    const now = new Date();
    const released = await releaseHold(tx, setId, {
      by: userActor(actorUserId),
      protectsUntil: reductionInForceUntil(tenantRetentionOf(tenant), now),
    });
    await appendAudit(tx, {
      tenantId,
      actor: userActor(actorUserId),
      action: 'backup_set.legal_hold_released',
      resourceType: 'backup_set',
      resourceId: setId,
      metadata: { reason: hold.reason, protectsUntil: released.protectsUntil?.toISOString() ?? null },
    });
    return released;
  });
}

/** For the audit row of a change that lowered retention: until when the old values hold. */
function reductionAudit(made: Reduction<TenantLimits> | undefined) {
  return made ? { previousInForceUntil: made.inForceUntil.toISOString() } : {};
}
