// Restores as the API sees them: the tenant's opt-in, the restore rows it writes and moves
// between states, and the planned items it pages. The plan and run workflows write the rest.
import type { DbClient as Db, Prisma, Restore, RestoreItem, RestoreStatus } from './client';
import { after, type KeysetPosition, NEWEST_FIRST } from './paging';

export interface RestoreSettings {
  restoreEnabled: boolean;
  restoreApprovalRequired: boolean;
  restoreSettingsChangedAt: Date | null;
  restoreSettingsChangedBy: string | null;
}

const SETTINGS = {
  restoreEnabled: true,
  restoreApprovalRequired: true,
  restoreSettingsChangedAt: true,
  restoreSettingsChangedBy: true,
} as const;

export function findRestoreSettings(db: Db, tenantId: string): Promise<RestoreSettings | null> {
  return db.tenant.findUnique({ where: { id: tenantId }, select: SETTINGS });
}

/** The settings, locking the tenant's row: what the audit calls `before` is what was replaced. */
export async function lockRestoreSettings(db: Db, tenantId: string): Promise<RestoreSettings | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
  return rows.length === 0 ? null : findRestoreSettings(db, tenantId);
}

export function updateRestoreSettings(
  db: Db,
  tenantId: string,
  settings: { restoreEnabled: boolean; restoreApprovalRequired: boolean; changedBy: string },
): Promise<RestoreSettings> {
  return db.tenant.update({
    where: { id: tenantId },
    data: {
      restoreEnabled: settings.restoreEnabled,
      restoreApprovalRequired: settings.restoreApprovalRequired,
      restoreSettingsChangedAt: new Date(),
      restoreSettingsChangedBy: settings.changedBy,
    },
    select: SETTINGS,
  });
}

/**
 * Which of `refs` the set holds, as indexes into `refs`. Graph ids are compared in their stored
 * form (src/graph/storedText.ts): the caller passes them escaped.
 */
export async function heldItemKeys(
  db: Db,
  backupSetId: string,
  refs: readonly { policyType: string; graphId: string }[],
): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const rows = await db.backupItem.findMany({
    where: { backupSetId, OR: refs.map(({ policyType, graphId }) => ({ policyType, graphId })) },
    select: { policyType: true, graphId: true },
  });
  return new Set(rows.map((row) => itemKey(row)));
}

export const itemKey = (ref: { policyType: string; graphId: string }) =>
  `${ref.policyType}\u0000${ref.graphId}`;

/** The policy types of which the set holds at least one item. */
export async function policyTypesInSet(db: Db, backupSetId: string): Promise<Set<string>> {
  const rows = await db.backupItem.groupBy({ by: ['policyType'], where: { backupSetId } });
  return new Set(rows.map((row) => row.policyType));
}

export function insertRestore(db: Db, data: Prisma.RestoreUncheckedCreateInput): Promise<Restore> {
  return db.restore.create({ data });
}

export function findRestore(db: Db, tenantId: string, restoreId: string): Promise<Restore | null> {
  return db.restore.findFirst({ where: { id: restoreId, tenantId } });
}

export function listRestores(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: KeysetPosition },
): Promise<Restore[]> {
  return db.restore.findMany({
    where: { tenantId, ...after(page.cursor) },
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
  });
}

/**
 * Moves the restore from one of `from` to `data.status`; false when it was in none of them (another
 * request moved it first). One UPDATE with the status in its WHERE: two concurrent requests
 * cannot both see `planned` (PostgreSQL re-checks the condition on the locked row).
 */
export async function moveRestore(
  db: Db,
  restoreId: string,
  from: readonly RestoreStatus[],
  data: Prisma.RestoreUncheckedUpdateManyInput,
  where: Prisma.RestoreWhereInput = {},
): Promise<boolean> {
  const { count } = await db.restore.updateMany({
    where: { id: restoreId, status: { in: [...from] }, ...where },
    data,
  });
  return count === 1;
}

export interface RestoreItemFilter {
  limit: number;
  /** The id of the previous page's last item. */
  cursor?: string;
  action?: RestoreItem['action'];
  outcome?: NonNullable<RestoreItem['outcome']>;
}

/**
 * One page of the plan's items in plan order (position, then id). The cursor is the last item's
 * id; its position is looked up, null when it is no item of this restore.
 */
export async function listRestoreItems(
  db: Db,
  restoreId: string,
  page: RestoreItemFilter,
): Promise<RestoreItem[] | null> {
  let start = {};
  if (page.cursor) {
    const last = await db.restoreItem.findFirst({
      where: { id: page.cursor, restoreId },
      select: { id: true, position: true },
    });
    if (!last) return null;
    start = {
      OR: [{ position: { gt: last.position } }, { position: last.position, id: { gt: last.id } }],
    };
  }
  return db.restoreItem.findMany({
    where: {
      restoreId,
      ...(page.action ? { action: page.action } : {}),
      ...(page.outcome ? { outcome: page.outcome } : {}),
      ...start,
    },
    orderBy: [{ position: 'asc' }, { id: 'asc' }],
    take: page.limit + 1,
  });
}
