// The JSON of DELETE /v1/tenants/{tenantId} (./openapi/offboardingResponses.ts describes it).
import type { Offboarding } from '../services/tenantOffboarding';

export function offboardingJson(offboarding: Offboarding) {
  const { tenant } = offboarding;
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    offboardedAt: tenant.offboardedAt,
    offboardedBy: tenant.offboardedBy,
    purgeAfter: tenant.purgeAfter,
    hasClientSecret: tenant.clientSecret.length > 0,
    purgeWorkflowId: offboarding.purgeWorkflowId,
    schedulesDeleted: offboarding.schedulesDeleted,
    workflowsCanceled: offboarding.workflowsCanceled,
  };
}
