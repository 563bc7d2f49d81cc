// How a Graph failure of one policy type becomes its outcome, or a Temporal failure of the whole
// sync. Pure, so every branch is unit-tested.
import { ApplicationFailure } from '@temporalio/activity';
import { GraphAuthError, GraphEndpointRefusedError, GraphProtocolError, GraphRequestError } from '../graph';
import type { PolicyTypeSummary } from '../shared/types';

export function emptySummary(outcome: PolicyTypeSummary['outcome'], reason?: string): PolicyTypeSummary {
  return { outcome, ...(reason ? { reason } : {}), fetched: 0, added: 0, modified: 0, removed: 0 };
}

/**
 * The outcome of a type whose fetch threw `error`, or a thrown ApplicationFailure when the whole
 * activity should fail (credentials) or be retried by Temporal (transient, not the last attempt).
 * Anything that is not a Graph error (the database, a bug) is rethrown for Temporal to retry.
 */
export function outcomeForFailure(
  error: unknown,
  context: { permission: string; fetchedSoFar: number; lastAttempt: boolean },
): PolicyTypeSummary {
  if (error instanceof GraphAuthError) {
    throw ApplicationFailure.create({
      message: error.message,
      type: 'graph_auth_failed',
      nonRetryable: true,
    });
  }
  if (error instanceof GraphProtocolError)
    return failed(`${error.message} (${error.path})`, context.fetchedSoFar);
  if (!(error instanceof GraphRequestError)) throw error;

  if (error.status === 403) {
    return {
      ...emptySummary('permission_missing', `Graph answered 403 on ${error.path}`),
      requiredPermission: context.permission,
    };
  }
  if ((error.status === 400 || error.status === 404) && error.scope === 'collection') {
    return emptySummary(
      'unsupported',
      `Graph answered ${error.status} on ${error.path}: the tenant lacks this feature`,
    );
  }
  if (error.transient && !context.lastAttempt) {
    throw ApplicationFailure.create({
      message: error.message,
      type: error.status === 429 ? 'graph_throttled' : 'graph_unavailable',
      // Graph said when to come back; a shorter Temporal backoff would only be refused again.
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  const where = error.scope === 'nextPage' ? 'paging broke: ' : '';
  return failed(`${where}${error.message}`, context.fetchedSoFar);
}

/**
 * The failure of a sync whose tenant endpoints the outbound guard refused: `graph_endpoint_refused`
 * without retry (someone must fix the tenant or the allowlist), or `graph_unavailable` for Temporal
 * to retry when the host name did not resolve. Anything else is rethrown as it is.
 */
export function failureForRefusedEndpoint(error: unknown): never {
  if (!(error instanceof GraphEndpointRefusedError)) throw error;
  throw ApplicationFailure.create({
    message: error.message,
    type: error.unresolved ? 'graph_unavailable' : 'graph_endpoint_refused',
    nonRetryable: !error.unresolved,
  });
}

function failed(reason: string, fetched: number): PolicyTypeSummary {
  return { ...emptySummary('failed', reason), fetched };
}
