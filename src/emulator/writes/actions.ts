import { randomUUID } from 'node:crypto';
import { auditing } from '../adminObjects';
import type { Reply } from '../httpUtil';
import { graphTimestamp } from '../prng';
import { listOf, markModified } from '../tenantObjects';
import type { EmulatorTenant } from '../tenantStore';
import type { EmulatorNode, GraphJson } from '../types';
import { assignmentNodes, targetKey } from './assignments';
import { definitionValueNode, updateDefinitionValues } from './definitionValues';
import { deriveInto } from './derived';
import { updateIntentSettings } from './intentSettings';
import { PRIVACY_CONTROLS_OWNER, privacyAccessControlNodes } from './privacyAccessControls';
import type { ActionRule, SubResourceRule } from './surface';
import { badRequest, blockActions, checkReferences, type ReferenceCheck } from './validate';

// Actions bound to an item (`/assign`, `setPriority`, `scheduleActionsForRules` and
// `setScheduledActions`, `updateDefinitionValues`, `updateSettings`, `targetApps`,
// `windowsPrivacyAccessControls`) and sub-resources written one element at a time
// (Autopilot group assignments, ADMX definition values, localized notification messages), with
// the body keys of notes section 1b/1c. Each change is stored whole or not at all and audited.

/** One action or sub-resource write on a stored item. */
export interface ItemChange {
  tenant: EmulatorTenant;
  type: Parameters<EmulatorTenant['objects']['replace']>[0];
  id: string;
  before: EmulatorNode;
  body: GraphJson;
  refs: ReferenceCheck;
}

const NO_CONTENT: Reply = { status: 204, body: undefined };

/** A copy of the item whose lists can be replaced without touching the stored node. */
function editable(node: EmulatorNode): EmulatorNode {
  const lists: Record<string, EmulatorNode[]> = {};
  for (const name of Object.keys(node.lists ?? {})) lists[name] = listOf(node, name);
  return { ...node, object: { ...node.object }, lists };
}

/** `touch`: the entity's modification time moves (not for its assignments, a resource of their own). */
function store(change: ItemChange, node: EmulatorNode, touch: boolean): void {
  if (touch) markModified(node.object, change.before.object);
  deriveInto(change.type, node);
  change.tenant.objects.replace(change.type, change.id, node);
  auditing(change.tenant, change.tenant.clientId)(change.type, change.id, 'Patch');
}

function assign(change: ItemChange, rule: ActionRule): Reply {
  const nodes = assignmentNodes(
    change.id,
    change.body[rule.key ?? 'assignments'],
    change.refs,
    rule.sourced ?? false,
  );
  if (!Array.isArray(nodes)) return nodes;
  const node = editable(change.before);
  node.lists = { ...node.lists, assignments: nodes };
  if ('isAssigned' in node.object) node.object.isAssigned = nodes.length > 0;
  store(change, node, false);
  return rule.status === 204 ? NO_CONTENT : { status: 200, body: { value: nodes.map((n) => n.object) } };
}

function deviceIdsAssign(change: ItemChange): Reply {
  const extra = Object.keys(change.body).filter((key) => key !== 'deviceIds');
  if (extra.length > 0 || !Array.isArray(change.body.deviceIds))
    return badRequest(
      `The action 'assign' takes only 'deviceIds'; '${extra[0] ?? 'deviceIds'}' is not a parameter of it.`,
    );
  return NO_CONTENT;
}

function setPriority(change: ItemChange): Reply {
  const { priority } = change.body;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1)
    return badRequest("Parameter 'priority' must be a positive integer.");
  if (change.before.object.priority === 0)
    return badRequest('The priority of a default configuration cannot be changed.');
  const node = editable(change.before);
  node.object.priority = priority;
  store(change, node, true);
  return NO_CONTENT;
}

function scheduleActionsForRules(change: ItemChange, rule: ActionRule): Reply {
  const rules = change.body[rule.key ?? ''];
  if (blockActions(rules) !== 1)
    return badRequest('Compliance policy must have one and only one block scheduled action');
  const refused = checkReferences({ scheduledActionsForRule: rules }, change.refs);
  if (refused) return refused;
  const node = editable(change.before);
  node.lists = {
    ...node.lists,
    scheduledActionsForRule: (rules as GraphJson[]).map(
      ({ scheduledActionConfigurations, id: _id, ...ruleObject }) => ({
        object: { id: randomUUID(), ...ruleObject },
        lists: {
          scheduledActionConfigurations: ((scheduledActionConfigurations ?? []) as GraphJson[]).map(
            ({ id: _c, ...config }) => ({
              object: { id: randomUUID(), ...config },
            }),
          ),
        },
      }),
    ),
  };
  store(change, node, true);
  if (rule.status === 204) return NO_CONTENT;
  return {
    status: 200,
    body: {
      value: listOf(node, 'scheduledActionsForRule').map((r) => ({
        ...r.object,
        scheduledActionConfigurations: listOf(r, 'scheduledActionConfigurations').map((c) => c.object),
      })),
    },
  };
}

const PLATFORM_OF: Readonly<Record<string, string>> = {
  '#microsoft.graph.iosMobileAppIdentifier': 'ios',
  '#microsoft.graph.androidMobileAppIdentifier': 'android',
  '#microsoft.graph.windowsAppIdentifier': 'windows',
};

/** `targetApps {apps, appGroupType}`: the posted apps become the item's whole `apps` list. */
function targetApps(change: ItemChange): Reply {
  const { apps, appGroupType } = change.body;
  if (!Array.isArray(apps)) return badRequest("Parameter 'apps' is required.");
  const nodes: EmulatorNode[] = [];
  for (const app of apps as GraphJson[]) {
    const identifier = app?.mobileAppIdentifier as GraphJson | undefined;
    const platform = PLATFORM_OF[String(identifier?.['@odata.type'])];
    const appId = identifier?.bundleId ?? identifier?.packageId ?? identifier?.windowsAppId;
    if (platform === undefined || typeof appId !== 'string')
      return badRequest('Every app needs a mobileAppIdentifier of a known type with its app id.');
    nodes.push({
      object: {
        id: `${appId}.${platform}`,
        mobileAppIdentifier: identifier,
        version: `-${Date.now() % 1e9}`,
      },
    });
  }
  const node = editable(change.before);
  node.lists = { ...node.lists, apps: nodes };
  if (appGroupType !== undefined) node.object.appGroupType = appGroupType;
  if ('deployedAppCount' in node.object) node.object.deployedAppCount = nodes.length;
  store(change, node, true);
  return NO_CONTENT;
}

/** The posted privacy rules replace the profile's list; other profile types have none (inferred: 400). */
function windowsPrivacyAccessControls(change: ItemChange, rule: ActionRule): Reply {
  if (change.before.object['@odata.type'] !== PRIVACY_CONTROLS_OWNER)
    return badRequest(
      `The action 'windowsPrivacyAccessControls' applies to ${PRIVACY_CONTROLS_OWNER.slice(1)} only.`,
    );
  const nodes = privacyAccessControlNodes(change.body[rule.key ?? '']);
  if (!Array.isArray(nodes)) return nodes;
  const node = editable(change.before);
  node.lists = { ...node.lists, privacyAccessControls: nodes };
  store(change, node, true);
  return NO_CONTENT;
}

export function serveAction(change: ItemChange, rule: ActionRule): Reply {
  switch (rule.kind) {
    case 'assign':
      return assign(change, rule);
    case 'deviceIdsAssign':
      return deviceIdsAssign(change);
    case 'setPriority':
      return setPriority(change);
    case 'scheduleActionsForRules':
      return scheduleActionsForRules(change, rule);
    case 'targetApps':
      return targetApps(change);
    case 'windowsPrivacyAccessControls':
      return windowsPrivacyAccessControls(change, rule);
    case 'updateIntentSettings': {
      const node = editable(change.before);
      const refused = updateIntentSettings(change.tenant, node, change.body);
      if (refused) return refused;
      store(change, node, true);
      return NO_CONTENT;
    }
    case 'updateDefinitionValues': {
      const node = editable(change.before);
      const result = updateDefinitionValues(change.tenant, node, change.body);
      if (result) return result;
      store(change, node, true);
      return NO_CONTENT;
    }
  }
}

/** `POST <item>/<name>`: one new element (201 with it). */
export function createElement(change: ItemChange, name: string, rule: SubResourceRule): Reply {
  const node = editable(change.before);
  const list = node.lists?.[name] as EmulatorNode[] | undefined;
  const current = list ?? [];
  let element: EmulatorNode | Reply;
  if (rule.kind === 'assignment') {
    const key = targetKey(change.body.target, change.refs);
    if (typeof key !== 'string') return key;
    if (current.some((a) => a.object.id === `${change.id}_${key}`))
      return badRequest('An assignment to this target already exists.');
    element = { object: { id: `${change.id}_${key}`, target: change.body.target } };
  } else if (rule.kind === 'definitionValue') {
    element = definitionValueNode(change.tenant, change.body);
  } else {
    const { locale } = change.body;
    if (typeof locale !== 'string' || locale === '') return badRequest("Property 'locale' is required.");
    if (current.some((m) => m.object.locale === locale))
      return badRequest(`A message for locale '${locale}' already exists.`);
    const { id: _id, lastModifiedDateTime: _t, ...message } = change.body;
    element = {
      object: { id: `${change.id}_${locale}`, lastModifiedDateTime: graphTimestamp(new Date()), ...message },
    };
  }
  if (!('object' in element)) return element;
  const created = element;
  node.lists = { ...node.lists, [name]: [...current, created] };
  store(change, node, false);
  return { status: 201, body: created.object };
}

/** `PATCH <item>/<name>/<elementId>`: a merge of the element's properties. */
export function patchElement(change: ItemChange, name: string, elementId: string): Reply | undefined {
  const node = editable(change.before);
  const list = (node.lists?.[name] as EmulatorNode[] | undefined) ?? [];
  const index = list.findIndex((element) => element.object.id === elementId);
  const old = list[index];
  if (old === undefined) return undefined;
  const { id: _id, lastModifiedDateTime: _t, ...patch } = change.body;
  const updated = {
    ...old,
    object: { ...old.object, ...patch, lastModifiedDateTime: graphTimestamp(new Date()) },
  };
  node.lists = { ...node.lists, [name]: list.map((element, i) => (i === index ? updated : element)) };
  store(change, node, false);
  return NO_CONTENT;
}
