// Pure translation of a backup schedule row into Temporal Schedule options. Kept free of I/O
// so the reconciler can compare what Temporal has with what Postgres says it should have.
import {
  type CalendarSpec,
  type DayOfWeek,
  type ScheduleOptions,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { ScheduleFields } from '../db/schedules';
import {
  BACKUP_RUN_WORKFLOW,
  BACKUP_TASK_QUEUE,
  backupRunWorkflowIdBase,
  temporalScheduleId,
} from '../shared/constants';
import { SCHEDULE_ID_KEY, TENANT_ID_KEY } from '../shared/searchAttributes';
import type { BackupRunInput } from '../shared/types';

/** Temporal's floor for the catch-up window: effectively "no catch-up" after an outage. */
export const CATCHUP_WINDOW = '10s';

/** What the Temporal Schedule is derived from: the timing fields of a schedule row. */
export type ScheduleDefinition = Pick<
  ScheduleFields,
  'name' | 'enabled' | 'frequency' | 'minute' | 'timeOfDay' | 'daysOfWeek' | 'timezone'
> & { id: string; tenantId: string; version: number };

const DAY_NAMES: Record<string, DayOfWeek> = {
  sun: 'SUNDAY',
  mon: 'MONDAY',
  tue: 'TUESDAY',
  wed: 'WEDNESDAY',
  thu: 'THURSDAY',
  fri: 'FRIDAY',
  sat: 'SATURDAY',
};

export function calendarFor(schedule: ScheduleDefinition): CalendarSpec {
  if (schedule.frequency === 'hourly') {
    return { second: 0, minute: schedule.minute ?? 0, hour: '*' };
  }
  const [hour, minute] = (schedule.timeOfDay ?? '00:00').split(':').map(Number) as [number, number];
  const calendar: CalendarSpec = { second: 0, minute, hour };
  if (schedule.frequency === 'weekly') {
    calendar.dayOfWeek = schedule.daysOfWeek.map((day) => {
      const name = DAY_NAMES[day];
      if (!name) throw new TypeError(`unknown day of week: ${day}`);
      return name;
    });
  }
  return calendar;
}

/** Deployment-wide scheduling choices (configuration, not per schedule). */
export interface SchedulingPolicy {
  /** Random delay of up to this many seconds per fire, so schedules sharing a minute spread out. */
  jitterSeconds?: number;
}

export function scheduleOptionsFor(
  schedule: ScheduleDefinition,
  tenantSlug: string,
  policy: SchedulingPolicy = {},
): ScheduleOptions {
  const input: BackupRunInput = { tenantId: schedule.tenantId, scheduleId: schedule.id };
  return {
    scheduleId: temporalScheduleId(schedule.id),
    spec: {
      calendars: [calendarFor(schedule)],
      timezone: schedule.timezone,
      ...(policy.jitterSeconds ? { jitter: `${policy.jitterSeconds}s` } : {}),
    },
    action: {
      type: 'startWorkflow',
      workflowType: BACKUP_RUN_WORKFLOW,
      taskQueue: BACKUP_TASK_QUEUE,
      workflowId: backupRunWorkflowIdBase(schedule.id),
      args: [input],
      typedSearchAttributes: [
        { key: TENANT_ID_KEY, value: schedule.tenantId },
        { key: SCHEDULE_ID_KEY, value: schedule.id },
      ],
      memo: { scheduleName: schedule.name, tenantSlug },
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
    state: { paused: !schedule.enabled, note: pauseNote(schedule) },
    memo: { tenantId: schedule.tenantId, backupScheduleId: schedule.id },
  };
}

function pauseNote(schedule: ScheduleDefinition): string {
  return schedule.enabled
    ? `TenantVault schedule v${schedule.version}`
    : `Disabled in TenantVault (schedule v${schedule.version})`;
}

const WEEKDAY_KEYS: Record<string, string> = {
  Sun: 'sun',
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
};

/**
 * Whether `at` is one of the schedule's own fire times (in its timezone). Temporal marks both
 * spec-driven starts and operator triggers as started by the schedule; only spec-driven ones
 * land on a fire time, which is how a run tells `scheduled` from `operator`.
 */
export function isScheduledFireTime(schedule: ScheduleDefinition, at: Date): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: schedule.timezone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  if (Number(parts.second) !== 0 || at.getUTCMilliseconds() !== 0) return false;
  const minute = Number(parts.minute);
  const hour = Number(parts.hour);
  if (schedule.frequency === 'hourly') return minute === (schedule.minute ?? 0);
  const [wantHour, wantMinute] = (schedule.timeOfDay ?? '00:00').split(':').map(Number);
  if (hour !== wantHour || minute !== wantMinute) return false;
  return (
    schedule.frequency === 'daily' || schedule.daysOfWeek.includes(WEEKDAY_KEYS[parts.weekday ?? ''] ?? '')
  );
}
