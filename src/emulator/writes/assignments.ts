import type { Reply } from '../httpUtil';
import type { EmulatorNode, GraphJson } from '../types';
import { badRequest, type ReferenceCheck } from './validate';

// Assignment targets as Graph takes them in `/assign` and `POST .../assignments`: a known target
// type, an existing group, an existing filter; one stored assignment per target, keyed like
// Graph's ids (`<policyId>_<groupId or the all-users/all-devices key>`).

const GROUP_TARGETS = [
  '#microsoft.graph.groupAssignmentTarget',
  '#microsoft.graph.exclusionGroupAssignmentTarget',
];
/** Graph's fixed ids of the virtual groups, used in assignment ids. */
const VIRTUAL_TARGETS: Readonly<Record<string, string>> = {
  '#microsoft.graph.allDevicesAssignmentTarget': 'adadadad-808e-44e2-905a-0b7873a8a531',
  '#microsoft.graph.allLicensedUsersAssignmentTarget': 'acacacac-9df4-4c7d-9d50-4ef0226f57a9',
};

/** The key Graph dedupes targets by; a Reply when the target is not one Graph takes. */
export function targetKey(target: unknown, refs: ReferenceCheck): string | Reply {
  if (typeof target !== 'object' || target === null || Array.isArray(target))
    return badRequest("Property 'target' is required on every assignment.");
  const t = target as GraphJson;
  const type = t['@odata.type'];
  const filterId = t.deviceAndAppManagementAssignmentFilterId;
  const filterType = t.deviceAndAppManagementAssignmentFilterType ?? 'none';
  if (filterType !== 'none' && (typeof filterId !== 'string' || !refs.assignmentFilter(filterId)))
    return badRequest(`Assignment filter with id '${String(filterId)}' was not found.`);
  if (typeof type === 'string' && GROUP_TARGETS.includes(type)) {
    if (typeof t.groupId !== 'string' || !refs.group(t.groupId))
      return badRequest(`Group with id '${String(t.groupId)}' was not found in the directory.`);
    return t.groupId;
  }
  const virtual = typeof type === 'string' ? VIRTUAL_TARGETS[type] : undefined;
  if (virtual === undefined) return badRequest(`Assignment target type '${String(type)}' is not supported.`);
  return virtual;
}

/**
 * The stored assignments a posted list becomes: every element checked first (nothing is stored
 * when one is refused); a target listed twice keeps its first listing, as Graph silently does.
 */
export function assignmentNodes(
  ownerId: string,
  posted: unknown,
  refs: ReferenceCheck,
  sourced: boolean,
): EmulatorNode[] | Reply {
  if (!Array.isArray(posted)) return badRequest('The assignments must be a list.');
  const seen = new Set<string>();
  const nodes: EmulatorNode[] = [];
  for (const element of posted as unknown[]) {
    if (typeof element !== 'object' || element === null)
      return badRequest('An assignment must be an object.');
    const { id: _id, source: _source, sourceId: _sourceId, target, ...extra } = element as GraphJson;
    const key = targetKey(target, refs);
    if (typeof key !== 'string') return key;
    if (seen.has(key)) continue;
    seen.add(key);
    const object: GraphJson = {
      id: `${ownerId}_${key}`,
      ...(sourced ? { source: 'direct', sourceId: ownerId } : {}),
      ...extra,
      target,
    };
    nodes.push({ object });
  }
  return nodes;
}
