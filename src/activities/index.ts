// The activity sets of the workers: BackupRun, DeliverNotification and TenantPurge, and the restore workflows. Workflows import the *type* only.
import { createAuditRun } from './auditRun';
import { createBeginRun } from './beginRun';
import { createCompleteRun } from './completeRun';
import { createCopyOffsite } from './copyOffsite';
import { createDeliveryActivities } from './deliver';
import type { ActivityDeps } from './deps';
import { createRecordOffsiteFailure } from './offsiteFailure';
import { createRestoreApplyActivities } from './restoreApply';
import { createRestorePlanActivities } from './restorePlan';
import { createApplyRetention } from './retention';
import { createCreateSnapshot } from './snapshot';
import { createClaimSyncLease } from './syncLease';
import { createPurgeTenant } from './tenantPurge';
import { createSyncPolicies } from './syncPolicies';

export function createActivities(deps: ActivityDeps) {
  return {
    beginRun: createBeginRun(deps),
    claimSyncLease: createClaimSyncLease(deps),
    syncPolicies: createSyncPolicies(deps),
    createSnapshot: createCreateSnapshot(deps),
    auditRun: createAuditRun(deps),
    applyRetention: createApplyRetention(deps),
    copyOffsite: createCopyOffsite(deps),
    recordOffsiteFailure: createRecordOffsiteFailure(deps),
    completeRun: createCompleteRun(deps),
    ...createDeliveryActivities(deps),
    purgeTenant: createPurgeTenant(deps),
  };
}

export type BackupActivities = ReturnType<typeof createActivities>;
export type PurgeTenantActivities = Pick<BackupActivities, 'purgeTenant'>;

/**
 * The activity set of the restore queue (RestorePlan and RestoreRun workflows): one spread per
 * part, so another part adds its activities with one line.
 */
export function createRestoreActivities(deps: ActivityDeps) {
  return {
    ...createRestorePlanActivities(deps),
    ...createRestoreApplyActivities(deps),
  };
}

export type RestoreActivities = ReturnType<typeof createRestoreActivities>;
export type { ActivityDeps, ActivityLimits, RestoreWriteSettings, RunNotificationSettings } from './deps';
export type { DeliveryActivities } from './deliver';
