import type { Logger } from 'pino';
import { type Agent, fetch, type Response } from 'undici';
import { graphRequests, graphThrottles } from '../metrics/metrics';
import { GraphAuthError, GraphProtocolError, GraphRequestError, type GraphRequestScope } from './errors';
import type { RequestBudget } from './requestBudget';
import {
  backoffMs,
  MAX_ATTEMPTS,
  MAX_IN_PROCESS_WAIT_MS,
  MAX_NETWORK_ATTEMPTS,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  sleep,
} from './retryPolicy';
import type { TenantTokenProvider } from './tokenProvider';

export type GraphObject = Record<string, unknown>;

const MAX_ERROR_MESSAGE_CHARS = 300;

export interface GraphHttpDeps {
  agent: Agent;
  tokens: TenantTokenProvider;
  budget: RequestBudget;
  logger: Logger;
  /** Deadline of one request, headers and body together (GRAPH_REQUEST_TIMEOUT_SECONDS). */
  requestTimeoutMs: number;
}

/** Default of GRAPH_REQUEST_TIMEOUT_SECONDS: Graph answers within seconds, large pages too. */
export const DEFAULT_GRAPH_REQUEST_TIMEOUT_MS = 60_000;

/**
 * An abort signal that fires after `ms` or when `outer` (the activity's cancellation) fires.
 * One timer and one listener on `outer` per request, both removed by clear(): AbortSignal.any
 * would leave a listener on the long-lived outer signal for every request of a sync.
 */
function requestDeadline(ms: number, outer?: AbortSignal) {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`request deadline of ${ms} ms passed`));
  }, ms);
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

/**
 * One authenticated Graph GET for one tenant: the tenant's request budget, the bearer token (one
 * forced refresh after a 401), Retry-After and backoff. Returns the parsed JSON object.
 */
export class GraphHttp {
  constructor(private readonly deps: GraphHttpDeps) {}

  async getJson(url: string, scope: GraphRequestScope, signal?: AbortSignal): Promise<GraphObject> {
    const path = new URL(url).pathname;
    let refreshedAfter401 = false;
    let networkFailures = 0;
    for (let attempt = 1; ; attempt++) {
      await this.deps.budget.acquire(signal);
      const token = await this.deps.tokens.getToken();
      let response: Response;
      let text: string;
      // Headers and body within one deadline: undici's own timeouts are per read, so a host that
      // trickles a byte a minute would otherwise hold the request (and the sync's slot) for hours.
      const deadline = requestDeadline(this.deps.requestTimeoutMs, signal);
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          dispatcher: this.deps.agent,
          signal: deadline.signal,
        });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        graphRequests.inc({ status: '0' });
        if (++networkFailures < MAX_NETWORK_ATTEMPTS) {
          await sleep(backoffMs(networkFailures), signal);
          continue;
        }
        const reason = deadline.expired
          ? `no complete answer within ${this.deps.requestTimeoutMs / 1000} s`
          : error instanceof Error
            ? error.message
            : String(error);
        throw new GraphRequestError(
          `Graph GET ${path} failed: ${reason}`,
          { status: 0, path, scope },
          { cause: error },
        );
      } finally {
        deadline.clear();
      }

      graphRequests.inc({ status: String(response.status) });
      if (response.status === 429) graphThrottles.inc();
      if (response.ok) return parseBody(text, path);

      const graphError = parseGraphError(text);
      if (response.status === 401) {
        if (!refreshedAfter401) {
          // Tokens can be revoked or rotated before MSAL's cache expires them: retry once fresh.
          refreshedAfter401 = true;
          await this.deps.tokens.refreshAfterRejection(token);
          continue;
        }
        throw new GraphAuthError(
          `Graph rejected a freshly acquired token for GET ${path} (401${graphError.code ? ` ${graphError.code}` : ''})`,
          { code: graphError.code, status: 401 },
        );
      }

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (response.status === 429 && retryAfterMs !== undefined) this.deps.budget.pauseFor(retryAfterMs);
      const retryable = RETRYABLE_STATUSES.has(response.status);
      if (retryable && attempt < MAX_ATTEMPTS && (retryAfterMs ?? 0) <= MAX_IN_PROCESS_WAIT_MS) {
        const waitMs = retryAfterMs ?? backoffMs(attempt);
        this.deps.logger.debug({ status: response.status, path, attempt, waitMs }, 'Graph asked to retry');
        await sleep(waitMs, signal);
        continue;
      }
      const summary = graphError.code ? ` ${graphError.code}: ${graphError.message ?? ''}`.trimEnd() : '';
      throw new GraphRequestError(`Graph GET ${path} failed with ${response.status}${summary}`, {
        status: response.status,
        path,
        scope,
        graphCode: graphError.code,
        retryAfterMs,
        requestId: response.headers.get('request-id') ?? undefined,
      });
    }
  }
}

function parseBody(text: string, path: string): GraphObject {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GraphProtocolError('Graph answered with a body that is not JSON', path);
  }
  if (!isGraphObject(body))
    throw new GraphProtocolError('Graph answered with JSON that is not an object', path);
  return body;
}

export function isGraphObject(value: unknown): value is GraphObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseGraphError(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
    const message =
      typeof body.error?.message === 'string'
        ? body.error.message.slice(0, MAX_ERROR_MESSAGE_CHARS)
        : undefined;
    return { code, message };
  } catch {
    return {};
  }
}
