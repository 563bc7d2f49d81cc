import {
  CONFIGURATION_POLICY_TEMPLATES,
  configurationPolicyTemplateId,
} from '../pools/configurationPolicyTemplates';
import { randomUUID } from 'node:crypto';
import type { PolicyTypeKey } from '../../graph/policyTypes';
import { auditing } from '../adminObjects';
import { catalogSettingNode } from '../generators/catalogSettings';
import type { GraphCall, ServeContext } from '../graphApi';
import { notFound } from '../graphErrors';
import type { EntitySet, NavigationRule } from '../graphSurface';
import type { Reply } from '../httpUtil';
import { graphTimestamp } from '../prng';
import { nodeFromView, viewOf } from '../rawObjects';
import { resolveSurface, type SurfaceTarget } from '../surfaceRoutes';
import { listOf, markModified } from '../tenantObjects';
import type { EmulatorTenant } from '../tenantStore';
import type { EmulatorNode, GraphJson } from '../types';
import { itemRoute, serveItemRoute } from './itemRoutes';
import { COMMON_READ_ONLY, type WritableSet, writableSet } from './surface';
import { badRequest, validateCreate, validatePatch, type WriteContext } from './validate';
import {
  INTENTS_RETIRED,
  methodNotAllowed,
  missing,
  ownHolding,
  parseBody,
  permitted,
  referenceCheck,
  same,
  unqualified,
  writableSetOf,
} from './writeCommon';
import { deriveInto } from './derived';
import { createRoleAssignment } from './roleAssignments';

// POST, PATCH, PUT and DELETE on the registry's entity sets, as Graph answers them: permission,
// validation (./validate.ts), then the change to the tenant's objects, which every read path
// (lists, $expand, items) serves from then on, and one audit event per change.

/** What a write request resolved to: its set, its write rules and where its objects live. */
export interface WriteTarget {
  target: SurfaceTarget;
  rules: WritableSet;
  type: PolicyTypeKey;
  collectionIndex: number;
}

/** Resolves a write's path; a Reply when Graph would refuse it before looking at the body. */
export function resolveWrite(call: GraphCall, tenant: EmulatorTenant): WriteTarget | Reply {
  const target = resolveSurface(call.version, call.segments);
  if (target === undefined) return notFound(call.segments);
  if ('status' in target) return target;
  const rules = writableSet(target.set.path);
  const holding = ownHolding(target.set);
  if (rules === undefined || holding === undefined) return methodNotAllowed(call.method, target.set.path);
  return permitted(target.set, tenant) ?? { target, rules, ...holding };
}

/** The stored node of an item of the write's set, if the tenant has it there. */
export function storedItem(write: WriteTarget, tenant: EmulatorTenant, id: string): EmulatorNode | undefined {
  const record = tenant.objects.find(write.type, id);
  if (record === undefined || record.collectionIndex !== write.collectionIndex) return undefined;
  return tenant.objects.node(write.type, record);
}

function builtInRefusal(
  rules: WritableSet,
  object: GraphJson,
  method: 'PATCH' | 'DELETE' | 'POST',
): Reply | undefined {
  const rule = rules.builtIn;
  if (rule === undefined || !rule.when.values.includes(object[rule.when.property])) return undefined;
  if (method !== 'POST' && rule.allow.includes(method)) return undefined;
  return badRequest(rule.message);
}

function nextIntegerId(write: WriteTarget, tenant: EmulatorTenant): string {
  const numbers = tenant.objects
    .all(write.type)
    .map((record) => Number(record.id))
    .filter(Number.isInteger);
  return String(Math.max(0, ...numbers) + 1);
}

/** Ids for deep-inserted elements: catalog settings are numbered, other elements get GUIDs. */
function withElementIds(name: string, elements: unknown): unknown {
  if (!Array.isArray(elements)) return elements;
  return elements.map((element: GraphJson, i) => {
    const nested = Object.fromEntries(
      Object.entries(element).map(([key, value]) => [
        key,
        Array.isArray(value) &&
        value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v)) &&
        key.endsWith('Configurations')
          ? withElementIds(key, value)
          : value,
      ]),
    );
    return { ...nested, id: element.id ?? (name === 'settings' ? String(i) : randomUUID()) };
  });
}

/** The navigations of the write's set and its casts (not of every set holding the type). */
function setNavigations(set: EntitySet): Record<string, NavigationRule> {
  const casts = Object.values(set.casts ?? {}).map((cast) => cast.navigations);
  return Object.assign({}, set.navigations, ...casts) as Record<string, NavigationRule>;
}

/** The node a created (or PUT) view becomes, with catalog settings able to expand their definitions. */
function nodeOf(write: WriteTarget, view: GraphJson, template: EmulatorNode = { object: {} }): EmulatorNode {
  const node = nodeFromView(view, template, setNavigations(write.target.set));
  const settings = node.lists?.settings;
  if (node.lists && Array.isArray(settings))
    node.lists.settings = settings.map((s) =>
      'settingInstance' in s.object ? catalogSettingNode(s.object) : s,
    );
  return node;
}

function deepInserted(write: WriteTarget, body: GraphJson): GraphJson {
  const out: GraphJson = {};
  for (const name of write.rules.deepInsert ?? [])
    if (name in body) out[name] = withElementIds(name, body[name]);
  return out;
}

function entityReply(status: number, call: GraphCall, write: WriteTarget, node: EmulatorNode): Reply {
  const context = `${call.url.origin}/${call.version}/$metadata#${write.target.set.path.slice(1)}/$entity`;
  return { status, body: { '@odata.context': context, ...node.object, ...(node.detail ?? {}) }, headers: {} };
}

function create(
  call: GraphCall,
  write: WriteTarget,
  body: GraphJson,
  ctx: WriteContext,
  tenant: EmulatorTenant,
): Reply {
  const { rules } = write;
  if (!rules.create) {
    return badRequest(INTENTS_RETIRED);
  }
  const invalid = validateCreate(body, ctx) ?? builtInRefusal(rules, body, 'POST');
  if (invalid) return invalid;
  const now = graphTimestamp(new Date());
  const id = rules.ids === 'integer' ? nextIntegerId(write, tenant) : randomUUID();
  const view: GraphJson = {
    ...(body['@odata.type'] === undefined ? {} : { '@odata.type': body['@odata.type'] }),
    id,
    ...(rules.defaults ?? {}),
    ...body,
    ...deepInserted(write, body),
    ...(rules.timestamps === 'intuneModifiedOnly' ? {} : { createdDateTime: now }),
    [rules.timestamps === 'entra' ? 'modifiedDateTime' : 'lastModifiedDateTime']: now,
    ...(rules.versioned ? { version: 1 } : {}),
    ...(rules.countsSettings
      ? { settingCount: Array.isArray(body.settings) ? body.settings.length : 0 }
      : {}),
    ...(rules.templateReference
      ? { templateReference: filledTemplateReference(body.templateReference) }
      : {}),
  };
  const node = deriveInto(write.type, nodeOf(write, view));
  const delay = tenant.faults.createVisibilityDelayMs;
  tenant.objects.create(write.type, write.collectionIndex, node, delay ? Date.now() + delay : undefined);
  auditing(tenant, tenant.clientId)(write.type, id, 'Create');
  return entityReply(201, call, write, node);
}

/** A write to one stored item: what it was, what the request says. */
interface ItemWrite {
  write: WriteTarget;
  before: EmulatorNode;
  body: GraphJson;
  ctx: WriteContext;
  tenant: EmulatorTenant;
  id: string;
}

/** Stores the new state as Graph does on any write (modification time, version) and logs it. */
function storeEdit(item: ItemWrite, node: EmulatorNode): Reply {
  markModified(node.object, item.before.object);
  deriveInto(item.write.type, node);
  item.tenant.objects.replace(item.write.type, item.id, node);
  auditing(item.tenant, item.tenant.clientId)(item.write.type, item.id, 'Patch');
  return { status: 204, body: undefined };
}

function patch(item: ItemWrite): Reply {
  const { write, before, body } = item;
  const invalid =
    builtInRefusal(write.rules, before.object, 'PATCH') ?? validatePatch(body, item.ctx, before.object);
  if (invalid) return invalid;
  return storeEdit(
    item,
    nodeFromView({ ...viewOf(before), ...body }, before, setNavigations(write.target.set)),
  );
}

/** PUT: the body replaces the object and its deep-inserted lists; server fields and other lists stay. */
function put(item: ItemWrite): Reply {
  const { write, before, body } = item;
  const invalid =
    builtInRefusal(write.rules, before.object, 'PATCH') ?? validateCreate(body, item.ctx, before.object);
  if (invalid) return invalid;
  const kept: GraphJson = {};
  for (const key of ['@odata.type', ...COMMON_READ_ONLY, ...(write.rules.readOnly ?? [])]) {
    if (key in before.object) kept[key] = before.object[key];
  }
  const lists: GraphJson = {};
  for (const name of Object.keys(before.lists ?? {})) lists[name] = listOf(before, name).map(viewOf);
  const view: GraphJson = {
    ...(write.rules.defaults ?? {}),
    ...lists,
    ...body,
    ...deepInserted(write, body),
    ...kept,
  };
  if (write.rules.countsSettings) view.settingCount = Array.isArray(view.settings) ? view.settings.length : 0;
  // A policy keeps the template it was made from; a PUT naming it gets the same filled reference.
  if (write.rules.templateReference)
    view.templateReference =
      body.templateReference === undefined
        ? before.object.templateReference
        : filledTemplateReference(body.templateReference);
  return storeEdit(item, nodeOf(write, view, before));
}

function remove(write: WriteTarget, before: EmulatorNode, tenant: EmulatorTenant, id: string): Reply {
  const refused = builtInRefusal(write.rules, before.object, 'DELETE');
  if (refused) return refused;
  auditing(tenant, tenant.clientId)(write.type, id, 'Delete');
  tenant.objects.remove(write.type, new Set([id]));
  return { status: 204, body: undefined };
}

/** One write on an entity set or one of its items (actions and sub-resources: ./actions.ts). */
export function serveEntityWrite(call: GraphCall, write: WriteTarget, ctx: ServeContext): Reply {
  const { tenant } = ctx;
  const { target } = write;
  if (target.steps.length > 0 || target.call !== undefined)
    return methodNotAllowed(call.method, call.url.pathname);
  const context: WriteContext = {
    rules: write.rules,
    graphType: target.set.graphType,
    navigations: setNavigations(target.set),
    refs: referenceCheck(tenant),
  };
  if (target.itemId === undefined) {
    if (call.method !== 'POST') return methodNotAllowed(call.method, target.set.path);
    const parsed = parseBody(call.body);
    return 'reply' in parsed ? parsed.reply : create(call, write, parsed.json, context, tenant);
  }
  const id = target.itemId;
  const before = storedItem(write, tenant, id);
  if (before === undefined) return missing(id);
  if (call.method === 'DELETE') return remove(write, before, tenant, id);
  const parsed = parseBody(call.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.json;
  const item = { write, before, body, ctx: context, tenant, id };
  if (call.method === 'PATCH') return patch(item);
  if (call.method === 'PUT' && write.rules.put) return put(item);
  return methodNotAllowed(call.method, target.set.path);
}

/** Any non-GET Graph request that is not a read action (getByIds). */
export function serveWrite(call: GraphCall, ctx: ServeContext): Reply {
  const [root, collection, , action] = call.segments;
  if (
    root === 'deviceManagement' &&
    collection === 'templates' &&
    action !== undefined &&
    same(unqualified(action), 'createInstance')
  )
    return badRequest(INTENTS_RETIRED);
  const found = writableSetOf(call.segments, call.version);
  if (
    found?.rules.path === '/deviceManagement/roleAssignments' &&
    found.rest.length === 0 &&
    call.method === 'POST'
  ) {
    const parsed = parseBody(call.body);
    return (
      permitted(found.set, ctx.tenant) ??
      ('reply' in parsed ? parsed.reply : createRoleAssignment(ctx.tenant, parsed.json))
    );
  }
  const route = itemRoute(call);
  if (route !== undefined) return serveItemRoute(call, route, ctx.tenant);
  const write = resolveWrite(call, ctx.tenant);
  return 'status' in write ? write : serveEntityWrite(call, write, ctx);
}

/**
 * The templateReference Graph answers for a settings catalog policy it created: a create names at
 * most the templateId, and Graph fills in the family and names from the template, or
 * `templateFamily: none` for a policy made without one (every policy carries the property).
 */
function filledTemplateReference(given: unknown): GraphJson {
  const templateId =
    typeof (given as GraphJson | null)?.templateId === 'string'
      ? String((given as GraphJson).templateId)
      : '';
  const template = CONFIGURATION_POLICY_TEMPLATES.find(
    (t) => configurationPolicyTemplateId(t) === templateId,
  );
  return {
    templateId,
    templateFamily: template?.family ?? 'none',
    templateDisplayName: template?.name ?? null,
    templateDisplayVersion: template?.version ?? null,
  };
}
