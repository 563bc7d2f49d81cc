import type { DbClient as Db, Notification, Prisma } from './client';
import { after, NEWEST_FIRST } from './paging';

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
export async function listNotifications(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: string; unread?: boolean },
): Promise<Notification[]> {
  const cursorRow = page.cursor
    ? await db.notification.findFirst({ where: { id: page.cursor, userId } })
    : null;
  return db.notification.findMany({
    where: { userId, ...(page.unread ? { readAt: null } : {}), ...after(cursorRow) },
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
  });
}

/** Marks the user's notification read (once; the first time stays); null if it is not theirs. */
export async function markNotificationRead(db: Db, userId: string, id: string): Promise<Notification | null> {
  await db.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: new Date() } });
  return db.notification.findFirst({ where: { id, userId } });
}
