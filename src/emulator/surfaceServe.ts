import { servePlainText } from './encryptedValues';
import { type ExpandItem, parseExpand } from './expand';
import type { GraphCall, ServeContext } from './graphApi';
import { graphError } from './graphErrors';
import { includesType } from './faults';
import { type EntitySet, heldTypes, type NavigationRule } from './graphSurface';
import type { Reply } from './httpUtil';
import { pageReply, pageWindow, skipTokenFor } from './paging';
import {
  contextPath,
  expandRules,
  findKey,
  invalidCast,
  type NavStep,
  type SurfaceTarget,
} from './surfaceRoutes';
import { bindSelect, countOf, filterOf, selected } from './queryOptions';
import { isListed, listOf, type ObjectRecord } from './tenantObjects';
import type { EmulatorTenant } from './tenantStore';
import type { PolicyTypeKey } from '../graph/policyTypes';
import type { EmulatorNode, GraphJson } from './types';

// Serving a resolved Graph target from a tenant's objects: listings with paging, items with their
// details, navigation lists and their elements, `$expand` as the surface allows it.

/** The objects a target's set holds, in listing order (cheap records; nodes built per page). */
function setMembers(
  tenant: EmulatorTenant,
  set: EntitySet,
): { count: number; nodes: (from: number, to: number) => EmulatorNode[] } {
  const { objects } = tenant;
  const direct: [PolicyTypeKey, ObjectRecord][] = [];
  const elements: EmulatorNode[] = [];
  for (const holding of set.holds) {
    if ('pool' in holding) {
      for (let k = 0; k < objects.pools.count(holding.pool); k++)
        elements.push(objects.pools.node(holding.pool, k));
      continue;
    }
    if ('log' in holding) {
      elements.push(...objects.audit.list(holding.log));
      continue;
    }
    if ('elementsOf' in holding) {
      for (const record of objects.all(holding.type))
        elements.push(...listOf(objects.node(holding.type, record), holding.elementsOf));
      continue;
    }
    const records =
      holding.collectionIndex === undefined
        ? objects.all(holding.type)
        : objects.inCollection(holding.type, holding.collectionIndex);
    const now = Date.now();
    for (const record of records) if (isListed(record, now)) direct.push([holding.type, record]);
  }
  return {
    count: direct.length + elements.length,
    nodes: (from, to) => {
      const out: EmulatorNode[] = [];
      for (let i = from; i < to; i++) {
        const entry = direct[i];
        out.push(entry ? objects.node(entry[0], entry[1]) : (elements[i - direct.length] as EmulatorNode));
      }
      return out;
    },
  };
}

function findMember(tenant: EmulatorTenant, set: EntitySet, id: string): EmulatorNode | undefined {
  const { objects } = tenant;
  for (const holding of set.holds) {
    if ('pool' in holding) {
      const hit = objects.pools.find(id, [holding.pool]);
      if (hit) return hit;
      continue;
    }
    if ('log' in holding) {
      const hit = objects.audit.find(holding.log, id);
      if (hit) return hit;
      continue;
    }
    if ('elementsOf' in holding) {
      for (const record of objects.all(holding.type)) {
        const hit = listOf(objects.node(holding.type, record), holding.elementsOf).find(
          (e) => e.object.id === id,
        );
        if (hit) return hit;
      }
      continue;
    }
    const record = objects.find(holding.type, id);
    if (
      record &&
      (holding.collectionIndex === undefined || record.collectionIndex === holding.collectionIndex)
    )
      return objects.node(holding.type, record);
  }
  return undefined;
}

/** One `$expand`ed navigation, bound to the surface: its declared name, rule and nested ones. */
interface Expansion {
  name: string;
  rule: NavigationRule;
  /** The options in its parentheses, kept in the next links of its inline pages. */
  options: readonly [string, string][];
  nested: readonly Expansion[];
}

interface RenderOptions {
  expand: readonly Expansion[];
  listing: boolean;
  withDetail: boolean;
  /** Where the object is served, for the next links of inline expansions. */
  selfUrl?: string;
  inlinePageSize?: number;
  /** Every expanded list of a listing served empty (fault emptyListExpansionTypes). */
  emptyOnListing?: boolean;
  omit?: readonly string[];
  betaOnly?: readonly string[];
  drifting?: readonly string[];
  /** `$select`ed names (declared spelling) of the served objects; nested ones serve all. */
  select?: readonly string[];
  /** The objects are Microsoft's catalog (NavigationRule.catalog)... */
  catalog?: boolean;
  /** ...re-published this often (tenant fault `catalogRevision`). */
  catalogRevision?: number;
}

/** Bumped per rendered object, so two reads of a drifting property never agree. */
let reads = 0;

/** A value as Intune might report it on another read: counts move, times pass, lists change. */
function drifted(value: unknown, k: number): unknown {
  if (typeof value === 'number') return value + k;
  if (typeof value === 'boolean') return k % 2 === 0 ? value : !value;
  if (typeof value === 'string') return `${value}.${k}`;
  if (Array.isArray(value)) return k % 2 === 0 ? [...value, { driftedAt: k }] : value;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, drifted(v, k)]));
  return k;
}

function drift(value: GraphJson, keys: readonly string[] | undefined): GraphJson {
  if (!keys?.length) return value;
  reads += 1;
  for (const key of keys) if (key in value) value[key] = drifted(value[key], reads);
  return value;
}

function render(node: EmulatorNode, options: RenderOptions): GraphJson {
  const value: GraphJson = { ...node.object, ...(options.withDetail ? node.detail : {}) };
  for (const key of options.omit ?? []) delete value[key];
  for (const path of options.betaOnly ?? []) deletePath(value, path);
  drift(value, options.drifting);
  if (options.catalog && options.catalogRevision)
    value.version = `${value.version}.${options.catalogRevision}`;
  for (const { name, rule, options: nestedOptions, nested } of options.expand) {
    if (rule.single) {
      const inline = node.expandable?.[name];
      value[name] = inline ? drift({ ...(inline as GraphJson) }, rule.drifting) : null;
      continue;
    }
    if (options.listing && (rule.expandOnList === 'empty' || options.emptyOnListing)) {
      value[name] = [];
      continue;
    }
    const listUrl =
      options.selfUrl === undefined
        ? undefined
        : `${options.selfUrl.replace(/\/$/, '')}/${encodeURIComponent(String(node.object.id))}/${name}`;
    const all = listOf(node, name);
    const size = options.inlinePageSize;
    // Graph may page an inline expansion: the rest is behind `<name>@odata.nextLink`.
    const paged = size !== undefined && all.length > size && listUrl !== undefined;
    value[name] = (paged ? all.slice(0, size) : all).map((element) =>
      render(element, {
        expand: nested,
        listing: true,
        withDetail: false,
        selfUrl: listUrl,
        inlinePageSize: size,
        omit: rule.baseTypeOmits,
        drifting: rule.drifting,
        catalog: rule.catalog,
        catalogRevision: options.catalogRevision,
      }),
    );
    if (paged) value[`${name}@odata.nextLink`] = inlineNextLink(listUrl, nestedOptions, size);
  }
  if (options.select === undefined) return value;
  return selected(
    value,
    options.select,
    options.expand.map((e) => e.name),
  );
}

function deletePath(object: GraphJson, path: string): void {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return;
  if (rest.length === 0) {
    delete object[head];
    return;
  }
  const child = object[head];
  if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
    const copy = { ...(child as GraphJson) };
    deletePath(copy, rest.join('.'));
    object[head] = copy;
  }
}

/** The next link of an inline page: the list's own URL with the expansion's options, as Graph does. */
function inlineNextLink(listUrl: string, options: readonly [string, string][], offset: number): string {
  const kept = options
    .filter(([key]) => key !== '$top' && key !== '$skiptoken')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  return `${listUrl}?${[...kept, `$top=${offset}`, `$skiptoken=${skipTokenFor(offset)}`].join('&')}`;
}

/**
 * The parsed `$expand` bound to the navigations it may name (names matched case-insensitively,
 * answered with the declared name), or Graph's 400: an unknown or non-expandable name at any
 * depth, or nesting deeper than the set allows.
 */
function bindExpand(call: GraphCall, target: SurfaceTarget): Expansion[] | Reply {
  const parsed = parseExpand(call.url.searchParams.get('$expand'));
  if ('error' in parsed) return graphError(400, 'BadRequest', parsed.error);
  const { listing, rules } = expandRules(target);
  const last = target.steps.at(-1);
  const bound = bind(parsed, rules, listing, last?.rule.graphType ?? target.set.graphType);
  if ('status' in bound) return bound;
  const allowed = target.set.maxExpansionDepth ?? 1;
  if (depthOf(bound) > allowed) {
    return graphError(
      400,
      'BadRequest',
      `The request includes a $expand path which is too deep. The maximum depth allowed is ${allowed}.`,
    );
  }
  return bound;
}

function bind(
  items: readonly ExpandItem[],
  rules: Readonly<Record<string, NavigationRule>>,
  listing: boolean,
  graphType: string,
): Expansion[] | Reply {
  const bound: Expansion[] = [];
  for (const item of items) {
    const found = findKey(rules, item.name);
    if (found === undefined || !(listing ? found[1].expandOnList : found[1].expandOnItem)) {
      return graphError(
        400,
        'BadRequest',
        found === undefined
          ? `Could not find a property named '${item.name}' on type '${graphType}'.`
          : `The query specified in the URI is not valid. The property '${found[0]}' cannot be used in the $expand query option.`,
      );
    }
    const [name, rule] = found;
    // The elements of an inlined list are listed; a single entity is read as its owner is.
    const nested = bind(
      item.expand,
      rule.elements ?? {},
      listing || !rule.single,
      elementType(graphType, name, rule),
    );
    if ('status' in nested) return nested;
    bound.push({ name, rule, options: item.options, nested });
  }
  return bound;
}

/** Graph's type of a navigation's elements: declared, or the owner's type and the name, singular. */
export function elementType(ownerType: string, name: string, rule: NavigationRule): string {
  if (rule.graphType !== undefined) return rule.graphType;
  const singular = name.replace(/ies$/, 'y').replace(/s$/, '');
  return `${ownerType}${singular.charAt(0).toUpperCase()}${singular.slice(1)}`;
}

function depthOf(expansions: readonly Expansion[]): number {
  return expansions.reduce((deepest, e) => Math.max(deepest, 1 + depthOf(e.nested)), 0);
}

export function serveTarget(call: GraphCall, target: SurfaceTarget, ctx: ServeContext): Reply {
  const { tenant } = ctx;
  if (target.call !== undefined) {
    const item = findMember(tenant, target.set, target.itemId as string);
    if (item === undefined) return missing(target.itemId as string);
    return servePlainText(call, target.call, item, ctx.tenant);
  }
  const expand = bindExpand(call, target);
  if ('status' in expand) return expand;
  const refused = target.itemId === undefined ? expand[0] : undefined;
  const held = heldTypes(target.set.holds);
  const refusing = held.some((type) => includesType(tenant.faults.refuseListExpansionTypes, type));
  const emptying = held.some((type) => includesType(tenant.faults.emptyListExpansionTypes, type));
  if (refused !== undefined && refusing) {
    return graphError(
      400,
      'BadRequest',
      `The query specified in the URI is not valid. The property '${refused.name}' cannot be used in the $expand query option.`,
    );
  }
  const count = countOf(call.url);
  if (typeof count !== 'boolean') return count;
  const { listing, rules } = expandRules(target);
  const context = `${call.url.origin}/${call.version}/$metadata#${contextPath(target)}`;
  const pageSize = ctx.tenant.pageSize ?? ctx.defaultPageSize;
  const base = {
    expand,
    listing,
    withDetail: false,
    inlinePageSize: ctx.tenant.faults.inlineExpansionPageSize,
    emptyOnListing: emptying,
    catalogRevision: ctx.tenant.faults.catalogRevision,
    betaOnly: call.version === 'v1.0' ? target.set.betaOnlyProperties : undefined,
  };
  const selfUrl = `${call.url.origin}${call.url.pathname}`;
  // Graph names the selected properties in the context: `…#deviceManagement/x(displayName)`.
  const selectContext = (select: readonly string[] | undefined) =>
    select === undefined ? context : `${context}(${select.join(',')})`;
  // One object as the whole answer (an item, an element, a linked entity), `$select` bound to it.
  const entity = (node: EmulatorNode, type: string, options: Partial<RenderOptions>): Reply => {
    const select = bindSelect(call.url, () => [node], rules, type);
    if (select !== undefined && 'status' in select) return select;
    return {
      status: 200,
      body: {
        '@odata.context': `${selectContext(select)}/$entity`,
        ...render(node, { ...base, ...options, ...(select ? { select } : {}) }),
      },
    };
  };

  if (target.itemId === undefined) {
    const filter = filterOf(call.url, target.set.filters);
    if (filter !== undefined && 'status' in filter) return filter;
    const members = setMembers(tenant, target.set);
    const all = () => members.nodes(0, members.count);
    const select = bindSelect(call.url, all, rules, target.set.graphType);
    if (select !== undefined && 'status' in select) return select;
    // Filtering needs every member; without a filter only the page's nodes are built.
    const kept = filter === undefined ? undefined : all().filter((node) => filter(node.object));
    const request = { url: call.url, defaultPageSize: pageSize, context: selectContext(select), count };
    const window = pageWindow(request);
    if ('status' in window) return window;
    const nodes = (from: number, to: number) => kept?.slice(from, to) ?? members.nodes(from, to);
    return pageReply(request, window, kept?.length ?? members.count, (from, to) =>
      nodes(from, to).map((node) =>
        render(node, { ...base, selfUrl, drifting: target.set.drifting, ...(select ? { select } : {}) }),
      ),
    );
  }

  let owner = findMember(tenant, target.set, target.itemId);
  if (owner === undefined) return missing(target.itemId);
  const ownerUrl = selfUrl.slice(0, selfUrl.lastIndexOf('/'));
  if (target.steps.length === 0) {
    return entity(owner, target.set.graphType, {
      withDetail: true,
      selfUrl: ownerUrl,
      drifting: target.set.drifting,
    });
  }
  let ownerType = target.set.graphType;
  for (const step of target.steps) {
    const cast = step.cast ? target.set.casts?.[step.cast] : undefined;
    if (cast && !cast.appliesTo.includes(String(owner.object['@odata.type']))) {
      return invalidCast(step.cast as string, String(owner.object['@odata.type']).replace(/^#/, ''));
    }
    ownerType = step.rule.references ? target.set.graphType : elementType(ownerType, step.name, step.rule);
    const list = navigated(tenant, target.set, owner, step);
    if (step.elementId !== undefined || step.rule.single) {
      const element = step.rule.single ? list[0] : list.find((c) => c.object.id === step.elementId);
      // Graph's answer for a single-valued navigation that is not set, too.
      if (element === undefined) return missing(step.elementId ?? step.name);
      owner = element;
      continue;
    }
    const select = bindSelect(call.url, () => list, rules, ownerType);
    if (select !== undefined && 'status' in select) return select;
    const request = {
      url: call.url,
      defaultPageSize: Math.min(pageSize, step.rule.pageSize ?? pageSize),
      context: selectContext(select),
      count,
    };
    const window = pageWindow(request);
    if ('status' in window) return window;
    return pageReply(request, window, list.length, (from, to) =>
      list.slice(from, to).map((element) =>
        render(element, {
          ...base,
          omit: step.rule.baseTypeOmits,
          drifting: step.rule.drifting,
          catalog: step.rule.catalog,
          selfUrl,
          ...(select ? { select } : {}),
        }),
      ),
    );
  }
  const last = target.steps.at(-1) as NavStep;
  return entity(owner, ownerType, {
    // A linked object is served as its own entity set serves it.
    withDetail: last.rule.references === true,
    omit: last.rule.baseTypeOmits,
    drifting: last.rule.references ? target.set.drifting : last.rule.drifting,
    selfUrl: ownerUrl,
  });
}

/** The nodes a navigation step reaches: owned elements, an inlined entity, or linked members. */
function navigated(
  tenant: EmulatorTenant,
  set: EntitySet,
  owner: EmulatorNode,
  step: NavStep,
): EmulatorNode[] {
  if (step.rule.references) {
    const ids = owner.references?.[step.name] ?? [];
    const linked = (typeof ids === 'string' ? [ids] : ids).map((id) => findMember(tenant, set, id));
    return linked.filter((node): node is EmulatorNode => node !== undefined);
  }
  if (step.rule.single) {
    const inline = owner.expandable?.[step.name];
    return inline === undefined || inline === null ? [] : [{ object: inline as GraphJson }];
  }
  return listOf(owner, step.name);
}

function missing(id: string): Reply {
  return graphError(
    404,
    'ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
