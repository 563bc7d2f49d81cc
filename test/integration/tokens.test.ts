// The rules every API token follows, whoever issues it (the API, the admin command line, the dev
// seed): it expires within the deployment's longest lifetime, a user holds only so many that
// work, the answer that shows it is never cached, and a user can revoke all of theirs at once.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_ADMIN_EMAIL, seedDevData } from '../../src/devstack/seed';
import { DAY_MS, issueToken } from '../../src/services/users';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const daysFromNow = (iso: string) => (new Date(iso).getTime() - Date.now()) / DAY_MS;

test('a token expires within the longest lifetime, which is also its lifetime by default', async () => {
  const api = await stack.startApp({ tokenPolicy: { maxLifetimeDays: 30, maxActivePerUser: 20 } });
  try {
    const user = await stack.userWithRole(null);
    const issue = (body: unknown) =>
      api.api(`/v1/users/${user.userId}/tokens`, { method: 'POST', token: user.token, body });
    const unbounded = await issue({ name: 'no lifetime' });
    expect(unbounded.status).toBe(201);
    expect(daysFromNow(unbounded.body.expiresAt)).toBeGreaterThan(29.9);
    expect(daysFromNow(unbounded.body.expiresAt)).toBeLessThanOrEqual(30);
    const tooLong = await issue({ name: 'a year', expiresInDays: 365 });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'expiresInDays', message: expect.stringContaining('at most 30 days') }],
    });
    expect((await issue({ name: 'a week', expiresInDays: 7 })).status).toBe(201);
  } finally {
    await api.close();
  }
});

test('the answer that shows a new token tells every cache not to store it', async () => {
  const user = await stack.userWithRole(null);
  const issued = await stack.api(`/v1/users/${user.userId}/tokens`, { method: 'POST', body: { name: 'x' } });
  expect(issued.status).toBe(201);
  expect(issued.headers.get('cache-control')).toBe('no-store');
});

test('a user holds at most the allowed number of working tokens; revoked and expired ones do not count', async () => {
  const api = await stack.startApp({ tokenPolicy: { maxLifetimeDays: 90, maxActivePerUser: 3 } });
  try {
    // userWithRole issued the first.
    const user = await stack.userWithRole(null);
    const issue = (name: string) =>
      api.api(`/v1/users/${user.userId}/tokens`, { method: 'POST', token: user.token, body: { name } });
    const second = await issue('second');
    expect((await issue('third')).status).toBe(201);
    const fourth = await issue('fourth');
    expect(fourth.status).toBe(409);
    expect(fourth.body).toMatchObject({ code: 'token_limit_reached' });
    // A platform admin is held to the same number for the user.
    expect(
      (await api.api(`/v1/users/${user.userId}/tokens`, { method: 'POST', body: { name: 'x' } })).status,
    ).toBe(409);
    const revoke = await api.api(`/v1/users/${user.userId}/tokens/${second.body.id}`, {
      method: 'DELETE',
      token: user.token,
    });
    expect(revoke.status).toBe(204);
    const afterRevoke = await issue('after a revocation');
    expect(afterRevoke.status).toBe(201);
    expect((await issue('one too many')).status).toBe(409);
    await stack.db.apiToken.update({
      where: { id: afterRevoke.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await issue('after an expiry')).status).toBe(201);
  } finally {
    await api.close();
  }
});

test("DELETE …/tokens revokes the user's tokens but the caller's own; a platform admin's revokes all", async () => {
  const user = await stack.userWithRole(null);
  const others = [];
  for (const name of ['ci', 'laptop'])
    others.push(await issueToken(stack.db, user.userId, { name }, 'system'));
  const works = async (token: string) => (await stack.api('/v1/policy-types', { token })).status === 200;

  const stranger = await stack.userWithRole(null);
  const foreign = await stack.api(`/v1/users/${user.userId}/tokens`, {
    method: 'DELETE',
    token: stranger.token,
  });
  expect(foreign.status).toBe(403);
  expect(await works(others[0]!.token)).toBe(true);

  const own = await stack.api(`/v1/users/${user.userId}/tokens`, { method: 'DELETE', token: user.token });
  expect(own.status).toBe(200);
  expect(own.body).toEqual({ revoked: 2, keptTokenId: user.tokenId });
  expect(await works(user.token)).toBe(true);
  for (const other of others) expect(await works(other.token)).toBe(false);
  expect(await works(stranger.token)).toBe(true);

  const byAdmin = await stack.api(`/v1/users/${user.userId}/tokens`, { method: 'DELETE' });
  expect(byAdmin.body).toEqual({ revoked: 1, keptTokenId: null });
  expect(await works(user.token)).toBe(false);

  const audit = await stack.db.auditLog.findMany({
    where: { action: 'api_token.revoked_all', resourceId: user.userId },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((row) => [row.actor, row.metadata])).toEqual([
    [`user:${user.userId}`, { userId: user.userId, count: 2, keptTokenId: user.tokenId }],
    [expect.stringMatching(/^user:/), { userId: user.userId, count: 1, keptTokenId: null }],
  ]);
});

test('the dev seed keeps its token across restarts and issues a new one, by the same rules, when it is about to expire', async () => {
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'tv-seed-')), 'dev-api-token');
  const seed = () =>
    seedDevData(stack.db, { emulatorBaseUrl: stack.emulator.baseUrl, tokenFile, secrets: stack.secrets });
  const first = await seed();
  expect(readFileSync(tokenFile, 'utf8').trim()).toBe(first.token);
  expect((await seed()).token).toBe(first.token);
  const row = async (token: string) =>
    stack.db.apiToken.findUniqueOrThrow({ where: { prefix: token.split('_')[1] } });
  expect(daysFromNow((await row(first.token)).expiresAt!.toISOString())).toBeGreaterThan(89);

  // Expiring within the day: a restart now issues a new one and writes it to the file.
  await stack.db.apiToken.update({
    where: { id: (await row(first.token)).id },
    data: { expiresAt: new Date(Date.now() + 3_600_000) },
  });
  const renewed = await seed();
  expect(renewed.token).not.toBe(first.token);
  expect(readFileSync(tokenFile, 'utf8').trim()).toBe(renewed.token);
  expect((await stack.api('/v1/tenants', { token: renewed.token })).status).toBe(200);
  // A missing or foreign token in the file is replaced too.
  writeFileSync(tokenFile, 'not a token\n');
  const replaced = await seed();
  expect(replaced.token).not.toBe(renewed.token);
  const admin = await stack.db.user.findUniqueOrThrow({ where: { email: DEV_ADMIN_EMAIL } });
  expect((await row(replaced.token)).userId).toBe(admin.id);
});
