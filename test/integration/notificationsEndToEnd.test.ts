// Notifications as an MSP engineer uses them: a webhook channel created through the API, its
// secret shown once, a test event, then a real run whose changes reach the receiver signed with
// that secret; an e-mail channel through a worker process whose SMTP password must appear in no
// log line and no Temporal history.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { patchObject } from '../../src/emulator/adminClient';
import { publishEvents } from '../../src/db/notificationEvents';
import { notificationEndpointAllowlist } from '../../src/outbound';
import { deliveryWorkflowId } from '../../src/shared/constants';
import { startDeliveryWorkflows } from '../../src/temporal/deliveryStarts';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { historyText } from '../support/histories';
import { type Receiver, startHttpsReceiver, startSmtpSink, testTls } from '../support/receivers';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestApp, TestStack } from '../support/stack';
import { startWorkerProcess } from '../support/workerProcess';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

let receiver: Receiver;
let app: TestApp;
beforeAll(async () => {
  const tls = await testTls();
  receiver = await startHttpsReceiver(tls, () => ({ status: 204 }));
  // As NOTIFICATION_ENDPOINT_ALLOWLIST=127.0.0.1:<port> and NOTIFICATION_CA_FILE would.
  stack.notifications.endpointAllowlist.add(receiver.host);
  stack.notifications.trustedCaPem = tls.caPem;
  app = await stack.startApp({
    notificationEndpointAllowlist: notificationEndpointAllowlist([receiver.host]),
    notificationRetrySchedule: ['0s', '1s', '1s'],
  });
});
afterAll(async () => {
  await app?.close();
  await receiver?.close();
});

/** Retries an assertion until it holds (deliveries are asynchronous), at most a minute. */
async function until(assertion: () => void, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const received = (type: string) =>
  receiver.requests.filter((request) => (JSON.parse(request.body) as { type: string }).type === type);

test('a webhook channel made through the API gets its test event and a run’s changes, signed with the secret it was shown once', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const channels = `/v1/tenants/${tenant.id}/notification-channels`;
  const created = await app.api(channels, {
    method: 'POST',
    body: {
      name: 'On-call',
      kind: 'webhook',
      url: `${receiver.origin}/hooks/${tenant.id}`,
      eventTypes: ['backup.changes.detected', 'backup.run.succeeded'],
    },
  });
  expect(created.status).toBe(201);
  const verifier = new Webhook(created.body.signingSecret);
  const channelId: string = created.body.id;

  const tested = await app.api(`${channels}/${channelId}/test`, { method: 'POST' });
  expect(tested.status).toBe(202);
  await until(() => expect(received('notification.test')).toHaveLength(1));
  expect(JSON.parse(received('notification.test')[0]!.body).data).toMatchObject({
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
  });

  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  const profile = await stack.db.policy.findFirstOrThrow({
    where: { tenantId: tenant.id, policyType: 'deviceConfiguration' },
  });
  await patchObject(
    { baseUrl: stack.emulator.baseUrl, caPem: stack.emulator.caPem },
    emulated.azureTenantId,
    'deviceConfiguration',
    profile.graphId,
    { description: `changed ${randomUUID()}` },
    'carol@contoso.example',
  );
  const second = await runToCompletion(stack, tenant.id, schedule.id);
  expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);

  await until(() => {
    expect(received('backup.run.succeeded')).toHaveLength(2);
    expect(received('backup.changes.detected').length).toBeGreaterThanOrEqual(1);
  });
  for (const request of receiver.requests) {
    expect(request.path).toBe(`/hooks/${tenant.id}`);
    // Throws unless the signature is over exactly these bytes, with the channel's secret.
    expect(verifier.verify(request.body, request.headers as Record<string, string>)).toBeTruthy();
  }
  const changes = received('backup.changes.detected').map((request) => JSON.parse(request.body));
  const ofSecondRun = changes.find((event) => event.data.runId === second.id);
  expect(ofSecondRun).toBeDefined();
  // A platform-wide channel hears every tenant: each event says which one, by name too.
  expect(ofSecondRun.data).toMatchObject({
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.displayName,
  });
  expect(JSON.stringify(ofSecondRun.data)).toContain(profile.graphId);
  expect(JSON.stringify(ofSecondRun.data)).toContain('/description');

  // The deliveries API shows each with its one successful attempt.
  const deliveries = await app.api(`${channels}/${channelId}/deliveries`);
  expect(deliveries.status).toBe(200);
  const statuses = deliveries.body.items.map((item: { status: string; attemptCount: number }) => [
    item.status,
    item.attemptCount,
  ]);
  expect(statuses.length).toBe(receiver.requests.length);
  for (const status of statuses) expect(status).toEqual(['succeeded', 1]);
});

test('an e-mail goes out through a worker process that logs no SMTP password and keeps it out of Temporal histories', async () => {
  const canary = `smtp-canary-${randomUUID()}`;
  const tls = await testTls();
  const sink = await startSmtpSink({ auth: true, tls });
  const taskQueue = `notify-e2e-${randomUUID()}`;
  const caFile = join(tmpdir(), `tenantvault-e2e-ca-${process.pid}.pem`);
  writeFileSync(caFile, tls.caPem);
  const worker = await startWorkerProcess({
    taskQueue,
    emulator: stack.emulator,
    logLevel: 'debug',
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      SMTP_USER: 'tenantvault',
      SMTP_PASSWORD: canary,
      SMTP_FROM: 'TenantVault <alerts@tenantvault.example>',
      // The sink's certificate: the login must go over STARTTLS, never in the clear.
      NOTIFICATION_CA_FILE: caFile,
    },
  });
  try {
    const channel = await stack.db.notificationChannel.create({
      data: {
        tenantId: stack.tenant.id,
        name: `mail ${randomUUID()}`,
        kind: 'email',
        recipients: ['oncall@msp.example'],
        eventTypes: ['tenant.credentials.failing'],
        createdBy: 'system',
      },
    });
    const { deliveryIds } = await stack.db.$transaction((tx) =>
      publishEvents(tx, [
        {
          tenantId: stack.tenant.id,
          type: 'tenant.credentials.failing',
          causeKey: `e2e:${randomUUID()}`,
          attributes: {},
          data: { tenantId: stack.tenant.id, errorCode: 'graph_auth_failed' },
        },
      ]),
    );
    const mine = await stack.db.notificationDelivery.findMany({
      where: { id: { in: deliveryIds }, channelId: channel.id },
    });
    expect(mine).toHaveLength(1);
    await startDeliveryWorkflows(stack.temporal, stack.db, [mine[0]!.id], {
      taskQueue,
      retrySchedule: ['0s', '1s'],
    });
    await until(() => expect(sink.messages).toHaveLength(1));
    expect(sink.messages[0]!.envelopeTo).toEqual(['oncall@msp.example']);
    expect(sink.logins).toEqual([{ username: 'tenantvault', password: canary, overTls: true }]);
    const history = await historyText(stack.temporal, deliveryWorkflowId(mine[0]!.id));
    expect(history).toContain(mine[0]!.id);
    expect(history).not.toContain(canary);
    expect(worker.output.join('')).not.toContain(canary);
    const stored = await stack.db.notificationDeliveryAttempt.findMany({
      where: { deliveryId: mine[0]!.id },
    });
    expect(JSON.stringify(stored)).not.toContain(canary);
    await stack.db.notificationChannel.delete({ where: { id: channel.id } });
  } finally {
    await worker.kill('SIGTERM');
    await sink.close();
  }
});
