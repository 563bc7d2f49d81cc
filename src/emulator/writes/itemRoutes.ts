import type { GraphCall } from '../graphApi';
import type { EntitySet } from '../graphSurface';
import type { Reply } from '../httpUtil';
import type { EmulatorTenant } from '../tenantStore';
import { createElement, patchElement, serveAction } from './actions';
import type { ActionRule, SubResourceRule, WritableSet } from './surface';
import * as common from './writeCommon';

// Actions and sub-resources below an item (`<item>/assign`, `<item>/localizedNotificationMessages`),
// routed by the write table before the read surface, which has no such segments.

/** An action or sub-resource below an item of a writable set, as ./surface.ts lists them. */
interface ItemRoute {
  set: EntitySet;
  rules: WritableSet;
  itemId: string;
  action?: ActionRule;
  subResource?: { name: string; rule: SubResourceRule; elementId?: string };
}

export function itemRoute(call: GraphCall): ItemRoute | undefined {
  const found = common.writableSetOf(call.segments, call.version);
  if (found === undefined) return undefined;
  const { set, rules } = found;
  const [itemId, ...tail] = found.rest;
  // `.../microsoft.graph.managedDeviceMobileAppConfiguration/assign`: OData takes a cast to the
  // set's own type or one derived from it; a cast to an unrelated type is no route of the item.
  if (tail.length === 2 && /^microsoft\.graph\./i.test(tail[0] ?? '')) {
    if (!castFits(set, rules, tail[0] as string)) return undefined;
    tail.shift();
  }
  if (itemId === undefined || tail[0] === undefined) return undefined;
  const action = Object.entries(rules.actions ?? {}).find(([name]) =>
    common.same(name, common.unqualified(tail[0] as string)),
  );
  if (action && tail.length === 1) return { set, rules, itemId, action: action[1] };
  const sub = Object.entries(rules.subResources ?? {}).find(([name]) => common.same(name, tail[0] as string));
  if (sub === undefined || tail.length > 2) return undefined;
  return {
    set,
    rules,
    itemId,
    subResource: { name: sub[0], rule: sub[1], ...(tail[1] ? { elementId: tail[1] } : {}) },
  };
}

function castFits(set: EntitySet, rules: WritableSet, cast: string): boolean {
  const types = [set.graphType, ...(rules.polymorphic?.types ?? []), ...(rules.derivedTypes ?? [])];
  return types.some((type) => common.same(type.replace(/^#/, ''), cast));
}

export function serveItemRoute(call: GraphCall, route: ItemRoute, tenant: EmulatorTenant): Reply {
  const holding = common.ownHolding(route.set);
  if (holding === undefined) return common.methodNotAllowed(call.method, call.url.pathname);
  const sub = route.subResource;
  const allowed = route.action
    ? call.method === 'POST'
    : sub?.elementId === undefined
      ? call.method === 'POST'
      : call.method === 'PATCH' && sub.rule.patch;
  if (!allowed) return common.methodNotAllowed(call.method, call.url.pathname);
  const refused = common.permitted(route.set, tenant);
  if (refused) return refused;
  const record = tenant.objects.find(holding.type, route.itemId);
  if (record === undefined || record.collectionIndex !== holding.collectionIndex)
    return common.missing(route.itemId);
  const parsed = common.parseBody(call.body);
  if ('reply' in parsed) return parsed.reply;
  const change = {
    tenant,
    type: holding.type,
    id: route.itemId,
    before: tenant.objects.node(holding.type, record),
    body: parsed.json,
    refs: common.referenceCheck(tenant),
  };
  if (route.action) return serveAction(change, route.action);
  if (sub === undefined) return common.methodNotAllowed(call.method, call.url.pathname);
  if (sub.elementId === undefined) return createElement(change, sub.name, sub.rule);
  return patchElement(change, sub.name, sub.elementId) ?? common.missing(sub.elementId);
}
