// What one delivery attempt came to, as the attempt row and the workflow see it.

/**
 * succeeded: any 2xx (or the mail server took it). gone: 410, the channel is disabled.
 * throttled: 429/503, retried no sooner than Retry-After. refused: the outbound guard refused
 * the connection (not https, a private address not allowlisted). failed: anything else,
 * retried on schedule (a 3xx included: redirects are not followed).
 */
export type AttemptOutcome = 'succeeded' | 'failed' | 'gone' | 'throttled' | 'refused';

export interface SendResult {
  outcome: AttemptOutcome;
  statusCode?: number;
  /** For people and the attempt row: never a URL's query, a secret or a response body. */
  error?: string;
  /** From Retry-After, when throttled. */
  retryAfterMs?: number;
}
