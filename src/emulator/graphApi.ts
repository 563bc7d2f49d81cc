import { drawTransientFault, type InjectedFault, includesType } from './faults';
import { graphError, notFound } from './graphErrors';
import type { Reply } from './httpUtil';
import { normaliseSystemOptions } from './queryOptions';
import { serveGetByIds } from './directoryApi';
import { ACTIONS, heldTypes } from './graphSurface';
import { serveTarget } from './surfaceServe';
import { resolveSurface, segmentNotFound } from './surfaceRoutes';
import type { EmulatorTenant, TenantStore } from './tenantStore';
import { serveWrite } from './writes/serveWrite';
import { gateWrite } from './writes/writeGate';

// One authenticated Graph request (a plain request or one $batch sub-request): the tenant's faults
// first, then the Graph endpoint it names (./graphSurface.ts).

export interface GraphCall {
  method: string;
  /** Absolute, on the emulator's origin. */
  url: URL;
  version: 'v1.0' | 'beta';
  /** Decoded path segments after the version. */
  segments: readonly string[];
  /** The request body of a write (POST, PATCH, PUT). */
  body?: string;
}

/** The action a POST names (./graphSurface.ts ACTIONS), if any. */
function findAction(call: GraphCall) {
  const path = `/${call.segments.join('/')}`.toLowerCase();
  return ACTIONS.find(
    (action) => action.path.toLowerCase() === path && action.versions.includes(call.version),
  );
}

function forbidden(permissions: readonly string[]): Reply {
  return graphError(
    403,
    'Forbidden',
    `Application is not authorized to perform this operation. Application must have one of the following scopes: ${permissions.join(', ')}`,
  );
}

export interface ServeContext {
  store: TenantStore;
  tenant: EmulatorTenant;
  /** The server's page size, unless the tenant has its own. */
  defaultPageSize: number;
}

export function serveCall(request: GraphCall, ctx: ServeContext): Reply {
  const { tenant } = ctx;
  // Read once here, so every reader sees beta's bare `top=` as `$top=`.
  const call = { ...request, url: normaliseSystemOptions(request.url, request.version) };
  const budget = tenant.faults.requestBudget;
  const decision = budget && tenant.requestWindow.take(Date.now(), { ...budget, retryAfter: true });
  if (decision && !decision.ok) {
    return faultReply({ kind: '429', retryAfterSeconds: decision.retryAfterSeconds ?? 1 });
  }
  const retryAfter = ctx.store.takeThrottle(tenant.azureTenantId);
  if (retryAfter !== undefined) return faultReply({ kind: '429', retryAfterSeconds: retryAfter });
  const fault = drawTransientFault(tenant.faults, () => tenant.faultRng.next());
  if (fault !== undefined) return faultReply(fault);
  const action = findAction(call);
  if (action !== undefined) {
    if (call.method !== 'POST') return graphError(405, 'MethodNotAllowed', 'Use POST for this action.');
    if (!action.permissions.some((scope) => tenant.grantedPermissions.includes(scope)))
      return forbidden(action.permissions);
    return serveGetByIds(call, ctx);
  }
  if (call.method !== 'GET') return gateWrite(call, ctx, () => serveWrite(call, ctx));

  const continuation = call.url.searchParams.has('$skiptoken');
  const target = resolveSurface(call.version, call.segments, continuation);
  if (target === undefined) return notFound(call.segments);
  if ('status' in target) return target;
  const types = heldTypes(target.set.holds);
  // Graph routes before it authorizes: a segment the tenant lacks is 400 even without permission.
  if (types.some((type) => includesType(tenant.faults.unsupportedTypes, type)))
    return segmentNotFound(target.set.path.split('/').at(-1) ?? '');
  if (
    types.some((type) => includesType(tenant.faults.forbiddenTypes, type)) ||
    !target.set.permissions.some((scope) => tenant.grantedPermissions.includes(scope))
  ) {
    return forbidden(target.set.permissions);
  }
  if (
    target.itemId === undefined &&
    continuation &&
    types.some((type) => includesType(tenant.faults.brokenNextLinkTypes, type))
  ) {
    return graphError(400, 'BadRequest', 'The skip token is invalid or has expired');
  }
  return serveTarget(call, target, ctx);
}

function faultReply(fault: InjectedFault): Reply {
  switch (fault.kind) {
    case '429':
      return graphError(429, 'TooManyRequests', 'Too many requests from this application to this tenant.', {
        'retry-after': String(fault.retryAfterSeconds),
      });
    case '503':
      return graphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Retry later.', {
        'retry-after': String(fault.retryAfterSeconds),
      });
    case '504':
      return graphError(504, 'GatewayTimeout', 'The gateway did not receive a response in time.');
  }
}
