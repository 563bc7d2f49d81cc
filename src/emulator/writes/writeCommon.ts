import type { PolicyTypeKey } from '../../graph/policyTypes';
import { graphError } from '../graphErrors';
import { ENTITY_SETS, type EntitySet } from '../graphSurface';
import type { Reply } from '../httpUtil';
import type { EmulatorTenant } from '../tenantStore';
import type { GraphJson } from '../types';
import { type WritableSet, writableSet, writePermissions } from './surface';
import { badRequest, type ReferenceCheck } from './validate';

// What every write path shares: Graph's refusals (403, 404, 405), the write permission of a set,
// where a set keeps its own objects, the tenant's references and the body as JSON.

export function forbidden(permissions: readonly string[]): Reply {
  return graphError(
    403,
    'Forbidden',
    `Application is not authorized to perform this operation. Application must have one of the following scopes: ${permissions.join(', ')}`,
  );
}

export const methodNotAllowed = (method: string, path: string) =>
  graphError(405, 'MethodNotAllowed', `The HTTP method '${method}' is not allowed on '${path}'.`);

export function missing(id: string): Reply {
  return graphError(
    404,
    'ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** The registry type a set keeps its own objects in (not elements, pools or logs). */
export function ownHolding(set: EntitySet): { type: PolicyTypeKey; collectionIndex: number } | undefined {
  const holding = set.holds.find((h) => 'type' in h && !('elementsOf' in h));
  if (holding === undefined || !('type' in holding)) return undefined;
  return {
    type: holding.type,
    collectionIndex: 'collectionIndex' in holding ? (holding.collectionIndex ?? 0) : 0,
  };
}

export function permitted(set: EntitySet, tenant: EmulatorTenant): Reply | undefined {
  const permissions = writePermissions(set.permissions);
  return permissions.some((scope) => tenant.grantedPermissions.includes(scope))
    ? undefined
    : forbidden(permissions);
}

export const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
export const unqualified = (segment: string) => segment.replace(/^microsoft\.graph\./i, '');

export function referenceCheck(tenant: EmulatorTenant): ReferenceCheck {
  const { objects } = tenant;
  return {
    scopeTag: (id) => objects.find('scopeTags', id) !== undefined,
    notificationTemplate: (id) => objects.find('notificationTemplates', id) !== undefined,
    group: (id) => objects.pools.find(id, ['groups']) !== undefined,
    assignmentFilter: (id) => objects.find('assignmentFilters', id) !== undefined,
    policyTemplateState: (id) => {
      const state = objects.pools.find(id, ['configurationPolicyTemplates'])?.object.lifecycleState;
      return typeof state === 'string' ? state : undefined;
    },
  };
}

export function parseBody(body: string | undefined): { json: GraphJson } | { reply: Reply } {
  try {
    const parsed: unknown = JSON.parse(body === undefined || body === '' ? '{}' : body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return { json: parsed as GraphJson };
  } catch {
    // Graph's answer to a body it cannot read follows.
  }
  return { reply: badRequest('The request body is not a valid JSON object.') };
}

/** Since MC955748 (notes 1c): Windows endpoint-security intents are no longer created. */
export const INTENTS_RETIRED =
  'Creating endpoint security intents is no longer supported. Use the settings catalog (configurationPolicies) instead.';

/** The writable set a Graph path starts with (longest match), and the segments after it. */
export function writableSetOf(
  segments: readonly string[],
  version: 'v1.0' | 'beta',
): { set: EntitySet; rules: WritableSet; rest: string[] } | undefined {
  const depth = (set: EntitySet) => set.path.split('/').filter(Boolean);
  const set = ENTITY_SETS.filter(
    (s) => depth(s).length <= segments.length && depth(s).every((p, i) => same(p, segments[i] ?? '')),
  ).sort((a, b) => depth(b).length - depth(a).length)[0];
  const rules = set && writableSet(set.path);
  if (set === undefined || rules === undefined || !set.versions.includes(version)) return undefined;
  return { set, rules, rest: segments.slice(depth(set).length) };
}
