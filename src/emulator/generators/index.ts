import type { PolicyTypeKey } from '../../graph/policyTypes';
import { uploadedAdmxFilesGenerator } from './admxFiles';
import { administrativeTemplatesGenerator } from './administrativeTemplates';
import { appConfigurationGenerator, appProtectionGenerator } from './apps';
import { complianceGenerator } from './compliance';
import { conditionalAccessPoliciesGenerator, namedLocationsGenerator } from './conditionalAccess';
import { deviceConfigurationGenerator } from './deviceConfiguration';
import { endpointSecurityIntentsGenerator } from './endpointSecurityIntents';
import { autopilotProfilesGenerator, enrollmentConfigurationsGenerator } from './enrollment';
import {
  androidEnrollmentProfilesGenerator,
  appleEnrollmentProfilesGenerator,
  appleUserEnrollmentProfilesGenerator,
} from './enrollmentProfiles';
import type { PolicyGenerator } from './generator';
import { policySetsGenerator } from './policySets';
import { notificationTemplatesGenerator, roleDefinitionsGenerator, scopeTagsGenerator } from './rbac';
import {
  complianceScriptsGenerator,
  macosCustomAttributeScriptsGenerator,
  macosShellScriptsGenerator,
  powershellScriptsGenerator,
  remediationsGenerator,
} from './scripts';
import { settingsCatalogGenerator } from './settingsCatalog';
import { settingsComplianceGenerator } from './settingsCompliance';
import {
  assignmentFiltersGenerator,
  driverUpdateProfilesGenerator,
  featureUpdateProfilesGenerator,
  hotpatchQualityUpdatePoliciesGenerator,
  qualityUpdateProfilesGenerator,
} from './updates';

export type { GenerateContext, PolicyGenerator } from './generator';

/**
 * One generator per registry key; the Record type makes a new registry entry a compile error
 * here until it has a generator. Paths, paging and what Graph refuses come from ../graphSurface.ts, not from here.
 */
export const GENERATORS: Readonly<Record<PolicyTypeKey, PolicyGenerator>> = {
  deviceConfiguration: deviceConfigurationGenerator,
  settingsCatalog: settingsCatalogGenerator,
  compliance: complianceGenerator,
  administrativeTemplates: administrativeTemplatesGenerator,
  endpointSecurityIntents: endpointSecurityIntentsGenerator,
  powershellScripts: powershellScriptsGenerator,
  macosShellScripts: macosShellScriptsGenerator,
  remediations: remediationsGenerator,
  autopilotProfiles: autopilotProfilesGenerator,
  enrollmentConfigurations: enrollmentConfigurationsGenerator,
  appProtection: appProtectionGenerator,
  appConfiguration: appConfigurationGenerator,
  assignmentFilters: assignmentFiltersGenerator,
  featureUpdateProfiles: featureUpdateProfilesGenerator,
  qualityUpdateProfiles: qualityUpdateProfilesGenerator,
  driverUpdateProfiles: driverUpdateProfilesGenerator,
  scopeTags: scopeTagsGenerator,
  roleDefinitions: roleDefinitionsGenerator,
  notificationTemplates: notificationTemplatesGenerator,
  conditionalAccessPolicies: conditionalAccessPoliciesGenerator,
  namedLocations: namedLocationsGenerator,
  settingsCompliance: settingsComplianceGenerator,
  complianceScripts: complianceScriptsGenerator,
  macosCustomAttributeScripts: macosCustomAttributeScriptsGenerator,
  hotpatchQualityUpdatePolicies: hotpatchQualityUpdatePoliciesGenerator,
  uploadedAdmxFiles: uploadedAdmxFilesGenerator,
  policySets: policySetsGenerator,
  appleEnrollmentProfiles: appleEnrollmentProfilesGenerator,
  appleUserEnrollmentProfiles: appleUserEnrollmentProfilesGenerator,
  androidEnrollmentProfiles: androidEnrollmentProfilesGenerator,
};
