import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import { CHOICE_OPTIONS, definitionsOfInstance, WORD_NAMES } from './settingDefinitions';

// Settings catalog `/settings` items: one settingInstance each, with the shapes Graph uses
// (choice with children, simple values, simple collections, group collections). A setting's kind
// follows from its definition id, as in Graph, where the id names one catalog definition (served
// with `$expand=settingDefinitions`, ./settingDefinitions.ts).

const NS = '#microsoft.graph.deviceManagementConfiguration';

const STEMS: Readonly<Record<string, readonly string[]>> = {
  windows10: [
    'device_vendor_msft_policy_config_defender',
    'device_vendor_msft_bitlocker',
    'device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge',
    'device_vendor_msft_firewall_mdmstore_domainprofile',
    'device_vendor_msft_policy_config_update',
    'device_vendor_msft_laps_policies',
    'device_vendor_msft_policy_config_localpoliciessecurityoptions',
    'user_vendor_msft_policy_config_office16v2~policy~l_microsoftofficeoutlook~l_optionscustomizeribbon',
    'device_vendor_msft_policy_config_devicelock',
    'device_vendor_msft_policy_config_attacksurfacereductionrules',
  ],
  macOS: [
    'com.apple.mcx',
    'com.apple.security.firewall',
    'com.apple.applicationaccess',
    'com.apple.softwareupdate',
    'com.apple.loginwindow',
    'com.microsoft.wdav_antivirusengine',
  ],
  iOS: ['com.apple.applicationaccess', 'com.apple.webcontent-filter', 'com.apple.notificationsettings'],
  // Settings-based compliance for Linux (compliancePolicies).
  linux: ['linux_passwordpolicy', 'linux_deviceencryption', 'linux_distribution', 'linux_customcompliance'],
};

const WORDS = Object.keys(WORD_NAMES).filter((word) => word !== 'allowlist');

/** What kind of setting a definition id is: a property of the id, never of one policy. */
export type SettingKind = 'choice' | 'integer' | 'string' | 'group' | 'collection';

export function settingKindOf(id: string): SettingKind {
  if (/_allowlist_\d+$/.test(id)) return 'collection';
  if (id.endsWith('_signatureupdateinterval')) return 'integer';
  const roll = new Rng(`setting-kind:${id}`).next();
  const simple = (r: number) => (r < 0.6 ? 'integer' : 'string');
  // Children (`_child<depth>_`) are simple or choices; top-level ones are mostly choices.
  if (/_child\d+_\d+$/.test(id)) return roll < 0.5 ? simple(roll * 2) : 'choice';
  if (roll < 0.6) return 'choice';
  if (roll < 0.95) return simple((roll - 0.6) / 0.35);
  return 'group';
}

const templateRef = { settingInstanceTemplateReference: null };
const valueRef = { settingValueTemplateReference: null };

export function stemsFor(platform: string): readonly string[] {
  return STEMS[platform] ?? STEMS.windows10 ?? [];
}

/**
 * Unique within a policy (the index), shared across policies (the word follows the index): real
 * tenants configure the same catalog settings in many policies, so a sync meets each definition
 * many times (the catalog has tens of thousands in all; a generated 5,000-policy tenant used to
 * name 33,000 distinct ones, each once or twice).
 */
function definitionId(stem: string, index: number, depth: number): string {
  const word = WORDS[index % WORDS.length] as string;
  return `${stem}_${word}${depth > 0 ? `_child${depth}` : ''}_${index}`;
}

function choice(
  rng: Rng,
  settingDefinitionId: string,
  stem: string,
  index: number,
  depth: number,
): GraphJson {
  const children: GraphJson[] = [];
  // Most choices stand alone; some enable a dependent child setting (e.g. an "enabled" choice).
  const childCount = depth === 0 ? rng.pick([0, 0, 0, 0, 0, 1, 1, 2]) : 0;
  for (let c = 0; c < childCount; c++) children.push(instance(rng, stem, index * 10 + c, depth + 1));
  return {
    '@odata.type': `${NS}ChoiceSettingInstance`,
    settingDefinitionId,
    ...templateRef,
    choiceSettingValue: {
      '@odata.type': `${NS}ChoiceSettingValue`,
      ...valueRef,
      value: `${settingDefinitionId}_${rng.pick(Object.keys(CHOICE_OPTIONS))}`,
      children,
    },
  };
}

function simple(rng: Rng, settingDefinitionId: string, isInteger: boolean): GraphJson {
  return {
    '@odata.type': `${NS}SimpleSettingInstance`,
    settingDefinitionId,
    ...templateRef,
    simpleSettingValue: {
      '@odata.type': `${NS}${isInteger ? 'Integer' : 'String'}SettingValue`,
      ...valueRef,
      value: isInteger ? rng.int(0, 3600) : `https://portal.contoso.example/${rng.hex(12)}`,
    },
  };
}

function group(rng: Rng, settingDefinitionId: string, stem: string, index: number, depth: number): GraphJson {
  const groupSettingCollectionValue: GraphJson[] = [];
  for (let g = 0; g < rng.int(1, 2); g++) {
    const children: GraphJson[] = [];
    for (let c = 0; c < rng.int(1, 2); c++) children.push(instance(rng, stem, index * 10 + c, depth + 1));
    groupSettingCollectionValue.push({ ...valueRef, children });
  }
  return {
    '@odata.type': `${NS}GroupSettingCollectionInstance`,
    settingDefinitionId,
    ...templateRef,
    groupSettingCollectionValue,
  };
}

function instance(rng: Rng, stem: string, index: number, depth: number): GraphJson {
  const id = definitionId(stem, index, depth);
  const kind = settingKindOf(id);
  if (kind === 'choice') return choice(rng, id, stem, index, depth);
  if (kind === 'group') return group(rng, id, stem, index, depth);
  return simple(rng, id, kind === 'integer');
}
/** A simple collection padded with `values` strings (URL allow lists and exclusions are long). */
export function collection(stem: string, index: number, values: readonly string[]): GraphJson {
  return {
    '@odata.type': `${NS}SimpleSettingCollectionInstance`,
    settingDefinitionId: `${stem}_allowlist_${index}`,
    ...templateRef,
    simpleSettingCollectionValue: values.map((value) => ({
      '@odata.type': `${NS}StringSettingValue`,
      ...valueRef,
      value,
    })),
  };
}

/** The first setting carries the revision, so `modify` changes a configured value. */
export function revisionSetting(stem: string, revision: number): GraphJson {
  return {
    '@odata.type': `${NS}SimpleSettingInstance`,
    settingDefinitionId: `${stem}_signatureupdateinterval`,
    ...templateRef,
    simpleSettingValue: { '@odata.type': `${NS}IntegerSettingValue`, ...valueRef, value: 4 + revision },
  };
}

export function settingItem(index: number, settingInstance: GraphJson): EmulatorNode {
  return catalogSettingNode({ '@odata.type': `${NS}Setting`, id: String(index), settingInstance });
}

/**
 * A `/settings` element with its `settingDefinitions` navigation: the definitions of its instance
 * and every child, derived from what the element holds when first asked for.
 */
export function catalogSettingNode(object: GraphJson): EmulatorNode {
  return {
    object,
    lists: {
      settingDefinitions: () =>
        definitionsOfInstance(object.settingInstance).map((definition) => ({ object: definition })),
    },
  };
}

/**
 * `count` settings whose JSON is about `targetBytes` long: natural settings first, then the
 * shortfall spread over a few long allow-list collections, as in real large policies.
 */
export function buildSettings(
  rng: Rng,
  platform: string,
  count: number,
  targetBytes: number,
  revision: number,
): EmulatorNode[] {
  const stems = stemsFor(platform);
  const instances: GraphJson[] = [revisionSetting(stems[0] ?? 'setting', revision)];
  for (let i = 1; i < count; i++) instances.push(instance(rng, rng.pick(stems), i, 0));
  const size = JSON.stringify(instances).length;
  const paddedCount = Math.max(1, Math.min(count - 1, Math.ceil(count / 12)));
  const perValue = 190; // bytes of one StringSettingValue wrapper with a ~55-character URL
  const shortfall = targetBytes - size;
  if (shortfall > perValue && count > 1) {
    const valuesEach = Math.floor(shortfall / perValue / paddedCount);
    for (let p = 0; p < paddedCount && valuesEach > 0; p++) {
      const slot = 1 + Math.floor((p * (count - 1)) / paddedCount);
      const stem = rng.pick(stems);
      const values: string[] = [];
      for (let v = 0; v < valuesEach; v++)
        values.push(`https://${rng.hex(8)}.apps.contoso.example/path/${rng.hex(16)}`);
      instances[slot] = collection(stem, slot, values);
    }
  }
  return instances.map((settingInstance, index) => settingItem(index, settingInstance));
}
