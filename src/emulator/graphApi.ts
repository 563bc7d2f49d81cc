import { POLICY_TYPES } from '../graph/policyTypes';
import { serveEncryptedValue } from './encryptedValues';
import { expandNames } from './expand';
import { drawTransientFault, type InjectedFault, includesType } from './faults';
import { GENERATORS } from './generators';
import { graphError, notFound } from './graphErrors';
import type { Reply } from './httpUtil';
import { pageReply, pageWindow } from './paging';
import { contextPath, expandableAt, type GraphTarget, resolveTarget } from './registryRoutes';
import { listOf } from './tenantObjects';
import type { EmulatorTenant, TenantStore } from './tenantStore';
import type { EmulatorNode, GraphJson } from './types';

// One authenticated Graph GET (a plain request or one $batch sub-request): the tenant's faults
// first, then the registry endpoint it names.

export interface GraphCall {
  method: string;
  /** Absolute, on the emulator's origin. */
  url: URL;
  version: 'v1.0' | 'beta';
  /** Decoded path segments after the version. */
  segments: readonly string[];
}

export interface ServeContext {
  store: TenantStore;
  tenant: EmulatorTenant;
  /** The server's page size, unless the tenant has its own. */
  defaultPageSize: number;
}

export function serveCall(call: GraphCall, ctx: ServeContext): Reply {
  const { tenant } = ctx;
  const retryAfter = ctx.store.takeThrottle(tenant.azureTenantId);
  if (retryAfter !== undefined) return faultReply({ kind: '429', retryAfterSeconds: retryAfter });
  const fault = drawTransientFault(tenant.faults, () => tenant.faultRng.next());
  if (fault !== undefined) return faultReply(fault);
  if (call.method !== 'GET')
    return graphError(405, 'MethodNotAllowed', 'The emulator serves read-only requests.');

  const encryptedValue = serveEncryptedValue(call, ctx);
  if (encryptedValue !== undefined) return encryptedValue;
  const target = resolveTarget(call.version, call.segments);
  if (target === undefined) return notFound(call.segments);
  if (includesType(tenant.faults.forbiddenTypes, target.type)) {
    return graphError(
      403,
      'Forbidden',
      `Application is not authorized to perform this operation. Application must have one of the following scopes: ${POLICY_TYPES[target.type].permission}`,
    );
  }
  if (
    target.itemId === undefined &&
    call.url.searchParams.has('$skiptoken') &&
    includesType(tenant.faults.brokenNextLinkTypes, target.type)
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

function render(node: EmulatorNode, expand: readonly string[], withDetail = false): GraphJson {
  const value: GraphJson = { ...node.object, ...(withDetail ? node.detail : {}) };
  for (const name of expand) value[name] = node.expandable?.[name] ?? null;
  return value;
}

function serveTarget(call: GraphCall, target: GraphTarget, ctx: ServeContext): Reply {
  const expand = expandNames(call.url.searchParams.get('$expand'));
  const allowed = expandableAt(target);
  const unknown = expand.find((name) => !allowed.has(name));
  if (unknown !== undefined) {
    return graphError(
      400,
      'BadRequest',
      `Could not find a property named '${unknown}' on type '${target.type}'.`,
    );
  }
  const { objects } = ctx.tenant;
  const context = `${call.url.origin}/${call.version}/$metadata#${contextPath(target)}`;
  const pageSize = ctx.tenant.pageSize ?? ctx.defaultPageSize;

  if (target.itemId === undefined) {
    const records = objects.inCollection(target.type, target.collectionIndex);
    const request = { url: call.url, defaultPageSize: pageSize, context };
    const window = pageWindow(request);
    if ('status' in window) return window;
    return pageReply(request, window, records.length, (from, to) =>
      records.slice(from, to).map((record) => render(objects.node(target.type, record), expand)),
    );
  }

  const record = objects.find(target.type, target.itemId);
  if (record === undefined || record.collectionIndex !== target.collectionIndex)
    return missing(target.itemId);
  let owner = objects.node(target.type, record);
  if (target.steps.length === 0) {
    return { status: 200, body: { '@odata.context': `${context}/$entity`, ...render(owner, expand, true) } };
  }
  const properties: string[] = [];
  for (const step of target.steps) {
    const { forODataTypes } = step.expansion;
    if (forODataTypes && !forODataTypes.includes(String(owner.object['@odata.type']))) {
      return graphError(
        400,
        'BadRequest',
        `The entity is not of a type that has '${step.expansion.property}'.`,
      );
    }
    properties.push(step.expansion.property);
    const list = listOf(owner, step.expansion.property);
    if (step.elementId !== undefined) {
      const element = list.find((candidate) => candidate.object.id === step.elementId);
      if (element === undefined) return missing(step.elementId);
      owner = element;
      continue;
    }
    const listDefault = GENERATORS[target.type].listPageSizes?.[properties.join('/')];
    const request = { url: call.url, defaultPageSize: Math.min(pageSize, listDefault ?? pageSize), context };
    const window = pageWindow(request);
    if ('status' in window) return window;
    return pageReply(request, window, list.length, (from, to) =>
      list.slice(from, to).map((element) => render(element, expand)),
    );
  }
  return { status: 200, body: { '@odata.context': `${context}/$entity`, ...render(owner, expand) } };
}

function missing(id: string): Reply {
  return graphError(
    404,
    'ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
