// Entry point of the workflow bundle: every workflow the worker registers.
export { BackupRun } from './backupRun';
export { DeliverNotification } from './deliverNotification';
export { RestorePlan } from './restorePlan';
export { RestoreRun } from './restoreRun';
export { TenantPurge } from './tenantPurge';
