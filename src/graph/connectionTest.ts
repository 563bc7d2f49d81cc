import { AUDIT_SOURCE_KEYS, AUDIT_SOURCES, type AuditSourceKey, auditSourceFor } from './auditSources';
import { mapWithConcurrency } from './concurrency';
import { GraphAuthError, GraphEndpointRefusedError, GraphRequestError } from './errors';
import type { GraphClient } from './graphClient';
import { POLICY_TYPE_KEYS, POLICY_TYPES } from './policyTypes';

// A tenant's connection test: one token, then one minimal read per policy type and per audit log
// the sync reads, each classified by Graph's answer. Reads only; the caller records the outcome.

export const CHECK_STATUSES = ['ok', 'permission_missing', 'unsupported', 'failed', 'skipped'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface ConnectionCheck {
  kind: 'policyType' | 'auditSource';
  key: string;
  displayName: string;
  /** The application permission the registry names for it. */
  permission: string;
  status: CheckStatus;
  /** HTTP status of Graph's answer (0: none arrived); absent when ok or skipped. */
  httpStatus?: number;
  /** Graph's error code, or ours for what Graph never answered (timeout, network). */
  errorCode?: string;
  message?: string;
  ms: number;
}

export interface TokenCheck {
  ok: boolean;
  /** e.g. AADSTS7000215, endpoint_refused, timeout. */
  errorCode?: string;
  message?: string;
  /** What to fix, for the token failures whose meaning is known (TOKEN_FAILURE_HINTS). */
  hint?: string;
  ms: number;
}

export interface ConnectionProbeResult {
  /** False when the deadline cut the test short: some checks never got an answer. */
  completed: boolean;
  token: TokenCheck;
  checks: ConnectionCheck[];
}

/** The smallest read Graph answers on any collection: one item, its id only. */
const PROBE_QUERY = '$top=1&$select=id';

/** Reads in flight at once: a handful, far below the tenant's budget and quick in total. */
const PROBE_CONCURRENCY = 6;

/**
 * What an identity-platform error code means for the person who typed the credentials
 * (Learn "Microsoft Entra authentication and authorization error codes").
 */
const TOKEN_FAILURE_HINTS: Readonly<Record<string, string>> = {
  AADSTS7000215: 'the client secret is wrong: send the secret value, not its id',
  AADSTS7000222: 'the client secret has expired: create a new one in the app registration',
  AADSTS700016: 'no app with this clientId in this tenant: check clientId and azureTenantId',
  AADSTS90002: 'no tenant with this azureTenantId: check it and the login endpoint',
  AADSTS900023: 'azureTenantId is not a valid tenant id',
  AADSTS7000229: 'the app has no service principal in the tenant: grant admin consent',
  endpoint_refused: 'graphBaseUrl or loginBaseUrl is refused by GRAPH_ENDPOINT_ALLOWLIST or does not resolve',
};

/**
 * How Graph says a resource does not exist in this tenant (a feature it lacks or a license it
 * has not): 404, or 400 "Resource not found for the segment '<name>'" from the OData router.
 */
const UNSUPPORTED_MESSAGE = /resource not found for the segment/i;

interface ProbeTarget {
  kind: ConnectionCheck['kind'];
  key: string;
  displayName: string;
  permission: string;
  url: (client: GraphClient) => string;
}

/** Every policy type's first collection, and the audit logs some policy type is read from. */
function probeTargets(): ProbeTarget[] {
  const types = POLICY_TYPE_KEYS.map((key): ProbeTarget => {
    const type = POLICY_TYPES[key];
    const path = type.collections[0]?.path ?? '';
    return {
      kind: 'policyType',
      key,
      displayName: type.displayName,
      permission: type.permission,
      url: (client) => client.url(type.graphVersion, `${path}?${PROBE_QUERY}`),
    };
  });
  const used = new Set<AuditSourceKey>(POLICY_TYPE_KEYS.map(auditSourceFor));
  const sources = AUDIT_SOURCE_KEYS.filter((key) => used.has(key)).map((key): ProbeTarget => {
    const source = AUDIT_SOURCES[key];
    return {
      kind: 'auditSource',
      key,
      displayName: source.displayName,
      permission: source.permission,
      url: (client) => client.url(source.graphVersion, `${source.path}?${PROBE_QUERY}`),
    };
  });
  return [...types, ...sources];
}

/** The check's outcome from what its read threw. */
function classifyFailure(
  error: unknown,
  deadline: AbortSignal,
): Omit<ConnectionCheck, keyof ProbeTarget | 'ms'> {
  if (deadline.aborted)
    return { status: 'failed', httpStatus: 0, errorCode: 'timeout', message: deadlineMessage(deadline) };
  if (error instanceof GraphRequestError) {
    const answer = { httpStatus: error.status, errorCode: error.graphCode ?? `http_${error.status}` };
    const message = error.graphMessage ?? error.message;
    if (error.status === 403) return { status: 'permission_missing', ...answer, message };
    if (error.status === 404 || (error.status === 400 && UNSUPPORTED_MESSAGE.test(message)))
      return { status: 'unsupported', ...answer, message };
    return { status: 'failed', ...answer, message };
  }
  if (error instanceof GraphAuthError)
    return {
      status: 'failed',
      httpStatus: error.status ?? 0,
      errorCode: error.code ?? 'token_failed',
      message: error.message,
    };
  return { status: 'failed', httpStatus: 0, errorCode: 'unexpected', message: errorText(error) };
}

/** The token step's outcome from what it threw; the AADSTS code when the platform sent one. */
function tokenFailure(error: unknown, deadline: AbortSignal): Omit<TokenCheck, 'ok' | 'ms'> {
  let errorCode: string;
  if (deadline.aborted) errorCode = 'timeout';
  else if (error instanceof GraphEndpointRefusedError) errorCode = 'endpoint_refused';
  else if (error instanceof GraphAuthError)
    errorCode = /AADSTS\d+/.exec(error.message)?.[0] ?? error.code ?? 'token_failed';
  else
    errorCode =
      (error as { code?: unknown })?.code === 'secret_undecryptable'
        ? 'secret_undecryptable'
        : 'token_failed';
  // MSAL wraps the platform's description in timestamps, trace and correlation ids, which help
  // no reader here: the description alone ("AADSTS7000215: Invalid client secret provided. ...").
  const text = errorText(error);
  const description = /AADSTS\d+:.*?(?=\s*Trace ID:|$)/s.exec(text)?.[0] ?? text;
  const message = deadline.aborted ? deadlineMessage(deadline) : description;
  const hint = TOKEN_FAILURE_HINTS[errorCode];
  return { errorCode, message, ...(hint ? { hint } : {}) };
}

/**
 * Acquires a token through `connect` (the factory's client, with a fresh token), then reads every
 * target with PROBE_CONCURRENCY reads at once. When the token fails, no read is made: each check
 * is `skipped`. `deadline` aborts whatever is still waiting (retries and backoff included).
 */
export async function probeConnection(
  connect: () => Promise<GraphClient>,
  deadline: AbortSignal,
): Promise<ConnectionProbeResult> {
  const targets = probeTargets();
  const tokenStart = Date.now();
  let client: GraphClient;
  try {
    client = await untilAborted(deadline, async () => {
      const connected = await connect();
      await connected.tokenRoles();
      return connected;
    });
  } catch (error) {
    const token = { ok: false, ...tokenFailure(error, deadline), ms: Date.now() - tokenStart };
    const checks = targets.map(({ url: _url, ...target }) => ({
      ...target,
      status: 'skipped' as const,
      ms: 0,
    }));
    return { completed: !deadline.aborted, token, checks };
  }
  const token = { ok: true, ms: Date.now() - tokenStart };
  const checks = await mapWithConcurrency(targets, PROBE_CONCURRENCY, async ({ url, ...target }) => {
    const start = Date.now();
    try {
      const pages = client.collectionPages(url(client), 'collection', deadline);
      await pages.next();
      await pages.return(undefined);
      return { ...target, status: 'ok' as const, ms: Date.now() - start };
    } catch (error) {
      return { ...target, ...classifyFailure(error, deadline), ms: Date.now() - start };
    }
  });
  return { completed: !deadline.aborted, token, checks };
}

/** `work`, or the deadline's reason as soon as it aborts (MSAL takes no signal). */
function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function deadlineMessage(deadline: AbortSignal): string {
  return deadline.reason instanceof Error ? deadline.reason.message : 'the connection test ran out of time';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
