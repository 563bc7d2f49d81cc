import { appendAudit, userActor } from '../db/audit';
import type { Db, Tenant } from '../db/client';
import type { GraphClientFactory } from '../graph';
import {
  CHECK_STATUSES,
  type CheckStatus,
  type ConnectionProbeResult,
  probeConnection,
} from '../graph/connectionTest';
import type { TenantSecretCipher } from '../secrets';
import { getTenant } from './tenants';

/** The API answers within this: reads still waiting are reported as timed out, not awaited. */
export const CONNECTION_TEST_DEADLINE_MS = 30_000;

export interface ConnectionTestDeps {
  db: Db;
  graph: GraphClientFactory;
  secrets: TenantSecretCipher;
  deadlineMs?: number;
}

export type ConnectionSummary = Record<CheckStatus, number>;

export interface ConnectionTestResult extends ConnectionProbeResult {
  /** Token obtained and no check `permission_missing` or `failed` (a tenant may lack a feature). */
  passed: boolean;
  testedAt: Date;
  durationMs: number;
  summary: ConnectionSummary;
  /** Permissions named by the `permission_missing` checks, each once. */
  missingPermissions: string[];
}

/** The statuses that mean the app registration or Graph needs attention. */
const FAILING: readonly CheckStatus[] = ['permission_missing', 'failed'];

/**
 * Tests the tenant's stored credentials against Graph as the worker uses them (same factory:
 * outbound allowlist, request budget, retries) and records one `tenant.connection_tested` audit
 * row; nothing else is written. The secret is decrypted here and handed only to MSAL.
 */
export async function testConnection(
  deps: ConnectionTestDeps,
  tenantId: string,
  actorUserId: string,
): Promise<ConnectionTestResult> {
  return recordConnectionTest(deps, await getTenant(deps.db, tenantId), actorUserId);
}

/** testConnection for a tenant row in hand (just created or changed). */
export async function recordConnectionTest(
  deps: ConnectionTestDeps,
  tenant: Tenant,
  actorUserId: string,
): Promise<ConnectionTestResult> {
  const testedAt = new Date();
  const deadlineMs = deps.deadlineMs ?? CONNECTION_TEST_DEADLINE_MS;
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(new Error(`no answer within the connection test's ${deadlineMs / 1000} s deadline`)),
    deadlineMs,
  );
  let probe: ConnectionProbeResult;
  try {
    probe = await probeConnection(
      () =>
        deps.graph.forTenant(
          tenant.id,
          {
            azureTenantId: tenant.azureTenantId,
            clientId: tenant.clientId,
            clientSecret: deps.secrets.decrypt(tenant),
            graphBaseUrl: tenant.graphBaseUrl,
            loginBaseUrl: tenant.loginBaseUrl,
          },
          { freshToken: true },
        ),
      controller.signal,
    );
  } finally {
    clearTimeout(timer);
  }
  const summary = Object.fromEntries(
    CHECK_STATUSES.map((status) => [status, probe.checks.filter((check) => check.status === status).length]),
  ) as ConnectionSummary;
  const result: ConnectionTestResult = {
    passed: probe.token.ok && probe.completed && FAILING.every((status) => summary[status] === 0),
    testedAt,
    durationMs: Date.now() - testedAt.getTime(),
    ...probe,
    summary,
    missingPermissions: [
      ...new Set(probe.checks.filter((c) => c.status === 'permission_missing').map((c) => c.permission)),
    ].sort(),
  };
  // Codes and statuses only: messages may quote hosts or ids, and the audit log needs none.
  await appendAudit(deps.db, {
    tenantId: tenant.id,
    actor: userActor(actorUserId),
    action: 'tenant.connection_tested',
    resourceType: 'tenant',
    resourceId: tenant.id,
    metadata: {
      passed: result.passed,
      completed: result.completed,
      token: {
        ok: result.token.ok,
        ...(result.token.errorCode ? { errorCode: result.token.errorCode } : {}),
      },
      summary,
      failing: result.checks
        .filter((check) => check.status !== 'ok' && check.status !== 'skipped')
        .map((check) => ({
          kind: check.kind,
          key: check.key,
          status: check.status,
          errorCode: check.errorCode,
        })),
    },
  });
  return result;
}
