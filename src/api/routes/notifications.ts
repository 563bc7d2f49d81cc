import { Router } from 'express';
import { listNotifications, readNotification } from '../../services/notifications';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, page, queryFlag } from '../pagination';
import { notificationJson } from '../serializers';
import { param, parseQuery, pathId } from '../validation';

export const notificationsQuery = newestFirstPageQuery.extend({ unread: queryFlag }).strict();

/** The caller's own notifications (/v1/me/notifications). */
export function notificationsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseQuery(notificationsQuery, req.query);
    const rows = await listNotifications(deps.db, principalOf(res).userId, query);
    res.json(page(rows, query.limit, notificationJson, encodeCursor));
  });
  router.post('/:notificationId/read', async (req, res) => {
    const id = pathId(param(req, 'notificationId'), 'notification');
    res.json(notificationJson(await readNotification(deps.db, principalOf(res).userId, id)));
  });
  return router;
}
