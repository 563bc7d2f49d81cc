import { AUDIT_EVENT_COUNT, auditEvent, auditEventId } from '../auditEvents';
import { Rng } from '../prng';
import type { EmulatorNode } from '../types';
import { BUILD_DIRECTORY, DIRECTORY_SIZE, type DirectoryKind, directoryId } from './directory';
import { type APP_KIND_INDEX, appIndexOfKind, MOBILE_APP_COUNT, mobileApp } from './mobileApps';
import {
  CONFIGURATION_POLICY_TEMPLATE_COUNT,
  configurationPolicyTemplateIdAt,
  configurationPolicyTemplateNode,
} from './configurationPolicyTemplates';
import { TEMPLATE_COUNT, templateId, templateNode } from './templates';

// What a tenant's Intune objects point at beyond the registry's types: its directory, its apps and
// Microsoft's templates; and its audit log. Each pool has a fixed size and derives the k-th object's id from the
// tenant label, so generators reference "the k-th app" without building anything; the surface
// serves a pool through a `{ pool }` holding (../graphSurface.ts).

export type PoolKind =
  | DirectoryKind
  | 'mobileApps'
  | 'templates'
  | 'configurationPolicyTemplates'
  | 'auditEvents';

interface Pool {
  size: number;
  id(tenantLabel: string, k: number): string;
  build(tenantLabel: string, k: number): EmulatorNode;
}

function directoryPool(kind: DirectoryKind): Pool {
  return {
    size: DIRECTORY_SIZE[kind],
    id: (tenantLabel, k) => directoryId(tenantLabel, kind, k),
    build: (tenantLabel, k) => ({
      object: BUILD_DIRECTORY[kind](tenantLabel, k, directoryId(tenantLabel, kind, k)),
    }),
  };
}

const appId = (tenantLabel: string, k: number) =>
  new Rng(`${tenantLabel}:mobileApp:${k % MOBILE_APP_COUNT}`).guid();

export const POOLS: Readonly<Record<PoolKind, Pool>> = {
  groups: directoryPool('groups'),
  users: directoryPool('users'),
  servicePrincipals: directoryPool('servicePrincipals'),
  mobileApps: {
    size: MOBILE_APP_COUNT,
    id: appId,
    build: (tenantLabel, k) => ({ object: mobileApp(tenantLabel, k, appId(tenantLabel, k)) }),
  },
  templates: { size: TEMPLATE_COUNT, id: (_, k) => templateId(k), build: (_, k) => templateNode(k) },
  configurationPolicyTemplates: {
    size: CONFIGURATION_POLICY_TEMPLATE_COUNT,
    id: (_, k) => configurationPolicyTemplateIdAt(k),
    build: (_, k) => configurationPolicyTemplateNode(k),
  },
  auditEvents: {
    size: AUDIT_EVENT_COUNT,
    id: auditEventId,
    build: (tenantLabel, k) => auditEvent(tenantLabel, k, auditEventId(tenantLabel, k)),
  },
};

/** The id of the k-th object of a pool (k wraps around its size). */
export function poolId(tenantLabel: string, kind: PoolKind, k: number): string {
  return POOLS[kind].id(tenantLabel, k % POOLS[kind].size);
}

/** The id of the n-th app of a kind in the tenant (app configurations, Enrollment Status Pages). */
export function tenantApp(tenantLabel: string, kind: keyof typeof APP_KIND_INDEX, n: number): string {
  return poolId(tenantLabel, 'mobileApps', appIndexOfKind(kind, n));
}

/** One tenant's pools: ids indexed once (a few hundred), objects built when served. */
export class TenantPools {
  private readonly index = new Map<string, [PoolKind, number]>();
  /**
   * Properties that differ in this tenant from the shared catalog, by lower-cased id: Microsoft
   * changes a template's lifecycleState for everyone, and a test changes it for one tenant.
   */
  private readonly overrides = new Map<string, Record<string, unknown>>();

  constructor(readonly tenantLabel: string) {
    for (const [kind, pool] of Object.entries(POOLS) as [PoolKind, Pool][]) {
      for (let k = 0; k < pool.size; k++) this.index.set(pool.id(tenantLabel, k).toLowerCase(), [kind, k]);
    }
  }

  count(kind: PoolKind): number {
    return POOLS[kind].size;
  }

  node(kind: PoolKind, k: number): EmulatorNode {
    const node = POOLS[kind].build(this.tenantLabel, k);
    const override = this.overrides.get(POOLS[kind].id(this.tenantLabel, k).toLowerCase());
    return override ? { ...node, object: { ...node.object, ...override } } : node;
  }

  /** Sets properties of a pool object in this tenant; false when no object has the id. */
  override(id: string, kinds: readonly PoolKind[], properties: Record<string, unknown>): boolean {
    const hit = this.index.get(id.toLowerCase());
    if (!hit || !kinds.includes(hit[0])) return false;
    const key = id.toLowerCase();
    this.overrides.set(key, { ...this.overrides.get(key), ...properties });
    return true;
  }

  /** The object with this id (case-insensitive), when it is of one of the kinds. */
  find(id: string, kinds: readonly PoolKind[]): EmulatorNode | undefined {
    const hit = this.index.get(id.toLowerCase());
    return hit && kinds.includes(hit[0]) ? this.node(hit[0], hit[1]) : undefined;
  }
}
