// Users, API tokens, tenant memberships and what each caller sees: tokens are shown once and
// stored as hashes, expire and can be revoked; owners manage members (and cannot remove the
// last owner); a caller lists only their tenants and their notifications; the admin command
// line bootstraps a fresh deployment.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const email = (name: string) => `${name}-${randomUUID()}@identity.test`;
const TOKEN_FORMAT = /^tv_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/;

async function newTenant(slug: string) {
  const created = await stack.api('/v1/tenants', {
    method: 'POST',
    body: {
      slug: `${slug}-${randomUUID().slice(0, 8)}`,
      displayName: slug,
      azureTenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: `secret-${randomUUID()}`,
    },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; slug: string };
}

async function tenantIdsOf(token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | null = null; ; ) {
    const listed = await stack.api(`/v1/tenants?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(listed.status).toBe(200);
    ids.push(...listed.body.items.map((tenant: { id: string }) => tenant.id));
    cursor = listed.body.nextCursor;
    if (!cursor) return ids;
  }
}

test('a platform admin adds a user; tokens are shown once, stored hashed, expire and can be revoked', async () => {
  const address = email('Ada');
  const created = await stack.api('/v1/users', {
    method: 'POST',
    body: { email: address.toUpperCase(), displayName: 'Ada' },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    email: address.toLowerCase(),
    displayName: 'Ada',
    platformAdmin: false,
  });
  const userId: string = created.body.id;
  const again = await stack.api('/v1/users', {
    method: 'POST',
    body: { email: address, displayName: 'Ada' },
  });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ code: 'user_email_taken', errors: [{ field: 'email' }] });

  const first = await stack.api(`/v1/users/${userId}/tokens`, { method: 'POST', body: { name: 'laptop' } });
  expect(first.status).toBe(201);
  // Without a lifetime, the longest allowed (90 days by default).
  expect(first.body).toMatchObject({ name: 'laptop' });
  expect(new Date(first.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(89 * 86_400_000);
  expect(new Date(first.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
  const token: string = first.body.token;
  expect(token).toMatch(TOKEN_FORMAT);
  const row = await stack.db.apiToken.findUniqueOrThrow({ where: { id: first.body.id } });
  expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
  expect(JSON.stringify(row)).not.toContain(token.slice('tv_'.length + 12 + 1));
  // A user without memberships sees no tenant, and may not add users or act for others.
  expect(await tenantIdsOf(token)).toEqual([]);
  const refused = await stack.api('/v1/users', {
    method: 'POST',
    token,
    body: { email: email('x'), displayName: 'X' },
  });
  expect(refused.status).toBe(403);
  const other = await stack.userWithRole(null);
  const forOther = await stack.api(`/v1/users/${other.userId}/tokens`, {
    method: 'POST',
    token,
    body: { name: 'x' },
  });
  expect(forOther.status).toBe(403);

  // The user issues a second token for themself, with an expiry, and revokes it.
  const before = Date.now();
  const second = await stack.api(`/v1/users/${userId}/tokens`, {
    method: 'POST',
    token,
    body: { name: 'ci', expiresInDays: 7 },
  });
  expect(second.status).toBe(201);
  const expiresIn = new Date(second.body.expiresAt).getTime() - before;
  expect(expiresIn).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
  expect(expiresIn).toBeLessThan(7 * 86_400_000 + 60_000);
  expect((await stack.api('/v1/policy-types', { token: second.body.token })).status).toBe(200);
  const revoke = (tokenId: string, as = token, user = userId) =>
    stack.api(`/v1/users/${user}/tokens/${tokenId}`, { method: 'DELETE', token: as });
  // The user lists their tokens (to find one that leaked): names and prefixes, never secrets.
  const listed = await stack.api(`/v1/users/${userId}/tokens`, { token });
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([second.body.id, first.body.id]);
  expect(listed.body.items[0]).toMatchObject({
    name: 'ci',
    revokedAt: null,
    prefix: second.body.token.split('_')[1],
  });
  expect(JSON.stringify(listed.body)).not.toContain(second.body.token);
  expect(JSON.stringify(listed.body)).not.toMatch(/tokenHash|token"/);
  expect((await stack.api(`/v1/users/${other.userId}/tokens`, { token })).status).toBe(403);
  expect((await revoke(second.body.id)).status).toBe(204);
  const afterRevoke = await stack.api(`/v1/users/${userId}/tokens`, { token });
  expect(afterRevoke.body.items[0].revokedAt).not.toBeNull();
  const rejected = await stack.api('/v1/policy-types', { token: second.body.token });
  expect(rejected.status).toBe(401);
  expect(rejected.body.detail).toBe(
    'the API token is invalid, expired or revoked, or its user is deactivated',
  );
  expect((await revoke(second.body.id)).status).toBe(204);
  // Another user's token is not theirs to revoke, even through their own path.
  expect((await revoke(other.tokenId)).status).toBe(404);
  expect((await revoke(randomUUID())).status).toBe(404);
  expect((await stack.api('/v1/policy-types', { token: other.token })).status).toBe(200);

  // An expired token is refused like a revoked one.
  await stack.db.apiToken.update({
    where: { id: first.body.id },
    data: { expiresAt: new Date(Date.now() - 1) },
  });
  expect((await stack.api('/v1/policy-types', { token })).status).toBe(401);

  const audit = await stack.db.auditLog.findMany({
    where: {
      resourceType: { in: ['user', 'api_token'] },
      resourceId: { in: [userId, first.body.id, second.body.id] },
    },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((entry) => entry.action)).toEqual([
    'user.created',
    'api_token.issued',
    'api_token.issued',
    'api_token.revoked',
    'api_token.revoked',
  ]);
  expect(JSON.stringify(audit)).not.toContain(token);
  expect(JSON.stringify(audit)).not.toContain(second.body.token);
});

test('owners manage members; a tenant keeps one owner; a removed member loses the tenant', async () => {
  const tenant = await newTenant('members');
  // The platform admin who created the tenant is not made a member.
  const initial = await stack.api(`/v1/tenants/${tenant.id}/members`);
  expect(initial.body).toEqual({ items: [], nextCursor: null });

  const owner = await stack.userWithRole('owner', tenant.id);
  const user = await stack.userWithRole(null);
  const members = (as: string) => stack.api(`/v1/tenants/${tenant.id}/members`, { token: as });
  const put = (userId: string, role: unknown, as = owner.token) =>
    stack.api(`/v1/tenants/${tenant.id}/members/${userId}`, { method: 'PUT', token: as, body: { role } });
  const remove = (userId: string, as = owner.token) =>
    stack.api(`/v1/tenants/${tenant.id}/members/${userId}`, { method: 'DELETE', token: as });

  expect((await stack.api(`/v1/tenants/${tenant.id}`, { token: user.token })).status).toBe(404);
  // PUT only changes the role of a member; the user shares no tenant with the owner, so a
  // platform admin adds them, by email.
  expect((await put(user.userId, 'operator')).status).toBe(404);
  const added = await stack.api(`/v1/tenants/${tenant.id}/members`, {
    method: 'POST',
    body: { email: user.email.toUpperCase(), role: 'operator' },
  });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ userId: user.userId, email: user.email, role: 'operator' });
  expect((await stack.api(`/v1/tenants/${tenant.id}`, { token: user.token })).status).toBe(200);
  expect(await tenantIdsOf(user.token)).toEqual([tenant.id]);
  // An operator (or a manager) may not manage members.
  expect((await put(user.userId, 'owner', user.token)).status).toBe(403);
  expect((await put(user.userId, 'manager')).body.role).toBe('manager');
  expect((await put(user.userId, 'owner', user.token)).status).toBe(403);

  const listed = await members(user.token);
  expect(listed.status).toBe(200);
  const roles = Object.fromEntries(
    listed.body.items.map((m: { userId: string; role: string }) => [m.userId, m.role]),
  );
  expect(roles).toEqual({ [owner.userId]: 'owner', [user.userId]: 'manager' });

  expect((await put(user.userId, 'admin')).status).toBe(422);
  expect((await put(randomUUID(), 'readonly')).status).toBe(404);
  expect((await remove(randomUUID())).status).toBe(404);

  // The only owner can neither step down nor leave; with a second owner they can.
  const last = await put(owner.userId, 'manager');
  expect(last.status).toBe(409);
  expect(last.body.code).toBe('last_owner');
  expect((await remove(owner.userId)).status).toBe(409);
  expect((await put(user.userId, 'owner')).status).toBe(200);
  expect((await remove(owner.userId)).status).toBe(204);
  expect((await members(owner.token)).status).toBe(404);
  expect(await tenantIdsOf(owner.token)).toEqual([]);

  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: tenant.id, resourceType: 'membership' },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((entry) => [entry.action, entry.resourceId, entry.metadata])).toEqual([
    ['membership.added', owner.userId, { role: 'owner' }],
    ['membership.added', user.userId, { role: 'operator' }],
    ['membership.changed', user.userId, { role: 'manager', previousRole: 'operator' }],
    ['membership.changed', user.userId, { role: 'owner', previousRole: 'manager' }],
    ['membership.removed', owner.userId, { previousRole: 'owner' }],
  ]);
});

test('GET /v1/tenants lists only the caller’s tenants, all of them for a platform admin', async () => {
  const a = await newTenant('list-a');
  const b = await newTenant('list-b');
  const inA = await stack.userWithRole('readonly', a.id);
  const added = await stack.api(`/v1/tenants/${b.id}/members`, {
    method: 'POST',
    body: { email: inA.email, role: 'owner' },
  });
  expect(added.status).toBe(201);
  const inB = await stack.userWithRole('readonly', b.id);

  expect((await tenantIdsOf(inA.token)).sort()).toEqual([a.id, b.id].sort());
  expect(await tenantIdsOf(inB.token)).toEqual([b.id]);
  const all = await tenantIdsOf(stack.token);
  expect(all).toEqual(expect.arrayContaining([a.id, b.id, stack.tenant.id]));
});

test('/v1/me/notifications shows only the caller’s notifications', async () => {
  const alice = await stack.userWithRole('readonly');
  const bob = await stack.userWithRole('readonly');
  const note = await stack.db.notification.create({
    data: { userId: alice.userId, tenantId: stack.tenant.id, kind: 'test', title: 'for alice', body: '-' },
  });
  const ids = async (token: string) =>
    (await stack.api('/v1/me/notifications?limit=200', { token })).body.items.map(
      (n: { id: string }) => n.id,
    );
  expect(await ids(alice.token)).toEqual([note.id]);
  expect(await ids(bob.token)).toEqual([]);
  const read = (token: string) =>
    stack.api(`/v1/me/notifications/${note.id}/read`, { method: 'POST', token });
  expect((await read(bob.token)).status).toBe(404);
  expect((await read(alice.token)).body).toMatchObject({ id: note.id, read: true });
});

/** `npm run admin -- <args>`, as an operator runs it on a fresh deployment. */
function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = join(__dirname, '..', '..');
  const argv = ['--import', 'tsx', join(root, 'src/admin/main.ts'), ...args];
  const env = { ...process.env, LOG_LEVEL: 'silent' };
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: root, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

test('the admin command line bootstraps a platform admin, their token and a tenant owner', async () => {
  const adminEmail = email('root');
  const created = await admin('create-user', '--email', adminEmail, '--name', 'Root', '--platform-admin');
  expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining(`created user ${adminEmail}`) });
  expect(await admin('create-user', '--email', adminEmail, '--name', 'Root')).toMatchObject({
    code: 1,
    stderr: 'a user with this email already exists',
  });
  expect((await admin('create-user', '--email', 'not-an-email', '--name', 'X')).code).toBe(2);

  const issued = await admin(
    'issue-token',
    '--email',
    adminEmail,
    '--name',
    'bootstrap',
    '--expires-in-days',
    '30',
  );
  expect(issued.code).toBe(0);
  expect(issued.stdout).toMatch(TOKEN_FORMAT);
  expect(issued.stderr).toContain('it is not shown again');
  const token = issued.stdout;
  const tenant = (
    await stack.api('/v1/tenants', {
      method: 'POST',
      token,
      body: {
        slug: `boot-${randomUUID().slice(0, 8)}`,
        displayName: 'Bootstrapped',
        azureTenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: 'bootstrap-secret',
      },
    })
  ).body;
  expect(tenant.id).toEqual(expect.any(String));

  const ownerEmail = email('owner');
  expect((await admin('create-user', '--email', ownerEmail, '--name', 'Owner')).code).toBe(0);
  expect(
    await admin('add-member', '--tenant', tenant.slug, '--email', ownerEmail, '--role', 'owner'),
  ).toMatchObject({
    code: 0,
    stdout: `${ownerEmail} is now owner of ${tenant.slug} (id ${tenant.id})`,
  });
  expect(
    (await admin('add-member', '--tenant', tenant.id, '--email', ownerEmail, '--role', 'boss')).code,
  ).toBe(2);
  // The command line issues tokens by the API's rules: 90 days at most, and by default.
  const tooLong = await admin('issue-token', '--email', ownerEmail, '--name', 'x', '--expires-in-days', '91');
  expect(tooLong).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('--expires-in-days: at most 90 days'),
  });
  const ownerIssued = await admin('issue-token', '--email', ownerEmail, '--name', 'owner');
  const expiry = /expires (\S+);/.exec(ownerIssued.stderr)?.[1];
  expect(new Date(expiry ?? 0).getTime() - Date.now()).toBeGreaterThan(89 * 86_400_000);
  const ownerToken = ownerIssued.stdout;
  const members = await stack.api(`/v1/tenants/${tenant.id}/members`, { token: ownerToken });
  expect(members.body.items).toEqual([expect.objectContaining({ email: ownerEmail, role: 'owner' })]);
  expect(await admin('issue-token', '--email', email('nobody'), '--name', 'x')).toMatchObject({
    code: 1,
    stderr: 'user not found',
  });
});

test('a slug may not look like a UUID, and the admin command line takes a UUID as an id first', async () => {
  const body = (slug: string) => ({
    slug,
    displayName: 'Spoof',
    azureTenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: 'spoof-secret',
  });
  const victim = await newTenant('victim');
  for (const response of [
    await stack.api('/v1/tenants', { method: 'POST', body: body(victim.id) }),
    await stack.api(`/v1/tenants/${stack.tenant.id}`, { method: 'PATCH', body: { slug: victim.id } }),
  ]) {
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: 'slug', message: expect.stringMatching(/UUID/) }]);
  }
  expect(await stack.db.tenant.count({ where: { slug: victim.id } })).toBe(0);

  // A tenant whose slug is the victim's id, as one made before the rule could be.
  const spoofId = randomUUID();
  await stack.db.tenant.create({
    data: { id: spoofId, ...body(victim.id), secretKeyId: 'plain' },
  });
  const member = email('member');
  expect((await admin('create-user', '--email', member, '--name', 'Member')).code).toBe(0);
  expect(
    await admin('add-member', '--tenant', victim.id, '--email', member, '--role', 'readonly'),
  ).toMatchObject({ code: 0, stdout: `${member} is now readonly of ${victim.slug} (id ${victim.id})` });
  // The spoofing tenant is still reachable by its own id.
  expect(
    await admin('add-member', '--tenant', spoofId, '--email', member, '--role', 'readonly'),
  ).toMatchObject({ code: 0, stdout: `${member} is now readonly of ${victim.id} (id ${spoofId})` });
});
