// Settings whose values Intune stores encrypted, as data beside the registry (./policyTypes.ts).
//
// Custom profiles (windows10CustomConfiguration and the other `omaSettings` profiles) list each
// OMA-URI setting with `isEncrypted` and `secretReferenceValueId`; an encrypted one comes back
// with `value: "****"` (nicolonsky/ModernWorkplaceConcierge #86 shows the shape). The plain text
// is only given by `GET …/deviceConfigurations/{id}/getOmaSettingPlainTextValue(secretReferenceValueId='…')`
// (`{ "value": "<plain text>" }`), which needs DeviceManagementConfiguration.ReadWrite.All: with
// Read.All Graph answers 403 "Application must have one of the following scopes:
// DeviceManagementConfiguration.ReadWrite.All" (Micke-K/IntuneManagement #263 and
// Extensions/EndpointManager.psm1; Microsoft365DSC #4412 / PR #4661; microsoft-graph-docs PR
// #19790: "read only is no longer supported on this operation").

import type { GraphObject } from './graphHttp';
import type { PolicyTypeKey } from './policyTypes';

export interface EncryptedSettingRule {
  /** Array property of the item holding the settings. */
  property: string;
  /** Function below the item that returns one setting's plain text. */
  plainTextFunction: string;
  /** The function's one parameter: the setting's property of the same name. */
  parameter: string;
  /** What Graph answers 403 without. */
  permission: string;
  /** Said in the run summary of the policies whose values could not be read. */
  unreadableMessage: string;
}

export const ENCRYPTED_SETTINGS: Readonly<Partial<Record<PolicyTypeKey, EncryptedSettingRule>>> = {
  deviceConfiguration: {
    property: 'omaSettings',
    plainTextFunction: 'getOmaSettingPlainTextValue',
    parameter: 'secretReferenceValueId',
    permission: 'DeviceManagementConfiguration.ReadWrite.All',
    unreadableMessage:
      'Intune returns encrypted OMA-URI values only as a placeholder without this permission: these policies are backed up without those values, and a restore cannot recreate them',
  },
};

/** One encrypted setting of an item: its index in the rule's property, and its reference. */
export interface EncryptedSetting {
  index: number;
  /** The parameter of the plain-text function; undefined when Graph sent none. */
  reference: string | undefined;
}

/** The item's settings that Intune stores encrypted. */
export function encryptedSettingsOf(payload: GraphObject, rule: EncryptedSettingRule): EncryptedSetting[] {
  const settings = payload[rule.property];
  if (!Array.isArray(settings)) return [];
  const found: EncryptedSetting[] = [];
  settings.forEach((setting: unknown, index) => {
    if (typeof setting !== 'object' || setting === null) return;
    const { isEncrypted, [rule.parameter]: reference } = setting as Record<string, unknown>;
    if (isEncrypted !== true) return;
    found.push({
      index,
      reference: typeof reference === 'string' && reference !== '' ? reference : undefined,
    });
  });
  return found;
}

/** The function call segment, `name(parameter='value')`, with the value as an OData string literal. */
export function plainTextCall(rule: EncryptedSettingRule, reference: string): string {
  const literal = encodeURIComponent(reference.replaceAll("'", "''"));
  return `${rule.plainTextFunction}(${rule.parameter}='${literal}')`;
}
