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

/** A request that had no complete answer (headers and body) within its deadline. */
class RequestDeadlineError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms / 1000} s`);
  }
}

/** No Graph page comes near this; a body that does is refused before it exhausts memory. */
export const MAX_GRAPH_RESPONSE_BYTES = 128 * 1024 * 1024;

/**
 * The response and its whole body as text, within `ms` for headers and body together, or the
 * reason it stopped: the deadline, `outer` (the activity's cancellation) aborting, or a body
 * over MAX_GRAPH_RESPONSE_BYTES.
 *
 * Hand-written rather than a fetch `signal` per request: undici keeps per-request abort state
 * reachable from the signal until it is collected, which bench:sync measured as tens of MB more
 * peak memory over a sync, and a long-lived signal collects one listener per request. A stop
 * before the headers arrive answers at once; the request itself then ends at the agent's
 * headersTimeout (the same deadline, see transport.ts) and its body is discarded.
 */
async function fetchText(
  url: string,
  init: Parameters<typeof fetch>[1],
  ms: number,
  outer?: AbortSignal,
): Promise<{ response: Response; text: string }> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let stopped: { reason: unknown } | undefined;
  let rejectStopped: (reason: unknown) => void = () => undefined;
  const stoppedEarly = new Promise<never>((_, reject) => {
    rejectStopped = reject;
  });
  const stop = (reason: unknown) => {
    stopped ??= { reason };
    rejectStopped(reason);
    reader?.cancel(reason).catch(() => undefined);
  };
  // Set by the timer or the abort listener while this function awaits: always read it afresh.
  const stopReason = (): { reason: unknown } | undefined => stopped;
  const timer = setTimeout(() => stop(new RequestDeadlineError(ms)), ms);
  const onOuterAbort = () => stop(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  const fetching = fetch(url, init);
  try {
    const response = await Promise.race([fetching, stoppedEarly]);
    reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
    const early = stopReason();
    if (early) throw early.reason;
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const read = await reader?.read();
      if (!read || read.done) break;
      bytes += read.value.byteLength;
      if (bytes > MAX_GRAPH_RESPONSE_BYTES)
        stop(new Error(`an answer over ${MAX_GRAPH_RESPONSE_BYTES} bytes`));
      else chunks.push(read.value);
    }
    const late = stopReason();
    if (late) throw late.reason;
    return { response, text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    // A response that arrives after we stopped waiting is discarded, never left unread.
    fetching.then(
      (response) => response.body?.cancel().catch(() => undefined),
      () => undefined,
    );
    reader?.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * One authenticated Graph GET for one tenant: the tenant's request budget, the bearer token (one
 * forced refresh after a 401), Retry-After and backoff. Returns the parsed JSON object.
 */
export class GraphHttp {
  constructor(private readonly deps: GraphHttpDeps) {}

  /** The application permissions of the tenant's current token (TenantTokenProvider.roles). */
  tokenRoles(): Promise<string[] | null> {
    return this.deps.tokens.roles();
  }

  getJson(url: string, scope: GraphRequestScope, signal?: AbortSignal): Promise<GraphObject> {
    return this.requestJson('GET', url, scope, undefined, signal);
  }

  /** A POST that reads (e.g. directoryObjects/getByIds): the same budget, retries and errors. */
  postJson(url: string, body: unknown, scope: GraphRequestScope, signal?: AbortSignal): Promise<GraphObject> {
    return this.requestJson('POST', url, scope, JSON.stringify(body), signal);
  }

  /**
   * One write attempt for src/graph/graphWriter.ts: the tenant's budget, the token (one forced
   * refresh after a 401, which Graph answers before processing anything) and no other retry, since
   * a repeated write may repeat its effect. Throws only when no answer arrived (deadline, lost
   * connection) or the signal aborted; every answer, error statuses included, is returned.
   */
  async attemptOnce(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    let refreshedAfter401 = false;
    for (;;) {
      await this.deps.budget.acquire(signal);
      const token = await this.deps.tokens.getToken();
      const { response, text } = await this.fetchWithToken(
        method,
        url,
        token,
        body === undefined ? undefined : JSON.stringify(body),
        signal,
      );
      graphRequests.inc({ status: String(response.status) });
      if (response.status === 429) graphThrottles.inc();
      if (response.status === 401 && !refreshedAfter401) {
        refreshedAfter401 = true;
        await this.deps.tokens.refreshAfterRejection(token);
        continue;
      }
      return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
    }
  }

  /** One request with the bearer token and a JSON body, within the request deadline. */
  private fetchWithToken(
    method: string,
    url: string,
    token: string,
    body: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ response: Response; text: string }> {
    return fetchText(
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        dispatcher: this.deps.agent,
      },
      this.deps.requestTimeoutMs,
      signal,
    );
  }

  private async requestJson(
    method: 'GET' | 'POST',
    url: string,
    scope: GraphRequestScope,
    body: string | undefined,
    signal?: AbortSignal,
  ): Promise<GraphObject> {
    const path = new URL(url).pathname;
    let refreshedAfter401 = false;
    let networkFailures = 0;
    for (let attempt = 1; ; attempt++) {
      await this.deps.budget.acquire(signal);
      const token = await this.deps.tokens.getToken();
      let response: Response;
      let text: string;
      try {
        ({ response, text } = await this.fetchWithToken(method, url, token, body, signal));
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        graphRequests.inc({ status: '0' });
        if (++networkFailures < MAX_NETWORK_ATTEMPTS) {
          await sleep(backoffMs(networkFailures), signal);
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        throw new GraphRequestError(
          `Graph ${method} ${path} failed: ${reason}`,
          { status: 0, path, scope },
          { cause: error },
        );
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
          `Graph rejected a freshly acquired token for ${method} ${path} (401${graphError.code ? ` ${graphError.code}` : ''})`,
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
      throw new GraphRequestError(`Graph ${method} ${path} failed with ${response.status}${summary}`, {
        status: response.status,
        path,
        scope,
        graphCode: graphError.code,
        graphMessage: graphError.message,
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

export function parseGraphError(text: string): { code?: string; message?: string } {
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
