// Restores through the API: the tenant's opt-in, the plan request, approval, apply and cancel.
// The row is written first and the workflow started after; a start Temporal refuses leaves no
// half-written record (the plan's row ends plan_failed, an apply's status is rolled back) and answers 503.
import type { Client } from '@temporalio/client';
import { appendAudit, userActor } from '../db/audit';
import type { Db, Restore, RestoreStatus } from '../db/client';
import { findBackupSet } from '../db/backupSets';
import { deactivatedUserActors } from '../db/users';
import {
  findRestore,
  heldItemKeys,
  insertRestore,
  itemKey,
  listRestoreItems,
  listRestores as selectRestores,
  lockRestoreSettings,
  moveRestore,
  policyTypesInSet,
  type RestoreItemFilter,
} from '../db/restores';
import { escapeStoredText } from '../graph/storedText';
import type { Logger } from '../logging/logger';
import { openRestoreWorkflowId } from '../shared/constants';
import type { AssignmentOption, ConditionalAccessState, ItemRef, RestoreMode } from '../restore/types';
import type { KeysetPosition } from '../db/paging';
import { cancelRestoreWorkflow, startRestorePlan, startRestoreRun } from '../temporal/restoreStarts';
import {
  ConflictError,
  InvalidFieldsError,
  InvalidInputError,
  NotFoundError,
  UnavailableError,
} from './errors';
import { getRestoreSettings } from './restoreSettings';

export interface RestoreServiceDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  /** The workflow task queue (WORKER_TASK_QUEUE); restores run on restoreTaskQueueOf(it). */
  workflowTaskQueue: string;
}

export interface RestoreRequest {
  backupSetId: string;
  items?: ItemRef[];
  policyTypes?: string[];
  mode: RestoreMode;
  assignments: AssignmentOption;
  conditionalAccessState: ConditionalAccessState;
}

const NOT_ENABLED = () =>
  new ConflictError(
    'restore is not enabled for this tenant: an owner turns it on with PUT …/restore-settings',
    'restore_not_enabled',
  );

// Two people sign a plan that needs approval; with its requester deactivated, one would be left.
const REQUESTER_DEACTIVATED = () =>
  new ConflictError(
    'the user who requested the plan was deactivated, so it can no longer be approved or applied: request a new plan',
    'requester_deactivated',
  );

/**
 * Writes the restore (status planning) and starts its RestorePlan workflow. The selection is
 * stored as asked: {items} (Graph ids as Graph spells them), {policyTypes}, or {} for the whole set.
 */
export async function requestRestore(
  deps: RestoreServiceDeps,
  tenantId: string,
  request: RestoreRequest,
  actorUserId: string,
): Promise<Restore> {
  const settings = await getRestoreSettings(deps.db, tenantId);
  if (!settings.restoreEnabled) throw NOT_ENABLED();
  const set = await findBackupSet(deps.db, tenantId, request.backupSetId);
  if (!set) throw new NotFoundError('backup set');
  await checkSelection(deps.db, set.id, request);
  const selection = request.items
    ? { items: request.items.map(({ policyType, graphId }) => ({ policyType, graphId })) }
    : request.policyTypes
      ? { policyTypes: request.policyTypes }
      : {};
  const restore = await deps.db.$transaction(async (tx) => {
    const row = await insertRestore(tx, {
      tenantId,
      backupSetId: set.id,
      mode: request.mode,
      assignments: request.assignments,
      conditionalAccessState: request.conditionalAccessState,
      selection,
      requestedBy: userActor(actorUserId),
    });
    await audit(tx, row, actorUserId, 'restore.requested', {
      backupSetId: set.id,
      mode: request.mode,
      assignments: request.assignments,
      conditionalAccessState: request.conditionalAccessState,
      selected: request.items?.length ?? request.policyTypes?.length ?? 'all',
    });
    return row;
  });
  try {
    await startRestorePlan(deps.temporal, deps, tenantId, { restoreId: restore.id });
  } catch (error) {
    deps.logger.error({ err: error, restoreId: restore.id }, 'could not start the RestorePlan workflow');
    // Like a run Temporal refused: the row is kept (its audit row names it) but ends plan_failed,
    // so no `planning` row waits for a workflow that will never come.
    await moveRestore(deps.db, restore.id, ['planning'], {
      status: 'plan_failed',
      finishedAt: new Date(),
      error: 'Temporal did not accept the workflow start; request the restore again',
    });
    throw new UnavailableError(
      'Temporal is unavailable; the restore was not planned',
      'temporal_unavailable',
    );
  }
  return restore;
}

/** Every named item must be in the set (422 naming items.<i>), every type too (policyTypes.<i>). */
async function checkSelection(db: Db, backupSetId: string, request: RestoreRequest): Promise<void> {
  if (request.items) {
    const stored = request.items.map(({ policyType, graphId }) => ({
      policyType,
      graphId: escapeStoredText(graphId),
    }));
    const held = await heldItemKeys(db, backupSetId, stored);
    const errors = stored.flatMap((ref, index) =>
      held.has(itemKey(ref))
        ? []
        : [
            {
              field: `items.${index}`,
              message: 'the backup set holds no item of this type with this graphId',
            },
          ],
    );
    if (errors.length > 0) throw new InvalidFieldsError(errors);
    return;
  }
  const types = await policyTypesInSet(db, backupSetId);
  if (!request.policyTypes) {
    if (types.size === 0) throw new InvalidInputError('backupSetId', 'the backup set holds no items');
    return;
  }
  const errors = request.policyTypes.flatMap((type, index) =>
    types.has(type)
      ? []
      : [{ field: `policyTypes.${index}`, message: 'the backup set holds no item of this type' }],
  );
  if (errors.length > 0) throw new InvalidFieldsError(errors);
}

export async function getRestore(db: Db, tenantId: string, restoreId: string): Promise<Restore> {
  const restore = await findRestore(db, tenantId, restoreId);
  if (!restore) throw new NotFoundError('restore');
  return restore;
}

export function listRestores(db: Db, tenantId: string, page: { limit: number; cursor?: KeysetPosition }) {
  return selectRestores(db, tenantId, page);
}

export async function getRestoreItems(
  db: Db,
  tenantId: string,
  restoreId: string,
  filter: RestoreItemFilter,
) {
  await getRestore(db, tenantId, restoreId);
  const rows = await listRestoreItems(db, restoreId, filter);
  if (!rows) throw new InvalidInputError('cursor', 'must be a cursor returned as nextCursor');
  return rows;
}

/** A second manager or owner approves the plan; only when the tenant requires it. */
export async function approveRestore(db: Db, tenantId: string, restoreId: string, actorUserId: string) {
  const restore = await getRestore(db, tenantId, restoreId);
  const settings = await getRestoreSettings(db, tenantId);
  // An approval outlives the setting that asked for it: none while restore is off.
  if (!settings.restoreEnabled) throw NOT_ENABLED();
  if (!settings.restoreApprovalRequired)
    throw new ConflictError('this tenant does not require approval of restores', 'approval_not_required');
  if (restore.requestedBy === userActor(actorUserId))
    throw new ConflictError(
      'the user who requested the plan cannot approve it: a second manager or owner must',
      'approver_is_requester',
    );
  const lapsed = await deactivatedUserActors(db, [restore.requestedBy, restore.approvedBy]);
  if (restore.requestedBy && lapsed.includes(restore.requestedBy)) throw REQUESTER_DEACTIVATED();
  // An approval by a since deactivated user no longer counts: another manager or owner may approve.
  if (restore.approvedBy && !lapsed.includes(restore.approvedBy))
    throw new ConflictError('the restore is already approved', 'restore_already_approved');
  return db.$transaction(async (tx) => {
    const moved = await moveRestore(
      tx,
      restoreId,
      ['planned'],
      { approvedBy: userActor(actorUserId), approvedAt: new Date() },
      { approvedBy: restore.approvedBy },
    );
    if (!moved) throw notIn(await getRestore(tx as Db, tenantId, restoreId), 'approved', ['planned']);
    await audit(tx, restore, actorUserId, 'restore.approved', { planHash: restore.planHash });
    return getRestore(tx as Db, tenantId, restoreId);
  });
}

/** Statuses an apply may start from: a plan, or a round that ended without finishing everything. */
const APPLICABLE: readonly RestoreStatus[] = ['planned', 'partial', 'failed', 'canceled'];

/**
 * Starts apply round n + 1. The checks and the move to `applying` are one UPDATE, so of two
 * concurrent applies exactly one moves the row and the other gets 409 restore_in_progress.
 */
export async function applyRestore(
  deps: RestoreServiceDeps,
  tenantId: string,
  restoreId: string,
  actorUserId: string,
): Promise<Restore> {
  const restore = await getRestore(deps.db, tenantId, restoreId);
  const moved = await deps.db.$transaction(async (tx) => {
    const settings = await lockRestoreSettings(tx, tenantId);
    if (!settings?.restoreEnabled) throw NOT_ENABLED();
    if (settings.restoreApprovalRequired) {
      if (!restore.approvedBy)
        throw new ConflictError('a second manager or owner must approve the plan first', 'approval_required');
      // Both signatures count only while their users are active (docs/restore.md).
      const lapsed = await deactivatedUserActors(tx, [restore.requestedBy, restore.approvedBy]);
      if (restore.requestedBy && lapsed.includes(restore.requestedBy)) throw REQUESTER_DEACTIVATED();
      if (lapsed.includes(restore.approvedBy))
        throw new ConflictError(
          'the user who approved the plan was deactivated, so the approval no longer counts: another manager or owner must approve it',
          'approver_deactivated',
        );
    }
    const ok = await moveRestore(tx, restoreId, APPLICABLE, {
      status: 'applying',
      applyRounds: { increment: 1 },
      appliedBy: userActor(actorUserId),
      applyStartedAt: new Date(),
      finishedAt: null,
      error: null,
    });
    const now = await getRestore(tx as Db, tenantId, restoreId);
    if (!ok) throw notIn(now, 'applied', APPLICABLE);
    await audit(tx, now, actorUserId, 'restore.apply_requested', { round: now.applyRounds });
    return now;
  });
  try {
    await startRestoreRun(deps.temporal, deps, tenantId, { restoreId, round: moved.applyRounds });
  } catch (error) {
    deps.logger.error({ err: error, restoreId }, 'could not start the RestoreRun workflow');
    // The round number stays used: a start that timed out may still have run under its id.
    await moveRestore(deps.db, restoreId, ['applying'], {
      status: restore.status,
      appliedBy: restore.appliedBy,
      applyStartedAt: restore.applyStartedAt,
      finishedAt: restore.finishedAt,
    });
    throw new UnavailableError(
      'Temporal is unavailable; the restore was not applied',
      'temporal_unavailable',
    );
  }
  return moved;
}

/** Cancels the running plan or apply round; the workflow records `canceled` (or plan_failed). */
export async function cancelRestore(
  deps: RestoreServiceDeps,
  tenantId: string,
  restoreId: string,
  actorUserId: string,
) {
  const restore = await getRestore(deps.db, tenantId, restoreId);
  const workflowId = openRestoreWorkflowId(restore);
  if (!workflowId) throw notIn(restore, 'canceled', ['planning', 'applying']);
  let found: boolean;
  try {
    found = await cancelRestoreWorkflow(deps.temporal, workflowId);
  } catch (error) {
    deps.logger.error({ err: error, restoreId }, 'could not cancel the restore workflow');
    throw new UnavailableError(
      'Temporal is unavailable; the restore was not canceled',
      'temporal_unavailable',
    );
  }
  // No workflow to record it: the row would stay `applying` forever, so it is recorded here.
  if (!found)
    await moveRestore(deps.db, restoreId, [restore.status], {
      status: restore.status === 'applying' ? 'canceled' : 'plan_failed',
      finishedAt: new Date(),
      error: 'canceled: its workflow was no longer running',
    });
  await audit(deps.db, restore, actorUserId, 'restore.cancel_requested', { workflowId });
  return getRestore(deps.db, tenantId, restoreId);
}

function notIn(restore: Restore, what: string, allowed: readonly RestoreStatus[]): ConflictError {
  if (restore.status === 'applying' || restore.status === 'planning')
    return new ConflictError(
      `the restore is ${restore.status}; wait for it or cancel it`,
      'restore_in_progress',
    );
  return new ConflictError(
    `only a restore that is ${allowed.join(', ')} can be ${what}; this one is ${restore.status}`,
    'restore_wrong_status',
  );
}

function audit(
  db: Db | Parameters<typeof appendAudit>[0],
  restore: Restore,
  userId: string,
  action: string,
  metadata: Record<string, string | number | null>,
) {
  return appendAudit(db as Parameters<typeof appendAudit>[0], {
    tenantId: restore.tenantId,
    actor: userActor(userId),
    action,
    resourceType: 'restore',
    resourceId: restore.id,
    metadata,
  });
}
