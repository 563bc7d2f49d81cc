import { Rng } from '../prng';
import type { EmulatorNode } from '../types';
import { BUILD_DIRECTORY, DIRECTORY_SIZE, type DirectoryKind, directoryId } from './directory';
import { type APP_KIND_INDEX, appIndexOfKind, MOBILE_APP_COUNT, mobileApp } from './mobileApps';
import { TEMPLATE_COUNT, templateId, templateNode } from './templates';

// What a tenant's Intune objects point at beyond the registry's types: its directory, its apps and
// Microsoft's templates. Each pool has a fixed size and derives the k-th object's id from the
// tenant label, so generators reference "the k-th app" without building anything; the surface
// serves a pool through a `{ pool }` holding (../graphSurface.ts).

export type PoolKind = DirectoryKind | 'mobileApps' | 'templates';

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

  constructor(readonly tenantLabel: string) {
    for (const [kind, pool] of Object.entries(POOLS) as [PoolKind, Pool][]) {
      for (let k = 0; k < pool.size; k++) this.index.set(pool.id(tenantLabel, k).toLowerCase(), [kind, k]);
    }
  }

  count(kind: PoolKind): number {
    return POOLS[kind].size;
  }

  node(kind: PoolKind, k: number): EmulatorNode {
    return POOLS[kind].build(this.tenantLabel, k);
  }

  /** The object with this id (case-insensitive), when it is of one of the kinds. */
  find(id: string, kinds: readonly PoolKind[]): EmulatorNode | undefined {
    const hit = this.index.get(id.toLowerCase());
    return hit && kinds.includes(hit[0]) ? this.node(hit[0], hit[1]) : undefined;
  }
}
