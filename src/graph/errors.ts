// Error types carry a stable `name` so Temporal activities can classify them (ApplicationFailure
// type) without instanceof across module boundaries. No message may contain a secret or a token.

/**
 * Where a request sat in a type's fetch: the first page of its collection (a 400/404 there means
 * the tenant lacks the feature), a later page (a broken next-link chain), or a per-item request.
 */
export type GraphRequestScope = 'collection' | 'nextPage' | 'item';

/** Graph answered with a non-success status, or could not be reached (status 0). */
export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';
  readonly status: number;
  readonly graphCode?: string;
  /** Graph's own error message (at most 300 characters), for reports that show it as is. */
  readonly graphMessage?: string;
  /** Server-requested wait, when Graph sent Retry-After; callers may use it to schedule a retry. */
  readonly retryAfterMs?: number;
  /** Request path without the query string (skip tokens are long and meaningless in logs). */
  readonly path: string;
  /** Graph's request-id header, for support tickets with Microsoft. */
  readonly requestId?: string;
  readonly scope: GraphRequestScope;

  constructor(
    message: string,
    details: {
      status: number;
      path: string;
      scope: GraphRequestScope;
      graphCode?: string;
      graphMessage?: string;
      retryAfterMs?: number;
      requestId?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = details.status;
    this.path = details.path;
    this.graphCode = details.graphCode;
    this.graphMessage = details.graphMessage;
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
    this.scope = details.scope;
  }

  /** Throttling, gateway errors and unreachable Graph: worth another try later. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * The tenant's credentials did not yield a usable token: the token endpoint refused them (wrong
 * secret, unknown tenant or app, no consent) or Graph rejected a freshly issued token. Retrying
 * will not help until someone fixes the app registration.
 */
export class GraphAuthError extends Error {
  override readonly name = 'GraphAuthError';
  /** Identity-platform error code (e.g. 'invalid_client') or Graph's error code. */
  readonly code?: string;
  /** HTTP status when Graph itself answered 401. */
  readonly status?: number;

  constructor(message: string, details: { code?: string; status?: number } = {}) {
    super(message);
    this.code = details.code;
    this.status = details.status;
  }
}

/**
 * The tenant's Graph or login URL failed the outbound guard (src/outbound): not https, not on the
 * allowlist, or resolving to a private address. Nothing was sent to it. `unresolved`: the host
 * name did not resolve, which a later attempt may change; anything else needs someone to fix
 * the tenant or GRAPH_ENDPOINT_ALLOWLIST.
 */
export class GraphEndpointRefusedError extends Error {
  override readonly name = 'GraphEndpointRefusedError';
  readonly field: 'graphBaseUrl' | 'loginBaseUrl';
  readonly unresolved: boolean;

  constructor(field: 'graphBaseUrl' | 'loginBaseUrl', reason: string, unresolved: boolean) {
    super(`${field} refused: ${reason}`);
    this.field = field;
    this.unresolved = unresolved;
  }
}

/** Graph answered successfully but with something the client cannot trust or parse. */
export class GraphProtocolError extends Error {
  override readonly name = 'GraphProtocolError';
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

/** Removes every occurrence of the given secrets from a text that may end up in logs or errors. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}
