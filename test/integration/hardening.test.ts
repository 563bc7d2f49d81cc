// Hardening of the API surface: security headers, the per-user rate limit and the per-address
// throttle of failed authentications (429 with Retry-After), the body limit, and an audit row for
// every mutating request with its actor and tenant but never its body.
import { get as httpGet } from 'node:http';
import { issueToken, revokeToken } from '../../src/services/users';
import { eventually, type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

/** A GET from another loopback address than the tests' own 127.0.0.1: another client. */
function getFrom(localAddress: string, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(
      url,
      { localAddress, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
  });
}

const BAD_TOKEN = `tv_${'x'.repeat(12)}_${'y'.repeat(43)}`;

test('responses carry helmet security headers, and no x-powered-by', async () => {
  const response = await fetch(`${stack.apiUrl}/healthz`);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  expect(response.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
  expect(response.headers.get('x-powered-by')).toBeNull();
});

test('a user over the per-minute budget gets 429 problem+json with Retry-After, whichever of their tokens they use', async () => {
  const api = await stack.startApp({ rateLimitPerMinute: 3 });
  try {
    const busy = await stack.userWithRole('readonly');
    const secondToken = (await issueToken(stack.db, busy.userId, { name: 'second' }, 'system')).token;
    const other = await stack.userWithRole('readonly');
    const get = (token: string) => api.api(`/v1/tenants/${stack.tenant.id}/backup-schedules`, { token });
    const statuses = [];
    for (const token of [busy.token, secondToken, busy.token]) statuses.push((await get(token)).status);
    expect(statuses).toEqual([200, 200, 200]);
    // Their second token shares the budget: more tokens buy no more requests.
    const limited = await get(secondToken);
    expect(limited.status).toBe(429);
    expect(limited.contentType).toMatch(/application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await get(other.token)).status).toBe(200);
    // Refused requests count too: probing a tenant one is no member of is throttled the same.
    const outsider = await stack.userWithRole(null);
    const probes = [];
    for (let i = 0; i < 4; i += 1) probes.push((await get(outsider.token)).status);
    expect(probes).toEqual([404, 404, 404, 429]);
    // Public routes are not counted against anyone.
    expect((await api.api('/healthz', { token: null })).status).toBe(200);
  } finally {
    await api.close();
  }
});

test('an address that keeps sending bad tokens gets 429 before any token is looked at; other addresses do not', async () => {
  const api = await stack.startApp({ authFailureLimit: { limit: 3, windowSeconds: 60 } });
  try {
    const path = `/v1/tenants/${stack.tenant.id}/runs`;
    const user = await stack.userWithRole('readonly');
    const revoked = await issueToken(stack.db, user.userId, { name: 'revoked' }, 'system');
    await revokeToken(stack.db, user.userId, revoked.id, 'system');
    const get = (token: string | null, headers: Record<string, string> = {}) =>
      api.api(path, { token, headers });
    // Requests that authenticate do not count.
    for (let i = 0; i < 5; i += 1) expect((await get(user.token)).status).toBe(200);
    // Missing, unknown and revoked tokens do; the forwarded address is not believed by default.
    const failures = [];
    for (const token of [null, BAD_TOKEN, revoked.token])
      failures.push((await get(token, { 'x-forwarded-for': `203.0.113.${failures.length}` })).status);
    expect(failures).toEqual([401, 401, 401]);
    const refused = await get(BAD_TOKEN, { 'x-forwarded-for': '203.0.113.99' });
    expect(refused.status).toBe(429);
    expect(refused.contentType).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, code: 'auth_rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Until the window ends, a valid token from that address is refused too: answering it
    // would tell a guesser which guess was right.
    expect((await get(user.token)).status).toBe(429);
    // Another client address is not affected; public routes never are.
    expect(await getFrom('127.0.0.2', `${api.url}${path}`, user.token)).toBe(200);
    expect(await getFrom('127.0.0.2', `${api.url}${path}`, BAD_TOKEN)).toBe(401);
    expect((await get(null)).status).toBe(429);
    expect((await api.api('/healthz', { token: null })).status).toBe(200);
  } finally {
    await api.close();
  }
});

test('behind the proxies API_TRUST_PROXY names, failures count per forwarded client address', async () => {
  const api = await stack.startApp({
    authFailureLimit: { limit: 2, windowSeconds: 60 },
    trustProxy: ['loopback'],
  });
  try {
    const from = (client: string) =>
      api.api('/v1/policy-types', { token: BAD_TOKEN, headers: { 'x-forwarded-for': client } });
    const statuses = [];
    for (const client of ['198.51.100.7', '198.51.100.7', '198.51.100.7', '198.51.100.8'])
      statuses.push((await from(client)).status);
    expect(statuses).toEqual([401, 401, 429, 401]);
  } finally {
    await api.close();
  }
});

test('every mutating request is audited with actor, tenant, route and status, never its body', async () => {
  const manager = await stack.userWithRole('manager');
  const secretLooking = `do-not-store-${Date.now()}`;
  const refused = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-schedules`, {
    method: 'POST',
    token: manager.token,
    body: { name: secretLooking, colour: 'blue' },
  });
  expect(refused.status).toBe(422);
  const readonly = await stack.userWithRole('readonly');
  const forbidden = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-schedules`, {
    method: 'POST',
    token: readonly.token,
    body: {},
  });
  expect(forbidden.status).toBe(403);

  const outsider = await stack.userWithRole(null);
  const foreign = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-schedules/bulk`, {
    method: 'POST',
    token: outsider.token,
    body: {},
  });
  expect(foreign.status).toBe(404);

  // Written once the response is sent.
  const actors = [manager, readonly, outsider].map((user) => `user:${user.userId}`);
  const rows = await eventually(
    async () => {
      const found = await stack.db.auditLog.findMany({
        where: { action: 'api.request', actor: { in: actors } },
        orderBy: { createdAt: 'asc' },
      });
      return found.length === 3 ? found : undefined;
    },
    { what: 'three request audit rows' },
  );
  expect(rows.map((row) => [row.actor, row.tenantId, (row.metadata as { status: number }).status])).toEqual([
    [actors[0], stack.tenant.id, 422],
    [actors[1], stack.tenant.id, 403],
    // Not a member: the row does not claim the tenant, and keeps the id the caller sent.
    [actors[2], null, 404],
  ]);
  expect(rows[2]?.metadata).toMatchObject({ tenantParam: stack.tenant.id });
  expect(rows[0]?.metadata).toMatchObject({
    method: 'POST',
    route: '/v1/tenants/:tenantId/backup-schedules',
    tokenId: manager.tokenId,
  });
  expect(JSON.stringify(rows)).not.toContain(secretLooking);
});

test('reads are not audited as requests', async () => {
  const reader = await stack.userWithRole('readonly');
  expect((await stack.api(`/v1/tenants/${stack.tenant.id}/runs`, { token: reader.token })).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(
    await stack.db.auditLog.count({ where: { actor: `user:${reader.userId}`, action: 'api.request' } }),
  ).toBe(0);
});
