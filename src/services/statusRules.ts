// A tenant's health at a glance, from facts the status service reads (src/db/tenantStatus.ts).
// Pure: the rules are a table of conditions, each naming the state it pushes the tenant to and
// why; the tenant's state is the worst state any rule gives. Unit-tested in
// test/unit/statusRules.test.ts over hand-made facts.

export type TenantState = 'healthy' | 'degraded' | 'failing' | 'never_run' | 'offboarded';

/** Worst first: the order `GET /v1/status?sort=state` lists tenants in (offboarded ones last). */
export const STATE_ORDER: TenantState[] = ['failing', 'degraded', 'never_run', 'healthy', 'offboarded'];

export type RunOutcomeStatus = 'succeeded' | 'partial' | 'failed';

/**
 * Type outcomes that are no fault of the tenant's setup: `unsupported` means the tenant lacks the
 * licensed feature, which no permission fixes. The run records such a run as `partial`
 * (src/workflows/summary.ts, released code); status counts those types as captured.
 */
export const NOT_FAILING_TYPE_OUTCOMES: readonly string[] = ['ok', 'unsupported'];

/** A partial run whose only non-ok types are unsupported captured all the tenant has: succeeded. */
export function judgedRunStatus(status: RunOutcomeStatus, typeOutcomes: string[]): RunOutcomeStatus {
  const onlyUnsupported = typeOutcomes.every((outcome) => NOT_FAILING_TYPE_OUTCOMES.includes(outcome));
  return status === 'partial' && onlyUnsupported ? 'succeeded' : status;
}

export interface FailingType {
  type: string;
  outcome: string;
  reason?: string;
  requiredPermission?: string;
}

export interface ScheduleFacts {
  id: string;
  name: string;
  enabled: boolean;
  /** The row's Temporal sync state: anything but `synced` means Temporal may not run it as shown. */
  syncState: string;
  /** The longest gap between two fires of the schedule. */
  intervalMs: number;
  /** The newest run that reached an outcome of its own (skipped and canceled runs do not count). */
  lastOutcome: { status: RunOutcomeStatus; errorCode: string | null; finishedAt: Date | null } | null;
  /** The types that did not end `ok` in that run. */
  failingTypes: FailingType[];
  /** When the newest run that made a backup set (succeeded or partial) finished. */
  lastBackupAt: Date | null;
  /**
   * When the schedule was created: a schedule that never made a set is overdue counted from here
   * (the row stores no time it was last enabled).
   */
  createdAt: Date;
}

export interface TenantFacts {
  schedules: ScheduleFacts[];
  /** Whether the client secret is stored under the active key of SECRET_ENCRYPTION_KEYS. */
  secretUnderActiveKey: boolean;
  /** False once offboarding erased the secret: then no key rule applies. */
  secretStored: boolean;
  /** Set for an offboarded tenant: its state is `offboarded` and no other rule applies. */
  offboarding: { offboardedAt: Date; purgeAfter: Date | null } | null;
  now: Date;
}

export interface StateReason {
  state: Exclude<TenantState, 'healthy'>;
  code: string;
  message: string;
  scheduleId?: string;
}

/** Backups older than this many intervals of their schedule make the tenant degraded, then failing. */
export const OVERDUE_INTERVALS = { degraded: 2, failing: 4 } as const;

interface ScheduleRule {
  state: StateReason['state'];
  code: string;
  when: (schedule: ScheduleFacts, now: Date) => boolean;
  message: (schedule: ScheduleFacts, now: Date) => string;
}

// A schedule that never made a set is overdue from its creation: one that should have fired weeks
// ago and never ran (or whose runs hang) is as stale as one whose newest set is weeks old.
const backupAgeIntervals = (schedule: ScheduleFacts, now: Date) =>
  (now.getTime() - (schedule.lastBackupAt ?? schedule.createdAt).getTime()) / schedule.intervalMs;
const hasRun = (schedule: ScheduleFacts) => schedule.lastOutcome !== null;
const typeList = (types: FailingType[]) =>
  types.map((t) => `${t.type} (${t.outcome}${t.reason ? `: ${t.reason}` : ''})`).join('; ');

/** The rules, one row per condition. A schedule that never ran is judged as overdue from its creation. */
const SCHEDULE_RULES: ScheduleRule[] = [
  {
    state: 'failing',
    code: 'last_run_failed',
    when: (s) => s.lastOutcome?.status === 'failed',
    message: (s) => `the last run of "${s.name}" failed (${s.lastOutcome?.errorCode ?? 'unknown error'})`,
  },
  {
    state: 'failing',
    code: 'no_recent_backup',
    when: (s, now) => s.enabled && backupAgeIntervals(s, now) > OVERDUE_INTERVALS.failing,
    message: (s) => `"${s.name}" made no backup set within ${OVERDUE_INTERVALS.failing} intervals`,
  },
  {
    state: 'degraded',
    code: 'backup_overdue',
    when: (s, now) => {
      const age = backupAgeIntervals(s, now);
      return s.enabled && age > OVERDUE_INTERVALS.degraded && age <= OVERDUE_INTERVALS.failing;
    },
    message: (s) =>
      `the newest backup set of "${s.name}" is older than ${OVERDUE_INTERVALS.degraded} intervals`,
  },
  {
    state: 'degraded',
    code: 'types_failing',
    when: (s) => s.lastOutcome?.status === 'partial' && s.failingTypes.length > 0,
    message: (s) => `the last run of "${s.name}" was partial: ${typeList(s.failingTypes)}`,
  },
  {
    state: 'degraded',
    code: 'schedule_disabled',
    when: (s) => !s.enabled,
    message: (s) => `"${s.name}" is disabled (paused in Temporal)`,
  },
  {
    state: 'degraded',
    code: 'schedule_out_of_sync',
    when: (s) => s.syncState !== 'synced',
    message: (s) => `"${s.name}" is not in sync with Temporal (${s.syncState})`,
  },
];

interface TenantRule {
  state: StateReason['state'];
  code: string;
  when: (facts: TenantFacts) => boolean;
  message: string;
}

const TENANT_RULES: TenantRule[] = [
  {
    state: 'never_run',
    code: 'no_schedules',
    when: (facts) => facts.schedules.length === 0,
    message: 'the tenant has no backup schedule',
  },
  {
    state: 'never_run',
    code: 'no_run_yet',
    when: (facts) => facts.schedules.length > 0 && !facts.schedules.some(hasRun),
    message: 'no schedule of the tenant has run yet',
  },
  {
    state: 'degraded',
    code: 'secret_not_under_active_key',
    when: (facts) => facts.secretStored && !facts.secretUnderActiveKey,
    message: 'the client secret is not encrypted with the active key (npm run admin -- rotate-secret-key)',
  },
];

/** The tenant's state (the worst any rule gives, `healthy` when none applies) and every reason. */
export function tenantStateOf(facts: TenantFacts): { state: TenantState; reasons: StateReason[] } {
  // Offboarded: its schedules are gone and its secret erased; no health rule means anything now.
  if (facts.offboarding) {
    const { offboardedAt, purgeAfter } = facts.offboarding;
    const purge = purgeAfter ? `, its data is purged after ${purgeAfter.toISOString()}` : '';
    const message = `the tenant was offboarded at ${offboardedAt.toISOString()}${purge}`;
    return { state: 'offboarded', reasons: [{ state: 'offboarded', code: 'tenant_offboarded', message }] };
  }
  const reasons: StateReason[] = [
    ...TENANT_RULES.filter((rule) => rule.when(facts)).map((rule) => ({
      state: rule.state,
      code: rule.code,
      message: rule.message,
    })),
    ...facts.schedules.flatMap((schedule) =>
      SCHEDULE_RULES.filter((rule) => rule.when(schedule, facts.now)).map((rule) => ({
        state: rule.state,
        code: rule.code,
        message: rule.message(schedule, facts.now),
        scheduleId: schedule.id,
      })),
    ),
  ];
  const state =
    STATE_ORDER.find((candidate) => reasons.some((reason) => reason.state === candidate)) ?? 'healthy';
  return { state, reasons };
}

const HOUR = 3600_000;
const DAY_INDEX = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The longest gap between two fires: an hour, a day, or the widest gap between weekly days. */
export function scheduleIntervalMs(schedule: { frequency: string; daysOfWeek: string[] }): number {
  if (schedule.frequency === 'hourly') return HOUR;
  if (schedule.frequency === 'daily') return 24 * HOUR;
  const days = [...new Set(schedule.daysOfWeek.map((day) => DAY_INDEX.indexOf(day)))].sort((a, b) => a - b);
  if (days.length === 0) return 7 * 24 * HOUR;
  const gaps = days.map((day, i) => ((days[(i + 1) % days.length] as number) - day + 7) % 7 || 7);
  return Math.max(...gaps) * 24 * HOUR;
}
