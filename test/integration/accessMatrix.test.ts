// The access matrix, generated from the route table: every route, called by every kind of
// caller (each tenant role, a platform admin, a user with no membership, no token, a revoked and
// an expired token), in the caller's own tenant and in a foreign one, must answer what the
// route's permission and the role definitions say. Nothing here names a route's expected status
// by hand: a new route is walked as soon as it is in the table.
//
// A call that passes authorization must not change anything it should not: bodies are invalid
// (422), the fixture schedule is disabled (run now: 409) and its run succeeded (retry: 409); a
// DELETE gets a fresh resource per call, which a refused call must leave in place.
import { randomUUID } from 'node:crypto';
import { insertBaseline } from '../../src/db/baselines';
import { placeHold } from '../../src/db/retention';
import { isTenantPermission, roleGrants } from '../../src/api/permissions';
import { type Operation, operations, problemStatuses } from '../../src/api/routeTable';
import type { TenantRole } from '../../src/db/client';
import { insertSchedule } from '../../src/db/schedules';
import { issueApiToken } from '../../src/db/tokens';
import { setMembership } from '../../src/services/memberships';
import { createUser, issueToken, revokeToken } from '../../src/services/users';
import { createSchedule } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

type Target = 'own' | 'foreign';
type Outcome = 'allowed' | 401 | 403 | 404;

interface Caller {
  name: string;
  token: string | null;
  /** The caller's user, or (no token) the user whose id a self-or-admin path names. */
  userId: string;
  role: TenantRole | null;
  platformAdmin: boolean;
  /** Whether the token authenticates at all. */
  valid: boolean;
  notificationId: string;
}

interface TenantFixture {
  id: string;
  scheduleId: string;
  runId: string;
  setId: string;
  baselineId: string;
  policyGraphId: string;
  /** A disabled channel (a test is refused: 409) with a pending delivery (a replay is refused: 409). */
  channelId: string;
  deliveryId: string;
  /** A finished restore: approve, apply and cancel are refused (409) and change nothing. */
  restoreId: string;
}

/** What the caller must get, from the route's permission and the role definitions alone. */
function expectedOutcome(op: Operation, caller: Caller, target: Target): Outcome {
  const { permission } = op;
  if (permission === 'public') return 'allowed';
  if (!caller.valid) return 401;
  if (permission === 'authenticated') return 'allowed';
  if (permission === 'platform:admin') return caller.platformAdmin ? 'allowed' : 403;
  if (permission === 'self-or-admin') return caller.platformAdmin || target === 'own' ? 'allowed' : 403;
  if (!isTenantPermission(permission)) throw new Error(`no rule for ${permission satisfies never}`);
  if (caller.platformAdmin) return 'allowed';
  // A tenant the caller is no member of does not exist for them.
  if (target === 'foreign' || caller.role === null) return 404;
  return roleGrants(caller.role, permission) ? 'allowed' : 403;
}

/** Own and foreign tenant (or user, for self-or-admin routes) where the route has one. */
function targetsOf(op: Operation): Target[] {
  return isTenantPermission(op.permission) || op.permission === 'self-or-admin'
    ? ['own', 'foreign']
    : ['own'];
}

const tenants = {} as Record<Target, TenantFixture>;
/** The platform-wide channel and delivery of /v1/notification-channels routes. */
let platform: { channelId: string; deliveryId: string };
const callers: Caller[] = [];
/** A user of neither tenant: the "foreign" user of self-or-admin routes, a target for PUT members. */
let bystander: string;

async function newUser(name: string, platformAdmin = false) {
  const email = `${name.replace(/\W+/g, '-')}-${randomUUID()}@matrix.test`;
  return createUser(stack.db, { email, displayName: name, platformAdmin }, 'system');
}

async function notificationFor(userId: string): Promise<string> {
  const row = await stack.db.notification.create({
    data: { userId, tenantId: null, kind: 'test', title: 'matrix', body: 'matrix' },
  });
  return row.id;
}

async function tenantFixture(tenantId: string): Promise<TenantFixture> {
  const schedule = await createSchedule(stack, tenantId, { enabled: false, policyTypes: ['compliance'] });
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId,
      scheduleId: schedule.id,
      workflowId: `matrix-${randomUUID()}`,
      trigger: 'manual',
      status: 'succeeded',
      finishedAt: new Date(),
    },
  });
  const set = await stack.db.backupSet.create({
    data: {
      tenantId,
      scheduleId: schedule.id,
      runId: run.id,
      itemCount: 0,
      totalBytes: 0,
      newPayloadBytes: 0,
    },
  });
  const baseline = await insertBaseline(stack.db, {
    name: 'matrix',
    tenantId,
    backupSetId: set.id,
    createdBy: 'system',
  });
  // A policy of the inventory, for its history.
  const policy = await stack.db.policy.create({
    data: {
      tenantId,
      policyType: 'settingsCatalog',
      graphId: randomUUID(),
      displayName: 'Matrix policy',
      payloadHash: '0'.repeat(64),
      payloadBytes: 2,
      lastSyncedAt: new Date(),
    },
  });
  const restore = await stack.db.restore.create({
    data: {
      tenantId,
      backupSetId: set.id,
      status: 'succeeded',
      mode: 'in_place',
      assignments: 'restore',
      conditionalAccessState: 'report_only',
      selection: {},
      requestedBy: 'system',
      finishedAt: new Date(),
    },
  });
  await offsiteDestinationOf(tenantId);
  return {
    id: tenantId,
    restoreId: restore.id,
    scheduleId: schedule.id,
    runId: run.id,
    setId: set.id,
    baselineId: baseline.id,
    policyGraphId: policy.graphId,
    ...(await channelWithPendingDelivery(tenantId)),
  };
}

/** A disabled channel of the tenant (null: platform-wide), so no event reaches it. */
async function disabledChannel(tenantId: string | null): Promise<string> {
  const channel = await stack.db.notificationChannel.create({
    data: { tenantId, name: 'matrix', kind: 'in_app', enabled: false, createdBy: 'system' },
  });
  return channel.id;
}

async function channelWithPendingDelivery(tenantId: string | null) {
  const channelId = await disabledChannel(tenantId);
  const event = await stack.db.notificationEvent.create({
    data: { tenantId, type: 'notification.test', causeKey: `matrix:${randomUUID()}`, data: {} },
  });
  const delivery = await stack.db.notificationDelivery.create({
    data: { channelId, eventId: event.id, webhookId: `msg_${randomUUID().replaceAll('-', '')}` },
  });
  return { channelId, deliveryId: delivery.id };
}

beforeAll(async () => {
  const foreign = await stack.api('/v1/tenants', {
    method: 'POST',
    body: {
      slug: `matrix-foreign-${randomUUID().slice(0, 8)}`,
      displayName: 'Foreign',
      azureTenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: 'matrix-foreign-secret',
    },
  });
  expect(foreign.status).toBe(201);
  tenants.own = await tenantFixture(stack.tenant.id);
  tenants.foreign = await tenantFixture(foreign.body.id);
  platform = await channelWithPendingDelivery(null);
  bystander = (await newUser('bystander')).id;

  const add = async (caller: Omit<Caller, 'notificationId'>) =>
    callers.push({ ...caller, notificationId: await notificationFor(caller.userId) });
  for (const role of ['owner', 'manager', 'operator', 'readonly'] as const) {
    const { userId, token } = await stack.userWithRole(role);
    await add({ name: role, token, userId, role, platformAdmin: false, valid: true });
  }
  const nobody = await stack.userWithRole(null);
  await add({ name: 'no membership', ...nobody, role: null, platformAdmin: false, valid: true });
  const admin = await newUser('platform admin', true);
  const adminToken = (await issueToken(stack.db, admin.id, { name: 'matrix' }, 'system')).token;
  await add({
    name: 'platform admin',
    token: adminToken,
    userId: admin.id,
    role: null,
    platformAdmin: true,
    valid: true,
  });

  // The strongest user, with tokens that must not work.
  const revoked = await issueToken(stack.db, admin.id, { name: 'revoked' }, 'system');
  await revokeToken(stack.db, admin.id, revoked.id, 'system');
  const expired = await issueApiToken(stack.db, {
    userId: admin.id,
    name: 'expired',
    expiresAt: new Date(Date.now() - 1000),
  });
  const invalid = { userId: admin.id, role: null, platformAdmin: true, valid: false };
  await add({ name: 'no token', token: null, ...invalid });
  await add({ name: 'revoked token', token: revoked.token, ...invalid });
  await add({ name: 'expired token', token: expired.token, ...invalid });
});

/** A resource made for one DELETE call (or a member of the collection it deletes), and whether it is still there. */
interface Fresh {
  id: string;
  stillThere(): Promise<boolean>;
}

async function freshResource(
  param: string,
  tenantId: string,
  pathUserId: string,
  setId: string,
): Promise<Fresh> {
  const db = stack.db;
  if (param === 'scheduleId') {
    const row = await insertSchedule(db, tenantId, {
      name: `to delete ${randomUUID()}`,
      enabled: false,
      frequency: 'daily',
      minute: null,
      timeOfDay: '02:30',
      daysOfWeek: [],
      timezone: 'UTC',
      policyTypes: ['compliance'],
      retentionKeepLast: 1,
    });
    return {
      id: row.id,
      stillThere: async () =>
        (await db.backupSchedule.findUniqueOrThrow({ where: { id: row.id } })).deletedAt === null,
    };
  }
  if (param === 'tokenId' || param === 'tokens') {
    const { id } = await issueApiToken(db, { userId: pathUserId, name: 'to revoke' });
    return {
      id,
      stillThere: async () => (await db.apiToken.findUniqueOrThrow({ where: { id } })).revokedAt === null,
    };
  }
  if (param === 'platform-admin') {
    // The path's user keeps the role they had: a refused removal must not take it away.
    const had = (await db.user.findUniqueOrThrow({ where: { id: pathUserId } })).platformAdmin;
    const holds = async () => (await db.user.findUniqueOrThrow({ where: { id: pathUserId } })).platformAdmin;
    return { id: pathUserId, stillThere: async () => (await holds()) === had };
  }
  if (param === 'userId') {
    const { id } = await newUser('member to remove');
    await setMembership(db, tenantId, id, 'readonly', 'system');
    const key = { tenantId_userId: { tenantId, userId: id } };
    return { id, stillThere: async () => (await db.tenantMembership.findUnique({ where: key })) !== null };
  }
  if (param === 'legal-hold') {
    // The tenant's set, held again: a refused release must leave the hold on.
    await placeHold(db, setId, { reason: 'access matrix', by: 'system' });
    return {
      id: setId,
      stillThere: async () =>
        (await db.backupSetHold.findUniqueOrThrow({ where: { backupSetId: setId } })).releasedAt === null,
    };
  }
  if (param === 'channelId' || param === 'platformChannelId') {
    const id = await disabledChannel(param === 'channelId' ? tenantId : null);
    return {
      id,
      stillThere: async () => (await db.notificationChannel.findUnique({ where: { id } })) !== null,
    };
  }
  if (param === 'baselineSubscription') {
    const { id } = await insertBaseline(db, {
      name: `to unsubscribe ${randomUUID()}`,
      tenantId,
      backupSetId: setId,
      createdBy: 'system',
    });
    await db.baselineSubscription.create({ data: { tenantId, baselineId: id, createdBy: 'system' } });
    const key = { baselineId_tenantId: { baselineId: id, tenantId } };
    return {
      id,
      stillThere: async () => (await db.baselineSubscription.findUnique({ where: key })) !== null,
    };
  }
  if (param === 'baselineId') {
    const { id } = await insertBaseline(db, {
      name: `to delete ${randomUUID()}`,
      tenantId,
      backupSetId: setId,
      createdBy: 'system',
    });
    return { id, stillThere: async () => (await db.baseline.findUnique({ where: { id } })) !== null };
  }
  if (param === 'offsite-destination') {
    await offsiteDestinationOf(tenantId);
    return {
      id: tenantId,
      stillThere: async () => (await db.offsiteDestination.findUnique({ where: { tenantId } })) !== null,
    };
  }
  if (param === 'tenantId') {
    // DELETE of a tenant (offboarding): a tenant of its own, which a refused call leaves active.
    const id = randomUUID();
    await db.tenant.create({
      data: {
        id,
        slug: `matrix-offboard-${id.slice(0, 8)}`,
        displayName: 'To offboard',
        azureTenantId: randomUUID(),
        clientId: randomUUID(),
        ...stack.secrets.encrypt(id, 'matrix-offboard-secret'),
      },
    });
    return {
      id,
      stillThere: async () => (await db.tenant.findUniqueOrThrow({ where: { id } })).offboardedAt === null,
    };
  }
  throw new Error(`no fresh resource for :${param}; add one here`);
}

/** The tenant's offsite destination (GET finds it; a refused DELETE must leave it). */
async function offsiteDestinationOf(tenantId: string) {
  const stored = stack.secrets.offsite.encrypt(tenantId, { sasToken: 'sv=matrix&sig=matrix' });
  const data = {
    kind: 'azure_blob' as const,
    settings: {
      container: 'matrix',
      prefix: '',
      blobEndpoint: 'https://matrix.blob.core.windows.net',
      auth: 'sas_token',
    },
    credentialsCiphertext: stored.ciphertext,
    credentialsKeyId: stored.keyId,
  };
  await stack.db.offsiteDestination.upsert({
    where: { tenantId },
    create: { tenantId, ...data },
    update: data,
  });
}

async function call(op: Operation, caller: Caller, target: Target) {
  const tenant = tenants[target];
  const pathUser = target === 'own' ? caller.userId : bystander;
  const values: Record<string, string> = {
    tenantId: tenant.id,
    scheduleId: tenant.scheduleId,
    runId: tenant.runId,
    setId: tenant.setId,
    baselineId: tenant.baselineId,
    restoreId: tenant.restoreId,
    policyType: 'settingsCatalog',
    graphId: tenant.policyGraphId,
    notificationId: caller.notificationId,
    channelId: (op.path.startsWith('/v1/notification-channels') ? platform : tenant).channelId,
    deliveryId: (op.path.startsWith('/v1/notification-channels') ? platform : tenant).deliveryId,
    file: 'swagger-ui.css',
    // /v1/users/:userId names the caller (own) or someone else; members/:userId a user to set.
    userId: op.path.startsWith('/v1/users/') ? pathUser : bystander,
  };
  const names = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => name!);
  const last = names.at(-1);
  let fresh: Fresh | undefined;
  if (op.method === 'delete' && last && op.path.endsWith(`:${last}`)) {
    // Names for what a DELETE removes where the parameter alone does not say it.
    const kind = op.path.includes('/baseline-subscriptions/')
      ? 'baselineSubscription'
      : op.path.startsWith('/v1/notification-channels/')
        ? 'platformChannelId'
        : last;
    fresh = await freshResource(kind, tenant.id, pathUser, tenant.setId);
    values[last] = fresh.id;
  } else if (op.method === 'delete') {
    // A DELETE of a whole collection (`…/tokens`): a fresh member of it must survive a refusal.
    fresh = await freshResource(op.path.split('/').at(-1)!, tenant.id, pathUser, tenant.setId);
  }
  if (op.path.includes(':tokenId') && !fresh) throw new Error('a token route needs a fresh token');
  const path = op.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (!value) throw new Error(`no fixture value for :${name}; add one here`);
    return value;
  });
  const headers: Record<string, string> = caller.token ? { authorization: `Bearer ${caller.token}` } : {};
  // Unknown fields make every body invalid, so an allowed call changes nothing.
  if (op.body) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: op.method.toUpperCase(),
    headers,
    ...(op.body ? { body: JSON.stringify({ matrixProbe: true }) } : {}),
  });
  // Some routes answer HTML, scripts or metrics; problems are JSON.
  const text = await response.text();
  const json = /json/.test(response.headers.get('content-type') ?? '');
  return { response: { status: response.status, body: json && text ? JSON.parse(text) : undefined }, fresh };
}

const documented = (op: Operation, status: number) =>
  Object.keys(op.replies).map(Number).includes(status) || problemStatuses(op).includes(status as never);

test.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path} (${op.permission})`, op] as const))(
  '%s answers every caller as the permission says',
  async (_name, op) => {
    const mismatches: unknown[] = [];
    for (const caller of callers) {
      for (const target of targetsOf(op)) {
        const expected = expectedOutcome(op, caller, target);
        const { response, fresh } = await call(op, caller, target);
        const { status } = response;
        const ok =
          expected === 'allowed'
            ? ![401, 403, 404].includes(status) && status < 500 && (!op.body || status === 422)
            : status === expected;
        const untouched = expected === 'allowed' || !fresh || (await fresh.stillThere());
        if (!ok || !untouched || !documented(op, status)) {
          mismatches.push({
            caller: caller.name,
            target,
            expected,
            status,
            untouched,
            detail: response.body?.detail,
          });
        }
      }
    }
    expect(mismatches).toEqual([]);
  },
);

test('a foreign tenant answers like a tenant that does not exist', async () => {
  const readonly = callers.find((caller) => caller.name === 'readonly')!;
  const foreign = await stack.api(`/v1/tenants/${tenants.foreign.id}/runs/${tenants.foreign.runId}`, {
    token: readonly.token,
  });
  const missing = await stack.api(`/v1/tenants/${randomUUID()}/runs/${tenants.foreign.runId}`, {
    token: readonly.token,
  });
  const { instance: _a, ...foreignProblem } = foreign.body;
  const { instance: _b, ...missingProblem } = missing.body;
  expect([foreign.status, foreignProblem]).toEqual([missing.status, missingProblem]);
  expect(foreign.status).toBe(404);
});
