import type { PolicyTypeKey } from '../graph/policyTypes';
import { DEVICE_CONFIGURATION_CASTS } from './deviceConfigurationCasts';
import type { AuditLogKind } from './auditLog';
import type { PoolKind } from './pools';

// What Microsoft Graph serves, written down independently of TenantVault's registry: which entity
// sets exist in which version, which navigation properties can be read as paths or `$expand`ed
// (and how deep), which type casts and item functions are valid and which permissions Graph
// accepts. The emulator routes requests by this table only, so a registry entry that asks Graph
// for something Graph refuses fails in tests as it would in a tenant. Sources per entry:
// ../../../shared/notes/graph-registry-check.md, the Graph docs (microsoft-graph-docs-contrib,
// api-reference/beta) and the public clients named there.

/** A navigation property of an entity (or of the elements of a navigation collection). */
export interface NavigationRule {
  /** `GET <item>/<name>` is routed. False: Graph's 400 "No OData route exists" (shell scripts). */
  routable: boolean;
  /** `GET <item>?$expand=<name>` returns it inline. */
  expandOnItem: boolean;
  /**
   * `$expand=<name>` on a listing of the owner: true (served), false (Graph's 400), or 'empty':
   * accepted, but every item gets an empty list (scope tags' assignments, IntuneManagement).
   */
  expandOnList: boolean | 'empty';
  /** Single-valued (an entity, not a collection), e.g. `definition`, `presentation`. */
  single?: boolean;
  /** Navigations of each element (definitionValues -> presentationValues, definition). */
  elements?: Readonly<Record<string, NavigationRule>>;
  /** Properties of the derived element type that this path does not serve (base type only). */
  baseTypeOmits?: readonly string[];
  /** Graph's default page size when the request has no `$top` (settings catalog settings: 25). */
  pageSize?: number;
  /** Properties of its elements that change between reads without any edit (see EntitySet). */
  drifting?: readonly string[];
  /** Links to other members of the same entity set (EmulatorNode.references), not owned elements. */
  references?: true;
  /** Graph's type name of its elements, for error messages about their navigations. */
  graphType?: string;
  /** Its elements are Microsoft's catalog, re-published per tenant fault `catalogRevision`. */
  catalog?: true;
}

/**
 * A function bound to an item, `<item>/<name>(<parameter>='<value>')` (name case-insensitive,
 * optionally `microsoft.graph.`-qualified). It reveals the plain text of a setting the emulator
 * sealed on write (./encryptedValues.ts): `value` of the elements of `settings` with
 * `isEncrypted: true`, found by the element's property named like the parameter.
 */
export interface BoundFunction {
  parameter: string;
  /** The item's array property holding the settings. */
  settings: string;
  versions: readonly ('v1.0' | 'beta')[];
  /** Graph answers 403 naming these unless the app holds one of them. */
  permissions: readonly string[];
}

/** A type-cast segment (`<item>/microsoft.graph.x/<nav>`) and the item types it is valid for. */
export interface TypeCast {
  appliesTo: readonly string[];
  navigations: Readonly<Record<string, NavigationRule>>;
}

/**
 * Where the emulator keeps a set's objects: a registry type's collection, elements of a list, a
 * pool of the tenant (directory, apps, templates: ./pools), or what the tenant's audit log
 * recorded of changes made through the admin API (./auditLog.ts). A set holding nothing is
 * served empty.
 */
export type Holding =
  | { type: PolicyTypeKey; collectionIndex?: number }
  | { type: PolicyTypeKey; elementsOf: string }
  | { pool: PoolKind }
  | { log: AuditLogKind };

export type FilterOperator = 'eq' | 'ge' | 'gt' | 'le' | 'lt';

/** A property `$filter` may test on a set, its literal type and the operators Graph accepts. */
export interface FilterableProperty {
  type: 'string' | 'boolean' | 'dateTime';
  operators: readonly FilterOperator[];
}

/** The registry types a set holds (for per-type faults); directory holdings have none. */
export function heldTypes(holds: readonly Holding[]): PolicyTypeKey[] {
  return holds.flatMap((holding) => ('type' in holding ? [holding.type] : []));
}

/** A POST action Graph routes (the emulator answers 405 to any other method but GET). */
export interface SurfaceAction {
  path: string;
  versions: readonly ('v1.0' | 'beta')[];
  permissions: readonly string[];
}

export interface EntitySet {
  /** From the version root, e.g. '/deviceManagement/deviceShellScripts'. */
  path: string;
  /** Graph's type name of its items, for error messages ('microsoft.graph.deviceShellScript'). */
  graphType: string;
  versions: readonly ('v1.0' | 'beta')[];
  holds: readonly Holding[];
  navigations: Readonly<Record<string, NavigationRule>>;
  casts?: Readonly<Record<string, TypeCast>>;
  /** Application permissions Graph accepts for reading the set (any one suffices). */
  permissions: readonly string[];
  /** Properties (dotted paths) only beta serves; v1.0 leaves them out. */
  betaOnlyProperties?: readonly string[];
  /**
   * Properties that Intune changes between reads without anyone editing the object: device counts,
   * sync times, Microsoft's catalog versions. The emulator changes them on every read, so a
   * backup that does not treat them as volatile reports changes that are not there.
   */
  drifting?: readonly string[];
  /**
   * How deep `$expand` may nest below a request on this set (`a($expand=b)` is 2). Graph's
   * controllers default to 1 and answer 400 beyond it; 1 unless given.
   */
  maxExpansionDepth?: number;
  functions?: Readonly<Record<string, BoundFunction>>;
  /**
   * What `$filter` may test on a listing of the set; any other clause is Graph's 400 "Invalid
   * filter clause". Absent: the set refuses `$filter` ("Query option 'Filter' is not allowed").
   */
  filters?: Readonly<Record<string, FilterableProperty>>;
}

const BOTH = ['v1.0', 'beta'] as const;
const BETA = ['beta'] as const;

/** An ordinary collection navigation: a path, and `$expand` on items and lists. */
const NAV: NavigationRule = { routable: true, expandOnItem: true, expandOnList: true };
/** Readable as a path and expandable per item; list-level `$expand` unproven, so refused. */
const PER_ITEM: NavigationRule = { routable: true, expandOnItem: true, expandOnList: false };
/** A single-valued navigation, only ever inlined with `$expand`. */
const SINGLE: NavigationRule = {
  routable: true,
  expandOnItem: true,
  expandOnList: true,
  single: true,
};

/**
 * A policy's catalog settings, paged at 25 (IntuneCD #125), each with the `settingDefinitions`
 * relationship of deviceManagementConfigurationSetting (docs intune-deviceconfigv2-
 * devicemanagementconfigurationsetting.md): routable (docs ...settingdefinition-list.md lists
 * `configurationPolicies/{id}/settings/{settingId}/settingDefinitions`) and expanded on the
 * settings list (IntuneManagement Documentation.psm1 reads configurationPolicies and
 * compliancePolicies `settings?$expand=settingDefinitions`). From the policy it is two levels,
 * `$expand=settings($expand=settingDefinitions)`, beyond these sets' depth of 1.
 */
const CATALOG_SETTINGS: NavigationRule = {
  ...PER_ITEM,
  pageSize: 25,
  graphType: 'microsoft.graph.deviceManagementConfigurationSetting',
  elements: {
    settingDefinitions: {
      ...NAV,
      graphType: 'microsoft.graph.deviceManagementConfigurationSettingDefinition',
      catalog: true,
    },
  },
};

const STRING_EQ: FilterableProperty = { type: 'string', operators: ['eq'] };
/** A time window: `activityDateTime ge 2026-01-01T00:00:00Z and activityDateTime lt …`. */
const TIME_RANGE: FilterableProperty = { type: 'dateTime', operators: ['ge', 'gt', 'le', 'lt'] };
/** Equality on the name and the key, which Intune's collections accept (IntuneManagement, IntuneCD). */
const BY_NAME = { id: STRING_EQ, displayName: STRING_EQ };
/** Built-in roles and scope tags are told apart with `isBuiltIn eq false` (IntuneManagement). */
const BY_NAME_OR_BUILT_IN = { ...BY_NAME, isBuiltIn: { type: 'boolean', operators: ['eq'] } as const };

const CONFIG = ['DeviceManagementConfiguration.Read.All', 'DeviceManagementConfiguration.ReadWrite.All'];
const SERVICE_CONFIG = [
  'DeviceManagementServiceConfig.Read.All',
  'DeviceManagementServiceConfig.ReadWrite.All',
];
// The five script endpoints moved to the Scripts scopes (Intune "What's new", week of July 28
// 2025); the older Configuration scopes are still accepted.
const SCRIPTS = ['DeviceManagementScripts.Read.All', 'DeviceManagementScripts.ReadWrite.All', ...CONFIG];
const MANAGED_DEVICES = [
  'DeviceManagementManagedDevices.Read.All',
  'DeviceManagementManagedDevices.ReadWrite.All',
];
const APPS = ['DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All'];
const RBAC = ['DeviceManagementRBAC.Read.All', 'DeviceManagementRBAC.ReadWrite.All'];
const POLICY = ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'];
// Learn group-list / group-get, user-get, serviceprincipal-get (application permissions, least
// privileged first).
const GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All'];
const USERS = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const SERVICE_PRINCIPALS = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All'];

// Documented in v1.0 and beta (Learn intune-deviceconfig-deviceconfiguration-getomasettingplaintextvalue,
// both views; msgraph-sdk-go, generated from v1.0, has getOmaSettingPlainTextValueWithSecretReferenceValueId).
// Read.All is refused (IntuneManagement #263; microsoft-graph-docs PR #19790).
const PLAIN_TEXT: BoundFunction = {
  parameter: 'secretReferenceValueId',
  settings: 'omaSettings',
  versions: BOTH,
  permissions: ['DeviceManagementConfiguration.ReadWrite.All'],
};

function set(
  path: string,
  graphType: string,
  holds: Holding[],
  permissions: readonly string[],
  navigations: Record<string, NavigationRule> = { assignments: NAV },
  more: Partial<EntitySet> = {},
): EntitySet {
  return { path, graphType, versions: BETA, holds, navigations, permissions, filters: BY_NAME, ...more };
}

const APP_COUNTS = ['deployedAppCount', 'isAssigned'];
const TARGETED_PROTECTION = [
  '#microsoft.graph.iosManagedAppProtection',
  '#microsoft.graph.androidManagedAppProtection',
];

/** An app protection collection of one platform: apps and assignments, derived app counts. */
function protectionSet(type: string, collectionIndex: number, versions: EntitySet['versions']): EntitySet {
  return set(
    `/deviceAppManagement/${type}s`,
    `microsoft.graph.${type}`,
    [{ type: 'appProtection', collectionIndex }],
    APPS,
    { apps: NAV, assignments: NAV },
    { versions, drifting: APP_COUNTS },
  );
}

/** Windows Information Protection, with (mdm) and without enrollment: no apps. */
function wipSet(type: string, collectionIndex: number): EntitySet {
  return set(
    `/deviceAppManagement/${type.replace(/y$/, 'ies')}`,
    `microsoft.graph.${type}`,
    [{ type: 'appProtection', collectionIndex }],
    APPS,
    { assignments: NAV, protectedAppLockerFiles: NAV, exemptAppLockerFiles: NAV },
    { versions: BOTH },
  );
}

export const ENTITY_SETS: readonly EntitySet[] = [
  set(
    '/deviceManagement/deviceConfigurations',
    'microsoft.graph.deviceConfiguration',
    [{ type: 'deviceConfiguration' }],
    CONFIG,
    undefined,
    {
      versions: BOTH,
      casts: DEVICE_CONFIGURATION_CASTS,
      functions: { getOmaSettingPlainTextValue: PLAIN_TEXT },
    },
  ),
  set(
    '/deviceManagement/configurationPolicies',
    'microsoft.graph.deviceManagementConfigurationPolicy',
    [{ type: 'settingsCatalog' }],
    CONFIG,
    {
      // List-level $expand=settings is only in unattributed code.
      settings: CATALOG_SETTINGS,
      assignments: NAV,
    },
  ),
  set(
    '/deviceManagement/deviceCompliancePolicies',
    'microsoft.graph.deviceCompliancePolicy',
    [{ type: 'compliance' }],
    CONFIG,
    {
      scheduledActionsForRule: {
        ...NAV,
        graphType: 'microsoft.graph.deviceComplianceScheduledActionForRule',
        elements: { scheduledActionConfigurations: NAV },
      },
      assignments: NAV,
    },
    // Read with `$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)` (Salto
    // fetch.ts, IntuneCD Compliance.py; registry check notes).
    { versions: BOTH, maxExpansionDepth: 2 },
  ),
  set(
    '/deviceManagement/groupPolicyConfigurations',
    'microsoft.graph.groupPolicyConfiguration',
    [{ type: 'administrativeTemplates' }],
    CONFIG,
    {
      // Graph's MaxExpansionDepth is 1: definitionValues cannot bring their presentation values.
      definitionValues: {
        ...PER_ITEM,
        graphType: 'microsoft.graph.groupPolicyDefinitionValue',
        elements: {
          definition: {
            ...SINGLE,
            drifting: ['version', 'explainText', 'supportedOn', 'minDeviceCspVersion'],
          },
          presentationValues: {
            ...NAV,
            graphType: 'microsoft.graph.groupPolicyPresentationValue',
            elements: { presentation: { ...SINGLE, drifting: ['lastModifiedDateTime'] } },
          },
        },
      },
      assignments: NAV,
    },
  ),
  set(
    '/deviceManagement/intents',
    'microsoft.graph.deviceManagementIntent',
    [{ type: 'endpointSecurityIntents' }],
    CONFIG,
    {
      categories: {
        ...PER_ITEM,
        graphType: 'microsoft.graph.deviceManagementIntentSettingCategory',
        elements: { settings: PER_ITEM },
      },
      settings: PER_ITEM,
      assignments: PER_ITEM,
    },
  ),
  set(
    '/deviceManagement/deviceManagementScripts',
    'microsoft.graph.deviceManagementScript',
    [{ type: 'powershellScripts' }],
    SCRIPTS,
  ),
  // `/deviceShellScripts/{id}/assignments` answers 400 "No OData route exists" although the docs
  // list it (M365DSC MSFT_IntuneDeviceConfigurationPlatformScriptMacOS.psm1; IntuneCD 07fa5c1).
  set(
    '/deviceManagement/deviceShellScripts',
    'microsoft.graph.deviceShellScript',
    [{ type: 'macosShellScripts' }],
    SCRIPTS,
    {
      assignments: { routable: false, expandOnItem: true, expandOnList: true },
    },
  ),
  set(
    '/deviceManagement/deviceHealthScripts',
    'microsoft.graph.deviceHealthScript',
    [{ type: 'remediations' }],
    SCRIPTS,
    undefined,
    {
      drifting: ['highestAvailableVersion'],
    },
  ),
  // Listed with $expand=assignments by IntuneManagement, whose views mark where Graph refuses or
  // empties that (ExpandAssignmentsList = $false); these views are not marked.
  set(
    '/deviceManagement/windowsAutopilotDeploymentProfiles',
    'microsoft.graph.windowsAutopilotDeploymentProfile',
    [{ type: 'autopilotProfiles' }],
    SERVICE_CONFIG,
    { assignments: NAV },
  ),
  set(
    '/deviceManagement/deviceEnrollmentConfigurations',
    'microsoft.graph.deviceEnrollmentConfiguration',
    [{ type: 'enrollmentConfigurations' }],
    SERVICE_CONFIG,
    { assignments: NAV },
    { versions: BOTH },
  ),
  // managedAppPolicies lists every MAM policy, app configurations included, and supports no
  // $expand (CIPP-API Invoke-ListAppProtectionPolicies.ps1). windowsManagedAppProtection derives
  // from managedAppPolicy, not targetedManagedAppProtection, so that cast is invalid for it.
  set(
    '/deviceAppManagement/managedAppPolicies',
    'microsoft.graph.managedAppPolicy',
    [{ type: 'appProtection' }, { type: 'appConfiguration', collectionIndex: 1 }],
    APPS,
    {},
    {
      versions: BOTH,
      casts: {
        'microsoft.graph.targetedManagedAppProtection': {
          appliesTo: TARGETED_PROTECTION,
          navigations: { apps: PER_ITEM, assignments: PER_ITEM },
        },
      },
    },
  ),
  protectionSet('iosManagedAppProtection', 0, BOTH),
  protectionSet('androidManagedAppProtection', 1, BOTH),
  protectionSet('windowsManagedAppProtection', 2, BETA),
  wipSet('mdmWindowsInformationProtectionPolicy', 3),
  wipSet('windowsInformationProtectionPolicy', 4),
  set(
    '/deviceAppManagement/mobileAppConfigurations',
    'microsoft.graph.managedDeviceMobileAppConfiguration',
    [{ type: 'appConfiguration', collectionIndex: 0 }],
    APPS,
    undefined,
    { versions: BOTH },
  ),
  // `settings` is beta only (Learn new-mgbetadeviceappmanagementtargetedmanagedappconfiguration).
  set(
    '/deviceAppManagement/targetedManagedAppConfigurations',
    'microsoft.graph.targetedManagedAppConfiguration',
    [{ type: 'appConfiguration', collectionIndex: 1 }],
    APPS,
    {
      apps: NAV,
      assignments: NAV,
      settings: PER_ITEM,
    },
    { versions: BOTH, drifting: APP_COUNTS },
  ),
  // payloads: the assignments that use the filter, which change when other objects' do.
  set(
    '/deviceManagement/assignmentFilters',
    'microsoft.graph.deviceAndAppManagementAssignmentFilter',
    [{ type: 'assignmentFilters' }],
    CONFIG,
    {},
    {
      drifting: ['payloads'],
    },
  ),
  // `$filter=displayName eq '…'` answers "Query option 'Filter' is not allowed"
  // (microsoft-graph-docs-contrib #94).
  set(
    '/deviceManagement/windowsFeatureUpdateProfiles',
    'microsoft.graph.windowsFeatureUpdateProfile',
    [{ type: 'featureUpdateProfiles' }],
    CONFIG,
    undefined,
    { filters: undefined },
  ),
  set(
    '/deviceManagement/windowsQualityUpdateProfiles',
    'microsoft.graph.windowsQualityUpdateProfile',
    [{ type: 'qualityUpdateProfiles' }],
    CONFIG,
  ),
  set(
    '/deviceManagement/windowsDriverUpdateProfiles',
    'microsoft.graph.windowsDriverUpdateProfile',
    [{ type: 'driverUpdateProfiles' }],
    CONFIG,
    {
      assignments: NAV,
      driverInventories: { ...PER_ITEM, drifting: ['applicableDeviceCount'] },
    },
    { drifting: ['deviceReporting', 'newUpdates', 'inventorySyncStatus'] },
  ),
  // List-level $expand=assignments "adds the property but always empty" (IntuneManagement).
  set(
    '/deviceManagement/roleScopeTags',
    'microsoft.graph.roleScopeTag',
    [{ type: 'scopeTags' }],
    RBAC,
    { assignments: { routable: true, expandOnItem: true, expandOnList: 'empty' } },
    { filters: BY_NAME_OR_BUILT_IN },
  ),
  // Under a role definition the assignments are the base roleAssignment type: no members, no
  // scope tags (docs intune-rbac-roleassignment-list.md); their own set serves the full type.
  set(
    '/deviceManagement/roleDefinitions',
    'microsoft.graph.roleDefinition',
    [{ type: 'roleDefinitions' }],
    RBAC,
    {
      roleAssignments: { ...PER_ITEM, baseTypeOmits: ['members', 'roleScopeTagIds'] },
    },
    { versions: BOTH, filters: BY_NAME_OR_BUILT_IN },
  ),
  set(
    '/deviceManagement/roleAssignments',
    'microsoft.graph.deviceAndAppManagementRoleAssignment',
    [{ type: 'roleDefinitions', elementsOf: 'roleAssignments' }],
    RBAC,
    {},
    { versions: BOTH },
  ),
  // Current Learn beta GET and v1.0 update pages list only the Configuration scopes (older pages
  // named ServiceConfig): the emulator follows the current documentation.
  set(
    '/deviceManagement/notificationMessageTemplates',
    'microsoft.graph.notificationMessageTemplate',
    [{ type: 'notificationTemplates' }],
    CONFIG,
    {
      localizedNotificationMessages: NAV,
    },
    { versions: BOTH },
  ),
  set(
    '/identity/conditionalAccess/policies',
    'microsoft.graph.conditionalAccessPolicy',
    [{ type: 'conditionalAccessPolicies' }],
    POLICY,
    {},
    {
      versions: BOTH,
      // Learn resources/securesigninsessioncontrol (beta only), conditionalaccessconditionset beta.
      betaOnlyProperties: ['sessionControls.secureSignInSession', 'conditions.agentIdRiskLevels'],
    },
  ),
  set(
    '/identity/conditionalAccess/namedLocations',
    'microsoft.graph.namedLocation',
    [{ type: 'namedLocations' }],
    POLICY,
    {},
    { versions: BOTH },
  ),
  // Settings-based compliance: settings paged like the settings catalog's; the actions per rule
  // read as `/scheduledActionsForRule?$expand=scheduledActionConfigurations` (IntuneCD).
  set(
    '/deviceManagement/compliancePolicies',
    'microsoft.graph.deviceManagementCompliancePolicy',
    [{ type: 'settingsCompliance' }],
    CONFIG,
    {
      settings: CATALOG_SETTINGS,
      scheduledActionsForRule: {
        ...PER_ITEM,
        graphType: 'microsoft.graph.deviceManagementComplianceScheduledActionForRule',
        elements: { scheduledActionConfigurations: NAV },
      },
      assignments: NAV,
    },
  ),
  // The list and get pages name the Configuration and ManagedDevices scopes; tools use the
  // Scripts scope of the other script endpoints (M365DSC, IntuneManagement).
  set(
    '/deviceManagement/deviceComplianceScripts',
    'microsoft.graph.deviceComplianceScript',
    [{ type: 'complianceScripts' }],
    [...SCRIPTS, ...MANAGED_DEVICES],
    {},
  ),
  // Like deviceShellScripts, read with $expand=assignments on the item (IntuneCD CustomAttributes.py).
  set(
    '/deviceManagement/deviceCustomAttributeShellScripts',
    'microsoft.graph.deviceCustomAttributeShellScript',
    [{ type: 'macosCustomAttributeScripts' }],
    [...SCRIPTS, ...MANAGED_DEVICES],
    { assignments: { routable: false, expandOnItem: true, expandOnList: false } },
  ),
  set(
    '/deviceManagement/windowsQualityUpdatePolicies',
    'microsoft.graph.windowsQualityUpdatePolicy',
    [{ type: 'hotpatchQualityUpdatePolicies' }],
    CONFIG,
  ),
  // `status` moves from uploadInProgress to available (or a failure) without an edit.
  set(
    '/deviceManagement/groupPolicyUploadedDefinitionFiles',
    'microsoft.graph.groupPolicyUploadedDefinitionFile',
    [{ type: 'uploadedAdmxFiles' }],
    CONFIG,
    { groupPolicyOperations: PER_ITEM },
    { drifting: ['status'] },
  ),
  // List-level $expand is not allowed (IntuneManagement); status is the deployment's state.
  set(
    '/deviceAppManagement/policySets',
    'microsoft.graph.policySet',
    [{ type: 'policySets' }],
    CONFIG,
    {
      items: { ...PER_ITEM, drifting: ['status', 'errorCode'] },
      assignments: PER_ITEM,
    },
    { drifting: ['status', 'errorCode'] },
  ),
  set(
    '/deviceManagement/depOnboardingSettings',
    'microsoft.graph.depOnboardingSetting',
    [{ type: 'appleEnrollmentProfiles' }],
    SERVICE_CONFIG,
    { enrollmentProfiles: PER_ITEM, importedAppleDeviceIdentities: PER_ITEM },
    { drifting: ['lastSuccessfulSyncDateTime', 'lastSyncTriggeredDateTime', 'syncedDeviceCount'] },
  ),
  set(
    '/deviceManagement/appleUserInitiatedEnrollmentProfiles',
    'microsoft.graph.appleUserInitiatedEnrollmentProfile',
    [{ type: 'appleUserEnrollmentProfiles' }],
    SERVICE_CONFIG,
    { assignments: PER_ITEM },
  ),
  set(
    '/deviceManagement/androidDeviceOwnerEnrollmentProfiles',
    'microsoft.graph.androidDeviceOwnerEnrollmentProfile',
    [{ type: 'androidEnrollmentProfiles' }],
    CONFIG,
    {},
    { drifting: ['enrolledDeviceCount', 'enrollmentTokenUsageCount'] },
  ),
  // The audit log, read since a time (`activityDateTime ge …`; Learn intune-auditing-auditevent-list,
  // IntuneManagement's audit view): the seeded history, then the changes made through the admin
  // API. Its permissions table names only DeviceManagementApps (Read or ReadWrite), and so does
  // TenantVault's audit source (src/graph/auditSources.ts).
  set(
    '/deviceManagement/auditEvents',
    'microsoft.graph.auditEvent',
    [{ pool: 'auditEvents' }, { log: 'auditEvents' }],
    APPS,
    {},
    { versions: BOTH, filters: { ...BY_NAME, activityDateTime: TIME_RANGE } },
  ),
  // Entra ID's audit log, where Conditional Access policy and named location changes are recorded
  // (Learn directoryaudit-list: application permission AuditLog.Read.All; filterable by
  // activityDateTime, category, activityDisplayName).
  set(
    '/auditLogs/directoryAudits',
    'microsoft.graph.directoryAudit',
    [{ log: 'directoryAudits' }],
    ['AuditLog.Read.All'],
    {},
    {
      versions: BOTH,
      filters: {
        id: STRING_EQ,
        category: STRING_EQ,
        activityDisplayName: STRING_EQ,
        activityDateTime: TIME_RANGE,
      },
    },
  ),
  // Apps that app configurations target and Enrollment Status Pages wait for (./pools/mobileApps.ts);
  // assignments served empty. Learn intune-apps-mobileapp-list (both versions).
  set(
    '/deviceAppManagement/mobileApps',
    'microsoft.graph.mobileApp',
    [{ pool: 'mobileApps' }],
    APPS,
    undefined,
    {
      versions: BOTH,
    },
  ),
  // The templates intents are made from (`templateId`), read by IntuneCD and IBR with their
  // categories' setting definitions (Learn intune-deviceintent-devicemanagementtemplate-list).
  set(
    '/deviceManagement/templates',
    'microsoft.graph.deviceManagementTemplate',
    [{ pool: 'templates' }],
    CONFIG,
    {
      categories: {
        ...PER_ITEM,
        graphType: 'microsoft.graph.deviceManagementTemplateSettingCategory',
        elements: { settingDefinitions: PER_ITEM },
      },
    },
  ),
  // The templates settings catalog policies are made from (`templateReference.templateId`), with
  // their lifecycleState: IntuneManagement reads it before importing (Learn intune-deviceconfigv2-
  // devicemanagementconfigurationpolicytemplate-list, beta only, Configuration read scopes).
  set(
    '/deviceManagement/configurationPolicyTemplates',
    'microsoft.graph.deviceManagementConfigurationPolicyTemplate',
    [{ pool: 'configurationPolicyTemplates' }],
    CONFIG,
    {},
  ),
  // Collections the reference tools read that generated tenants have none of (served empty):
  // reusable policy settings (registry check, defect 7; IntuneCD), terms and conditions, branding
  // and device categories (IntuneCD, IntuneManagement).
  set(
    '/deviceManagement/reusablePolicySettings',
    'microsoft.graph.deviceManagementReusablePolicySetting',
    [],
    CONFIG,
    {
      referencingConfigurationPolicies: PER_ITEM,
    },
  ),
  set(
    '/deviceManagement/termsAndConditions',
    'microsoft.graph.termsAndConditions',
    [],
    SERVICE_CONFIG,
    undefined,
    {
      versions: BOTH,
    },
  ),
  set(
    '/deviceManagement/intuneBrandingProfiles',
    'microsoft.graph.intuneBrandingProfile',
    [],
    SERVICE_CONFIG,
  ),
  set(
    '/deviceManagement/deviceCategories',
    'microsoft.graph.deviceCategory',
    [],
    SERVICE_CONFIG,
    {},
    {
      versions: BOTH,
    },
  ),
  // The directory objects Intune and CA objects point at (./pools); no navigations served.
  set('/groups', 'microsoft.graph.group', [{ pool: 'groups' }], GROUPS, {}, { versions: BOTH }),
  set('/users', 'microsoft.graph.user', [{ pool: 'users' }], USERS, {}, { versions: BOTH }),
  set(
    '/servicePrincipals',
    'microsoft.graph.servicePrincipal',
    [{ pool: 'servicePrincipals' }],
    SERVICE_PRINCIPALS,
    {},
    { versions: BOTH },
  ),
];

/**
 * `POST /directoryObjects/getByIds`: Learn directoryobject-getbyids (both versions) names only
 * Directory.Read.All for applications; served by ./directoryApi.ts.
 */
export const ACTIONS: readonly SurfaceAction[] = [
  { path: '/directoryObjects/getByIds', versions: BOTH, permissions: ['Directory.Read.All'] },
];

/** What a tenant's app holds unless told otherwise: every read permission the sets accept. */
export const DEFAULT_GRANTS: readonly string[] = [
  ...new Set(
    [...ENTITY_SETS, ...ACTIONS].flatMap((entry) => entry.permissions.filter((p) => p.endsWith('.Read.All'))),
  ),
];
