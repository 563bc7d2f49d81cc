// The RestoreRun workflow's activities: begin (the items still to do and their step names; noop
// and blocked items get their outcome at once), one step of one item (ledger first, then the
// write, built here from the backup so secrets never cross Temporal), and finish (status, audit,
// restore.finished). Graph's refusals become item outcomes; only infrastructure errors throw.
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import type { AuditActor } from '../db/audit';
import type { Db, RestoreItem, RestoreStep } from '../db/client';
import {
  finishRestore,
  pendingRestoreDeliveries,
  readStep,
  recordIntent,
  recordLineage,
  recordStepEnd,
  setItemOutcome,
} from '../db/restoreLedger';
import { type GraphClient, unescapeStoredJson } from '../graph';
import { POLICY_TYPES, type PolicyTypeKey } from '../graph/policyTypes';
import type { GraphJson, Precondition } from '../restore/types';
import { hasMarker, markerOf } from '../restore/marker';
import { restoreOrder, WRITE_LIMITS } from '../restore/recipes';
import { stepsFor } from '../restore/steps';
import { verifyRestored } from '../restore/verify';
import { DEFAULT_WRITE_BUDGET_FRACTION, WriteBudget } from '../restore/writeBudget';
import { startDeliveryWorkflows, startOrLeaveToRelay } from '../temporal/deliveryStarts';
import { type ActivityDeps, DEFAULT_RUN_NOTIFICATION_SETTINGS, type RestoreWriteSettings } from './deps';
import { liveObjectOf } from './restoreLive';
import {
  backupBodyOf,
  createNameOf,
  type LoadedItem,
  loadItem,
  type RestoreStepInput,
} from './restoreInputs';
import {
  runCreate,
  runEnsureEach,
  runRequest,
  withTargetId,
  type WriteContext,
  type WriteResult,
} from './restoreWrites';
import { graphCredentials } from './syncPolicies';

/** RESTORE_CREATE_LOOKUP_SECONDS' default. */
const DEFAULT_RESTORE_WRITES: RestoreWriteSettings = {
  writeBudgetFraction: DEFAULT_WRITE_BUDGET_FRACTION,
  createLookupMs: 120_000,
};

export interface RestoreApplyInput {
  restoreId: string;
  round: number;
}
export interface PlannedItemSteps {
  itemId: string;
  /** src/restore restoreOrder of its type: lower tiers (dependencies) are applied first. */
  tier: number;
  steps: string[];
}
export interface RestoreStepResult {
  /** The item has its outcome (stale, failed, or verified): its later steps are not run. */
  itemFinished: boolean;
}

const PRECONDITION = 'precondition';
const VERIFY = 'verify';

export function createRestoreApplyActivities(deps: ActivityDeps) {
  const { db } = deps;
  const settings = deps.restoreWrites ?? DEFAULT_RESTORE_WRITES;
  // One per worker: its state is the graph_write_budgets rows every worker shares.
  const writeBudget = new WriteBudget(db, { limits: WRITE_LIMITS, fraction: settings.writeBudgetFraction });
  const lookupPollMs = settings.lookupPollMs ?? 2_000;
  const actorOf = (appliedBy: string | null): AuditActor =>
    appliedBy?.startsWith('user:') ? (appliedBy as AuditActor) : 'operator';

  async function beginRestoreApply(input: RestoreApplyInput): Promise<{ items: PlannedItemSteps[] }> {
    const restore = await db.restore.findUnique({
      where: { id: input.restoreId },
      include: { tenant: true },
    });
    if (!restore)
      throw ApplicationFailure.nonRetryable(`restore ${input.restoreId} does not exist`, 'restore_not_found');
    // Only the current round runs: a round whose start arrived late (its cancel already recorded by
    // the API, a new round begun) would write beside it.
    if (restore.status !== 'applying' || restore.applyRounds !== input.round) return { items: [] };
    const audit = { tenantId: restore.tenantId, actor: actorOf(restore.appliedBy), round: input.round };
    const open = await db.restoreItem.findMany({
      where: { restoreId: restore.id, outcome: null },
      orderBy: { position: 'asc' },
    });
    const items: PlannedItemSteps[] = [];
    for (const item of open) {
      if (item.action === 'noop' || item.action === 'blocked') {
        await setItemOutcome(db, item, audit, {
          outcome: item.action,
          detail: item.blockedDetail ?? item.blockedReason,
        });
        continue;
      }
      const loaded: LoadedItem = {
        item,
        restore,
        tenant: restore.tenant,
        policyType: item.policyType as PolicyTypeKey,
      };
      const writes = stepsFor(await stepInputOf(loaded, null));
      items.push({
        itemId: item.id,
        tier: restoreOrder(loaded.policyType),
        steps: [PRECONDITION, ...writes.map((step) => step.name), VERIFY],
      });
    }
    return { items };
  }

  async function stepInputOf(loaded: LoadedItem, live: GraphJson | null): Promise<RestoreStepInput> {
    const { item, restore, tenant, policyType } = loaded;
    return {
      policyType,
      backup: await backupBodyOf(db, deps.secrets.settingValues, tenant.id, item.payloadHash),
      action: item.action === 'create' ? 'create' : 'update',
      targetGraphId: item.targetGraphId,
      live,
      assignments: restore.assignments as RestoreStepInput['assignments'],
      conditionalAccessState: restore.conditionalAccessState as RestoreStepInput['conditionalAccessState'],
      createName: createNameOf(policyType, item),
      marker: markerOf(restore.id, item.id),
    };
  }

  async function liveOf(client: GraphClient, type: PolicyTypeKey, graphId: string | null) {
    if (!graphId) return null;
    return client.fetchPolicyById(type, graphId);
  }

  async function applyRestoreStep(
    input: RestoreApplyInput & { itemId: string; step: string },
  ): Promise<RestoreStepResult> {
    const ticker = setInterval(() => heartbeat({ step: input.step }), 10_000);
    try {
      return await runStep(input);
    } catch (error) {
      // A refusal no retry can change (a secret not captured, a payload gone): the item fails.
      if (!(error instanceof ApplicationFailure && error.nonRetryable)) throw error;
      await failItem(
        await loadItem(db, input.restoreId, input.itemId),
        input,
        error.type ?? 'failed',
        error.message,
      );
      return { itemFinished: true };
    } finally {
      clearInterval(ticker);
    }
  }

  async function runStep(
    input: RestoreApplyInput & { itemId: string; step: string },
  ): Promise<RestoreStepResult> {
    const loaded = await loadItem(db, input.restoreId, input.itemId);
    const { item, tenant, policyType } = loaded;
    if (item.outcome !== null) return { itemFinished: true };
    const key = { restoreId: input.restoreId, itemId: item.id, step: input.step };
    const ledger = await readStep(db, key.restoreId, key.itemId, key.step);
    if (ledger?.state === 'done' && !(input.step === PRECONDITION && (await checkAgain(ledger, input.round))))
      return { itemFinished: false };
    const client = await deps.graph.forTenant(tenant.id, graphCredentials(tenant, deps.secrets));
    const created = item.action === 'create' ? await readStep(db, key.restoreId, key.itemId, 'create') : null;
    const targetGraphId = item.action === 'create' ? (created?.targetGraphId ?? null) : item.targetGraphId;

    if (input.step === PRECONDITION) {
      const stale = await staleReason(client, loaded);
      const round = input.round;
      await recordStepEnd(db, key, 'done', { result: stale ? { stale: true, round } : { ok: true, round } });
      if (!stale) return { itemFinished: false };
      await setItemOutcome(db, item, auditOf(loaded, input.round), { outcome: 'stale', detail: stale });
      return { itemFinished: true };
    }

    const live = item.action === 'update' ? await liveOf(client, policyType, targetGraphId) : null;
    const stepInput = await stepInputOf(
      loaded,
      live ? (unescapeStoredJson(live.payload) as GraphJson) : null,
    );
    if (input.step === VERIFY) return verify(client, loaded, stepInput, targetGraphId, input.round);

    const planned = stepsFor(stepInput).find((step) => step.name === input.step);
    if (!planned) {
      // The item's steps no longer include it (built from the live object): nothing to write.
      await recordStepEnd(db, key, 'done', { result: { skipped: true } });
      return { itemFinished: false };
    }
    const step = withTargetId(planned, targetGraphId);
    const ctx: WriteContext = {
      db,
      client,
      writer: client.writer(),
      budget: writeBudget,
      tenantId: tenant.id,
      policyType,
      version: POLICY_TYPES[policyType].graphVersion,
      key,
      lookupMs: settings.createLookupMs,
      lookupPollMs,
      hasMarker: hasMarker,
    };
    let result: WriteResult;
    if (step.kind === 'create') result = await runCreate(ctx, step, stepInput.marker, ledger);
    else {
      await recordIntent(db, key, { targetGraphId });
      result = step.kind === 'request' ? await runRequest(ctx, step) : await runEnsureEach(ctx, step);
    }
    if (result.kind === 'refused') {
      await recordStepEnd(db, key, 'failed', { result: { status: result.status, code: result.code } });
      await failItem(loaded, input, result.code ?? `status_${result.status}`, `Graph refused ${input.step}`);
      return { itemFinished: true };
    }
    const writtenTo = result.targetGraphId ?? targetGraphId;
    await recordStepEnd(db, key, 'done', { targetGraphId: writtenTo });
    // A copy (as_copy) is a new object beside its source, not the source re-created: linked, a later
    // plan would take the copy for the source (missing_only: noop; in_place: overwrite the copy).
    if (
      step.kind === 'create' &&
      loaded.restore.mode !== 'as_copy' &&
      result.targetGraphId &&
      result.targetGraphId !== item.sourceGraphId
    )
      await recordLineage(db, {
        tenantId: tenant.id,
        policyType,
        targetGraphId: result.targetGraphId,
        sourceGraphId: item.sourceGraphId,
        restoreId: input.restoreId,
      });
    return { itemFinished: false };
  }

  /**
   * A precondition passed in an earlier round (canceled or crashed since) says nothing about the
   * object now: checked again while none of the item's writes has begun. Once one has, the live
   * object may be partly ours and no longer compares with the plan's hash.
   */
  async function checkAgain(ledger: RestoreStep, round: number): Promise<boolean> {
    if ((ledger.result as { round?: unknown } | null)?.round === round) return false;
    const begun = await db.restoreStep.count({
      where: { restoreId: ledger.restoreId, itemId: ledger.itemId, step: { not: PRECONDITION } },
    });
    return begun === 0;
  }

  /** Why the live object is no longer what the plan saw (null: it is). */
  async function staleReason(client: GraphClient, loaded: LoadedItem): Promise<string | null> {
    const { item, policyType } = loaded;
    const precondition = item.precondition as Precondition;
    if ('absent' in precondition) {
      // A copy is a new object beside the source, which may well exist: nothing to re-check by id.
      if (loaded.restore.mode === 'as_copy') return null;
      const back = await liveOf(client, policyType, item.sourceGraphId);
      return back ? 'the object exists again in Graph since the plan' : null;
    }
    const graphId = item.targetGraphId ?? item.sourceGraphId;
    const live = await liveOf(client, policyType, graphId);
    if (!live) return 'the object was deleted in Graph since the plan';
    // Sealed and hashed as the plan (and a backup) hash it, so an unchanged object compares equal.
    const seal = { tenantId: loaded.tenant.id, cipher: deps.secrets.settingValues };
    return liveObjectOf(policyType, graphId, live, seal).hash === precondition.hash
      ? null
      : 'the object was changed in Graph since the plan';
  }

  async function verify(
    client: GraphClient,
    loaded: LoadedItem,
    stepInput: RestoreStepInput,
    targetGraphId: string | null,
    round: number,
  ): Promise<RestoreStepResult> {
    const { item, policyType } = loaded;
    const deadline = Date.now() + settings.createLookupMs;
    let readBack = await liveOf(client, policyType, targetGraphId);
    // A just-created object may not be readable at once (eventual consistency).
    while (!readBack && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, lookupPollMs));
      readBack = await liveOf(client, policyType, targetGraphId);
    }
    const key = { restoreId: item.restoreId, itemId: item.id, step: VERIFY };
    if (!readBack) {
      await recordStepEnd(db, key, 'failed', { result: { notFound: true } });
      await failItem(loaded, { round }, 'not_found_after_write', 'the written object could not be read back');
      return { itemFinished: true };
    }
    const { verification, serverChanges } = verifyRestored(
      stepInput,
      unescapeStoredJson(readBack.payload) as GraphJson,
    );
    await recordStepEnd(db, key, 'done', { targetGraphId, result: { verification } });
    await setItemOutcome(db, item, auditOf(loaded, round), {
      outcome: item.action === 'create' ? 'created' : 'updated',
      createdGraphId: item.action === 'create' ? targetGraphId : null,
      verification,
      // Paths only: the values sent may be secrets.
      serverChanges: serverChanges.map((change) => change.path),
    });
    return { itemFinished: true };
  }

  function auditOf(loaded: LoadedItem, round: number) {
    return { tenantId: loaded.tenant.id, actor: actorOf(loaded.restore.appliedBy), round };
  }

  async function failItem(loaded: LoadedItem, input: { round: number }, code: string, what: string) {
    await setItemOutcome(db, loaded.item as RestoreItem, auditOf(loaded, input.round), {
      outcome: 'failed',
      detail: `${what} (${code})`,
    });
  }

  async function finishRestoreApply(input: RestoreApplyInput & { canceled: boolean }) {
    const settings = deps.notifications ?? DEFAULT_RUN_NOTIFICATION_SETTINGS;
    const finished = await finishRestore(db as Db, { ...input, publicApiUrl: settings.publicApiUrl });
    const pending = await pendingRestoreDeliveries(db, input.restoreId);
    // Delivery workflows run on the workflow queue the restore queue was derived from.
    const taskQueue = Context.current().info.taskQueue.replace(/-restore$/, '');
    await startOrLeaveToRelay(deps.logger, { restoreId: input.restoreId }, () =>
      startDeliveryWorkflows(Context.current().client, db, pending, {
        taskQueue,
        retrySchedule: settings.retrySchedule,
      }),
    );
    return { status: finished.status, outcomes: finished.outcomes };
  }

  return { beginRestoreApply, applyRestoreStep, finishRestoreApply };
}

export type RestoreApplyActivities = ReturnType<typeof createRestoreApplyActivities>;
