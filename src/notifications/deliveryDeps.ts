// What the delivery activities need from the worker process, built once in src/worker/main.ts
// (and by the test stack) from NOTIFICATION_* and SMTP_* configuration.
import type { ChannelSecretCipher } from '../secrets/channelSecrets';
import type { SmtpSettings } from './transports/email';

export interface NotificationDeps {
  /** Decrypts webhook secrets and Teams URLs where an attempt sends. */
  cipher: ChannelSecretCipher;
  /** Base of the links back to the API in messages (PUBLIC_API_URL). */
  publicApiUrl: string;
  /** Delay before each delivery attempt of the events a run publishes (NOTIFICATION_RETRY_SCHEDULE). */
  retrySchedule: string[];
  /**
   * NOTIFICATION_ENDPOINT_ALLOWLIST as allowlist keys: reached whatever they resolve to. Read at
   * every connection, so a test may add its receivers to the set after the worker started.
   */
  endpointAllowlist: ReadonlySet<string>;
  /** Extra CA trusted for receivers (NOTIFICATION_CA_FILE), for self-signed test receivers. */
  trustedCaPem?: string;
  /** Unset: e-mail channels fail their attempts saying SMTP is not configured. */
  smtp?: SmtpSettings;
}
