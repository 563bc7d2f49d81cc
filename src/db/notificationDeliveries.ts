// The delivery side of notifications: what an attempt needs to send, recording each attempt,
// folding a digest window's deliveries into one, and disabling a channel whose receiver is gone.
import { createHash } from 'node:crypto';
import { appendAudit } from './audit';
import type { Db, DbClient, NotificationChannel, NotificationEvent, Prisma, TenantRole } from './client';
import { newWebhookId } from './notificationEvents';
import { insertNotification } from './notifications';

export interface DeliveryToSend {
  id: string;
  webhookId: string;
  status: string;
  replays: number;
  createdAt: Date;
  attemptCount: number;
  channel: NotificationChannel;
  /** The event, or for a digest delivery (no event of its own) the events folded into it. */
  events: NotificationEvent[];
  isDigest: boolean;
}

export async function findDeliveryToSend(db: DbClient, deliveryId: string): Promise<DeliveryToSend | null> {
  const delivery = await db.notificationDelivery.findUnique({
    where: { id: deliveryId },
    include: { channel: true, event: true },
  });
  if (!delivery) return null;
  const events = delivery.event
    ? [delivery.event]
    : (
        await db.notificationDelivery.findMany({
          where: { digestId: delivery.id },
          include: { event: true },
          orderBy: { createdAt: 'asc' },
        })
      ).flatMap((batched) => (batched.event ? [batched.event] : []));
  return { ...delivery, events, isDigest: delivery.eventId === null };
}

export interface AttemptRecord {
  deliveryId: string;
  /** The replay the attempt belongs to: it changes the delivery's state only if still current. */
  replay: number;
  startedAt: Date;
  durationMs: number;
  outcome: string;
  statusCode?: number | undefined;
  error?: string | undefined;
  /** Terminal state this attempt puts the delivery in; pending when it will be tried again. */
  status: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
}

/**
 * The attempt row and the delivery's summary of it, together; returns the attempt's number. The
 * attempt is always counted, but it sets the delivery's state only while the delivery is still
 * pending in the same replay: an attempt that outlived its timeout must not turn a later success
 * (or a replay begun meanwhile) back into pending or failed.
 */
export async function recordAttempt(db: Db, record: AttemptRecord): Promise<number> {
  return db.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ status: string; replays: number }[]>`
      SELECT status::text AS status, replays FROM notification_deliveries
      WHERE id = ${record.deliveryId}::uuid FOR UPDATE`;
    const stillCurrent = current?.status === 'pending' && current.replays === record.replay;
    const delivery = await tx.notificationDelivery.update({
      where: { id: record.deliveryId },
      data: {
        attemptCount: { increment: 1 },
        ...(stillCurrent
          ? {
              status: record.status,
              lastStatusCode: record.statusCode ?? null,
              lastError: record.error ?? null,
              nextAttemptAt: record.nextAttemptAt,
              ...(record.status === 'succeeded' ? { deliveredAt: new Date() } : {}),
            }
          : {}),
      },
    });
    await tx.notificationDeliveryAttempt.create({
      data: {
        deliveryId: record.deliveryId,
        number: delivery.attemptCount,
        startedAt: record.startedAt,
        durationMs: record.durationMs,
        statusCode: record.statusCode ?? null,
        outcome: record.outcome,
        error: record.error ?? null,
      },
    });
    return delivery.attemptCount;
  });
}

/** Ends a delivery still pending in this replay as failed, saying why (no attempt is recorded). */
export async function failPendingDelivery(
  db: DbClient,
  deliveryId: string,
  replay: number,
  reason: string,
): Promise<void> {
  await db.notificationDelivery.updateMany({
    where: { id: deliveryId, status: 'pending', replays: replay },
    data: { status: 'failed', lastError: reason, nextAttemptAt: null },
  });
}

export type DigestClaim =
  | { state: 'claimed'; digestDeliveryId: string; count: number }
  | { state: 'batched' | 'done' | 'missing' };

/**
 * Folds every pending delivery of the channel whose window ended by `deliveryId`'s window end
 * into one new digest delivery (no event of its own), in one transaction with the channel row
 * locked: two workflows of the same window waking together make one digest, not two. The
 * digest's id derives from the claimant's, so a claim run again after it committed (its worker
 * died before Temporal heard) finds its own digest instead of answering `batched` and losing it.
 */
export async function claimDigest(db: Db, deliveryId: string): Promise<DigestClaim> {
  return db.$transaction(async (tx) => {
    const own = await tx.notificationDelivery.findUnique({ where: { id: deliveryId } });
    if (!own) return { state: 'missing' };
    await tx.$queryRaw`SELECT id FROM notification_channels WHERE id = ${own.channelId}::uuid FOR UPDATE`;
    const current = await tx.notificationDelivery.findUnique({ where: { id: deliveryId } });
    if (!current) return { state: 'missing' };
    const digestDeliveryId = digestIdOf(deliveryId);
    if (current.status === 'batched' && current.digestId === digestDeliveryId) {
      const count = await tx.notificationDelivery.count({ where: { digestId: digestDeliveryId } });
      return { state: 'claimed', digestDeliveryId, count };
    }
    if (current.status === 'batched') return { state: 'batched' };
    if (current.status !== 'pending' || current.digestWindowEnd === null) return { state: 'done' };
    const members = await tx.notificationDelivery.findMany({
      where: {
        channelId: current.channelId,
        status: 'pending',
        eventId: { not: null },
        digestWindowEnd: { lte: current.digestWindowEnd },
      },
      select: { id: true },
    });
    await tx.notificationDelivery.create({
      data: {
        id: digestDeliveryId,
        channelId: current.channelId,
        webhookId: newWebhookId(),
        // Delivered by the workflow that claimed it, which is running now.
        workflowStartedAt: new Date(),
      },
    });
    await tx.notificationDelivery.updateMany({
      where: { id: { in: members.map((member) => member.id) } },
      data: { status: 'batched', digestId: digestDeliveryId, nextAttemptAt: null },
    });
    return { state: 'claimed', digestDeliveryId, count: members.length };
  });
}

/** The id of the digest `claimantId` makes: a UUID (version 8, name-based) from a SHA-256 of it. */
export function digestIdOf(claimantId: string): string {
  const bytes = createHash('sha256').update(`notification-digest:${claimantId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The receiver answered 410 Gone: the channel is disabled (once), audited as the system, and its
 * tenant's owners (platform admins for a platform-wide channel) are told in the app.
 */
export async function disableGoneChannel(
  db: Db,
  channel: NotificationChannel,
  deliveryId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const disabled = await tx.notificationChannel.updateMany({
      where: { id: channel.id, enabled: true },
      data: { enabled: false, disabledReason: 'gone', disabledAt: new Date() },
    });
    if (disabled.count === 0) return;
    await appendAudit(tx, {
      tenantId: channel.tenantId,
      actor: 'system',
      action: 'notification_channel.disabled',
      resourceType: 'notification_channel',
      resourceId: channel.id,
      metadata: { reason: 'gone', deliveryId, kind: channel.kind },
    });
    for (const userId of await recipientUserIds(tx, channel.tenantId, ['owner']))
      await insertNotification(tx, {
        userId,
        tenantId: channel.tenantId,
        kind: 'notification_channel.disabled',
        title: `Notification channel "${channel.name}" was disabled`,
        body: 'Its receiver answered 410 Gone, so TenantVault stopped sending to it. Fix the receiver and enable the channel again.',
        data: { channelId: channel.id, deliveryId, reason: 'gone' },
      });
  });
}

/**
 * Users told in the app about a tenant (members with `roles`), or platform admins for null; never
 * deactivated users (reactivated, they get what comes after).
 */
export async function recipientUserIds(
  db: DbClient,
  tenantId: string | null,
  roles: TenantRole[],
): Promise<string[]> {
  if (tenantId === null) {
    const admins = await db.user.findMany({
      where: { platformAdmin: true, deactivatedAt: null },
      select: { id: true },
    });
    return admins.map((admin) => admin.id);
  }
  const members = await db.tenantMembership.findMany({
    where: { tenantId, role: { in: roles }, user: { deactivatedAt: null } },
    select: { userId: true },
  });
  return members.map((member) => member.userId);
}

/** In-app notifications of one delivery, once: a retried attempt finds them by deliveryId. */
export async function insertInAppOnce(
  db: Db,
  deliveryId: string,
  tenantId: string | null,
  notification: { kind: string; title: string; body: string; data: Prisma.InputJsonObject },
): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`notification-delivery:${deliveryId}`}))`;
    const existing = await tx.notification.count({
      where: { data: { path: ['deliveryId'], equals: deliveryId } },
    });
    if (existing > 0) return existing;
    const userIds = await recipientUserIds(tx, tenantId, ['owner', 'manager']);
    for (const userId of userIds)
      await insertNotification(tx, {
        userId,
        tenantId,
        ...notification,
        data: { ...notification.data, deliveryId },
      });
    return userIds.length;
  });
}

/**
 * Makes a finished (succeeded or failed) delivery pending again as its next replay, for
 * POST …/deliveries/{id}/replay; the caller then starts the replay's own workflow
 * (startDeliveryWorkflows), which sends with the same webhook-id and numbers its attempts on from
 * the earlier ones. The earlier round's workflow, if a crash left it waiting, sends nothing more.
 * False when the delivery is pending (its workflow is still trying), folded into a digest (replay
 * the digest instead) or not the channel's.
 */
export async function reopenForReplay(db: DbClient, channelId: string, deliveryId: string): Promise<boolean> {
  const reset = await db.notificationDelivery.updateMany({
    where: { id: deliveryId, channelId, status: { in: ['succeeded', 'failed'] } },
    data: {
      status: 'pending',
      replays: { increment: 1 },
      digestWindowEnd: null,
      nextAttemptAt: null,
      deliveredAt: null,
      lastError: null,
      workflowStartedAt: null,
    },
  });
  return reset.count === 1;
}
