// Standard Webhooks signing: `webhook-signature` holds `v1,<base64>` per secret, space-separated,
// so during a rotation a receiver that knows either secret verifies. The timestamp is this
// attempt's; the id is the delivery's, the same on every retry.
import { Webhook } from 'standardwebhooks';

export interface SigningSecrets {
  current: string;
  /** The secret before a rotation, while it still signs (previousSecretExpiresAt in the future). */
  previous?: string;
}

export function webhookHeaders(
  webhookId: string,
  body: string,
  secrets: SigningSecrets,
  at: Date,
): Record<string, string> {
  const signatures = [secrets.current, secrets.previous]
    .filter((secret): secret is string => secret !== undefined)
    .map((secret) => new Webhook(secret).sign(webhookId, at, body));
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
