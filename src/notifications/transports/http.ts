// One POST of a rendered body to a receiver: through the guarded agent (https only, addresses
// checked at connect time), redirects not followed, one deadline for the whole exchange. The
// response body is read and thrown away: it is the receiver's text, not ours to store.
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { type OutboundAllowlist, OutboundConnectionRefusedError, guardedConnector } from '../../outbound';
import type { SendResult } from './outcome';

/** Standard Webhooks asks for a 15 to 30 s timeout per attempt. */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** Longest Retry-After honoured; a longer one waits this long (the schedule's longest step). */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** The delivery agent: NOTIFICATION_ENDPOINT_ALLOWLIST's hosts trusted, any other host public only. */
export function createDeliveryAgent(trustedHosts: ReadonlySet<string>, trustedCaPem?: string): Agent {
  const allowlist: OutboundAllowlist = { publicHosts: 'any', trustedHosts };
  const tls =
    trustedCaPem === undefined
      ? {}
      : { secureContext: createSecureContext({ ca: [...rootCertificates, trustedCaPem] }) };
  return new Agent({
    headersTimeout: DELIVERY_TIMEOUT_MS,
    bodyTimeout: DELIVERY_TIMEOUT_MS,
    connect: guardedConnector(allowlist, { tls }),
  });
}

export async function postJson(
  agent: Agent,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<SendResult> {
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump().catch(() => undefined);
    return resultOf(response.statusCode, headerText(response.headers['retry-after']));
  } catch (error) {
    return errorResult(error, timeoutMs);
  }
}

/** What a status means for the delivery (Standard Webhooks: 2xx succeeds, 410 disables). */
export function resultOf(statusCode: number, retryAfter: string | undefined, now = Date.now()): SendResult {
  if (statusCode >= 200 && statusCode < 300) return { outcome: 'succeeded', statusCode };
  if (statusCode === 410) return { outcome: 'gone', statusCode, error: 'the receiver answered 410 Gone' };
  if (statusCode === 429 || statusCode === 503) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return {
      outcome: 'throttled',
      statusCode,
      error: `the receiver answered ${statusCode}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  const why = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
  return { outcome: 'failed', statusCode, error: `the receiver answered ${statusCode}${why}` };
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function errorResult(error: unknown, timeoutMs: number): SendResult {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const refused = [error, cause].find((candidate) => candidate instanceof OutboundConnectionRefusedError);
  if (refused) return { outcome: 'refused', error: (refused as Error).message };
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError' || /Timeout/.test(name))
    return { outcome: 'failed', error: `no answer within ${timeoutMs / 1000} s` };
  // Codes only: undici's messages can quote the request's URL, whose query may be a secret.
  const code =
    (error as { code?: unknown } | undefined)?.code ?? (cause as { code?: unknown } | undefined)?.code;
  return {
    outcome: 'failed',
    error: `the request failed (${typeof code === 'string' ? code : name || 'error'})`,
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
