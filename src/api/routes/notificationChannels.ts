import { type Request, Router } from 'express';
import type { ChannelScope } from '../../db/notificationChannels';
import { notificationEndpointAllowlist } from '../../outbound';
import { BACKUP_TASK_QUEUE, STANDARD_WEBHOOKS_RETRY_SCHEDULE } from '../../shared/constants';
import {
  type ChannelServiceDeps,
  type ChannelWithSecret,
  createNotificationChannel,
  deleteNotificationChannel,
  getChannelDelivery,
  getNotificationChannel,
  listChannelDeliveries,
  listNotificationChannels,
  replayDelivery,
  rotateChannelSecret,
  sendTestNotification,
  updateNotificationChannel,
} from '../../services/notificationChannels';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { encodeCursor, page, pageQuery } from '../pagination';
import { channelJson, deliveryJson } from '../serializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import {
  createChannelBody,
  deliveriesQuery,
  rotateSecretBody,
  updateChannelBody,
} from './notificationChannels.schema';

/** Where a router's channels live: a tenant's (from the path) or the platform's (null). */
export interface ChannelRoutesScope {
  scopeOf(req: Request): ChannelScope;
  /** The channels' collection path, for Location headers. */
  basePath(scope: ChannelScope): string;
}

export const TENANT_CHANNELS: ChannelRoutesScope = {
  scopeOf: (req) => pathId(param(req, 'tenantId'), 'tenant'),
  basePath: (scope) => `/v1/tenants/${scope}/notification-channels`,
};

export const PLATFORM_CHANNELS: ChannelRoutesScope = {
  scopeOf: () => null,
  basePath: () => '/v1/notification-channels',
};

export function channelServiceDeps(deps: ApiDeps): ChannelServiceDeps {
  return {
    db: deps.db,
    temporal: deps.temporal,
    logger: deps.logger,
    cipher: deps.secrets.channels,
    endpointAllowlist: deps.notificationEndpointAllowlist ?? notificationEndpointAllowlist(),
    retrySchedule: deps.notificationRetrySchedule ?? [...STANDARD_WEBHOOKS_RETRY_SCHEDULE],
    taskQueue: BACKUP_TASK_QUEUE,
  };
}

/** The channel, and its signing secret only when it was just made: the one time it is shown. */
const withSecretJson = ({ channel, signingSecret }: ChannelWithSecret) => ({
  ...channelJson(channel),
  ...(signingSecret ? { signingSecret } : {}),
});

/**
 * Notification channels of one scope (mounted for tenants and for the platform); who may call
 * each route is the route table's business (src/api/routeTable.ts).
 */
export function notificationChannelsRouter(deps: ApiDeps, where: ChannelRoutesScope): Router {
  const router = Router({ mergeParams: true });
  const service = channelServiceDeps(deps);
  const channelId = (req: Request) => pathId(param(req, 'channelId'), 'notification channel');
  const deliveryId = (req: Request) => pathId(param(req, 'deliveryId'), 'delivery');
  const actor = (res: Parameters<typeof principalOf>[0]) => principalOf(res).userId;
  const deliveryPath = (scope: ChannelScope, channel: string, delivery: string) =>
    `${where.basePath(scope)}/${channel}/deliveries/${delivery}`;

  router.get('/', async (req, res) => {
    const query = parseQuery(pageQuery, req.query);
    const rows = await listNotificationChannels(deps.db, where.scopeOf(req), query);
    res.json(page(rows, query.limit, channelJson));
  });

  router.post('/', async (req, res) => {
    const scope = where.scopeOf(req);
    const body = parseBody(createChannelBody, req.body);
    const created = await createNotificationChannel(service, scope, body, actor(res));
    res
      .status(201)
      .location(`${where.basePath(scope)}/${created.channel.id}`)
      .json(withSecretJson(created));
  });

  router.get('/:channelId', async (req, res) => {
    res.json(channelJson(await getNotificationChannel(deps.db, where.scopeOf(req), channelId(req))));
  });

  router.patch('/:channelId', async (req, res) => {
    const body = parseBody(updateChannelBody, req.body);
    const channel = await updateNotificationChannel(
      service,
      where.scopeOf(req),
      channelId(req),
      body,
      actor(res),
    );
    res.json(channelJson(channel));
  });

  router.delete('/:channelId', async (req, res) => {
    await deleteNotificationChannel(deps.db, where.scopeOf(req), channelId(req), actor(res));
    res.status(204).end();
  });

  router.post('/:channelId/rotate-secret', async (req, res) => {
    // The body is optional: no body rotates with the default overlap.
    const body = parseBody(rotateSecretBody, req.body ?? {});
    const rotated = await rotateChannelSecret(
      service,
      where.scopeOf(req),
      channelId(req),
      body.overlapHours,
      actor(res),
    );
    res.json(withSecretJson(rotated));
  });

  router.post('/:channelId/test', async (req, res) => {
    const scope = where.scopeOf(req);
    const id = channelId(req);
    const delivery = await sendTestNotification(service, scope, id, actor(res));
    res
      .status(202)
      .location(deliveryPath(scope, id, delivery.id))
      .json(deliveryJson(delivery));
  });

  router.get('/:channelId/deliveries', async (req, res) => {
    const query = parseQuery(deliveriesQuery, req.query);
    const rows = await listChannelDeliveries(deps.db, where.scopeOf(req), channelId(req), query);
    res.json(page(rows, query.limit, deliveryJson, encodeCursor));
  });

  router.get('/:channelId/deliveries/:deliveryId', async (req, res) => {
    const delivery = await getChannelDelivery(deps.db, where.scopeOf(req), channelId(req), deliveryId(req));
    res.json(deliveryJson(delivery));
  });

  router.post('/:channelId/deliveries/:deliveryId/replay', async (req, res) => {
    const scope = where.scopeOf(req);
    const id = channelId(req);
    const delivery = await replayDelivery(service, scope, id, deliveryId(req), actor(res));
    res
      .status(202)
      .location(deliveryPath(scope, id, delivery.id))
      .json(deliveryJson(delivery));
  });

  return router;
}
