import { CERTIFICATE_REFERENCES } from './certificateReferences';

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
  'settingsCompliance',
  'complianceScripts',
  'macosCustomAttributeScripts',
  'hotpatchQualityUpdatePolicies',
  'uploadedAdmxFiles',
  'policySets',
  'appleEnrollmentProfiles',
  'appleUserEnrollmentProfiles',
  'androidEnrollmentProfiles',
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
  /** Fetched for every element of this list (`<item><path>/<elementId><each.path>`). */
  each?: readonly PolicyExpansion[];
  /** Only items with one of these `@odata.type`s have the list (derived-type navigation). */
  forODataTypes?: readonly string[];
  /**
   * Properties of each element (e.g. an `$expand`ed catalog entry) cut down to these keys: the
   * rest is Microsoft's metadata, which changes without the tenant's configuration changing.
   */
  project?: Readonly<Record<string, readonly string[]>>;
  /**
   * Property of each element holding Microsoft's catalog definitions of the element (the settings
   * catalog's `settingDefinitions`): taken off the element before the payload is built and handed
   * to the caller beside it (FetchedPolicy.settingDefinitions). Microsoft re-publishes them without
   * the tenant changing anything, so they never enter the hashed payload.
   */
  definitions?: string;
}

/** A GET of the item itself, for properties the collection leaves out (script content). */
export interface DetailExpansion {
  kind: 'detail';
  query?: string;
  /**
   * Read the object from this entity set (`<entitySet>/<id>`) instead of where it was listed:
   * Graph serves some lists as their base type and the full type only there (role assignments).
   */
  entitySet?: string;
}

/** A navigation property to another object of the same collection. */
export interface ReferenceNavigation {
  name: string;
  /** Single-valued (Graph answers the entity, or 404 when none is linked) or a collection. */
  single: boolean;
}

/**
 * Links to other objects that Graph leaves out of the item (a certificate profile's trusted root),
 * each read through the item's type cast: `<item>/microsoft.graph.<type>/<name>`. Stored as
 * references, not copies: the target is backed up on its own, so only its `id`, `displayName`
 * and `@odata.type` are kept (null when a single-valued link is not set).
 */
export interface ReferenceExpansion {
  kind: 'reference';
  /** Per `@odata.type` of the item, its navigations; items of other types cost no request. */
  byODataType: Readonly<Record<string, readonly ReferenceNavigation[]>>;
}

export type PolicyExpansion = ListExpansion | DetailExpansion | ReferenceExpansion;

export interface PolicyCollection {
  /** Path from the version root, e.g. '/deviceManagement/deviceConfigurations'. */
  path: string;
  /** Query string without '?'. */
  query?: string;
  /** Applied to this collection's items instead of the type's `expansions`. */
  expansions?: readonly PolicyExpansion[];
  /**
   * List expansions (ListExpansion.property of this collection's expansions) that Graph returns
   * inline with the listing through `$expand=<property>`, saving a request per item. Only what
   * public code shows working (`evidence`); the client falls back per item on a 400
   * (./listExpansion.ts).
   */
  listExpand?: ListExpand;
}

export interface ListExpand {
  properties: readonly string[];
  /** Where the call is shown working (documentation or public code). */
  evidence: string;
}

/**
 * Objects Microsoft publishes into every tenant (global remediation scripts): their content is
 * Microsoft's, not the customer's, and changes when Microsoft ships. Kept, because the customer
 * assigns them, but the listed properties are volatile for them.
 */
export interface MicrosoftPublished {
  property: string;
  equals: unknown;
  volatileFields: readonly string[];
}

export interface PolicyTypeDefinition {
  key: PolicyTypeKey;
  displayName: string;
  /** The property that names an object when it has neither `displayName` nor `name` (ADE tokens). */
  nameProperty?: string;
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
  microsoftPublished?: MicrosoftPublished;
}

const ASSIGNMENTS: ListExpansion = { kind: 'list', property: 'assignments', path: '/assignments' };
/**
 * Settings catalog settings (configuration and settings-based compliance policies) with the
 * definitions of each setting and its children, whose display names label changes. The
 * `settingDefinitions` relationship of deviceManagementConfigurationSetting (docs
 * intune-deviceconfigv2-devicemanagementconfigurationsetting.md); IntuneManagement
 * Extensions/Documentation.psm1 reads both `configurationPolicies('{id}')/settings` and
 * `compliancePolicies('{id}')/settings` with `$expand=settingDefinitions`, as do M365DSC's
 * settings catalog resources (-ExpandProperty 'settingDefinitions'). Paged at 25 (IntuneCD #125).
 */
const CATALOG_SETTINGS: ListExpansion = {
  kind: 'list',
  property: 'settings',
  path: '/settings',
  // Pages of up to 1,000 instead of Graph's 25 (IntuneCD SettingsCatalog.py `/settings?&top=1000`).
  query: '$expand=settingDefinitions&$top=1000',
  definitions: 'settingDefinitions',
};
const DETAIL: DetailExpansion = { kind: 'detail' };
const MODIFIED = ['lastModifiedDateTime'] as const;
const MODIFIED_AND_VERSION = ['lastModifiedDateTime', 'version'] as const;
// Counters Intune derives from other objects and devices (Salto omits both).
const DERIVED_APP_COUNTS = ['deployedAppCount', 'isAssigned'] as const;

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
  listExpand?: ListExpand,
): Entry {
  const collection = listExpand ? { path, listExpand } : { path };
  return { displayName, collections: [collection], expansions, permission, volatileFields: MODIFIED };
}

/** The list-level `$expand=assignments` that these public tools use on the collection. */
const assignmentsOnList = (evidence: string): ListExpand => ({ properties: ['assignments'], evidence });
const CIPP_POLICY_LIST = 'CIPP-API Invoke-ListIntunePolicy.ps1';
const CIPP_SCRIPT_LIST = 'CIPP-API Invoke-ListIntuneScript.ps1';
/**
 * Weaker than Salto's or CIPP's backups: IntuneManagement lists a view with `$expand=assignments`
 * when its ExpandAssignments option is on (off by default, for display columns; Core.psm1
 * Get-GraphObjects) unless the view is marked `ExpandAssignmentsList = $false`, as it marks scope
 * tags, Conditional Access and apps; the AutoPilot and enrollment views are not marked
 * (EndpointManager.psm1). An empty list is only believed once the listing showed it filled
 * (./listExpansion.ts), so a Graph that empties it costs requests, not assignments.
 */
const INTUNE_MANAGEMENT_LIST =
  'IntuneManagement Core.psm1 Get-GraphObjects (ExpandAssignments) and EndpointManager.psm1 views not marked ExpandAssignmentsList=$false';

const MAM_APPS: ListExpansion = { kind: 'list', property: 'apps', path: '/apps' };
const WIP_LISTS: readonly PolicyExpansion[] = [
  ASSIGNMENTS,
  { kind: 'list', property: 'protectedAppLockerFiles', path: '/protectedAppLockerFiles' },
  { kind: 'list', property: 'exemptAppLockerFiles', path: '/exemptAppLockerFiles' },
];
// `$expand=apps,assignments` on the type-specific MAM collections: Salto constants
// TYPES_WITH_TARGET_APPS_PATH_MAP; M365DSC (-ExpandProperty Apps, assignments).
const MAM_LIST_EXPAND: ListExpand = {
  properties: ['apps', 'assignments'],
  evidence: 'Salto intune.ts TYPES_WITH_TARGET_APPS_PATH_MAP; M365DSC',
};
const protection = (path: string, listExpand?: ListExpand): PolicyCollection =>
  listExpand
    ? { path: `/deviceAppManagement/${path}`, expansions: [MAM_APPS, ASSIGNMENTS], listExpand }
    : { path: `/deviceAppManagement/${path}`, expansions: WIP_LISTS };

// Every entry reads beta: v1.0 omits many Intune properties and whole collections, and drops
// Conditional Access conditions that exist only in beta. Evidence per entry: the comment above
// it (details and more sources in the project notes, graph-registry-check.md).
const ENTRIES: Record<PolicyTypeKey, Entry> = {
  // IntuneCD backup/Intune/DeviceConfigurations.py; M365DSC MSFT_IntuneDeviceConfiguration*.
  // Windows privacy access controls are a navigation of windows10GeneralConfiguration (docs
  // intune-deviceconfig-windowsprivacydataaccesscontrolitem-list.md; IntuneManagement MSGraph.psm1
  // expands it by the same cast); certificate links: ./certificateReferences.ts.
  deviceConfiguration: {
    ...simple(
      'Device configuration profiles',
      '/deviceManagement/deviceConfigurations',
      CONFIG_READ,
      [
        ASSIGNMENTS,
        {
          kind: 'list',
          property: 'privacyAccessControls',
          path: '/microsoft.graph.windows10GeneralConfiguration/privacyAccessControls',
          forODataTypes: ['#microsoft.graph.windows10GeneralConfiguration'],
        },
        { kind: 'reference', byODataType: CERTIFICATE_REFERENCES },
      ],
      assignmentsOnList(`Salto fetch.ts; ${CIPP_POLICY_LIST}`),
    ),
    volatileFields: MODIFIED_AND_VERSION,
  },
  // Settings are paged at 25 (IntuneCD #125, SettingsCatalog.py); per-item $expand=assignments is
  // empty for endpoint-security templates (msgraph-sdk-powershell #3337), so /assignments it is.
  settingsCatalog: {
    ...simple(
      'Settings catalog policies',
      '/deviceManagement/configurationPolicies',
      CONFIG_READ,
      [CATALOG_SETTINGS, ASSIGNMENTS],
      assignmentsOnList(`Salto device_configuration_settings.ts; ${CIPP_POLICY_LIST}`),
    ),
  },
  // The non-compliance actions (block, notify, retire after N days) are a navigation property
  // that Graph omits unless expanded (IntuneCD Compliance.py; msgraph-sdk-powershell #2025).
  compliance: {
    displayName: 'Compliance policies',
    collections: [
      {
        path: '/deviceManagement/deviceCompliancePolicies',
        query: '$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)',
        listExpand: assignmentsOnList(
          'Salto fetch.ts; msgraph-sdk-powershell #2025; CIPP-API Invoke-ListCompliancePolicies.ps1',
        ),
      },
    ],
    expansions: [ASSIGNMENTS],
    permission: CONFIG_READ,
    volatileFields: MODIFIED_AND_VERSION,
  },
  // Two levels, as IntuneCD GroupPolicyConfigurations.py, IBR and M365DSC read them (Graph's
  // MaxExpansionDepth is 1). The expanded definition and presentation are Microsoft's catalog
  // (version, explainText, supportedOn...), re-published without the tenant changing anything:
  // only their ids (and the definition's name) are kept.
  administrativeTemplates: {
    ...simple(
      'Administrative templates',
      '/deviceManagement/groupPolicyConfigurations',
      CONFIG_READ,
      [
        {
          kind: 'list',
          property: 'definitionValues',
          path: '/definitionValues',
          query: '$expand=definition',
          project: { definition: ['id', 'displayName'] },
          each: [
            {
              kind: 'list',
              property: 'presentationValues',
              path: '/presentationValues',
              query: '$expand=presentation',
              project: { presentation: ['id', '@odata.type'] },
            },
          ],
        },
        ASSIGNMENTS,
      ],
      assignmentsOnList(CIPP_POLICY_LIST),
    ),
  },
  // Documented relationships (docs intune-deviceintent-devicemanagementintent.md); IBR and
  // IntuneCD BaseGraphModule.py batch_intents walk the categories.
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
  // The collections leave out scriptContent (IntuneManagement #100, Salto): GET each item.
  // Permission: Learn intune-shared-devicemanagementscript-list (beta); M365DSC PR #6110.
  powershellScripts: {
    ...simple(
      'PowerShell scripts',
      '/deviceManagement/deviceManagementScripts',
      SCRIPTS_READ,
      [DETAIL, ASSIGNMENTS],
      assignmentsOnList(`Salto platform_script.ts; ${CIPP_SCRIPT_LIST}`),
    ),
    holdsScripts: true,
  },
  // `/deviceShellScripts/{id}/assignments` answers 400 "No OData route exists" (M365DSC
  // MSFT_IntuneDeviceConfigurationPlatformScriptMacOS.psm1; IntuneCD commit 07fa5c1): the item
  // GET with $expand=assignments brings content and assignments in one request.
  macosShellScripts: {
    ...simple('macOS shell scripts', '/deviceManagement/deviceShellScripts', SCRIPTS_READ, [
      { kind: 'detail', query: '$expand=assignments' },
    ]),
    holdsScripts: true,
  },
  // Learn intune-devices-devicehealthscript-list (beta). highestAvailableVersion is "the highest
  // available version for a Microsoft Proprietary script" (docs intune-devices-devicehealthscript.md;
  // IntuneCD strips it). Microsoft's global scripts: IntuneManagement EndpointManager.psm1.
  remediations: {
    ...simple(
      'Remediations',
      '/deviceManagement/deviceHealthScripts',
      SCRIPTS_READ,
      [DETAIL, ASSIGNMENTS],
      assignmentsOnList(CIPP_SCRIPT_LIST),
    ),
    volatileFields: [...MODIFIED, 'highestAvailableVersion'],
    holdsScripts: true,
    microsoftPublished: {
      property: 'isGlobalScript',
      equals: true,
      volatileFields: [
        'version',
        'publisher',
        'description',
        'detectionScriptContent',
        'remediationScriptContent',
        'detectionScriptParameters',
        'remediationScriptParameters',
      ],
    },
  },
  // IntuneCD WindowsEnrollmentProfile.py; docs issues #4434/#7236 (the assignments path).
  autopilotProfiles: simple(
    'Windows Autopilot deployment profiles',
    '/deviceManagement/windowsAutopilotDeploymentProfiles',
    SERVICE_CONFIG_READ,
    [ASSIGNMENTS],
    assignmentsOnList(INTUNE_MANAGEMENT_LIST),
  ),
  // IntuneCD EnrollmentConfigurations.py; docs intune-shared-deviceenrollmentconfiguration-list.md.
  enrollmentConfigurations: simple(
    'Enrollment configurations',
    '/deviceManagement/deviceEnrollmentConfigurations',
    SERVICE_CONFIG_READ,
    [ASSIGNMENTS],
    assignmentsOnList(INTUNE_MANAGEMENT_LIST),
  ),
  // The type-specific collections, as Salto (constants TYPES_WITH_TARGET_APPS_PATH_MAP), M365DSC
  // and CIPP-API read them: managedAppPolicies also lists app configurations, supports no $expand,
  // and its targetedManagedAppProtection cast is invalid for windowsManagedAppProtection (docs
  // intune-mam-windowsmanagedappprotection.md: "Inherits from managedAppPolicy"). WIP policies,
  // with and without enrollment, have no apps but assignments and AppLocker files
  // (IntuneManagement; Learn intune-mam-windowsinformationprotectionpolicy-list).
  appProtection: {
    displayName: 'App protection policies',
    collections: [
      protection('iosManagedAppProtections', MAM_LIST_EXPAND),
      protection('androidManagedAppProtections', MAM_LIST_EXPAND),
      protection('windowsManagedAppProtections', MAM_LIST_EXPAND),
      protection('mdmWindowsInformationProtectionPolicies'),
      protection('windowsInformationProtectionPolicies'),
    ],
    expansions: [],
    permission: APPS_READ,
    volatileFields: [...MODIFIED_AND_VERSION, ...DERIVED_APP_COUNTS],
  },
  // MAM app configurations have the apps they configure and, in beta, settings (docs
  // intune-mam-targetedmanagedappconfiguration.md; Learn new-mgbetadeviceappmanagement
  // targetedmanagedappconfiguration; Salto reads $expand=apps,assignments).
  appConfiguration: {
    displayName: 'App configuration policies',
    collections: [
      {
        path: '/deviceAppManagement/mobileAppConfigurations',
        listExpand: assignmentsOnList('CIPP-API; Salto fetch.ts'),
      },
      {
        path: '/deviceAppManagement/targetedManagedAppConfigurations',
        expansions: [MAM_APPS, { kind: 'list', property: 'settings', path: '/settings' }, ASSIGNMENTS],
        // Not `settings`: no public tool lists it inline.
        // IntuneManagement marks this view ExpandAssignmentsList = $false (it reads the item with
        // its own $expand); Salto lists it expanded. The empty-list rule guards the difference.
        listExpand: {
          properties: ['apps', 'assignments'],
          evidence: 'Salto fetch.ts (IntuneManagement disagrees)',
        },
      },
    ],
    expansions: [ASSIGNMENTS],
    permission: APPS_READ,
    volatileFields: [...MODIFIED_AND_VERSION, ...DERIVED_APP_COUNTS],
  },
  // `payloads` lists the assignments that use the filter: it changes when another object's
  // assignment does (docs intune-policyset-deviceandappmanagementassignmentfilter.md; Salto omits it).
  assignmentFilters: {
    ...simple('Assignment filters', '/deviceManagement/assignmentFilters', CONFIG_READ, []),
    volatileFields: [...MODIFIED, 'payloads'],
  },
  // docs intune-softwareupdate-windowsfeatureupdateprofile.md; IntuneCD WindowsFeatureUpdates.py.
  featureUpdateProfiles: simple(
    'Windows feature update profiles',
    '/deviceManagement/windowsFeatureUpdateProfiles',
    CONFIG_READ,
    [ASSIGNMENTS],
    assignmentsOnList(CIPP_POLICY_LIST),
  ),
  // Expedite profiles; CIPP-API Invoke-ListIntunePolicy.ps1.
  qualityUpdateProfiles: simple(
    'Windows quality update profiles',
    '/deviceManagement/windowsQualityUpdateProfiles',
    CONFIG_READ,
    [ASSIGNMENTS],
    assignmentsOnList(CIPP_POLICY_LIST),
  ),
  // driverInventories hold a manual profile's approvals (Learn intune-softwareupdate-
  // windowsdriverupdateinventory). Device counts and sync state change daily without an edit
  // (docs intune-softwareupdate-windowsdriverupdateprofile.md).
  driverUpdateProfiles: {
    ...simple(
      'Windows driver update profiles',
      '/deviceManagement/windowsDriverUpdateProfiles',
      CONFIG_READ,
      [ASSIGNMENTS, { kind: 'list', property: 'driverInventories', path: '/driverInventories' }],
      assignmentsOnList(CIPP_POLICY_LIST),
    ),
    volatileFields: [
      ...MODIFIED,
      'deviceReporting',
      'newUpdates',
      'inventorySyncStatus',
      'applicableDeviceCount',
    ],
  },
  // List-level $expand=assignments comes back empty here (IntuneManagement): per item.
  scopeTags: simple('Scope tags', '/deviceManagement/roleScopeTags', RBAC_READ),
  // Under a definition, roleAssignments are the base type without members or scope tags; IntuneCD
  // Roles.py, M365DSC MSFT_IntuneRoleAssignment.psm1 and IntuneManagement re-read each one from
  // /deviceManagement/roleAssignments (docs intune-rbac-deviceandappmanagementroleassignment.md).
  roleDefinitions: simple('Intune role definitions', '/deviceManagement/roleDefinitions', RBAC_READ, [
    {
      kind: 'list',
      property: 'roleAssignments',
      path: '/roleAssignments',
      each: [{ kind: 'detail', entitySet: '/deviceManagement/roleAssignments' }],
    },
  ]),
  // Learn intune-notification-notificationmessagetemplate-get (beta) names the Configuration
  // scopes; older v1.0 pages and M365DSC the ServiceConfig ones. The Configuration scope is the
  // current documentation, and every tenant set up per docs/connecting-a-tenant.md grants it already.
  notificationTemplates: simple(
    'Compliance notification templates',
    '/deviceManagement/notificationMessageTemplates',
    CONFIG_READ,
    [{ kind: 'list', property: 'localizedNotificationMessages', path: '/localizedNotificationMessages' }],
    { properties: ['localizedNotificationMessages'], evidence: 'IntuneCD NotificationTemplates.py' },
  ),
  // Beta, as IntuneCD ConditionalAccess.py, M365DSC (Get-MgBetaIdentityConditionalAccessPolicy)
  // and IntuneManagement read it: v1.0 drops beta-only controls such as token protection
  // (Learn resources/securesigninsessioncontrol) and agent identity risk (conditionalaccessconditionset).
  conditionalAccessPolicies: {
    ...simple('Conditional Access policies', '/identity/conditionalAccess/policies', POLICY_READ, []),
    volatileFields: ['modifiedDateTime'],
  },
  // Beta like the policies that use them (IntuneManagement EndpointManager.psm1).
  namedLocations: {
    ...simple('Named locations', '/identity/conditionalAccess/namedLocations', POLICY_READ, []),
    volatileFields: ['modifiedDateTime'],
  },
  // Settings-based (Linux and newer) compliance: IntuneCD DeviceCompliance.py reads the settings
  // and `/scheduledActionsForRule?$expand=scheduledActionConfigurations` per policy; the settings
  // are the settings catalog's, paged the same way (docs intune-deviceconfigv2-
  // devicemanagementcompliancepolicy.md lists settings, assignments and scheduledActionsForRule).
  settingsCompliance: simple(
    'Compliance policies (settings catalog)',
    '/deviceManagement/compliancePolicies',
    CONFIG_READ,
    [
      CATALOG_SETTINGS,
      {
        kind: 'list',
        property: 'scheduledActionsForRule',
        path: '/scheduledActionsForRule',
        query: '$expand=scheduledActionConfigurations',
      },
      ASSIGNMENTS,
    ],
  ),
  // Detection scripts that Windows compliance policies reference; content only on the item, and
  // no assignments of their own (IntuneCD ComplianceScripts.py; M365DSC
  // MSFT_IntuneDeviceComplianceScriptWindows10, which reads them with DeviceManagementScripts.Read.All).
  complianceScripts: {
    ...simple('Compliance scripts', '/deviceManagement/deviceComplianceScripts', SCRIPTS_READ, [DETAIL]),
    holdsScripts: true,
  },
  // Read like the shell scripts: the item with $expand=assignments (IntuneCD CustomAttributes.py);
  // the Scripts scope as for the other script endpoints (IntuneManagement EndpointManager.psm1).
  macosCustomAttributeScripts: {
    ...simple(
      'macOS custom attribute scripts',
      '/deviceManagement/deviceCustomAttributeShellScripts',
      SCRIPTS_READ,
      [{ kind: 'detail', query: '$expand=assignments' }],
    ),
    holdsScripts: true,
  },
  // Hotpatch quality update policies, apart from the expedite profiles (Learn intune-softwareupdate-
  // windowsqualityupdatepolicy-list; M365DSC MSFT_IntuneWindowsUpdateForBusinessHotpatchProfileWindows10).
  hotpatchQualityUpdatePolicies: simple(
    'Windows quality update policies (hotpatch)',
    '/deviceManagement/windowsQualityUpdatePolicies',
    CONFIG_READ,
    [ASSIGNMENTS],
    assignmentsOnList(CIPP_POLICY_LIST),
  ),
  // Custom ADMX files that admxIngested administrative templates are built on (IntuneManagement
  // "ADMX Files"). Graph documents `content` on the file and its language files, but public tools
  // found it empty (IntuneCD issue #270) and IntuneManagement imports from the files on disk: the
  // item is read in case a tenant serves it. `status` is the upload's processing state.
  uploadedAdmxFiles: {
    ...simple('Uploaded ADMX files', '/deviceManagement/groupPolicyUploadedDefinitionFiles', CONFIG_READ, [
      DETAIL,
    ]),
    volatileFields: [...MODIFIED, 'status'],
  },
  // $expand on the list is refused, on the item it brings the items and assignments in one
  // request (IntuneManagement EndpointManager.psm1 "Policy Sets"; M365DSC MSFT_IntunePolicySets
  // -ExpandProperty *). `status` and `errorCode` are the deployment's state, not configuration.
  policySets: {
    ...simple('Policy sets', '/deviceAppManagement/policySets', CONFIG_READ, [
      { kind: 'detail', query: '$expand=assignments,items' },
    ]),
    volatileFields: [...MODIFIED, 'status', 'errorCode'],
  },
  // ADE (DEP) tokens with their enrollment profiles (IntuneCD AppleEnrollmentProfiles.py reads
  // `/depOnboardingSettings/{id}/enrollmentProfiles`; docs intune-enrollment-deponboardingsetting.md).
  // Sync times, device counts and the token's expiry change without a configuration change.
  appleEnrollmentProfiles: {
    ...simple(
      'Apple ADE tokens and enrollment profiles',
      '/deviceManagement/depOnboardingSettings',
      SERVICE_CONFIG_READ,
      [{ kind: 'list', property: 'enrollmentProfiles', path: '/enrollmentProfiles' }],
    ),
    nameProperty: 'tokenName',
    volatileFields: [
      ...MODIFIED,
      'tokenExpirationDateTime',
      'lastSuccessfulSyncDateTime',
      'lastSyncTriggeredDateTime',
      'lastSyncErrorCode',
      'syncedDeviceCount',
    ],
  },
  // IntuneManagement "Apple Enrollment Types"; docs intune-enrollment-appleuserinitiatedenrollmentprofile.
  appleUserEnrollmentProfiles: simple(
    'Apple user-initiated enrollment profiles',
    '/deviceManagement/appleUserInitiatedEnrollmentProfiles',
    SERVICE_CONFIG_READ,
  ),
  // Android Enterprise (fully managed, dedicated, corporate work profile) enrollment profiles:
  // IntuneManagement "Android Enrolment Profiles"; M365DSC
  // MSFT_IntuneDeviceManagementAndroidDeviceOwnerEnrollmentProfile (Configuration scope). The token,
  // its QR code and the Wi-Fi password are enrollment secrets and never stored: they are volatile,
  // like the token's dates and the device counts. A restore issues a new token.
  androidEnrollmentProfiles: {
    ...simple(
      'Android Enterprise enrollment profiles',
      '/deviceManagement/androidDeviceOwnerEnrollmentProfiles',
      CONFIG_READ,
      [],
    ),
    volatileFields: [
      ...MODIFIED,
      'tokenValue',
      'qrCodeContent',
      'qrCodeImage',
      'wifiPassword',
      'tokenCreationDateTime',
      'tokenExpirationDateTime',
      'enrolledDeviceCount',
      'enrollmentTokenUsageCount',
    ],
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

/** The fields removed before hashing this object: Microsoft's content too for its own objects. */
export function volatileFieldsOf(
  definition: PolicyTypeDefinition,
  payload: Record<string, unknown>,
): readonly string[] {
  const published = definition.microsoftPublished;
  if (published === undefined || payload[published.property] !== published.equals)
    return definition.volatileFields;
  return [...definition.volatileFields, ...published.volatileFields];
}

/** Whether stored items of this type may hold scripts; a type the registry no longer knows may. */
export function mayHoldScripts(policyType: string): boolean {
  return !isPolicyTypeKey(policyType) || POLICY_TYPES[policyType].holdsScripts;
}
