// Which ids a captured payload references, as data: a property name found anywhere in the payload
// (assignment targets, nested action lists, Conditional Access conditions) and the kind of object
// its value (an id, or a list of ids) points to. Learn: intune-shared-groupassignmenttarget
// (groupId, deviceAndAppManagementAssignmentFilterId), intune-shared-devicecompliancescheduledactionforrule
// (notificationTemplateId), conditionalaccessusers and conditionalaccesslocations, intune-rbac-
// deviceandappmanagementroleassignment (members, scopeMembers), intune-apps-targetedmanagedappconfiguration
// and managedDeviceMobileAppConfiguration (targetedMobileApps), intune-onboarding-
// windows10enrollmentcompletionpagesconfiguration (selectedMobileAppIds).
import type { PolicyTypeKey } from '../graph';

export const REFERENCE_KINDS = [
  'group',
  'user',
  'servicePrincipal',
  'assignmentFilter',
  'scopeTag',
  'namedLocation',
  'notificationTemplate',
  'mobileApp',
] as const;

export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export interface ReferenceRule {
  /** The property, wherever it appears in the payload. */
  property: string;
  kind: ReferenceKind;
  /** Only in these types' payloads: the property name is too common to trust elsewhere. */
  policyTypes?: readonly PolicyTypeKey[];
  /** Values that are keywords, not ids (Conditional Access's 'All', 'AllTrusted', ...). */
  keywords?: readonly string[];
}

// Conditional Access keywords in user and location lists (Learn conditionalaccessusers,
// conditionalaccesslocations).
const USER_KEYWORDS = ['All', 'None', 'GuestsOrExternalUsers'];
const LOCATION_KEYWORDS = ['All', 'AllTrusted'];
// Workload identity policies (Learn conditionalaccessclientapplications).
const SERVICE_PRINCIPAL_KEYWORDS = ['ServicePrincipalsInMyTenant'];

export const REFERENCE_RULES: readonly ReferenceRule[] = [
  { property: 'groupId', kind: 'group' },
  { property: 'deviceAndAppManagementAssignmentFilterId', kind: 'assignmentFilter' },
  { property: 'roleScopeTagIds', kind: 'scopeTag' },
  { property: 'notificationTemplateId', kind: 'notificationTemplate' },
  { property: 'targetedMobileApps', kind: 'mobileApp' },
  { property: 'selectedMobileAppIds', kind: 'mobileApp' },
  { property: 'includeGroups', kind: 'group', policyTypes: ['conditionalAccessPolicies'] },
  { property: 'excludeGroups', kind: 'group', policyTypes: ['conditionalAccessPolicies'] },
  {
    property: 'includeUsers',
    kind: 'user',
    policyTypes: ['conditionalAccessPolicies'],
    keywords: USER_KEYWORDS,
  },
  {
    property: 'excludeUsers',
    kind: 'user',
    policyTypes: ['conditionalAccessPolicies'],
    keywords: USER_KEYWORDS,
  },
  {
    property: 'includeLocations',
    kind: 'namedLocation',
    policyTypes: ['conditionalAccessPolicies'],
    keywords: LOCATION_KEYWORDS,
  },
  {
    property: 'excludeLocations',
    kind: 'namedLocation',
    policyTypes: ['conditionalAccessPolicies'],
    keywords: LOCATION_KEYWORDS,
  },
  {
    property: 'includeServicePrincipals',
    kind: 'servicePrincipal',
    policyTypes: ['conditionalAccessPolicies'],
    keywords: SERVICE_PRINCIPAL_KEYWORDS,
  },
  {
    property: 'excludeServicePrincipals',
    kind: 'servicePrincipal',
    policyTypes: ['conditionalAccessPolicies'],
    keywords: SERVICE_PRINCIPAL_KEYWORDS,
  },
  { property: 'members', kind: 'group', policyTypes: ['roleDefinitions'] },
  { property: 'scopeMembers', kind: 'group', policyTypes: ['roleDefinitions'] },
];

/** Never an object: Graph's "no template", "no filter". */
export const NULL_IDS: ReadonlySet<string> = new Set(['00000000-0000-0000-0000-000000000000']);
