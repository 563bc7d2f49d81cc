// The Intune object types TenantVault backs up, as data: the fetcher, the emulator, the API's
// validation and `GET /v1/policy-types` all read this table, so adding a type is one entry here
// (plus the emulator's generator for it).

export const POLICY_TYPE_KEYS = [
  'deviceConfiguration',
  'settingsCatalog',
  'compliance',
  'administrativeTemplates',
  'endpointSecurityIntents',
  'powershellScripts',
  'macosShellScripts',
  'remediations',
  'autopilotProfiles',
  'enrollmentConfigurations',
  'appProtection',
  'appConfiguration',
  'assignmentFilters',
  'featureUpdateProfiles',
  'qualityUpdateProfiles',
  'driverUpdateProfiles',
  'scopeTags',
  'roleDefinitions',
  'notificationTemplates',
  'conditionalAccessPolicies',
  'namedLocations',
] as const;

export type PolicyTypeKey = (typeof POLICY_TYPE_KEYS)[number];

/**
 * A per-item sub-collection fetched with its own requests (`<collection>/<id><path>`). Every one
 * is treated as paged: Graph truncates them silently at the page size (the settings catalog's
 * `/settings` defaults to 25), so the fetcher always follows `@odata.nextLink`.
 */
export interface ListExpansion {
  kind: 'list';
  /** Property of the stored payload that receives the complete list. */
  property: string;
  /** Path below the item, starting with '/'. */
  path: string;
  /** Query string without '?', e.g. an `$expand`. */
  query?: string;
  /** Lists fetched for every element of this list (`<item><path>/<elementId><each.path>`). */
  each?: readonly ListExpansion[];
  /** Only items with one of these `@odata.type`s have the list (derived-type navigation). */
  forODataTypes?: readonly string[];
}

/** A GET of the item itself, for properties the collection leaves out (script content). */
export interface DetailExpansion {
  kind: 'detail';
  query?: string;
}

export type PolicyExpansion = ListExpansion | DetailExpansion;

export interface PolicyCollection {
  /** Path from the version root, e.g. '/deviceManagement/deviceConfigurations'. */
  path: string;
  /** Query string without '?'. */
  query?: string;
}

export interface PolicyTypeDefinition {
  key: PolicyTypeKey;
  displayName: string;
  graphVersion: 'v1.0' | 'beta';
  /** Usually one; app configuration lives in two collections. Ids are GUIDs, unique across both. */
  collections: readonly PolicyCollection[];
  /** Applied in order to every item of every collection. */
  expansions: readonly PolicyExpansion[];
  /** Application permission (Graph, type Application) the tenant's app registration needs. */
  permission: string;
  /**
   * Property names, at any depth, removed before hashing: only fields that change without the
   * configuration changing. `@odata.*` annotations other than `@odata.type` are always removed.
   */
  volatileFields: readonly string[];
  /**
   * The payload holds script bodies (PowerShell, shell, detection and remediation scripts), which
   * often embed credentials: the API shows it only to callers with `scripts:read` (operator and up).
   */
  holdsScripts: boolean;
}

const ASSIGNMENTS: ListExpansion = { kind: 'list', property: 'assignments', path: '/assignments' };
const DETAIL: DetailExpansion = { kind: 'detail' };
const MODIFIED = ['lastModifiedDateTime'] as const;
const MODIFIED_AND_VERSION = ['lastModifiedDateTime', 'version'] as const;

const CONFIG_READ = 'DeviceManagementConfiguration.Read.All';
const SCRIPTS_READ = 'DeviceManagementScripts.Read.All';
const SERVICE_CONFIG_READ = 'DeviceManagementServiceConfig.Read.All';
const APPS_READ = 'DeviceManagementApps.Read.All';
const RBAC_READ = 'DeviceManagementRBAC.Read.All';
const POLICY_READ = 'Policy.Read.All';

type Entry = Omit<PolicyTypeDefinition, 'key' | 'graphVersion' | 'holdsScripts'> & {
  graphVersion?: 'v1.0' | 'beta';
  holdsScripts?: true;
};

function simple(
  displayName: string,
  path: string,
  permission: string,
  expansions: readonly PolicyExpansion[] = [ASSIGNMENTS],
): Entry {
  return { displayName, collections: [{ path }], expansions, permission, volatileFields: MODIFIED };
}

// Beta unless stated: v1.0 omits many Intune properties (and whole collections), so a v1.0
// backup would be incomplete. Conditional Access is complete in v1.0, which is stable.
const ENTRIES: Record<PolicyTypeKey, Entry> = {
  deviceConfiguration: {
    ...simple('Device configuration profiles', '/deviceManagement/deviceConfigurations', CONFIG_READ),
    volatileFields: MODIFIED_AND_VERSION,
  },
  settingsCatalog: {
    ...simple('Settings catalog policies', '/deviceManagement/configurationPolicies', CONFIG_READ, [
      { kind: 'list', property: 'settings', path: '/settings' },
      ASSIGNMENTS,
    ]),
  },
  compliance: {
    displayName: 'Compliance policies',
    // The non-compliance actions (block, notify, retire after N days) are a navigation property
    // that Graph omits unless expanded; without them a restore would lose the grace periods.
    collections: [
      {
        path: '/deviceManagement/deviceCompliancePolicies',
        query: '$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)',
      },
    ],
    expansions: [ASSIGNMENTS],
    permission: CONFIG_READ,
    volatileFields: MODIFIED_AND_VERSION,
  },
  administrativeTemplates: {
    ...simple('Administrative templates', '/deviceManagement/groupPolicyConfigurations', CONFIG_READ, [
      {
        kind: 'list',
        property: 'definitionValues',
        path: '/definitionValues',
        query: '$expand=definition',
        each: [
          {
            kind: 'list',
            property: 'presentationValues',
            path: '/presentationValues',
            query: '$expand=presentation',
          },
        ],
      },
      ASSIGNMENTS,
    ]),
  },
  endpointSecurityIntents: {
    ...simple('Endpoint security (legacy intents)', '/deviceManagement/intents', CONFIG_READ, [
      {
        kind: 'list',
        property: 'categories',
        path: '/categories',
        each: [{ kind: 'list', property: 'settings', path: '/settings' }],
      },
      ASSIGNMENTS,
    ]),
  },
  // The collections leave out scriptContent / detection and remediation scripts: GET each item.
  powershellScripts: {
    ...simple('PowerShell scripts', '/deviceManagement/deviceManagementScripts', SCRIPTS_READ, [
      DETAIL,
      ASSIGNMENTS,
    ]),
    holdsScripts: true,
  },
  macosShellScripts: {
    ...simple('macOS shell scripts', '/deviceManagement/deviceShellScripts', SCRIPTS_READ, [
      DETAIL,
      ASSIGNMENTS,
    ]),
    holdsScripts: true,
  },
  remediations: {
    ...simple('Remediations', '/deviceManagement/deviceHealthScripts', SCRIPTS_READ, [DETAIL, ASSIGNMENTS]),
    holdsScripts: true,
  },
  autopilotProfiles: simple(
    'Windows Autopilot deployment profiles',
    '/deviceManagement/windowsAutopilotDeploymentProfiles',
    SERVICE_CONFIG_READ,
  ),
  enrollmentConfigurations: simple(
    'Enrollment configurations',
    '/deviceManagement/deviceEnrollmentConfigurations',
    SERVICE_CONFIG_READ,
  ),
  appProtection: {
    ...simple('App protection policies', '/deviceAppManagement/managedAppPolicies', APPS_READ, [
      // apps and assignments are navigation properties of the derived (targeted) types only,
      // reached through a type-cast segment.
      ...(['apps', 'assignments'] as const).map(
        (property): ListExpansion => ({
          kind: 'list',
          property,
          path: `/microsoft.graph.targetedManagedAppProtection/${property}`,
          forODataTypes: [
            '#microsoft.graph.iosManagedAppProtection',
            '#microsoft.graph.androidManagedAppProtection',
            '#microsoft.graph.windowsManagedAppProtection',
          ],
        }),
      ),
    ]),
    volatileFields: MODIFIED_AND_VERSION,
  },
  appConfiguration: {
    displayName: 'App configuration policies',
    collections: [
      { path: '/deviceAppManagement/mobileAppConfigurations' },
      { path: '/deviceAppManagement/targetedManagedAppConfigurations' },
    ],
    expansions: [ASSIGNMENTS],
    permission: APPS_READ,
    volatileFields: MODIFIED_AND_VERSION,
  },
  assignmentFilters: simple('Assignment filters', '/deviceManagement/assignmentFilters', CONFIG_READ, []),
  featureUpdateProfiles: simple(
    'Windows feature update profiles',
    '/deviceManagement/windowsFeatureUpdateProfiles',
    CONFIG_READ,
  ),
  qualityUpdateProfiles: simple(
    'Windows quality update profiles',
    '/deviceManagement/windowsQualityUpdateProfiles',
    CONFIG_READ,
  ),
  driverUpdateProfiles: simple(
    'Windows driver update profiles',
    '/deviceManagement/windowsDriverUpdateProfiles',
    CONFIG_READ,
  ),
  scopeTags: simple('Scope tags', '/deviceManagement/roleScopeTags', RBAC_READ),
  roleDefinitions: simple('Intune role definitions', '/deviceManagement/roleDefinitions', RBAC_READ, [
    { kind: 'list', property: 'roleAssignments', path: '/roleAssignments' },
  ]),
  notificationTemplates: simple(
    'Compliance notification templates',
    '/deviceManagement/notificationMessageTemplates',
    SERVICE_CONFIG_READ,
    [{ kind: 'list', property: 'localizedNotificationMessages', path: '/localizedNotificationMessages' }],
  ),
  conditionalAccessPolicies: {
    ...simple('Conditional Access policies', '/identity/conditionalAccess/policies', POLICY_READ, []),
    graphVersion: 'v1.0',
    volatileFields: ['modifiedDateTime'],
  },
  namedLocations: {
    ...simple('Named locations', '/identity/conditionalAccess/namedLocations', POLICY_READ, []),
    graphVersion: 'v1.0',
    volatileFields: ['modifiedDateTime'],
  },
};

export const POLICY_TYPES: Readonly<Record<PolicyTypeKey, PolicyTypeDefinition>> = Object.freeze(
  Object.fromEntries(
    POLICY_TYPE_KEYS.map((key) => [key, { key, graphVersion: 'beta', holdsScripts: false, ...ENTRIES[key] }]),
  ) as Record<PolicyTypeKey, PolicyTypeDefinition>,
);

export function isPolicyTypeKey(value: string): value is PolicyTypeKey {
  return (POLICY_TYPE_KEYS as readonly string[]).includes(value);
}

/** Whether stored items of this type may hold scripts; a type the registry no longer knows may. */
export function mayHoldScripts(policyType: string): boolean {
  return !isPolicyTypeKey(policyType) || POLICY_TYPES[policyType].holdsScripts;
}
