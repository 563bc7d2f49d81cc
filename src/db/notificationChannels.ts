// Notification channels and their deliveries, as the control-plane API reads and writes them.
// A channel's scope is its tenant, or null for the platform-wide channels of platform admins: every
// lookup names the scope, so an id of another tenant's channel finds nothing.
import { randomUUID } from 'node:crypto';
import type { Db, DbClient, NotificationChannel, Prisma } from './client';
import { deliveryRow, tenantsAbout } from './notificationEvents';
import { after, type KeysetPosition, NEWEST_FIRST } from './paging';

/** The channel's tenant, or null: platform-wide. */
export type ChannelScope = string | null;

export function findChannel(db: DbClient, scope: ChannelScope, id: string) {
  return db.notificationChannel.findFirst({ where: { id, tenantId: scope } });
}

/** One page by id (limit + 1 rows). */
export function listChannels(db: Db, scope: ChannelScope, page: { limit: number; cursor?: string }) {
  return db.notificationChannel.findMany({
    where: { tenantId: scope, ...(page.cursor ? { id: { gt: page.cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
}

export function insertChannel(db: DbClient, data: Prisma.NotificationChannelUncheckedCreateInput) {
  return db.notificationChannel.create({ data });
}

export function updateChannel(
  db: DbClient,
  id: string,
  data: Prisma.NotificationChannelUncheckedUpdateInput,
) {
  return db.notificationChannel.update({ where: { id }, data });
}

/** The channel, locked for the rest of the transaction (a rotation reads then replaces secrets). */
export async function lockChannel(db: DbClient, scope: ChannelScope, id: string) {
  await db.$queryRaw`SELECT id FROM notification_channels WHERE id = ${id}::uuid FOR UPDATE`;
  return findChannel(db, scope, id);
}

export async function deleteChannel(db: DbClient, scope: ChannelScope, id: string): Promise<boolean> {
  const { count } = await db.notificationChannel.deleteMany({ where: { id, tenantId: scope } });
  return count > 0;
}

/** Which of `ids` are live schedules of the scope (any tenant's for a platform-wide channel). */
export async function liveScheduleIds(db: Db, scope: ChannelScope, ids: string[]): Promise<Set<string>> {
  const rows = await db.backupSchedule.findMany({
    where: { id: { in: ids }, deletedAt: null, ...(scope === null ? {} : { tenantId: scope }) },
    select: { id: true },
  });
  return new Set(rows.map((row) => row.id));
}

const withAttempts = {
  attempts: { orderBy: { number: 'asc' as const } },
  event: { select: { type: true } },
};

/** The channel's deliveries, newest first (limit + 1 rows), each with its attempts. */
export function listDeliveries(db: Db, channelId: string, page: { limit: number; cursor?: KeysetPosition }) {
  return db.notificationDelivery.findMany({
    where: { channelId, ...after(page.cursor) },
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
    include: withAttempts,
  });
}

export function findDelivery(db: DbClient, channelId: string, deliveryId: string) {
  return db.notificationDelivery.findFirst({
    where: { id: deliveryId, channelId },
    include: withAttempts,
  });
}

export type DeliveryWithAttempts = NonNullable<Awaited<ReturnType<typeof findDelivery>>>;

/**
 * A `notification.test` event and its one delivery, to this channel only: the test bypasses the
 * channel's subscriptions and its digest (it is sent at once).
 */
export async function insertTestEvent(
  db: DbClient,
  channel: NotificationChannel,
  data: Prisma.InputJsonObject,
  now = new Date(),
): Promise<string> {
  const about = channel.tenantId ? (await tenantsAbout(db, [channel.tenantId])).get(channel.tenantId) : {};
  const event = await db.notificationEvent.create({
    data: {
      tenantId: channel.tenantId,
      type: 'notification.test',
      causeKey: `test:${randomUUID()}`,
      attributes: {},
      data: { ...about, ...data },
      createdAt: now,
    },
  });
  const row = { ...deliveryRow(channel, event.id, now), digestWindowEnd: null };
  await db.notificationDelivery.create({ data: row });
  return row.id as string;
}

/** A channel's encrypted secrets as the key rotation reads them (src/services/channelSecretRotation.ts). */
export type ChannelSecretsRow = Pick<
  NotificationChannel,
  | 'id'
  | 'tenantId'
  | 'secretCiphertext'
  | 'secretKeyId'
  | 'previousSecretCiphertext'
  | 'previousSecretKeyId'
  | 'updatedAt'
>;

/** Channels with a secret (current or previous) not under `keyId`, by id after `afterId`. */
export function listChannelSecretsNotUnderKey(
  db: Db,
  keyId: string,
  page: { limit: number; afterId?: string },
): Promise<ChannelSecretsRow[]> {
  return db.notificationChannel.findMany({
    where: {
      // `not` leaves out null key ids: a slot without a secret needs nothing.
      OR: [{ secretKeyId: { not: keyId } }, { previousSecretKeyId: { not: keyId } }],
      ...(page.afterId ? { id: { gt: page.afterId } } : {}),
    },
    select: {
      id: true,
      tenantId: true,
      secretCiphertext: true,
      secretKeyId: true,
      previousSecretCiphertext: true,
      previousSecretKeyId: true,
      updatedAt: true,
    },
    orderBy: { id: 'asc' },
    take: page.limit,
  });
}

/**
 * Stores re-encrypted secrets, only if the row still holds both secrets as read (a rotation or
 * edit through the API meanwhile wins). Re-encryption changes no setting, so updatedAt is kept.
 */
export async function replaceChannelSecrets(
  db: DbClient,
  read: ChannelSecretsRow,
  next: Pick<
    ChannelSecretsRow,
    'secretCiphertext' | 'secretKeyId' | 'previousSecretCiphertext' | 'previousSecretKeyId'
  >,
): Promise<boolean> {
  const { count } = await db.notificationChannel.updateMany({
    where: {
      id: read.id,
      secretCiphertext: read.secretCiphertext,
      secretKeyId: read.secretKeyId,
      previousSecretCiphertext: read.previousSecretCiphertext,
      previousSecretKeyId: read.previousSecretKeyId,
    },
    data: { ...next, updatedAt: read.updatedAt },
  });
  return count === 1;
}

/** How many channel secrets (current and previous slots together) each key id holds. */
export async function countChannelSecretsByKey(db: Db): Promise<Record<string, number>> {
  const [current, previous] = await Promise.all([
    db.notificationChannel.groupBy({
      by: ['secretKeyId'],
      where: { secretKeyId: { not: null } },
      _count: { _all: true },
    }),
    db.notificationChannel.groupBy({
      by: ['previousSecretKeyId'],
      where: { previousSecretKeyId: { not: null } },
      _count: { _all: true },
    }),
  ]);
  const counts: Record<string, number> = {};
  const pairs = [
    ...current.map((group) => [group.secretKeyId!, group._count._all] as const),
    ...previous.map((group) => [group.previousSecretKeyId!, group._count._all] as const),
  ];
  for (const [keyId, count] of pairs) counts[keyId] = (counts[keyId] ?? 0) + count;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
