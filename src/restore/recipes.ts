// How each registry type is written back to Graph, as data beside the registry
// (src/graph/policyTypes.ts). Evidence per entry: the comment above it, with the project notes
// restore-graph.md section 1c (per-type table), 1a/1b (strip, assignment bodies), 5 (write
// permissions), 6 (write limits) and 7e (what to refuse).
import { POLICY_TYPES, type PolicyTypeKey } from '../graph/policyTypes';
import { DEPENDENCY_RECIPES } from './dependencyRecipes';
import { valueAtDottedPath } from './paths';
import type { ObjectRefusal, WriteRecipe } from './recipe';
import {
  allow,
  APPS,
  ASSIGN,
  BASE,
  CERTIFICATE_LINKS,
  CONFIG,
  certificateLinkNames,
  deny,
  EACH,
  type Entry,
  SCRIPT_ASSIGN,
  SCRIPT_FIELDS,
  SCRIPTS,
  SERVICE_CONFIG,
} from './recipeParts';
import type { WriteFamily } from './types';

export type { AssignmentRecipe, ObjectRefusal, SubResourceKind, WriteRecipe } from './recipe';

/** Section 6: Intune writes 100 per 20 s per app per tenant; CA and named locations 1/s, no Retry-After. */
export const WRITE_LIMITS: Readonly<
  Record<WriteFamily, { writes: number; windowMs: number; retryAfter: boolean }>
> = Object.freeze({
  intune: { writes: 100, windowMs: 20_000, retryAfter: true },
  conditionalAccess: { writes: 1, windowMs: 1_000, retryAfter: false },
});

const POLICY_RECIPES: Partial<Record<PolicyTypeKey, Entry>> = {
  deviceConfiguration: {
    order: 100,
    permissions: [CONFIG],
    // Update rings' pause and rollback state (CIPP Set-CIPPIntunePolicy 'Device').
    writable: deny(
      'privacyAccessControls',
      'qualityUpdatesPauseStartDate',
      'featureUpdatesPauseStartDate',
      'qualityUpdatesWillBeRolledBack',
      'featureUpdatesWillBeRolledBack',
      ...certificateLinkNames(),
    ),
    subResources: ['privacyAccessControls'],
    notWritten: Object.fromEntries(certificateLinkNames().map((name) => [name, CERTIFICATE_LINKS])),
  },
  // PUT with settings inline (PATCH with settings is a 400, terraform-provider-microsoft365 #2488).
  settingsCatalog: {
    order: 100,
    permissions: [CONFIG],
    writable: allow(
      'name',
      'description',
      'platforms',
      'technologies',
      'roleScopeTagIds',
      'templateReference',
    ),
    createLists: ['settings'],
    update: { method: 'PUT', lists: ['settings'], omit: [] },
    nameProperty: 'name',
  },
  // Scheduled actions inline on create ("one and only one block scheduled action"), through
  // scheduleActionsForRules on update (docs ...devicecompliancepolicy-scheduleactionsforrules.md).
  compliance: {
    order: 100,
    permissions: [CONFIG],
    writable: deny('scheduledActionsForRule'),
    createLists: ['scheduledActionsForRule'],
    subResources: ['scheduleActionsForRules'],
  },
  // Metadata, then every value through one updateDefinitionValues (IntuneCD, CIPP 'Admin').
  administrativeTemplates: {
    order: 100,
    permissions: [CONFIG],
    writable: allow('displayName', 'description', 'roleScopeTagIds'),
    subResources: ['updateDefinitionValues'],
  },
  // MC955748: Windows intents can no longer be created; updateSettings still works on existing ones.
  endpointSecurityIntents: {
    order: 100,
    permissions: [CONFIG],
    writable: allow('displayName', 'description', 'roleScopeTagIds'),
    createRefused:
      'Graph no longer lets anyone create endpoint security intents (MC955748): re-create it as a settings catalog policy.',
    subResources: ['intentSettings'],
  },
  powershellScripts: {
    order: 100,
    permissions: SCRIPTS,
    writable: allow(...SCRIPT_FIELDS, 'enforceSignatureCheck', 'runAs32Bit'),
    assignments: SCRIPT_ASSIGN,
  },
  macosShellScripts: {
    order: 100,
    permissions: SCRIPTS,
    writable: allow(...SCRIPT_FIELDS, 'executionFrequency', 'retryCount', 'blockExecutionNotifications'),
    assignments: SCRIPT_ASSIGN,
  },
  // Skip Microsoft's global scripts on create, update and delete (IBR, IntuneManagement, IntuneCD).
  remediations: {
    order: 100,
    permissions: SCRIPTS,
    writable: allow(
      'publisher',
      'displayName',
      'description',
      'detectionScriptContent',
      'remediationScriptContent',
      'runAsAccount',
      'enforceSignatureCheck',
      'runAs32Bit',
      'roleScopeTagIds',
      'detectionScriptParameters',
      'remediationScriptParameters',
    ),
    assignments: {
      ...ASSIGN,
      bodyKey: 'deviceHealthScriptAssignments',
      extras: ['runRemediationScript', 'runSchedule'],
    },
    objectRefusals: [
      {
        path: 'isGlobalScript',
        equals: [true],
        reason: 'type_refused',
        why: 'A remediation script Microsoft publishes into every tenant.',
      },
    ],
  },
  macosCustomAttributeScripts: {
    order: 100,
    permissions: SCRIPTS,
    writable: allow(...SCRIPT_FIELDS, 'customAttributeName', 'customAttributeType'),
    assignments: SCRIPT_ASSIGN,
  },
  // IntuneManagement strips managementServiceAppId on update.
  autopilotProfiles: {
    order: 100,
    permissions: [SERVICE_CONFIG],
    update: { method: 'PATCH', lists: [], omit: ['managementServiceAppId'] },
    assignments: EACH,
  },
  // Priority only through setPriority; defaults (priority 0) are PATCHed in place, never created,
  // deleted or assigned (IntuneManagement L3659-3805).
  enrollmentConfigurations: {
    order: 100,
    permissions: [SERVICE_CONFIG],
    writable: deny('priority', 'windowsMobileRestriction'),
    subResources: ['setPriority'],
    assignments: { ...ASSIGN, bodyKey: 'enrollmentConfigurationAssignments' },
    objectRefusals: [
      {
        path: 'priority',
        equals: [0],
        reason: 'create_refused',
        why: 'A default enrollment configuration: Graph lets it be updated, never created or deleted.',
      },
      {
        path: 'id',
        matches: /_Default[A-Za-z0-9]*$/,
        reason: 'create_refused',
        why: 'A default enrollment configuration: Graph lets it be updated, never created or deleted.',
      },
    ],
  },
  // Type-specific collections; apps through targetApps (IntuneManagement Start-PostImportAppProtection).
  appProtection: {
    order: 100,
    permissions: [APPS],
    collection: '/deviceAppManagement/iosManagedAppProtections',
    collectionByODataType: {
      '#microsoft.graph.iosManagedAppProtection': '/deviceAppManagement/iosManagedAppProtections',
      '#microsoft.graph.androidManagedAppProtection': '/deviceAppManagement/androidManagedAppProtections',
      '#microsoft.graph.windowsManagedAppProtection': '/deviceAppManagement/windowsManagedAppProtections',
      '#microsoft.graph.mdmWindowsInformationProtectionPolicy':
        '/deviceAppManagement/mdmWindowsInformationProtectionPolicies',
      '#microsoft.graph.windowsInformationProtectionPolicy':
        '/deviceAppManagement/windowsInformationProtectionPolicies',
    },
    writable: deny('apps', 'deployedAppCount', 'protectedAppLockerFiles', 'exemptAppLockerFiles'),
    subResources: ['targetApps'],
    notWritten: {
      protectedAppLockerFiles:
        'WIP AppLocker files are uploaded files: not restored (IntuneManagement strips them too).',
      exemptAppLockerFiles:
        'WIP AppLocker files are uploaded files: not restored (IntuneManagement strips them too).',
    },
  },
  // Device and MAM app configurations both assign at `{id}/assign` (docs intune-apps-
  // manageddevicemobileappconfiguration-assign, intune-mam-targetedmanagedappconfiguration-assign):
  // a cast to managedDeviceMobileAppConfiguration on a MAM one is a type Graph refuses there. MAM
  // ones target apps like app protection. `settings` is the MAM one's navigation (a registry list,
  // not written) but an iOS device configuration's own key/value items (written).
  appConfiguration: {
    order: 100,
    permissions: [APPS],
    collection: '/deviceAppManagement/mobileAppConfigurations',
    collectionByODataType: {
      '#microsoft.graph.targetedManagedAppConfiguration':
        '/deviceAppManagement/targetedManagedAppConfigurations',
    },
    writable: deny('apps', 'deployedAppCount'),
    subResources: ['targetApps'],
    notWritten: {
      settings: "A MAM app configuration's catalog settings: not restored (customSettings are).",
    },
  },
  featureUpdateProfiles: {
    order: 100,
    permissions: [CONFIG],
    writable: deny('deployableContentDisplayName', 'endOfSupportDate'),
  },
  qualityUpdateProfiles: {
    order: 100,
    permissions: [CONFIG],
    writable: deny('releaseDateDisplayName', 'deployableContentDisplayName'),
  },
  driverUpdateProfiles: {
    order: 100,
    permissions: [CONFIG],
    writable: deny(
      'driverInventories',
      'deviceReporting',
      'newUpdates',
      'inventorySyncStatus',
      'applicableDeviceCount',
    ),
    update: { method: 'PATCH', lists: [], omit: ['approvalType'] },
    notWritten: {
      driverInventories:
        'Per-driver approvals of a manual profile are not restored (IntuneCD does not either).',
    },
  },
  hotpatchQualityUpdatePolicies: { order: 100, permissions: [CONFIG] },
  // Settings-based compliance: settings inline like the settings catalog, actions inline on create
  // and through setScheduledActions on update (docs beta intune-deviceconfigv2-devicemanagementcompliancepolicy-setscheduledactions.md).
  settingsCompliance: {
    order: 100,
    permissions: [CONFIG],
    writable: allow('name', 'description', 'platforms', 'technologies', 'roleScopeTagIds'),
    createLists: ['settings', 'scheduledActionsForRule'],
    update: { method: 'PUT', lists: ['settings'], omit: [] },
    subResources: ['setScheduledActions'],
    nameProperty: 'name',
  },
  appleUserEnrollmentProfiles: {
    order: 100,
    permissions: [SERVICE_CONFIG],
    writable: deny('priority'),
    subResources: ['setPriority'],
    assignments: EACH,
  },
  // The token, QR code and Wi-Fi password are never stored: a restore issues a new token.
  androidEnrollmentProfiles: {
    order: 100,
    permissions: [CONFIG],
    writable: deny(...POLICY_TYPES.androidEnrollmentProfiles.volatileFields),
    assignments: null,
  },
};

const ENTRIES = { ...DEPENDENCY_RECIPES, ...POLICY_RECIPES } as Record<PolicyTypeKey, Entry>;

export const WRITE_RECIPES: Readonly<Record<PolicyTypeKey, WriteRecipe>> = Object.freeze(
  Object.fromEntries(
    Object.entries(ENTRIES).map(([key, entry]) => {
      const definition = POLICY_TYPES[key as PolicyTypeKey];
      const recipe: WriteRecipe = {
        ...BASE,
        collection: definition.collections[0]?.path ?? '',
        nameProperty: definition.nameProperty ?? 'displayName',
        ...entry,
      };
      return [key, Object.freeze(recipe)];
    }),
  ) as Record<PolicyTypeKey, WriteRecipe>,
);

export function writePermissionsOf(type: PolicyTypeKey): readonly string[] {
  return WRITE_RECIPES[type].permissions;
}

export function writeFamilyOf(type: PolicyTypeKey): WriteFamily {
  return WRITE_RECIPES[type].family;
}

export function restoreOrder(type: PolicyTypeKey): number {
  return WRITE_RECIPES[type].order;
}

export function isWritableType(type: PolicyTypeKey): boolean {
  return WRITE_RECIPES[type].refused === null;
}

/** The collection an object of the type is created in and addressed below. */
export function collectionOf(type: PolicyTypeKey, payload: Record<string, unknown>): string {
  const recipe = WRITE_RECIPES[type];
  const odataType = payload['@odata.type'];
  return (typeof odataType === 'string' && recipe.collectionByODataType?.[odataType]) || recipe.collection;
}

/** The first of the object's refusals that applies, if any. */
export function objectRefusalOf(
  type: PolicyTypeKey,
  payload: Record<string, unknown>,
): ObjectRefusal | undefined {
  return WRITE_RECIPES[type].objectRefusals.find((refusal) => {
    const value = valueAtDottedPath(payload, refusal.path);
    if (refusal.equals?.some((expected) => expected === value)) return true;
    return refusal.matches !== undefined && typeof value === 'string' && refusal.matches.test(value);
  });
}
