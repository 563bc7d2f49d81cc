import { Rng } from '../prng';
import type { EmulatorNode } from '../types';

// `/deviceManagement/configurationPolicyTemplates` (beta): Microsoft's templates that settings
// catalog policies are created from (`templateReference.templateId`), entity
// deviceManagementConfigurationPolicyTemplate (Learn intune-deviceconfigv2-
// devicemanagementconfigurationpolicytemplate). The same catalog in every tenant; a tenant may
// see one retired (TenantPools.override, admin `PUT template-lifecycle`), as Microsoft retires
// template versions: creates from it then fail (IntuneManagement #241, #209; CIPP #4240).

export const TEMPLATE_LIFECYCLE_STATES = [
  'invalid',
  'draft',
  'active',
  'superseded',
  'deprecated',
  'retired',
] as const;
export type TemplateLifecycleState = (typeof TEMPLATE_LIFECYCLE_STATES)[number];

/** The states a new policy (or a full PUT) may reference: the current and the previous version. */
export const USABLE_TEMPLATE_STATES: readonly TemplateLifecycleState[] = ['active', 'superseded'];

/** The families the settings catalog generator draws from (../generators/settingsCatalog.ts). */
export const CONFIGURATION_POLICY_TEMPLATES = [
  { family: 'endpointSecurityAntivirus', name: 'Microsoft Defender Antivirus', version: 'Version 1' },
  { family: 'endpointSecurityFirewall', name: 'Windows Firewall', version: 'Version 1' },
  { family: 'endpointSecurityDiskEncryption', name: 'BitLocker', version: 'Version 1' },
  {
    family: 'endpointSecurityAttackSurfaceReduction',
    name: 'Attack Surface Reduction Rules',
    version: 'Version 1',
  },
  { family: 'baseline', name: 'Security Baseline for Windows 10 and later', version: 'Version 24H2' },
] as const;

export type ConfigurationPolicyTemplate = (typeof CONFIGURATION_POLICY_TEMPLATES)[number];

/** Graph's key: `<baseId>_<version>`; every template here is at version 1. */
export const configurationPolicyTemplateId = (template: ConfigurationPolicyTemplate) =>
  `${new Rng(template.family).guid()}_1`;

export const CONFIGURATION_POLICY_TEMPLATE_COUNT = CONFIGURATION_POLICY_TEMPLATES.length;

const templateAt = (k: number) =>
  CONFIGURATION_POLICY_TEMPLATES[k % CONFIGURATION_POLICY_TEMPLATE_COUNT] ??
  CONFIGURATION_POLICY_TEMPLATES[0];

export function configurationPolicyTemplateIdAt(k: number): string {
  return configurationPolicyTemplateId(templateAt(k));
}

export function configurationPolicyTemplateNode(k: number): EmulatorNode {
  const template = templateAt(k);
  const id = configurationPolicyTemplateId(template);
  return {
    object: {
      '@odata.type': '#microsoft.graph.deviceManagementConfigurationPolicyTemplate',
      id,
      baseId: id.replace(/_\d+$/, ''),
      version: 1,
      displayName: template.name,
      description: `${template.name} template.`,
      displayVersion: template.version,
      lifecycleState: 'active' satisfies TemplateLifecycleState,
      platforms: 'windows10',
      technologies: 'mdm,microsoftSense',
      templateFamily: template.family,
      allowUnmanagedSettings: false,
      settingTemplateCount: new Rng(`template-settings:${id}`).int(5, 40),
    },
  };
}
