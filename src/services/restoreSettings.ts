// The tenant's opt-in to restore: read by members, changed by owners, audited with before and after.
import { appendAudit, userActor } from '../db/audit';
import type { Db } from '../db/client';
import { findRestoreSettings, lockRestoreSettings, updateRestoreSettings } from '../db/restores';
import { NotFoundError } from './errors';

export async function getRestoreSettings(db: Db, tenantId: string) {
  const settings = await findRestoreSettings(db, tenantId);
  if (!settings) throw new NotFoundError('tenant');
  return settings;
}

/** Owner only (the route's tenant:admin); the audit row gives the settings before and after. */
export function setRestoreSettings(
  db: Db,
  tenantId: string,
  wanted: { enabled: boolean; approvalRequired: boolean },
  actorUserId: string,
) {
  return db.$transaction(async (tx) => {
    const before = await lockRestoreSettings(tx, tenantId);
    if (!before) throw new NotFoundError('tenant');
    const after = await updateRestoreSettings(tx, tenantId, {
      restoreEnabled: wanted.enabled,
      restoreApprovalRequired: wanted.approvalRequired,
      changedBy: userActor(actorUserId),
    });
    await appendAudit(tx, {
      tenantId,
      actor: userActor(actorUserId),
      action: 'tenant.restore_settings_changed',
      resourceType: 'tenant',
      resourceId: tenantId,
      metadata: {
        before: { enabled: before.restoreEnabled, approvalRequired: before.restoreApprovalRequired },
        after: { enabled: after.restoreEnabled, approvalRequired: after.restoreApprovalRequired },
      },
    });
    return after;
  });
}
