// Adding members by email without revealing users: a tenant owner who is no platform admin adds
// only users who already share a tenant with them, and an email they may not add answers exactly
// like an email nobody has. PUT …/members/{userId} only changes the role of a member.
import { randomUUID } from 'node:crypto';
import { type TestStack, type TestUser, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

async function newTenant(): Promise<string> {
  const created = await stack.api('/v1/tenants', {
    method: 'POST',
    body: {
      slug: `members-${randomUUID().slice(0, 8)}`,
      displayName: 'Members',
      azureTenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: `secret-${randomUUID()}`,
    },
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

test('an owner adds by email only users who share a tenant with them, and learns nothing of others', async () => {
  const [tenant, shared] = [await newTenant(), await newTenant()];
  const owner = await stack.userWithRole('owner', tenant);
  // A colleague from another tenant of the owner's, and a user of no tenant of theirs.
  const colleague = await stack.userWithRole('readonly', shared);
  await stack.api(`/v1/tenants/${shared}/members`, {
    method: 'POST',
    body: { email: owner.email, role: 'readonly' },
  });
  const stranger = await stack.userWithRole('owner', await newTenant());
  const add = (email: string, as: TestUser = owner, role = 'operator') =>
    stack.api(`/v1/tenants/${tenant}/members`, { method: 'POST', token: as.token, body: { email, role } });

  const outside = await add(stranger.email);
  const unknown = await add(`nobody-${randomUUID()}@members.test`);
  expect(outside.status).toBe(422);
  const { instance: _a, ...outsideProblem } = outside.body;
  const { instance: _b, ...unknownProblem } = unknown.body;
  expect(outsideProblem).toEqual(unknownProblem);
  expect(outsideProblem).toMatchObject({ code: 'validation_failed', errors: [{ field: 'email' }] });
  expect(JSON.stringify(outside.body)).not.toContain(stranger.userId);

  const added = await add(colleague.email.toUpperCase());
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ userId: colleague.userId, email: colleague.email, role: 'operator' });
  const again = await add(colleague.email);
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ code: 'already_member', errors: [{ field: 'email' }] });
  // A member who is no owner may not add anyone.
  expect((await add(owner.email, colleague)).status).toBe(403);

  // PUT changes a member's role, and only a member's.
  const put = (userId: string, role: string) =>
    stack.api(`/v1/tenants/${tenant}/members/${userId}`, {
      method: 'PUT',
      token: owner.token,
      body: { role },
    });
  expect((await put(colleague.userId, 'manager')).body).toMatchObject({ role: 'manager' });
  const notMember = await put(stranger.userId, 'readonly');
  expect(notMember.status).toBe(404);
  expect(JSON.stringify(notMember.body)).not.toContain(stranger.email);

  // A platform admin adds anyone.
  const byAdmin = await stack.api(`/v1/tenants/${tenant}/members`, {
    method: 'POST',
    body: { email: stranger.email, role: 'readonly' },
  });
  expect(byAdmin.status).toBe(201);

  const members = await stack.api(`/v1/tenants/${tenant}/members?limit=200`, { token: owner.token });
  const roles = Object.fromEntries(
    members.body.items.map((m: { userId: string; role: string }) => [m.userId, m.role]),
  );
  expect(roles).toEqual({
    [owner.userId]: 'owner',
    [colleague.userId]: 'manager',
    [stranger.userId]: 'readonly',
  });
  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: tenant, resourceType: 'membership' },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((row) => [row.action, row.resourceId, row.actor])).toEqual([
    ['membership.added', owner.userId, 'system'],
    ['membership.added', colleague.userId, `user:${owner.userId}`],
    ['membership.changed', colleague.userId, `user:${owner.userId}`],
    ['membership.added', stranger.userId, expect.stringMatching(/^user:/)],
  ]);
});
