// The activity set of the BackupRun and DeliverNotification workflows. Workflows import the *type* only.
import { createAuditRun } from './auditRun';
import { createBeginRun } from './beginRun';
import { createCompleteRun } from './completeRun';
import { createDeliveryActivities } from './deliver';
import type { ActivityDeps } from './deps';
import { createApplyRetention } from './retention';
import { createCreateSnapshot } from './snapshot';
import { createClaimSyncLease } from './syncLease';
import { createSyncPolicies } from './syncPolicies';

export function createActivities(deps: ActivityDeps) {
  return {
    beginRun: createBeginRun(deps),
    claimSyncLease: createClaimSyncLease(deps),
    syncPolicies: createSyncPolicies(deps),
    createSnapshot: createCreateSnapshot(deps),
    auditRun: createAuditRun(deps),
    applyRetention: createApplyRetention(deps),
    completeRun: createCompleteRun(deps),
    ...createDeliveryActivities(deps),
  };
}

export type BackupActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps, ActivityLimits, RunNotificationSettings } from './deps';
export type { DeliveryActivities } from './deliver';
