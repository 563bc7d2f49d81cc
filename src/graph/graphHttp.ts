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
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          dispatcher: this.deps.agent,
          // Timeouts are the agent's (transport.ts): a timer signal per request cost more than
          // the request itself on the emulator.
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        graphRequests.inc({ status: '0' });
        if (++networkFailures < MAX_NETWORK_ATTEMPTS) {
          await sleep(backoffMs(networkFailures), signal);
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        throw new GraphRequestError(
          `Graph GET ${path} failed: ${reason}`,
          { status: 0, path, scope },
          { cause: error },
        );
      }

      graphRequests.inc({ status: String(response.status) });
      if (response.status === 429) graphThrottles.inc();
      if (response.ok) return parseBody(response, path);

      const graphError = parseGraphError(await response.text());
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

async function parseBody(response: Response, path: string): Promise<GraphObject> {
  let body: unknown;
  try {
    body = await response.json();
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
