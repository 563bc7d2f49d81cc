// The activities of the RestorePlan workflow: which types the restore covers, one plan per type
// (live inventory fully paged, each selected object read as a backup reads it, references and
// permissions checked, every item decided by src/restore decideItem), and the end of planning.
// Payloads hold secrets: they are read and decided here and never cross Temporal.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db, Restore } from '../db/client';
import {
  type BackedUpItem,
  backedUpItems,
  finishPlan,
  lineageTargets,
  loadRestoreForPlan,
  type PlannedItemRow,
  replaceTypeItems,
  type RestoreForPlan,
  selectedTypes,
  storedFingerprints,
} from '../db/restorePlanning';
import {
  GraphAuthError,
  type GraphClient,
  GraphRequestError,
  isPolicyTypeKey,
  type ListedPolicyName,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
  type PolicyTypeKey,
  unescapeStoredText,
} from '../graph';
import { mapWithConcurrency } from '../graph/concurrency';
import { type Decision, decideItem } from '../restore/decide';
import { restoreOrder } from '../restore/recipes';
import type { AssignmentOption, ConditionalAccessState, Precondition } from '../restore/types';
import { RESTORE_PLAN_MAX_ATTEMPTS } from '../shared/constants';
import type { ActivityDeps } from './deps';
import {
  liveObjectOf,
  missingReferencesOf,
  type SealedLiveObject,
  secretFingerprintsOf,
  templateStatesOf,
  uncapturedSecretsOf,
} from './restoreLive';
import { failureForRefusedEndpoint } from './syncOutcome';
import { graphCredentials } from './syncPolicies';

/**
 * Live objects read at once per type. Each read completes the object's expansions (a settings
 * catalog policy is several requests), so a few in flight keep well inside the tenant's budget.
 */
const LIVE_READ_CONCURRENCY = 4;

export interface RestorePlanRef {
  restoreId: string;
}

/** The restore's order of types: dependencies first (scope tags, filters, ...), CA last. */
export const TYPES_IN_RESTORE_ORDER: readonly PolicyTypeKey[] = [...POLICY_TYPE_KEYS].sort(
  (a, b) => restoreOrder(a) - restoreOrder(b),
);

export function createRestorePlanActivities({ db, graph, secrets }: ActivityDeps) {
  /** The client of the restore's tenant, or a failure no retry can fix. */
  const clientOf = (loaded: RestoreForPlan): Promise<GraphClient> =>
    graph
      .forTenant(loaded.tenant.id, graphCredentials(loaded.tenant, secrets))
      .catch(failureForRefusedEndpoint);

  return {
    /** The policy types the plan covers, in restore order; none when planning already ended. */
    async beginRestorePlan({ restoreId }: RestorePlanRef): Promise<{ types: string[] }> {
      const loaded = await requireRestore(db, restoreId);
      if (loaded.restore.status !== 'planning') return { types: [] };
      const types = new Set(await selectedTypes(db, loaded.restore));
      const unknown = [...types].filter((type) => !isPolicyTypeKey(type));
      if (unknown.length > 0)
        throw ApplicationFailure.nonRetryable(`Unknown policy types: ${unknown.join(', ')}`, 'unknown_type');
      return { types: TYPES_IN_RESTORE_ORDER.filter((type) => types.has(type)) };
    },

    /** Decides every selected item of one type against the live tenant and stores the items. */
    async planRestoreType({
      restoreId,
      type,
    }: RestorePlanRef & { type: string }): Promise<{ items: number }> {
      const context = Context.current();
      const loaded = await requireRestore(db, restoreId);
      if (loaded.restore.status !== 'planning' || !isPolicyTypeKey(type)) return { items: 0 };
      const client = await clientOf(loaded);
      const lastAttempt = context.info.attempt >= RESTORE_PLAN_MAX_ATTEMPTS;
      let rows: PlannedItemRow[];
      try {
        rows = await planType(db, client, loaded, type, {
          seal: { tenantId: loaded.tenant.id, cipher: secrets.settingValues },
          lastAttempt,
          signal: context.cancellationSignal,
          onItem: (done) => context.heartbeat({ type, done }),
        });
      } catch (error) {
        // A type the app may not read cannot be planned, but the other types can: its items are
        // blocked, naming the permission to grant, instead of failing the whole plan.
        if (!(error instanceof GraphRequestError && error.status === 403)) throw planFailure(error);
        rows = await unreadableTypeRows(db, loaded.restore, type, error);
      }
      await replaceTypeItems(db, restoreId, type, rows);
      return { items: rows.length };
    },

    /** Ends planning: `planned` with counts and planHash, or `plan_failed` with `failure`. */
    async finishRestorePlan({ restoreId, failure }: RestorePlanRef & { failure?: string }) {
      const end = failure === undefined ? { typeOrder: TYPES_IN_RESTORE_ORDER } : { failure };
      return { status: await finishPlan(db, restoreId, end) };
    },
  };
}

export type RestorePlanActivities = ReturnType<typeof createRestorePlanActivities>;

async function requireRestore(db: Db, restoreId: string): Promise<RestoreForPlan> {
  const loaded = await loadRestoreForPlan(db, restoreId);
  if (!loaded)
    throw ApplicationFailure.nonRetryable(
      `Restore ${restoreId} or its backup set does not exist`,
      'restore_not_found',
    );
  return loaded;
}

interface PlanTypeOptions {
  seal: Parameters<typeof liveObjectOf>[3];
  lastAttempt: boolean;
  signal: AbortSignal;
  onItem: (done: number) => void;
}

async function planType(
  db: Db,
  client: GraphClient,
  { restore, tenant, backupSet }: RestoreForPlan,
  type: PolicyTypeKey,
  options: PlanTypeOptions,
): Promise<PlannedItemRow[]> {
  const { items, notInBackup } = await backedUpItems(db, restore, type);
  // The whole inventory, every page: an object missed here would be planned as a create.
  const listed = await client.listPolicyNames(type, { signal: options.signal });
  const byId = new Map(listed.map((object) => [object.id, object]));
  const sources = [...items.map((item) => item.graphId), ...notInBackup];
  const lineage = await lineageTargets(db, tenant.id, type, sources);
  const grantedPermissions = await client.tokenRoles();
  const stored = await storedFingerprints(
    db,
    tenant.id,
    items.flatMap((item) => secretFingerprintsOf(item.payload)),
  );
  const missing = await missingReferencesOf(
    type,
    new Map(items.map((item) => [item.graphId, item.payload])),
    {
      client,
      skipAssignments: restore.assignments === 'skip',
      lastAttempt: options.lastAttempt,
      signal: options.signal,
    },
  );

  const templateStates = await templateStatesOf(
    items.map((item) => item.payload),
    client,
    options.signal,
  );

  /** The live object the source is now: itself, else the newest object a restore made of it. */
  const liveOf = async (sourceId: string): Promise<SealedLiveObject | null> => {
    const target = [sourceId, ...(lineage.get(sourceId) ?? [])].find((id) => byId.has(id));
    if (target === undefined) return null;
    const odataType = byId.get(target)?.odataType ?? undefined;
    const fetched = await client.fetchPolicyById(type, target, { signal: options.signal, odataType });
    return fetched ? liveObjectOf(type, target, fetched, options.seal) : null;
  };

  let done = 0;
  const decided = await mapWithConcurrency(items, LIVE_READ_CONCURRENCY, async (item) => {
    const live = await liveOf(item.graphId);
    const decision = decideItem({
      policyType: type,
      sourceGraphId: item.graphId,
      backup: item.payload,
      mode: restore.mode,
      assignments: restore.assignments as AssignmentOption,
      conditionalAccessState: restore.conditionalAccessState as ConditionalAccessState,
      live,
      sameName: live ? [] : sameNamed(listed, unescapeStoredText(item.displayName)),
      grantedPermissions,
      missingReferences: missing.get(item.graphId) ?? [],
      uncapturedSecrets: uncapturedSecretsOf(type, item.payload, stored),
      backupCreatedAt: backupSet.createdAt,
      templateStates,
    });
    options.onItem(++done);
    return rowOf(item, decision);
  });
  const absentFromSet = await mapWithConcurrency(notInBackup, LIVE_READ_CONCURRENCY, async (graphId) =>
    notInBackupRow(restore, type, graphId, await liveOf(graphId)),
  );
  return [...decided, ...absentFromSet];
}

function sameNamed(listed: readonly ListedPolicyName[], name: string) {
  return listed
    .filter((object) => object.name === name)
    .map(({ id, odataType }) => ({ id, name, ...(odataType === null ? {} : { odataType }) }));
}

function rowOf(item: BackedUpItem, decision: Decision): PlannedItemRow {
  return {
    policyType: item.policyType,
    sourceGraphId: item.graphId,
    displayName: item.displayName,
    payloadHash: item.payloadHash,
    action: decision.action,
    precondition: decision.precondition,
    ...(decision.blockedReason === undefined ? {} : { blockedReason: decision.blockedReason }),
    ...(decision.blockedDetail === undefined ? {} : { blockedDetail: decision.blockedDetail }),
    ...(decision.targetGraphId === undefined ? {} : { targetGraphId: decision.targetGraphId }),
    ...(decision.changes === undefined ? {} : { changes: decision.changes }),
    ...(decision.adjustments === undefined ? {} : { adjustments: decision.adjustments }),
  };
}

/** An item the request names that the backup set does not hold: blocked, with the live state. */
function notInBackupRow(
  restore: Restore,
  type: PolicyTypeKey,
  graphId: string,
  live: SealedLiveObject | null,
): PlannedItemRow {
  const precondition: Precondition = live
    ? { hash: live.hash, lastModifiedDateTime: live.lastModifiedDateTime }
    : { absent: true };
  return {
    policyType: type,
    sourceGraphId: graphId,
    displayName: graphId,
    payloadHash: '',
    action: 'blocked',
    blockedReason: 'not_in_backup',
    blockedDetail: `Backup set ${restore.backupSetId} holds no ${POLICY_TYPES[type].displayName} object ${graphId}.`,
    precondition,
  };
}

/**
 * Every item the restore names of a type whose live side Graph refused to show (403): blocked
 * `permission_missing`, naming the read permission. Nothing live was seen, so no precondition.
 */
async function unreadableTypeRows(
  db: Db,
  restore: Restore,
  type: PolicyTypeKey,
  error: GraphRequestError,
): Promise<PlannedItemRow[]> {
  const { items, notInBackup } = await backedUpItems(db, restore, type);
  const { displayName, permission } = POLICY_TYPES[type];
  const blocked = {
    action: 'blocked' as const,
    blockedReason: 'permission_missing' as const,
    blockedDetail: `The app may not read ${displayName} (needs ${permission}): Graph answered 403 on ${error.path}.`,
    precondition: { absent: true } as const,
  };
  return [
    ...items.map((item) => ({
      policyType: type,
      sourceGraphId: item.graphId,
      displayName: item.displayName,
      payloadHash: item.payloadHash,
      ...blocked,
    })),
    ...notInBackup.map((graphId) => ({
      policyType: type,
      sourceGraphId: graphId,
      displayName: graphId,
      payloadHash: '',
      ...blocked,
    })),
  ];
}

/**
 * A failed type as Temporal should treat it: a bad credential will not heal by retrying, so it
 * fails at once, with a message a person can act on; transient Graph errors are retried.
 */
function planFailure(error: unknown): unknown {
  if (error instanceof GraphAuthError)
    return ApplicationFailure.create({
      message: error.message,
      type: 'graph_auth_failed',
      nonRetryable: true,
    });
  if (error instanceof GraphRequestError && error.retryAfterMs !== undefined)
    return ApplicationFailure.create({
      message: error.message,
      type: 'graph_throttled',
      nextRetryDelay: error.retryAfterMs,
    });
  return error;
}
