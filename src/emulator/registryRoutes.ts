import {
  type ListExpansion,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
  type PolicyCollection,
  type PolicyTypeKey,
} from '../graph/policyTypes';
import { expandNamesOfQuery } from './expand';

// Graph URLs resolved against the policy-type registry, so every collection, item, detail and
// list the fetcher can ask for is served, and a new registry entry needs no new route.

/** Beta collections that Graph also serves in v1.0 (beta serves everything). */
const ALSO_IN_V1 = new Set([
  '/deviceManagement/deviceConfigurations',
  '/deviceManagement/deviceCompliancePolicies',
  '/deviceAppManagement/managedAppPolicies',
  '/deviceAppManagement/mobileAppConfigurations',
  '/deviceAppManagement/targetedManagedAppConfigurations',
  '/deviceManagement/roleDefinitions',
  '/deviceManagement/notificationMessageTemplates',
  '/deviceManagement/deviceEnrollmentConfigurations',
]);

/** One level of list below an item: the list itself, or one element of it (`elementId`). */
export interface ListStep {
  expansion: ListExpansion;
  elementId?: string;
}

export interface GraphTarget {
  type: PolicyTypeKey;
  collectionIndex: number;
  collection: PolicyCollection;
  /** Absent: the collection itself. */
  itemId?: string;
  /** Lists below the item, outermost first; the last step is what is served. */
  steps: ListStep[];
}

const split = (path: string) => path.split('/').filter((s) => s !== '');
const sameSegment = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function startsWith(segments: readonly string[], prefix: readonly string[]): boolean {
  return (
    prefix.length <= segments.length && prefix.every((segment, i) => sameSegment(segment, segments[i] ?? ''))
  );
}

function servedIn(version: 'v1.0' | 'beta', type: PolicyTypeKey, collection: PolicyCollection): boolean {
  return version === 'beta' || POLICY_TYPES[type].graphVersion === 'v1.0' || ALSO_IN_V1.has(collection.path);
}

function matchSteps(lists: readonly ListExpansion[], rest: readonly string[]): ListStep[] | undefined {
  for (const expansion of lists) {
    const path = split(expansion.path);
    if (!startsWith(rest, path)) continue;
    const after = rest.slice(path.length);
    const [elementId, ...tail] = after;
    if (elementId === undefined) return [{ expansion }];
    if (tail.length === 0) return [{ expansion, elementId }];
    const nested = matchSteps(expansion.each ?? [], tail);
    if (nested !== undefined) return [{ expansion, elementId }, ...nested];
  }
  return undefined;
}

/** The registry endpoint a Graph path (segments after the version) names, if any. */
export function resolveTarget(
  version: 'v1.0' | 'beta',
  segments: readonly string[],
): GraphTarget | undefined {
  for (const type of POLICY_TYPE_KEYS) {
    const definition = POLICY_TYPES[type];
    for (const [collectionIndex, collection] of definition.collections.entries()) {
      const prefix = split(collection.path);
      if (!startsWith(segments, prefix) || !servedIn(version, type, collection)) continue;
      const [itemId, ...rest] = segments.slice(prefix.length);
      const base = { type, collectionIndex, collection };
      if (itemId === undefined) return { ...base, steps: [] };
      if (rest.length === 0) return { ...base, itemId, steps: [] };
      const lists = definition.expansions.filter((e): e is ListExpansion => e.kind === 'list');
      const steps = matchSteps(lists, rest);
      return steps ? { ...base, itemId, steps } : undefined;
    }
  }
  return undefined;
}

/** Navigation properties `$expand` may name at this endpoint: the ones the registry asks for. */
export function expandableAt(target: GraphTarget): Set<string> {
  const last = target.steps.at(-1);
  if (last !== undefined) return new Set(expandNamesOfQuery(last.expansion.query));
  const names = expandNamesOfQuery(target.collection.query);
  if (target.itemId !== undefined) {
    for (const expansion of POLICY_TYPES[target.type].expansions) {
      if (expansion.kind === 'detail') names.push(...expandNamesOfQuery(expansion.query));
    }
  }
  return new Set(names);
}

/** The `@odata.context` path of a target (`deviceManagement/x('id')/settings`). */
export function contextPath(target: GraphTarget): string {
  let path = split(target.collection.path).join('/');
  if (target.itemId === undefined) return path;
  path += `('${target.itemId}')`;
  for (const step of target.steps) {
    path += `/${split(step.expansion.path).join('/')}`;
    if (step.elementId !== undefined) path += `('${step.elementId}')`;
  }
  return path;
}
