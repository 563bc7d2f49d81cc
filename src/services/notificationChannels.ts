// Notification channels as the API manages them: per tenant (scope = tenant id) or platform-wide
// (scope null). Secrets are write-only: a webhook's whsec_ secret is returned only by create and
// rotate, a Teams URL's query (its signature) never; both are stored encrypted. Every write is
// audited with ids and field names only.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type AuditEntry, appendAudit, userActor } from '../db/audit';
import type { Db, DbClient, NotificationChannel, NotificationChannelKind, Prisma } from '../db/client';
import {
  type ChannelScope,
  deleteChannel,
  findChannel,
  findDelivery,
  insertChannel,
  insertTestEvent,
  listChannels,
  listDeliveries,
  liveScheduleIds,
  lockChannel,
  updateChannel,
} from '../db/notificationChannels';
import { reopenForReplay } from '../db/notificationDeliveries';
import type { KeysetPosition } from '../db/paging';
import type { Logger } from '../logging/logger';
import { CHANNEL_KIND_RULES, kindFieldProblems } from '../notifications/channelKinds';
import type { ChannelFilters } from '../notifications/types';
import { checkOutboundUrl, type OutboundAllowlist } from '../outbound';
import type { ChannelSecretCipher } from '../secrets';
import { startDeliveryWorkflows, startOrLeaveToRelay } from '../temporal/deliveryStarts';
import { TEMPORAL_WRITE_DEADLINE_MS, withinDeadline } from '../temporal/deadline';
import { ConflictError, InvalidFieldsError, NotFoundError } from './errors';

export interface ChannelServiceDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  cipher: ChannelSecretCipher;
  /** notificationEndpointAllowlist with NOTIFICATION_ENDPOINT_ALLOWLIST. */
  endpointAllowlist: OutboundAllowlist;
  /** NOTIFICATION_RETRY_SCHEDULE, for the deliveries this API starts (test, replay). */
  retrySchedule: string[];
  /** Where delivery workflows run: the backup task queue. */
  taskQueue: string;
}

export interface ChannelSettings {
  name: string;
  url?: string | undefined;
  recipients?: string[] | undefined;
  eventTypes: string[];
  filters: ChannelFilters;
  digest: 'none' | 'hourly' | 'daily';
  enabled: boolean;
}

/** A channel, and its signing secret when it was just made (create, rotate): shown once. */
export interface ChannelWithSecret {
  channel: NotificationChannel;
  signingSecret?: string;
}

/** A Standard Webhooks symmetric secret: whsec_ and base64 of 32 random bytes. */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export async function getNotificationChannel(db: DbClient, scope: ChannelScope, id: string) {
  const channel = await findChannel(db, scope, id);
  if (!channel) throw new NotFoundError('notification channel');
  return channel;
}

export function listNotificationChannels(
  db: Db,
  scope: ChannelScope,
  page: { limit: number; cursor?: string },
) {
  return listChannels(db, scope, page);
}

export async function createNotificationChannel(
  deps: ChannelServiceDeps,
  scope: ChannelScope,
  input: ChannelSettings & { kind: NotificationChannelKind },
  actorUserId: string,
): Promise<ChannelWithSecret> {
  await checkFilters(deps.db, scope, input.filters);
  const endpoint = input.url === undefined ? undefined : await checkedEndpoint(deps, input.url);
  // The id is chosen here because the ciphertexts are bound to it.
  const id = randomUUID();
  const signingSecret = CHANNEL_KIND_RULES[input.kind].signingSecret ? newSigningSecret() : undefined;
  const secret = signingSecret ?? (input.kind === 'teams' ? endpoint?.href : undefined);
  const stored = secret === undefined ? undefined : deps.cipher.encrypt(id, secret);
  const channel = await deps.db.$transaction(async (tx) => {
    const row = await insertChannel(tx, {
      id,
      tenantId: scope,
      name: input.name,
      kind: input.kind,
      enabled: input.enabled,
      disabledAt: input.enabled ? null : new Date(),
      url: endpoint ? shownUrl(endpoint) : null,
      ...(stored ? { secretCiphertext: stored.ciphertext, secretKeyId: stored.keyId } : {}),
      recipients: input.recipients ?? [],
      eventTypes: input.eventTypes,
      filters: input.filters as Prisma.InputJsonObject,
      digest: input.digest,
      createdBy: userActor(actorUserId),
    });
    await appendAudit(
      tx,
      audit(scope, actorUserId, 'notification_channel.created', id, { kind: input.kind }),
    );
    return row;
  });
  return { channel, ...(signingSecret ? { signingSecret } : {}) };
}

export async function updateNotificationChannel(
  deps: ChannelServiceDeps,
  scope: ChannelScope,
  id: string,
  changes: Partial<ChannelSettings>,
  actorUserId: string,
): Promise<NotificationChannel> {
  const current = await getNotificationChannel(deps.db, scope, id);
  const problems = kindFieldProblems(current.kind, changes, true);
  if (problems.length > 0) throw new InvalidFieldsError(problems);
  if (changes.filters) await checkFilters(deps.db, scope, changes.filters);
  const endpoint = changes.url === undefined ? undefined : await checkedEndpoint(deps, changes.url);
  const data: Prisma.NotificationChannelUncheckedUpdateInput = {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.recipients !== undefined ? { recipients: changes.recipients } : {}),
    ...(changes.eventTypes !== undefined ? { eventTypes: changes.eventTypes } : {}),
    ...(changes.filters !== undefined ? { filters: changes.filters as Prisma.InputJsonObject } : {}),
    ...(changes.digest !== undefined ? { digest: changes.digest } : {}),
  };
  if (endpoint) {
    data.url = shownUrl(endpoint);
    if (current.kind === 'teams') {
      const stored = deps.cipher.encrypt(id, endpoint.href);
      Object.assign(data, { secretCiphertext: stored.ciphertext, secretKeyId: stored.keyId });
    }
  }
  // Enabling clears why TenantVault disabled it (410 Gone); disabling is the user's own.
  if (changes.enabled !== undefined && changes.enabled !== current.enabled)
    Object.assign(data, {
      enabled: changes.enabled,
      disabledAt: changes.enabled ? null : new Date(),
      disabledReason: null,
    });
  return deps.db.$transaction(async (tx) => {
    // Locked and read again: a delete committed since the read above is a 404, not a failed update.
    if (!(await lockChannel(tx, scope, id))) throw new NotFoundError('notification channel');
    const row = await updateChannel(tx, id, data);
    const changed = Object.keys(changes).sort();
    await appendAudit(tx, audit(scope, actorUserId, 'notification_channel.updated', id, { changed }));
    return row;
  });
}

export async function deleteNotificationChannel(
  db: Db,
  scope: ChannelScope,
  id: string,
  actorUserId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (!(await deleteChannel(tx, scope, id))) throw new NotFoundError('notification channel');
    await appendAudit(tx, audit(scope, actorUserId, 'notification_channel.deleted', id));
  });
}

/**
 * A new signing secret; the current one becomes the previous, which still signs (both
 * signatures are sent) for `overlapHours`, so receivers can switch without losing a message.
 */
export async function rotateChannelSecret(
  deps: ChannelServiceDeps,
  scope: ChannelScope,
  id: string,
  overlapHours: number,
  actorUserId: string,
): Promise<ChannelWithSecret> {
  const signingSecret = newSigningSecret();
  const channel = await deps.db.$transaction(async (tx) => {
    const current = await lockChannel(tx, scope, id);
    if (!current) throw new NotFoundError('notification channel');
    if (!CHANNEL_KIND_RULES[current.kind].signingSecret || !current.secretCiphertext || !current.secretKeyId)
      throw new ConflictError(`${current.kind} channels have no signing secret`, 'no_signing_secret');
    const now = new Date();
    // Re-encrypted in the previous slot: a ciphertext is bound to its slot.
    const previous = deps.cipher.encrypt(
      id,
      deps.cipher.decrypt(id, { ciphertext: current.secretCiphertext, keyId: current.secretKeyId }),
      'previous',
    );
    const next = deps.cipher.encrypt(id, signingSecret);
    const row = await updateChannel(tx, id, {
      secretCiphertext: next.ciphertext,
      secretKeyId: next.keyId,
      previousSecretCiphertext: overlapHours > 0 ? previous.ciphertext : null,
      previousSecretKeyId: overlapHours > 0 ? previous.keyId : null,
      previousSecretExpiresAt: overlapHours > 0 ? new Date(now.getTime() + overlapHours * 3_600_000) : null,
      secretRotatedAt: now,
    });
    await appendAudit(
      tx,
      audit(scope, actorUserId, 'notification_channel.secret_rotated', id, { overlapHours }),
    );
    return row;
  });
  return { channel, signingSecret };
}

/** The channel's deliveries, newest first, each with its attempts. */
export async function listChannelDeliveries(
  db: Db,
  scope: ChannelScope,
  channelId: string,
  page: { limit: number; cursor?: KeysetPosition },
) {
  await getNotificationChannel(db, scope, channelId);
  return listDeliveries(db, channelId, page);
}

export async function getChannelDelivery(
  db: DbClient,
  scope: ChannelScope,
  channelId: string,
  deliveryId: string,
) {
  await getNotificationChannel(db, scope, channelId);
  const delivery = await findDelivery(db, channelId, deliveryId);
  if (!delivery) throw new NotFoundError('delivery');
  return delivery;
}

/**
 * A `notification.test` event delivered to this channel only (whatever it subscribes to, at
 * once even with a digest). The rows commit first; the workflow start follows.
 */
export async function sendTestNotification(
  deps: ChannelServiceDeps,
  scope: ChannelScope,
  channelId: string,
  actorUserId: string,
) {
  const deliveryId = await deps.db.$transaction(async (tx) => {
    // Locked: a delete racing the test waits for it, or has removed the channel (404), rather
    // than failing the delivery's insert on its foreign key.
    const channel = await lockChannel(tx, scope, channelId);
    if (!channel) throw new NotFoundError('notification channel');
    if (!channel.enabled)
      throw new ConflictError('the channel is disabled; enable it to send a test', 'channel_disabled');
    const id = await insertTestEvent(tx, channel, {
      channelId,
      tenantId: scope,
      message: 'A test notification from TenantVault: this channel is set up.',
      requestedBy: userActor(actorUserId),
    });
    await appendAudit(
      tx,
      audit(scope, actorUserId, 'notification_channel.tested', channelId, { deliveryId: id }),
    );
    return id;
  });
  await startDeliveries(deps, [deliveryId]);
  return getChannelDelivery(deps.db, scope, channelId, deliveryId);
}

/**
 * Sends a finished delivery (succeeded or failed) again: pending, with the same webhook-id (a
 * receiver that deduplicates sees it as the same message) and its attempts kept.
 */
export async function replayDelivery(
  deps: ChannelServiceDeps,
  scope: ChannelScope,
  channelId: string,
  deliveryId: string,
  actorUserId: string,
) {
  await deps.db.$transaction(async (tx) => {
    const delivery = await getChannelDelivery(tx, scope, channelId, deliveryId);
    if (!(await reopenForReplay(tx, channelId, deliveryId)))
      throw new ConflictError(
        delivery.status === 'batched'
          ? 'the delivery was folded into a digest; replay the digest delivery'
          : 'the delivery is still pending; replay it once it has succeeded or failed',
        `delivery_${delivery.status}`,
      );
    await appendAudit(tx, {
      ...audit(scope, actorUserId, 'notification_delivery.replayed', deliveryId, { channelId }),
      resourceType: 'notification_delivery',
    });
  });
  await startDeliveries(deps, [deliveryId]);
  return getChannelDelivery(deps.db, scope, channelId, deliveryId);
}

/**
 * Starts the workflows. A start Temporal refuses is logged, not answered: the delivery is
 * committed and pending, and the reconciler's relay starts deliveries whose start was lost.
 */
async function startDeliveries(deps: ChannelServiceDeps, deliveryIds: string[]): Promise<void> {
  await startOrLeaveToRelay(deps.logger, { deliveryIds }, () =>
    withinDeadline(deps.temporal, TEMPORAL_WRITE_DEADLINE_MS, () =>
      startDeliveryWorkflows(deps.temporal, deps.db, deliveryIds, {
        taskQueue: deps.taskQueue,
        retrySchedule: deps.retrySchedule,
      }),
    ),
  );
}

/** The URL the guard accepted, or a 422 naming `url`. */
async function checkedEndpoint(deps: ChannelServiceDeps, url: string): Promise<URL> {
  const verdict = await checkOutboundUrl(url, deps.endpointAllowlist, undefined, 'endpoint');
  if (!verdict.allowed)
    throw new InvalidFieldsError([{ field: 'url', message: `refused: ${verdict.reason}` }]);
  return verdict.url;
}

/** What the url column holds and responses show: never a query (a Teams URL's signature). */
const shownUrl = (url: URL): string => `${url.origin}${url.pathname}`;

async function checkFilters(db: Db, scope: ChannelScope, filters: ChannelFilters): Promise<void> {
  const ids = filters.scheduleIds ?? [];
  if (ids.length === 0) return;
  const live = await liveScheduleIds(db, scope, ids);
  const problems = ids.flatMap((id, index) =>
    live.has(id)
      ? []
      : [{ field: `filters.scheduleIds.${index}`, message: 'no schedule of this tenant has this id' }],
  );
  if (problems.length > 0) throw new InvalidFieldsError(problems);
}

function audit(
  scope: ChannelScope,
  actorUserId: string,
  action: string,
  resourceId: string,
  metadata: Prisma.InputJsonObject = {},
): AuditEntry {
  return {
    tenantId: scope,
    actor: userActor(actorUserId),
    action,
    resourceType: 'notification_channel',
    resourceId,
    metadata,
  };
}
