// Notification channels through the API, on the real database and Temporal: CRUD per tenant and
// platform-wide, validation naming the field, the outbound guard (private addresses refused, an
// allowlisted loopback receiver accepted), write-only secrets (a webhook's shown once, rotated
// with an overlap; a Teams URL's query never shown), who may do what, baseline subscriptions,
// and test and replay starting the delivery's workflow. No worker runs here: the delivery
// workflow is another room's; these tests only see that it was started.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  notificationChannel,
  notificationChannelWithSecret,
  notificationDelivery,
} from '../../src/api/openapi/responses';
import { insertBaseline } from '../../src/db/baselines';
import { notificationEndpointAllowlist } from '../../src/outbound';
import { BACKUP_TASK_QUEUE, deliveryWorkflowId } from '../../src/shared/constants';
import { holdTransaction } from '../support/heldTransaction';
import { createSchedule } from '../support/runs';
import type { ApiResponse, TestApp, TestStack, TestUser } from '../support/stack';
import { useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

/** A receiver on loopback, as NOTIFICATION_ENDPOINT_ALLOWLIST=127.0.0.1:9443 would allow it. */
const RECEIVER = 'https://127.0.0.1:9443';
let app: TestApp;
let tenantId: string;
let channels: string;
let manager: TestUser;
const workflowIds: string[] = [];

beforeAll(async () => {
  app = await stack.startApp({
    notificationEndpointAllowlist: notificationEndpointAllowlist(['127.0.0.1:9443']),
    notificationRetrySchedule: ['0s', '1m'],
  });
  tenantId = stack.tenant.id;
  channels = `/v1/tenants/${tenantId}/notification-channels`;
  manager = await stack.userWithRole('manager');
});

afterAll(async () => {
  for (const id of workflowIds)
    await stack.temporal.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  await app?.close();
});

const webhookBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'On-call webhook',
  kind: 'webhook',
  url: `${RECEIVER}/hooks/tenantvault`,
  ...overrides,
});

async function createChannel(body: Record<string, unknown>, path = channels, token?: string) {
  const created = await app.api(path, { method: 'POST', body, ...(token ? { token } : {}) });
  if (created.status !== 201) throw new Error(`channel not created: ${JSON.stringify(created.body)}`);
  return created.body;
}

function expectFieldError(response: ApiResponse, field: string, message?: RegExp) {
  expect(response.status).toBe(422);
  expect(response.body.errors).toContainEqual({
    field,
    message: message ? expect.stringMatching(message) : expect.any(String),
  });
}

describe('channels of a tenant', () => {
  test('CRUD: created with the default event types, read, changed, deleted; each write audited', async () => {
    const created = await app.api(channels, { method: 'POST', body: webhookBody(), token: manager.token });
    expect(created.status).toBe(201);
    notificationChannelWithSecret.parse(created.body);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${channels}/${id}`);
    expect(created.body).toMatchObject({
      tenantId,
      kind: 'webhook',
      url: `${RECEIVER}/hooks/tenantvault`,
      enabled: true,
      digest: 'none',
      filters: {},
      eventTypes: expect.arrayContaining(['backup.run.failed', 'baseline.drift.detected']),
      secret: { set: true, rotatedAt: null, previousExpiresAt: null },
      createdBy: `user:${manager.userId}`,
    });
    expect(created.body.eventTypes).not.toContain('backup.run.succeeded');

    const read = await app.api(`${channels}/${id}`);
    expect(read.status).toBe(200);
    notificationChannel.parse(read.body);
    expect(read.body).not.toHaveProperty('signingSecret');
    const listed = await app.api(channels);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(id);

    const schedule = await createSchedule(stack, tenantId, { enabled: false });
    const patched = await app.api(`${channels}/${id}`, {
      method: 'PATCH',
      body: {
        name: 'Renamed',
        eventTypes: ['backup.run.succeeded'],
        filters: { scheduleIds: [schedule.id], policyTypes: ['compliance'], minChangeCount: 3 },
        digest: 'hourly',
        enabled: false,
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Renamed',
      eventTypes: ['backup.run.succeeded'],
      filters: { scheduleIds: [schedule.id], policyTypes: ['compliance'], minChangeCount: 3 },
      digest: 'hourly',
      enabled: false,
      disabledAt: expect.any(String),
    });

    expect((await app.api(`${channels}/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await app.api(`${channels}/${id}`)).status).toBe(404);
    expect((await app.api(`${channels}/${id}`, { method: 'DELETE' })).status).toBe(404);

    const audit = await stack.db.auditLog.findMany({
      where: { resourceId: id, action: { startsWith: 'notification_channel.' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((row) => [row.action, row.tenantId, row.metadata])).toEqual([
      ['notification_channel.created', tenantId, { kind: 'webhook' }],
      [
        'notification_channel.updated',
        tenantId,
        { changed: ['digest', 'enabled', 'eventTypes', 'filters', 'name'] },
      ],
      ['notification_channel.deleted', tenantId, {}],
    ]);
  });

  test('an email channel takes recipients; in_app takes neither url nor recipients', async () => {
    const email = await createChannel({ name: 'Mail', kind: 'email', recipients: ['ops@example.com'] });
    expect(email).toMatchObject({ url: null, recipients: ['ops@example.com'], secret: { set: false } });
    expect(email).not.toHaveProperty('signingSecret');
    const inApp = await createChannel({ name: 'In app', kind: 'in_app' });
    expect(inApp).toMatchObject({ url: null, recipients: [], secret: { set: false } });
  });

  test.each(
    [
      ['webhook without url', webhookBody({ url: undefined }), 'url', /required for webhook/],
      ['email without recipients', { name: 'm', kind: 'email' }, 'recipients', /required for email/],
      [
        'email with a url',
        { name: 'm', kind: 'email', recipients: ['a@b.test'], url: `${RECEIVER}/x` },
        'url',
        /not taken/,
      ],
      [
        'a bad address',
        { name: 'm', kind: 'email', recipients: ['not an address'] },
        'recipients.0',
        /e-mail/,
      ],
      [
        '51 recipients',
        { name: 'm', kind: 'email', recipients: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) },
        'recipients',
        /50/,
      ],
      ['an unknown event type', webhookBody({ eventTypes: ['backup.exploded'] }), 'eventTypes.0', undefined],
      ['the test event type', webhookBody({ eventTypes: ['notification.test'] }), 'eventTypes.0', undefined],
      [
        'an unknown policy type',
        webhookBody({ filters: { policyTypes: ['nope'] } }),
        'filters.policyTypes.0',
        undefined,
      ],
      [
        'a zero change count',
        webhookBody({ filters: { minChangeCount: 0 } }),
        'filters.minChangeCount',
        undefined,
      ],
      ['an unknown kind', webhookBody({ kind: 'slack' }), 'kind', undefined],
      ['an unknown digest', webhookBody({ digest: 'weekly' }), 'digest', undefined],
      ['an http URL', webhookBody({ url: 'http://example.com/hook' }), 'url', /https/],
      ['a webhook URL with a query', webhookBody({ url: `${RECEIVER}/hook?token=x` }), 'url', /query/],
      ['user info', webhookBody({ url: 'https://u:p@example.com/hook' }), 'url', /user name/],
      ['an unknown field', webhookBody({ secret: 'mine' }), 'secret', /unknown field/],
    ].map(([label, body, field, message]) => [label, field, body, message] as const),
  )('POST with %s is a 422 naming %s', async (_label, field, body, message) => {
    const before = await stack.db.notificationChannel.count({ where: { tenantId } });
    expectFieldError(
      await app.api(channels, { method: 'POST', body }),
      field as string,
      message as RegExp | undefined,
    );
    expect(await stack.db.notificationChannel.count({ where: { tenantId } })).toBe(before);
  });

  test("filters.scheduleIds must name the tenant's own live schedules", async () => {
    const other = await stack.api('/v1/tenants', {
      method: 'POST',
      body: {
        slug: `other-${randomUUID().slice(0, 8)}`,
        displayName: 'Other',
        azureTenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: 'other-secret',
      },
    });
    const foreignSchedule = await createSchedule(stack, other.body.id, { enabled: false });
    const own = await createSchedule(stack, tenantId, { enabled: false });
    const response = await app.api(channels, {
      method: 'POST',
      body: webhookBody({ filters: { scheduleIds: [own.id, foreignSchedule.id] } }),
    });
    expectFieldError(response, 'filters.scheduleIds.1', /no schedule of this tenant/);
  });

  test('a change is checked against the kind, and the kind cannot change', async () => {
    const { id } = await createChannel(webhookBody());
    expectFieldError(
      await app.api(`${channels}/${id}`, { method: 'PATCH', body: { recipients: ['a@b.test'] } }),
      'recipients',
      /not taken by webhook/,
    );
    expectFieldError(
      await app.api(`${channels}/${id}`, { method: 'PATCH', body: { kind: 'email' } }),
      'kind',
      /unknown field/,
    );
    expectFieldError(await app.api(`${channels}/${id}`, { method: 'PATCH', body: {} }), '(root)');
  });

  test('a private or loopback URL is refused unless allowlisted; the allowlisted receiver is accepted', async () => {
    for (const [url, reason] of [
      ['https://10.0.0.7/hook', '10.0.0.7 is a private address'],
      ['https://169.254.169.254/latest', '169.254.169.254 is a link-local address'],
      ['https://127.0.0.1:9444/hook', '127.0.0.1 is a loopback address'],
    ]) {
      expectFieldError(
        await app.api(channels, { method: 'POST', body: webhookBody({ url }) }),
        'url',
        new RegExp(`^refused: ${reason}`),
      );
    }
    // The stack's own app has no NOTIFICATION_ENDPOINT_ALLOWLIST: the receiver is loopback there.
    expectFieldError(await stack.api(channels, { method: 'POST', body: webhookBody() }), 'url', /loopback/);
    const { id } = await createChannel(webhookBody());
    expectFieldError(
      await app.api(`${channels}/${id}`, { method: 'PATCH', body: { url: 'https://10.1.1.1/x' } }),
      'url',
      /private/,
    );
    expect((await app.api(`${channels}/${id}`)).body.url).toBe(`${RECEIVER}/hooks/tenantvault`);
  });
});

describe('secrets', () => {
  test('a webhook secret is whsec_ + 32 random bytes, shown once, stored encrypted, and signs', async () => {
    const created = await createChannel(webhookBody());
    const secret = created.signingSecret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const row = await stack.db.notificationChannel.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretCiphertext).not.toContain(secret.slice(6));
    expect(
      stack.secrets.channels.decrypt(created.id, {
        ciphertext: row.secretCiphertext!,
        keyId: row.secretKeyId!,
      }),
    ).toBe(secret);
    // What the standardwebhooks package makes of it: a receiver with the secret verifies.
    const body = JSON.stringify({ type: 'notification.test', timestamp: new Date().toISOString(), data: {} });
    const signature = new Webhook(secret).sign('msg_1', new Date(), body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    expect(() =>
      new Webhook(secret).verify(body, { ...headers, 'webhook-signature': signature }),
    ).not.toThrow();

    const answers = [await app.api(`${channels}/${created.id}`), await app.api(channels)];
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(secret.slice(6));
    expect(answers[0]!.body.secret).toEqual({ set: true, rotatedAt: null, previousExpiresAt: null });
  });

  test('rotation returns a new secret once and keeps the previous one signing for the overlap', async () => {
    const created = await createChannel(webhookBody());
    const path = `${channels}/${created.id}/rotate-secret`;
    const before = Date.now();
    const rotated = await app.api(path, { method: 'POST', body: { overlapHours: 2 } });
    expect(rotated.status).toBe(200);
    notificationChannelWithSecret.parse(rotated.body);
    expect(rotated.body.signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.signingSecret).not.toBe(created.signingSecret);
    const expires = Date.parse(rotated.body.secret.previousExpiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
    expect(expires).toBeLessThan(Date.now() + 2 * 3_600_000 + 1000);
    expect(Date.parse(rotated.body.secret.rotatedAt)).toBeGreaterThanOrEqual(before);

    const row = await stack.db.notificationChannel.findUniqueOrThrow({ where: { id: created.id } });
    const cipher = stack.secrets.channels;
    expect(cipher.decrypt(created.id, { ciphertext: row.secretCiphertext!, keyId: row.secretKeyId! })).toBe(
      rotated.body.signingSecret,
    );
    const previous = { ciphertext: row.previousSecretCiphertext!, keyId: row.previousSecretKeyId! };
    expect(cipher.decrypt(created.id, previous, 'previous')).toBe(created.signingSecret);
    const read = await app.api(`${channels}/${created.id}`);
    expect(read.body).not.toHaveProperty('signingSecret');
    expect(read.body.secret.previousExpiresAt).toBe(rotated.body.secret.previousExpiresAt);

    // No body: the default overlap (24 h). Overlap 0 ends the previous secret at once.
    const byDefault = await app.api(path, { method: 'POST' });
    expect(Date.parse(byDefault.body.secret.previousExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const now = await app.api(path, { method: 'POST', body: { overlapHours: 0 } });
    expect(now.body.secret.previousExpiresAt).toBeNull();
    expectFieldError(await app.api(path, { method: 'POST', body: { overlapHours: 169 } }), 'overlapHours');

    const audit = await stack.db.auditLog.findMany({
      where: { resourceId: created.id, action: 'notification_channel.secret_rotated' },
    });
    expect(audit.map((entry) => entry.metadata)).toEqual(
      expect.arrayContaining([{ overlapHours: 2 }, { overlapHours: 24 }, { overlapHours: 0 }]),
    );

    const email = await createChannel({ name: 'Mail', kind: 'email', recipients: ['a@example.com'] });
    const refused = await app.api(`${channels}/${email.id}/rotate-secret`, { method: 'POST', body: {} });
    expect([refused.status, refused.body.code]).toEqual([409, 'no_signing_secret']);
  });

  test("a Teams URL's query (its signature) is stored encrypted and never shown", async () => {
    const sig = `canary-sig-${randomUUID()}`;
    const query = `?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
    const base = `${RECEIVER}/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke`;
    const created = await app.api(channels, {
      method: 'POST',
      body: { name: 'Teams', kind: 'teams', url: `${base}${query}` },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: base, secret: { set: true } });
    expect(created.body).not.toHaveProperty('signingSecret');
    const id = created.body.id as string;
    const changed = await app.api(`${channels}/${id}`, {
      method: 'PATCH',
      body: { url: `${base}${query.replace(sig, `${sig}-2`)}` },
    });
    const answers = [created, changed, await app.api(`${channels}/${id}`), await app.api(channels)];
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(sig);
    const row = await stack.db.notificationChannel.findUniqueOrThrow({ where: { id } });
    expect(row.url).toBe(base);
    expect(
      stack.secrets.channels.decrypt(id, { ciphertext: row.secretCiphertext!, keyId: row.secretKeyId! }),
    ).toBe(`${base}${query.replace(sig, `${sig}-2`)}`);
    const audit = await stack.db.auditLog.findMany({ where: { tenantId } });
    expect(audit.filter((entry) => JSON.stringify(entry).includes(sig))).toEqual([]);
  });
});

describe('who may manage channels', () => {
  test('owners and managers; readonly and operator members get 403, another tenant 404', async () => {
    const { id } = await createChannel(webhookBody());
    const owner = await stack.userWithRole('owner');
    for (const user of [owner, manager]) {
      expect((await app.api(channels, { token: user.token })).status).toBe(200);
      expect((await app.api(`${channels}/${id}/deliveries`, { token: user.token })).status).toBe(200);
    }
    for (const role of ['readonly', 'operator'] as const) {
      const { token } = await stack.userWithRole(role);
      expect((await app.api(channels, { token })).status).toBe(403);
      expect((await app.api(`${channels}/${id}`, { token })).status).toBe(403);
      expect((await app.api(channels, { method: 'POST', body: webhookBody(), token })).status).toBe(403);
    }
    const otherTenant = await stack.api('/v1/tenants', {
      method: 'POST',
      body: {
        slug: `owner-elsewhere-${randomUUID().slice(0, 8)}`,
        displayName: 'Elsewhere',
        azureTenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: 'elsewhere-secret',
      },
    });
    const elsewhere = await stack.userWithRole('owner', otherTenant.body.id);
    expect((await app.api(`${channels}/${id}`, { token: elsewhere.token })).status).toBe(404);
    const theirs = `/v1/tenants/${otherTenant.body.id}/notification-channels`;
    expect((await app.api(`${theirs}/${id}`, { token: elsewhere.token })).status).toBe(404);
    expect((await app.api(`${theirs}/${id}`, { method: 'DELETE', token: elsewhere.token })).status).toBe(404);
    expect(await stack.db.notificationChannel.count({ where: { id } })).toBe(1);
  });

  test('platform-wide channels: platform admins only, apart from every tenant', async () => {
    const owner = await stack.userWithRole('owner');
    const refused = await app.api('/v1/notification-channels', {
      method: 'POST',
      body: webhookBody(),
      token: owner.token,
    });
    expect(refused.status).toBe(403);
    expect((await app.api('/v1/notification-channels', { token: owner.token })).status).toBe(403);
    // Disabled at once: a platform-wide channel hears every tenant of the shared test database.
    const platform = await createChannel(webhookBody({ enabled: false }), '/v1/notification-channels');
    expect(platform).toMatchObject({ tenantId: null, signingSecret: expect.stringMatching(/^whsec_/) });
    const listed = await app.api('/v1/notification-channels?limit=200');
    expect(listed.body.items.every((item: { tenantId: null }) => item.tenantId === null)).toBe(true);
    expect((await app.api(`${channels}/${platform.id}`)).status).toBe(404);
    const own = await createChannel(webhookBody());
    expect((await app.api(`/v1/notification-channels/${own.id}`)).status).toBe(404);
    const rotated = await app.api(`/v1/notification-channels/${platform.id}/rotate-secret`, {
      method: 'POST',
    });
    expect(rotated.status).toBe(200);
    expect((await app.api(`/v1/notification-channels/${platform.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    const audit = await stack.db.auditLog.findMany({ where: { resourceId: platform.id } });
    expect(audit.map((entry) => [entry.action, entry.tenantId]).sort()).toEqual([
      ['notification_channel.created', null],
      ['notification_channel.deleted', null],
      ['notification_channel.secret_rotated', null],
    ]);
  });
});

describe('test and replay', () => {
  test("a test reaches this channel only, whatever it subscribes to, and starts the delivery's workflow", async () => {
    const channel = await createChannel(webhookBody({ eventTypes: ['backup.run.failed'], digest: 'daily' }));
    const bystander = await createChannel(webhookBody({ eventTypes: ['backup.run.failed'] }));
    const tested = await app.api(`${channels}/${channel.id}/test`, { method: 'POST', token: manager.token });
    expect(tested.status).toBe(202);
    notificationDelivery.parse(tested.body);
    const deliveryId = tested.body.id as string;
    const location = `${channels}/${channel.id}/deliveries/${deliveryId}`;
    expect(tested.headers.get('location')).toBe(location);
    expect(tested.body).toMatchObject({
      channelId: channel.id,
      eventType: 'notification.test',
      status: 'pending',
      digestWindowEnd: null,
      webhookId: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      attempts: [],
    });
    workflowIds.push(deliveryWorkflowId(deliveryId));

    const event = await stack.db.notificationEvent.findUniqueOrThrow({ where: { id: tested.body.eventId } });
    expect(event).toMatchObject({ tenantId, type: 'notification.test' });
    expect(event.causeKey).toMatch(/^test:[0-9a-f-]{36}$/);
    const deliveries = await stack.db.notificationDelivery.findMany({ where: { eventId: event.id } });
    expect(deliveries.map((delivery) => delivery.channelId)).toEqual([channel.id]);
    expect(deliveries[0]!.workflowStartedAt).not.toBeNull();
    expect(await stack.db.notificationDelivery.count({ where: { channelId: bystander.id } })).toBe(0);

    const described = await stack.temporal.workflow.getHandle(deliveryWorkflowId(deliveryId)).describe();
    expect(described).toMatchObject({ type: 'DeliverNotification', taskQueue: BACKUP_TASK_QUEUE });
    expect(described.status.name).toBe('RUNNING');
    const history = await stack.temporal.workflow.getHandle(deliveryWorkflowId(deliveryId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started!.input!.payloads![0]!.data!).toString('utf8'));
    expect(input).toEqual({ deliveryId, retrySchedule: ['0s', '1m'], replay: 0 });

    expect((await app.api(location)).body.id).toBe(deliveryId);
    const audit = await stack.db.auditLog.findFirst({
      where: { resourceId: channel.id, action: 'notification_channel.tested' },
    });
    expect(audit?.metadata).toEqual({ deliveryId });

    await app.api(`${channels}/${channel.id}`, { method: 'PATCH', body: { enabled: false } });
    const disabled = await app.api(`${channels}/${channel.id}/test`, { method: 'POST' });
    expect([disabled.status, disabled.body.code]).toEqual([409, 'channel_disabled']);
  });

  test('a replay reopens a finished delivery with its webhook-id and attempts, and starts it again', async () => {
    const channel = await createChannel(webhookBody());
    const tested = await app.api(`${channels}/${channel.id}/test`, { method: 'POST' });
    const deliveryId = tested.body.id as string;
    const replayPath = `${channels}/${channel.id}/deliveries/${deliveryId}/replay`;
    workflowIds.push(deliveryWorkflowId(deliveryId));
    const pending = await app.api(replayPath, { method: 'POST' });
    expect([pending.status, pending.body.code]).toEqual([409, 'delivery_pending']);

    // As the delivery workflow would leave it: one failed attempt, the workflow closed.
    const handle = stack.temporal.workflow.getHandle(deliveryWorkflowId(deliveryId));
    const firstRun = (await handle.describe()).runId;
    await handle.terminate('as if it had failed for good');
    await stack.db.notificationDelivery.update({
      where: { id: deliveryId },
      data: { status: 'failed', attemptCount: 1, lastStatusCode: 500, lastError: 'HTTP 500' },
    });
    await stack.db.notificationDeliveryAttempt.create({
      data: {
        deliveryId,
        number: 1,
        startedAt: new Date(),
        durationMs: 40,
        statusCode: 500,
        outcome: 'failed',
        error: 'HTTP 500',
      },
    });

    const replayed = await app.api(replayPath, { method: 'POST', token: manager.token });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({
      id: deliveryId,
      status: 'pending',
      webhookId: tested.body.webhookId,
      attemptCount: 1,
      attempts: [{ number: 1, statusCode: 500, outcome: 'failed', error: 'HTTP 500', durationMs: 40 }],
    });
    // The replay runs in a workflow of its own, never joined to the first round's.
    workflowIds.push(deliveryWorkflowId(deliveryId, 1));
    const described = await stack.temporal.workflow.getHandle(deliveryWorkflowId(deliveryId, 1)).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.runId).not.toBe(firstRun);

    const listed = await app.api(`${channels}/${channel.id}/deliveries`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([deliveryId]);
    expect(listed.body.items[0].attempts).toHaveLength(1);
    const audit = await stack.db.auditLog.findFirst({
      where: { resourceId: deliveryId, action: 'notification_delivery.replayed' },
    });
    expect(audit).toMatchObject({ tenantId, metadata: { channelId: channel.id } });

    const batched = await stack.db.notificationDelivery.update({
      where: { id: deliveryId },
      data: { status: 'batched' },
    });
    const refused = await app.api(replayPath, { method: 'POST' });
    expect([refused.status, refused.body.code]).toEqual([409, 'delivery_batched']);
    expect(batched.status).toBe('batched');
    expect(
      (await app.api(`${channels}/${channel.id}/deliveries/${randomUUID()}/replay`, { method: 'POST' }))
        .status,
    ).toBe(404);
  });

  test('deliveries are listed newest first, a page at a time', async () => {
    const channel = await createChannel(webhookBody());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tested = await app.api(`${channels}/${channel.id}/test`, { method: 'POST' });
      ids.push(tested.body.id);
      workflowIds.push(deliveryWorkflowId(tested.body.id));
    }
    const first = await app.api(`${channels}/${channel.id}/deliveries?limit=2`);
    const second = await app.api(
      `${channels}/${channel.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`,
    );
    const seen = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
    expect(seen).toEqual([...ids].reverse());
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('baseline subscriptions', () => {
  test("a manager subscribes the tenant to a baseline they can read, another tenant's too if they read it", async () => {
    const other = await stack.api('/v1/tenants', {
      method: 'POST',
      body: {
        slug: `baseline-owner-${randomUUID().slice(0, 8)}`,
        displayName: 'Baseline owner',
        azureTenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: 'baseline-owner-secret',
      },
    });
    const ownBaseline = await baselineOf(tenantId);
    const foreignBaseline = await baselineOf(other.body.id);
    const subscriptions = `/v1/tenants/${tenantId}/baseline-subscriptions`;
    const put = (baselineId: string, token?: string) =>
      app.api(`${subscriptions}/${baselineId}`, { method: 'PUT', ...(token ? { token } : {}) });

    const created = await put(ownBaseline, manager.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenantId,
      baselineId: ownBaseline,
      createdBy: `user:${manager.userId}`,
    });
    expect((await put(ownBaseline, manager.token)).status).toBe(200);
    // The manager cannot read the other tenant: its baseline does not exist for them.
    expect((await put(foreignBaseline, manager.token)).status).toBe(404);
    expect((await put(randomUUID(), manager.token)).status).toBe(404);
    await stack.db.tenantMembership.create({
      data: { tenantId: other.body.id, userId: manager.userId, role: 'readonly' },
    });
    expect((await put(foreignBaseline, manager.token)).status).toBe(201);

    const { token: readonly } = await stack.userWithRole('readonly');
    expect((await app.api(subscriptions, { token: readonly })).status).toBe(403);
    expect((await put(ownBaseline, readonly)).status).toBe(403);
    const listed = await app.api(subscriptions, { token: manager.token });
    expect(listed.body.items.map((item: { baselineId: string }) => item.baselineId).sort()).toEqual(
      [ownBaseline, foreignBaseline].sort(),
    );

    const removed = await app.api(`${subscriptions}/${ownBaseline}`, {
      method: 'DELETE',
      token: manager.token,
    });
    expect(removed.status).toBe(204);
    expect((await app.api(`${subscriptions}/${ownBaseline}`, { method: 'DELETE' })).status).toBe(204);
    const audit = await stack.db.auditLog.findMany({
      where: { tenantId, action: { startsWith: 'baseline_subscription.' }, resourceId: ownBaseline },
    });
    expect(audit.map((entry) => entry.action).sort()).toEqual([
      'baseline_subscription.created',
      'baseline_subscription.deleted',
    ]);
  });
});

describe('races', () => {
  test('concurrent subscriptions to one baseline: one 201, the others 200, one audit row, no 500', async () => {
    const baselineId = await baselineOf(tenantId);
    const path = `/v1/tenants/${tenantId}/baseline-subscriptions/${baselineId}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => app.api(path, { method: 'PUT', token: manager.token })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const audit = await stack.db.auditLog.count({
      where: { action: 'baseline_subscription.created', resourceId: baselineId },
    });
    expect(audit).toBe(1);
  });

  test('a test or a change of a channel being deleted answers 404, not 500', async () => {
    const { id } = await createChannel(webhookBody());
    // The delete holds the channel's row until it commits, after the test and the change read it.
    const deletion = await holdTransaction(
      stack.db,
      (tx) => tx.$executeRaw`DELETE FROM notification_channels WHERE id = ${id}::uuid`,
    );
    const answers = Promise.all([
      app.api(`${channels}/${id}/test`, { method: 'POST' }),
      app.api(`${channels}/${id}`, { method: 'PATCH', body: { name: 'Renamed meanwhile' } }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    deletion.release();
    await deletion.done;
    expect((await answers).map((answer) => answer.status)).toEqual([404, 404]);
  });
});

/** A baseline pinning a (bare) set of the tenant, as a run and POST /v1/baselines would make it. */
async function baselineOf(owner: string): Promise<string> {
  const schedule = await createSchedule(stack, owner, { enabled: false });
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId: owner,
      scheduleId: schedule.id,
      workflowId: `subscription-${randomUUID()}`,
      trigger: 'manual',
      status: 'succeeded',
      finishedAt: new Date(),
    },
  });
  const set = await stack.db.backupSet.create({
    data: {
      tenantId: owner,
      scheduleId: schedule.id,
      runId: run.id,
      itemCount: 0,
      totalBytes: 0,
      newPayloadBytes: 0,
    },
  });
  const baseline = await insertBaseline(stack.db, {
    name: `subscribed ${randomUUID()}`,
    tenantId: owner,
    backupSetId: set.id,
    createdBy: 'system',
  });
  return baseline.id;
}
