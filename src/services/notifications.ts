import type { Db } from '../db/client';
import { markNotificationRead, listNotifications as selectNotifications } from '../db/notifications';
import type { KeysetPosition } from '../db/paging';
import { NotFoundError } from './errors';

export function listNotifications(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: KeysetPosition; unread?: boolean },
) {
  return selectNotifications(db, userId, page);
}

export async function readNotification(db: Db, userId: string, id: string) {
  const notification = await markNotificationRead(db, userId, id);
  // Another user's notification does not exist for this one.
  if (!notification) throw new NotFoundError('notification');
  return notification;
}
