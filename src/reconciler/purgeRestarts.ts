// Offboarded tenants whose purge is not under way: Temporal was unreachable when the DELETE
// answered 503 and no one repeated it, or an operator terminated the TenantPurge workflow. A
// tenant still present is still to be purged, so each pass starts the purge of every offboarded
// tenant whose workflow is not running (a concurrent start joins, USE_EXISTING). The workflow
// sleeps until the tenant's purgeAfter, as one started by the DELETE does.
import { WorkflowNotFoundError } from '@temporalio/client';
import { BACKUP_TASK_QUEUE, tenantPurgeWorkflowId } from '../shared/constants';
import { startTenantPurge } from '../temporal/tenantOffboarding';
import type { ReconcilerDeps } from './reconcileSchedules';

/** Starts the purges that are not running; returns how many it started. */
export async function restartStoppedPurges(deps: ReconcilerDeps): Promise<number> {
  const tenants = await deps.db.tenant.findMany({
    where: { offboardedAt: { not: null } },
    select: { id: true, purgeAfter: true },
  });
  let started = 0;
  for (const tenant of tenants) {
    if (await purgeRunning(deps, tenant.id)) continue;
    await startTenantPurge(
      deps.temporal,
      deps.purgeTaskQueue ?? BACKUP_TASK_QUEUE,
      { tenantId: tenant.id, purgeAfter: (tenant.purgeAfter ?? new Date()).toISOString() },
      false,
    );
    deps.logger.warn({ tenantId: tenant.id }, 'purge of an offboarded tenant was not running: started it');
    started += 1;
  }
  return started;
}

async function purgeRunning(deps: ReconcilerDeps, tenantId: string): Promise<boolean> {
  try {
    const described = await deps.temporal.workflow.getHandle(tenantPurgeWorkflowId(tenantId)).describe();
    return described.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
