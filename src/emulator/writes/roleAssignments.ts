import { randomUUID } from 'node:crypto';
import { auditing } from '../adminObjects';
import type { Reply } from '../httpUtil';
import { listOf } from '../tenantObjects';
import type { EmulatorTenant } from '../tenantStore';
import type { GraphJson } from '../types';
import { badRequest } from './validate';
import { referenceCheck } from './writeCommon';

// `POST /deviceManagement/roleAssignments` the way the portal (and IntuneManagement) sends it:
// `roleDefinition@odata.bind` names the role, `roleScopeTags@odata.bind` the scope tags, members
// and resource scopes are group ids. The emulator keeps a role's assignments under its role
// definition (the set's holding), so the new one is listed there and in the set.

// OData names an entity by its key in parentheses (`roleDefinitions('<id>')`, IntuneManagement and
// Microsoft's samples) or as a path segment (`roleDefinitions/<id>`, Graph's key-as-segment
// convention, which Graph takes everywhere): either binds.
const ROLE_BIND = /roleDefinitions(?:\('([^'/]+)'\)|\/([^/('?]+))$/;
const TAG_BIND = /roleScopeTags(?:\('([^'/]+)'\)|\/([^/('?]+))$/;

/** The key a bind URL names, in either form. */
function boundKey(pattern: RegExp, bind: unknown): string | undefined {
  const match = pattern.exec(String(bind ?? ''));
  return match?.[1] ?? match?.[2];
}

export function createRoleAssignment(tenant: EmulatorTenant, body: GraphJson): Reply {
  const roleId = boundKey(ROLE_BIND, body['roleDefinition@odata.bind']);
  const record = roleId === undefined ? undefined : tenant.objects.find('roleDefinitions', roleId);
  if (roleId === undefined || record === undefined)
    return badRequest(`Role definition '${String(body['roleDefinition@odata.bind'])}' was not found.`);
  const refs = referenceCheck(tenant);
  const groups = [...((body.members ?? []) as unknown[]), ...((body.resourceScopes ?? []) as unknown[])];
  const unknownGroup = groups.find((id) => typeof id !== 'string' || !refs.group(id));
  if (unknownGroup !== undefined)
    return badRequest(`Group with id '${String(unknownGroup)}' was not found in the directory.`);
  const binds = (body['roleScopeTags@odata.bind'] ?? []) as unknown[];
  const tagIds = binds.map((bind) => boundKey(TAG_BIND, bind));
  const unknownTag = tagIds.find((id) => id === undefined || !refs.scopeTag(id));
  if (binds.length > 0 && unknownTag !== undefined)
    return badRequest(`Scope tag '${String(unknownTag)}' was not found.`);
  const assignment: GraphJson = {
    '@odata.type': '#microsoft.graph.deviceAndAppManagementRoleAssignment',
    id: randomUUID(),
    displayName: body.displayName ?? '',
    description: body.description ?? '',
    scopeMembers: body.scopeMembers ?? [],
    scopeType: body.scopeType ?? 'resourceScope',
    resourceScopes: body.resourceScopes ?? [],
    members: body.members ?? [],
    roleScopeTagIds: tagIds.length > 0 ? tagIds : ['0'],
  };
  const role = tenant.objects.node('roleDefinitions', record);
  const lists = {
    ...role.lists,
    roleAssignments: [...listOf(role, 'roleAssignments'), { object: assignment }],
  };
  tenant.objects.replace('roleDefinitions', roleId, { ...role, lists });
  auditing(tenant, tenant.clientId)('roleDefinitions', roleId, 'Patch');
  return { status: 201, body: assignment };
}
