import { intentCategoryId, intentTemplateId } from '../pools/templates';
import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import { assignments, description, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Legacy endpoint security intents: categories, each with its setting instances.

export const TEMPLATES = [
  {
    name: 'Antivirus',
    categories: [
      'Cloud protection',
      'Microsoft Defender Antivirus Exclusions',
      'Real-time protection',
      'Remediation',
      'Scan',
    ],
  },
  {
    name: 'Disk encryption',
    categories: [
      'BitLocker - Base Settings',
      'BitLocker - Fixed Drive Settings',
      'BitLocker - OS Drive Settings',
    ],
  },
  { name: 'Firewall', categories: ['Microsoft Defender Firewall', 'Firewall rules'] },
  { name: 'Endpoint detection and response', categories: ['Endpoint detection and response'] },
  {
    name: 'Attack surface reduction',
    categories: ['Attack Surface Reduction Rules', 'Device control', 'Web protection'],
  },
] as const;

function setting(rng: Rng, categoryId: string, index: number, revision: number): GraphJson {
  const definitionId = `deviceConfiguration--windows10EndpointProtectionConfiguration_setting${rng.int(100, 999)}_${index}`;
  const id = new Rng(`${categoryId}:setting:${index}`).guid();
  const roll = rng.next();
  if (index === 0 || roll < 0.5) {
    const value = index === 0 ? revision % 2 === 0 : rng.bool();
    return {
      '@odata.type': '#microsoft.graph.deviceManagementBooleanSettingInstance',
      id,
      definitionId,
      valueJson: JSON.stringify(value),
      value,
    };
  }
  if (roll < 0.75) {
    const value = rng.int(0, 90);
    return {
      '@odata.type': '#microsoft.graph.deviceManagementIntegerSettingInstance',
      id,
      definitionId,
      valueJson: String(value),
      value,
    };
  }
  if (roll < 0.9) {
    const value = rng.pick(['notConfigured', 'enabled', 'auditMode', 'blocked']);
    return {
      '@odata.type': '#microsoft.graph.deviceManagementStringSettingInstance',
      id,
      definitionId,
      valueJson: JSON.stringify(value),
      value,
    };
  }
  const values = Array.from({ length: rng.int(1, 5) }, () => `C:\\Program Files\\Vendor${rng.int(1, 50)}\\*`);
  return {
    '@odata.type': '#microsoft.graph.deviceManagementCollectionSettingInstance',
    id,
    definitionId,
    valueJson: JSON.stringify(values),
  };
}

export const endpointSecurityIntentsGenerator: PolicyGenerator = {
  weight: 3,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const template = rng.pick(TEMPLATES);
    const assigned = assignments(rng, ctx.id, { tenant: ctx, bare: true });
    const categories = (): EmulatorNode[] => {
      const listRng = new Rng(`${ctx.label}:categories`);
      return template.categories.map((displayName, c) => {
        const id = intentCategoryId(template.name, displayName);
        const settings = Array.from({ length: listRng.int(2, 18) }, (_, s) => ({
          object: setting(listRng, `${ctx.id}:${id}`, s, c === 0 ? ctx.revision : 0),
        }));
        return { object: { id, displayName, hasRequiredSetting: listRng.bool(0.3) }, lists: { settings } };
      });
    };
    return {
      object: {
        id: ctx.id,
        displayName: policyName(rng, 'WIN', template.name, ctx.index),
        description: description(rng, 'Endpoint security policy.'),
        isAssigned: assigned.length > 0,
        isMigratingToConfigurationPolicy: false,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        templateId: intentTemplateId(template.name),
        roleScopeTagIds: scopeTagIds(rng, ctx),
      },
      lists: { categories, assignments: assigned },
    };
  },
};
