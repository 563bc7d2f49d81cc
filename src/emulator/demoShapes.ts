import { createHash } from 'node:crypto';
import type { GraphJson } from './types';

// Builders for the Graph shapes the demo tenant uses, so demoTenant.ts reads like an Intune
// export rather than like nested object literals.

/** A stable GUID-shaped id derived from a label: demo data must not change between runs. */
export function demoGuid(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The notification template the demo tenant holds (demoTenant.ts) and its notify actions send. */
export const NON_COMPLIANT_TEMPLATE_ID = demoGuid('notification-template:non-compliant');

const FILTER_NONE = {
  deviceAndAppManagementAssignmentFilterId: null,
  deviceAndAppManagementAssignmentFilterType: 'none',
};

export function groupAssignment(policyId: string, groupId: string): GraphJson {
  return {
    id: `${policyId}_${groupId}`,
    source: 'direct',
    sourceId: policyId,
    target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', ...FILTER_NONE, groupId },
  };
}

export function exclusionAssignment(policyId: string, groupId: string): GraphJson {
  return {
    id: `${policyId}_${groupId}`,
    source: 'direct',
    sourceId: policyId,
    target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', ...FILTER_NONE, groupId },
  };
}

export function allDevicesAssignment(policyId: string): GraphJson {
  return {
    id: `${policyId}_adadadad-808e-44e2-905a-0b7873a8a531`,
    source: 'direct',
    sourceId: policyId,
    target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget', ...FILTER_NONE },
  };
}

export function allUsersAssignment(policyId: string): GraphJson {
  return {
    id: `${policyId}_acacacac-9df4-4c7d-9d50-4ef0226f57a9`,
    source: 'direct',
    sourceId: policyId,
    target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget', ...FILTER_NONE },
  };
}

// Settings catalog: each `/settings` item wraps one settingInstance.

type SettingInstance = GraphJson;

export function catalogSettings(instances: readonly SettingInstance[]): GraphJson[] {
  return instances.map((settingInstance, index) => ({
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationSetting',
    id: String(index),
    settingInstance,
  }));
}

export function choice(
  settingDefinitionId: string,
  value: string,
  children: SettingInstance[] = [],
): SettingInstance {
  return {
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance',
    settingDefinitionId,
    settingInstanceTemplateReference: null,
    choiceSettingValue: {
      '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingValue',
      settingValueTemplateReference: null,
      value: `${settingDefinitionId}_${value}`,
      children,
    },
  };
}

export function simpleInteger(settingDefinitionId: string, value: number): SettingInstance {
  return simple(settingDefinitionId, { type: 'IntegerSettingValue', value });
}

export function simpleString(settingDefinitionId: string, value: string): SettingInstance {
  return simple(settingDefinitionId, { type: 'StringSettingValue', value });
}

function simple(settingDefinitionId: string, value: { type: string; value: unknown }): SettingInstance {
  return {
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance',
    settingDefinitionId,
    settingInstanceTemplateReference: null,
    simpleSettingValue: {
      '@odata.type': `#microsoft.graph.deviceManagementConfiguration${value.type}`,
      settingValueTemplateReference: null,
      value: value.value,
    },
  };
}

export function simpleCollection(settingDefinitionId: string, values: readonly string[]): SettingInstance {
  return {
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance',
    settingDefinitionId,
    settingInstanceTemplateReference: null,
    simpleSettingCollectionValue: values.map((value) => ({
      '@odata.type': '#microsoft.graph.deviceManagementConfigurationStringSettingValue',
      settingValueTemplateReference: null,
      value,
    })),
  };
}

export function groupCollection(
  settingDefinitionId: string,
  groups: readonly SettingInstance[][],
): SettingInstance {
  return {
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance',
    settingDefinitionId,
    settingInstanceTemplateReference: null,
    groupSettingCollectionValue: groups.map((children) => ({
      settingValueTemplateReference: null,
      children,
    })),
  };
}

/** Compliance: "mark non-compliant immediately", optionally followed by a notification. */
export function scheduledActions(policyId: string, notifyAfterHours?: number): GraphJson[] {
  const actions: GraphJson[] = [
    {
      id: demoGuid(`${policyId}:block`),
      gracePeriodHours: 0,
      actionType: 'block',
      notificationTemplateId: '00000000-0000-0000-0000-000000000000',
      notificationMessageCCList: [],
    },
  ];
  if (notifyAfterHours !== undefined) {
    actions.push({
      id: demoGuid(`${policyId}:notify`),
      gracePeriodHours: notifyAfterHours,
      actionType: 'notification',
      notificationTemplateId: NON_COMPLIANT_TEMPLATE_ID,
      notificationMessageCCList: [],
    });
  }
  return [{ id: demoGuid(`${policyId}:rule`), ruleName: null, scheduledActionConfigurations: actions }];
}
