// Retention rules as pure functions: what a schedule keeps, and which of its sets a run may
// delete. No single change can destroy history at once:
// - a tenant minimum: no schedule keeps fewer than `minKeepLast` sets (owners set it);
// - a grace period: a reduction (a lower keepLast, a lower minimum or grace, a released legal
//   hold) takes effect only `graceDays` after it was made; until then the higher value stays in
//   force, so a token that lowers retention and runs a backup deletes nothing more than before;
// - legal holds: a held set is never deleted (the database refuses it too);
// - the newest set that holds a policy type no newer kept set holds is kept, so narrowing a
//   schedule's types never takes the last backup of the types it dropped.

const DAY_MS = 24 * 60 * 60 * 1000;

/** A reduction waiting out its grace period: the values before it stay in force until then. */
export interface PendingReduction<T> {
  previous: T;
  inForceUntil: Date;
  /** Audit actor of the change, blamed for the deletions it causes. */
  by: string;
}

export interface TenantRetention {
  minKeepLast: number;
  graceDays: number;
  reduction: PendingReduction<{ minKeepLast: number; graceDays: number }> | null;
}

export interface ScheduleRetention {
  keepLast: number;
  reduction: PendingReduction<{ keepLast: number }> | null;
}

const stillPending = (reduction: { inForceUntil: Date } | null, now: Date) =>
  reduction !== null && reduction.inForceUntil.getTime() > now.getTime();

/** The tenant's minimum and grace period in force at `now`. */
export function tenantRetentionInForce(tenant: TenantRetention, now: Date) {
  const previous = stillPending(tenant.reduction, now) ? tenant.reduction?.previous : undefined;
  return {
    minKeepLast: Math.max(tenant.minKeepLast, previous?.minKeepLast ?? 0),
    graceDays: Math.max(tenant.graceDays, previous?.graceDays ?? 0),
  };
}

/** How many of its newest sets the schedule keeps at `now`. */
export function keepLastInForce(schedule: ScheduleRetention, tenant: TenantRetention, now: Date): number {
  const previous = stillPending(schedule.reduction, now) ? (schedule.reduction?.previous.keepLast ?? 0) : 0;
  return Math.max(schedule.keepLast, previous, tenantRetentionInForce(tenant, now).minKeepLast);
}

/**
 * The schedule's retention after its keepLast is set to `keepLast` by `by`. Lowering it records a
 * reduction (the value in force until now, for the tenant's grace period); raising it applies at
 * once and leaves a pending reduction as it was (the higher value wins anyway).
 */
export function changeScheduleRetention(
  current: ScheduleRetention,
  keepLast: number,
  change: { tenant: TenantRetention; by: string; now: Date },
): ScheduleRetention {
  const inForce = Math.max(current.keepLast, pendingValue(current.reduction, change.now)?.keepLast ?? 0);
  if (keepLast >= inForce) return { ...current, keepLast };
  return {
    keepLast,
    reduction: reductionUntil({ keepLast: inForce }, change.tenant, change),
  };
}

/** The tenant's retention after `next` is applied by `by`: lowering either value is a reduction. */
export function changeTenantRetention(
  current: TenantRetention,
  next: { minKeepLast: number; graceDays: number },
  change: { by: string; now: Date },
): TenantRetention {
  const inForce = tenantRetentionInForce(current, change.now);
  if (next.minKeepLast >= inForce.minKeepLast && next.graceDays >= inForce.graceDays) {
    return { ...current, ...next };
  }
  return { ...next, reduction: reductionUntil(inForce, current, change) };
}

/** When a legal hold released at `now` stops protecting its set. */
export function holdReleaseProtectsUntil(tenant: TenantRetention, now: Date): Date {
  return new Date(now.getTime() + tenantRetentionInForce(tenant, now).graceDays * DAY_MS);
}

function pendingValue<T>(reduction: PendingReduction<T> | null, now: Date): T | undefined {
  return stillPending(reduction, now) ? reduction?.previous : undefined;
}

function reductionUntil<T>(
  previous: T,
  tenant: TenantRetention,
  change: { by: string; now: Date },
): PendingReduction<T> {
  return { previous, inForceUntil: holdReleaseProtectsUntil(tenant, change.now), by: change.by };
}

export interface SetForRetention {
  id: string;
  /** The policy types the set captured completely (even with no policy of a type). */
  policyTypes: string[];
  /** Under a legal hold, or released from one less than a grace period ago. */
  held: boolean;
}

export type DeletionCause = { kind: 'ageing' } | { kind: 'reduction'; by: string };

export interface RetentionPlan {
  delete: { id: string; cause: DeletionCause }[];
  /** Sets beyond keepLast kept because they are the newest to hold these types. */
  keptForTypes: { id: string; policyTypes: string[] }[];
  /** Sets beyond keepLast kept because of a legal hold. */
  keptForHold: string[];
}

/**
 * Which of a schedule's sets (newest first) to delete. Each deletion names its cause: plain
 * ageing (the set would be deleted under the values before any reduction as well) or the pending
 * or past reduction that brought keepLast below its rank.
 */
export function planRetention(
  sets: readonly SetForRetention[],
  rules: {
    schedule: ScheduleRetention;
    tenant: TenantRetention;
    now: Date;
    /** The set the running run just made: never deleted. */
    keepSetId: string;
  },
): RetentionPlan {
  const keepLast = keepLastInForce(rules.schedule, rules.tenant, rules.now);
  const plan: RetentionPlan = { delete: [], keptForTypes: [], keptForHold: [] };
  const covered = new Set<string>();
  const cover = (set: SetForRetention) => {
    for (const type of set.policyTypes) covered.add(type);
  };
  for (const [rank, set] of sets.entries()) {
    if (rank < keepLast || set.id === rules.keepSetId) {
      cover(set);
    } else if (set.held) {
      plan.keptForHold.push(set.id);
      cover(set);
    } else {
      const uncovered = set.policyTypes.filter((type) => !covered.has(type));
      if (uncovered.length > 0) {
        plan.keptForTypes.push({ id: set.id, policyTypes: uncovered });
        cover(set);
      } else {
        plan.delete.push({ id: set.id, cause: causeOf(rank, rules.schedule, rules.tenant) });
      }
    }
  }
  return plan;
}

/** A set at `rank` that a reduction's previous value would have kept is that reduction's doing. */
function causeOf(rank: number, schedule: ScheduleRetention, tenant: TenantRetention): DeletionCause {
  const scheduleReduction = schedule.reduction;
  if (scheduleReduction && rank < scheduleReduction.previous.keepLast)
    return { kind: 'reduction', by: scheduleReduction.by };
  const tenantReduction = tenant.reduction;
  if (tenantReduction && rank < tenantReduction.previous.minKeepLast)
    return { kind: 'reduction', by: tenantReduction.by };
  return { kind: 'ageing' };
}
