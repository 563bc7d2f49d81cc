// Which arrays Graph gives no order to: the emulator's own reading of Graph, kept apart from
// TenantVault's diff rules (src/graph) on purpose, so that `POST /_emulator/.../shuffle` tests
// those rules against an independent statement of what may be reordered. An array not named here
// is kept in its order (OMA-URI settings, simple setting collections, group setting collection
// values, app lists whose order is an install order).

/**
 * Collection-valued navigation properties (EmulatorNode.lists): OData collections, which Graph
 * serves in no defined order. Every collection navigation of ./graphSurface.ts is here (a unit
 * test holds them together).
 */
export const UNORDERED_NAVIGATIONS: ReadonlySet<string> = new Set([
  'assignments',
  'settings',
  'categories',
  'settingDefinitions',
  'definitionValues',
  'presentationValues',
  'scheduledActionsForRule',
  'scheduledActionConfigurations',
  'localizedNotificationMessages',
  'apps',
  'items',
  'roleAssignments',
  'protectedAppLockerFiles',
  'exemptAppLockerFiles',
  'driverInventories',
  'enrollmentProfiles',
  'importedAppleDeviceIdentities',
  'groupPolicyOperations',
  'referencingConfigurationPolicies',
  // Windows 10 general configuration: one entry per app and data category.
  'privacyAccessControls',
]);

/**
 * Array-valued properties inside objects whose elements form a set: ids Graph matches by
 * membership, settings keyed by their definition id.
 */
export const UNORDERED_PROPERTIES: ReadonlySet<string> = new Set([
  // Scope tags of any Intune object.
  'roleScopeTagIds',
  // Settings catalog: the child settings of a choice value or a group value, one per definition id.
  'children',
  // Conditional Access conditions (conditionalAccessConditionSet and its parts) and grant controls.
  'includeUsers',
  'excludeUsers',
  'includeGroups',
  'excludeGroups',
  'includeRoles',
  'excludeRoles',
  'includeApplications',
  'excludeApplications',
  'includeUserActions',
  'includeAuthenticationContextClassReferences',
  'includeServicePrincipals',
  'excludeServicePrincipals',
  'includeLocations',
  'excludeLocations',
  'includePlatforms',
  'excludePlatforms',
  'clientAppTypes',
  'signInRiskLevels',
  'userRiskLevels',
  'servicePrincipalRiskLevels',
  'builtInControls',
  'customAuthenticationFactors',
  'termsOfUse',
  // Named locations: IP ranges and countries are matched by membership.
  'ipRanges',
  'countriesAndRegions',
  // Intune RBAC: a role's permissions and the actions they allow, a role assignment's groups.
  'rolePermissions',
  'allowedResourceActions',
  'notAllowedResourceActions',
  'resourceScopes',
  'members',
]);
