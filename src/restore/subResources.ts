// The write steps of the sub-resources a recipe names (./recipe.ts SubResourceKind): the parts of
// an object Graph writes through their own calls (restore-graph.md sections 0.4 and 1c). Each
// builder is given the object path (`{collection}/{id}`) and both payloads; steps that add
// elements one by one are `ensureEach`, so a repeated step adds nothing twice (section 2).
import type { PolicyTypeKey } from '../graph/policyTypes';
import { intentSettingsOf, shapeList } from './content';
import type { SubResourceKind } from './recipe';
import type { GraphJson, WriteFamily, WriteStep } from './types';

type Json = Record<string, unknown>;

export interface SubResourceContext {
  type: PolicyTypeKey;
  family: WriteFamily;
  /** `{collection}/{id}`. */
  objectPath: string;
  action: 'create' | 'update';
  backup: GraphJson;
  live: GraphJson | null;
}

const GRAPH = 'https://graph.microsoft.com/beta';
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const listOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

const post = (ctx: SubResourceContext, name: string, suffix: string, body: GraphJson): WriteStep => ({
  name,
  kind: 'request',
  family: ctx.family,
  method: 'POST',
  path: `${ctx.objectPath}${suffix}`,
  body,
});

// A definition value as updateDefinitionValues takes it: definition and presentations bound by
// URL (IntuneManagement Import-GPOSetting L3041-3167; docs ...grouppolicyconfiguration-updatedefinitionvalues.md).
function definitionValueBody(value: Json, id?: string, presentationIds?: Map<string, string>): Json {
  const definitionId = String(value.definitionId);
  const definitionUrl = `${GRAPH}/deviceManagement/groupPolicyDefinitions('${definitionId}')`;
  return {
    ...(id === undefined ? {} : { id }),
    enabled: value.enabled,
    'definition@odata.bind': definitionUrl,
    presentationValues: listOf(value.presentationValues).map(({ presentationId, ...rest }) => ({
      ...rest,
      ...(presentationIds?.has(String(presentationId))
        ? { id: presentationIds.get(String(presentationId)) }
        : {}),
      'presentation@odata.bind': `${definitionUrl}/presentations('${String(presentationId)}')`,
    })),
  };
}

// Create: every value added. Update: values of definitions the live object has are `updated`
// (with the live ids), the others `added`, live-only ones deleted: the backed-up set exactly.
function updateDefinitionValues(ctx: SubResourceContext): WriteStep[] {
  const backup = shapeList('definitionValues', ctx.backup.definitionValues);
  const live = new Map(
    listOf(ctx.live?.definitionValues).map((value) => [
      String(isRecord(value.definition) ? value.definition.id : ''),
      value,
    ]),
  );
  const added: Json[] = [];
  const updated: Json[] = [];
  for (const value of backup) {
    const current = ctx.action === 'update' ? live.get(String(value.definitionId)) : undefined;
    if (current === undefined) {
      added.push(definitionValueBody(value));
      continue;
    }
    const presentationIds = new Map(
      listOf(current.presentationValues).map((pv) => [
        String(isRecord(pv.presentation) ? pv.presentation.id : ''),
        String(pv.id),
      ]),
    );
    updated.push(definitionValueBody(value, String(current.id), presentationIds));
  }
  const kept = new Set(backup.map((value) => String(value.definitionId)));
  const deletedIds =
    ctx.action === 'update'
      ? [...live].filter(([definitionId]) => !kept.has(definitionId)).map(([, v]) => String(v.id))
      : [];
  if (added.length + updated.length + deletedIds.length === 0) return [];
  return [post(ctx, 'definitionValues', '/updateDefinitionValues', { added, updated, deletedIds })];
}

// Localized messages are elements of their own: PATCH the locales the live template has, add the
// others. One step per backed-up locale, named by the locale alone: RestoreRun names an item's
// steps before it reads the live object, so a name may not depend on it.
function notificationMessages(ctx: SubResourceContext): WriteStep[] {
  const messages = shapeList('localizedNotificationMessages', ctx.backup.localizedNotificationMessages);
  const live = new Map(
    listOf(ctx.live?.localizedNotificationMessages).map((message) => [
      String(message.locale),
      String(message.id),
    ]),
  );
  const collection = `${ctx.objectPath}/localizedNotificationMessages`;
  return messages.map((message): WriteStep => {
    const name = `message:${String(message.locale)}`;
    const id = ctx.action === 'update' ? live.get(String(message.locale)) : undefined;
    if (id === undefined)
      return {
        name,
        kind: 'ensureEach',
        family: ctx.family,
        listPath: collection,
        postPath: collection,
        key: ['locale'],
        bodies: [message],
      };
    return {
      name,
      kind: 'request',
      family: ctx.family,
      method: 'PATCH',
      path: `${collection}/${id}`,
      body: {
        subject: message.subject,
        messageTemplate: message.messageTemplate,
        isDefault: message.isDefault,
      },
    };
  });
}

const BUILDERS: Readonly<Record<SubResourceKind, (ctx: SubResourceContext) => WriteStep[]>> = {
  // Create carries the actions inline; an update sets them through the action (section 1c).
  scheduleActionsForRules: (ctx) =>
    ctx.action === 'create'
      ? []
      : [
          post(ctx, 'scheduledActions', '/scheduleActionsForRules', {
            deviceComplianceScheduledActionForRules: shapeList(
              'scheduledActionsForRule',
              ctx.backup.scheduledActionsForRule,
            ),
          }),
        ],
  setScheduledActions: (ctx) =>
    ctx.action === 'create'
      ? []
      : [
          post(ctx, 'scheduledActions', '/setScheduledActions', {
            scheduledActions: shapeList('scheduledActionsForRule', ctx.backup.scheduledActionsForRule),
          }),
        ],
  updateDefinitionValues,
  intentSettings: (ctx) => {
    const settings = intentSettingsOf(ctx.backup);
    return settings.length === 0 ? [] : [post(ctx, 'settings', '/updateSettings', { settings })];
  },
  // Priority 0 is the default configuration's, which has no priority to set.
  setPriority: (ctx) =>
    typeof ctx.backup.priority === 'number' && ctx.backup.priority > 0
      ? [post(ctx, 'priority', '/setPriority', { priority: ctx.backup.priority })]
      : [],
  notificationMessages,
  // targetApps sets the whole list (docs intune-mam-targetedmanagedappconfiguration-targetapps).
  targetApps: (ctx) => {
    if (!Array.isArray(ctx.backup.apps)) return [];
    const body: Json = { apps: shapeList('apps', ctx.backup.apps) };
    if (typeof ctx.backup.appGroupType === 'string') body.appGroupType = ctx.backup.appGroupType;
    return [post(ctx, 'targetApps', '/targetApps', body)];
  },
  // docs intune-deviceconfig-windows10generalconfiguration-windowsprivacyaccesscontrols (POST on the item).
  privacyAccessControls: (ctx) => {
    const controls = shapeList('privacyAccessControls', ctx.backup.privacyAccessControls);
    if (ctx.backup['@odata.type'] !== '#microsoft.graph.windows10GeneralConfiguration') return [];
    if (controls.length === 0 && ctx.action === 'create') return [];
    return [
      post(ctx, 'privacyAccessControls', '/windowsPrivacyAccessControls', {
        windowsPrivacyAccessControls: controls,
      }),
    ];
  },
  // Posted the portal's way, bound to the definition (IntuneManagement L3483-3520); by name.
  roleAssignments: (ctx) => {
    const bodies = shapeList('roleAssignments', ctx.backup.roleAssignments).map((assignment) => ({
      '@odata.type': '#microsoft.graph.deviceAndAppManagementRoleAssignment',
      ...assignment,
      'roleDefinition@odata.bind': `${GRAPH}${ctx.objectPath}`,
    }));
    if (bodies.length === 0) return [];
    return [
      {
        name: 'roleAssignments',
        kind: 'ensureEach',
        family: ctx.family,
        listPath: `${ctx.objectPath}/roleAssignments`,
        postPath: '/deviceManagement/roleAssignments',
        key: ['displayName'],
        bodies,
        idInBody: ['roleDefinition@odata.bind'],
      },
    ];
  },
};

export function subResourceSteps(kind: SubResourceKind, ctx: SubResourceContext): WriteStep[] {
  return BUILDERS[kind](ctx);
}
