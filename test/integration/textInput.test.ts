// Text PostgreSQL cannot store (U+0000, an unpaired UTF-16 surrogate) and instants it cannot
// represent (before year 1) must be a 422 naming the field, never a 500. The fields are not
// listed by hand: every route of the table that takes a body or a query is walked, and each of
// its string fields (from the OpenAPI document, i.e. from the zod schemas the routes parse with)
// and each query parameter is sent the bad text in an otherwise valid request.
import { randomUUID } from 'node:crypto';
import { buildOpenApiDocument, openApiPath } from '../../src/api/openapi/document';
import { type Operation, operations } from '../../src/api/routeTable';
import { insertBaseline } from '../../src/db/baselines';
import { createSchedule, scheduleBody } from '../support/runs';
import { type ApiResponse, type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};
type Json = Record<string, unknown>;

const NUL = 'before\u0000after';
const LONE_SURROGATE = 'before\ud800after';

/** Dotted paths of every string in a request schema (`policyTypes.0` for an array of strings). */
function stringFields(schema: JsonSchema, path: string[] = []): string[][] {
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  const found = variants.flatMap((variant) => stringFields(variant, path));
  const types = [schema.type ?? []].flat();
  if (types.includes('string') || schema.enum?.some((value) => typeof value === 'string')) found.push(path);
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    found.push(...stringFields(property, [...path, name]));
  if (schema.items) found.push(...stringFields(schema.items, [...path, '0']));
  const unique = new Map(found.map((p) => [p.join('.'), p]));
  return [...unique.values()];
}

function withValue(body: Json, path: string[], value: string): Json {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...body, [head]: value };
  if (rest[0] === '0' && rest.length === 1) return { ...body, [head]: [value] };
  // A field of an array's first object (`mappings.0.policyType`).
  if (rest[0] === '0' && Array.isArray(body[head])) {
    const [first, ...others] = body[head] as Json[];
    return { ...body, [head]: [withValue(first ?? {}, rest.slice(1), value), ...others] };
  }
  return { ...body, [head]: withValue((body[head] as Json | undefined) ?? {}, rest, value) };
}

interface Fixtures {
  userId: string;
  scheduleId: string;
  otherUserId: string;
  setId: string;
  baselineId: string;
}
let fixtures: Fixtures;

/** A valid body for every route that takes one: the bad text is then the only fault. */
const validBodies: Record<string, () => Json> = {
  createUser: () => ({ email: `text-${randomUUID()}@input.test`, displayName: 'Text' }),
  issueApiToken: () => ({ name: 'laptop' }),
  createTenant: () => ({
    slug: `text-${randomUUID().slice(0, 8)}`,
    displayName: 'Text',
    azureTenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: 'secret',
  }),
  updateTenant: () => ({ displayName: 'Text' }),
  // Not the tenant's slug: were the bad text let through, the tenant would still not be offboarded.
  offboardTenant: () => ({ confirmSlug: 'not-this-tenant' }),
  setMember: () => ({ role: 'readonly' }),
  addMember: () => ({ email: `member-${randomUUID()}@input.test`, role: 'readonly' }),
  setTenantRetention: () => ({ minKeepLast: 1, graceDays: 7 }),
  putOffsiteDestination: () => ({
    kind: 's3',
    bucket: 'text-input',
    region: 'eu-west-1',
    accessKeyId: 'AKIDTEXT',
    secretAccessKey: 'text-secret',
  }),
  placeLegalHold: () => ({ reason: 'case 1' }),
  createBackupSchedule: () => scheduleBody(),
  updateBackupSchedule: () => ({ name: `renamed ${randomUUID()}` }),
  bulkBackupSchedules: () => ({ action: 'run', scheduleIds: [fixtures.scheduleId] }),
  createBaseline: () => ({
    name: `text ${randomUUID()}`,
    tenantId: stack.tenant.id,
    backupSetId: fixtures.setId,
  }),
  setBaselineMappings: () => ({
    tenantId: stack.tenant.id,
    mappings: [{ policyType: 'compliance', baselineGraphId: 'a', tenantGraphId: 'b' }],
  }),
  setRestoreSettings: () => ({ enabled: false, approvalRequired: false }),
  createRestore: () => ({
    backupSetId: fixtures.setId,
    items: [{ policyType: 'compliance', graphId: 'a' }],
    mode: 'in_place',
    assignments: 'restore',
  }),
  ...Object.fromEntries(
    ['', 'Platform'].flatMap((scope) => [
      [
        `create${scope}NotificationChannel`,
        () => ({
          name: 'Text',
          kind: 'webhook',
          url: 'https://8.8.8.8/hook',
          eventTypes: ['backup.run.failed'],
          filters: { policyTypes: ['compliance'] },
          digest: 'none',
        }),
      ],
      [`update${scope}NotificationChannel`, () => ({ name: 'Text', recipients: ['text@input.test'] })],
      [`rotate${scope}NotificationChannelSecret`, () => ({ overlapHours: 1 })],
    ]),
  ),
};

function pathOf(op: Operation): string {
  const ids: Record<string, string> = {
    tenantId: stack.tenant.id,
    scheduleId: fixtures.scheduleId,
    runId: randomUUID(),
    setId: randomUUID(),
    notificationId: randomUUID(),
    baselineId: fixtures.baselineId,
    policyType: 'settingsCatalog',
    graphId: randomUUID(),
    channelId: randomUUID(),
    deliveryId: randomUUID(),
    restoreId: randomUUID(),
    userId: op.operationId === 'setMember' ? fixtures.otherUserId : fixtures.userId,
  };
  return op.path.replace(/:(\w+)/g, (_, name: string) => {
    const id = ids[name];
    if (!id) throw new Error(`no fixture for :${name}`);
    return id;
  });
}

const document = buildOpenApiDocument();
function documented(op: Operation) {
  // biome-ignore lint/suspicious/noExplicitAny: the document is walked, not typed
  return (document.paths[openApiPath(op.path)] as any)[op.method];
}

const withBody = operations.filter((op) => op.body);
const withQuery = operations.filter((op) => op.query);

const bodyCases = withBody.flatMap((op) => {
  const schema = documented(op).requestBody.content['application/json'].schema as JsonSchema;
  return stringFields(schema).flatMap((field) => [
    { op, field, text: NUL, label: 'NUL' },
    { op, field, text: LONE_SURROGATE, label: 'a lone surrogate' },
  ]);
});

// On the wire a query is bytes: %00 decodes to U+0000, and %ED%A0%80 is the UTF-8-style
// encoding of the surrogate U+D800 (the only way a surrogate can travel in a URL).
const queryCases = withQuery.flatMap((op) => {
  const names = (documented(op).parameters as { name: string; in: string }[])
    .filter((p) => p.in === 'query')
    .map((p) => p.name);
  return names.flatMap((name) => [
    { op, name, encoded: 'before%00after', label: 'NUL' },
    { op, name, encoded: 'before%ED%A0%80after', label: 'a lone surrogate' },
  ]);
});

function expectNamed(response: ApiResponse, field: string, message: RegExp) {
  expect({ status: response.status, type: response.contentType }).toEqual({
    status: 422,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(response.body.errors).toContainEqual({ field, message: expect.stringMatching(message) });
}

beforeAll(async () => {
  const token = stack.token.split('_')[1];
  const row = await stack.db.apiToken.findUniqueOrThrow({ where: { prefix: token } });
  const other = await stack.userWithRole(null);
  const schedule = await createSchedule(stack, stack.tenant.id, { enabled: false });
  // A set (as a run would write it) and a baseline pinning it, for the baseline routes.
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId: stack.tenant.id,
      scheduleId: schedule.id,
      workflowId: `text-${randomUUID()}`,
      trigger: 'manual',
      status: 'succeeded',
      finishedAt: new Date(),
    },
  });
  const set = await stack.db.backupSet.create({
    data: {
      tenantId: stack.tenant.id,
      scheduleId: schedule.id,
      runId: run.id,
      itemCount: 0,
      totalBytes: 0,
      newPayloadBytes: 0,
    },
  });
  const baseline = await insertBaseline(stack.db, {
    name: 'text input',
    tenantId: stack.tenant.id,
    backupSetId: set.id,
    createdBy: 'system',
  });
  fixtures = {
    userId: row.userId,
    scheduleId: schedule.id,
    otherUserId: other.userId,
    setId: set.id,
    baselineId: baseline.id,
  };
});

test('the walk covers every route with a body or a query, and each body route has a valid body', () => {
  expect(withBody.map((op) => op.operationId).sort()).toEqual(Object.keys(validBodies).sort());
  expect(bodyCases.length).toBeGreaterThan(2 * withBody.length);
  expect(new Set(queryCases.map((c) => c.op.operationId)).size).toBe(withQuery.length);
});

test.each(bodyCases.map((c) => [c.op.operationId, c.field.join('.'), c.label, c]))(
  '%s: %s with %s is a 422 naming it',
  async (_id, _field, _label, { op, field, text }) => {
    const body = withValue(validBodies[op.operationId]!(), field, text);
    const response = await stack.api(pathOf(op), { method: op.method.toUpperCase(), body });
    expectNamed(response, field.join('.'), text === NUL ? /U\+0000/ : /surrogate/);
  },
);

test.each(queryCases.map((c) => [c.op.operationId, c.name, c.label, c]))(
  '%s: query parameter %s with %s is a 422 naming it',
  async (_id, _name, _label, { op, name, encoded }) => {
    const response = await stack.api(`${pathOf(op)}?${name}=${encoded}`);
    expectNamed(response, name, encoded.includes('%00') ? /U\+0000/ : /UTF-8/);
  },
);

test('nothing is written by a refused request', async () => {
  const body: Json = { ...validBodies.createTenant!(), displayName: NUL };
  expect((await stack.api('/v1/tenants', { method: 'POST', body })).status).toBe(422);
  expect(await stack.db.tenant.count({ where: { slug: body.slug as string } })).toBe(0);
});

describe('dates PostgreSQL cannot store', () => {
  const lists = ['runs', 'audit-logs'];
  test.each(
    lists.flatMap((list) => [
      [list, 'from', '0000-01-01T00:00:00Z'],
      [list, 'to', '0000-12-31T23:59:59Z'],
      // Year 1 in its own offset, but year 0 in UTC.
      [list, 'from', '0001-01-01T00:30:00+01:00'],
      // Year 9999 in its own offset, but year 10000 in UTC.
      [list, 'to', '9999-12-31T23:30:00-01:00'],
    ]),
  )('%s?%s=%s is a 422 naming it', async (list, param, value) => {
    const response = await stack.api(
      `/v1/tenants/${stack.tenant.id}/${list}?${param}=${encodeURIComponent(value)}`,
    );
    expectNamed(response, param, /year/);
  });

  test.each(lists)('%s take the first and the last instant of years 1 to 9999', async (list) => {
    const from = encodeURIComponent('0001-01-01T00:00:00Z');
    const to = encodeURIComponent('9999-12-31T23:59:59.999Z');
    const response = await stack.api(`/v1/tenants/${stack.tenant.id}/${list}?from=${from}&to=${to}`);
    expect(response.status).toBe(200);
  });
});

describe('bodies the API cannot take, and all errors at once', () => {
  const schedules = () => `/v1/tenants/${stack.tenant.id}/backup-schedules`;
  const send = (path: string, body: string, contentType: string) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': contentType },
      body,
    });

  test.each(['[]', '"x"', '3', 'null', 'true'])(
    'a JSON %s body is a 422 saying it must be an object',
    async (body) => {
      const response = await send(schedules(), body, 'application/json');
      expect(response.status).toBe(422);
      expect(((await response.json()) as Json).errors).toEqual([
        { field: '(root)', message: 'the body must be a JSON object' },
      ]);
    },
  );

  test.each([
    ['text/plain', JSON.stringify(scheduleBody())],
    ['application/x-www-form-urlencoded', 'name=nightly'],
    ['application/xml', '<schedule/>'],
  ])('a %s body is a 415 naming application/json', async (contentType, body) => {
    const response = await send(schedules(), body, contentType);
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem).toMatchObject({ code: 'unsupported_media_type' });
    expect(problem.detail).toContain('application/json');
    expect(problem.detail).toContain(contentType);
  });

  test('a POST without a body needs no content type', async () => {
    const schedule = await createSchedule(stack, stack.tenant.id, { enabled: false });
    const response = await fetch(`${stack.apiUrl}${schedules()}/${schedule.id}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-length': '0' },
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as Json).code).toBe('schedule_disabled');
  });

  test('application/json with a charset is taken', async () => {
    const response = await send(
      schedules(),
      JSON.stringify(scheduleBody()),
      'application/json; charset=utf-8',
    );
    expect(response.status).toBe(201);
  });

  // Each body breaks a field's own rule and a rule across fields: both arrive in one answer. The
  // field errors are of the kinds after which zod skips refinements (a wrong type, an unknown
  // field); a too-short string or a bad pattern would let them run anyway.
  const broken: [string, string, () => Json, string[]][] = [
    [
      'createBackupSchedule',
      'POST',
      () => ({ ...scheduleBody(), name: 42, colour: 'blue', frequency: 'hourly' }),
      ['name', 'colour', 'minute', 'timeOfDay', 'daysOfWeek'],
    ],
    [
      'updateTenant',
      'PATCH',
      () => ({ displayName: 42, clientId: randomUUID() }),
      ['displayName', 'clientSecret'],
    ],
    [
      'createNotificationChannel',
      'POST',
      () => ({ name: 42, kind: 'email', url: 'https://8.8.8.8/hook' }),
      ['name', 'url', 'recipients'],
    ],
    [
      'putOffsiteDestination',
      'PUT',
      () => ({
        kind: 'azure_blob',
        container: 42,
        connectionString: 'UseDevelopmentStorage=true',
        accountUrl: 'https://contoso.blob.core.windows.net',
      }),
      ['container', 'accountUrl'],
    ],
    [
      'createRestore',
      'POST',
      () => ({ ...validBodies.createRestore!(), backupSetId: 42, policyTypes: ['compliance'] }),
      ['backupSetId', 'policyTypes'],
    ],
  ];
  test.each(broken)(
    '%s: field errors and cross-field errors in one 422',
    async (operationId, method, body, fields) => {
      const op = operations.find((candidate) => candidate.operationId === operationId)!;
      expect(op.method).toBe(method.toLowerCase());
      const response = await stack.api(pathOf(op), { method, body: body() });
      expect(response.status).toBe(422);
      const named = (response.body.errors as { field: string }[]).map((error) => error.field);
      expect([...new Set(named)].sort()).toEqual([...fields].sort());
    },
  );

  test('409 run_in_progress names the run in progress', async () => {
    const schedule = await createSchedule(stack, stack.tenant.id);
    const queued = await stack.db.backupScheduleRun.create({
      data: {
        tenantId: stack.tenant.id,
        scheduleId: schedule.id,
        workflowId: `in-progress-${randomUUID()}`,
        trigger: 'manual',
        status: 'queued',
      },
    });
    const response = await stack.api(`${schedules()}/${schedule.id}/run`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'run_in_progress', runId: queued.id });
    expect(response.body.detail).toContain(queued.id);
  });
});
