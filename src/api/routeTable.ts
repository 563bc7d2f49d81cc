// The route table: every route the app serves, with the permission it needs and what the
// reference documents for it. ./authorize.ts enforces the permissions from this table (nowhere
// else), and ./openapi/document.ts builds the OpenAPI document from it. The request schemas are
// the ones the routes parse with, so the documented input cannot differ from the accepted one;
// the integration test checks that this table and the app's routes name the same routes.
import { z } from 'zod';
import { DOCUMENTATION_CONTENT_TYPES } from '../export/documentation/model';
import { EXPORT_CONTENT_TYPES } from '../export/types';
import { connectionTest, tenantWithConnectionTest } from './openapi/connectionTestResponses';
import { tenantOffboarding } from './openapi/offboardingResponses';
import { offsiteDestination } from './openapi/offsiteResponses';
import { tenantStatus, tenantStatusPage } from './openapi/statusResponses';
import * as r from './openapi/responses';
import { newestFirstPageQuery, pageQuery } from './pagination';
import { restoreOperations } from './restoreOperations';
import { canBeForbidden, isTenantPermission, type Permission } from './permissions';
import { auditQuery } from './routes/auditLogs';
import { bulkScheduleBody, createScheduleBody, updateScheduleBody } from './routes/backupSchedules.schema';
import { baselinesQuery, compareQuery, createBaselineBody, mappingsBody } from './routes/baselines.schema';
import { exportQuery } from './routes/backupSetExport';
import { changesQuery, diffQuery, itemsQuery, referencesQuery, setsQuery } from './routes/backupSets';
import { documentationQuery } from './routes/documentation';
import { historyQuery, inventoryQuery } from './routes/policies';
import { legalHoldBody } from './routes/legalHolds';
import {
  createChannelBody,
  deliveriesQuery,
  rotateSecretBody,
  updateChannelBody,
} from './routes/notificationChannels.schema';
import { notificationsQuery } from './routes/notifications';
import { putOffsiteDestinationBody } from './routes/offsiteDestination.schema';
import { tenantRetentionBody } from './routes/retention';
import { runsQuery } from './routes/runs';
import { statusQuery } from './routes/status';
import { offboardTenantBody, offboardTenantQuery } from './routes/tenantOffboarding.schema';
import { createTenantBody, updateTenantBody } from './routes/tenants';
import { addMemberBody, createUserBody, issueTokenBody, memberBody, usersQuery } from './routes/users.schema';
import * as u from './openapi/userResponses';

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface Reply {
  description: string;
  /** A schema from ./responses (registered as a component); none for an empty body. */
  schema?: z.ZodType;
  /** application/json when there is a schema; several when the query picks one (archives, documents). */
  contentType?: string | readonly string[];
  /** The response's Location header names the created or started resource. */
  location?: true;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style, as mounted: `/v1/tenants/:tenantId`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: (typeof tags)[number]['name'];
  /** Who may call it (./permissions.ts); checked by ./authorize.ts before the route runs. */
  permission: Permission;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Answers other than problem+json, by status. */
  replies: Record<number, Reply>;
  /** Problem statuses beyond those every route of its kind can give (see problemStatuses). */
  problems?: ProblemStatus[];
  /**
   * A write (not GET) that still works once its tenant is offboarded; every other write of an
   * offboarded tenant answers 409 tenant_offboarded (./authorize.ts).
   */
  whileOffboarded?: true;
}

export const tags = [
  { name: 'Tenants', description: 'Microsoft 365 tenants and their Graph credentials.' },
  { name: 'Backup schedules', description: 'Schedules, each mapped to a Temporal Schedule.' },
  { name: 'Runs', description: 'Backup runs, newest first.' },
  { name: 'Backup sets', description: 'Immutable backup sets, their items and their changes.' },
  {
    name: 'Retention',
    description: 'Safeguards on what retention may delete: minimum, grace period, legal holds.',
  },
  {
    name: 'Baselines',
    description:
      'Backup sets pinned under a name (retention keeps them), and any tenant compared against them.',
  },
  {
    name: 'Notifications',
    description:
      'Channels that deliver events (webhook, Teams, e-mail, in-app), their deliveries, and baseline subscriptions.',
  },
  {
    name: 'Restores',
    description: 'Restores into the tenant: a plan first, then approval and apply rounds (docs/restore.md).',
  },
  { name: 'Audit', description: 'The append-only audit log.' },
  { name: 'Members', description: "A tenant's members and their roles." },
  { name: 'Users', description: 'Users and their API tokens.' },
  { name: 'Me', description: "The token's user." },
  { name: 'Operations', description: 'Probes, metrics and this reference; no token needed.' },
] as const;

/** Every path parameter the table uses; a new one needs a description here. */
export const pathParams: Record<string, z.ZodType> = {
  tenantId: z.uuid().describe('the tenant id'),
  scheduleId: z.uuid().describe('the backup schedule id'),
  runId: z.uuid().describe('the run id'),
  setId: z.uuid().describe('the backup set id'),
  notificationId: z.uuid().describe('the notification id'),
  userId: z.uuid().describe('the user id'),
  tokenId: z.uuid().describe('the API token id'),
  baselineId: z.uuid().describe("the baseline id (the baseline's tenant is the route's tenant)"),
  file: z.string().describe('a file of the reference page'),
  policyType: z.string().describe('a policy type key (GET /v1/policy-types)'),
  graphId: z.string().describe("the policy's id in Microsoft Graph"),
  channelId: z.uuid().describe('the notification channel id'),
  deliveryId: z.uuid().describe('the delivery id'),
  restoreId: z.uuid().describe('the restore id'),
};

/**
 * The problems a route gives by what it has, since the same middleware produces them: the
 * bearer check (401), the per-user rate limit and the failed-authentication throttle (429), an
 * unreachable database (503: the bearer check reads it first), the permission check (403 when a caller can hold too little of it), a path
 * id that names nothing, is no UUID or names a tenant the caller is no member of (404), query and
 * body validation (422), and the JSON body parser (400 malformed, 413 too large, 415 bad charset).
 */
export function problemStatuses(op: Operation): ProblemStatus[] {
  const statuses = new Set<ProblemStatus>(op.problems);
  if (op.permission !== 'public') {
    statuses.add(401);
    statuses.add(429);
    statuses.add(503);
  }
  if (canBeForbidden(op.permission)) statuses.add(403);
  if (op.path.includes('/:')) statuses.add(404);
  if (op.query) statuses.add(422);
  if (op.body) for (const status of [400, 413, 415, 422] as const) statuses.add(status);
  if (isTenantPermission(op.permission) && refusedWhenOffboarded(op)) statuses.add(409);
  return [...statuses].sort((a, b) => a - b);
}

/** An offboarded tenant is read-only: ./authorize.ts refuses its writes (409 tenant_offboarded), but those marked whileOffboarded. */
export function refusedWhenOffboarded(op: Pick<Operation, 'method' | 'whileOffboarded'>): boolean {
  return op.method !== 'get' && op.whileOffboarded !== true;
}

const ok = (schema: z.ZodType, description: string) => ({ 200: { description, schema } });
const created = (schema: z.ZodType, description: string) => ({
  201: { description, schema, location: true as const },
});
const started = { 202: { description: 'the run, queued', schema: r.run, location: true as const } };

const TENANT = '/v1/tenants/:tenantId';
const SCHEDULES = `${TENANT}/backup-schedules`;
const SETS = `${TENANT}/backup-sets`;

/**
 * The routes of notification channels, the same for a tenant's (`notifications:manage`) and the
 * platform-wide ones (platform admins), which differ by path, permission and operation ids.
 */
function channelOperations(base: string, permission: Permission, scope: '' | 'Platform'): Operation[] {
  const one = `${base}/:channelId`;
  const which = scope === '' ? "the tenant's" : "platform-wide (every tenant's events)";
  const op = (method: Operation['method'], path: string, name: string, rest: Partial<Operation>) =>
    ({
      method,
      path,
      operationId: name.replace('{}', scope),
      tag: 'Notifications',
      permission,
      ...rest,
    }) as Operation;
  const delivery = {
    202: { description: 'the delivery, pending', schema: r.notificationDelivery, location: true as const },
  };
  return [
    op('get', base, 'list{}NotificationChannels', {
      summary: `Notification channels, ${which}, by id`,
      query: pageQuery,
      replies: ok(r.notificationChannelPage, 'a page of channels'),
    }),
    op('post', base, 'create{}NotificationChannel', {
      summary: `Add a notification channel, ${which}`,
      description:
        'webhook and teams take `url`, email takes `recipients`; URLs are refused unless their host ' +
        'resolves only to public addresses or is on NOTIFICATION_ENDPOINT_ALLOWLIST. A webhook gets a ' +
        'Standard Webhooks signing secret (`signingSecret`), shown in this answer only. `eventTypes` ' +
        'defaults to every type on by default; `filters.scheduleIds` must name schedules of the tenant.',
      body: createChannelBody,
      replies: created(
        r.notificationChannelWithSecret,
        'the channel, with a webhook its secret (shown once)',
      ),
    }),
    op('get', one, 'get{}NotificationChannel', {
      summary: 'A notification channel (never its secret)',
      replies: ok(r.notificationChannel, 'the channel'),
    }),
    op('patch', one, 'update{}NotificationChannel', {
      summary: 'Change a notification channel; its kind is fixed',
      body: updateChannelBody,
      replies: ok(r.notificationChannel, 'the channel, changed'),
    }),
    op('delete', one, 'delete{}NotificationChannel', {
      summary: 'Delete a notification channel and its deliveries',
      replies: { 204: { description: 'deleted' } },
    }),
    op('post', `${one}/rotate-secret`, 'rotate{}NotificationChannelSecret', {
      summary: "Replace a webhook's signing secret; the previous one signs on during the overlap",
      description:
        'Both signatures are sent until `secret.previousExpiresAt` (`overlapHours`, default 24, 0 ends ' +
        'the old one now). The new secret is in this answer only. Other kinds: 409 `no_signing_secret`.',
      body: rotateSecretBody,
      replies: ok(r.notificationChannelWithSecret, 'the channel, with its new secret (shown once)'),
      problems: [409],
    }),
    op('post', `${one}/test`, 'test{}NotificationChannel', {
      summary: 'Send a notification.test event to this channel only',
      description:
        'Delivered at once whatever the channel subscribes to (and even with a digest); a disabled ' +
        'channel answers 409 `channel_disabled`. The delivery is durable: follow it at its Location.',
      replies: delivery,
      problems: [409],
    }),
    op('get', `${one}/deliveries`, 'list{}NotificationDeliveries', {
      summary: "A channel's deliveries, newest first, each with its attempts",
      query: deliveriesQuery,
      replies: ok(r.notificationDeliveryPage, 'a page of deliveries'),
    }),
    op('get', `${one}/deliveries/:deliveryId`, 'get{}NotificationDelivery', {
      summary: 'A delivery with its attempts',
      replies: ok(r.notificationDelivery, 'the delivery'),
    }),
    op('post', `${one}/deliveries/:deliveryId/replay`, 'replay{}NotificationDelivery', {
      summary: 'Send a finished delivery again, with the same webhook-id',
      description:
        'A succeeded or failed delivery becomes pending again; its attempts are kept and new ones ' +
        'number on. A pending one answers 409 `delivery_pending`, one folded into a digest 409 `delivery_batched`.',
      replies: delivery,
      problems: [409],
    }),
  ];
}

/** Deactivation and the platform admin role: one idempotent change per path (../services/userAdmin.ts). */
function userStandingOperations(): Operation[] {
  const LAST_ADMIN =
    'Leaving no active platform admin answers 409 `last_platform_admin` (concurrent calls are ' +
    'serialized, so two admins removing each other cannot both succeed). Admins cannot do this ' +
    'to themselves (409 `self_lockout`): another admin, or the admin command line, must.';
  const op = (
    method: Operation['method'],
    action: string,
    operationId: string,
    summary: string,
    description: string,
    problems: ProblemStatus[] = [],
  ): Operation => ({
    method,
    path: `/v1/users/:userId/${action}`,
    operationId,
    summary,
    description: `${description} A repeat changes nothing and answers the user as they are.`,
    tag: 'Users',
    permission: 'platform:admin',
    replies: ok(r.user, 'the user, changed'),
    problems,
  });
  return [
    op(
      'post',
      'deactivate',
      'deactivateUser',
      'Deactivate a user: their API tokens are refused from the next request on',
      'Memberships and tokens are kept (reactivation restores them); revoke the tokens too to cut a user off for good. ' +
        LAST_ADMIN,
      [409],
    ),
    op(
      'post',
      'reactivate',
      'reactivateUser',
      'Reactivate a user: their memberships and unexpired, unrevoked tokens work again',
      'Audited as `user.reactivated`.',
    ),
    op(
      'put',
      'platform-admin',
      'grantPlatformAdmin',
      'Make the user a platform admin',
      'Audited as `user.platform_admin_granted`.',
    ),
    op(
      'delete',
      'platform-admin',
      'removePlatformAdmin',
      "Remove the user's platform admin role; their memberships stay",
      LAST_ADMIN,
      [409],
    ),
  ];
}

export const operations: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness',
    tag: 'Operations',
    permission: 'public',
    replies: ok(r.health, 'the process answers'),
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: PostgreSQL and Temporal answer',
    tag: 'Operations',
    permission: 'public',
    replies: {
      200: { description: 'both answer', schema: r.readiness },
      503: { description: 'one does not answer', schema: r.readiness },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    tag: 'Operations',
    permission: 'public',
    replies: { 200: { description: 'the text exposition format', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document (OpenAPI 3.1)',
    tag: 'Operations',
    permission: 'public',
    replies: { 200: { description: 'the OpenAPI document', contentType: 'application/json' } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'getReferencePage',
    summary: 'The rendered API reference',
    tag: 'Operations',
    permission: 'public',
    replies: { 200: { description: 'an HTML page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs/assets/:file',
    operationId: 'getReferencePageAsset',
    summary: 'A script, style sheet or icon of the reference page',
    tag: 'Operations',
    permission: 'public',
    replies: { 200: { description: 'the file', contentType: '*/*' } },
  },
  {
    method: 'get',
    path: '/v1/policy-types',
    operationId: 'listPolicyTypes',
    summary: 'The policy types a schedule may back up',
    tag: 'Backup schedules',
    permission: 'authenticated',
    replies: ok(r.policyTypes, 'key, display name and Graph permission of each'),
  },
  {
    method: 'get',
    path: '/v1/me/notifications',
    operationId: 'listNotifications',
    summary: "The caller's notifications, newest first",
    tag: 'Me',
    permission: 'authenticated',
    query: notificationsQuery,
    replies: ok(r.notificationPage, 'a page of notifications'),
  },
  {
    method: 'post',
    path: '/v1/me/notifications/:notificationId/read',
    operationId: 'readNotification',
    summary: 'Mark a notification read',
    tag: 'Me',
    permission: 'authenticated',
    replies: ok(r.notification, 'the notification, read'),
  },
  {
    method: 'post',
    path: '/v1/users',
    operationId: 'createUser',
    summary: 'Add a user; give them a role in a tenant with POST …/members',
    tag: 'Users',
    permission: 'platform:admin',
    body: createUserBody,
    replies: created(r.user, 'the user'),
    problems: [409],
  },
  {
    method: 'get',
    path: '/v1/users/:userId/tokens',
    operationId: 'listApiTokens',
    summary: "The user's API tokens, newest first: to find and revoke one that leaked",
    tag: 'Users',
    permission: 'self-or-admin',
    query: newestFirstPageQuery,
    replies: ok(r.apiTokenPage, 'a page of tokens (never their secrets)'),
  },
  {
    method: 'post',
    path: '/v1/users/:userId/tokens',
    operationId: 'issueApiToken',
    summary: 'Issue an API token for the user; the token is in this answer only',
    description:
      'Send it as `Authorization: Bearer <token>`. Every token expires: `expiresInDays` may be at ' +
      "most the deployment's maximum (`API_TOKEN_MAX_LIFETIME_DAYS`, 90 days unless configured; " +
      'more answers 422), and without it the token lives that long. A user holds at most ' +
      '`API_MAX_TOKENS_PER_USER` (20) working tokens: one more answers 409 `token_limit_reached`. ' +
      'The answer is sent with `Cache-Control: no-store`.',
    tag: 'Users',
    permission: 'self-or-admin',
    body: issueTokenBody,
    replies: { 201: { description: 'the token, shown once', schema: r.issuedToken } },
    problems: [409],
  },
  {
    method: 'delete',
    path: '/v1/users/:userId/tokens',
    operationId: 'revokeAllApiTokens',
    summary: "Revoke all of the user's API tokens (users revoking their own keep the calling one)",
    description:
      'For a token that leaked without knowing which. Users revoking their own tokens keep the ' +
      'one they call with (`keptTokenId`; revoke it with DELETE …/tokens/{tokenId} if it is the ' +
      "one); a platform admin revoking another user's tokens revokes every one. Audited with the count.",
    tag: 'Users',
    permission: 'self-or-admin',
    replies: ok(r.revokedTokens, 'how many were revoked'),
  },
  {
    method: 'delete',
    path: '/v1/users/:userId/tokens/:tokenId',
    operationId: 'revokeApiToken',
    summary: "Revoke one of the user's API tokens",
    tag: 'Users',
    permission: 'self-or-admin',
    replies: { 204: { description: 'revoked (also when it already was)' } },
  },
  // Users over time (issue 20): who am I, and platform admins deactivating users and granting
  // or removing the platform admin role. Each change is its own path so that each is idempotent,
  // audited under its own action and refused on its own terms (./routes/users.ts).
  {
    method: 'get',
    path: '/v1/me',
    operationId: 'getMe',
    summary: "The token's user, their tenants and roles, and the token itself",
    tag: 'Me',
    permission: 'authenticated',
    replies: ok(u.me, 'the caller'),
  },
  {
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    summary: 'Users, newest first; `active` and `platformAdmin` filter',
    tag: 'Users',
    permission: 'platform:admin',
    query: usersQuery,
    replies: ok(u.userPage, 'a page of users'),
  },
  ...userStandingOperations(),
  {
    method: 'get',
    path: '/v1/tenants',
    operationId: 'listTenants',
    summary: "The caller's tenants (every tenant for a platform admin)",
    tag: 'Tenants',
    permission: 'authenticated',
    query: pageQuery,
    replies: ok(r.tenantPage, 'a page of tenants'),
  },
  {
    method: 'post',
    path: '/v1/tenants',
    operationId: 'createTenant',
    summary: 'Add a tenant',
    tag: 'Tenants',
    permission: 'platform:admin',
    body: createTenantBody,
    description:
      'Saves the tenant, then tests its credentials against Graph (as POST .../connection-test ' +
      'does, with a 15 s deadline) and answers the result beside it: a failing test does not undo ' +
      'the save; a test that could not run answers connectionTest null.',
    replies: created(tenantWithConnectionTest, 'the tenant, and the test of its credentials'),
    problems: [409],
  },
  {
    method: 'get',
    path: TENANT,
    operationId: 'getTenant',
    summary: 'A tenant',
    tag: 'Tenants',
    permission: 'tenant:read',
    replies: ok(r.tenant, 'the tenant'),
  },
  {
    method: 'patch',
    path: TENANT,
    operationId: 'updateTenant',
    summary: 'Change a tenant; a new clientSecret is used by the next run',
    tag: 'Tenants',
    permission: 'tenant:admin',
    body: updateTenantBody,
    description:
      'A change of clientSecret, clientId, azureTenantId, graphBaseUrl or loginBaseUrl is saved, ' +
      'then tested against Graph (15 s deadline); the result comes as `connectionTest` (a failing ' +
      'test does not undo it; null when it could not run, e.g. another test of the tenant in flight).',
    replies: ok(tenantWithConnectionTest, 'the tenant, changed'),
    problems: [409],
  },
  {
    method: 'post',
    path: `${TENANT}/connection-test`,
    operationId: 'testTenantConnection',
    summary: "Test the tenant's Graph credentials: a token, then one read per policy type",
    description:
      'Gets a token through MSAL with the stored credentials and reads one item of each policy ' +
      "type's collection and of each audit log the sync reads, within the API's own 5 % share of " +
      "the tenant's Graph request budget (the worker keeps 95 %) and a 30 s deadline. One test per " +
      'tenant at a time: a second one while the first runs is refused with 409 ' +
      'connection_test_in_progress. Writes one audit row (tenant.connection_tested) and nothing else.',
    tag: 'Tenants',
    permission: 'connection:test',
    replies: ok(connectionTest, 'the outcome of the token and of each read'),
    problems: [409],
  },
  {
    method: 'delete',
    path: TENANT,
    operationId: 'offboardTenant',
    summary: 'Offboard a tenant: its schedules and credentials go now, its data at purgeAfter',
    description:
      "`confirmSlug` must equal the tenant's slug. Deletes the tenant's Temporal Schedules, erases " +
      'its Graph client secret, asks its running runs and restores to cancel, and keeps its backups ' +
      'read-only (every write route answers 409 `tenant_offboarded`) for ' +
      'OFFBOARDED_TENANT_RETENTION_DAYS; then a workflow deletes everything of the tenant. ' +
      '`?purge=now` purges at once (409 `tenant_under_legal_hold` while a set is held). Repeating ' +
      'the request is safe: it answers the same offboarding (and finishes what an outage left).',
    tag: 'Tenants',
    permission: 'platform:admin',
    query: offboardTenantQuery,
    body: offboardTenantBody,
    replies: { 202: { description: 'offboarded; the purge is scheduled', schema: tenantOffboarding } },
    problems: [409],
    whileOffboarded: true,
  },
  {
    method: 'get',
    path: `${TENANT}/retention`,
    operationId: 'getTenantRetention',
    summary: "The tenant's retention safeguards",
    tag: 'Retention',
    permission: 'tenant:read',
    replies: ok(r.tenantRetention, 'the minimum keepLast, the grace period and a pending reduction'),
  },
  {
    method: 'put',
    path: `${TENANT}/retention`,
    operationId: 'setTenantRetention',
    summary: "Set the tenant's minimum keepLast and grace period",
    description:
      'Raising either applies at once. Lowering either is a reduction: the values in force now ' +
      'stay in force for the grace period in force now (`reduction.inForceUntil`), so no single ' +
      'token can shorten history faster than that. Audited with the old and new values.',
    tag: 'Retention',
    permission: 'tenant:admin',
    body: tenantRetentionBody,
    replies: ok(r.tenantRetention, 'the retention safeguards, changed'),
  },
  {
    method: 'get',
    path: `${TENANT}/offsite-destination`,
    operationId: 'getOffsiteDestination',
    summary: "The tenant's offsite destination (never its credentials)",
    tag: 'Tenants',
    permission: 'tenant:read',
    replies: ok(offsiteDestination, 'the destination, with the names of the credential fields set'),
  },
  {
    method: 'put',
    path: `${TENANT}/offsite-destination`,
    operationId: 'putOffsiteDestination',
    summary: "Set or replace the tenant's offsite destination (Azure Blob Storage or S3)",
    description:
      'azure_blob takes `container` and either `connectionString` or `accountUrl` with `sasToken`; s3 ' +
      'takes `bucket`, `region`, `accessKeyId` and `secretAccessKey`, and `endpoint` for an ' +
      'S3-compatible server. Credentials are stored encrypted and never returned; they may be left ' +
      'out when the kind (and for Azure the way of authenticating) stays the same, keeping the ' +
      'stored ones. URLs are refused unless their host resolves only to public addresses or is on ' +
      'OFFSITE_ENDPOINT_ALLOWLIST. `immutabilityDays`: each copied object is immutable (WORM) that ' +
      'long where the store supports it. Audited without credentials. 409 ' +
      '`offsite_destination_changed` when other writes kept changing it while this one was checked.',
    tag: 'Tenants',
    permission: 'tenant:admin',
    body: putOffsiteDestinationBody,
    replies: ok(offsiteDestination, 'the destination, as stored'),
    problems: [409],
  },
  {
    method: 'delete',
    path: `${TENANT}/offsite-destination`,
    operationId: 'deleteOffsiteDestination',
    summary: "Remove the tenant's offsite destination; copies already made stay where they are",
    tag: 'Tenants',
    permission: 'tenant:admin',
    replies: { 204: { description: 'deleted' } },
  },
  {
    method: 'get',
    path: `${TENANT}/members`,
    operationId: 'listMembers',
    summary: "The tenant's members and their roles",
    tag: 'Members',
    permission: 'tenant:read',
    query: pageQuery,
    replies: ok(r.memberPage, 'a page of members'),
  },
  {
    method: 'post',
    path: `${TENANT}/members`,
    operationId: 'addMember',
    summary: 'Add a user to the tenant by email, with a role',
    description:
      'A caller who is no platform admin may add only users who already share a tenant with ' +
      'them; for any other email, known or not, the answer is the same 422 on `email`, so ' +
      "nothing is revealed about users outside the caller's tenants. A member already: 409 " +
      '`already_member` (change the role with PUT …/members/{userId}).',
    tag: 'Members',
    permission: 'tenant:admin',
    body: addMemberBody,
    replies: created(r.member, 'the member'),
    problems: [409],
  },
  {
    method: 'put',
    path: `${TENANT}/members/:userId`,
    operationId: 'setMember',
    summary: "Change a member's role",
    description:
      'Only for members of the tenant (404 otherwise: add users with POST …/members). ' +
      'A tenant keeps at least one owner once it has one (409 `last_owner`).',
    tag: 'Members',
    permission: 'tenant:admin',
    body: memberBody,
    replies: ok(r.member, 'the member'),
    problems: [409],
  },
  {
    method: 'delete',
    path: `${TENANT}/members/:userId`,
    operationId: 'removeMember',
    summary: 'Remove a member from the tenant',
    description: 'A tenant keeps at least one owner once it has one (409 `last_owner`).',
    tag: 'Members',
    permission: 'tenant:admin',
    replies: { 204: { description: 'removed' } },
    problems: [409],
  },
  {
    method: 'get',
    path: SCHEDULES,
    operationId: 'listBackupSchedules',
    summary: "A tenant's backup schedules",
    tag: 'Backup schedules',
    permission: 'tenant:read',
    query: pageQuery,
    replies: ok(r.schedulePage, 'a page of schedules'),
  },
  {
    method: 'post',
    path: SCHEDULES,
    operationId: 'createBackupSchedule',
    summary: 'Create a backup schedule',
    description:
      'Hourly schedules need `minute`, daily ones `timeOfDay`, weekly ones `timeOfDay` and `daysOfWeek`; ' +
      '`policyTypes` are keys from GET /v1/policy-types; `timezone` is an IANA name the Temporal ' +
      "server knows (Go's tz database), e.g. `Europe/Berlin`.",
    tag: 'Backup schedules',
    permission: 'schedules:write',
    body: createScheduleBody,
    replies: created(r.schedule, 'the schedule'),
    problems: [409],
  },
  {
    method: 'post',
    path: `${SCHEDULES}/bulk`,
    operationId: 'bulkBackupSchedules',
    summary: 'Run, retry or delete many schedules: one result per id, one notification',
    tag: 'Backup schedules',
    permission: 'tenant:run',
    body: bulkScheduleBody,
    replies: ok(r.bulkResult, 'the result for each schedule'),
  },
  {
    method: 'get',
    path: `${SCHEDULES}/:scheduleId`,
    operationId: 'getBackupSchedule',
    summary: 'A backup schedule, with its next run times',
    tag: 'Backup schedules',
    permission: 'tenant:read',
    replies: ok(r.schedule, 'the schedule'),
  },
  {
    method: 'patch',
    path: `${SCHEDULES}/:scheduleId`,
    operationId: 'updateBackupSchedule',
    summary: 'Change a backup schedule; the result is validated as a whole',
    tag: 'Backup schedules',
    permission: 'schedules:write',
    body: updateScheduleBody,
    replies: ok(r.schedule, 'the schedule, changed'),
    problems: [409],
  },
  {
    method: 'delete',
    path: `${SCHEDULES}/:scheduleId`,
    operationId: 'deleteBackupSchedule',
    summary: 'Delete a backup schedule; its runs and sets are kept',
    tag: 'Backup schedules',
    permission: 'schedules:write',
    replies: { 204: { description: 'deleted' } },
  },
  {
    method: 'post',
    path: `${SCHEDULES}/:scheduleId/run`,
    operationId: 'runBackupSchedule',
    summary: 'Run a schedule now',
    tag: 'Backup schedules',
    permission: 'tenant:run',
    replies: started,
    problems: [409, 503],
  },
  {
    method: 'get',
    path: `${TENANT}/runs`,
    operationId: 'listRuns',
    summary: "A tenant's runs, newest first",
    tag: 'Runs',
    permission: 'tenant:read',
    query: runsQuery,
    replies: ok(r.runPage, 'a page of runs'),
  },
  {
    method: 'get',
    path: `${TENANT}/runs/:runId`,
    operationId: 'getRun',
    summary: 'A run',
    tag: 'Runs',
    permission: 'tenant:read',
    replies: ok(r.run, 'the run'),
  },
  {
    method: 'post',
    path: `${TENANT}/runs/:runId/retry`,
    operationId: 'retryRun',
    summary: 'Retry a failed or partial run',
    tag: 'Runs',
    permission: 'tenant:run',
    replies: started,
    problems: [409, 503],
  },
  {
    method: 'get',
    path: `${TENANT}/audit-logs`,
    operationId: 'listAuditLogs',
    summary: "A tenant's audit log, newest first",
    tag: 'Audit',
    permission: 'tenant:read',
    query: auditQuery,
    replies: ok(r.auditLogPage, 'a page of audit rows'),
  },
  {
    method: 'get',
    path: SETS,
    operationId: 'listBackupSets',
    summary: "A tenant's backup sets, newest first",
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: setsQuery,
    replies: ok(r.backupSetPage, 'a page of backup sets'),
  },
  {
    method: 'get',
    path: `${SETS}/:setId`,
    operationId: 'getBackupSet',
    summary: 'A backup set',
    tag: 'Backup sets',
    permission: 'tenant:read',
    replies: ok(r.backupSet, 'the backup set'),
  },
  {
    method: 'get',
    path: `${SETS}/:setId/items`,
    operationId: 'listBackupSetItems',
    summary: "A backup set's items",
    description:
      'With `includePayload=true` a page also ends before its payloads would pass ' +
      '`API_ITEMS_PAGE_MAX_BYTES` (4 MiB unless configured; `payloadBytes` are the stored sizes), ' +
      'so it may hold fewer than `limit` items; it holds one at least. Follow `nextCursor`. ' +
      'Script bodies can hold credentials: the payloads of the script types (PowerShell, shell, ' +
      'remediations) need `scripts:read` (role operator or higher); for a readonly member those ' +
      'items come without `payload` and with `payloadWithheld`.',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: itemsQuery,
    replies: ok(r.backupItemPage, 'a page of items'),
  },
  {
    method: 'get',
    path: `${SETS}/:setId/references`,
    operationId: 'listBackupSetReferences',
    summary: 'The objects the policies of a backup set reference',
    description:
      'Groups, users, assignment filters, scope tags, named locations, notification templates and apps ' +
      'that the policies name by id, with the name and type the run found for each: `missing` when ' +
      "the object no longer existed, `unreadable` when the app may not read its kind (the run's " +
      '`references` names the permission) or Graph failed.',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: referencesQuery,
    replies: ok(r.backupSetReferencePage, 'a page of referenced objects'),
  },
  {
    method: 'get',
    path: `${SETS}/:setId/changes`,
    operationId: 'listBackupSetChanges',
    summary: 'What changed against the previous set of the schedule',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: changesQuery,
    replies: ok(r.backupSetChanges, 'a page of changes and the counts of all'),
  },
  {
    method: 'get',
    path: `${SETS}/:setId/diff`,
    operationId: 'diffBackupSets',
    summary: 'What changed between two backup sets of the tenant, field by field',
    description:
      'The changes from `against` (default: the previous set of the schedule) to this set, either ' +
      'order, any two sets of the tenant, compared over the policy types both hold. Every leaf ' +
      'change is listed (paged by policy); arrays whose order has no meaning in Graph are matched ' +
      'by identity, so reordering is never a change. A pair other than a set and its predecessor is ' +
      'computed on its first request and kept.',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: diffQuery,
    replies: ok(r.backupSetDiff, 'a page of changes and the counts of all, per type and kind'),
  },
  {
    method: 'get',
    path: `${SETS}/:setId/export`,
    operationId: 'exportBackupSet',
    summary: 'A backup set as a verifiable zip or tar.gz archive',
    description:
      'Streamed: one canonical JSON file per policy in one folder per policy type, `manifest.json` ' +
      '(tenant, set, run, schedule, every item with its path, bytes and SHA-256) and `SHA256SUMS` ' +
      '(`sha256sum -c`). The same set gives a byte-identical archive every time, so its own SHA-256 ' +
      'can be published. Script payloads need `scripts:read` as in the items API; without it they ' +
      'are listed in the manifest with `withheld: true` and no file. A failure after the first byte ' +
      'cuts the download short (`npm run admin -- verify-export` detects it). docs/export.md.',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: exportQuery,
    replies: {
      200: {
        description: 'the archive (Content-Disposition names the file)',
        contentType: Object.values(EXPORT_CONTENT_TYPES),
      },
    },
  },
  {
    method: 'get',
    path: `${SETS}/:setId/documentation`,
    operationId: 'getBackupSetDocumentation',
    summary: "The set's as-built documentation: Markdown, one self-contained HTML page, or CSV",
    description:
      'A summary (policies per type, the run outcome, the capture time), then per type and per ' +
      'policy its settings (settings catalog names from the stored setting definitions, other ' +
      'properties in words) with values and paths, and its assignments (include or exclude, group ' +
      'ids and names the set resolved, filters). CSV: a header row, then one row per setting ' +
      '(type, policy, setting, path, value). `changesSince` (md, html) appends the field-level ' +
      'changes from that set, with who made them where the audit logs say. Streamed; secrets are ' +
      'never shown, script settings only with scripts:read (as the items API).',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: documentationQuery,
    replies: {
      200: {
        description: 'the document, in the format asked for',
        contentType: Object.values(DOCUMENTATION_CONTENT_TYPES).map((type) => type.split(';')[0] as string),
      },
    },
  },
  {
    method: 'get',
    path: '/v1/tenants/:tenantId/policies',
    operationId: 'listPolicies',
    summary: "The tenant's current policy inventory",
    description: 'Every policy the newest syncs saw, including those since deleted in Graph (`deleted`).',
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: inventoryQuery,
    replies: ok(r.inventoryPage, 'a page of policies'),
  },
  {
    method: 'get',
    path: '/v1/tenants/:tenantId/policies/:policyType/:graphId/history',
    operationId: 'getPolicyHistory',
    summary: "One policy's versions across the tenant's backup sets, with field changes and who made them",
    tag: 'Backup sets',
    permission: 'tenant:read',
    query: historyQuery,
    replies: ok(r.policyHistory, 'a page of versions, newest first'),
  },
  {
    method: 'put',
    path: `${SETS}/:setId/legal-hold`,
    operationId: 'placeLegalHold',
    summary: 'Put a backup set under a legal hold',
    description:
      'Retention never deletes a held set (the database refuses it too). Placing a hold on a set ' +
      'whose earlier hold was released puts it on again.',
    tag: 'Retention',
    permission: 'schedules:write',
    body: legalHoldBody,
    replies: ok(r.legalHold, 'the hold'),
    // Preserving (or releasing) a set for litigation stays possible while the tenant awaits its purge.
    whileOffboarded: true,
  },
  {
    method: 'delete',
    path: `${SETS}/:setId/legal-hold`,
    operationId: 'releaseLegalHold',
    summary: "Release a backup set's legal hold",
    description:
      "The set stays protected for the tenant's grace period (`protectsUntil`), so releasing a " +
      'hold cannot let the next run delete the set at once.',
    tag: 'Retention',
    permission: 'tenant:admin',
    replies: ok(r.legalHold, 'the hold, released'),
    problems: [409],
    // Preserving (or releasing) a set for litigation stays possible while the tenant awaits its purge.
    whileOffboarded: true,
  },
  {
    method: 'post',
    path: '/v1/baselines',
    operationId: 'createBaseline',
    summary: "Pin one of a tenant's backup sets as a named baseline",
    description:
      'The caller must be manager or owner of `tenantId` (else 422 naming `tenantId`; a tenant the ' +
      "caller cannot read is refused as unknown), and the set must be that tenant's (`backupSetId`). " +
      'Retention never deletes a pinned set (the database refuses it too) until the baseline is deleted.',
    tag: 'Baselines',
    permission: 'authenticated',
    body: createBaselineBody,
    replies: created(r.baseline, 'the baseline'),
    problems: [409],
  },
  {
    method: 'get',
    path: '/v1/baselines',
    operationId: 'listBaselines',
    summary: 'The baselines of the tenants the caller may read, by id',
    tag: 'Baselines',
    permission: 'authenticated',
    query: baselinesQuery,
    replies: ok(r.baselinePage, 'a page of baselines'),
  },
  {
    method: 'get',
    path: '/v1/baselines/:baselineId',
    operationId: 'getBaseline',
    summary: 'A baseline',
    tag: 'Baselines',
    permission: 'tenant:read',
    replies: ok(r.baseline, 'the baseline'),
  },
  {
    method: 'delete',
    path: '/v1/baselines/:baselineId',
    operationId: 'deleteBaseline',
    summary: 'Delete a baseline: its set is no longer pinned',
    description: "Retention may delete the set at its next run, by the schedule's usual rules.",
    tag: 'Baselines',
    permission: 'schedules:write',
    replies: { 204: { description: 'deleted' } },
  },
  {
    method: 'put',
    path: '/v1/baselines/:baselineId/mappings',
    operationId: 'setBaselineMappings',
    summary: 'Set the explicit matches between the baseline and one tenant',
    description:
      "Replaces all of the baseline's matches with `tenantId` (an empty list removes them): one " +
      'request states the whole pairing, so it is checked as a whole (each policy once per side). ' +
      'A match overrides the name rules of the compare.',
    tag: 'Baselines',
    permission: 'schedules:write',
    body: mappingsBody,
    replies: ok(r.baselineMappings, "the baseline's matches with the tenant"),
  },
  {
    method: 'get',
    path: '/v1/baselines/:baselineId/compare',
    operationId: 'compareWithBaseline',
    summary: "A tenant's backup set against the baseline",
    description:
      'Policies are matched by type: an explicit mapping, the same Graph id (GUIDs only), the same ' +
      'display name, the same name ignoring case and whitespace, then a similar name (word-token ' +
      "Jaccard similarity of at least 0.6, each the other's single best candidate); a name shared " +
      'by several policies of one side is never guessed. Referenced groups, filters, scope tags, ' +
      "locations, users and apps are compared by the name each set's references hold; an id a set " +
      'holds no name for is listed in `unresolvedReferences` and never shows as a difference. ' +
      '`different` items carry the leaf changes (baseline as before, tenant as after). The caller ' +
      'must be able to read both tenants.',
    tag: 'Baselines',
    permission: 'tenant:read',
    query: compareQuery,
    replies: ok(r.baselineComparison, 'the counts per bucket and a page of items'),
  },
  ...channelOperations(`${TENANT}/notification-channels`, 'notifications:manage', ''),
  ...channelOperations('/v1/notification-channels', 'platform:admin', 'Platform'),
  {
    method: 'get',
    path: `${TENANT}/baseline-subscriptions`,
    operationId: 'listBaselineSubscriptions',
    summary: 'The baselines the tenant compares each new set with',
    tag: 'Notifications',
    permission: 'notifications:manage',
    replies: ok(r.baselineSubscriptionList, 'the subscriptions'),
  },
  {
    method: 'put',
    path: `${TENANT}/baseline-subscriptions/:baselineId`,
    operationId: 'subscribeToBaseline',
    summary: 'Compare each new set of the tenant with this baseline (baseline.drift.detected)',
    description:
      "The baseline may be another tenant's: the caller must be able to read that tenant, else it " +
      'is answered as unknown (404). Subscribing twice changes nothing (200).',
    tag: 'Notifications',
    permission: 'notifications:manage',
    replies: {
      200: { description: 'already subscribed', schema: r.baselineSubscription },
      201: { description: 'subscribed', schema: r.baselineSubscription },
    },
  },
  {
    method: 'delete',
    path: `${TENANT}/baseline-subscriptions/:baselineId`,
    operationId: 'unsubscribeFromBaseline',
    summary: 'Stop comparing the tenant with this baseline',
    tag: 'Notifications',
    permission: 'notifications:manage',
    replies: { 204: { description: 'not subscribed (any more)' } },
  },
  ...restoreOperations,
  {
    method: 'get',
    path: `${TENANT}/status`,
    operationId: 'getTenantStatus',
    summary:
      "The tenant's health: state and reasons, last and next runs, credentials, newest complete backup",
    description:
      'The state is the worst any rule gives (src/services/statusRules.ts): `failing` (a last run ' +
      'failed, or no backup set within 4 intervals), `degraded` (types failing in a partial run, a ' +
      'backup older than 2 intervals, a schedule disabled or out of sync with Temporal, a secret ' +
      'not under the active key), `never_run` (no schedule, or none has run yet), else `healthy`.',
    tag: 'Tenants',
    permission: 'tenant:read',
    replies: ok(tenantStatus, 'the tenant status'),
  },
  {
    method: 'get',
    path: '/v1/status',
    operationId: 'listTenantStatuses',
    summary: "Every readable tenant's status, worst first (every tenant for a platform admin)",
    description:
      '`sort=state` (default): failing, degraded, never_run, healthy, each with the oldest newest ' +
      'complete backup first; `sort=age`: oldest newest complete backup first.',
    tag: 'Tenants',
    permission: 'authenticated',
    query: statusQuery,
    replies: ok(tenantStatusPage, 'a page of tenant statuses'),
  },
];
