// What the RestorePlan workflow's activities read and write (src/activities/restorePlan.ts): the
// restore with its tenant and backup set, the set's items of the selection with their payloads,
// lineage targets, which secret fingerprints have a stored value, the planned items, and the end of
// planning (counts and planHash, or plan_failed).
import { createHash } from 'node:crypto';
import { unescapeStoredJson } from '../graph/storedText';
import type { ItemAction, ItemRef, Precondition } from '../restore/types';
import type { BackupSet, Db, Prisma, Restore, Tenant } from './client';

export interface RestoreForPlan {
  restore: Restore;
  tenant: Tenant;
  backupSet: BackupSet;
}

/** The restore's request, as the API stored it (restores.selection). */
export type RestoreSelection = { items: ItemRef[] } | { policyTypes: string[] } | Record<string, never>;

export interface BackedUpItem {
  policyType: string;
  graphId: string;
  /** As stored (the escape of src/graph/storedText.ts). */
  displayName: string;
  payloadHash: string;
  /** Unescaped: Graph's strings as Graph sent them. */
  payload: Record<string, unknown>;
}

export interface PlannedItemRow {
  policyType: string;
  sourceGraphId: string;
  displayName: string;
  payloadHash: string;
  action: ItemAction;
  blockedReason?: string;
  blockedDetail?: string;
  targetGraphId?: string;
  precondition: Precondition;
  changes?: unknown;
  adjustments?: unknown;
}

/** Rows per INSERT: large plans are written in a few statements, none of them huge. */
const INSERT_BATCH = 500;

export async function loadRestoreForPlan(db: Db, restoreId: string): Promise<RestoreForPlan | null> {
  const restore = await db.restore.findUnique({ where: { id: restoreId }, include: { tenant: true } });
  if (!restore) return null;
  const backupSet = await db.backupSet.findUnique({ where: { id: restore.backupSetId } });
  if (!backupSet || backupSet.tenantId !== restore.tenantId) return null;
  const { tenant, ...row } = restore;
  return { restore: row, tenant, backupSet };
}

export function selectionOf(restore: Restore): RestoreSelection {
  const selection = restore.selection as RestoreSelection | null;
  return selection ?? {};
}

/** The selected items' refs of one type; undefined when the selection takes every item of it. */
function selectedIds(selection: RestoreSelection, policyType: string): string[] | undefined {
  if ('items' in selection)
    return selection.items.filter((item) => item.policyType === policyType).map((item) => item.graphId);
  return undefined;
}

/** The policy types the plan covers: of the selection, and (for "all") of the backup set. */
export async function selectedTypes(db: Db, restore: Restore): Promise<string[]> {
  const selection = selectionOf(restore);
  if ('items' in selection) return [...new Set(selection.items.map((item) => item.policyType))];
  const rows = await db.backupItem.findMany({
    where: {
      backupSetId: restore.backupSetId,
      ...('policyTypes' in selection ? { policyType: { in: selection.policyTypes } } : {}),
    },
    distinct: ['policyType'],
    select: { policyType: true },
  });
  return rows.map((row) => row.policyType);
}

/**
 * The set's items of the type that the selection takes, with unescaped payloads, and the ids the
 * selection names that the set does not hold (blocked `not_in_backup`).
 */
export async function backedUpItems(
  db: Db,
  restore: Restore,
  policyType: string,
): Promise<{ items: BackedUpItem[]; notInBackup: string[] }> {
  const ids = selectedIds(selectionOf(restore), policyType);
  const rows = await db.backupItem.findMany({
    where: { backupSetId: restore.backupSetId, policyType, ...(ids ? { graphId: { in: ids } } : {}) },
    include: { payload: { select: { content: true } } },
    orderBy: { graphId: 'asc' },
  });
  const items = rows.map((row) => ({
    policyType: row.policyType,
    graphId: row.graphId,
    displayName: row.displayName,
    payloadHash: row.payloadHash,
    payload: unescapeStoredJson(row.payload.content) as Record<string, unknown>,
  }));
  const held = new Set(rows.map((row) => row.graphId));
  return { items, notInBackup: [...new Set(ids ?? [])].filter((id) => !held.has(id)).sort() };
}

/** Objects earlier restores re-created for these sources, newest first per source. */
export async function lineageTargets(
  db: Db,
  tenantId: string,
  policyType: string,
  sourceGraphIds: readonly string[],
): Promise<Map<string, string[]>> {
  const rows = await db.restoreLineage.findMany({
    where: { tenantId, policyType, sourceGraphId: { in: [...sourceGraphIds] } },
    orderBy: { createdAt: 'desc' },
  });
  const targets = new Map<string, string[]>();
  for (const row of rows)
    targets.set(row.sourceGraphId, [...(targets.get(row.sourceGraphId) ?? []), row.targetGraphId]);
  return targets;
}

/** Which of these secret fingerprints have a stored (encrypted) value for the tenant. */
export async function storedFingerprints(
  db: Db,
  tenantId: string,
  fingerprints: readonly string[],
): Promise<Set<string>> {
  if (fingerprints.length === 0) return new Set();
  const rows = await db.encryptedSettingValue.findMany({
    where: { tenantId, fingerprint: { in: [...new Set(fingerprints)] } },
    select: { fingerprint: true },
  });
  return new Set(rows.map((row) => row.fingerprint));
}

/**
 * Replaces the restore's items of the type: a retried activity starts from what it reads now, and
 * (restoreId, policyType, sourceGraphId) stays unique. Positions are per type here; finishPlan
 * numbers them across types.
 */
export async function replaceTypeItems(
  db: Db,
  restoreId: string,
  policyType: string,
  rows: readonly PlannedItemRow[],
): Promise<void> {
  const data = rows.map((row, position) => ({
    restoreId,
    position,
    policyType,
    sourceGraphId: row.sourceGraphId,
    displayName: row.displayName,
    payloadHash: row.payloadHash,
    action: row.action,
    blockedReason: row.blockedReason ?? null,
    blockedDetail: row.blockedDetail ?? null,
    targetGraphId: row.targetGraphId ?? null,
    precondition: row.precondition as Prisma.InputJsonValue,
    ...(row.changes === undefined ? {} : { changes: row.changes as Prisma.InputJsonValue }),
    ...(row.adjustments === undefined ? {} : { adjustments: row.adjustments as Prisma.InputJsonValue }),
  }));
  await db.$transaction(async (tx) => {
    await tx.restoreItem.deleteMany({ where: { restoreId, policyType } });
    for (let start = 0; start < data.length; start += INSERT_BATCH)
      await tx.restoreItem.createMany({
        data: data.slice(start, start + INSERT_BATCH),
        skipDuplicates: true,
      });
  });
}

/** What the plan hash covers of an item: what apply will do, and to which live state. */
export interface HashedItem {
  action: string;
  targetGraphId: string | null;
  precondition: unknown;
}

/** SHA-256 over the items' action, target and precondition, in position order: what was approved. */
export function planHashOf(items: readonly HashedItem[]): string {
  const hash = createHash('sha256');
  for (const item of items)
    hash.update(`${JSON.stringify([item.action, item.targetGraphId, canonicalJson(item.precondition)])}\n`);
  return hash.digest('hex');
}

function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonicalJson((value as Record<string, unknown>)[key])]),
  );
}

export type PlanEnd = { typeOrder: readonly string[] } | { failure: string };

/**
 * Ends planning once: `planned` with positions across types (in `typeOrder`, dependencies
 * first), counts and planHash; or `plan_failed` with a person-readable error. A restore no longer
 * `planning` (finished by an earlier attempt) is left as it is.
 */
export async function finishPlan(db: Db, restoreId: string, end: PlanEnd): Promise<Restore['status']> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ status: Restore['status'] }[]>`
      SELECT status FROM restores WHERE id = ${restoreId}::uuid FOR UPDATE`;
    const status = locked[0]?.status;
    if (status !== 'planning') return status ?? 'plan_failed';
    if ('failure' in end) {
      await tx.restore.update({
        where: { id: restoreId },
        data: { status: 'plan_failed', error: end.failure, finishedAt: new Date() },
      });
      return 'plan_failed';
    }
    await tx.$executeRaw`
      UPDATE restore_items r SET position = s.pos FROM (
        SELECT id, (row_number() OVER (
          ORDER BY coalesce(array_position(${[...end.typeOrder]}::text[], policy_type), 2147483647),
            policy_type, position, source_graph_id) - 1)::int AS pos
        FROM restore_items WHERE restore_id = ${restoreId}::uuid) s
      WHERE r.id = s.id`;
    const items = await tx.restoreItem.findMany({
      where: { restoreId },
      orderBy: { position: 'asc' },
      select: { action: true, targetGraphId: true, precondition: true },
    });
    const counts = { update: 0, create: 0, noop: 0, blocked: 0 };
    for (const item of items) counts[item.action] += 1;
    await tx.restore.update({
      where: { id: restoreId },
      data: { status: 'planned', counts, planHash: planHashOf(items), plannedAt: new Date(), error: null },
    });
    return 'planned';
  });
}
