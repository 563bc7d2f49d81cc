// The apply side of a restore in PostgreSQL: the step ledger (restore_steps: intent before a
// request, done or failed after), item outcomes with their audit rows, lineage of re-created
// objects, and the finish (status from outcomes, the audit row naming the user, the
// restore.finished event). Every write is keyed so that a retried or re-applied step repeats
// nothing: the ledger row is (restore, item, step), lineage is keyed by the created object.
import { type AuditActor, appendAudit } from './audit';
import type { Db, DbClient, Prisma, RestoreItem, RestoreStep } from './client';
import { publishEvents } from './notificationEvents';
import type { ItemOutcome, RestoreEndState } from '../restore/types';

export type StepState = 'intent' | 'done' | 'failed';

export function readStep(
  db: DbClient,
  restoreId: string,
  itemId: string,
  step: string,
): Promise<RestoreStep | null> {
  return db.restoreStep.findUnique({ where: { restoreId_itemId_step: { restoreId, itemId, step } } });
}

/** Written before a step's request: what may be in flight, its marker and when it was sent. */
export function recordIntent(
  db: DbClient,
  key: { restoreId: string; itemId: string; step: string },
  facts: { marker?: string | null; targetGraphId?: string | null },
): Promise<RestoreStep> {
  const now = new Date();
  return db.restoreStep.upsert({
    where: { restoreId_itemId_step: key },
    create: { ...key, state: 'intent', attempts: 1, attemptStartedAt: now, ...facts },
    update: { state: 'intent', attempts: { increment: 1 }, attemptStartedAt: now, ...facts },
  });
}

/** Written after a step's request: done (with the object it wrote) or failed (with Graph's code). */
export function recordStepEnd(
  db: DbClient,
  key: { restoreId: string; itemId: string; step: string },
  state: Exclude<StepState, 'intent'>,
  facts: { targetGraphId?: string | null; result?: Prisma.InputJsonObject },
): Promise<RestoreStep> {
  return db.restoreStep.upsert({
    where: { restoreId_itemId_step: key },
    create: { ...key, state, ...facts },
    update: { state, ...facts },
  });
}

/**
 * Adopts, for a create whose answer was lost, the first of `candidates` (listed objects that look
 * like what it made, oldest first) that no other item's ledger names: two markerless creates of
 * one name (found by name and time) must not both adopt the first. The claim is written to the
 * step's row under a per-tenant lock, so two lanes or workers looking at once cannot share one.
 */
export async function claimCreated(
  db: Db,
  scope: { tenantId: string; policyType: string },
  key: { restoreId: string; itemId: string; step: string },
  candidates: string[],
): Promise<string | null> {
  if (candidates.length === 0) return null;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`restore-claim:${scope.tenantId}`}))`;
    const claimed = await tx.restoreStep.findMany({
      where: {
        targetGraphId: { in: candidates },
        restore: { tenantId: scope.tenantId },
        item: { policyType: scope.policyType },
        NOT: { restoreId: key.restoreId, itemId: key.itemId },
      },
      select: { targetGraphId: true },
    });
    const taken = new Set(claimed.map((row) => row.targetGraphId));
    const free = candidates.find((id) => !taken.has(id));
    if (free === undefined) return null;
    await tx.restoreStep.update({ where: { restoreId_itemId_step: key }, data: { targetGraphId: free } });
    return free;
  });
}

export interface ItemOutcomeFacts {
  outcome: ItemOutcome;
  detail?: string | null;
  createdGraphId?: string | null;
  verification?: string | null;
  serverChanges?: Prisma.InputJsonValue;
}

/** Audit action of an item outcome; noop and blocked are counted in the finish row only. */
const ITEM_AUDIT_ACTIONS: Partial<Record<ItemOutcome, string>> = {
  created: 'restore.item.written',
  updated: 'restore.item.written',
  stale: 'restore.item.stale',
  failed: 'restore.item.failed',
};

/**
 * Sets an item's outcome once, with its audit row in the same transaction: an item that already
 * has one keeps it (a retried activity, a second round) and no second row is written.
 */
export async function setItemOutcome(
  db: Db,
  item: Pick<RestoreItem, 'id' | 'restoreId' | 'policyType' | 'sourceGraphId' | 'targetGraphId'>,
  audit: { tenantId: string; actor: AuditActor; round: number },
  facts: ItemOutcomeFacts,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const set = await tx.restoreItem.updateMany({
      where: { id: item.id, outcome: null },
      data: {
        outcome: facts.outcome,
        outcomeDetail: facts.detail ?? null,
        createdGraphId: facts.createdGraphId ?? null,
        verification: facts.verification ?? null,
        ...(facts.serverChanges === undefined ? {} : { serverChanges: facts.serverChanges }),
        finishedAt: new Date(),
      },
    });
    if (set.count === 0) return false;
    const action = ITEM_AUDIT_ACTIONS[facts.outcome];
    if (action)
      await appendAudit(tx, {
        tenantId: audit.tenantId,
        actor: audit.actor,
        action,
        resourceType: 'restore_item',
        resourceId: item.id,
        metadata: {
          restoreId: item.restoreId,
          round: audit.round,
          outcome: facts.outcome,
          policyType: item.policyType,
          sourceGraphId: item.sourceGraphId,
          ...((facts.createdGraphId ?? item.targetGraphId)
            ? { targetGraphId: (facts.createdGraphId ?? item.targetGraphId)! }
            : {}),
          ...(facts.verification ? { verification: facts.verification } : {}),
        },
      });
    return true;
  });
}

/** Links an object a create made under a new id to the backed-up object it restores. */
export async function recordLineage(
  db: DbClient,
  row: {
    tenantId: string;
    policyType: string;
    targetGraphId: string;
    sourceGraphId: string;
    restoreId: string;
  },
): Promise<void> {
  await db.restoreLineage.createMany({ data: [row], skipDuplicates: true });
}

/**
 * How a restore ends: every item written or unchanged -> succeeded; nothing written and some
 * failure -> failed; anything else with a failed, stale, blocked or unfinished item -> partial.
 */
export function restoreEndState(outcomes: (ItemOutcome | null)[], canceled: boolean): RestoreEndState {
  if (canceled) return 'canceled';
  const fine = new Set<ItemOutcome | null>(['created', 'updated', 'noop']);
  if (outcomes.every((outcome) => fine.has(outcome))) return 'succeeded';
  const wrote = outcomes.some((outcome) => outcome === 'created' || outcome === 'updated');
  if (!wrote && outcomes.some((outcome) => outcome === 'failed')) return 'failed';
  return 'partial';
}

export function countOutcomes(outcomes: (ItemOutcome | null)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome ?? 'pending'] = (counts[outcome ?? 'pending'] ?? 0) + 1;
  return counts;
}

export interface FinishedRestore {
  status: RestoreEndState;
  outcomes: Record<string, number>;
  /** False when an earlier attempt had finished it already. */
  finishedNow: boolean;
}

/**
 * Ends an applying restore: status and outcome counts (kept beside the plan's counts, under
 * `outcomes`), the audit row `restore.<status>` naming the user who applied it, and the
 * restore.finished event, all in one transaction under the restore's row lock. A restore no
 * longer `applying` (a retried finish) is left as it is.
 */
export async function finishRestore(
  db: Db,
  input: {
    restoreId: string;
    round: number;
    canceled: boolean;
    publicApiUrl: string;
    /**
     * The workflow did not end through its own finish (an operator terminated it in Temporal):
     * the reconciler records it, with the operator as the actor and the workflow's status.
     */
    endedBy?: { actor: AuditActor; workflowStatus: string };
  },
): Promise<FinishedRestore> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM restores WHERE id = ${input.restoreId}::uuid FOR UPDATE`;
    const restore = await tx.restore.findUniqueOrThrow({ where: { id: input.restoreId } });
    const items = await tx.restoreItem.findMany({
      where: { restoreId: input.restoreId },
      select: { outcome: true, policyType: true },
    });
    const outcomes = items.map((item) => item.outcome);
    const counts = countOutcomes(outcomes);
    // A stale round (not the current one) finishes nothing: the current round owns the status.
    if (restore.status !== 'applying' || restore.applyRounds !== input.round)
      return { status: restore.status as RestoreEndState, outcomes: counts, finishedNow: false };
    const status = restoreEndState(outcomes, input.canceled);
    const planCounts = (restore.counts ?? {}) as Prisma.JsonObject;
    await tx.restore.update({
      where: { id: restore.id },
      data: { status, finishedAt: new Date(), counts: { ...planCounts, outcomes: counts } },
    });
    const actor: AuditActor =
      input.endedBy?.actor ??
      (restore.appliedBy?.startsWith('user:') ? (restore.appliedBy as AuditActor) : 'operator');
    await appendAudit(tx, {
      tenantId: restore.tenantId,
      actor,
      action: `restore.${status}`,
      resourceType: 'restore',
      resourceId: restore.id,
      metadata: {
        round: input.round,
        backupSetId: restore.backupSetId,
        outcomes: counts,
        ...(input.endedBy ? { workflowStatus: input.endedBy.workflowStatus } : {}),
      },
    });
    const base = input.publicApiUrl.replace(/\/+$/, '');
    await publishEvents(tx, [
      {
        tenantId: restore.tenantId,
        type: 'restore.finished',
        causeKey: `restore:${restore.id}:${input.round}:restore.finished`,
        attributes: { policyTypes: [...new Set(items.map((item) => item.policyType))].sort() },
        data: {
          restoreId: restore.id,
          round: input.round,
          status,
          mode: restore.mode,
          backupSetId: restore.backupSetId,
          appliedBy: restore.appliedBy,
          outcomes: counts,
          links: { restore: `${base}/v1/tenants/${restore.tenantId}/restores/${restore.id}` },
        },
      },
    ]);
    return { status, outcomes: counts, finishedNow: true };
  });
}

/** The pending deliveries of a restore's finished event (new, or left by a crash after commit). */
export async function pendingRestoreDeliveries(db: DbClient, restoreId: string): Promise<string[]> {
  const rows = await db.notificationDelivery.findMany({
    where: {
      status: 'pending',
      workflowStartedAt: null,
      event: { causeKey: { startsWith: `restore:${restoreId}:` } },
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => row.id);
}
