// Baselines (a backup set pinned under a name) and their explicit mappings, and what a compare
// reads of two sets: their items, payloads and resolved reference names.
import type { Baseline, BaselineMapping, DbClient as Db } from './client';

export type NewBaseline = Pick<Baseline, 'name' | 'tenantId' | 'backupSetId' | 'createdBy'>;
export type Mapping = Pick<BaselineMapping, 'policyType' | 'baselineGraphId' | 'tenantGraphId'>;

export function insertBaseline(db: Db, baseline: NewBaseline): Promise<Baseline> {
  return db.baseline.create({ data: baseline });
}

export function findBaseline(db: Db, id: string): Promise<Baseline | null> {
  return db.baseline.findUnique({ where: { id } });
}

export function findBaselineByName(db: Db, tenantId: string, name: string): Promise<Baseline | null> {
  return db.baseline.findUnique({ where: { tenantId_name: { tenantId, name } } });
}

export async function tenantIdOfBaseline(db: Db, id: string): Promise<string | null> {
  const row = await db.baseline.findUnique({ where: { id }, select: { tenantId: true } });
  return row?.tenantId ?? null;
}

/** One page by id (limit + 1 rows) of the baselines of these tenants (all tenants: `all`). */
export function listBaselines(
  db: Db,
  tenants: { all: true } | { ids: string[] },
  page: { limit: number; cursor?: string; tenantId?: string },
): Promise<Baseline[]> {
  return db.baseline.findMany({
    where: {
      ...('ids' in tenants ? { tenantId: { in: tenants.ids } } : {}),
      ...(page.tenantId ? { AND: [{ tenantId: page.tenantId }] } : {}),
      ...(page.cursor ? { id: { gt: page.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
}

/** Deletes the baseline and its mappings; its set is no longer pinned. */
export async function deleteBaseline(db: Db, id: string): Promise<void> {
  await db.baseline.delete({ where: { id } });
}

export function mappingsOf(db: Db, baselineId: string, tenantId: string): Promise<BaselineMapping[]> {
  return db.baselineMapping.findMany({
    where: { baselineId, tenantId },
    orderBy: [{ policyType: 'asc' }, { baselineGraphId: 'asc' }],
  });
}

/** Replaces the baseline's mappings for one tenant. */
export async function replaceMappings(
  db: Db,
  baselineId: string,
  tenantId: string,
  mappings: readonly Mapping[],
): Promise<void> {
  await db.baselineMapping.deleteMany({ where: { baselineId, tenantId } });
  await db.baselineMapping.createMany({ data: mappings.map((m) => ({ ...m, baselineId, tenantId })) });
}

export interface SetPolicy {
  policyType: string;
  graphId: string;
  displayName: string;
  payloadHash: string;
}

export function setPolicies(db: Db, backupSetId: string): Promise<SetPolicy[]> {
  return db.backupItem.findMany({
    where: { backupSetId },
    select: { policyType: true, graphId: true, displayName: true, payloadHash: true },
    orderBy: [{ policyType: 'asc' }, { graphId: 'asc' }],
  });
}

/** The set's resolved reference names by "kind:id" (missing and unreadable ones have none). */
export async function referenceNamesOf(db: Db, backupSetId: string): Promise<Map<string, string>> {
  const rows = await db.backupSetReference.findMany({
    where: { backupSetId, state: 'resolved', displayName: { not: null } },
    select: { kind: true, objectId: true, displayName: true },
  });
  return new Map(rows.map((row) => [`${row.kind}:${row.objectId}`, row.displayName as string]));
}

/** The tenant's newest set, of any schedule. */
export function latestSetOf(db: Db, tenantId: string): Promise<{ id: string } | null> {
  return db.backupSet.findFirst({
    where: { tenantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true },
  });
}

/** The ids of the tenants the user is a member of (any role reads). */
export async function memberTenantIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db.tenantMembership.findMany({ where: { userId }, select: { tenantId: true } });
  return rows.map((row) => row.tenantId);
}
