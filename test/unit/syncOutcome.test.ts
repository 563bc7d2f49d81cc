import { ApplicationFailure } from '@temporalio/activity';
import { failureForRefusedEndpoint, outcomeForFailure } from '../../src/activities/syncOutcome';
import {
  GraphAuthError,
  GraphEndpointRefusedError,
  GraphProtocolError,
  GraphRequestError,
  type GraphRequestScope,
} from '../../src/graph';

const PERMISSION = 'DeviceManagementScripts.Read.All';
const context = { permission: PERMISSION, fetchedSoFar: 7, lastAttempt: false };

function requestError(status: number, scope: GraphRequestScope, retryAfterMs?: number) {
  return new GraphRequestError(`Graph GET /beta/x failed with ${status}`, {
    status,
    path: '/beta/x',
    scope,
    retryAfterMs,
  });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('outcomeForFailure', () => {
  it('names the missing permission on a 403', () => {
    expect(outcomeForFailure(requestError(403, 'collection'), context)).toMatchObject({
      outcome: 'permission_missing',
      requiredPermission: PERMISSION,
      fetched: 0,
    });
  });

  it('calls a 400 or 404 on the collection unsupported', () => {
    for (const status of [400, 404]) {
      expect(outcomeForFailure(requestError(status, 'collection'), context).outcome).toBe('unsupported');
    }
  });

  it('fails the type when a later page or an item answers 400/404 (never unsupported, never ok)', () => {
    const broken = outcomeForFailure(requestError(400, 'nextPage'), context);
    expect(broken).toMatchObject({ outcome: 'failed', fetched: 7 });
    expect(broken.reason).toMatch(/^paging broke/);
    expect(outcomeForFailure(requestError(404, 'item'), context).outcome).toBe('failed');
  });

  it('fails the type on a protocol error', () => {
    const outcome = outcomeForFailure(new GraphProtocolError('loop', '/beta/x'), context);
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'loop (/beta/x)' });
  });

  it('asks Temporal to retry a throttled sync after Retry-After', () => {
    const error = thrown(() => outcomeForFailure(requestError(429, 'item', 42_000), context));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'graph_throttled', nonRetryable: false, nextRetryDelay: 42_000 });
  });

  it('asks Temporal to retry an unreachable Graph, without a delay of its own', () => {
    const error = thrown(() => outcomeForFailure(requestError(0, 'collection'), context));
    expect(error).toMatchObject({
      type: 'graph_unavailable',
      nonRetryable: false,
      nextRetryDelay: undefined,
    });
  });

  it('records a transient failure as failed on the last attempt', () => {
    const outcome = outcomeForFailure(requestError(503, 'item', 1_000), { ...context, lastAttempt: true });
    expect(outcome).toMatchObject({ outcome: 'failed', fetched: 7 });
    expect(outcome.reason).toContain('503');
  });

  it('fails the whole sync, without retries, when the credentials are refused', () => {
    const error = thrown(() => outcomeForFailure(new GraphAuthError('invalid_client'), context));
    expect(error).toMatchObject({ type: 'graph_auth_failed', nonRetryable: true });
  });

  it('rethrows what is not a Graph error, for Temporal to retry', () => {
    const bug = new TypeError('database went away');
    expect(thrown(() => outcomeForFailure(bug, context))).toBe(bug);
  });
});

describe('failureForRefusedEndpoint', () => {
  it('fails a refused endpoint without retry', () => {
    const refused = new GraphEndpointRefusedError('loginBaseUrl', '10.0.0.1 is a private address', false);
    expect(thrown(() => failureForRefusedEndpoint(refused))).toMatchObject({
      type: 'graph_endpoint_refused',
      nonRetryable: true,
      message: 'loginBaseUrl refused: 10.0.0.1 is a private address',
    });
  });

  it('leaves a host that did not resolve to Temporal to retry', () => {
    const unresolved = new GraphEndpointRefusedError(
      'graphBaseUrl',
      'graph.microsoft.us could not be resolved',
      true,
    );
    const failure = thrown(() => failureForRefusedEndpoint(unresolved));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'graph_unavailable', nonRetryable: false });
  });

  it('rethrows anything else as it is', () => {
    const other = new Error('database went away');
    expect(thrown(() => failureForRefusedEndpoint(other))).toBe(other);
  });
});
