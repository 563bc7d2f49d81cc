// Fairness between tenants: a run takes one of its tenant's sync leases before its sync starts,
// so one tenant's many runs (a bulk run of 22 schedules) cannot fill every worker's sync slots
// while another tenant's backup waits. This activity runs on the workflow's queue and holds no
// sync slot while it waits: a full tenant fails the attempt and Temporal tries again shortly.
import { ApplicationFailure } from '@temporalio/activity';
import { claimSyncLease as claimLease } from '../db/syncLeases';
import type { ActivityDeps } from './deps';

export interface ClaimSyncLeaseInput {
  runId: string;
  tenantId: string;
}

/** Default of SYNC_MAX_PER_TENANT: two syncs share a tenant's Graph budget without idling it. */
export const DEFAULT_SYNC_MAX_PER_TENANT = 2;

export function createClaimSyncLease({ db, limits }: ActivityDeps) {
  const limit = limits?.syncMaxPerTenant ?? DEFAULT_SYNC_MAX_PER_TENANT;
  return async function claimSyncLease(input: ClaimSyncLeaseInput): Promise<void> {
    if (await claimLease(db, input.tenantId, input.runId, limit)) return;
    throw ApplicationFailure.create({
      message: `the tenant already has ${limit} syncs running; this run waits for one to finish`,
      type: 'tenant_sync_busy',
      // Jittered, so waiting runs of a tenant do not all come back at the same instant.
      nextRetryDelay: 2_000 + Math.floor(Math.random() * 2_000),
    });
  };
}
