// Retention rules as pure functions: what a schedule keeps, and which of its sets a run may
// delete. No single token can destroy history faster than the tenant's grace period:
// - a tenant minimum: no schedule keeps fewer than `minKeepLast` sets (owners set it);
// - young sets: a set younger than the grace period is never deleted and does not count towards
//   keepLast, so pressing "run now" over and over (or switching to an hourly schedule) cannot
//   push older sets out;
// - reductions wait: a lower keepLast, minimum or grace period, or a released legal hold, takes
//   effect only `graceDays` after it was made; until then the higher value stays in force;
// - legal holds: a held set is never deleted (the database refuses it too);
// - baselines: a set a baseline pins is never deleted while the baseline exists (the database
//   refuses it too); deleting the baseline unpins it at once, as pinning is no safeguard;
// - the newest set that holds a policy type no newer kept set holds is kept, so narrowing a
//   schedule's types never takes the last backup of the types it dropped.

const DAY_MS = 24 * 60 * 60 * 1000;
/** Reductions remembered per schedule or tenant, for the audit of the deletions they cause. */
const REDUCTIONS_KEPT = 20;

/** A change that lowered retention: `from` stays in force until `inForceUntil`. */
export interface Reduction<T> {
  from: T;
  to: T;
  inForceUntil: Date;
  /** Audit actor of the change, named on the deletions it causes. */
  by: string;
}

export interface TenantLimits {
  minKeepLast: number;
  graceDays: number;
}

export interface TenantRetention extends TenantLimits {
  reductions: Reduction<TenantLimits>[];
}

export interface ScheduleRetention {
  keepLast: number;
  reductions: Reduction<number>[];
}

export const pendingReductions = <T>(reductions: readonly Reduction<T>[], now: Date) =>
  reductions.filter((reduction) => reduction.inForceUntil.getTime() > now.getTime());

/** The tenant's minimum and grace period in force at `now`. */
export function tenantRetentionInForce(tenant: TenantRetention, now: Date): TenantLimits {
  const pending = pendingReductions(tenant.reductions, now).map((reduction) => reduction.from);
  return {
    minKeepLast: Math.max(tenant.minKeepLast, ...pending.map((limits) => limits.minKeepLast)),
    graceDays: Math.max(tenant.graceDays, ...pending.map((limits) => limits.graceDays)),
  };
}

/** How many of its sets older than the grace period the schedule keeps at `now`. */
export function keepLastInForce(schedule: ScheduleRetention, tenant: TenantRetention, now: Date): number {
  const pending = pendingReductions(schedule.reductions, now).map((reduction) => reduction.from);
  return Math.max(schedule.keepLast, ...pending, tenantRetentionInForce(tenant, now).minKeepLast);
}

/**
 * The reduction a change made, if it made one: the change functions below keep the reductions
 * list as it was (the same array) unless they add one.
 */
export function reductionMadeBy<T>(
  before: { reductions: readonly Reduction<T>[] },
  after: { reductions: readonly Reduction<T>[] },
): Reduction<T> | undefined {
  return after.reductions === before.reductions ? undefined : after.reductions.at(-1);
}

/** When a reduction made at `now` takes effect (or a hold released at `now` stops protecting). */
export function reductionInForceUntil(tenant: TenantRetention, now: Date): Date {
  return new Date(now.getTime() + tenantRetentionInForce(tenant, now).graceDays * DAY_MS);
}

/**
 * The schedule's retention after `by` sets its keepLast. A lower value is a reduction that waits
 * out the tenant's grace period; the same or a higher value applies at once and leaves pending
 * reductions as they are (the highest value in force wins anyway).
 */
export function changeScheduleRetention(
  current: ScheduleRetention,
  keepLast: number,
  change: { tenant: TenantRetention; by: string; now: Date },
): ScheduleRetention {
  if (keepLast >= current.keepLast) return { ...current, keepLast };
  const reduction = {
    from: current.keepLast,
    to: keepLast,
    inForceUntil: reductionInForceUntil(change.tenant, change.now),
    by: change.by,
  };
  return { keepLast, reductions: [...current.reductions, reduction].slice(-REDUCTIONS_KEPT) };
}

/** The tenant's retention after `by` sets it to `next`: lowering either value is a reduction. */
export function changeTenantRetention(
  current: TenantRetention,
  next: TenantLimits,
  change: { by: string; now: Date },
): TenantRetention {
  if (next.minKeepLast >= current.minKeepLast && next.graceDays >= current.graceDays)
    return { ...current, ...next };
  const reduction = {
    from: { minKeepLast: current.minKeepLast, graceDays: current.graceDays },
    to: next,
    inForceUntil: reductionInForceUntil(current, change.now),
    by: change.by,
  };
  return { ...next, reductions: [...current.reductions, reduction].slice(-REDUCTIONS_KEPT) };
}

export interface SetForRetention {
  id: string;
  createdAt: Date;
  /** The policy types the set captured completely (even with no policy of a type). */
  policyTypes: string[];
  /** Under a legal hold, or released from one less than a grace period ago. */
  held: boolean;
  /** Pinned by a baseline. */
  pinned: boolean;
}

export type DeletionCause = { kind: 'ageing' } | { kind: 'reduction'; by: string };

export interface RetentionPlan {
  /** The keepLast in force (counted among sets older than the grace period). */
  keepLast: number;
  delete: { id: string; cause: DeletionCause }[];
  /** Sets beyond keepLast kept because they are the newest to hold these types. */
  keptForTypes: { id: string; policyTypes: string[] }[];
  /** Sets beyond keepLast kept because of a legal hold. */
  keptForHold: string[];
  /** Sets beyond keepLast kept because a baseline pins them (and no hold does). */
  keptForBaseline: string[];
}

/**
 * Which of a schedule's sets (newest first) to delete at `now`. Sets younger than the grace
 * period are kept and not counted; of the older ones the newest keepLast are kept. Each deletion
 * names its cause: plain ageing, or the reduction that brought keepLast (or the tenant minimum)
 * below the set's rank.
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
  const youngSince = rules.now.getTime() - tenantRetentionInForce(rules.tenant, rules.now).graceDays * DAY_MS;
  const plan: RetentionPlan = {
    keepLast,
    delete: [],
    keptForTypes: [],
    keptForHold: [],
    keptForBaseline: [],
  };
  const covered = new Set<string>();
  const cover = (set: SetForRetention) => {
    for (const type of set.policyTypes) covered.add(type);
  };
  let rank = 0;
  for (const set of sets) {
    if (set.createdAt.getTime() > youngSince) {
      cover(set);
      continue;
    }
    const setRank = rank++;
    if (setRank < keepLast || set.id === rules.keepSetId) {
      cover(set);
    } else if (set.held) {
      plan.keptForHold.push(set.id);
      cover(set);
    } else if (set.pinned) {
      plan.keptForBaseline.push(set.id);
      cover(set);
    } else {
      const uncovered = set.policyTypes.filter((type) => !covered.has(type));
      if (uncovered.length > 0) {
        plan.keptForTypes.push({ id: set.id, policyTypes: uncovered });
        cover(set);
      } else {
        plan.delete.push({ id: set.id, cause: causeOf(setRank, rules.schedule, rules.tenant) });
      }
    }
  }
  return plan;
}

/**
 * The latest reduction that moved the boundary past `rank` (its value before kept the set, its
 * value after does not): of the schedule's keepLast first, then of the tenant minimum.
 */
function causeOf(rank: number, schedule: ScheduleRetention, tenant: TenantRetention): DeletionCause {
  const ofSchedule = [...schedule.reductions].reverse().find((r) => rank < r.from && rank >= r.to);
  if (ofSchedule) return { kind: 'reduction', by: ofSchedule.by };
  const ofTenant = [...tenant.reductions]
    .reverse()
    .find((r) => rank < r.from.minKeepLast && rank >= r.to.minKeepLast);
  if (ofTenant) return { kind: 'reduction', by: ofTenant.by };
  return { kind: 'ageing' };
}
