import { mapWithConcurrency } from './concurrency';
import { EncryptedSettingReader, type EncryptedSettingValues } from './encryptedSettingReader';
import { ENCRYPTED_SETTINGS } from './encryptedSettings';
import { GraphProtocolError, GraphRequestError, type GraphRequestScope } from './errors';
import { type ExpandedNavigations, expandedNavigations } from './expandQuery';
import { type GraphHttp, type GraphObject, isGraphObject } from './graphHttp';
import {
  type ListExpansion,
  POLICY_TYPES,
  type PolicyCollection,
  type PolicyExpansion,
  type PolicyTypeDefinition,
  type PolicyTypeKey,
  type ReferenceExpansion,
} from './policyTypes';
import { escapeStoredText } from './storedText';
import { GraphWriter } from './graphWriter';
import {
  completeInlineLists,
  type ListExpansionSetting,
  listingQuery,
  noteFilledLists,
} from './listExpansion';
import { GRAPH_TENANT_BUDGET } from './requestBudget';

export type { GraphObject } from './graphHttp';

export interface FetchedPolicy {
  /** The id and the display name as stored: in the escape of ./storedText.ts. */
  graphId: string;
  displayName: string;
  lastModified: Date | null;
  /** The Graph object with each list expansion attached as a property holding the complete list. */
  payload: GraphObject;
  /**
   * Values Intune stores encrypted (./encryptedSettings.ts), which the payload holds only as
   * Graph's placeholder; absent when the item has none. Plain text: never log or store it.
   */
  encryptedSettings?: EncryptedSettingValues;
  /**
   * Microsoft's catalog definitions that came with the payload's lists (ListExpansion.definitions:
   * the settings catalog's setting definitions), in the order Graph sent them, repeats included;
   * never part of the payload. Absent when the item has none.
   */
  settingDefinitions?: GraphObject[];
}

export interface FetchOptions {
  signal?: AbortSignal;
}

export interface FetchByIdOptions extends FetchOptions {
  /** The object's `@odata.type` as last stored: its collection is tried first (see collectionsFor). */
  odataType?: string;
}

/** A live object as a listing names it: enough to match a backed-up object by name. */
export interface ListedPolicyName {
  id: string;
  /** As Graph sends it (not in the stored-text escape). */
  name: string;
  odataType: string | null;
}

/** The Graph latency the item lanes are sized for: Intune reads from a nearby region. */
const GRAPH_LATENCY_MS = 100;
/**
 * Lanes over the in-flight requests that Graph's budget rate x latency needs (Little's law: 5):
 * an item's requests run one after another, a page waits for its slowest item, and the next
 * page is listed only then. With 8 lanes, bench:budget used 0.90 of the budget at 100 ms.
 */
const LANES_PER_BUDGET_REQUEST_IN_FLIGHT = 3;

/** Items of one page completed in parallel: enough to keep a tenant at its request budget. */
export const ITEM_CONCURRENCY = Math.ceil(
  (GRAPH_TENANT_BUDGET.limit / GRAPH_TENANT_BUDGET.windowMs) *
    GRAPH_LATENCY_MS *
    LANES_PER_BUDGET_REQUEST_IN_FLIGHT,
);

/**
 * Abort listeners a fetch's signal holds at most: one per request in flight, an item lane's and
 * the page listing's, plus one spare. Past it Node's warning means a leak (the sync sets it as
 * the listing signal's limit; test/integration/abortListeners.test.ts holds the fetch to it).
 */
export const LISTING_SIGNAL_LISTENERS = ITEM_CONCURRENCY + 2;

/**
 * Lanes for items whose lists carry catalog definitions (ListExpansion.definitions: settings
 * catalog and settings-based compliance). Each holds its settings and their definitions, up to
 * MBs, and costs one request (`$top=1000`), not a chain: 8 lanes keep 80 requests/s in flight at
 * 100 ms, above the budget's 50, where 15 raised bench:sync's peak RSS over its 400 MB.
 */
export const LARGE_ITEM_CONCURRENCY = 8;

/** How many of the type's items are completed at once (see the two constants above). */
export function itemConcurrencyOf(definition: PolicyTypeDefinition, collection: PolicyCollection): number {
  const expansions = collection.expansions ?? definition.expansions;
  const large = expansions.some(
    (expansion) => expansion.kind === 'list' && expansion.definitions !== undefined,
  );
  return large ? LARGE_ITEM_CONCURRENCY : ITEM_CONCURRENCY;
}

/** Read-only Graph access for one tenant. Cheap to create; the factory owns the shared state. */
export class GraphClient {
  private readonly origin: string;

  constructor(
    private readonly http: GraphHttp,
    private readonly graphBaseUrl: string,
    /** List-level `$expand` (./listExpansion.ts); off without it (a client built by hand). */
    private readonly listExpansion?: ListExpansionSetting,
  ) {
    this.origin = new URL(graphBaseUrl).origin;
  }

  /**
   * Yields the type's objects one Graph page at a time, each complete with its expansions, so a
   * caller can persist page by page with bounded memory. Any request that still fails after its
   * retries ends the iteration with that error: a type is either complete or failed.
   */
  fetchPolicyPages(type: PolicyTypeKey, opts: FetchOptions = {}): AsyncGenerator<FetchedPolicy[]> {
    return this.fetchPolicyRecords(type, (policy) => policy, opts);
  }

  /**
   * Like fetchPolicyPages, but each policy is turned into `toRecord(policy)` as soon as it is
   * complete. A settings-catalog page can parse into hundreds of MB of objects; converting item
   * by item (e.g. to canonical JSON) keeps only the small records of a page alive.
   */
  /** Lists the collection per item for a while (ListExpansionFallbacks), once per fetch. */
  private readonly fallBack = (type: PolicyTypeKey, collection: PolicyCollection, why: string) => {
    const setting = this.listExpansion;
    if (setting === undefined || setting.fallbacks.refused(setting.tenantKey, type, collection.path)) return;
    setting.fallbacks.remember(setting.tenantKey, type, collection.path);
    setting.warn(`list-level $expand given up: ${why}; listing per item`, {
      policyType: type,
      collection: collection.path,
    });
  };

  async *fetchPolicyRecords<T>(
    type: PolicyTypeKey,
    toRecord: (policy: FetchedPolicy) => T,
    opts: FetchOptions = {},
  ): AsyncGenerator<T[]> {
    const definition = POLICY_TYPES[type];
    const rule = ENCRYPTED_SETTINGS[type];
    // One per fetch of the type: whether the tenant grants the plain texts is found out anew.
    const reader = rule ? new EncryptedSettingReader(this.http, rule) : undefined;
    for (const collection of definition.collections) {
      const setting = this.listExpansion;
      const expand =
        collection.listExpand !== undefined &&
        setting?.enabled === true &&
        !setting.fallbacks.refused(setting.tenantKey, type, collection.path);
      const listing: Listing = { read: false, fallBack: (why) => this.fallBack(type, collection, why) };
      try {
        yield* this.collectionRecords(definition, collection, expand, reader, toRecord, listing, opts);
      } catch (error) {
        const answered = error instanceof GraphRequestError && (error.status === 400 || error.status === 500);
        if (!expand || !answered) throw error;
        // A refusal shows on the first page: listed again without it. Later, items were already
        // handed on: the error stands, and the next fetch lists per item.
        listing.fallBack(
          listing.read ? `Graph answered ${error.status} on a later page` : 'Graph refused it',
        );
        if (listing.read) throw error;
        yield* this.collectionRecords(definition, collection, false, reader, toRecord, listing, opts);
      }
    }
  }

  private async *collectionRecords<T>(
    definition: PolicyTypeDefinition,
    collection: PolicyCollection,
    expand: boolean,
    reader: EncryptedSettingReader | undefined,
    toRecord: (policy: FetchedPolicy) => T,
    listing: Listing,
    opts: FetchOptions,
  ): AsyncGenerator<T[]> {
    const query = listingQuery(collection, expand);
    const first = this.url(definition.graphVersion, `${collection.path}${query ? `?${query}` : ''}`);
    const listed = expand ? (collection.listExpand?.properties ?? []) : [];
    // The listed properties this listing has shown with elements (see completeInlineLists).
    const filled = new Set<string>();
    const inlined = { listed, filled, emptied: () => listing.fallBack('Graph emptied an inline list') };
    const lanes = itemConcurrencyOf(definition, collection);
    for await (const items of this.collectionPages(first, 'collection', opts.signal)) {
      listing.read = true;
      if (items.length === 0) continue;
      noteFilledLists(items, listed, filled);
      yield await mapWithConcurrency(items, lanes, async (item) =>
        toRecord(await this.completeItem(definition, collection, item, reader, opts.signal, query, inlined)),
      );
    }
  }

  /**
   * One object completed exactly as a backup fetch completes it (same expansions, encrypted
   * values, payload and so canonical hash); null when no collection of the type has it (Graph's
   * 404). A restore plan reads the live side of each backed-up object with it.
   */
  async fetchPolicyById(
    type: PolicyTypeKey,
    graphId: string,
    opts: FetchByIdOptions = {},
  ): Promise<FetchedPolicy | null> {
    const definition = POLICY_TYPES[type];
    const rule = ENCRYPTED_SETTINGS[type];
    const reader = rule ? new EncryptedSettingReader(this.http, rule) : undefined;
    for (const collection of collectionsFor(definition, opts.odataType)) {
      const query = collection.query ? `?${collection.query}` : '';
      const path = `${collection.path}/${encodeURIComponent(graphId)}${query}`;
      let item: GraphObject;
      try {
        item = await this.http.getJson(this.url(definition.graphVersion, path), 'item', opts.signal);
      } catch (error) {
        if (error instanceof GraphRequestError && error.status === 404) continue;
        throw error;
      }
      return this.completeItem(definition, collection, item, reader, opts.signal);
    }
    return null;
  }

  /**
   * Every object of the type across its collections, fully paged: a page left unread would make
   * an existing object look deleted and a restore create it twice. Listing only, no expansions.
   */
  async listPolicyNames(type: PolicyTypeKey, opts: FetchOptions = {}): Promise<ListedPolicyName[]> {
    const definition = POLICY_TYPES[type];
    const names: ListedPolicyName[] = [];
    for (const collection of definition.collections) {
      const first = this.url(definition.graphVersion, collection.path);
      for await (const items of this.collectionPages(first, 'collection', opts.signal)) {
        for (const item of items) {
          const id = requireId(item, `${definition.key} item`, collection.path);
          const odataType = item['@odata.type'];
          names.push({
            id,
            name: nameOf(definition, item) ?? id,
            odataType: typeof odataType === 'string' ? odataType : null,
          });
        }
      }
    }
    return names;
  }

  /** The application permissions the tenant's token carries; null when it is not a JWT. */
  tokenRoles(): Promise<string[] | null> {
    return this.http.tokenRoles();
  }

  /** Every page of a collection, following `@odata.nextLink` until Graph stops sending one. */
  async *collectionPages(
    firstUrl: string,
    firstScope: GraphRequestScope,
    signal?: AbortSignal,
  ): AsyncGenerator<GraphObject[]> {
    let url: string | undefined = firstUrl;
    let scope = firstScope;
    const seen = new Set<string>();
    while (url !== undefined) {
      seen.add(url);
      const body = await this.http.getJson(url, scope, signal);
      const value = body.value;
      if (!Array.isArray(value) || !value.every(isGraphObject)) {
        throw new GraphProtocolError('Collection response has no "value" array of objects', pathOf(url));
      }
      yield value;
      url = this.nextLink(body, url);
      scope = firstScope === 'collection' ? 'nextPage' : firstScope;
      if (url !== undefined && seen.has(url)) {
        throw new GraphProtocolError('Graph returned a paging loop (@odata.nextLink repeats)', pathOf(url));
      }
    }
  }

  /** One object by its URL (e.g. a configurationPolicyTemplate); null when Graph answers 404. */
  async getObject(url: string, signal?: AbortSignal): Promise<GraphObject | null> {
    try {
      return await this.http.getJson(url, 'item', signal);
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404) return null;
      throw error;
    }
  }

  /** All items of a per-item list. Only for lists that are small per item. */
  async collectAll(url: string, signal?: AbortSignal): Promise<GraphObject[]> {
    const all: GraphObject[] = [];
    for await (const page of this.collectionPages(url, 'item', signal)) all.push(...page);
    return all;
  }

  /**
   * The directory objects with these ids (at most 1,000) of these types, as
   * `POST /directoryObjects/getByIds` returns them (Learn directoryobject-getbyids); ids of no
   * object are simply absent.
   */
  async directoryObjectsByIds(ids: string[], types: string[], signal?: AbortSignal): Promise<GraphObject[]> {
    const body = await this.http.postJson(
      this.url('beta', '/directoryObjects/getByIds'),
      { ids, types },
      'collection',
      signal,
    );
    const value = body.value;
    if (!Array.isArray(value) || !value.every(isGraphObject))
      throw new GraphProtocolError(
        'getByIds response has no "value" array of objects',
        '/directoryObjects/getByIds',
      );
    return value;
  }

  /** Writes for the same tenant, over the same token and request budget (./graphWriter.ts). */
  writer(): GraphWriter {
    return new GraphWriter(this.http, this.graphBaseUrl);
  }

  /** Absolute URL for a Graph path ('/deviceManagement/...', optionally with a query). */
  url(version: 'v1.0' | 'beta', pathAndQuery: string): string {
    return `${this.graphBaseUrl}/${version}${pathAndQuery}`;
  }

  private async completeItem(
    definition: PolicyTypeDefinition,
    collection: PolicyCollection,
    item: GraphObject,
    reader: EncryptedSettingReader | undefined,
    signal?: AbortSignal,
    query = collection.query,
    inlined: InlinedLists = NOTHING_INLINED,
  ): Promise<FetchedPolicy> {
    const id = requireId(item, `${definition.key} item`, collection.path);
    const itemPath = `${collection.path}/${encodeURIComponent(id)}`;
    let payload = await this.withInlineLists({ ...item }, query, itemPath, signal);
    // Lists that came complete with the listing cost no request; the rest are read per item.
    const inline = completeInlineLists(payload, inlined.listed, inlined.filled);
    const definitions: GraphObject[] = [];
    for (const expansion of collection.expansions ?? definition.expansions) {
      if (expansion.kind === 'list' && inline.has(expansion.property)) continue;
      const listedEmpty = isEmptyList(payload, expansion, inlined.listed);
      payload = await this.expand(definition, itemPath, payload, expansion, definitions, signal);
      // Graph left out what it holds: this tenant's collection is listed per item from now on.
      if (listedEmpty && !isEmptyList(payload, expansion, inlined.listed)) inlined.emptied();
    }
    const encryptedSettings = await reader?.read(
      this.url(definition.graphVersion, itemPath),
      payload,
      signal,
    );
    // Stored in text columns beside the payload: escaped like its strings (./storedText.ts).
    return {
      graphId: escapeStoredText(id),
      displayName: escapeStoredText(nameOf(definition, payload) ?? id),
      lastModified: parseDate(payload.lastModifiedDateTime ?? payload.modifiedDateTime),
      payload,
      ...(encryptedSettings ? { encryptedSettings } : {}),
      ...(definitions.length > 0 ? { settingDefinitions: definitions } : {}),
    };
  }

  private async expand(
    definition: PolicyTypeDefinition,
    ownerPath: string,
    owner: GraphObject,
    expansion: PolicyExpansion,
    definitions: GraphObject[],
    signal?: AbortSignal,
  ): Promise<GraphObject> {
    if (expansion.kind === 'detail') {
      const query = expansion.query ? `?${expansion.query}` : '';
      const path = expansion.entitySet
        ? `${expansion.entitySet}/${encodeURIComponent(requireId(owner, 'listed object', ownerPath))}`
        : ownerPath;
      const detail = await this.http.getJson(this.url(definition.graphVersion, path + query), 'item', signal);
      return { ...owner, ...(await this.withInlineLists(detail, expansion.query, path, signal)) };
    }
    if (expansion.kind === 'reference')
      return this.references(definition, ownerPath, owner, expansion, signal);
    if (!appliesTo(expansion, owner)) return owner;
    const list = await this.list(definition, ownerPath, expansion, definitions, signal);
    return { ...owner, [expansion.property]: list };
  }

  private async list(
    definition: PolicyTypeDefinition,
    ownerPath: string,
    expansion: ListExpansion,
    definitions: GraphObject[],
    signal?: AbortSignal,
  ): Promise<GraphObject[]> {
    const query = expansion.query ? `?${expansion.query}` : '';
    const listPath = `${ownerPath}${expansion.path}`;
    const listed = await this.collectAll(this.url(definition.graphVersion, `${listPath}${query}`), signal);
    const elements: GraphObject[] = [];
    for (const listedElement of listed) {
      // Inline pages completed first: a paged definitions list is taken off whole.
      const element = await this.withInlineLists(listedElement, expansion.query, listPath, signal);
      if (expansion.definitions !== undefined) takeDefinitions(element, expansion.definitions, definitions);
      elements.push(projected(element, expansion.project));
    }
    if (!expansion.each?.length) return elements;
    const completed: GraphObject[] = [];
    for (const element of elements) {
      const elementPath = `${listPath}/${encodeURIComponent(requireId(element, expansion.property, listPath))}`;
      let full = element;
      for (const nested of expansion.each)
        full = await this.expand(definition, elementPath, full, nested, definitions, signal);
      completed.push(full);
    }
    return completed;
  }

  /** The owner with each of its type's links as references (see ReferenceExpansion). */
  private async references(
    definition: PolicyTypeDefinition,
    ownerPath: string,
    owner: GraphObject,
    expansion: ReferenceExpansion,
    signal?: AbortSignal,
  ): Promise<GraphObject> {
    const odataType = String(owner['@odata.type'] ?? '');
    const navigations = expansion.byODataType[odataType];
    if (navigations === undefined) return owner;
    const result = { ...owner };
    for (const { name, single } of navigations) {
      const url = this.url(definition.graphVersion, `${ownerPath}/${odataType.slice(1)}/${name}`);
      if (single) {
        result[name] = await this.singleReference(url, signal);
      } else {
        // Sorted: Graph keeps no order for links, and a reordered list is not a change.
        const targets = (await this.collectAll(url, signal)).map((target) => referenceTo(target, url));
        result[name] = targets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      }
    }
    return result;
  }

  /** The linked object as a reference; null when none is linked, which Graph answers with 404. */
  private async singleReference(url: string, signal?: AbortSignal): Promise<GraphObject | null> {
    try {
      return referenceTo(await this.http.getJson(url, 'item', signal), url);
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * The object with every inline `$expand`ed list complete. Graph may page an expansion inline
   * (`<property>@odata.nextLink`); the canonical payload drops that annotation with the other
   * `@odata.*` keys, so an unfollowed link would store a truncated list without a trace.
   */
  private async withInlineLists(
    object: GraphObject,
    query: string | undefined,
    where: string,
    signal?: AbortSignal,
  ): Promise<GraphObject> {
    // Only expanded navigation properties are annotated: an answer to a request without
    // `$expand` has none, and walking a large settings tree for nothing costs (bench:sync).
    const expanded = expandedNavigations(query);
    return expanded.size > 0 ? this.completeInlineLists(object, expanded, where, signal) : object;
  }

  private async completeInlineLists(
    object: GraphObject,
    expanded: ExpandedNavigations,
    where: string,
    signal?: AbortSignal,
  ): Promise<GraphObject> {
    // Complete this object's lists first, then walk into them: elements of a later page may
    // carry next links of their own.
    for (const key of Object.keys(object)) {
      if (!key.endsWith(INLINE_NEXT_LINK)) continue;
      const property = key.slice(0, -INLINE_NEXT_LINK.length);
      const first = object[property];
      const link = object[key];
      if (!Array.isArray(first) || typeof link !== 'string')
        throw new GraphProtocolError(`${key} has no list or no link beside it`, where);
      const rest = await this.collectAll(this.sameOrigin(link, this.graphBaseUrl), signal);
      object[property] = [...first, ...rest];
      delete object[key];
    }
    // Then only into what was expanded, each with its own nested `$expand` (./expandQuery.ts):
    // elements of an expansion without a nested one hold no annotated lists.
    for (const [name, nestedQuery] of expanded) {
      const nested = expandedNavigations(nestedQuery);
      const value = findProperty(object, name);
      const elements = Array.isArray(value) ? value : [value];
      for (const element of elements)
        if (isGraphObject(element)) await this.completeInlineLists(element, nested, where, signal);
    }
    return object;
  }

  private nextLink(body: GraphObject, current: string): string | undefined {
    const next = body['@odata.nextLink'];
    if (next === undefined || next === null) return undefined;
    if (typeof next !== 'string')
      throw new GraphProtocolError('@odata.nextLink is not a string', pathOf(current));
    return this.sameOrigin(next, current);
  }

  /** The link as an absolute URL; the bearer token goes wherever it points, so only to Graph. */
  private sameOrigin(link: string, current: string): string {
    const url = new URL(link, current);
    if (url.origin !== this.origin) {
      throw new GraphProtocolError('@odata.nextLink points outside the Graph endpoint', pathOf(current));
    }
    return url.toString();
  }
}

const INLINE_NEXT_LINK = '@odata.nextLink';

/** Where a collection is listed: whether a page arrived, and how it gives list expansion up. */
interface Listing {
  read: boolean;
  fallBack: (why: string) => void;
}

/** The list expansions a listing inlined (see completeInlineLists) and what an emptied one does. */
interface InlinedLists {
  listed: readonly string[];
  filled: ReadonlySet<string>;
  emptied: () => void;
}

const NOTHING_INLINED: InlinedLists = { listed: [], filled: new Set(), emptied: () => undefined };

/** Whether `expansion` is a listed list expansion and the payload holds it as an empty list. */
function isEmptyList(payload: GraphObject, expansion: PolicyExpansion, listed: readonly string[]): boolean {
  if (expansion.kind !== 'list' || !listed.includes(expansion.property)) return false;
  const value = payload[expansion.property];
  return Array.isArray(value) && value.length === 0;
}

/**
 * Moves the element's catalog definitions (ListExpansion.definitions) into `into`; an element
 * without them (Graph sends none for an unknown definition) contributes nothing.
 */
function takeDefinitions(element: GraphObject, property: string, into: GraphObject[]): void {
  const value = element[property];
  delete element[property];
  if (Array.isArray(value))
    for (const definition of value) if (isGraphObject(definition)) into.push(definition);
}

/** A property by name as Graph answers it: the declared spelling, which may differ in case. */
function findProperty(object: GraphObject, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

/** The element with the named properties cut down to the listed keys (see ListExpansion.project). */
function projected(element: GraphObject, project: ListExpansion['project']): GraphObject {
  if (project === undefined) return element;
  const out = { ...element };
  for (const [property, keys] of Object.entries(project)) {
    const value = out[property];
    if (!isGraphObject(value)) continue;
    out[property] = Object.fromEntries(keys.filter((key) => key in value).map((key) => [key, value[key]]));
  }
  return out;
}

/** What a backup keeps of a linked object: enough to re-link it, not a copy of it. */
function referenceTo(target: GraphObject, url: string): GraphObject & { id: string } {
  const id = requireId(target, 'linked object', pathOf(url));
  const reference: GraphObject & { id: string } = { id };
  for (const key of ['displayName', '@odata.type']) if (key in target) reference[key] = target[key];
  return reference;
}

function appliesTo(expansion: ListExpansion, owner: GraphObject): boolean {
  if (!expansion.forODataTypes) return true;
  return expansion.forODataTypes.includes(String(owner['@odata.type'] ?? ''));
}

function requireId(item: GraphObject, what: string, path: string): string {
  const id = item.id;
  if (typeof id !== 'string' || id === '') throw new GraphProtocolError(`A ${what} has no id`, path);
  return id;
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

function nameOf(definition: PolicyTypeDefinition, object: GraphObject): string | undefined {
  const own = definition.nameProperty === undefined ? undefined : object[definition.nameProperty];
  return firstString(own, object.displayName, object.name);
}

/**
 * The type's collections, the one whose entity name matches the object's `@odata.type` first
 * (app protection: `iosManagedAppProtections` holds `#microsoft.graph.iosManagedAppProtection`),
 * so an object usually costs one GET; the others follow, since a collection may hold derived types.
 */
function collectionsFor(definition: PolicyTypeDefinition, odataType: string | undefined): PolicyCollection[] {
  const all = [...definition.collections];
  if (odataType === undefined || all.length < 2) return all;
  const entity = odataType.replace(/^#microsoft\.graph\./, '').toLowerCase();
  const matches = (collection: PolicyCollection) =>
    collection.path.split('/').pop()?.toLowerCase() === `${entity}s`;
  return [...all.filter(matches), ...all.filter((collection) => !matches(collection))];
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function parseDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
