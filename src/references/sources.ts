// Where each kind of referenced object is read, and under which permission. Directory objects
// come from `POST /directoryObjects/getByIds` (Learn directoryobject-getbyids: up to 1,000 ids per
// request; Directory.Read.All is its only permission, Group.Read.All is not enough). Intune and
// Conditional Access objects the run captured itself are named from that capture (no request);
// otherwise from one listing of their collection with only id and name selected. Apps: one
// listing of mobileApps (tenants have hundreds to a few thousand apps: a few pages, fewer
// requests than one per referenced app).
import { POLICY_TYPES, type PolicyTypeKey } from '../graph';
import type { ReferenceKind } from './rules';

export interface Listing {
  version: 'v1.0' | 'beta';
  path: string;
  permission: string;
}

export type ReferenceSource =
  | {
      from: 'directory';
      type: 'group' | 'user' | 'servicePrincipal';
      permission: string;
      details: readonly string[];
      /** Read instead when getByIds is refused: one listing under a narrower permission. */
      fallback?: Listing;
    }
  | { from: 'policyType'; policyType: PolicyTypeKey; permission: string }
  | ({ from: 'listing' } & Listing);

export const DIRECTORY_READ = 'Directory.Read.All';
export const GET_BY_IDS_MAX = 1000;

const fromType = (policyType: PolicyTypeKey): ReferenceSource => ({
  from: 'policyType',
  policyType,
  permission: POLICY_TYPES[policyType].permission,
});

export const REFERENCE_SOURCES: Readonly<Record<ReferenceKind, ReferenceSource>> = {
  group: {
    from: 'directory',
    type: 'group',
    permission: DIRECTORY_READ,
    // Learn resources/group: what kind of group it is and who decides its members.
    details: [
      'groupTypes',
      'membershipRule',
      'membershipRuleProcessingState',
      'onPremisesSyncEnabled',
      'securityEnabled',
      'mailEnabled',
    ],
    // An app granted Group.Read.All but not Directory.Read.All lists the groups instead (Learn
    // group-list: Group.Read.All, GroupMember.Read.All suffice); a page holds up to 999 groups.
    fallback: { version: 'v1.0', path: '/groups', permission: 'Group.Read.All' },
  },
  user: { from: 'directory', type: 'user', permission: DIRECTORY_READ, details: ['userPrincipalName'] },
  // Learn resources/serviceprincipal: which application it is.
  servicePrincipal: {
    from: 'directory',
    type: 'servicePrincipal',
    permission: DIRECTORY_READ,
    details: ['appId', 'servicePrincipalType'],
  },
  assignmentFilter: fromType('assignmentFilters'),
  scopeTag: fromType('scopeTags'),
  namedLocation: fromType('namedLocations'),
  notificationTemplate: fromType('notificationTemplates'),
  // Learn intune-apps-mobileapp-list (beta, as the app types TenantVault captures).
  mobileApp: {
    from: 'listing',
    version: 'beta',
    path: '/deviceAppManagement/mobileApps',
    permission: POLICY_TYPES.appConfiguration.permission,
  },
};

/** A Graph `@odata.type` without its namespace: '#microsoft.graph.group' -> 'group'. */
export function objectTypeOf(object: Record<string, unknown>): string | null {
  const type = object['@odata.type'];
  return typeof type === 'string' ? type.replace(/^#?microsoft\.graph\./, '') : null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (id: string) => GUID.test(id);
