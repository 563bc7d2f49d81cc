import { randomUUID } from 'node:crypto';
import type { Reply } from '../httpUtil';
import { listOf } from '../tenantObjects';
import type { EmulatorTenant } from '../tenantStore';
import type { EmulatorNode, GraphJson } from '../types';
import { badRequest } from './validate';

// `POST /deviceManagement/intents/{id}/updateSettings {"settings":[deviceManagementSettingInstance]}`
// (beta docs intune-deviceintent-devicemanagementintent-updatesettings.md, 204): each posted
// instance sets the value of the intent's setting with its definitionId; settings not posted keep
// theirs (IntuneManagement posts valueJson "null" to clear one, Start-PreUpdateEndpointSecurity).
// A definition of the intent's template that the intent has no instance of yet is added to its
// category; any other definitionId is unknown to the intent and refused (inferred: 400) before
// anything is stored.

const isRecord = (value: unknown): value is GraphJson =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Instance types whose `value` mirrors valueJson (collections and complex ones carry valueJson only). */
const SCALAR_INSTANCES = new Set([
  '#microsoft.graph.deviceManagementBooleanSettingInstance',
  '#microsoft.graph.deviceManagementIntegerSettingInstance',
  '#microsoft.graph.deviceManagementStringSettingInstance',
]);

const INSTANCE_OF_VALUE_TYPE: Readonly<Record<string, string>> = {
  boolean: '#microsoft.graph.deviceManagementBooleanSettingInstance',
  integer: '#microsoft.graph.deviceManagementIntegerSettingInstance',
  string: '#microsoft.graph.deviceManagementStringSettingInstance',
  collection: '#microsoft.graph.deviceManagementCollectionSettingInstance',
};

interface Posted {
  definitionId: string;
  valueJson: string;
  value: unknown;
}

/** The posted instances, or the 400 Graph gives for a malformed one. */
function postedSettings(body: GraphJson): Posted[] | Reply {
  const extra = Object.keys(body).find((key) => key !== 'settings');
  if (extra !== undefined)
    return badRequest(
      `The action 'updateSettings' takes only 'settings'; '${extra}' is not a parameter of it.`,
    );
  if (!Array.isArray(body.settings)) return badRequest("Parameter 'settings' is required.");
  const posted: Posted[] = [];
  for (const setting of body.settings as unknown[]) {
    if (!isRecord(setting) || typeof setting.definitionId !== 'string' || setting.definitionId === '')
      return badRequest("Every setting instance needs its 'definitionId'.");
    if (typeof setting.valueJson !== 'string')
      return badRequest(`Setting '${setting.definitionId}': 'valueJson' must be a JSON string.`);
    let value: unknown;
    try {
      value = JSON.parse(setting.valueJson);
    } catch {
      return badRequest(`Setting '${setting.definitionId}': 'valueJson' is not valid JSON.`);
    }
    posted.push({ definitionId: setting.definitionId, valueJson: setting.valueJson, value });
  }
  return posted;
}

function withValue(instance: GraphJson, setting: Posted): GraphJson {
  const { value: _old, ...rest } = instance;
  const scalar = SCALAR_INSTANCES.has(String(instance['@odata.type'])) && setting.value !== null;
  return { ...rest, valueJson: setting.valueJson, ...(scalar ? { value: setting.value } : {}) };
}

/** Each definition of the intent's template, with the id of its category. */
function templateDefinitions(tenant: EmulatorTenant, intent: EmulatorNode): Map<string, GraphJson> {
  const template = tenant.objects.pools.find(String(intent.object.templateId), ['templates']);
  const out = new Map<string, GraphJson>();
  if (template === undefined) return out;
  for (const category of listOf(template, 'categories'))
    for (const definition of listOf(category, 'settingDefinitions'))
      out.set(String(definition.object.id), { ...definition.object, categoryId: category.object.id });
  return out;
}

/**
 * Applies the posted settings to `intent` (an editable copy: its `categories` and `settings`
 * lists are replaced); a Reply when Graph refuses the body, and then nothing is changed.
 */
export function updateIntentSettings(
  tenant: EmulatorTenant,
  intent: EmulatorNode,
  body: GraphJson,
): Reply | undefined {
  const posted = postedSettings(body);
  if (!Array.isArray(posted)) return posted;
  const byDefinition = new Map(posted.map((setting) => [setting.definitionId, setting]));
  const categories = listOf(intent, 'categories');
  const present = new Set(
    categories.flatMap((category) => listOf(category, 'settings').map((s) => String(s.object.definitionId))),
  );
  const definitions = templateDefinitions(tenant, intent);
  const categoryIds = new Set(categories.map((category) => category.object.id));
  // A template definition is addable only into a category the intent has.
  const addable = (definitionId: string) => categoryIds.has(definitions.get(definitionId)?.categoryId);
  const unknown = posted.find((s) => !present.has(s.definitionId) && !addable(s.definitionId));
  if (unknown !== undefined)
    return badRequest(`Setting definition '${unknown.definitionId}' is not a setting of this intent.`);
  const update = (node: EmulatorNode): EmulatorNode => {
    const setting = byDefinition.get(String(node.object.definitionId));
    return setting === undefined ? node : { ...node, object: withValue(node.object, setting) };
  };
  const added = (categoryId: unknown): EmulatorNode[] =>
    posted
      .filter(
        (s) => !present.has(s.definitionId) && definitions.get(s.definitionId)?.categoryId === categoryId,
      )
      .map((s) => ({
        object: withValue(
          {
            '@odata.type':
              INSTANCE_OF_VALUE_TYPE[String(definitions.get(s.definitionId)?.valueType)] ??
              '#microsoft.graph.deviceManagementStringSettingInstance',
            id: randomUUID(),
            definitionId: s.definitionId,
          },
          s,
        ),
      }));
  intent.lists = {
    ...intent.lists,
    categories: categories.map((category) => ({
      ...category,
      lists: {
        ...category.lists,
        settings: [...listOf(category, 'settings').map(update), ...added(category.object.id)],
      },
    })),
  };
  // An intent's own `settings` navigation, where the tenant keeps one, shows the same values.
  if (intent.lists.settings !== undefined) intent.lists.settings = listOf(intent, 'settings').map(update);
  return undefined;
}
