import type { Tenant } from '../../db/client';
import type { Logger } from '../../logging/logger';
import {
  type ConnectionTestDeps,
  type ConnectionTestResult,
  recordConnectionTest,
} from '../../services/connectionTest';

/** The connection test as the API answers it (the OpenAPI schema is r.connectionTest). */
export function connectionTestJson(result: ConnectionTestResult) {
  return {
    passed: result.passed,
    completed: result.completed,
    testedAt: result.testedAt,
    durationMs: result.durationMs,
    token: result.token,
    summary: result.summary,
    missingPermissions: result.missingPermissions,
    checks: result.checks,
  };
}

/**
 * The test run right after a tenant was saved, for its response. The tenant stays saved whatever
 * happens here: a test that could not run at all (the audit write failed, say) answers null and
 * is logged, and the caller can run POST /connection-test later.
 */
export async function connectionTestAfterSave(
  deps: ConnectionTestDeps & { logger: Logger },
  tenant: Tenant,
  actorUserId: string,
): Promise<ReturnType<typeof connectionTestJson> | null> {
  try {
    return connectionTestJson(await recordConnectionTest(deps, tenant, actorUserId));
  } catch (error) {
    deps.logger.error({ err: error, tenantId: tenant.id }, 'connection test after saving a tenant failed');
    return null;
  }
}
