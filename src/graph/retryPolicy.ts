// How one Graph request is retried in-process. What is still failing after these attempts goes
// up to the activity, which turns it into a retryable Temporal failure (with Retry-After as the
// next retry delay) or, on the activity's last attempt, into the policy type's `failed` outcome.

/** Throttling and transient gateway answers; Graph sends Retry-After with most of them. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** Under a throttling storm most requests eventually pass; 10 tries at 30 % refusals fail 1 in 170,000. */
export const MAX_ATTEMPTS = 10;
/** Connection failures and timeouts: fewer tries; an unreachable Graph seldom returns in seconds. */
export const MAX_NETWORK_ATTEMPTS = 5;
/** Longer server-requested waits are not slept in-process; the error carries retryAfterMs instead. */
export const MAX_IN_PROCESS_WAIT_MS = 60_000;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header == null) return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with full jitter for retries without a Retry-After header. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
