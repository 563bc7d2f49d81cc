// Tenant rows the API never checked (written before the guard, or edited in the database) that
// point the worker at a loopback server off the allowlist: the run fails with
// `graph_endpoint_refused` and the server never sees a connection, so no secret and no token.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_TENANT } from '../../src/emulator';
import { createSchedule, runToCompletion } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({}, (started) => {
  stack = started;
});

let server: Server;
let connections = 0;
let requests = 0;
let port: number;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.end('{}');
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

beforeEach(() => {
  connections = 0;
  requests = 0;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A tenant row written straight into the database, with the demo tenant's real credentials. */
async function tenantPointingAt(endpoints: { graphBaseUrl: string; loginBaseUrl: string }) {
  const id = randomUUID();
  return stack.db.tenant.create({
    data: {
      id,
      slug: `unchecked-${id.slice(0, 8)}`,
      displayName: 'Unchecked endpoints',
      azureTenantId: DEMO_TENANT.azureTenantId,
      clientId: DEMO_TENANT.clientId,
      ...stack.secrets.encrypt(id, DEMO_TENANT.clientSecret),
      ...endpoints,
    },
  });
}

test.each([
  ['https on loopback', () => `https://127.0.0.1:${port}`, 'graphBaseUrl'],
  ['plain http on loopback', () => `http://127.0.0.1:${port}`, 'graphBaseUrl'],
  ['a name for loopback', () => `https://localhost:${port}`, 'graphBaseUrl'],
  ['a path and query', () => `https://127.0.0.1:${port}/v1.0?x=1`, 'graphBaseUrl'],
])(
  'a run of a tenant whose endpoints are %s fails with graph_endpoint_refused and sends nothing',
  async (_, url, field) => {
    const tenant = await tenantPointingAt({ graphBaseUrl: url(), loginBaseUrl: url() });
    const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
    const run = await runToCompletion(stack, tenant.id, schedule.id);
    expect({ connections, requests }).toEqual({ connections: 0, requests: 0 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'graph_endpoint_refused',
      message: expect.stringContaining(`${field} refused`),
    });
    expect(await stack.db.policy.count({ where: { tenantId: tenant.id } })).toBe(0);
  },
);

test('a refused login URL alone stops the run before the allowed Graph URL gets a request', async () => {
  const tenant = await tenantPointingAt({
    graphBaseUrl: stack.emulator.baseUrl,
    loginBaseUrl: `https://127.0.0.1:${port}`,
  });
  const tokensBefore = stack.emulator.tokenRequests(DEMO_TENANT.azureTenantId);
  const graphBefore = stack.emulator.graphRequests(DEMO_TENANT.azureTenantId);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  expect({ connections, requests }).toEqual({ connections: 0, requests: 0 });
  expect(stack.emulator.tokenRequests(DEMO_TENANT.azureTenantId)).toBe(tokensBefore);
  expect(stack.emulator.graphRequests(DEMO_TENANT.azureTenantId)).toBe(graphBefore);
  expect(run.error).toMatchObject({
    code: 'graph_endpoint_refused',
    message: expect.stringContaining('loginBaseUrl refused'),
  });
});

test('a refused tenant row corrected in the database to the allowlisted emulator runs again', async () => {
  const tenant = await tenantPointingAt({
    graphBaseUrl: `https://127.0.0.1:${port}`,
    loginBaseUrl: `https://127.0.0.1:${port}`,
  });
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance'] });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).error?.code).toBe('graph_endpoint_refused');
  await stack.db.tenant.update({
    where: { id: tenant.id },
    data: { graphBaseUrl: stack.emulator.baseUrl, loginBaseUrl: `${stack.emulator.baseUrl}/` },
  });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');
  expect({ connections, requests }).toEqual({ connections: 0, requests: 0 });
});
