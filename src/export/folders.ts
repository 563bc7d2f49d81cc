// The archive's folder of each policy type, as data. Where IntuneCD backs a type up, its folder
// is IntuneCD's backup folder (almenscorner/IntuneCD, src/IntuneCD/backup/Intune/*.py), so that
// people who know IntuneCD or IntuneManagement find things where they expect them. Types IntuneCD
// does not back up get a folder named after the registry's display name. Folders are unique:
// IntuneCD puts both kinds of compliance policy in one folder, we cannot (docs/export.md says so).
import type { PolicyTypeKey } from '../graph';

export const EXPORT_FOLDERS: Readonly<Record<PolicyTypeKey, string>> = {
  // IntuneCD's folders.
  deviceConfiguration: 'Device Configurations',
  settingsCatalog: 'Settings Catalog',
  compliance: 'Compliance Policies/Policies',
  administrativeTemplates: 'Group Policy Configurations',
  endpointSecurityIntents: 'Management Intents',
  powershellScripts: 'Scripts/Powershell',
  macosShellScripts: 'Scripts/Shell',
  remediations: 'Proactive Remediations',
  autopilotProfiles: 'Enrollment Profiles/Windows',
  enrollmentConfigurations: 'Enrollment Configurations',
  appProtection: 'App Protection',
  appConfiguration: 'App Configuration',
  assignmentFilters: 'Filters',
  featureUpdateProfiles: 'Feature Updates',
  qualityUpdateProfiles: 'Quality Updates',
  driverUpdateProfiles: 'Driver Updates',
  scopeTags: 'Scope Tags',
  roleDefinitions: 'Roles',
  notificationTemplates: 'Compliance Policies/Message Templates',
  conditionalAccessPolicies: 'Conditional Access',
  complianceScripts: 'Compliance Policies/Scripts',
  macosCustomAttributeScripts: 'Custom Attributes',
  appleEnrollmentProfiles: 'Enrollment Profiles/Apple',
  // IntuneCD keeps settings catalog compliance policies in Compliance Policies/Policies too.
  settingsCompliance: 'Compliance Policies/Settings Catalog',
  // Not backed up by IntuneCD: the registry's display name.
  namedLocations: 'Named locations',
  hotpatchQualityUpdatePolicies: 'Windows quality update policies (hotpatch)',
  uploadedAdmxFiles: 'Uploaded ADMX files',
  policySets: 'Policy sets',
  appleUserEnrollmentProfiles: 'Apple user-initiated enrollment profiles',
  androidEnrollmentProfiles: 'Android Enterprise enrollment profiles',
};

/** Items of a type the registry no longer knows still export, each type in its own folder. */
const UNKNOWN_TYPES_FOLDER = 'Other types';

export function exportFolderOf(policyType: string): string {
  return Object.hasOwn(EXPORT_FOLDERS, policyType)
    ? EXPORT_FOLDERS[policyType as PolicyTypeKey]
    : `${UNKNOWN_TYPES_FOLDER}/${policyType.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
