// What of a stored payload a restore writes: the writable properties (the recipe's allow- or
// deny-list), the registry lists the recipe writes in Graph's write shape, the direct assignments
// reduced to what `/assign` takes. One function serves the bodies (./steps.ts), the plan's noop
// test and diff (./decide.ts) and the verification (./verify.ts), so all three agree.
import { type PolicyTypeKey, POLICY_TYPES } from '../graph/policyTypes';
import type { SubResourceKind, WriteRecipe } from './recipe';
import { collectionOf, WRITE_RECIPES } from './recipes';
import type { GraphJson } from './types';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** Keys nobody writes at any depth: ids and server timestamps of list elements, response annotations. */
const ELEMENT_SERVER_SET = new Set(['id', 'createdDateTime', 'lastModifiedDateTime', 'version']);

/** `@odata.context`, `…@odata.navigationLink` and the like describe the response (section 1a). */
function isAnnotation(key: string): boolean {
  const at = key.indexOf('@odata.');
  return at !== -1 && key.slice(at) !== '@odata.type' && key.slice(at) !== '@odata.bind';
}

/** A deep copy without response annotations (and without `drop` keys at any depth). */
export function cleanDeep(value: unknown, drop: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((item) => cleanDeep(item, drop));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !isAnnotation(key) && !drop.has(key))
      .map(([key, item]) => [key, cleanDeep(item, drop)]),
  );
}

const pick = (source: Json, keys: readonly string[]): Json =>
  Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));

// The target keeps only what identifies it (IntuneManagement Import-GraphObjectAssignment; section 1b).
const TARGET_KEYS = [
  '@odata.type',
  'groupId',
  'collectionId',
  'deviceAndAppManagementAssignmentFilterId',
  'deviceAndAppManagementAssignmentFilterType',
];

/** The direct assignments in `/assign`'s shape; policy-set ones are the set's to write. */
export function assignmentBodies(type: PolicyTypeKey, payload: Json): Json[] {
  const recipe = WRITE_RECIPES[type].assignments;
  if (recipe === null) return [];
  return listOf(payload.assignments)
    .filter((assignment) => assignment.source === undefined || assignment.source === 'direct')
    .map((assignment) => ({
      ...(cleanDeep(pick(assignment, recipe.extras)) as Json),
      target: pick(isRecord(assignment.target) ? assignment.target : {}, TARGET_KEYS),
    }));
}

const SETTING = '#microsoft.graph.deviceManagementConfigurationSetting';
const ACTION_KEYS = ['actionType', 'gracePeriodHours', 'notificationTemplateId', 'notificationMessageCCList'];

/** Each written registry list in its write shape (references as ids; ./subResources.ts binds them). */
const LIST_SHAPES: Readonly<Record<string, (element: Json) => Json>> = {
  settings: (element) => ({ '@odata.type': SETTING, settingInstance: cleanDeep(element.settingInstance) }),
  scheduledActionsForRule: (rule) => ({
    ruleName: rule.ruleName ?? null,
    scheduledActionConfigurations: listOf(rule.scheduledActionConfigurations).map((action) =>
      pick(action, ACTION_KEYS),
    ),
  }),
  definitionValues: (value) => ({
    enabled: value.enabled,
    definitionId: isRecord(value.definition) ? value.definition.id : undefined,
    // The presentation's id is taken before cleaning: cleanDeep drops `id` at every depth.
    presentationValues: listOf(value.presentationValues).map(({ presentation, ...rest }) => ({
      ...(cleanDeep(rest, ELEMENT_SERVER_SET) as Json),
      presentationId: isRecord(presentation) ? presentation.id : undefined,
    })),
  }),
  localizedNotificationMessages: (message) =>
    pick(message, ['locale', 'subject', 'messageTemplate', 'isDefault']),
  apps: (app) => pick(app, ['mobileAppIdentifier']),
  privacyAccessControls: (control) => cleanDeep(control, ELEMENT_SERVER_SET) as Json,
  roleAssignments: (assignment) =>
    pick(assignment, [
      'displayName',
      'description',
      'members',
      'resourceScopes',
      'scopeType',
      'roleScopeTagIds',
    ]),
};

/** An intent's setting instances across its categories, as updateSettings takes them (with ids). */
export function intentSettingsOf(payload: Json): Json[] {
  return listOf(payload.categories).flatMap((category) =>
    listOf(category.settings).map((setting) =>
      pick(setting, ['@odata.type', 'id', 'definitionId', 'valueJson']),
    ),
  );
}

/** The registry lists (and scalars) each sub-resource writes. */
const SUB_RESOURCE_PROPERTY: Readonly<Record<SubResourceKind, string>> = {
  scheduleActionsForRules: 'scheduledActionsForRule',
  setScheduledActions: 'scheduledActionsForRule',
  updateDefinitionValues: 'definitionValues',
  intentSettings: 'categories',
  setPriority: 'priority',
  notificationMessages: 'localizedNotificationMessages',
  targetApps: 'apps',
  privacyAccessControls: 'privacyAccessControls',
  roleAssignments: 'roleAssignments',
};

export function shapeList(property: string, value: unknown): Json[] {
  const shape = LIST_SHAPES[property] ?? ((element: Json) => cleanDeep(element, ELEMENT_SERVER_SET) as Json);
  return listOf(value).map(shape);
}

/**
 * The registry's list properties of the object (all written separately or not at all): the
 * type's, and those of the collection the object lives in only. A name one collection expands
 * can be a plain property in another (a MAM configuration's `settings` navigation, an iOS device
 * app configuration's `settings` key/value items).
 */
function registryLists(type: PolicyTypeKey, payload: Json): Set<string> {
  const lists = new Set<string>();
  for (const expansion of POLICY_TYPES[type].expansions)
    if (expansion.kind === 'list') lists.add(expansion.property);
  const own = collectionOf(type, payload);
  for (const collection of POLICY_TYPES[type].collections)
    if (collection.path === own)
      for (const expansion of collection.expansions ?? [])
        if (expansion.kind === 'list') lists.add(expansion.property);
  return lists;
}

/** The object's own writable properties (no lists), with the type's transforms. */
export function writableProperties(type: PolicyTypeKey, payload: Json): Json {
  const recipe = WRITE_RECIPES[type];
  const lists = registryLists(type, payload);
  const writable = recipe.writable;
  const keep = (key: string): boolean =>
    !lists.has(key) &&
    !isAnnotation(key) &&
    ('allow' in writable ? writable.allow.includes(key) : !writable.deny.includes(key));
  const out = cleanDeep(Object.fromEntries(Object.entries(payload).filter(([key]) => keep(key)))) as Json;
  return transformOf(type)(out);
}

// Per-type transforms of writable properties: data elsewhere, these are the few shape changes.
function transformOf(type: PolicyTypeKey): (body: Json) => Json {
  switch (type) {
    case 'settingsCatalog':
      // Only templateId is written; family and names are Graph's (IBR Invoke-IntuneRestoreConfigurationPolicy).
      return (body) => {
        const reference = body.templateReference;
        const { templateReference: _, ...rest } = body;
        const templateId = isRecord(reference) ? reference.templateId : undefined;
        return typeof templateId === 'string' && templateId !== ''
          ? { ...rest, templateReference: { templateId } }
          : rest;
      };
    case 'deviceConfiguration':
      // Encrypted OMA-URI values are written as the plain text captured at backup (IntuneManagement
      // Start-PostGetDeviceConfiguration L1369-1401; "SecretReferenceValueId invalid for create", IBR #39).
      return (body) =>
        Array.isArray(body.omaSettings)
          ? {
              ...body,
              omaSettings: listOf(body.omaSettings).map(({ secretReferenceValueId: _, ...setting }) =>
                setting.isEncrypted === true ? { ...setting, isEncrypted: false } : setting,
              ),
            }
          : body;
    default:
      return (body) => body;
  }
}

/** The lists and scalars the recipe writes besides the object's own properties. */
export function writtenLists(recipe: WriteRecipe): string[] {
  return [
    ...new Set([
      ...recipe.createLists,
      ...recipe.update.lists,
      ...recipe.subResources.map((kind) => SUB_RESOURCE_PROPERTY[kind]),
    ]),
  ];
}

/**
 * The content a restore reproduces: writable properties, written lists in write shape, direct
 * assignments. Two payloads with the same restorable content need no write.
 */
export function restorableContent(policyType: PolicyTypeKey, payload: GraphJson): GraphJson {
  const recipe = WRITE_RECIPES[policyType];
  const out = writableProperties(policyType, payload);
  for (const property of writtenLists(recipe)) {
    if (property === 'priority') out.priority = payload.priority;
    else if (property === 'categories')
      out.categories = intentSettingsOf(payload).map(({ id: _, ...s }) => s);
    else if (payload[property] !== undefined) out[property] = shapeList(property, payload[property]);
  }
  if (recipe.assignments !== null) out.assignments = assignmentBodies(policyType, payload);
  return out;
}
