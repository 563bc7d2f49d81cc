import { POLICY_TYPE_KEYS, POLICY_TYPES, type PolicyTypeKey } from '../graph/policyTypes';
import { TenantAuditLog } from './auditLog';
import { TenantPools } from './pools';
import { sealNode } from './encryptedValues';
import { shuffledNode } from './shuffle';
import { GENERATORS } from './generators';
import { catalogSettingNode } from './generators/catalogSettings';
import { graphTimestamp, Rng } from './prng';
import type { EmulatorNode, EmulatorPolicy, GraphJson } from './types';

// A tenant's objects as small records; generated payloads are rebuilt on demand from
// (tenant, type, index, revision), so a 10,000-object tenant costs a few MB, not gigabytes.

interface GeneratedRecord {
  kind: 'generated';
  id: string;
  index: number;
  revision: number;
  collectionIndex: number;
  /** Set by `modify`; until then the timestamps are derived from the index when built. */
  lastModifiedDateTime?: string;
  /** Seeds of the shuffles applied since it was created, oldest first (./shuffle.ts). */
  shuffles?: string[];
}

interface StaticRecord {
  kind: 'static';
  id: string;
  collectionIndex: number;
  node: EmulatorNode;
  /** Epoch ms before which listings leave it out (a create not yet consistent, as on Graph). */
  listedFrom?: number;
}

/** Whether listings serve the record yet (GET by id always does). */
export function isListed(record: ObjectRecord, now = Date.now()): boolean {
  return record.kind !== 'static' || record.listedFrom === undefined || record.listedFrom <= now;
}

export type ObjectRecord = GeneratedRecord | StaticRecord;

/** Recently built nodes of all tenants: a page of items is requested right after its collection page. */
const CACHE_LIMIT = 512;
const nodeCache = new Map<string, EmulatorNode>();

function cached(key: string, build: () => EmulatorNode): EmulatorNode {
  const hit = nodeCache.get(key);
  if (hit !== undefined) {
    nodeCache.delete(key);
    nodeCache.set(key, hit);
    return hit;
  }
  const node = build();
  nodeCache.set(key, node);
  if (nodeCache.size > CACHE_LIMIT) {
    const oldest = nodeCache.keys().next().value;
    if (oldest !== undefined) nodeCache.delete(oldest);
  }
  return node;
}

/** The elements of one of a node's lists, building it on first use. */
export function listOf(node: EmulatorNode, property: string): EmulatorNode[] {
  const list = node.lists?.[property];
  if (list === undefined) return [];
  if (typeof list !== 'function') return list;
  const built = list();
  if (node.lists) node.lists[property] = built;
  return built;
}

/** A hand-written policy in the registry's terms (lists by property), copied from the seed. */
export function nodeFromPolicy(seed: EmulatorPolicy): EmulatorNode {
  const policy = structuredClone(seed);
  const leaves = (items: GraphJson[] | undefined) => (items ?? []).map((object) => ({ object }));
  const lists: Record<string, EmulatorNode[]> = {};
  for (const [property, items] of Object.entries(policy.lists ?? {})) lists[property] = leaves(items);
  // Catalog settings (a settingInstance each) have their definitions, as generated ones do.
  if (policy.settings)
    lists.settings = policy.settings.map((object) =>
      'settingInstance' in object ? catalogSettingNode(object) : { object },
    );
  if (policy.assignments) lists.assignments = leaves(policy.assignments);
  // Written as Graph inlines them fully expanded; each rule's actions are a navigation of their own.
  if (policy.scheduledActionsForRule) {
    lists.scheduledActionsForRule = policy.scheduledActionsForRule.map(
      ({ scheduledActionConfigurations, ...rule }) => ({
        object: rule,
        lists: { scheduledActionConfigurations: leaves(scheduledActionConfigurations as GraphJson[]) },
      }),
    );
  }
  return { object: policy.object, ...(policy.detail ? { detail: policy.detail } : {}), lists };
}

const NOT_CONFIGURATION = new Set([
  'version',
  'settingCount',
  'priority',
  'deployedAppCount',
  'isAssigned',
  'isBuiltIn',
  'supportsScopeTags',
]);

/** Changes one configuration property of a hand-written object, as an admin's edit would. */
function reviseObject(object: GraphJson): void {
  const entries = Object.entries(object).filter(
    ([key]) => !NOT_CONFIGURATION.has(key) && !key.startsWith('@'),
  );
  const numeric = entries.find(([, value]) => typeof value === 'number');
  const flag = entries.find(([, value]) => typeof value === 'boolean');
  if (numeric) object[numeric[0]] = (numeric[1] as number) + 1;
  else if (flag) object[flag[0]] = !flag[1];
  else object.description = `${String(object.description ?? '')} (edited)`.trim();
  markModified(object, object);
}

/**
 * What Graph does to an object on every write, whatever the write says: the version (where the
 * type has one) goes up from the stored one, and the modification time is now (Conditional
 * Access and named locations call it modifiedDateTime).
 */
export function markModified(object: GraphJson, before: GraphJson): void {
  if (typeof before.version === 'number') object.version = before.version + 1;
  const stamp = graphTimestamp(new Date());
  if ('modifiedDateTime' in before && !('lastModifiedDateTime' in before)) object.modifiedDateTime = stamp;
  else object.lastModifiedDateTime = stamp;
}

export class TenantObjects {
  /** Per type, one ordered array per registry collection. */
  private readonly records = new Map<PolicyTypeKey, ObjectRecord[][]>();
  private readonly byId = new Map<PolicyTypeKey, Map<string, ObjectRecord>>();
  private readonly nextIndex = new Map<PolicyTypeKey, number>();
  /**
   * How many objects of a type the tenant was created with: the range other objects' references
   * are drawn from, fixed so that adding objects later does not change existing ones.
   */
  private readonly refBound = new Map<PolicyTypeKey, number>();

  private poolsCache: TenantPools | undefined;

  /** The tenant's directory, apps and templates (./pools), indexed on first use. */
  get pools(): TenantPools {
    this.poolsCache ??= new TenantPools(this.label);
    return this.poolsCache;
  }

  /** What the admin API changed, as the tenant's audit logs serve it. */
  readonly audit: TenantAuditLog;

  constructor(readonly label: string) {
    this.audit = new TenantAuditLog(label, () => this.pools);
    for (const key of POLICY_TYPE_KEYS) {
      this.records.set(
        key,
        POLICY_TYPES[key].collections.map(() => []),
      );
      this.byId.set(key, new Map());
      this.nextIndex.set(key, 0);
    }
  }

  count(type: PolicyTypeKey): number {
    return this.byId.get(type)?.size ?? 0;
  }

  counts(): Record<PolicyTypeKey, number> {
    return Object.fromEntries(POLICY_TYPE_KEYS.map((key) => [key, this.count(key)])) as Record<
      PolicyTypeKey,
      number
    >;
  }

  inCollection(type: PolicyTypeKey, collectionIndex: number): readonly ObjectRecord[] {
    return this.records.get(type)?.[collectionIndex] ?? [];
  }

  all(type: PolicyTypeKey): ObjectRecord[] {
    return (this.records.get(type) ?? []).flat();
  }

  find(type: PolicyTypeKey, id: string): ObjectRecord | undefined {
    return this.byId.get(type)?.get(id);
  }

  addStatic(type: PolicyTypeKey, policy: EmulatorPolicy): string {
    const node = sealNode(type, nodeFromPolicy(policy));
    const id = node.object.id;
    if (typeof id !== 'string') throw new Error(`a ${type} object has no string id`);
    this.insert(type, { kind: 'static', id, collectionIndex: policy.collectionIndex ?? 0, node });
    return id;
  }

  /** A node written through Graph (a POST), appended to its collection as Graph lists it. */
  create(type: PolicyTypeKey, collectionIndex: number, node: EmulatorNode, listedFrom?: number): void {
    const id = node.object.id;
    if (typeof id !== 'string') throw new Error(`a created ${type} object has no string id`);
    const record: StaticRecord = { kind: 'static', id, collectionIndex, node: sealNode(type, node) };
    this.insert(type, listedFrom === undefined ? record : { ...record, listedFrom });
  }

  /** Appends `count` generated objects of the type; returns their ids. */
  generate(type: PolicyTypeKey, count: number): string[] {
    const generator = GENERATORS[type];
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const index = this.nextIndex.get(type) ?? 0;
      this.nextIndex.set(type, index + 1);
      // One small Rng per object at creation (its id and collection); everything else is derived
      // when the object is built, so creating 10,000 objects stays well under a second.
      const { meta, id } = this.identity(type, index);
      const collections = POLICY_TYPES[type].collections.length;
      const record: GeneratedRecord = {
        kind: 'generated',
        id,
        index,
        revision: 0,
        collectionIndex: Math.min(collections - 1, generator.pickCollection?.(meta) ?? 0),
      };
      if (this.find(type, record.id)) continue; // a hand-written object took this id
      this.insert(type, record);
      ids.push(record.id);
    }
    if (!this.refBound.has(type)) this.refBound.set(type, this.nextIndex.get(type) ?? 0);
    return ids;
  }

  /** The seed of the object generated at `index`: the same object whenever it is built. */
  private labelOf(type: PolicyTypeKey, index: number): string {
    return `${this.label}|${type}|${index}`;
  }

  /** The id of the object generated at `index`, and the Rng that drew it (its collection next). */
  private identity(type: PolicyTypeKey, index: number): { meta: Rng; id: string } {
    const meta = new Rng(`${this.labelOf(type, index)}|id`);
    const guid = meta.guid();
    return { meta, id: GENERATORS[type].idFor?.(index) ?? guid };
  }

  /** The servable node of a record (built, or from the cache). */
  node(type: PolicyTypeKey, record: ObjectRecord): EmulatorNode {
    if (record.kind === 'static') return record.node;
    const label = this.labelOf(type, record.index);
    const shuffles = record.shuffles ?? [];
    return cached(`${label}|${record.revision}|${shuffles.join('|')}`, () => {
      const times = new Rng(`${label}|times`);
      const createdDateTime = times.timestamp('2023-01-01T00:00:00Z', '2025-06-01T00:00:00Z');
      const built = GENERATORS[type].generate({
        rng: new Rng(label),
        label,
        tenantLabel: this.label,
        index: record.index,
        revision: record.revision,
        id: record.id,
        createdDateTime,
        lastModifiedDateTime:
          record.lastModifiedDateTime ?? times.timestamp(createdDateTime, '2025-11-01T00:00:00Z'),
        collectionIndex: record.collectionIndex,
        sibling: (index) => ({ id: this.identity(type, index).id, label: this.labelOf(type, index) }),
        ref: (other, k) => {
          const bound = this.refBound.get(other) ?? 0;
          return bound === 0 ? undefined : this.identity(other, k % bound).id;
        },
      });
      return shuffles.reduce(shuffledNode, sealNode(type, built));
    });
  }

  /**
   * Replaces an object's stored node (a patch): a generated object becomes a hand-written one
   * in the same place, so it keeps its position in its collection.
   */
  replace(type: PolicyTypeKey, id: string, node: EmulatorNode): void {
    const record = this.find(type, id);
    if (record === undefined) throw new Error(`no ${type} object ${id}`);
    const replacement: StaticRecord = { kind: 'static', id, collectionIndex: record.collectionIndex, node };
    if (record.kind === 'static' && record.listedFrom !== undefined)
      replacement.listedFrom = record.listedFrom;
    const collection = this.records.get(type)?.[record.collectionIndex];
    if (collection) collection[collection.indexOf(record)] = replacement;
    this.byId.get(type)?.set(id, replacement);
  }

  /**
   * Permutes every object's keys and unordered arrays (./shuffle.ts), each object by its own
   * seed derived from `seed`; generated objects are shuffled whenever they are built.
   */
  shuffle(seed: string): number {
    let shuffled = 0;
    for (const type of POLICY_TYPE_KEYS) {
      for (const record of this.all(type)) {
        const objectSeed = `${seed}|${type}|${record.id}`;
        if (record.kind === 'static') record.node = shuffledNode(record.node, objectSeed);
        else record.shuffles = [...(record.shuffles ?? []), objectSeed];
        shuffled += 1;
      }
    }
    return shuffled;
  }

  /** Changes a configuration property and bumps lastModifiedDateTime. */
  modify(type: PolicyTypeKey, id: string): void {
    const record = this.find(type, id);
    if (record === undefined) throw new Error(`no ${type} object ${id}`);
    if (record.kind === 'static') {
      reviseObject(record.node.object);
      return;
    }
    record.revision += 1;
    record.lastModifiedDateTime = graphTimestamp(new Date(), record.revision % 10000);
  }

  remove(type: PolicyTypeKey, ids: ReadonlySet<string>): void {
    const perCollection = this.records.get(type);
    if (perCollection === undefined) return;
    for (let c = 0; c < perCollection.length; c++) {
      perCollection[c] = (perCollection[c] ?? []).filter((record) => !ids.has(record.id));
    }
    for (const id of ids) this.byId.get(type)?.delete(id);
  }

  private insert(type: PolicyTypeKey, record: ObjectRecord): void {
    this.records.get(type)?.[record.collectionIndex]?.push(record);
    this.byId.get(type)?.set(record.id, record);
  }
}
