import { Rng } from '../prng';
import type { GraphJson } from '../types';

// The settings catalog's definitions, as Graph returns them in `settingDefinitions` with
// `/settings?$expand=settingDefinitions` (docs intune-deviceconfigv2-
// devicemanagementconfigurationsettingdefinition.md and the choice/simple/group derived types):
// the definitions of a setting and of each child setting, the setting's own first. Derived from
// the definition id and the instance's kind alone, so one id has the same definition in every
// policy and tenant, as Microsoft's catalog does.

const NS = '#microsoft.graph.deviceManagementConfiguration';

/** The word part of generated definition ids, with the display name its definition carries. */
export const WORD_NAMES: Readonly<Record<string, string>> = {
  allowarchivescanning: 'Allow Archive Scanning',
  enablenetworkprotection: 'Enable Network Protection',
  requiredeviceencryption: 'Require Device Encryption',
  passwordmanagerenabled: 'Password Manager Enabled',
  homepagelocation: 'Homepage Location',
  enablefirewall: 'Enable Firewall',
  defaultinboundaction: 'Default Inbound Action',
  allowautoupdate: 'Allow Auto Update',
  backupdirectory: 'Backup Directory',
  passwordcomplexity: 'Password Complexity',
  minimumpasswordlength: 'Minimum Password Length',
  interactivelogon_messagetext: 'Interactive Logon Message Text',
  blockexecutablecontent: 'Block Executable Content',
  allowcamera: 'Allow Camera',
  allowscreenshot: 'Allow Screenshot',
  forceencryption: 'Force Encryption',
  scheduledscantime: 'Scheduled Scan Time',
  signatureupdateinterval: 'Signature Update Interval',
  allowcloudprotection: 'Allow Cloud Protection',
  cloudblocklevel: 'Cloud Block Level',
  smartscreenenabled: 'SmartScreen Enabled',
  syncdisabled: 'Sync Disabled',
  disablelockscreen: 'Disable Lock Screen',
  allowlist: 'Allow List',
};

/** The suffixes of a choice's option item ids (`<definition id>_<suffix>`), with their names. */
export const CHOICE_OPTIONS: Readonly<Record<string, string>> = {
  '0': 'Disabled',
  '1': 'Enabled',
  '2': 'Audit Mode',
  true: 'True',
  false: 'False',
  enabled: 'On',
};

/** Instance type (without namespace) -> its definition's type. */
const DEFINITION_TYPES: Readonly<Record<string, string>> = {
  ChoiceSettingInstance: 'ChoiceSettingDefinition',
  ChoiceSettingCollectionInstance: 'ChoiceSettingCollectionDefinition',
  SimpleSettingInstance: 'SimpleSettingDefinition',
  SimpleSettingCollectionInstance: 'SimpleSettingCollectionDefinition',
  GroupSettingInstance: 'SettingGroupDefinition',
  GroupSettingCollectionInstance: 'SettingGroupCollectionDefinition',
};

/** The definitions of an instance and its children, each id once, the instance's first. */
export function definitionsOfInstance(instance: unknown): GraphJson[] {
  const byId = new Map<string, GraphJson>();
  const visit = (node: unknown): void => {
    if (!isObject(node)) return;
    const id = node.settingDefinitionId;
    if (typeof id === 'string' && !byId.has(id)) byId.set(id, settingDefinition(id, node));
    for (const child of childInstances(node)) visit(child);
  };
  visit(instance);
  return [...byId.values()];
}

function childInstances(instance: GraphJson): unknown[] {
  const out: unknown[] = [];
  const choice = instance.choiceSettingValue;
  if (isObject(choice) && Array.isArray(choice.children)) out.push(...choice.children);
  for (const key of ['groupSettingCollectionValue', 'choiceSettingCollectionValue']) {
    const values = instance[key];
    if (Array.isArray(values))
      for (const value of values)
        if (isObject(value) && Array.isArray(value.children)) out.push(...value.children);
  }
  const group = instance.groupSettingValue;
  if (isObject(group) && Array.isArray(group.children)) out.push(...group.children);
  return out;
}

/** The catalog's definition of `id` for an instance of this shape. */
export function settingDefinition(id: string, instance: GraphJson): GraphJson {
  const instanceType = String(instance['@odata.type'] ?? '').replace(NS, '');
  const type = DEFINITION_TYPES[instanceType] ?? 'SettingDefinition';
  const rng = new Rng(`setting-definition:${id}`);
  const displayName = displayNameOf(id);
  const platform = platformOf(id);
  const definition: GraphJson = {
    '@odata.type': `${NS}${type}`,
    applicability: {
      '@odata.type': `${NS}SettingApplicability`,
      description: null,
      platform,
      deviceMode: 'none',
      technologies: platform === 'linux' ? 'linuxMdm' : 'mdm',
    },
    accessTypes: 'add,delete,get,replace',
    keywords: displayName.toLowerCase().split(' '),
    infoUrls: [`https://learn.microsoft.com/windows/client-management/mdm/policy-csp-${rng.hex(6)}`],
    baseUri: `./${id.startsWith('user_') ? 'User' : 'Device'}/Vendor/MSFT/Policy`,
    offsetUri: `/Config/${id.split('_').at(-1) ?? id}`,
    rootDefinitionId: id.replace(/_child\d+_\d+$/, ''),
    categoryId: new Rng(`setting-category:${id.split('_').slice(0, 4).join('_')}`).guid(),
    settingUsage: platform === 'linux' ? 'compliance' : 'configuration',
    uxBehavior: type.startsWith('Choice') ? 'dropdown' : 'default',
    visibility: 'settingsCatalog,template',
    riskLevel: 'low',
    referredSettingInformationList: [],
    occurrence: null,
    id,
    description: `Configures ${displayName.toLowerCase()}.`,
    helpText: `${displayName}. If you do not configure this setting, the device default applies.`,
    name: displayName.replace(/[^A-Za-z0-9]/g, ''),
    displayName,
    version: rng.hex(8),
  };
  if (type.startsWith('Choice')) {
    definition.options = Object.entries(CHOICE_OPTIONS).map(([suffix, name]) =>
      option(`${id}_${suffix}`, name),
    );
    definition.defaultOptionId = `${id}_0`;
  }
  if (type.startsWith('Simple')) definition.valueDefinition = valueDefinition(instance);
  return definition;
}

function option(itemId: string, displayName: string): GraphJson {
  return {
    itemId,
    description: null,
    helpText: null,
    name: displayName,
    displayName,
    dependentOn: [],
    dependedOnBy: [],
    optionValue: {
      '@odata.type': `${NS}StringSettingValue`,
      settingValueTemplateReference: null,
      value: itemId.slice(itemId.lastIndexOf('_') + 1),
    },
  };
}

function valueDefinition(instance: GraphJson): GraphJson {
  const value = instance.simpleSettingValue;
  const isInteger = isObject(value) && String(value['@odata.type']).endsWith('IntegerSettingValue');
  return isInteger
    ? { '@odata.type': `${NS}IntegerSettingValueDefinition`, minimumValue: 0, maximumValue: 3600 }
    : {
        '@odata.type': `${NS}StringSettingValueDefinition`,
        format: 'none',
        isSecret: false,
        minimumLength: 0,
        maximumLength: 2048,
      };
}

/** "Allow Archive Scanning" for `…_allowarchivescanning_12`; a child says so. */
export function displayNameOf(id: string): string {
  const base = id.replace(/(_child\d+)?_\d+$/, '');
  const word = Object.keys(WORD_NAMES).find((w) => base.endsWith(`_${w}`));
  const name = word === undefined ? humanized(base.slice(base.lastIndexOf('_') + 1)) : WORD_NAMES[word];
  return /_child\d+_\d+$/.test(id) ? `${name} (dependent setting)` : (name ?? id);
}

function humanized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function platformOf(id: string): string {
  if (id.startsWith('linux_')) return 'linux';
  if (id.startsWith('com.')) return 'macOS';
  return 'windows10';
}

function isObject(value: unknown): value is GraphJson {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
