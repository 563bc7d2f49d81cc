// The API reference stays true to the API: the route table names exactly the routes the
// app serves, /v1/openapi.json is valid OpenAPI 3.1, real responses parse with the documented
// schemas under documented statuses, and /docs renders it without anything from the internet.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { problem } from '../../src/api/openapi/responses';
import { operations, problemStatuses } from '../../src/api/routeTable';
import { scheduleBody, waitForRun } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({}, (started) => {
  stack = started;
});

interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** "GET /v1/tenants/:tenantId" for each route in an Express 5 router stack, mounts included. */
function servedRoutes(layers: Layer[], prefix = ''): string[] {
  const under = (path: string) => (path === '/' ? prefix : `${prefix}${path}`);
  return layers.flatMap((layer) => {
    if (layer.route) {
      const path = under(layer.route.path) || '/';
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
    }
    if (!layer.handle.stack) return [];
    if (typeof layer.rawPath !== 'string') throw new Error('cannot read a mount path from this Express');
    return servedRoutes(layer.handle.stack, under(layer.rawPath));
  });
}

test('the route table names exactly the routes the app serves', () => {
  const app = createApp({
    db: stack.db,
    temporal: stack.temporal,
    logger: pino({ level: 'silent' }),
    secrets: stack.secrets,
    graph: stack.graph,
  });
  const served = servedRoutes((app.router as unknown as { stack: Layer[] }).stack);
  const documented = operations.map((op) => `${op.method.toUpperCase()} ${op.path}`);
  expect([...documented].sort()).toEqual([...served].sort());
  expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
});

// The validator is an ES module, which Jest (running CommonJS here) cannot load; Node can.
const VALIDATE = `
import { Validator } from '@seriousme/openapi-schema-validator';
import { text } from 'node:stream/consumers';
const result = await new Validator().validate(JSON.parse(await text(process.stdin)));
process.stdout.write(JSON.stringify(result));
`;

function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const child = spawnSync(process.execPath, ['--input-type=module', '--eval', VALIDATE], {
    cwd: join(__dirname, '..', '..'),
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`the validator failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

test('/v1/openapi.json is valid OpenAPI 3.1 and needs no token', async () => {
  const response = await stack.api('/v1/openapi.json', { token: null });
  expect(response.status).toBe(200);
  expect(response.contentType).toMatch(/^application\/json/);
  const doc = response.body;
  expect(doc.openapi).toMatch(/^3\.1\./);
  expect(validateOpenApi(doc)).toEqual({ valid: true });

  const create = doc.paths['/v1/tenants/{tenantId}/backup-schedules'].post;
  const body = create.requestBody.content['application/json'].schema;
  expect(body.additionalProperties).toBe(false);
  expect([...body.required].sort()).toEqual(['frequency', 'name', 'policyTypes', 'retention', 'timezone']);
  expect(body.properties.enabled).toMatchObject({ type: 'boolean', default: true });
  expect(Object.keys(create.responses)).toEqual([
    '201',
    '400',
    '401',
    '403',
    '404',
    '409',
    '413',
    '415',
    '422',
    '429',
    '503',
  ]);
  // Authentication reads the database: every route with a token can find it unreachable.
  expect(create.responses['503'].description).toContain('database_unavailable');
  expect(create['x-permission']).toBe('schedules:write');
  expect(create.description).toContain('Permission: `schedules:write`');
  expect(doc.paths['/v1/tenants/{tenantId}'].get.responses).not.toHaveProperty('403');
  expect(create.responses['422'].content['application/problem+json'].schema).toEqual({
    $ref: '#/components/schemas/Problem',
  });
  expect(doc.paths['/healthz'].get.security).toEqual([]);
  expect(doc.security).toEqual([{ bearerAuth: [] }]);
});

test('/docs renders the document from files this API serves, with no inline script', async () => {
  const page = await fetch(`${stack.apiUrl}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain('data-spec-url="/v1/openapi.json"');
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url);
  expect(assets).toContain('/docs/assets/init.js');
  for (const url of assets) {
    const asset = await fetch(`${stack.apiUrl}${url}`);
    expect([url, asset.status]).toEqual([url, 200]);
    await asset.arrayBuffer();
  }
  const init = await (await fetch(`${stack.apiUrl}/docs/assets/init.js`)).text();
  expect(init).toContain('validatorUrl: null');

  const missing = await stack.api('/docs/assets/index.html', { token: null });
  expect(missing.status).toBe(404);
  expect(problem.safeParse(missing.body).success).toBe(true);
});

/**
 * Calls an operation by its id and checks the answer against the table: the status is one it
 * documents, and the body parses with that status's schema (problem+json for the problems).
 */
async function call(
  operationId: string,
  params: Record<string, string> = {},
  init: { query?: string; body?: unknown; token?: string | null } = {},
) {
  const op = operations.find((candidate) => candidate.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  const path = op.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? `:${name}`);
  const response = await stack.api(init.query ? `${path}?${init.query}` : path, {
    method: op.method.toUpperCase(),
    body: init.body,
    token: init.token,
  });
  const statuses = [...Object.keys(op.replies).map(Number), ...problemStatuses(op)];
  expect([operationId, statuses.includes(response.status)]).toEqual([operationId, true]);
  const reply = op.replies[response.status];
  const schema = reply ? reply.schema : problem;
  if (schema)
    expect([operationId, schema.safeParse(response.body).error?.issues]).toEqual([operationId, undefined]);
  else expect(response.body).toBeUndefined();
  return response;
}

test('real responses parse with the documented schemas', async () => {
  const tenantId = stack.tenant.id;
  await call('getHealth');
  await call('getReadiness');
  await call('listPolicyTypes');
  await call('listTenants', {}, { query: 'limit=2' });
  await call('getTenant', { tenantId });
  await call('updateTenant', { tenantId }, { body: { displayName: stack.tenant.displayName } });

  const body = scheduleBody({ policyTypes: ['compliance'] });
  const schedule = (await call('createBackupSchedule', { tenantId }, { body })).body;
  const scheduleId: string = schedule.id;
  await call('getBackupSchedule', { tenantId, scheduleId });
  await call('updateBackupSchedule', { tenantId, scheduleId }, { body: { retention: { keepLast: 3 } } });
  await call('listBackupSchedules', { tenantId });

  const started = await call('runBackupSchedule', { tenantId, scheduleId });
  expect(started.status).toBe(202);
  const run = await waitForRun(stack, tenantId, started.body.id);
  expect(run.status).toBe('succeeded');
  await call('getRun', { tenantId, runId: run.id });
  await call('listRuns', { tenantId }, { query: `scheduleId=${scheduleId}` });
  expect((await call('retryRun', { tenantId, runId: run.id })).status).toBe(409);

  const setId: string = run.backupSetId;
  await call('listBackupSets', { tenantId }, { query: `scheduleId=${scheduleId}` });
  await call('getBackupSet', { tenantId, setId });
  const items = await call('listBackupSetItems', { tenantId, setId }, { query: 'includePayload=true' });
  expect(items.body.items.length).toBeGreaterThan(0);
  await call('listBackupSetChanges', { tenantId, setId });
  await call('listAuditLogs', { tenantId });

  const bulk = { action: 'retry', scheduleIds: [scheduleId] };
  const { notificationId } = (await call('bulkBackupSchedules', { tenantId }, { body: bulk })).body;
  await call('listNotifications', {}, { query: 'unread=true' });
  await call('readNotification', { notificationId });

  const email = `member-${scheduleId}@test.local`;
  const user = (await call('createUser', {}, { body: { email, displayName: 'Member' } })).body;
  await call('addMember', { tenantId }, { body: { email, role: 'readonly' } });
  await call('setMember', { tenantId, userId: user.id }, { body: { role: 'operator' } });
  await call('listMembers', { tenantId });
  expect((await call('removeMember', { tenantId, userId: user.id })).status).toBe(204);
  const tokenBody = { name: 'reference', expiresInDays: 1 };
  const issued = (await call('issueApiToken', { userId: user.id }, { body: tokenBody })).body;
  expect((await call('revokeApiToken', { userId: user.id, tokenId: issued.id })).status).toBe(204);
  await call('issueApiToken', { userId: user.id }, { body: tokenBody });
  expect((await call('revokeAllApiTokens', { userId: user.id })).body).toMatchObject({ revoked: 1 });

  expect((await call('deleteBackupSchedule', { tenantId, scheduleId })).status).toBe(204);
  expect((await call('getBackupSchedule', { tenantId, scheduleId })).status).toBe(404);
  expect((await call('createBackupSchedule', { tenantId }, { body: { colour: 'blue' } })).status).toBe(422);
  expect((await call('listRuns', { tenantId }, { query: 'colour=blue' })).status).toBe(422);
  expect((await call('listTenants', {}, { token: null })).status).toBe(401);
});
