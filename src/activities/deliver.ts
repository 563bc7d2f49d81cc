// The activities of the DeliverNotification workflow. An attempt loads the delivery, its channel
// and its event(s) by id, decrypts the channel's secret, renders, sends, and records the attempt;
// it returns only an outcome code and a delay, so no payload or secret enters Temporal's history.
import type { Agent } from 'undici';
import type { Transporter } from 'nodemailer';
import {
  claimDigest as claimDigestRows,
  type DeliveryToSend,
  disableGoneChannel,
  failPendingDelivery,
  findDeliveryToSend,
  insertInAppOnce,
  recordAttempt,
} from '../db/notificationDeliveries';
import { withoutDeactivatedUsers } from '../db/users';
import type { NotificationDeps } from '../notifications/deliveryDeps';
import { renderDigestEnvelope, renderEnvelope } from '../notifications/render/envelope';
import { renderEmail } from '../notifications/render/email';
import { type MessageSummary, summarizeDigest, summarizeEvent } from '../notifications/render/summary';
import { renderTeamsMessage } from '../notifications/render/teams';
import type { EventEnvelope } from '../notifications/types';
import { createSmtpTransport, type SmtpSettings, sendEmail } from '../notifications/transports/email';
import { createDeliveryAgent, postJson } from '../notifications/transports/http';
import type { AttemptOutcome, SendResult } from '../notifications/transports/outcome';
import { webhookHeaders } from '../notifications/transports/webhook';
import type { ActivityDeps } from './deps';

export interface DeliveryPlan {
  state: 'pending' | 'done' | 'missing';
  /** Digest channels: when the delivery's window ends (epoch ms); the workflow sleeps until then. */
  digestWindowEndMs?: number;
}

export interface AttemptInput {
  deliveryId: string;
  /** The replay the workflow serves: a delivery replayed since then is no longer its to send. */
  replay: number;
  /** Delay before the next attempt of the schedule, or null for the last attempt. */
  nextAttemptInMs: number | null;
}

export interface AttemptAnswer {
  /** `stopped`: nothing was sent (no longer pending, channel disabled or deleted). */
  outcome: AttemptOutcome | 'stopped';
  retryAfterMs?: number;
}

/** Outcomes after which the workflow stops trying. */
export const FINAL_OUTCOMES: readonly AttemptAnswer['outcome'][] = ['succeeded', 'gone', 'stopped'];

export function createDeliveryActivities(deps: ActivityDeps) {
  const { db } = deps;
  // Built at first use and again if the settings object changes (tests set them after start).
  let agent: { ca: string | undefined; agent: Agent } | undefined;
  let mailer: { settings: SmtpSettings; transport: Transporter } | undefined;
  const agentOf = (config: NotificationDeps) => {
    if (!agent || agent.ca !== config.trustedCaPem)
      agent = {
        ca: config.trustedCaPem,
        agent: createDeliveryAgent(config.endpointAllowlist, config.trustedCaPem),
      };
    return agent.agent;
  };
  const mailerOf = (settings: SmtpSettings) => {
    if (mailer?.settings !== settings) mailer = { settings, transport: createSmtpTransport(settings) };
    return mailer.transport;
  };
  const notifications = (): NotificationDeps => {
    if (!deps.notifications) throw new Error('the worker was started without notification settings');
    return deps.notifications;
  };

  async function send(delivery: DeliveryToSend, config: NotificationDeps): Promise<SendResult> {
    const { channel } = delivery;
    const envelopes = delivery.events.map(envelopeOf);
    const summary: MessageSummary = delivery.isDigest
      ? summarizeDigest(envelopes, config.publicApiUrl)
      : summarizeEvent(envelopes[0]!, config.publicApiUrl);
    switch (channel.kind) {
      case 'webhook': {
        const body = delivery.isDigest
          ? // When the digest was made: the same body, so the same event, on every attempt.
            renderDigestEnvelope(envelopes, delivery.createdAt.toISOString())
          : renderEnvelope(envelopes[0]!);
        const secrets = {
          current: config.cipher.decrypt(channel.id, stored(channel.secretCiphertext, channel.secretKeyId)),
          ...(channel.previousSecretCiphertext &&
          channel.previousSecretExpiresAt &&
          channel.previousSecretExpiresAt.getTime() > Date.now()
            ? {
                previous: config.cipher.decrypt(
                  channel.id,
                  stored(channel.previousSecretCiphertext, channel.previousSecretKeyId),
                  'previous',
                ),
              }
            : {}),
        };
        return postJson(
          agentOf(config),
          channel.url!,
          body,
          webhookHeaders(delivery.webhookId, body, secrets, new Date()),
        );
      }
      case 'teams': {
        // The stored URL lacks its query (the signature that authorizes posting): the full URL is the secret.
        const url = config.cipher.decrypt(channel.id, stored(channel.secretCiphertext, channel.secretKeyId));
        return postJson(agentOf(config), url, renderTeamsMessage(summary), {});
      }
      case 'email': {
        if (!config.smtp) return { outcome: 'failed', error: 'SMTP is not configured (SMTP_HOST)' };
        // A deactivated user's address gets nothing while they are deactivated (docs/notifications.md).
        const recipients = await withoutDeactivatedUsers(db, channel.recipients);
        return sendEmail(mailerOf(config.smtp), config.smtp.from, recipients, renderEmail(summary), {
          'X-TenantVault-Webhook-Id': delivery.webhookId,
        });
      }
      case 'in_app': {
        await insertInAppOnce(db, delivery.id, channel.tenantId, {
          kind: delivery.isDigest ? 'notification.digest' : envelopes[0]!.type,
          title: summary.title,
          body: [...summary.facts.map(([name, value]) => `${name}: ${value}`), ...summary.lines].join('\n'),
          data: { channelId: channel.id, link: summary.link },
        });
        return { outcome: 'succeeded' };
      }
    }
  }

  return {
    async planDelivery({
      deliveryId,
      replay,
    }: {
      deliveryId: string;
      replay: number;
    }): Promise<DeliveryPlan> {
      const delivery = await db.notificationDelivery.findUnique({ where: { id: deliveryId } });
      if (!delivery) return { state: 'missing' };
      if (delivery.status !== 'pending' || delivery.replays !== replay) return { state: 'done' };
      return delivery.eventId !== null && delivery.digestWindowEnd
        ? { state: 'pending', digestWindowEndMs: delivery.digestWindowEnd.getTime() }
        : { state: 'pending' };
    },

    async claimDigest({ deliveryId }: { deliveryId: string }) {
      return claimDigestRows(db, deliveryId);
    },

    async attemptDelivery({ deliveryId, replay, nextAttemptInMs }: AttemptInput): Promise<AttemptAnswer> {
      const config = notifications();
      const delivery = await findDeliveryToSend(db, deliveryId);
      // A finished delivery sends nothing; nor does one replayed since: its replay's workflow sends.
      if (delivery?.status !== 'pending' || delivery.replays !== replay) return { outcome: 'stopped' };
      if (!delivery.channel.enabled) {
        await failPendingDelivery(
          db,
          deliveryId,
          replay,
          'the channel was disabled before this delivery was sent',
        );
        return { outcome: 'stopped' };
      }
      if (delivery.events.length === 0) {
        await failPendingDelivery(db, deliveryId, replay, 'the delivery has no event left to send');
        return { outcome: 'stopped' };
      }
      const startedAt = new Date();
      const result = await send(delivery, config).catch(
        (error: unknown): SendResult => ({ outcome: 'failed', error: safeMessage(error) }),
      );
      const durationMs = Date.now() - startedAt.getTime();
      const retryable = !FINAL_OUTCOMES.includes(result.outcome) && nextAttemptInMs !== null;
      const delay = Math.max(nextAttemptInMs ?? 0, result.retryAfterMs ?? 0);
      // Before the record: once the record says failed, no later attempt of this delivery sends,
      // so a worker dying between the two would leave a gone receiver's channel enabled.
      if (result.outcome === 'gone') await disableGoneChannel(db, delivery.channel, deliveryId);
      await recordAttempt(db, {
        deliveryId,
        replay,
        startedAt,
        durationMs,
        outcome: result.outcome,
        statusCode: result.statusCode,
        error: result.error,
        status: result.outcome === 'succeeded' ? 'succeeded' : retryable ? 'pending' : 'failed',
        nextAttemptAt: retryable ? new Date(Date.now() + delay) : null,
      });
      deps.logger.info(
        {
          deliveryId,
          channelId: delivery.channel.id,
          outcome: result.outcome,
          statusCode: result.statusCode,
        },
        'notification delivery attempt',
      );
      return {
        outcome: result.outcome,
        ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
      };
    },

    async finishDelivery({ deliveryId, replay }: { deliveryId: string; replay: number }): Promise<void> {
      await failPendingDelivery(db, deliveryId, replay, 'every attempt of the retry schedule failed');
    },
  };
}

export type DeliveryActivities = ReturnType<typeof createDeliveryActivities>;

function envelopeOf(event: { type: string; createdAt: Date; data: unknown }): EventEnvelope {
  return {
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: event.data as Record<string, unknown>,
  };
}

function stored(ciphertext: string | null, keyId: string | null) {
  if (!ciphertext || !keyId) throw new Error('the channel has no secret stored');
  return { ciphertext, keyId };
}

/** Error text for the attempt row: decryption and render errors name ids, never secrets. */
function safeMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : 'unexpected error';
}
