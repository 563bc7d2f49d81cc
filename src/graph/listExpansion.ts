import { expandedNavigations } from './expandQuery';
import type { GraphObject } from './graphHttp';
import type { PolicyCollection, PolicyTypeKey } from './policyTypes';

// List-level `$expand` (PolicyCollection.listExpand): the navigations Graph inlines on a listing,
// instead of one request per item. What Graph refuses (400 on the listing) is remembered per
// tenant, type and collection, so later fetches list without it until the re-probe.

/** How long a refused list expansion stays off before it is tried again. */
export const LIST_EXPANSION_REPROBE_MS = 24 * 60 * 60 * 1000;

/**
 * The collection's own query with its list expansions merged into one `$expand` option
 * (`a($expand=b)` + assignments -> `$expand=a($expand=b),assignments`).
 */
export function listingQuery(collection: PolicyCollection, withExpansions: boolean): string | undefined {
  const added = withExpansions ? (collection.listExpand?.properties ?? []) : [];
  if (added.length === 0) return collection.query;
  const options = collection.query ? collection.query.split('&') : [];
  const at = options.findIndex((option) => option.startsWith('$expand='));
  if (at === -1) return [...options, `$expand=${added.join(',')}`].join('&');
  const own = expandedNavigations(collection.query);
  const merged = [options[at]?.slice('$expand='.length), ...added.filter((name) => !own.has(name))];
  options[at] = `$expand=${merged.join(',')}`;
  return options.join('&');
}

/**
 * The listed properties the item holds complete: an array (its inline pages already followed)
 * with no `<property>@odata.count` above its length, and, when empty, of a property this listing
 * has shown filled (`filled`). Graph has accepted a list `$expand` and answered every item with
 * an empty list (scope tags' assignments, IntuneManagement): an empty list is only believed once
 * the same listing proved that it fills the property. Anything else is fetched per item.
 */
export function completeInlineLists(
  item: GraphObject,
  properties: readonly string[],
  filled: ReadonlySet<string>,
): Set<string> {
  const complete = new Set<string>();
  for (const property of properties) {
    const value = item[property];
    if (!Array.isArray(value) || (value.length === 0 && !filled.has(property))) continue;
    const count = item[`${property}@odata.count`];
    if (count !== undefined && (typeof count !== 'number' || count > value.length)) continue;
    if (item[`${property}@odata.nextLink`] !== undefined) continue;
    complete.add(property);
  }
  return complete;
}

/** Adds to `filled` each listed property that some item of the page holds elements of. */
export function noteFilledLists(
  page: readonly GraphObject[],
  properties: readonly string[],
  filled: Set<string>,
): void {
  for (const property of properties)
    if (page.some((item) => Array.isArray(item[property]) && item[property].length > 0)) filled.add(property);
}

/**
 * Refused list expansions, process-wide (owned by GraphClientFactory like the request budgets):
 * a tenant whose Graph answers 400 pays it once per re-probe period, not on every fetch.
 */
export class ListExpansionFallbacks {
  private readonly refusedAt = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly reprobeMs = LIST_EXPANSION_REPROBE_MS,
  ) {}

  refused(tenantKey: string, type: PolicyTypeKey, collectionPath: string): boolean {
    const key = keyOf(tenantKey, type, collectionPath);
    const at = this.refusedAt.get(key);
    if (at === undefined) return false;
    if (this.now() - at < this.reprobeMs) return true;
    this.refusedAt.delete(key);
    return false;
  }

  remember(tenantKey: string, type: PolicyTypeKey, collectionPath: string): void {
    this.refusedAt.set(keyOf(tenantKey, type, collectionPath), this.now());
  }

  forget(tenantKey: string): void {
    for (const key of this.refusedAt.keys()) if (key.startsWith(`${tenantKey}\n`)) this.refusedAt.delete(key);
  }
}

function keyOf(tenantKey: string, type: PolicyTypeKey, collectionPath: string): string {
  return `${tenantKey}\n${type}\n${collectionPath}`;
}

/** What a GraphClient needs to list with expansions: the switch, and its tenant's memory. */
export interface ListExpansionSetting {
  enabled: boolean;
  tenantKey: string;
  fallbacks: ListExpansionFallbacks;
  /** Told once per refused collection (no secrets: type and path only). */
  warn: (message: string, fields: Record<string, string>) => void;
}
