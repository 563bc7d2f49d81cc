// Notification delivery end to end on real parts: PostgreSQL, the Temporal dev server, a worker
// on a task queue of this file's, and receivers on loopback (https with a test CA, an SMTP sink).
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import Ajv from 'ajv';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import type { NotificationChannel, Prisma } from '../../src/db/client';
import { claimDigest, reopenForReplay } from '../../src/db/notificationDeliveries';
import { publishEvents } from '../../src/db/notificationEvents';
import type { EmulatorTls } from '../../src/emulator/tls';
import { GraphClientFactory } from '../../src/graph';
import type { EventType } from '../../src/notifications/eventTypes';
import { TenantSecretCipher } from '../../src/secrets';
import { loadSecretKeyRing } from '../../src/config/env';
import { deliveryWorkflowId } from '../../src/shared/constants';
import { startDeliveryWorkflows } from '../../src/temporal/deliveryStarts';
import { type BackupWorker, createBackupWorker } from '../../src/worker/createWorker';
import { testEnv } from '../support/env';
import {
  type Answer,
  type ReceivedRequest,
  type Receiver,
  startHttpsReceiver,
  startSmtpSink,
  testTls,
} from '../support/receivers';
import { DELIVERY_HISTORY_VERSION, historyText, recordHistoryIfAsked } from '../support/histories';
import { eventually, type TestStack, testNotificationDeps, useTestStack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const taskQueue = `notify-test-${randomUUID()}`;
const notifications = testNotificationDeps();
let tls: EmulatorTls;
let worker: BackupWorker;
let running: Promise<void>;
let connection: NativeConnection;
const receivers: Receiver[] = [];

beforeAll(async () => {
  tls = await testTls();
  notifications.trustedCaPem = tls.caPem;
  const env = testEnv();
  connection = await NativeConnection.connect({ address: env.temporalAddress });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  worker = await createBackupWorker({
    connection,
    namespace: env.namespace,
    taskQueue,
    bundlePath: env.bundlePath,
    deps: {
      db: stack.db,
      graph: new GraphClientFactory({ logger, endpointAllowlist: stack.graphEndpoints }),
      logger,
      secrets: new TenantSecretCipher(loadSecretKeyRing()),
      notifications,
    },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

/** A receiver the worker may reach (as NOTIFICATION_ENDPOINT_ALLOWLIST=127.0.0.1:<port> would). */
async function receiver(answer: (request: ReceivedRequest, index: number) => Answer, trusted = true) {
  const started = await startHttpsReceiver(tls, answer);
  receivers.push(started);
  if (trusted) notifications.endpointAllowlist.add(started.host);
  return started;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

async function channel(
  data: Omit<Prisma.NotificationChannelUncheckedCreateInput, 'id' | 'tenantId' | 'name' | 'createdBy'>,
  secrets: { current?: string; previous?: string; previousExpiresAt?: Date } = {},
): Promise<NotificationChannel> {
  const id = randomUUID();
  const current = secrets.current ? notifications.cipher.encrypt(id, secrets.current) : undefined;
  const previous = secrets.previous
    ? notifications.cipher.encrypt(id, secrets.previous, 'previous')
    : undefined;
  return stack.db.notificationChannel.create({
    data: {
      id,
      tenantId: stack.tenant.id,
      name: `channel ${id.slice(0, 8)}`,
      createdBy: 'system',
      eventTypes: ['backup.run.failed', 'tenant.credentials.failing', 'backup.changes.detected'],
      ...data,
      ...(current ? { secretCiphertext: current.ciphertext, secretKeyId: current.keyId } : {}),
      ...(previous
        ? {
            previousSecretCiphertext: previous.ciphertext,
            previousSecretKeyId: previous.keyId,
            previousSecretExpiresAt: secrets.previousExpiresAt ?? null,
          }
        : {}),
    },
  });
}

/** Publishes events and starts the deliveries of `target` (other channels of the tenant may match too). */
async function publish(
  target: NotificationChannel,
  types: EventType[],
  retrySchedule: string[],
  beforeStart?: () => Promise<void>,
) {
  const events = types.map((type) => ({
    tenantId: stack.tenant.id,
    type,
    causeKey: `test:${randomUUID()}:${type}`,
    attributes: {},
    data: {
      tenantId: stack.tenant.id,
      tenantName: 'Contoso <test>',
      runId: randomUUID(),
      errorCode: 'graph_auth_failed',
    },
  }));
  const { deliveryIds } = await publishEvents(stack.db, events);
  const ours = await stack.db.notificationDelivery.findMany({
    where: { id: { in: deliveryIds }, channelId: target.id },
    orderBy: { createdAt: 'asc' },
  });
  await beforeStart?.();
  await startDeliveryWorkflows(
    stack.temporal,
    stack.db,
    ours.map((delivery) => delivery.id),
    { taskQueue, retrySchedule },
  );
  return ours;
}

/** Waits for the delivery's workflow to end and, under RECORD_HISTORIES=1, keeps its history. */
async function recordDeliveryHistory(deliveryId: string, name: string): Promise<void> {
  await stack.temporal.workflow.getHandle(deliveryWorkflowId(deliveryId)).result();
  recordHistoryIfAsked(
    deliveryWorkflowId(deliveryId),
    `deliverNotification-${DELIVERY_HISTORY_VERSION}-${name}`,
  );
}

const finished = (deliveryId: string) =>
  eventually(
    async () => {
      const delivery = await stack.db.notificationDelivery.findUniqueOrThrow({
        where: { id: deliveryId },
        include: { attempts: { orderBy: { number: 'asc' } } },
      });
      return delivery.status !== 'pending' && delivery;
    },
    { what: `delivery ${deliveryId} to finish`, timeoutMs: 30_000 },
  );

describe('webhook delivery', () => {
  it('retries after two 500s with the same webhook-id and fresh timestamps, and succeeds once', async () => {
    const secret = newSecret();
    const verified: boolean[] = [];
    const target = await receiver((request, index) => {
      try {
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
        verified.push(true);
      } catch {
        verified.push(false);
      }
      return { status: index < 2 ? 500 : 204 };
    });
    const hook = await channel(
      { kind: 'webhook', url: `${target.origin}/hooks/tenantvault` },
      { current: secret },
    );
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '1s', '1s']);
    const done = await finished(delivery!.id);

    expect(target.requests).toHaveLength(3);
    expect(verified).toEqual([true, true, true]);
    expect(target.requests.map((request) => request.path)).toEqual(Array(3).fill('/hooks/tenantvault'));
    expect(new Set(target.requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([done.webhookId]),
    );
    expect(new Set(target.requests.map((request) => request.headers['webhook-timestamp'])).size).toBe(3);
    expect(target.requests[0]!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(target.requests[0]!.body);
    expect(body).toMatchObject({ type: 'backup.run.failed', data: { tenantId: stack.tenant.id } });
    expect(done).toMatchObject({ status: 'succeeded', attemptCount: 3, lastStatusCode: 204 });
    expect(done.deliveredAt).not.toBeNull();
    expect(done.attempts.map((attempt) => [attempt.number, attempt.outcome, attempt.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'succeeded', 204],
    ]);
    // Nothing the receiver said is kept.
    expect(JSON.stringify(done)).not.toContain('receiver text');
    await recordDeliveryHistory(delivery!.id, 'retried-succeeded');
  });

  it('waits as long as a 429 Retry-After asks before the next attempt', async () => {
    const target = await receiver((_, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 },
    );
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/busy` }, { current: newSecret() });
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '0s']);
    const done = await finished(delivery!.id);

    expect(done.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['throttled', 429],
      ['succeeded', 200],
    ]);
    const [first, second] = done.attempts;
    expect(second!.startedAt.getTime() - first!.startedAt.getTime()).toBeGreaterThanOrEqual(2_000);
  });

  it('stops a delivery whose channel was disabled between attempts', async () => {
    const target = await receiver(() => ({ status: 500 }));
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/flaky` }, { current: newSecret() });
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '3s', '3s']);
    await eventually(async () => target.requests.length === 1, { what: 'the first attempt' });
    await stack.db.notificationChannel.update({ where: { id: hook.id }, data: { enabled: false } });
    const done = await finished(delivery!.id);

    expect(target.requests).toHaveLength(1);
    expect(done).toMatchObject({ status: 'failed', attemptCount: 1 });
    expect(done.lastError).toContain('channel was disabled');
  });

  it('replays a finished delivery with the same webhook-id', async () => {
    const target = await receiver(() => ({ status: 200 }));
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/again` }, { current: newSecret() });
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s']);
    await finished(delivery!.id);
    expect(await reopenForReplay(stack.db, hook.id, delivery!.id)).toBe(true);
    await startDeliveryWorkflows(stack.temporal, stack.db, [delivery!.id], {
      taskQueue,
      retrySchedule: ['0s'],
    });
    const done = await finished(delivery!.id);

    expect(target.requests).toHaveLength(2);
    expect(target.requests[1]!.headers['webhook-id']).toBe(target.requests[0]!.headers['webhook-id']);
    expect(done).toMatchObject({ status: 'succeeded', attemptCount: 2, replays: 1 });
    expect(await reopenForReplay(stack.db, hook.id, randomUUID())).toBe(false);
  });

  it('runs a replay in a workflow of its own: the earlier round, left waiting by a crash, sends nothing more', async () => {
    let status = 500;
    const target = await receiver(() => ({ status }));
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/race` }, { current: newSecret() });
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '8s']);
    await eventually(
      async () =>
        (await stack.db.notificationDelivery.findUniqueOrThrow({ where: { id: delivery!.id } }))
          .attemptCount === 1,
      { what: 'the first attempt' },
    );
    // As if the first round had ended and its worker died before the workflow did: the row says
    // failed while the workflow still waits 8 s for its next attempt.
    await stack.db.notificationDelivery.update({ where: { id: delivery!.id }, data: { status: 'failed' } });
    status = 204;
    expect(await reopenForReplay(stack.db, hook.id, delivery!.id)).toBe(true);
    const replayedAt = Date.now();
    await startDeliveryWorkflows(stack.temporal, stack.db, [delivery!.id], {
      taskQueue,
      retrySchedule: ['0s'],
    });
    const done = await finished(delivery!.id);
    // Sent by the replay at once, not by the first round's attempt 8 s later.
    expect(Date.now() - replayedAt).toBeLessThan(5_000);
    expect(done).toMatchObject({ status: 'succeeded', replays: 1 });

    const firstRound = stack.temporal.workflow.getHandle(deliveryWorkflowId(delivery!.id));
    expect(await firstRound.result()).toMatchObject({ status: 'stopped' });
    expect(target.requests.map((request) => request.headers['webhook-id'])).toEqual([
      done.webhookId,
      done.webhookId,
    ]);
    expect(
      await stack.db.notificationDelivery.findUniqueOrThrow({ where: { id: delivery!.id } }),
    ).toMatchObject({
      status: 'succeeded',
      attemptCount: 2,
    });
  });

  it('disables the channel on 410 Gone, audits it and tells the tenant owners in the app', async () => {
    const owner = await stack.userWithRole('owner');
    const target = await receiver(() => ({ status: 410 }));
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/gone` }, { current: newSecret() });
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '1s', '1s']);
    const done = await finished(delivery!.id);

    expect(target.requests).toHaveLength(1);
    expect(done).toMatchObject({ status: 'failed', attemptCount: 1, lastStatusCode: 410 });
    expect(done.attempts.map((attempt) => attempt.outcome)).toEqual(['gone']);
    const disabled = await stack.db.notificationChannel.findUniqueOrThrow({ where: { id: hook.id } });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(disabled.disabledAt).not.toBeNull();
    const audit = await stack.db.auditLog.findMany({
      where: { resourceId: hook.id, action: 'notification_channel.disabled' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'system',
      tenantId: stack.tenant.id,
      metadata: { reason: 'gone' },
    });
    const told = await stack.db.notification.findMany({
      where: { userId: owner.userId, kind: 'notification_channel.disabled' },
    });
    expect(told).toHaveLength(1);
    expect(told[0]?.data).toMatchObject({ channelId: hook.id });
    await recordDeliveryHistory(delivery!.id, 'gone-failed');
  });

  it('disables the channel on 410 Gone even when the attempt could not be recorded', async () => {
    const target = await receiver(() => ({ status: 410 }));
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/gone` }, { current: newSecret() });
    // The attempt's record fails after the receiver said 410 (here a database error; a worker
    // dying after the record would leave the delivery failed and no later attempt to disable it):
    // the 410 must disable the channel whatever happens to the record.
    const fail = `fail_attempt_${randomUUID().replaceAll('-', '')}`;
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '1s'], async () => {
      const [ours] = await stack.db.notificationDelivery.findMany({ where: { channelId: hook.id } });
      await stack.db.$executeRawUnsafe(
        `CREATE FUNCTION ${fail}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.delivery_id = '${ours!.id}'::uuid THEN RAISE EXCEPTION 'attempt lost'; END IF; RETURN NEW; END $$`,
      );
      await stack.db.$executeRawUnsafe(
        `CREATE TRIGGER ${fail} BEFORE INSERT ON notification_delivery_attempts FOR EACH ROW EXECUTE FUNCTION ${fail}()`,
      );
    });
    try {
      await finished(delivery!.id);
      expect(target.requests).toHaveLength(1);
      const disabled = await stack.db.notificationChannel.findUniqueOrThrow({ where: { id: hook.id } });
      expect(disabled).toMatchObject({ enabled: false, disabledReason: 'gone' });
      const audit = await stack.db.auditLog.count({
        where: { resourceId: hook.id, action: 'notification_channel.disabled' },
      });
      expect(audit).toBe(1);
    } finally {
      await stack.db.$executeRawUnsafe(`DROP TRIGGER ${fail} ON notification_delivery_attempts`);
      await stack.db.$executeRawUnsafe(`DROP FUNCTION ${fail}()`);
    }
  });

  it('does not follow a redirect: the Location gets nothing and the attempt failed', async () => {
    const elsewhere = await receiver(() => ({ status: 204 }));
    const target = await receiver(() => ({
      status: 302,
      headers: { location: `${elsewhere.origin}/caught` },
    }));
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/moved` }, { current: newSecret() });
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s', '1s']);
    const done = await finished(delivery!.id);

    expect(target.requests).toHaveLength(2);
    expect(elsewhere.requests).toHaveLength(0);
    expect(done).toMatchObject({ status: 'failed', attemptCount: 2, lastStatusCode: 302 });
    expect(done.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['failed', 302],
      ['failed', 302],
    ]);
    expect(done.lastError).toContain('redirects are not followed');
  });

  it('refuses at send time a URL at a private address that is not allowlisted', async () => {
    const target = await receiver(() => ({ status: 204 }), false);
    const hook = await channel(
      { kind: 'webhook', url: `${target.origin}/private` },
      { current: newSecret() },
    );
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s']);
    const done = await finished(delivery!.id);

    expect(target.requests).toHaveLength(0);
    expect(done.status).toBe('failed');
    expect(done.attempts.map((attempt) => attempt.outcome)).toEqual(['refused']);
    expect(done.attempts[0]?.error).toContain('127.0.0.1 is a loopback address');
  });

  it('signs with both secrets during a rotation, and each signature verifies alone', async () => {
    const current = newSecret();
    const previous = newSecret();
    const target = await receiver(() => ({ status: 200 }));
    const hook = await channel(
      { kind: 'webhook', url: `${target.origin}/rotating` },
      { current, previous, previousExpiresAt: new Date(Date.now() + 3_600_000) },
    );
    const [delivery] = await publish(hook, ['backup.run.failed'], ['0s']);
    await finished(delivery!.id);

    const [request] = target.requests;
    const headers = request!.headers as Record<string, string>;
    const signatures = headers['webhook-signature']!.split(' ');
    expect(signatures).toHaveLength(2);
    expect(() =>
      new Webhook(current).verify(request!.body, { ...headers, 'webhook-signature': signatures[0]! }),
    ).not.toThrow();
    expect(() =>
      new Webhook(previous).verify(request!.body, { ...headers, 'webhook-signature': signatures[1]! }),
    ).not.toThrow();
    expect(() =>
      new Webhook(current).verify(request!.body, { ...headers, 'webhook-signature': signatures[1]! }),
    ).toThrow();
    const history = await historyText(stack.temporal, deliveryWorkflowId(delivery!.id));
    for (const secret of [current, previous]) expect(history).not.toContain(secret.slice('whsec_'.length));
  });

  it('folds a digest window of three events into one message listing the three', async () => {
    const target = await receiver(() => ({ status: 200 }));
    const hook = await channel(
      { kind: 'webhook', url: `${target.origin}/digest`, digest: 'hourly' },
      { current: newSecret() },
    );
    const types: EventType[] = ['backup.run.failed', 'tenant.credentials.failing', 'backup.changes.detected'];
    const deliveries = await publish(hook, types, ['0s', '1s'], async () => {
      // The hour's window would end too late for a test: end it in two seconds.
      await stack.db.notificationDelivery.updateMany({
        where: { channelId: hook.id },
        data: { digestWindowEnd: new Date(Date.now() + 2_000) },
      });
    });
    expect(deliveries).toHaveLength(3);
    await eventually(async () => target.requests.length > 0, { what: 'the digest', timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(target.requests).toHaveLength(1);
    const body = JSON.parse(target.requests[0]!.body);
    expect(body.type).toBe('notification.digest');
    expect(body.data.events.map((event: { type: string }) => event.type).sort()).toEqual([...types].sort());
    const rows = await stack.db.notificationDelivery.findMany({ where: { channelId: hook.id } });
    const digest = rows.find((row) => row.eventId === null);
    expect(digest).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    // Dated when the digest was made, not when an attempt went out: every attempt sends one body.
    expect(body.timestamp).toBe(digest?.createdAt.toISOString());
    expect(target.requests[0]!.headers['webhook-id']).toBe(digest?.webhookId);
    expect(rows.filter((row) => row.eventId !== null).map((row) => [row.status, row.digestId])).toEqual(
      Array(3).fill(['batched', digest?.id]),
    );
    // One workflow claimed the window and delivered it; the two others found theirs batched.
    const results = await Promise.all(
      deliveries.map(async ({ id }) => ({
        id,
        ...(await stack.temporal.workflow.getHandle(deliveryWorkflowId(id)).result()),
      })),
    );
    expect(results.map((result) => result.status).sort()).toEqual(['batched', 'batched', 'delivered']);
    await recordDeliveryHistory(
      results.find((result) => result.status === 'delivered')!.id,
      'digest-succeeded',
    );
  });
});

describe('a digest claim run again after it committed', () => {
  it('still delivers the digest it made (the second claim returns it, not "batched")', async () => {
    const target = await receiver(() => ({ status: 200 }));
    const hook = await channel(
      { kind: 'webhook', url: `${target.origin}/digest-retry`, digest: 'hourly' },
      { current: newSecret() },
    );
    const types: EventType[] = ['backup.run.failed', 'tenant.credentials.failing'];
    const deliveries = await publish(hook, types, ['0s', '1s'], async () => {
      await stack.db.notificationDelivery.updateMany({
        where: { channelId: hook.id },
        data: { digestWindowEnd: new Date(Date.now() + 5_000) },
      });
    });
    expect(deliveries).toHaveLength(2);
    const claimant = deliveries[0]!.id;
    // Both workflows planned and sleep until the window's end.
    for (const delivery of deliveries)
      await eventually(
        async () => {
          const { events } = await stack.temporal.workflow
            .getHandle(deliveryWorkflowId(delivery.id))
            .fetchHistory();
          return (events ?? []).some((event) => event.timerStartedEventAttributes);
        },
        { what: 'the window timer' },
      );
    // The claimant's claimDigest committed, then its worker died before Temporal heard of it:
    // Temporal runs the activity again with the same delivery id (here, when the timer fires).
    expect(await claimDigest(stack.db, claimant)).toMatchObject({ state: 'claimed', count: 2 });
    await eventually(async () => target.requests.length > 0, { what: 'the digest', timeoutMs: 30_000 });
    const digests = await stack.db.notificationDelivery.findMany({
      where: { channelId: hook.id, eventId: null },
    });
    expect(digests).toHaveLength(1);
    expect((await finished(digests[0]!.id)).status).toBe('succeeded');
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]!.headers['webhook-id']).toBe(digests[0]!.webhookId);
    expect(JSON.parse(target.requests[0]!.body).data.count).toBe(2);
  });
});

describe('a worker killed during an attempt', () => {
  const processes: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.kill('SIGKILL')));
  });

  it('still delivers exactly once to a receiver that deduplicates by webhook-id', async () => {
    const processQueue = `notify-crash-${randomUUID()}`;
    const processed = new Set<string>();
    let holdFirst: (() => void) | undefined;
    // The receiver acts on the message when it arrives; the first answer never comes back to the
    // worker that is killed while it waits.
    const target = await startHttpsReceiver(
      tls,
      (request) => {
        processed.add(String(request.headers['webhook-id']));
        return { status: 200 };
      },
      (index) =>
        index === 0
          ? new Promise<void>((resolve) => {
              holdFirst = resolve;
            })
          : Promise.resolve(),
    );
    receivers.push(target);
    const caFile = join(tmpdir(), `tenantvault-notify-ca-${process.pid}.pem`);
    writeFileSync(caFile, tls.caPem);
    const env = { NOTIFICATION_ENDPOINT_ALLOWLIST: target.host, NOTIFICATION_CA_FILE: caFile };
    const start = async () => {
      const started = await startWorkerProcess({ taskQueue: processQueue, emulator: stack.emulator, env });
      processes.push(started);
      return started;
    };
    const hook = await channel({ kind: 'webhook', url: `${target.origin}/dedupe` }, { current: newSecret() });
    const first = await start();
    const { deliveryIds } = await publishEvents(stack.db, [
      {
        tenantId: stack.tenant.id,
        type: 'backup.run.failed',
        causeKey: `test:${randomUUID()}`,
        attributes: {},
        data: { tenantId: stack.tenant.id },
      },
    ]);
    const ours = await stack.db.notificationDelivery.findFirstOrThrow({
      where: { id: { in: deliveryIds }, channelId: hook.id },
    });
    await startDeliveryWorkflows(stack.temporal, stack.db, [ours.id], {
      taskQueue: processQueue,
      retrySchedule: ['0s', '1s', '1s'],
    });
    await eventually(async () => target.requests.length === 1, { what: 'the first attempt to arrive' });
    await first.kill('SIGKILL');
    holdFirst?.();
    await start();
    // The killed attempt times out (45 s) and counts as failed; the next one re-sends.
    const done = await eventually(
      async () => {
        const delivery = await stack.db.notificationDelivery.findUniqueOrThrow({ where: { id: ours.id } });
        return delivery.status !== 'pending' && delivery;
      },
      { what: 'the delivery after the crash', timeoutMs: 120_000, intervalMs: 500 },
    );

    expect(done.status).toBe('succeeded');
    expect(target.requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(target.requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([ours.webhookId]),
    );
    expect(processed).toEqual(new Set([ours.webhookId]));
  }, 180_000);
});

describe('Teams delivery', () => {
  it('posts a message whose card is a valid Adaptive Card, to the full URL, unsigned', async () => {
    const target = await receiver(() => ({ status: 202 }));
    const fullUrl = `${target.origin}/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=${randomUUID()}`;
    const teams = await channel(
      { kind: 'teams', url: `${target.origin}/workflows/abc/triggers/manual/paths/invoke` },
      { current: fullUrl },
    );
    const [delivery] = await publish(teams, ['backup.run.failed'], ['0s']);
    const done = await finished(delivery!.id);

    expect(done.status).toBe('succeeded');
    const [request] = target.requests;
    expect(request!.path).toBe(fullUrl.slice(target.origin.length));
    expect(request!.headers['webhook-signature']).toBeUndefined();
    const message = JSON.parse(request!.body);
    expect(message.type).toBe('message');
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = message.attachments[0].content;
    const validate = adaptiveCardValidator();
    expect(validate(card) ? [] : validate.errors).toEqual([]);
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl' });
    expect(card.actions[0].url).toMatch(
      new RegExp(`^http://localhost:3000/v1/tenants/${stack.tenant.id}/runs/`),
    );
    // The URL's signature is a secret: not in the workflow's history, the rows or the errors.
    const sig = new URL(fullUrl).searchParams.get('sig')!;
    const history = await historyText(stack.temporal, deliveryWorkflowId(delivery!.id));
    expect(history).toContain(delivery!.id);
    expect(history).not.toContain(sig);
    expect(JSON.stringify(done)).not.toContain(sig);
    // A card the schema refuses is refused: the check can fail.
    expect(validate({ ...card, body: [{ type: 'TextBlock', txt: 'typo' }] })).toBe(false);
  });
});

describe('e-mail delivery', () => {
  it('lands in the SMTP sink with the subject, recipients, text and HTML', async () => {
    const sink = await startSmtpSink();
    try {
      notifications.smtp = {
        host: '127.0.0.1',
        port: sink.port,
        secure: false,
        from: 'TenantVault <alerts@tenantvault.test>',
      };
      const recipients = ['ops@contoso.test', 'security@contoso.test'];
      // A deactivated user's address (in any case) gets nothing.
      const departed = await stack.userWithRole(null);
      await stack.db.user.update({ where: { id: departed.userId }, data: { deactivatedAt: new Date() } });
      const email = await channel({
        kind: 'email',
        recipients: [...recipients, departed.email.toUpperCase()],
      });
      const [delivery] = await publish(email, ['backup.run.failed'], ['0s']);
      const done = await finished(delivery!.id);

      expect(done.status).toBe('succeeded');
      expect(sink.messages).toHaveLength(1);
      const [{ envelopeTo, mail }] = sink.messages as [(typeof sink.messages)[number]];
      expect(envelopeTo.sort()).toEqual([...recipients].sort());
      expect(mail.subject).toBe('[TenantVault] Backup run failed for Contoso <test>');
      expect(mail.from?.value).toEqual([{ name: 'TenantVault', address: 'alerts@tenantvault.test' }]);
      expect(mail.headers.get('x-tenantvault-webhook-id')).toBe(done.webhookId);
      expect(mail.text).toContain('Tenant: Contoso <test>');
      expect(mail.text).toContain(`Open: http://localhost:3000/v1/tenants/${stack.tenant.id}/runs/`);
      expect(mail.html).toContain('Contoso &lt;test&gt;');
      expect(mail.html).not.toContain('<test>');
    } finally {
      await sink.close();
    }
  });
});

describe('e-mail with SMTP authentication', () => {
  const smtpOf = (port: number) => ({
    host: '127.0.0.1',
    port,
    secure: false,
    user: 'tenantvault',
    password: `smtp-password-${randomUUID()}`,
    from: 'alerts@tenantvault.test',
    trustedCaPem: tls.caPem,
  });

  it('never sends SMTP_PASSWORD over a connection without TLS (a server not offering STARTTLS)', async () => {
    const sink = await startSmtpSink({ auth: true });
    try {
      notifications.smtp = smtpOf(sink.port);
      const email = await channel({ kind: 'email', recipients: ['ops@contoso.test'] });
      const [delivery] = await publish(email, ['backup.run.failed'], ['0s']);
      const done = await finished(delivery!.id);

      expect(sink.logins).toEqual([]);
      expect(sink.messages).toHaveLength(0);
      expect(done.status).toBe('failed');
      expect(done.lastError).not.toContain(notifications.smtp.password);
    } finally {
      await sink.close();
    }
  });

  it('logs in after STARTTLS and sends', async () => {
    const sink = await startSmtpSink({ auth: true, tls });
    try {
      const smtp = smtpOf(sink.port);
      notifications.smtp = smtp;
      const email = await channel({ kind: 'email', recipients: ['ops@contoso.test'] });
      const [delivery] = await publish(email, ['backup.run.failed'], ['0s']);
      const done = await finished(delivery!.id);

      expect(done.status).toBe('succeeded');
      expect(sink.logins).toEqual([{ username: 'tenantvault', password: smtp.password, overTls: true }]);
      expect(sink.messages).toHaveLength(1);
    } finally {
      await sink.close();
    }
  });
});

describe('in-app delivery', () => {
  it("notifies the tenant's active owners and managers once", async () => {
    const manager = await stack.userWithRole('manager');
    const operator = await stack.userWithRole('operator');
    const deactivated = await stack.userWithRole('manager');
    await stack.db.user.update({ where: { id: deactivated.userId }, data: { deactivatedAt: new Date() } });
    const inApp = await channel({ kind: 'in_app' });
    const [delivery] = await publish(inApp, ['backup.run.failed'], ['0s']);
    const done = await finished(delivery!.id);

    expect(done.status).toBe('succeeded');
    const rows = await stack.db.notification.findMany({
      where: { data: { path: ['deliveryId'], equals: delivery!.id } },
    });
    expect(rows.map((row) => row.userId)).toContain(manager.userId);
    expect(rows.map((row) => row.userId)).not.toContain(operator.userId);
    expect(rows.map((row) => row.userId)).not.toContain(deactivated.userId);
    expect(new Set(rows.map((row) => row.userId)).size).toBe(rows.length);
    expect(rows[0]).toMatchObject({
      kind: 'backup.run.failed',
      title: 'Backup run failed for Contoso <test>',
    });
  });
});

/** The vendored Adaptive Card 1.5 schema (test/fixtures/adaptiveCards, MIT, from microsoft/AdaptiveCards). */
function adaptiveCardValidator() {
  const path = join(__dirname, '..', 'fixtures', 'adaptiveCards', 'adaptive-card-1.5.0.schema.json');
  // The schema names itself with draft-04's `id`, which Ajv 8 reads as `$id`.
  const { id, ...schema } = JSON.parse(readFileSync(path, 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addFormat('uri', (text: string) => URL.canParse(text));
  ajv.addFormat('uri-reference', (text: string) => URL.canParse(text, 'http://base.invalid'));
  return ajv.compile({ $id: id, ...schema });
}
