import {
  AUTOPILOT_TYPES,
  COMPLIANCE_TYPES,
  DEVICE_CONFIGURATION_TYPES,
  ENROLLMENT_TYPES,
  MOBILE_APP_CONFIGURATION_TYPES,
  NAMED_LOCATION_TYPES,
} from './itemTypes';

// What Graph accepts as writes on the entity sets of ../graphSurface.ts, written down from Graph's
// documentation and the tools' write recipes (../../../shared/notes/restore-graph.md sections 1,
// 5, 6), independently of TenantVault's registry and restore recipes: which methods each set
// takes, which properties the server owns, which navigations a create may carry inline, what is
// immutable or built in. ./serveWrite.ts answers by this table only.

/** Which of Graph's write limits a request counts against (notes section 6). */
export type WriteFamily = 'intune' | 'conditionalAccess';

/**
 * Who keeps the modification time: Intune's lastModifiedDateTime or Entra's modifiedDateTime;
 * `intuneModifiedOnly`: lastModifiedDateTime and no createdDateTime at all (Graph's
 * notificationMessageTemplate has none, as the generator's objects show).
 */
export type Timestamps = 'intune' | 'entra' | 'intuneModifiedOnly';

export interface WritableSet {
  /** The set's path, as in ENTITY_SETS. */
  path: string;
  family: WriteFamily;
  timestamps: Timestamps;
  /** POST to the collection (false: Graph refuses creates here, e.g. intents since MC955748). */
  create: boolean;
  /** `PUT <item>`: full replace including the deep-inserted navigations (settings catalog). */
  put?: boolean;
  /** Navigations a create may carry inline (Graph deep-inserts them); any other is a 400. */
  deepInsert?: readonly string[];
  /** Properties a PATCH may not change once created (assignment filters' platform). */
  immutable?: readonly string[];
  /** Server-owned properties beyond COMMON_READ_ONLY: a create naming them is a 400. */
  readOnly?: readonly string[];
  /**
   * The item type is abstract: a create must name a derived `@odata.type`, one of `types`
   * (Graph's 400 "Cannot create an abstract class" without, "could not be resolved" if unknown).
   */
  polymorphic?: { types: readonly string[] };
  /** A non-polymorphic set's derived item types a body may name besides the set's own. */
  derivedTypes?: readonly string[];
  /** A create must carry exactly one block action in scheduledActionsForRule (compliance). */
  oneBlockAction?: true;
  /** The server's integer `version`, 1 on create and bumped on every write. */
  versioned?: boolean;
  /** Ids Graph gives: GUIDs, or the next small integer (scope tags). */
  ids?: 'guid' | 'integer';
  /** Properties the server fills in on create when the body leaves them out. */
  defaults?: Readonly<Record<string, unknown>>;
  /** A create or PUT must reference a usable configurationPolicyTemplate (validate.ts). */
  templateReference?: true;
  /** The server counts the created `settings` into `settingCount`. */
  countsSettings?: true;
  actions?: Readonly<Record<string, ActionRule>>;
  subResources?: Readonly<Record<string, SubResourceRule>>;
  /** Objects Microsoft owns or the tenant was born with: which writes refuse them. */
  builtIn?: BuiltInRule;
}

/** A built-in object is recognised by a property value; `allow` lists what Graph still permits. */
export interface BuiltInRule {
  /** Property and the values that make an object built in. */
  when: { property: string; values: readonly unknown[] };
  allow: readonly ('PATCH' | 'DELETE')[];
  message: string;
}

/** What an action bound to an item does (./actions.ts). */
export type ActionKind =
  | 'assign'
  | 'deviceIdsAssign'
  | 'setPriority'
  | 'scheduleActionsForRules'
  | 'updateDefinitionValues'
  | 'targetApps'
  | 'windowsPrivacyAccessControls'
  | 'updateIntentSettings';

/** `POST <item>/<name>` (also behind a type cast, e.g. `.../microsoft.graph.x/assign`). */
export interface ActionRule {
  kind: ActionKind;
  /** The body's list property (Graph's parameter name), e.g. 'deviceManagementScriptAssignments'. */
  key?: string;
  /** Graph answers 200 with the resulting collection, or 204. */
  status: 200 | 204;
  /** Stored assignments carry `source: direct` and `sourceId` (device configurations). */
  sourced?: true;
}

/** Elements written one by one: `POST <item>/<name>` (201), and `PATCH <item>/<name>/<id>` where allowed. */
export interface SubResourceRule {
  kind: 'assignment' | 'definitionValue' | 'localizedMessage';
  patch?: true;
}

/** Properties the server owns on every Intune and Entra object (notes section 1a). */
export const COMMON_READ_ONLY = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'modifiedDateTime',
  'version',
  'isAssigned',
  'supportsScopeTags',
  'deployedAppCount',
  'settingCount',
] as const;

const INTUNE = { family: 'intune', timestamps: 'intune', create: true } as const;
const ENTRA = { family: 'conditionalAccess', timestamps: 'entra', create: true } as const;
const SCOPE_TAG_DEFAULT = { roleScopeTagIds: ['0'] };
/** What Graph derives from assignments and targeted apps, none yet on a new object. */
const UNASSIGNED = { ...SCOPE_TAG_DEFAULT, isAssigned: false };
const NO_APPS = { ...UNASSIGNED, deployedAppCount: 0 };

// `/assign` body keys per family (notes 1b): replace-all, the posted list becomes the whole list.
const ASSIGN_200: Record<string, ActionRule> = {
  assign: { kind: 'assign', key: 'assignments', status: 200 },
};
const ASSIGN_204: Record<string, ActionRule> = {
  assign: { kind: 'assign', key: 'assignments', status: 204 },
};
const SCRIPT_ASSIGN: Record<string, ActionRule> = {
  assign: { kind: 'assign', key: 'deviceManagementScriptAssignments', status: 204 },
};
const TARGET_APPS: ActionRule = { kind: 'targetApps', status: 204 };

export const WRITABLE_SETS: readonly WritableSet[] = [
  {
    ...INTUNE,
    path: '/deviceManagement/deviceConfigurations',
    actions: {
      assign: { kind: 'assign', key: 'assignments', status: 200, sourced: true },
      // Windows device restrictions' per-app privacy rules, never inline in a create (./privacyAccessControls.ts).
      windowsPrivacyAccessControls: {
        kind: 'windowsPrivacyAccessControls',
        key: 'windowsPrivacyAccessControls',
        status: 204,
      },
    },
    polymorphic: { types: DEVICE_CONFIGURATION_TYPES },
    versioned: true,
    // Every device configuration Graph serves says it supports scope tags (a create may not set it).
    defaults: { ...SCOPE_TAG_DEFAULT, supportsScopeTags: true },
  },
  {
    ...INTUNE,
    path: '/deviceManagement/configurationPolicies',
    actions: ASSIGN_200,
    put: true,
    deepInsert: ['settings'],
    templateReference: true,
    countsSettings: true,
    defaults: UNASSIGNED,
    // "Platform, PolicyType, and CreationSource cannot be changed once created" (CIPP #3744).
    immutable: ['platforms', 'technologies', 'creationSource'],
    readOnly: ['creationSource'],
  },
  {
    ...INTUNE,
    path: '/deviceManagement/deviceCompliancePolicies',
    actions: {
      ...ASSIGN_200,
      scheduleActionsForRules: {
        kind: 'scheduleActionsForRules',
        key: 'deviceComplianceScheduledActionForRules',
        status: 204,
      },
    },
    polymorphic: { types: COMPLIANCE_TYPES },
    deepInsert: ['scheduledActionsForRule'],
    oneBlockAction: true,
    versioned: true,
    defaults: SCOPE_TAG_DEFAULT,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/compliancePolicies',
    actions: {
      ...ASSIGN_200,
      // Replace-all like scheduleActionsForRules, answered with the rules it leaves (docs beta
      // intune-deviceconfigv2-devicemanagementcompliancepolicy-setscheduledactions.md).
      setScheduledActions: { kind: 'scheduleActionsForRules', key: 'scheduledActions', status: 200 },
    },
    put: true,
    deepInsert: ['settings', 'scheduledActionsForRule'],
    countsSettings: true,
    immutable: ['platforms', 'technologies'],
    defaults: UNASSIGNED,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/groupPolicyConfigurations',
    defaults: SCOPE_TAG_DEFAULT,
    actions: { ...ASSIGN_200, updateDefinitionValues: { kind: 'updateDefinitionValues', status: 204 } },
    subResources: { definitionValues: { kind: 'definitionValue' } },
  },
  // Windows endpoint-security intents can no longer be created (MC955748); edits still work.
  // Settings through updateSettings (docs beta intune-deviceintent-devicemanagementintent-updatesettings.md).
  {
    ...INTUNE,
    path: '/deviceManagement/intents',
    create: false,
    actions: {
      ...ASSIGN_204,
      updateSettings: { kind: 'updateIntentSettings', key: 'settings', status: 204 },
    },
  },
  {
    ...INTUNE,
    path: '/deviceManagement/deviceManagementScripts',
    defaults: SCOPE_TAG_DEFAULT,
    actions: SCRIPT_ASSIGN,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/deviceShellScripts',
    defaults: SCOPE_TAG_DEFAULT,
    actions: SCRIPT_ASSIGN,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/deviceHealthScripts',
    actions: { assign: { kind: 'assign', key: 'deviceHealthScriptAssignments', status: 204 } },
    readOnly: ['isGlobalScript', 'highestAvailableVersion', 'deviceHealthScriptType'],
    // What Graph answers for a script the tenant made: not Microsoft's, an ordinary health script.
    defaults: { ...SCOPE_TAG_DEFAULT, isGlobalScript: false, deviceHealthScriptType: 'deviceHealthScript' },
    builtIn: {
      when: { property: 'isGlobalScript', values: [true] },
      allow: [],
      message: 'Microsoft published scripts cannot be modified or deleted.',
    },
  },
  { ...INTUNE, path: '/deviceManagement/deviceComplianceScripts', defaults: SCOPE_TAG_DEFAULT },
  {
    ...INTUNE,
    path: '/deviceManagement/deviceCustomAttributeShellScripts',
    defaults: SCOPE_TAG_DEFAULT,
    actions: SCRIPT_ASSIGN,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/windowsAutopilotDeploymentProfiles',
    // Its `/assign` takes device ids; groups are assigned one POST .../assignments each (notes 1b).
    actions: { assign: { kind: 'deviceIdsAssign', key: 'deviceIds', status: 204 } },
    subResources: { assignments: { kind: 'assignment' } },
    polymorphic: { types: AUTOPILOT_TYPES },
    defaults: SCOPE_TAG_DEFAULT,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/deviceEnrollmentConfigurations',
    actions: {
      assign: { kind: 'assign', key: 'enrollmentConfigurationAssignments', status: 204 },
      setPriority: { kind: 'setPriority', key: 'priority', status: 204 },
    },
    polymorphic: { types: ENROLLMENT_TYPES },
    versioned: true,
    // Priority is only set through setPriority (notes 1c).
    readOnly: ['priority'],
    defaults: SCOPE_TAG_DEFAULT,
    builtIn: {
      when: { property: 'priority', values: [0] },
      allow: ['PATCH'],
      message: 'Default enrollment configurations cannot be created or deleted.',
    },
  },
  ...(['ios', 'android', 'windows'] as const).map(
    (platform): WritableSet => ({
      ...INTUNE,
      path: `/deviceAppManagement/${platform}ManagedAppProtections`,
      actions: { ...ASSIGN_204, targetApps: TARGET_APPS },
      readOnly: ['apps'],
      defaults: NO_APPS,
    }),
  ),
  {
    ...INTUNE,
    path: '/deviceAppManagement/mdmWindowsInformationProtectionPolicies',
    defaults: SCOPE_TAG_DEFAULT,
    actions: ASSIGN_204,
  },
  // `assign` is bound to windowsInformationProtection, the base of both WIP types (docs
  // intune-mam-windowsinformationprotection-assign: targetedManagedAppPolicyAssignments, 204).
  {
    ...INTUNE,
    path: '/deviceAppManagement/windowsInformationProtectionPolicies',
    defaults: SCOPE_TAG_DEFAULT,
    actions: ASSIGN_204,
  },
  {
    ...INTUNE,
    path: '/deviceAppManagement/mobileAppConfigurations',
    actions: ASSIGN_204,
    polymorphic: { types: MOBILE_APP_CONFIGURATION_TYPES },
    versioned: true,
    defaults: SCOPE_TAG_DEFAULT,
  },
  {
    ...INTUNE,
    path: '/deviceAppManagement/targetedManagedAppConfigurations',
    actions: { ...ASSIGN_204, targetApps: TARGET_APPS },
    deepInsert: ['settings'],
    readOnly: ['apps'],
    defaults: NO_APPS,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/assignmentFilters',
    immutable: ['platform'],
    readOnly: ['payloads'],
  },
  {
    ...INTUNE,
    path: '/deviceManagement/windowsFeatureUpdateProfiles',
    defaults: SCOPE_TAG_DEFAULT,
    actions: ASSIGN_200,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/windowsQualityUpdateProfiles',
    defaults: SCOPE_TAG_DEFAULT,
    actions: ASSIGN_200,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/windowsDriverUpdateProfiles',
    actions: ASSIGN_200,
    immutable: ['approvalType'],
    defaults: SCOPE_TAG_DEFAULT,
  },
  // Hotpatch policies: `assign` returns nothing (docs intune-softwareupdate-windowsqualityupdatepolicy).
  {
    ...INTUNE,
    path: '/deviceManagement/windowsQualityUpdatePolicies',
    actions: ASSIGN_204,
    defaults: SCOPE_TAG_DEFAULT,
  },
  {
    ...INTUNE,
    path: '/deviceManagement/roleScopeTags',
    actions: ASSIGN_200,
    ids: 'integer',
    readOnly: ['isBuiltIn'],
    defaults: { isBuiltIn: false },
    builtIn: {
      when: { property: 'isBuiltIn', values: [true] },
      allow: [],
      message: 'The built-in scope tag cannot be modified or deleted.',
    },
  },
  {
    ...INTUNE,
    path: '/deviceManagement/roleDefinitions',
    readOnly: ['isBuiltIn', 'isBuiltInRoleDefinition'],
    defaults: { isBuiltIn: false, isBuiltInRoleDefinition: false },
    derivedTypes: ['#microsoft.graph.deviceAndAppManagementRoleDefinition'],
    builtIn: {
      when: { property: 'isBuiltIn', values: [true] },
      allow: [],
      message: 'Built-in role definitions cannot be modified or deleted.',
    },
  },
  { ...INTUNE, path: '/deviceManagement/roleAssignments' },
  {
    ...INTUNE,
    path: '/deviceManagement/notificationMessageTemplates',
    timestamps: 'intuneModifiedOnly',
    subResources: { localizedNotificationMessages: { kind: 'localizedMessage', patch: true } },
    // UMD-PRE 5.1.0: a create with defaultLocale is a BadRequest (notes 1c).
    readOnly: ['defaultLocale'],
    defaults: SCOPE_TAG_DEFAULT,
  },
  // Policy sets and filters name their tags `roleScopeTags`; Apple user enrollment profiles have none.
  { ...INTUNE, path: '/deviceAppManagement/policySets' },
  // Priority through setPriority, groups one POST .../assignments each (docs
  // intune-enrollment-appleuserinitiatedenrollmentprofile: setPriority action, assignments).
  {
    ...INTUNE,
    path: '/deviceManagement/appleUserInitiatedEnrollmentProfiles',
    actions: { setPriority: { kind: 'setPriority', key: 'priority', status: 204 } },
    subResources: { assignments: { kind: 'assignment' } },
  },
  { ...INTUNE, path: '/deviceManagement/androidDeviceOwnerEnrollmentProfiles', defaults: SCOPE_TAG_DEFAULT },
  { ...ENTRA, path: '/identity/conditionalAccess/policies', readOnly: ['deletedDateTime'] },
  {
    ...ENTRA,
    path: '/identity/conditionalAccess/namedLocations',
    polymorphic: { types: NAMED_LOCATION_TYPES },
  },
];

/** The write rules of a set by its path (ENTITY_SETS' `path`), if Graph takes writes there. */
export function writableSet(path: string): WritableSet | undefined {
  return WRITABLE_SETS.find((set) => set.path.toLowerCase() === path.toLowerCase());
}

/** The application permissions that allow writing a set: the ReadWrite ones of its read list. */
export function writePermissions(readPermissions: readonly string[]): string[] {
  return readPermissions.filter((permission) => /\.ReadWrite\./.test(permission));
}
