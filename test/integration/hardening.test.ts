// Hardening of the API surface: security headers, the per-token rate limit (429 with
// Retry-After), the body limit, and an audit row for every mutating request with its actor and
// tenant but never its body.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { listenOnLoopback } from '../../src/devstack/ports';
import { eventually, type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

/** A second app on the same stack, with a rate limit small enough to reach. */
async function appWithLimit(perMinute: number): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({
    db: stack.db,
    temporal: stack.temporal,
    logger: pino({ level: 'silent' }),
    secrets: stack.secrets,
    rateLimitPerMinute: perMinute,
  });
  const server = await listenOnLoopback(app);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('responses carry helmet security headers, and no x-powered-by', async () => {
  const response = await fetch(`${stack.apiUrl}/healthz`);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  expect(response.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
  expect(response.headers.get('x-powered-by')).toBeNull();
});

test('a token over its per-minute budget gets 429 problem+json with Retry-After; other tokens do not', async () => {
  const api = await appWithLimit(3);
  try {
    const busy = await stack.userWithRole('readonly');
    const other = await stack.userWithRole('readonly');
    const get = (token: string) =>
      fetch(`${api.url}/v1/tenants/${stack.tenant.id}/backup-schedules`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(busy.token)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await get(busy.token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await get(other.token)).status).toBe(200);
    // Refused requests count too: probing a tenant one is no member of is throttled the same.
    const outsider = await stack.userWithRole(null);
    const probes = [];
    for (let i = 0; i < 4; i += 1) probes.push((await get(outsider.token)).status);
    expect(probes).toEqual([404, 404, 404, 429]);
    // Public routes are not counted against anyone.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
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
