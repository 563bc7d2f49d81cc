// The connection test as the API answers it (mirrors ../routes/connectionTest.ts), alone and
// beside a tenant that was just created or given new credentials.
import { z } from 'zod';
import { CHECK_STATUSES } from '../../graph/connectionTest';
import { component, TENANT_EXAMPLE, tenant } from './responses';

const checkStatus = z
  .enum(CHECK_STATUSES)
  .describe(
    'ok: Graph answered the read. permission_missing: 403, the app lacks `permission`. ' +
      'unsupported: Graph says the resource does not exist in this tenant (404, or 400 "Resource ' +
      'not found for the segment"): a feature or license the tenant lacks. failed: anything else ' +
      '(5xx after retries, timeout, network). skipped: not read because no token was obtained.',
  );

const check = z.strictObject({
  kind: z
    .enum(['policyType', 'auditSource'])
    .describe('a policy type of the registry, or an audit log the sync reads'),
  key: z
    .string()
    .describe('the policy type key (GET /v1/policy-types) or the audit source (intune, directory)'),
  displayName: z.string().describe('what it is, for people'),
  permission: z.string().describe('the Graph application permission it needs'),
  status: checkStatus,
  httpStatus: z
    .int()
    .optional()
    .describe("Graph's HTTP status; 0 when no answer arrived; absent when ok or skipped"),
  errorCode: z
    .string()
    .optional()
    .describe("Graph's error code (e.g. Forbidden), or timeout / network codes of ours"),
  message: z.string().optional().describe("Graph's error message, as Graph sent it (never a secret)"),
  ms: z.int().describe('milliseconds the read took, retries included'),
});

const token = z.strictObject({
  ok: z.boolean().describe('whether MSAL obtained an app-only token with the stored credentials'),
  errorCode: z
    .string()
    .optional()
    .describe(
      'AADSTS code of the identity platform (AADSTS7000215: wrong secret), endpoint_refused, secret_undecryptable or timeout',
    ),
  message: z.string().optional().describe("the identity platform's description, without trace ids"),
  hint: z.string().optional().describe('what to fix, for the codes whose meaning is known'),
  ms: z.int().describe('milliseconds the token took'),
});

const CONNECTION_TEST_EXAMPLE = {
  passed: false,
  completed: true,
  testedAt: '2026-12-01T09:00:00.000Z',
  durationMs: 1840,
  token: { ok: true, ms: 310 },
  summary: { ok: 28, permission_missing: 3, unsupported: 1, failed: 0, skipped: 0 },
  missingPermissions: ['DeviceManagementScripts.Read.All'],
  checks: [
    {
      kind: 'policyType',
      key: 'deviceConfiguration',
      displayName: 'Device configuration profiles',
      permission: 'DeviceManagementConfiguration.Read.All',
      status: 'ok',
      ms: 120,
    },
    {
      kind: 'policyType',
      key: 'powershellScripts',
      displayName: 'PowerShell scripts',
      permission: 'DeviceManagementScripts.Read.All',
      status: 'permission_missing',
      httpStatus: 403,
      errorCode: 'Forbidden',
      message:
        'Application is not authorized to perform this operation. Application must have one of the following scopes: DeviceManagementScripts.Read.All, DeviceManagementScripts.ReadWrite.All',
      ms: 95,
    },
  ],
};

export const connectionTest = component(
  'ConnectionTest',
  "A test of the tenant's Graph credentials: one token through MSAL, then one minimal read " +
    '(`$top=1&$select=id`) per policy type and per audit log the sync reads. `passed`: the token ' +
    'worked, every read finished and none is permission_missing or failed (unsupported is a ' +
    'feature the tenant lacks, not a fault). `completed: false`: the 30 s deadline cut it short.',
  z
    .strictObject({
      passed: z.boolean().describe('token ok, completed, and no check permission_missing or failed'),
      completed: z
        .boolean()
        .describe('false when the deadline cut the test short: unanswered reads are failed/timeout'),
      testedAt: z.iso.datetime().describe('when the test started, ISO 8601, UTC'),
      durationMs: z.int().describe('milliseconds the whole test took'),
      token: token.describe('the app-only token, obtained first: without it no read runs'),
      summary: z
        .strictObject(
          Object.fromEntries(
            CHECK_STATUSES.map((status) => [status, z.int().describe(`how many checks ended ${status}`)]),
          ),
        )
        .describe('how many checks ended in each status'),
      missingPermissions: z
        .array(z.string())
        .describe('the permissions the permission_missing checks need, each once'),
      checks: z.array(check).describe('one per policy type, then one per audit log'),
    })
    .meta({ examples: [CONNECTION_TEST_EXAMPLE] }),
);

export const tenantWithConnectionTest = component(
  'TenantWithConnectionTest',
  'The tenant as saved, with the connection test run right after saving it. A failing test does ' +
    'not undo the save. `connectionTest` is null when the test could not run at all (see the ' +
    'logs; POST /v1/tenants/{tenantId}/connection-test runs it again); PATCH leaves it out when ' +
    'no credential field (clientSecret, clientId, azureTenantId, graphBaseUrl, loginBaseUrl) changed.',
  tenant
    .extend({
      connectionTest: connectionTest
        .nullable()
        .optional()
        .describe('the test of the saved credentials; null: it could not run; absent: nothing to test'),
    })
    .meta({ examples: [{ ...TENANT_EXAMPLE, connectionTest: CONNECTION_TEST_EXAMPLE }] }),
);
