// Write recipes of the objects other objects depend on (scope tags, filters, roles, notification
// templates, named locations, compliance scripts), of Conditional Access (written last) and of the
// types that cannot be written back. Evidence per entry: the comment above it and the project
// notes restore-graph.md sections 1c, 5 and 7e. The other types: ./recipes.ts.
import type { PolicyTypeKey } from '../graph/policyTypes';
import {
  allow,
  CONDITIONAL_ACCESS,
  CONFIG,
  type Entry,
  RBAC,
  refusedType,
  SCRIPT_FIELDS,
  SCRIPTS,
  SERVICE_CONFIG,
} from './recipeParts';

export const DEPENDENCY_RECIPES: Partial<Record<PolicyTypeKey, Entry>> = {
  // Dependencies first (IntuneManagement ImportOrder: scope tags 10, filters 15, roles 20,
  // notifications 40, ADMX files 45, named locations 50, compliance scripts 80, policy sets 2000).
  scopeTags: {
    order: 10,
    permissions: [RBAC],
    writable: allow('displayName', 'description'),
    objectRefusals: [
      { path: 'id', equals: ['0'], reason: 'type_refused', why: 'The built-in Default scope tag (0).' },
      { path: 'isBuiltIn', equals: [true], reason: 'type_refused', why: 'A built-in scope tag.' },
    ],
  },
  // Filters: PATCH without `platform` (immutable; IntuneManagement PropertiesToRemoveForUpdate).
  assignmentFilters: {
    order: 15,
    permissions: [CONFIG],
    writable: allow(
      'displayName',
      'description',
      'platform',
      'rule',
      'roleScopeTags',
      'roleScopeTagIds',
      'assignmentFilterManagementType',
    ),
    update: { method: 'PATCH', lists: [], omit: ['platform'] },
    assignments: null,
  },
  // Custom roles only (isBuiltIn); `permissions` is the deprecated twin of rolePermissions (IntuneCD Roles.py).
  roleDefinitions: {
    order: 20,
    permissions: [RBAC],
    writable: allow('displayName', 'description', 'rolePermissions', 'roleScopeTagIds'),
    subResources: ['roleAssignments'],
    assignments: null,
    objectRefusals: [
      { path: 'isBuiltIn', equals: [true], reason: 'type_refused', why: 'A built-in Intune role.' },
    ],
  },
  // Create without description and defaultLocale (UMD-PRE 5.1.0 BadRequest fix); locales one by
  // one. defaultLocale is Graph's, from the locale marked isDefault: never written.
  notificationTemplates: {
    order: 40,
    permissions: [CONFIG, SERVICE_CONFIG],
    writable: allow('displayName', 'description', 'brandingOptions', 'roleScopeTagIds'),
    createOmit: ['description'],
    subResources: ['notificationMessages'],
    assignments: null,
    markerProperty: null,
    objectRefusals: [
      {
        path: 'displayName',
        equals: ['EnrollmentNotificationInternalMEO'],
        reason: 'type_refused',
        why: "Intune's built-in enrollment notification (IntuneCD skips it).",
      },
    ],
  },
  uploadedAdmxFiles: refusedType(
    'Creating an uploaded ADMX file needs the ADMX and ADML file contents, which Graph does not serve back (IntuneCD #270): upload the files again.',
    45,
    [CONFIG],
  ),
  // Named locations: no description, so a create is found by name and time (section 2).
  namedLocations: {
    order: 50,
    family: 'conditionalAccess',
    permissions: [CONDITIONAL_ACCESS],
    assignments: null,
    markerProperty: null,
  },
  complianceScripts: {
    order: 80,
    permissions: SCRIPTS,
    writable: allow(
      ...SCRIPT_FIELDS,
      'publisher',
      'detectionScriptContent',
      'enforceSignatureCheck',
      'runAs32Bit',
    ),
    assignments: null,
  },
  appleEnrollmentProfiles: refusedType(
    'ADE tokens are issued by Apple Business Manager and uploaded by hand: Graph cannot re-create one.',
    100,
    [SERVICE_CONFIG],
  ),
  policySets: refusedType(
    "A policy set re-assigns the apps and policies it holds: restoring it would rewrite other objects' assignments. Restore its items instead.",
    2000,
    [CONFIG],
  ),
  // Last: named locations before the policies that name them (IntuneManagement #396). State is
  // report-only unless asked (./steps.ts); templateId is server-set (IntuneManagement L4155-4190).
  conditionalAccessPolicies: {
    order: 3000,
    family: 'conditionalAccess',
    permissions: [CONDITIONAL_ACCESS],
    writable: allow('displayName', 'description', 'state', 'conditions', 'grantControls', 'sessionControls'),
    assignments: null,
    markerProperty: null,
  },
};
