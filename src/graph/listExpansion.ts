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
 * with no `<property>@odata.count` above its length. Anything else is fetched per item.
 */
export function completeInlineLists(item: GraphObject, properties: readonly string[]): Set<string> {
  const complete = new Set<string>();
  for (const property of properties) {
    const value = item[property];
    if (!Array.isArray(value)) continue;
    const count = item[`${property}@odata.count`];
    if (count !== undefined && (typeof count !== 'number' || count > value.length)) continue;
    if (item[`${property}@odata.nextLink`] !== undefined) continue;
    complete.add(property);
  }
  return complete;
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
