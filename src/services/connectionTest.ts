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
import { claimConnectionTestLease, releaseConnectionTestLease } from '../db/connectionTestLease';
import { ConflictError } from './errors';
import { getTenant } from './tenants';

/** The API answers within this: reads still waiting are reported as timed out, not awaited. */
export const CONNECTION_TEST_DEADLINE_MS = 30_000;
/** The test run on saving a tenant holds the create or change's response: a shorter deadline. */
export const CONNECTION_TEST_ON_SAVE_DEADLINE_MS = 15_000;
/** The lease outlives the deadline by this, the audit write after it. */
const LEASE_MARGIN_MS = 5_000;

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
 * Tests the tenant's stored credentials against Graph as the worker does (outbound allowlist,
 * retries; the API's own small share of the tenant's request budget, API_BUDGET_SHARE in
 * src/graph/requestBudget.ts) and records one `tenant.connection_tested` audit row; nothing else
 * is written. The secret is decrypted here and handed only to MSAL. One test per tenant at a
 * time across replicas: a second one meanwhile is refused (409 connection_test_in_progress).
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
  const deadlineMs = deps.deadlineMs ?? CONNECTION_TEST_DEADLINE_MS;
  const lease = await claimConnectionTestLease(deps.db, tenant.id, deadlineMs + LEASE_MARGIN_MS);
  if (!lease)
    throw new ConflictError(
      'a connection test of this tenant is in progress; try again when it has answered',
      'connection_test_in_progress',
    );
  try {
    return await probeAndRecord(deps, tenant, actorUserId, deadlineMs);
  } finally {
    await releaseConnectionTestLease(deps.db, tenant.id, lease);
  }
}

async function probeAndRecord(
  deps: ConnectionTestDeps,
  tenant: Tenant,
  actorUserId: string,
  deadlineMs: number,
): Promise<ConnectionTestResult> {
  const testedAt = new Date();
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
