// The diff engine's entry: one policy, two payloads of it (stored canonical payloads or Graph's
// own), its change and every leaf change. Pure: labels from outside come through `labels`.
import { DISTINCT_EMPTY } from '../graph/arrayRules';
import { canonicalFormOf, canonicalize } from '../graph/canonical';
import { isPolicyTypeKey, POLICY_TYPES } from '../graph/policyTypes';
import type { DiffLabels, PolicyDiff } from './types';
import { diffValue, newWalk } from './walk';

/** The property that names an object: the registry's, else `displayName`, else `name` (as the fetcher). */
function namePropertyOf(policyType: string, before: unknown, after: unknown): string | undefined {
  const own = isPolicyTypeKey(policyType) ? POLICY_TYPES[policyType].nameProperty : undefined;
  const candidates = [own, 'displayName', 'name'].filter((name): name is string => name !== undefined);
  const holds = (payload: unknown, name: string) =>
    typeof (payload as Record<string, unknown> | null)?.[name] === 'string';
  return candidates.find((name) => holds(before, name) || holds(after, name));
}

export interface DiffOptions {
  /**
   * Both payloads are canonical payloads as TenantVault stores them (sorted, volatile fields
   * left out when they were captured): compared by their JSON text, much faster. Payloads as
   * Graph sends them need the default.
   */
  stored?: boolean;
}

/** null when the two payloads are the same configuration (only reordering, []/null/absent, volatile fields). */
export function diffPolicy(
  policyType: string,
  before: unknown | null,
  after: unknown | null,
  labels?: DiffLabels,
  options: DiffOptions = {},
): PolicyDiff | null {
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (!hasBefore && !hasAfter) return null;
  if (!hasBefore) return { change: 'added', fields: [] };
  if (!hasAfter) return { change: 'removed', fields: [] };
  const formBefore = { ...canonicalFormOf(policyType, before), memo: new WeakMap<object, string>() };
  const formAfter = { ...canonicalFormOf(policyType, after), memo: new WeakMap<object, string>() };
  // Payloads from Graph: the same canonical text is the same configuration, and the two
  // serializations fill each side's memo, so the walk reads every subtree's text instead of
  // serializing it again. Stored payloads differ (their hashes did), so the walk decides.
  if (
    !options.stored &&
    canonicalize(before, formBefore.volatileFields, formBefore.arrays, formBefore.memo).json ===
      canonicalize(after, formAfter.volatileFields, formAfter.arrays, formAfter.memo).json
  )
    return null;
  const distinct = isPolicyTypeKey(policyType) ? (DISTINCT_EMPTY[policyType] ?? []) : [];
  const walk = newWalk(formBefore, formAfter, distinct, labels, options.stored === true);
  diffValue(walk, '', { property: '', parent: '' }, before, after);
  if (walk.out.length === 0) return null;
  const name = namePropertyOf(policyType, before, after);
  const renamed = name !== undefined && walk.out.some((field) => field.path === `/${name}`);
  return { change: renamed ? 'renamed' : 'modified', fields: walk.out };
}
