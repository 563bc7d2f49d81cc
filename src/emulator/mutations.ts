import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../graph/policyTypes';
import { GENERATORS } from './generators';
import type { Rng } from './prng';
import type { TenantObjects } from './tenantObjects';

// Changes between two syncs, as an admin would make them: exactly `add` new objects, `modify`
// existing ones (a configuration property and lastModifiedDateTime) and `remove` others. A
// removal can change an object nobody edited: one that links to the removed object (a SCEP
// profile's trusted root) now finds nothing, as in Graph, so its backup changes too (`unlinked`).

export interface MutationRequest {
  add: number;
  modify: number;
  remove: number;
  /** Restricts every change to these types; default: any type. */
  types?: readonly PolicyTypeKey[];
}

export type IdsByType = Partial<Record<PolicyTypeKey, string[]>>;

export interface MutationResult {
  added: IdsByType;
  modified: IdsByType;
  removed: IdsByType;
  /**
   * Objects neither modified nor removed whose links (EmulatorNode.references) reached a removed
   * object: Graph now answers 404 for the link or leaves it out of the list, so their backed-up
   * payload changes although nobody edited them.
   */
  unlinked: IdsByType;
}

export class MutationError extends Error {}

/** Told of each change as it is made (a removal before the object is gone), for the audit log. */
export type ChangeListener = (
  type: PolicyTypeKey,
  id: string,
  operation: 'Create' | 'Patch' | 'Delete',
) => void;

function push(target: IdsByType, type: PolicyTypeKey, id: string): void {
  const list = target[type] ?? [];
  list.push(id);
  target[type] = list;
}

export function mutate(
  objects: TenantObjects,
  request: MutationRequest,
  rng: Rng,
  onChange: ChangeListener = () => undefined,
): MutationResult {
  const types =
    request.types && request.types.length > 0 ? [...new Set(request.types)] : [...POLICY_TYPE_KEYS];
  const existing = types.flatMap((type) => objects.all(type).map((record) => ({ type, id: record.id })));
  if (request.modify + request.remove > existing.length) {
    throw new MutationError(
      `modify + remove = ${request.modify + request.remove}, but the tenant has only ${existing.length} objects of those types`,
    );
  }
  const chosen = rng.sample(existing, request.modify + request.remove);
  // Shuffle so removed and modified objects are spread over the types, not the first ones.
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [chosen[i], chosen[j]] = [chosen[j] as (typeof chosen)[number], chosen[i] as (typeof chosen)[number]];
  }
  const result: MutationResult = { added: {}, modified: {}, removed: {}, unlinked: {} };
  const toRemove = new Map<PolicyTypeKey, Set<string>>();
  for (const [n, target] of chosen.entries()) {
    if (n < request.remove) {
      push(result.removed, target.type, target.id);
      onChange(target.type, target.id, 'Delete');
      toRemove.set(target.type, (toRemove.get(target.type) ?? new Set()).add(target.id));
    } else {
      objects.modify(target.type, target.id);
      push(result.modified, target.type, target.id);
      onChange(target.type, target.id, 'Patch');
    }
  }
  for (const [type, ids] of toRemove) {
    objects.remove(type, ids);
    const modified = new Set(result.modified[type]);
    for (const id of linkingTo(objects, type, ids)) if (!modified.has(id)) push(result.unlinked, type, id);
  }

  const weightSum = types.reduce((sum, type) => sum + GENERATORS[type].weight, 0);
  for (let added = 0; added < request.add; ) {
    const type = pickWeighted(types, rng.next() * weightSum);
    for (const id of objects.generate(type, 1)) {
      push(result.added, type, id);
      onChange(type, id, 'Create');
      added++;
    }
  }
  return result;
}

/** The objects of a type that link to any of `ids`: links reach members of their own type only. */
function linkingTo(objects: TenantObjects, type: PolicyTypeKey, ids: ReadonlySet<string>): string[] {
  return objects
    .all(type)
    .filter((record) =>
      Object.values(objects.node(type, record).references ?? {}).some((targets) =>
        (typeof targets === 'string' ? [targets] : targets).some((target) => ids.has(target)),
      ),
    )
    .map((record) => record.id);
}

/** The type whose cumulative weight interval contains `point`. */
function pickWeighted(types: readonly PolicyTypeKey[], point: number): PolicyTypeKey {
  let remaining = point;
  for (const type of types) {
    remaining -= GENERATORS[type].weight;
    if (remaining < 0) return type;
  }
  return types.at(-1) as PolicyTypeKey;
}
