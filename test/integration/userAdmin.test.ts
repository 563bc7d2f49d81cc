// People over time (issue 20): GET /v1/me, and platform admins deactivating users and granting
// or removing the platform admin role, in the API and the admin command line. A deactivated
// user's token is refused at the very next request; reactivation restores what they had; the
// last active platform admin can never go, not even when two admins remove each other at once.
// This file runs on its own database, so the stack's admin is its only platform admin.
import { randomUUID } from 'node:crypto';
import { findCommand } from '../../src/admin/commands';
import type { AdminDeps } from '../../src/admin/command';
import { migrateDatabase } from '../../src/devstack/migrate';
import { createDatabaseIfMissing } from '../../src/devstack/postgres';
import { userActor } from '../../src/db/audit';
import { changeStanding } from '../../src/services/userAdmin';
import { issueToken } from '../../src/services/users';
import { testEnv } from '../support/env';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  const url = new URL(testEnv().databaseUrl);
  const name = `tenantvault_people_${randomUUID().slice(0, 8)}`;
  await createDatabaseIfMissing(url.toString(), name);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  stack = await startTestStack({ databaseUrl: url.toString(), withoutWorker: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** `npm run admin -- <name> <args>` in-process on this file's database; resolves to its output. */
async function admin(name: string, ...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const deps = { env: {}, print: (line: string) => void lines.push(line), db: () => stack.db } as AdminDeps;
  const command = findCommand(name);
  if (!command) throw new Error(`no command ${name}`);
  expect(await command.run(args, deps)).toBe(0);
  return lines;
}

const me = (token?: string) => stack.api('/v1/me', token ? { token } : {});
const change = (userId: string, path: string, method: string, token?: string) =>
  stack.api(`/v1/users/${userId}/${path}`, { method, ...(token ? { token } : {}) });

async function newAdmin() {
  const created = await stack.api('/v1/users', {
    method: 'POST',
    body: { email: `admin-${randomUUID()}@people.test`, displayName: 'Admin', platformAdmin: true },
  });
  expect(created.status).toBe(201);
  const { token } = await issueToken(stack.db, created.body.id, { name: 'test' }, 'system');
  return { userId: created.body.id as string, token };
}

async function auditActions(userId: string): Promise<string[]> {
  const rows = await stack.db.auditLog.findMany({
    where: { resourceId: userId, action: { startsWith: 'user.' } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => `${row.action} ${row.actor}`);
}

test('GET /v1/me names the user, their memberships and the token', async () => {
  const manager = await stack.userWithRole('manager');
  const answer = await me(manager.token);
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({
    user: expect.objectContaining({
      id: manager.userId,
      email: manager.email,
      platformAdmin: false,
      active: true,
    }),
    memberships: [
      {
        tenantId: stack.tenant.id,
        slug: stack.tenant.slug,
        displayName: stack.tenant.displayName,
        role: 'manager',
      },
    ],
    token: expect.objectContaining({ id: manager.tokenId, name: 'integration test' }),
  });
  expect((await me()).body).toMatchObject({ user: { platformAdmin: true }, memberships: [] });
});

test("a deactivated user's token is refused at once, no one else's; reactivation restores it", async () => {
  const [alice, bob] = [await stack.userWithRole('manager'), await stack.userWithRole('readonly')];
  const adminId: string = (await me()).body.user.id;
  // Only platform admins.
  expect((await change(alice.userId, 'deactivate', 'POST', bob.token)).status).toBe(403);
  expect((await stack.api('/v1/users', { token: bob.token })).status).toBe(403);

  const deactivated = await change(alice.userId, 'deactivate', 'POST');
  expect(deactivated.status).toBe(200);
  expect(deactivated.body).toMatchObject({
    id: alice.userId,
    active: false,
    deactivatedAt: expect.any(String),
  });
  const refused = await me(alice.token);
  expect(refused.status).toBe(401);
  expect(refused.body.detail).toContain('deactivated');
  expect((await stack.api(`/v1/tenants/${stack.tenant.id}`, { token: alice.token })).status).toBe(401);
  expect((await me(bob.token)).status).toBe(200);
  // A repeat keeps the first time and writes no second audit row.
  const again = await change(alice.userId, 'deactivate', 'POST');
  expect(again.body.deactivatedAt).toBe(deactivated.body.deactivatedAt);

  const inactive = await stack.api('/v1/users?active=false');
  expect(inactive.body.items.map((user: { id: string }) => user.id)).toEqual([alice.userId]);
  const active = await stack.api('/v1/users?active=true&limit=200');
  expect(active.body.items.map((user: { id: string }) => user.id)).toContain(bob.userId);
  expect(active.body.items.map((user: { id: string }) => user.id)).not.toContain(alice.userId);

  expect((await change(alice.userId, 'reactivate', 'POST')).body).toMatchObject({
    active: true,
    deactivatedAt: null,
  });
  expect((await change(alice.userId, 'reactivate', 'POST')).status).toBe(200);
  // The same token, and the membership, work again.
  const restored = await me(alice.token);
  expect(restored.status).toBe(200);
  expect(restored.body.memberships).toMatchObject([{ tenantId: stack.tenant.id, role: 'manager' }]);
  expect(await auditActions(alice.userId)).toEqual([
    'user.created system',
    `user.deactivated user:${adminId}`,
    `user.reactivated user:${adminId}`,
  ]);
});

test('the last active platform admin stays, in the API and on the command line', async () => {
  const root = (await me()).body.user.id as string;
  // Admins cannot lock themselves out, whoever else there is.
  for (const [path, method] of [
    ['deactivate', 'POST'],
    ['platform-admin', 'DELETE'],
  ] as const) {
    const self = await change(root, path, method);
    expect([self.status, self.body.code]).toEqual([409, 'self_lockout']);
  }
  const second = await newAdmin();
  expect((await change(root, 'platform-admin', 'DELETE', second.token)).body).toMatchObject({
    platformAdmin: false,
  });
  expect((await stack.api('/v1/users')).status).toBe(403);
  const last = await change(second.userId, 'deactivate', 'POST', second.token);
  expect(last.body.code).toBe('self_lockout');
  // The command line has no self: the last-admin rule alone refuses it.
  for (const command of ['remove-platform-admin', 'deactivate-user'])
    await expect(admin(command, '--user', second.userId)).rejects.toMatchObject({
      code: 'last_platform_admin',
    });
  expect(await admin('grant-platform-admin', '--user', (await me()).body.user.email)).toEqual([
    expect.stringMatching(/^platform admin: .*platform admin$/),
  ]);
  // A deactivated admin is no active one: with root active, second may go, and then root may not.
  expect(await admin('deactivate-user', '--user', second.userId)).toEqual([
    expect.stringContaining('deactivated'),
  ]);
  const rootOnly = await change(root, 'platform-admin', 'DELETE', second.token);
  expect(rootOnly.status).toBe(401);
  await expect(admin('remove-platform-admin', '--user', root)).rejects.toMatchObject({
    code: 'last_platform_admin',
  });
  expect(await admin('remove-platform-admin', '--user', second.userId)).toEqual([
    expect.stringContaining('no longer platform admin'),
  ]);
  expect(await auditActions(second.userId)).toEqual([
    `user.created user:${root}`,
    'user.deactivated operator',
    'user.platform_admin_removed operator',
  ]);
  expect((await auditActions(root)).slice(-2)).toEqual([
    `user.platform_admin_removed user:${second.userId}`,
    'user.platform_admin_granted operator',
  ]);
});

test('two admins removing each other at once: exactly one succeeds', async () => {
  const root = (await me()).body.user.id as string;
  // Each round starts with exactly two active admins, root and a new one, who act at once; both
  // through the service (both surely past authorization) and through the API.
  const rounds = [
    ['platform-admin', 'DELETE'],
    ['deactivate', 'POST'],
  ] as const;
  for (const via of ['service', 'api'] as const) {
    for (const [path, method] of [...rounds, ...rounds]) {
      const other = await newAdmin();
      const name = path === 'deactivate' ? 'deactivate' : 'removePlatformAdmin';
      const calls =
        via === 'service'
          ? [
              changeStanding(stack.db, other.userId, name, userActor(root), root),
              changeStanding(stack.db, root, 'removePlatformAdmin', userActor(other.userId), other.userId),
            ].map((call) =>
              call.then(
                () => 200,
                (error: { code?: string }) => error.code,
              ),
            )
          : [change(other.userId, path, method), change(root, 'platform-admin', 'DELETE', other.token)].map(
              async (call) => {
                const answer = await call;
                return answer.status === 409 ? answer.body.code : answer.status;
              },
            );
      const outcomes = await Promise.all(calls);
      // The loser is refused by the last-admin rule, or (API) before it: its caller was already
      // deactivated (401) or no longer a platform admin (403).
      expect([via, outcomes.filter((outcome) => outcome === 200).length]).toEqual([via, 1]);
      const loser = outcomes.find((outcome) => outcome !== 200);
      const refusals = via === 'service' ? ['last_platform_admin'] : ['last_platform_admin', 401, 403];
      expect([via, refusals.includes(loser as string)]).toEqual([via, true]);
      expect(await stack.db.user.count({ where: { platformAdmin: true, deactivatedAt: null } })).toBe(1);
      // Back to root as the only active admin, for the next round and the files after this one.
      await admin('grant-platform-admin', '--user', root);
      await admin('deactivate-user', '--user', other.userId);
    }
  }
});

test('list-users lists users with their state; the admin help names the new commands', async () => {
  const lines = await admin('list-users', '--active', 'false');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines)
    expect(line.split('\t')).toEqual([
      expect.any(String),
      expect.any(String),
      expect.any(String),
      expect.any(String),
      'deactivated',
    ]);
  await expect(admin('deactivate-user', '--user', 'nobody@people.test')).rejects.toMatchObject({
    code: 'not_found',
  });
  const help = (await admin('help')).join('\n');
  for (const name of [
    'list-users',
    'deactivate-user',
    'reactivate-user',
    'grant-platform-admin',
    'remove-platform-admin',
  ])
    expect(help).toContain(`usage: ${name}`);
});

test('a deactivated owner does not count as the owner who stays; the last active owner may be deactivated', async () => {
  const id = randomUUID();
  const tenant = await stack.db.tenant.create({
    data: {
      id,
      slug: `owners-${id.slice(0, 8)}`,
      displayName: 'Owners',
      azureTenantId: randomUUID(),
      clientId: randomUUID(),
      ...stack.secrets.encrypt(id, 'unused'),
    },
  });
  const [active, departed] = [
    await stack.userWithRole('owner', tenant.id),
    await stack.userWithRole('owner', tenant.id),
  ];
  const member = (userId: string) => `/v1/tenants/${tenant.id}/members/${userId}`;
  expect((await change(departed.userId, 'deactivate', 'POST')).status).toBe(200);
  // The only active owner can neither leave nor step down: that would leave only a deactivated one.
  const removed = await stack.api(member(active.userId), { method: 'DELETE' });
  expect([removed.status, removed.body.code]).toEqual([409, 'last_owner']);
  const demoted = await stack.api(member(active.userId), { method: 'PUT', body: { role: 'manager' } });
  expect(demoted.body.code).toBe('last_owner');
  // The deactivated owner may go, since an active owner stays.
  expect((await stack.api(member(departed.userId), { method: 'DELETE' })).status).toBe(204);
  // Deactivating the last active owner is allowed: platform admins still manage the tenant.
  expect((await change(active.userId, 'deactivate', 'POST')).status).toBe(200);
  const owners = await stack.db.tenantMembership.findMany({ where: { tenantId: tenant.id } });
  expect(owners.map((row) => [row.userId, row.role])).toEqual([[active.userId, 'owner']]);
});
