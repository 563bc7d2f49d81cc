import { TEMPLATES } from '../generators/endpointSecurityIntents';
import { Rng } from '../prng';
import type { EmulatorNode } from '../types';

// `/deviceManagement/templates`: Microsoft's endpoint security templates that intents are
// created from (`templateId`), with their categories and each category's setting definitions.
// The same catalog in every tenant.

export const intentTemplateId = (name: string) => new Rng(`intent-template:${name}`).guid();
export const intentCategoryId = (template: string, category: string) =>
  new Rng(`intent-category:${template}:${category}`).guid();

const TEMPLATE_TYPES: Readonly<Record<string, string>> = {
  Antivirus: 'endpointSecurityAntivirus',
  'Disk encryption': 'endpointSecurityDiskEncryption',
  Firewall: 'endpointSecurityFirewall',
  'Endpoint detection and response': 'endpointSecurityEndpointDetectionAndResponse',
  'Attack surface reduction': 'endpointSecurityAttackSurfaceReduction',
};

export const TEMPLATE_COUNT = TEMPLATES.length;

export function templateId(k: number): string {
  return intentTemplateId((TEMPLATES[k % TEMPLATES.length] ?? TEMPLATES[0]).name);
}

export function templateNode(k: number): EmulatorNode {
  const template = TEMPLATES[k % TEMPLATES.length] ?? TEMPLATES[0];
  const categories = template.categories.map((displayName, c) => {
    const id = intentCategoryId(template.name, displayName);
    const rng = new Rng(`template-definitions:${id}`);
    const settingDefinitions = Array.from({ length: rng.int(2, 6) }, (_, s) => ({
      object: {
        '@odata.type': '#microsoft.graph.deviceManagementSettingDefinition',
        id: `deviceConfiguration--windows10EndpointProtectionConfiguration_setting${c}${s}`,
        valueType: rng.pick(['boolean', 'integer', 'string', 'collection']),
        displayName: `${displayName} setting ${s + 1}`,
        isTopLevel: true,
        description: `Configures ${displayName.toLowerCase()}.`,
        documentationUrl: null,
        keywords: [],
        placeholderText: null,
        dependencies: [],
        constraints: [],
      },
    }));
    return { object: { id, displayName, hasRequiredSetting: rng.bool(0.3) }, lists: { settingDefinitions } };
  });
  return {
    object: {
      '@odata.type': '#microsoft.graph.deviceManagementTemplate',
      id: intentTemplateId(template.name),
      displayName: template.name,
      description: `Endpoint security template: ${template.name}.`,
      versionInfo: '2306',
      isDeprecated: false,
      intentCount: 0,
      templateType: TEMPLATE_TYPES[template.name] ?? 'endpointSecurityAntivirus',
      platformType: 'windows10AndLater',
      templateSubtype: 'none',
      publishedDateTime: '2023-06-15T00:00:00Z',
    },
    lists: { categories },
  };
}
