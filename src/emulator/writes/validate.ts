import { graphError } from '../graphErrors';
import type { NavigationRule } from '../graphSurface';
import type { Reply } from '../httpUtil';
import { USABLE_TEMPLATE_STATES } from '../pools/configurationPolicyTemplates';
import type { GraphJson } from '../types';
import { COMMON_READ_ONLY, type WritableSet } from './surface';

// Graph's validation of a write body, as pure functions over the write table (./surface.ts): the
// first refusal wins, in the order Graph's model binding meets them (type, then properties, then
// references). Messages are Graph's where the notes quote them.

/** The other objects of the tenant a body may point at. */
export interface ReferenceCheck {
  scopeTag(id: string): boolean;
  notificationTemplate(id: string): boolean;
  group(id: string): boolean;
  assignmentFilter(id: string): boolean;
  /** A settings catalog template's lifecycleState; undefined when no template has the id. */
  policyTemplateState(id: string): string | undefined;
}

export interface WriteContext {
  rules: WritableSet;
  /** Graph's type name of the set's items, e.g. 'microsoft.graph.deviceManagementConfigurationPolicy'. */
  graphType: string;
  navigations: Readonly<Record<string, NavigationRule>>;
  refs: ReferenceCheck;
}

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export const badRequest = (message: string): Reply => graphError(400, 'BadRequest', message);
const invalidModel = (message: string): Reply => graphError(400, 'ModelValidationFailure', message);

/** Instance annotations (`x@odata.context`, `@odata.etag`) are not properties; binds are. */
function isProperty(key: string): boolean {
  return !key.includes('@') || key.endsWith('@odata.bind');
}

const serverOwned = (rules: WritableSet): ReadonlySet<string> =>
  new Set([...COMMON_READ_ONLY, ...(rules.readOnly ?? [])]);

function checkType(body: GraphJson, ctx: WriteContext, existing?: GraphJson): Reply | undefined {
  const named = body['@odata.type'];
  if (named === undefined) {
    if (ctx.rules.polymorphic && existing === undefined)
      return badRequest('Cannot create an abstract class.');
    return undefined;
  }
  if (existing !== undefined) {
    if (named !== existing['@odata.type'] && named !== `#${ctx.graphType}`)
      return badRequest(`The type of an existing object cannot be changed to '${String(named)}'.`);
    return undefined;
  }
  const accepted = ctx.rules.polymorphic?.types ?? [`#${ctx.graphType}`, ...(ctx.rules.derivedTypes ?? [])];
  if (typeof named !== 'string' || !accepted.includes(named)) {
    return badRequest(
      `A type named '${String(named).replace(/^#/, '')}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
    );
  }
  return undefined;
}

/** How many block actions the compliance rules of a body hold. */
export function blockActions(rules: unknown): number {
  if (!Array.isArray(rules)) return 0;
  return rules
    .flatMap((rule: GraphJson) =>
      Array.isArray(rule.scheduledActionConfigurations) ? rule.scheduledActionConfigurations : [],
    )
    .filter((config: GraphJson) => config.actionType === 'block').length;
}

/** References the body makes to other objects that the tenant does not have. */
export function checkReferences(body: GraphJson, refs: ReferenceCheck): Reply | undefined {
  const tags = body.roleScopeTagIds;
  if (tags !== undefined) {
    if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))
      return invalidModel("Property 'roleScopeTagIds' must be an array of strings.");
    const unknown = tags.find((tag: string) => !refs.scopeTag(tag));
    if (unknown !== undefined) return badRequest(`Scope tag with id '${unknown}' was not found.`);
  }
  const rules = Array.isArray(body.scheduledActionsForRule) ? body.scheduledActionsForRule : [];
  for (const rule of rules as GraphJson[]) {
    const configs = Array.isArray(rule.scheduledActionConfigurations)
      ? rule.scheduledActionConfigurations
      : [];
    for (const config of configs as GraphJson[]) {
      const id = config.notificationTemplateId;
      if (typeof id === 'string' && id !== '' && id !== ZERO_GUID && !refs.notificationTemplate(id))
        return badRequest(`Notification message template with id '${id}' was not found.`);
    }
  }
  return undefined;
}

/**
 * A settings catalog body made from a template that is gone or no longer usable (retired,
 * deprecated, draft, invalid): Graph checks the whole body against the template on a create and on
 * a PUT, and refuses it (CIPP #4240 quotes the message; IntuneManagement #241, #209). An empty
 * templateId is a policy made without a template.
 */
export function checkTemplateReference(body: GraphJson, refs: ReferenceCheck): Reply | undefined {
  const reference = body.templateReference;
  if (reference === undefined || reference === null || typeof reference !== 'object') return undefined;
  const id = (reference as GraphJson).templateId;
  if (typeof id !== 'string' || id === '') return undefined;
  const state = refs.policyTemplateState(id);
  if (USABLE_TEMPLATE_STATES.some((usable) => usable === state)) return undefined;
  return badRequest(`Invalid Reference id found in Policy created from Template ${id}`);
}

/** A create (POST to the collection) or the new state of a PUT (`existing` set). */
export function validateCreate(body: GraphJson, ctx: WriteContext, existing?: GraphJson): Reply | undefined {
  const typeError = checkType(body, ctx, existing);
  if (typeError) return typeError;
  const owned = serverOwned(ctx.rules);
  for (const key of Object.keys(body).filter(isProperty)) {
    // A PUT may repeat what the server already holds (its own id), never change it.
    if (
      owned.has(key) &&
      (existing === undefined || JSON.stringify(existing[key]) !== JSON.stringify(body[key]))
    )
      return invalidModel(`The property '${key}' is read-only and cannot be set.`);
    if (key in ctx.navigations && !(ctx.rules.deepInsert ?? []).includes(key))
      return badRequest(
        `The navigation property '${key}' cannot be written inline on ${ctx.graphType}; write it through its own request.`,
      );
  }
  if (ctx.rules.oneBlockAction && blockActions(body.scheduledActionsForRule) !== 1)
    return badRequest('Compliance policy must have one and only one block scheduled action');
  if (existing !== undefined) {
    const changed = changedImmutable(body, existing, ctx.rules);
    if (changed) return changed;
  }
  if (ctx.rules.templateReference) {
    const refused = checkTemplateReference(body, ctx.refs);
    if (refused) return refused;
  }
  return checkReferences(body, ctx.refs);
}

function changedImmutable(body: GraphJson, existing: GraphJson, rules: WritableSet): Reply | undefined {
  const key = (rules.immutable ?? []).find(
    (name) => name in body && JSON.stringify(body[name]) !== JSON.stringify(existing[name]),
  );
  return key === undefined
    ? undefined
    : badRequest(`The property '${key}' cannot be changed once the object is created.`);
}

/** A PATCH: a merge of properties; navigations are never patched through the owner. */
export function validatePatch(body: GraphJson, ctx: WriteContext, existing: GraphJson): Reply | undefined {
  const typeError = checkType(body, ctx, existing);
  if (typeError) return typeError;
  const owned = serverOwned(ctx.rules);
  for (const key of Object.keys(body).filter(isProperty)) {
    if (key in ctx.navigations) {
      return badRequest(
        `Cannot apply PATCH to navigation property '${key}' on entity type '${ctx.graphType}'.`,
      );
    }
    if (owned.has(key) && JSON.stringify(existing[key]) !== JSON.stringify(body[key]))
      return invalidModel(`The property '${key}' is read-only and cannot be set.`);
  }
  return changedImmutable(body, existing, ctx.rules) ?? checkReferences(body, ctx.refs);
}
