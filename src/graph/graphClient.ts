import type { Logger } from 'pino';
import { type Agent, fetch, type Response } from 'undici';
import { mapWithConcurrency } from './concurrency';
import { GraphAuthError, GraphProtocolError, GraphRequestError } from './errors';
import { POLICY_TYPES, type PolicyTypeDefinition, type PolicyTypeKey } from './policyTypes';
import {
  backoffMs,
  MAX_ATTEMPTS,
  MAX_IN_PROCESS_WAIT_MS,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  sleep,
} from './retryPolicy';
import type { TenantTokenProvider } from './tokenProvider';

export type GraphObject = Record<string, unknown>;

export interface FetchedPolicy {
  graphId: string;
  displayName: string;
  lastModified: Date | null;
  /** The Graph object with each expansion attached as a property holding the complete list. */
  payload: GraphObject;
}

export interface FetchOptions {
  signal?: AbortSignal;
}

/** Parallel requests per page of items; small, because Intune throttles per tenant and per app. */
const EXPANSION_CONCURRENCY = 4;
const REQUEST_TIMEOUT_MS = 60_000;

export interface GraphClientDeps {
  agent: Agent;
  tokens: TenantTokenProvider;
  graphBaseUrl: string;
  logger: Logger;
}

/** Read-only Graph access for one tenant. Cheap to create; the factory owns the shared state. */
export class GraphClient {
  private readonly origin: string;

  constructor(private readonly deps: GraphClientDeps) {
    this.origin = new URL(deps.graphBaseUrl).origin;
  }

  /**
   * Yields the type's collection one Graph page at a time, each item complete with its
   * expansions, so a caller can persist page by page with bounded memory.
   */
  async *fetchPolicyPages(type: PolicyTypeKey, opts: FetchOptions = {}): AsyncGenerator<FetchedPolicy[]> {
    const definition = POLICY_TYPES[type];
    const query = definition.collectionQuery ? `?${definition.collectionQuery}` : '';
    const first = this.url(definition.graphVersion, `${definition.collectionPath}${query}`);
    for await (const items of this.collectionPages(first, opts.signal)) {
      if (items.length === 0) continue;
      yield await mapWithConcurrency(items, EXPANSION_CONCURRENCY, (item) =>
        this.completeItem(definition, item, opts.signal),
      );
    }
  }

  /** Every page of a collection, following `@odata.nextLink` until Graph stops sending one. */
  async *collectionPages(firstUrl: string, signal?: AbortSignal): AsyncGenerator<GraphObject[]> {
    let url: string | undefined = firstUrl;
    const seen = new Set<string>();
    while (url !== undefined) {
      seen.add(url);
      const body = await this.getJson(url, signal);
      const value = body.value;
      if (!Array.isArray(value) || !value.every(isGraphObject)) {
        throw new GraphProtocolError('Collection response has no "value" array of objects', pathOf(url));
      }
      yield value;
      url = this.nextLink(body, url);
      if (url !== undefined && seen.has(url)) {
        throw new GraphProtocolError('Graph returned a paging loop (@odata.nextLink repeats)', pathOf(url));
      }
    }
  }

  /** All items of a (sub-)collection. Only for lists that are small per item. */
  async collectAll(url: string, signal?: AbortSignal): Promise<GraphObject[]> {
    const all: GraphObject[] = [];
    for await (const page of this.collectionPages(url, signal)) all.push(...page);
    return all;
  }

  /** Absolute URL for a Graph path ('/deviceManagement/...', optionally with a query). */
  url(version: 'v1.0' | 'beta', pathAndQuery: string): string {
    return `${this.deps.graphBaseUrl}/${version}${pathAndQuery}`;
  }

  private async completeItem(
    definition: PolicyTypeDefinition,
    item: GraphObject,
    signal?: AbortSignal,
  ): Promise<FetchedPolicy> {
    const id = item.id;
    if (typeof id !== 'string' || id === '') {
      throw new GraphProtocolError(`A ${definition.key} item has no id`, definition.collectionPath);
    }
    const payload: GraphObject = { ...item };
    const itemPath = `${definition.collectionPath}/${encodeURIComponent(id)}`;
    for (const expansion of definition.expansions) {
      payload[expansion.property] = await this.collectAll(
        this.url(definition.graphVersion, `${itemPath}${expansion.path}`),
        signal,
      );
    }
    return {
      graphId: id,
      displayName: firstString(item.displayName, item.name) ?? id,
      lastModified: parseDate(item.lastModifiedDateTime),
      payload,
    };
  }

  private nextLink(body: GraphObject, current: string): string | undefined {
    const next = body['@odata.nextLink'];
    if (next === undefined || next === null) return undefined;
    if (typeof next !== 'string')
      throw new GraphProtocolError('@odata.nextLink is not a string', pathOf(current));
    // The bearer token goes wherever the link points: never follow one off the Graph origin.
    if (new URL(next, current).origin !== this.origin) {
      throw new GraphProtocolError('@odata.nextLink points outside the Graph endpoint', pathOf(current));
    }
    return new URL(next, current).toString();
  }

  /** GET with token handling and the skeleton retry policy; returns the parsed JSON object. */
  private async getJson(url: string, signal?: AbortSignal): Promise<GraphObject> {
    const path = pathOf(url);
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.deps.tokens.getToken();
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          dispatcher: this.deps.agent,
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
            : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (attempt < MAX_ATTEMPTS) {
          await sleep(backoffMs(attempt), signal);
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        throw new GraphRequestError(
          `Graph GET ${path} failed: ${reason}`,
          { status: 0, path },
          { cause: error },
        );
      }

      if (response.ok) return this.parseBody(response, path);

      const text = await response.text();
      const graphError = parseGraphError(text);
      const requestId = response.headers.get('request-id') ?? undefined;
      if (response.status === 401) {
        if (!refreshedAfter401) {
          // Tokens can be revoked or rotated before MSAL's cache expires them: retry once fresh.
          refreshedAfter401 = true;
          attempt--;
          await this.deps.tokens.refreshAfterRejection(token);
          continue;
        }
        throw new GraphAuthError(
          `Graph rejected a freshly acquired token for GET ${path} (401${graphError.code ? ` ${graphError.code}` : ''})`,
          { code: graphError.code, status: 401 },
        );
      }

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const retryable = RETRYABLE_STATUSES.has(response.status);
      if (retryable && attempt < MAX_ATTEMPTS && (retryAfterMs ?? 0) <= MAX_IN_PROCESS_WAIT_MS) {
        const waitMs = retryAfterMs ?? backoffMs(attempt);
        this.deps.logger.warn({ status: response.status, path, attempt, waitMs }, 'Graph asked to retry');
        await sleep(waitMs, signal);
        continue;
      }
      const summary = graphError.code ? ` ${graphError.code}: ${graphError.message ?? ''}`.trimEnd() : '';
      throw new GraphRequestError(`Graph GET ${path} failed with ${response.status}${summary}`, {
        status: response.status,
        path,
        graphCode: graphError.code,
        retryAfterMs,
        requestId,
      });
    }
  }

  private async parseBody(response: Response, path: string): Promise<GraphObject> {
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
}

function isGraphObject(value: unknown): value is GraphObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function parseDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const MAX_ERROR_MESSAGE_CHARS = 300;

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
