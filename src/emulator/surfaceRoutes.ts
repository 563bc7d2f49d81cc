import { graphError } from './graphErrors';
import { type BoundFunction, ENTITY_SETS, type EntitySet, type NavigationRule } from './graphSurface';
import type { Reply } from './httpUtil';

// Graph URLs resolved against the Graph surface (./graphSurface.ts), never against TenantVault's
// registry: a path Graph does not route is refused here with Graph's error, whoever asks for it.

/** One navigation below an item: the list itself, or one element of it (`elementId`). */
export interface NavStep {
  name: string;
  rule: NavigationRule;
  /** The type-cast segment in front of it, e.g. 'microsoft.graph.targetedManagedAppProtection'. */
  cast?: string;
  elementId?: string;
}

export interface SurfaceTarget {
  set: EntitySet;
  /** Absent: the set itself. */
  itemId?: string;
  /** Navigations below the item, outermost first; the last step is what is served. */
  steps: NavStep[];
  /** A function bound to the item (no steps then), with its one argument. */
  call?: { name: string; rule: BoundFunction; argument: string };
}

const split = (path: string) => path.split('/').filter((s) => s !== '');
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function startsWith(segments: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= segments.length && prefix.every((segment, i) => same(segment, segments[i] ?? ''));
}

export function findKey<T>(
  record: Readonly<Record<string, T>> | undefined,
  name: string,
): [string, T] | undefined {
  return Object.entries(record ?? {}).find(([key]) => same(key, name));
}

/**
 * The target a Graph path names: undefined when no entity set matches (the caller's 404), a Graph
 * 400 reply when Graph has the set but does not route the rest. `continuation`: the request
 * follows a next link (has a skip token).
 */
export function resolveSurface(
  version: 'v1.0' | 'beta',
  segments: readonly string[],
  continuation = false,
): SurfaceTarget | Reply | undefined {
  const matches = ENTITY_SETS.filter((set) => startsWith(segments, split(set.path)));
  const entitySet = matches.sort((a, b) => split(b.path).length - split(a.path).length)[0];
  if (entitySet === undefined || !entitySet.versions.includes(version)) return undefined;
  const [itemId, ...rest] = segments.slice(split(entitySet.path).length);
  if (itemId === undefined) return { set: entitySet, steps: [] };
  const call = rest[0] === undefined ? undefined : functionCall(entitySet, version, rest[0]);
  if (call !== undefined) {
    if ('status' in call) return call;
    if (rest.length > 1) return segmentNotFound(rest[1] as string);
    return { set: entitySet, itemId, steps: [], call };
  }
  const steps: NavStep[] = [];
  let navigations = entitySet.navigations;
  for (let i = 0; i < rest.length; ) {
    let segment = rest[i] as string;
    let cast: string | undefined;
    if (/^microsoft\.graph\./i.test(segment) && steps.length === 0) {
      const found = findKey(entitySet.casts, segment);
      if (found === undefined) return invalidCast(segment, entitySet.graphType);
      cast = found[0];
      navigations = found[1].navigations;
      i += 1;
      segment = rest[i] ?? '';
    }
    const found = findKey(navigations, segment);
    if (found === undefined) return segmentNotFound(segment);
    const [name, rule] = found;
    // A next link Graph gave for an inline expansion is followable even where the path is not.
    if (!rule.routable && !continuation) return noRoute(entitySet, itemId, rest.slice(0, i + 1));
    const elementId = rest[i + 1];
    steps.push({ name, rule, ...(cast ? { cast } : {}), ...(elementId !== undefined ? { elementId } : {}) });
    navigations = rule.elements ?? {};
    i += 2;
  }
  return { set: entitySet, itemId, steps };
}

/**
 * A segment `name(parameter='value')` naming a function of the set: the call, Graph's 400 when
 * the version lacks it or the argument is no string literal, undefined for any other segment.
 */
function functionCall(
  entitySet: EntitySet,
  version: 'v1.0' | 'beta',
  segment: string,
): SurfaceTarget['call'] | Reply | undefined {
  const parts = /^(?:microsoft\.graph\.)?(\w+)\((.*)\)$/is.exec(segment);
  const found = parts === null ? undefined : findKey(entitySet.functions, parts[1] ?? '');
  if (parts === null || found === undefined) return undefined;
  const [name, rule] = found;
  // The argument is an OData string literal: quoted, a quote inside written twice.
  const argument = new RegExp(`^\\s*${rule.parameter}\\s*=\\s*'((?:[^']|'')*)'\\s*$`, 'i').exec(
    parts[2] ?? '',
  );
  if (!rule.versions.includes(version) || argument === null) return segmentNotFound(segment);
  return { name, rule, argument: (argument[1] ?? '').replaceAll("''", "'") };
}

/** The navigations `$expand` may name here, and whether the request lists or reads one object. */
export function expandRules(target: SurfaceTarget): {
  listing: boolean;
  rules: Readonly<Record<string, NavigationRule>>;
} {
  const last = target.steps.at(-1);
  if (last === undefined) return { listing: target.itemId === undefined, rules: target.set.navigations };
  return { listing: last.elementId === undefined, rules: last.rule.elements ?? {} };
}

/** The `@odata.context` path of a target (`deviceManagement/x('id')/settings`). */
export function contextPath(target: SurfaceTarget): string {
  let path = split(target.set.path).join('/');
  if (target.itemId === undefined) return path;
  path += `('${target.itemId}')`;
  for (const step of target.steps) {
    path += `${step.cast ? `/${step.cast}` : ''}/${step.name}`;
    if (step.elementId !== undefined) path += `('${step.elementId}')`;
  }
  return path;
}

export function invalidCast(cast: string, graphType: string): Reply {
  return graphError(
    400,
    'BadRequest',
    `The type '${cast}' is not compatible with the type '${graphType}' of the entity.`,
  );
}

/** Graph's OData router on a segment it does not know (also a feature the tenant lacks). */
export function segmentNotFound(segment: string): Reply {
  return graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

// The message Graph gives for a navigation its docs list but its router does not serve.
function noRoute(entitySet: EntitySet, itemId: string, below: readonly string[]): Reply {
  const path = `/${split(entitySet.path).join('/')}('${itemId}')/${below.join('/')}`;
  return graphError(
    400,
    'BadRequest',
    `No OData route exists that match template ~/singleton/navigation/key/navigation with http verb GET for request ${path}.`,
  );
}
