// The Intune object types TenantVault backs up, as data: the fetcher, the emulator's tests and the
// API's validation all read this table, so adding a type is one entry here (plus emulator seed data).

export type PolicyTypeKey = 'deviceConfiguration' | 'settingsCatalog' | 'compliance';

/**
 * A per-item sub-collection fetched with its own request (`<collection>/<id><path>`). Every one is
 * treated as paged: Graph truncates them silently at the page size (the settings catalog's
 * `/settings` defaults to 25), so the fetcher always follows `@odata.nextLink`.
 */
export interface PolicyExpansion {
  /** Property of the stored payload that receives the complete list. */
  property: string;
  /** Path below the item, starting with '/'. */
  path: string;
}

export interface PolicyTypeDefinition {
  key: PolicyTypeKey;
  displayName: string;
  graphVersion: 'v1.0' | 'beta';
  collectionPath: string;
  /** Query string (without '?') for the collection request, e.g. an `$expand`. */
  collectionQuery?: string;
  expansions: readonly PolicyExpansion[];
  /** Application permission the tenant's app registration needs for this type. */
  permission: string;
  /**
   * Top-level or nested property names removed before hashing. Only fields that change without
   * the configuration changing belong here; `@odata.*` annotations are handled by canonicalize.
   * createdDateTime stays: it never changes for a given object, so it adds no noise.
   */
  volatileFields: readonly string[];
}

const ASSIGNMENTS: PolicyExpansion = { property: 'assignments', path: '/assignments' };

// Beta everywhere: v1.0 omits many properties of these types (and has no configurationPolicies),
// so a v1.0 backup would be incomplete.
export const POLICY_TYPES: Readonly<Record<PolicyTypeKey, PolicyTypeDefinition>> = Object.freeze({
  deviceConfiguration: {
    key: 'deviceConfiguration',
    displayName: 'Device configuration profiles',
    graphVersion: 'beta',
    collectionPath: '/deviceManagement/deviceConfigurations',
    expansions: [ASSIGNMENTS],
    permission: 'DeviceManagementConfiguration.Read.All',
    volatileFields: ['lastModifiedDateTime', 'version'],
  },
  settingsCatalog: {
    key: 'settingsCatalog',
    displayName: 'Settings catalog policies',
    graphVersion: 'beta',
    collectionPath: '/deviceManagement/configurationPolicies',
    expansions: [{ property: 'settings', path: '/settings' }, ASSIGNMENTS],
    permission: 'DeviceManagementConfiguration.Read.All',
    volatileFields: ['lastModifiedDateTime'],
  },
  compliance: {
    key: 'compliance',
    displayName: 'Compliance policies',
    graphVersion: 'beta',
    collectionPath: '/deviceManagement/deviceCompliancePolicies',
    // The non-compliance actions (block, notify, retire after N days) are a navigation property
    // that Graph omits unless expanded; without them a restore would lose the grace periods.
    collectionQuery: '$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)',
    expansions: [ASSIGNMENTS],
    permission: 'DeviceManagementConfiguration.Read.All',
    volatileFields: ['lastModifiedDateTime', 'version'],
  },
});

export const POLICY_TYPE_KEYS: readonly PolicyTypeKey[] = Object.freeze(
  Object.keys(POLICY_TYPES) as PolicyTypeKey[],
);

export function isPolicyTypeKey(value: string): value is PolicyTypeKey {
  return Object.hasOwn(POLICY_TYPES, value);
}
