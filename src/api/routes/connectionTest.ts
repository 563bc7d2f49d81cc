import type { Tenant } from '../../db/client';
import type { Logger } from '../../logging/logger';
import {
  CONNECTION_TEST_ON_SAVE_DEADLINE_MS,
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
 * The test run right after a tenant was saved, for its response, within the shorter on-save
 * deadline. The tenant stays saved whatever happens here: a test that could not run at all (the
 * audit write failed, another test of the tenant in flight) answers null and is logged, and the
 * caller can run POST /connection-test later.
 */
export async function connectionTestAfterSave(
  deps: ConnectionTestDeps & { logger: Logger },
  tenant: Tenant,
  actorUserId: string,
): Promise<ReturnType<typeof connectionTestJson> | null> {
  try {
    const deadlineMs = deps.deadlineMs ?? CONNECTION_TEST_ON_SAVE_DEADLINE_MS;
    return connectionTestJson(await recordConnectionTest({ ...deps, deadlineMs }, tenant, actorUserId));
  } catch (error) {
    deps.logger.error({ err: error, tenantId: tenant.id }, 'connection test after saving a tenant failed');
    return null;
  }
}
