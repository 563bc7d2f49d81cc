import type { DbClient as Db, Notification, Prisma } from './client';
import { after, type KeysetPosition, NEWEST_FIRST } from './paging';

export function insertNotification(
  db: Db,
  notification: {
    userId: string;
    tenantId: string | null;
    kind: string;
    title: string;
    body: string;
    data?: Prisma.InputJsonObject;
  },
): Promise<Notification> {
  return db.notification.create({ data: notification });
}

/** The user's notifications, newest first; only unread ones when asked. */
export function listNotifications(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: KeysetPosition; unread?: boolean },
): Promise<Notification[]> {
  return db.notification.findMany({
    where: { userId, ...(page.unread ? { readAt: null } : {}), ...after(page.cursor) },
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
  });
}

/** Marks the user's notification read (once; the first time stays); null if it is not theirs. */
export async function markNotificationRead(db: Db, userId: string, id: string): Promise<Notification | null> {
  await db.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: new Date() } });
  return db.notification.findFirst({ where: { id, userId } });
}
