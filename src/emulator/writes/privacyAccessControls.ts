import { randomUUID } from 'node:crypto';
import type { Reply } from '../httpUtil';
import type { EmulatorNode, GraphJson } from '../types';
import { badRequest } from './validate';

// `POST deviceConfigurations/{id}/windowsPrivacyAccessControls {windowsPrivacyAccessControls:[...]}`
// (204): the posted per-app privacy rules become the Windows device restrictions profile's whole
// `privacyAccessControls` list, which a create may not carry inline (docs intune-shared-
// deviceconfiguration-windowsprivacyaccesscontrols; IntuneManagement Start-PostFileImportDeviceConfiguration).
// The enums are Graph's windowsPrivacyDataAccessLevel and windowsPrivacyDataCategory: OData refuses
// a value outside them.

const ITEM_TYPE = '#microsoft.graph.windowsPrivacyDataAccessControlItem';
/** The only item type with privacy access controls (its `privacyAccessControls` navigation). */
export const PRIVACY_CONTROLS_OWNER = '#microsoft.graph.windows10GeneralConfiguration';
const ACCESS_LEVELS = ['notConfigured', 'forceAllow', 'forceDeny', 'userInControl'];
const DATA_CATEGORIES = [
  'notConfigured',
  'accountInfo',
  'appsRunInBackground',
  'calendar',
  'callHistory',
  'camera',
  'contacts',
  'diagnosticsInfo',
  'email',
  'location',
  'messaging',
  'microphone',
  'motion',
  'notifications',
  'phone',
  'radios',
  'tasks',
  'syncWithDevices',
  'trustedDevices',
];
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  accessLevel: ACCESS_LEVELS,
  dataCategory: DATA_CATEGORIES,
};
const STRINGS = ['appPackageFamilyName', 'appDisplayName'];

/** The stored list the posted controls become, each with a new id; a Reply when one is invalid. */
export function privacyAccessControlNodes(posted: unknown): EmulatorNode[] | Reply {
  if (!Array.isArray(posted)) return badRequest("Parameter 'windowsPrivacyAccessControls' must be a list.");
  const nodes: EmulatorNode[] = [];
  for (const element of posted as unknown[]) {
    if (typeof element !== 'object' || element === null || Array.isArray(element))
      return badRequest('A windowsPrivacyDataAccessControlItem must be an object.');
    const { id: _id, '@odata.type': odataType, ...control } = element as GraphJson;
    if (odataType !== undefined && odataType !== ITEM_TYPE)
      return badRequest(`A type named '${String(odataType)}' could not be resolved by the model.`);
    for (const [key, value] of Object.entries(control)) {
      const allowed = ENUMS[key];
      if (allowed !== undefined) {
        if (!allowed.includes(String(value)))
          return badRequest(`The value '${String(value)}' is not valid for the enum property '${key}'.`);
      } else if (!STRINGS.includes(key)) {
        return badRequest(
          `The property '${key}' does not exist on type 'microsoft.graph.windowsPrivacyDataAccessControlItem'.`,
        );
      } else if (value !== null && typeof value !== 'string') {
        return badRequest(`The property '${key}' must be a string.`);
      }
    }
    nodes.push({ object: { '@odata.type': ITEM_TYPE, id: randomUUID(), ...control } });
  }
  return nodes;
}
