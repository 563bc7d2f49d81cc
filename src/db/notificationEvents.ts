// Events and the deliveries they fan out to, written together: an event row exists exactly when
// its deliveries do, and a second publish of the same cause (a retried activity, two reconciler
// passes) inserts nothing. Callers pass their transaction so the audit row that records the
// cause commits with them.
import { randomUUID } from 'node:crypto';
import { type SubscribingChannel, channelWants } from '../notifications/subscriptions';
import type { ChannelFilters, NewEvent } from '../notifications/types';
import type { DbClient, NotificationChannel, Prisma } from './client';

export interface PublishedDeliveries {
  /** Pending deliveries of the events (new and, on a repeat, earlier): start their workflows. */
  deliveryIds: string[];
}

export async function publishEvents(
  db: DbClient,
  events: NewEvent[],
  now = new Date(),
): Promise<PublishedDeliveries> {
  if (events.length === 0) return { deliveryIds: [] };
  const about = await tenantsAbout(
    db,
    events.map((event) => event.tenantId),
  );
  const created = await db.notificationEvent.createManyAndReturn({
    data: events.map((event) => ({
      tenantId: event.tenantId,
      type: event.type,
      causeKey: event.causeKey,
      attributes: event.attributes as Prisma.InputJsonObject,
      data: { ...(event.tenantId ? about.get(event.tenantId) : {}), ...event.data } as Prisma.InputJsonObject,
      createdAt: now,
    })),
    skipDuplicates: true,
  });
  if (created.length > 0) {
    const tenantIds = [...new Set(created.map((event) => event.tenantId))];
    const channels = await db.notificationChannel.findMany({
      where: {
        enabled: true,
        OR: [{ tenantId: null }, { tenantId: { in: tenantIds.filter((id): id is string => id !== null) } }],
      },
    });
    const rows: Prisma.NotificationDeliveryCreateManyInput[] = [];
    for (const event of created) {
      const newEvent = events.find((candidate) => candidate.causeKey === event.causeKey)!;
      for (const channel of channels) {
        if (!channelWants(subscribingOf(channel), newEvent)) continue;
        rows.push(deliveryRow(channel, event.id, now));
      }
    }
    if (rows.length > 0) await db.notificationDelivery.createMany({ data: rows, skipDuplicates: true });
  }
  const pending = await db.notificationDelivery.findMany({
    where: { status: 'pending', event: { causeKey: { in: events.map((event) => event.causeKey) } } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  return { deliveryIds: pending.map((delivery) => delivery.id) };
}

/**
 * Which tenant each event is about, by name as well as id: a platform-wide channel hears every
 * tenant, and a person reading "changes detected" must know in which customer's tenant.
 */
export async function tenantsAbout(db: DbClient, tenantIds: (string | null)[]) {
  const ids = [...new Set(tenantIds.flatMap((id) => (id ? [id] : [])))];
  const tenants = await db.tenant.findMany({
    where: { id: { in: ids } },
    select: { id: true, slug: true, displayName: true },
  });
  return new Map(
    tenants.map((tenant) => [
      tenant.id,
      { tenantId: tenant.id, tenantSlug: tenant.slug, tenantName: tenant.displayName },
    ]),
  );
}

/** One delivery of an event to one channel; a digest channel's waits for its window's end. */
export function deliveryRow(
  channel: Pick<NotificationChannel, 'id' | 'digest'>,
  eventId: string,
  now: Date,
): Prisma.NotificationDeliveryCreateManyInput {
  return {
    id: randomUUID(),
    channelId: channel.id,
    eventId,
    webhookId: newWebhookId(),
    digestWindowEnd: channel.digest === 'none' ? null : digestWindowEnd(channel.digest, now),
  };
}

/** A Standard Webhooks message id: no `.` (it separates the signed parts). */
export const newWebhookId = (): string => `msg_${randomUUID().replaceAll('-', '')}`;

/** The end of the UTC hour or day `now` falls in. */
export function digestWindowEnd(digest: 'hourly' | 'daily', now: Date): Date {
  const end = new Date(now);
  if (digest === 'hourly') end.setUTCMinutes(0, 0, 0);
  else end.setUTCHours(0, 0, 0, 0);
  if (digest === 'hourly') end.setUTCHours(end.getUTCHours() + 1);
  else end.setUTCDate(end.getUTCDate() + 1);
  return end;
}

function subscribingOf(channel: NotificationChannel): SubscribingChannel {
  return {
    id: channel.id,
    tenantId: channel.tenantId,
    enabled: channel.enabled,
    eventTypes: channel.eventTypes,
    filters: channel.filters as ChannelFilters,
  };
}
