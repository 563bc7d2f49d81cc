// How each array of a payload is compared, as data beside the registry (./policyTypes.ts): the
// canonical form (./canonical.ts) sorts the arrays whose order means nothing, so a reordering
// never changes a payload's hash, and the diff (src/diff) matches their elements the same way.
//
// An array is found by its property name, or by `parent/property` where `parent` is the property
// holding the object that holds the array (array levels skipped; '' at the payload's root). The
// scoped form wins. An array without a rule is `ordered`: order kept, so no change is ever missed.
import type { PolicyTypeKey } from './policyTypes';

/** Elements matched by the values at these paths ('/'-separated, inside the element). */
export interface IdentityRule {
  kind: 'identity';
  keys: readonly string[];
  /** Where the diff's labels come from: the key is a setting definition id, or an assignment. */
  labels?: 'settingDefinition' | 'assignment';
  /** Element properties that are the element's position, not its content: not diffed. */
  positional?: readonly string[];
}

/** Order has no meaning in Graph: elements sorted by their canonical text. */
export interface SetRule {
  kind: 'set';
}

export type ArrayRule = IdentityRule | SetRule;
export type ArrayRules = Readonly<Record<string, ArrayRule>>;

const SET: SetRule = { kind: 'set' };
const identity = (...keys: string[]): IdentityRule => ({ kind: 'identity', keys });

// Intune evaluates assignments as a union of include minus exclude: their order means nothing, and
// one target (kind, group, filter, filter mode) is one assignment.
const ASSIGNMENTS: IdentityRule = {
  ...identity(
    'target/@odata.type',
    'target/groupId',
    'target/deviceAndAppManagementAssignmentFilterId',
    'target/deviceAndAppManagementAssignmentFilterType',
  ),
  labels: 'assignment',
};

/** Arrays that hold the same thing in every type. */
export const COMMON_ARRAY_RULES: ArrayRules = {
  assignments: ASSIGNMENTS,
  // Scope tags an object carries: a membership list.
  roleScopeTagIds: SET,
  // Same, under the name policy sets and assignment filters use.
  roleScopeTags: SET,
};

// Settings catalog (and settings-based compliance, MAM app configuration settings): Graph numbers
// settings by position ("0", "1"...), so a setting is its definition, at every level of nesting.
const SETTINGS_CATALOG: ArrayRules = {
  settings: {
    ...identity('settingInstance/settingDefinitionId'),
    labels: 'settingDefinition',
    positional: ['id'],
  },
  // Children of a choice value or of a group value: one instance per definition.
  children: { ...identity('settingDefinitionId'), labels: 'settingDefinition' },
  // Instances of a group collection and values of a simple collection keep their order: some are
  // priority lists (TLS cipher suites, ECC curve order, search suffixes), and a restore must
  // write them in the order the tenant had. A reorder there is a change.
  // Several choices of a multi-select setting: all selected, in no order.
  choiceSettingCollectionValue: SET,
};

// A managed app is its identifier: bundle id (iOS), package id (Android) or app id (Windows).
const MANAGED_APPS: IdentityRule = identity(
  'mobileAppIdentifier/@odata.type',
  'mobileAppIdentifier/bundleId',
  'mobileAppIdentifier/packageId',
  'mobileAppIdentifier/windowsAppId',
);

// Compliance actions for non-compliance: one rule per ruleName (Graph has one, named ""), one
// configuration per action type; several notifications pair in order.
const SCHEDULED_ACTIONS: ArrayRules = {
  scheduledActionsForRule: identity('ruleName'),
  scheduledActionConfigurations: identity('actionType'),
  // Extra recipients (group ids) of a notification e-mail.
  notificationMessageCCList: SET,
};

// Role permissions: allowed and denied actions are sets of action names.
const ROLE_PERMISSIONS: ArrayRules = {
  // Usually one element without a key; all of them are granted together.
  rolePermissions: SET,
  permissions: SET,
  resourceActions: SET,
  actions: SET,
  allowedResourceActions: SET,
  notAllowedResourceActions: SET,
};

// Every Conditional Access condition list is a membership test: order means nothing.
const CONDITIONAL_ACCESS: ArrayRules = Object.fromEntries(
  [
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
    'includeDevices',
    'excludeDevices',
    'clientAppTypes',
    'userRiskLevels',
    'signInRiskLevels',
    'servicePrincipalRiskLevels',
    'members',
    'builtInControls',
    'customAuthenticationFactors',
    'termsOfUse',
  ].map((name) => [name, SET]),
);

/** Per type, on top of the common rules (a type's rule wins). */
export const ARRAY_RULES: Readonly<Partial<Record<PolicyTypeKey, ArrayRules>>> = {
  settingsCatalog: SETTINGS_CATALOG,
  settingsCompliance: { ...SETTINGS_CATALOG, ...SCHEDULED_ACTIONS },
  compliance: {
    ...SCHEDULED_ACTIONS,
    // Apps that make a device non-compliant when installed: a list to test against.
    restrictedApps: identity('appId'),
    // Allowed OS build ranges: any one of them is enough.
    validOperatingSystemBuildRanges: SET,
  },
  // Group Policy: one value per definition, one presentation value per presentation (ADMX element).
  administrativeTemplates: {
    definitionValues: identity('definition/id'),
    presentationValues: identity('presentation/id'),
    // A list box's or multi-text element's values keep their order (REG_MULTI_SZ is ordered).
  },
  endpointSecurityIntents: {
    // Template categories and their setting instances, each by its template id.
    categories: identity('id'),
    'categories/settings': { ...identity('definitionId'), labels: 'settingDefinition' },
  },
  deviceConfiguration: {
    // Custom profiles' OMA-URI settings keep their order: Graph serves them as they were entered,
    // nothing documents that the order carries no meaning (ADMX ingestion is entered before the
    // settings that use it), and a restore must write them as the tenant had them.
    // Per-app privacy overrides: one per data category and app.
    privacyAccessControls: identity('dataCategory', 'appPackageFamilyName'),
    // Allowed/blocked app lists checked by membership.
    compliantAppsList: identity('appId', 'name'),
    bluetoothAllowedServices: SET,
    defenderAttackSurfaceReductionExcludedPaths: SET,
    // Certificate EKUs: a set of OIDs.
    extendedKeyUsages: identity('objectIdentifier'),
    // Server names a Wi-Fi/VPN profile trusts: any of them.
    trustedServerCertificateNames: SET,
  },
  appProtection: {
    apps: MANAGED_APPS,
    // Where data may be saved or opened from: membership lists.
    allowedDataIngestionLocations: SET,
    allowedDataStorageLocations: SET,
    exemptedAppPackages: SET,
    exemptedAppProtocols: SET,
    // WIP AppLocker files, each by its content hash.
    protectedAppLockerFiles: identity('fileHash'),
    exemptAppLockerFiles: identity('fileHash'),
  },
  appConfiguration: {
    apps: MANAGED_APPS,
    // Managed app configuration key/value pairs: one value per key.
    customSettings: identity('name'),
    // Device (appConfigKey) or MAM (settings catalog instance) settings: one per key.
    settings: {
      ...identity('settingInstance/settingDefinitionId', 'appConfigKey'),
      labels: 'settingDefinition',
      positional: ['id'],
    },
    children: { ...identity('settingDefinitionId'), labels: 'settingDefinition' },
    // As in the settings catalog: group and simple collections keep their order.
    choiceSettingCollectionValue: SET,
    // Android permission grants: one action per permission.
    permissionActions: identity('permission'),
    targetedMobileApps: SET,
  },
  enrollmentConfigurations: {
    // Platform restrictions: blocked manufacturers and SKUs are membership lists.
    blockedManufacturers: SET,
    blockedSkus: SET,
    // Apps the Enrollment Status Page waits for: all of them, in no order.
    selectedMobileAppIds: SET,
  },
  driverUpdateProfiles: {
    // A manual profile's driver approvals, each by Graph's driver id.
    driverInventories: identity('id'),
  },
  hotpatchQualityUpdatePolicies: {
    // One approval setting per cadence and category.
    approvalSettings: identity('windowsQualityUpdateCadence', 'windowsQualityUpdateCategory'),
  },
  roleDefinitions: {
    ...ROLE_PERMISSIONS,
    // Role assignments are objects with their own ids; members and scopes are membership lists.
    roleAssignments: identity('id'),
    resourceScopes: SET,
    scopeMembers: SET,
    members: SET,
  },
  notificationTemplates: {
    // One message per locale.
    localizedNotificationMessages: identity('locale'),
  },
  conditionalAccessPolicies: CONDITIONAL_ACCESS,
  namedLocations: {
    // A location matches any of its ranges or countries.
    ipRanges: SET,
    countriesAndRegions: SET,
  },
  policySets: {
    // One item per object the set deploys.
    items: identity('payloadId'),
    guidedDeploymentTags: SET,
  },
  appleEnrollmentProfiles: {
    // A token's profiles are objects with their own ids.
    enrollmentProfiles: identity('id'),
    // Setup Assistant panes skipped, and groups added at enrollment: membership lists.
    enabledSkipKeys: SET,
    enrollmentTimeAzureAdGroupIds: SET,
  },
  appleUserEnrollmentProfiles: {
    // One enrollment type per device owner type.
    availableEnrollmentTypeOptions: identity('ownerType'),
  },
  uploadedAdmxFiles: {
    // One ADML per language.
    groupPolicyUploadedLanguageFiles: identity('languageCode'),
    languageCodes: SET,
  },
};

/**
 * Properties (any depth) where `[]`, `null` and absent mean different things in Graph, per type.
 * None known: Graph treats an empty list, null and a missing property alike in every type read.
 */
export const DISTINCT_EMPTY: Readonly<Partial<Record<PolicyTypeKey, readonly string[]>>> = {};

/** Properties whose values are secrets or stand for one: a diff says "changed", never the values. */
export const SECRET_KEYS: readonly string[] = ['secretReferenceValueId'];

/**
 * Properties that hold a secret in objects of a given `@odata.type`: a settings catalog secret
 * value (a password, a pre-shared key) is `value` of deviceManagementConfigurationSecretSettingValue,
 * served as an encrypted token (`valueState: encryptedValueToken`) or, if not yet encrypted, as
 * the text itself (Learn deviceManagementConfigurationSecretSettingValue).
 */
export const SECRET_PROPERTIES_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  '#microsoft.graph.deviceManagementConfigurationSecretSettingValue': ['value'],
};

/**
 * Encrypted OMA-URI values are stored as this fingerprint (src/secrets/settingValues.ts
 * FINGERPRINT_PREFIX, ./encryptedSettings.ts): equal values give equal fingerprints, but the
 * fingerprint is still derived from the secret and is never shown.
 */
export const SECRET_VALUE_PREFIX = 'tenantvault-secret:';

const indexes = new Map<string, ReadonlyMap<string, ArrayRule>>();

/** The type's array rules by `property` and `parent/property` (common rules for unknown types). */
export function arrayRulesOf(policyType: string): ReadonlyMap<string, ArrayRule> {
  let index = indexes.get(policyType);
  if (index === undefined) {
    const own = (ARRAY_RULES as Record<string, ArrayRules | undefined>)[policyType] ?? {};
    index = new Map(Object.entries({ ...COMMON_ARRAY_RULES, ...own }));
    indexes.set(policyType, index);
  }
  return index;
}

/** The rule of the array `property` inside an object held by `parent` ('' at the root). */
export function arrayRuleAt(
  rules: ReadonlyMap<string, ArrayRule>,
  parent: string,
  property: string,
): ArrayRule | undefined {
  if (rules.size === 0) return undefined;
  return rules.get(`${parent}/${property}`) ?? rules.get(property);
}

const unorderedTopLevel = new Map<string, readonly string[]>();

/**
 * The top-level properties of a type's payloads whose elements are matched by identity: the
 * snapshot reads only their elements that differ (an element's path names its identity, not its
 * position, so leaving equal ones out changes no path). Sets are read whole: an object in a set
 * is addressed by its index.
 */
export function unorderedPropertiesOf(policyType: string): readonly string[] {
  let names = unorderedTopLevel.get(policyType);
  if (names === undefined) {
    const rules = arrayRulesOf(policyType);
    names = [...rules.keys()].filter(
      (key) => !key.includes('/') && arrayRuleAt(rules, '', key)?.kind === 'identity',
    );
    unorderedTopLevel.set(policyType, names);
  }
  return names;
}
