import { ScheduleOverlapPolicy } from '@temporalio/client';
import {
  CATCHUP_WINDOW,
  calendarFor,
  isScheduledFireTime,
  type ScheduleDefinition,
  scheduleOptionsFor,
} from '../../src/temporal/scheduleOptions';
import { scheduleDefinition } from '../support/scheduleDefinition';

function schedule(overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return scheduleDefinition({ version: 3, ...overrides });
}
const at = (iso: string) => new Date(iso);

describe('calendarFor', () => {
  it('fires hourly at the configured minute of every hour', () => {
    expect(calendarFor(schedule({ frequency: 'hourly', minute: 15, timeOfDay: null }))).toEqual({
      second: 0,
      minute: 15,
      hour: '*',
    });
  });

  it('defaults the hourly minute to 0', () => {
    expect(calendarFor(schedule({ frequency: 'hourly', minute: null, timeOfDay: null })).minute).toBe(0);
  });

  it('fires daily at timeOfDay without a day-of-week restriction', () => {
    const calendar = calendarFor(schedule({ frequency: 'daily', timeOfDay: '07:05' }));
    expect(calendar).toEqual({ second: 0, minute: 5, hour: 7 });
    expect(calendar.dayOfWeek).toBeUndefined();
  });

  it('maps weekly days to Temporal day names', () => {
    const calendar = calendarFor(
      schedule({
        frequency: 'weekly',
        timeOfDay: '23:59',
        daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      }),
    );
    expect(calendar).toEqual({
      second: 0,
      minute: 59,
      hour: 23,
      dayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
    });
  });

  it('rejects an unknown day of week', () => {
    expect(() => calendarFor(schedule({ frequency: 'weekly', daysOfWeek: ['mon', 'funday'] }))).toThrow(
      'unknown day of week: funday',
    );
  });
});

describe('scheduleOptionsFor', () => {
  const options = scheduleOptionsFor(
    schedule({ id: 'abc', tenantId: 't-9', timezone: 'Europe/Berlin' }),
    'contoso',
  );

  it('uses the deterministic schedule id', () => {
    expect(options.scheduleId).toBe('backup-schedule-abc');
  });

  it('skips overlapping runs and does not catch up after an outage', () => {
    expect(options.policies?.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(options.policies?.catchupWindow).toBe('10s');
    expect(CATCHUP_WINDOW).toBe('10s');
  });

  it('carries the calendar and the schedule timezone in the spec', () => {
    expect(options.spec.timezone).toBe('Europe/Berlin');
    expect(options.spec.calendars).toEqual([{ second: 0, minute: 30, hour: 2 }]);
  });

  it('starts a BackupRun on the backups queue with ids only', () => {
    const action = options.action;
    expect(action.type).toBe('startWorkflow');
    if (action.type !== 'startWorkflow') throw new Error('unexpected action type');
    expect(action.workflowType).toBe('BackupRun');
    expect(action.taskQueue).toBe('backups');
    expect(action.workflowId).toBe('backup-run-abc');
    expect(action.args).toEqual([{ tenantId: 't-9', scheduleId: 'abc' }]);
  });

  it('sets the typed TenantId and BackupScheduleId search attributes', () => {
    if (options.action.type !== 'startWorkflow') throw new Error('unexpected action type');
    const pairs = (options.action.typedSearchAttributes as { key: { name: string }; value: unknown }[]).map(
      (pair) => [pair.key.name, pair.value],
    );
    expect(pairs).toEqual([
      ['TenantId', 't-9'],
      ['BackupScheduleId', 'abc'],
    ]);
  });

  it('is unpaused when enabled', () => {
    expect(options.state?.paused).toBe(false);
    expect(options.state?.note).toBe('TenantVault schedule v3');
  });

  it('is paused when disabled', () => {
    const disabled = scheduleOptionsFor(schedule({ enabled: false, version: 7 }), 'contoso');
    expect(disabled.state?.paused).toBe(true);
    expect(disabled.state?.note).toBe('Disabled in TenantVault (schedule v7)');
  });
});

describe('isScheduledFireTime', () => {
  it('is true at a daily fire time in UTC', () => {
    expect(isScheduledFireTime(schedule(), at('2026-01-15T02:30:00.000Z'))).toBe(true);
  });

  it('is false a minute off', () => {
    expect(isScheduledFireTime(schedule(), at('2026-01-15T02:31:00.000Z'))).toBe(false);
  });

  it('is false when seconds are non-zero', () => {
    expect(isScheduledFireTime(schedule(), at('2026-01-15T02:30:01.000Z'))).toBe(false);
  });

  it('is false when milliseconds are non-zero', () => {
    expect(isScheduledFireTime(schedule(), at('2026-01-15T02:30:00.001Z'))).toBe(false);
  });

  it('matches midnight', () => {
    expect(isScheduledFireTime(schedule({ timeOfDay: '00:00' }), at('2026-01-15T00:00:00Z'))).toBe(true);
    expect(isScheduledFireTime(schedule({ timeOfDay: '00:00' }), at('2026-01-15T12:00:00Z'))).toBe(false);
  });

  it('reads the wall clock in America/New_York (standard and daylight time)', () => {
    const ny = schedule({ timeOfDay: '09:00', timezone: 'America/New_York' });
    expect(isScheduledFireTime(ny, at('2026-01-15T14:00:00Z'))).toBe(true);
    expect(isScheduledFireTime(ny, at('2026-07-15T13:00:00Z'))).toBe(true);
    expect(isScheduledFireTime(ny, at('2026-01-15T09:00:00Z'))).toBe(false);
  });

  it('reads the wall clock in Asia/Kolkata (+05:30)', () => {
    const kolkata = schedule({ timeOfDay: '09:00', timezone: 'Asia/Kolkata' });
    expect(isScheduledFireTime(kolkata, at('2026-01-15T03:30:00Z'))).toBe(true);
    expect(isScheduledFireTime(kolkata, at('2026-01-15T03:00:00Z'))).toBe(false);
  });

  it('matches hourly on the minute in the schedule timezone', () => {
    const hourly = schedule({ frequency: 'hourly', minute: 0, timeOfDay: null, timezone: 'Asia/Kolkata' });
    expect(isScheduledFireTime(hourly, at('2026-01-15T10:30:00Z'))).toBe(true);
    expect(isScheduledFireTime(hourly, at('2026-01-15T17:30:00Z'))).toBe(true);
    expect(isScheduledFireTime(hourly, at('2026-01-15T10:00:00Z'))).toBe(false);
  });

  it('matches hourly at any hour for a non-zero minute', () => {
    const hourly = schedule({ frequency: 'hourly', minute: 45, timeOfDay: null });
    expect(isScheduledFireTime(hourly, at('2026-01-15T00:45:00Z'))).toBe(true);
    expect(isScheduledFireTime(hourly, at('2026-01-15T13:45:00Z'))).toBe(true);
    expect(isScheduledFireTime(hourly, at('2026-01-15T13:44:00Z'))).toBe(false);
  });

  it('matches weekly only on the listed weekdays', () => {
    const weekly = schedule({ frequency: 'weekly', timeOfDay: '06:00', daysOfWeek: ['mon', 'fri'] });
    expect(isScheduledFireTime(weekly, at('2026-01-12T06:00:00Z'))).toBe(true); // Monday
    expect(isScheduledFireTime(weekly, at('2026-01-16T06:00:00Z'))).toBe(true); // Friday
    expect(isScheduledFireTime(weekly, at('2026-01-13T06:00:00Z'))).toBe(false); // Tuesday
  });

  it('takes the weekday from the schedule timezone, not UTC', () => {
    // 2026-01-12T04:00Z is Sunday 23:00 in New York.
    const weekly = schedule({
      frequency: 'weekly',
      timeOfDay: '23:00',
      daysOfWeek: ['sun'],
      timezone: 'America/New_York',
    });
    expect(isScheduledFireTime(weekly, at('2026-01-12T04:00:00Z'))).toBe(true);
    expect(isScheduledFireTime({ ...weekly, daysOfWeek: ['mon'] }, at('2026-01-12T04:00:00Z'))).toBe(false);
  });

  describe('across Europe/Berlin DST transitions', () => {
    const berlin = (timeOfDay: string) => schedule({ timeOfDay, timezone: 'Europe/Berlin' });

    it('follows the wall clock when clocks spring forward (2026-03-29)', () => {
      expect(isScheduledFireTime(berlin('09:00'), at('2026-03-28T08:00:00Z'))).toBe(true); // CET
      expect(isScheduledFireTime(berlin('09:00'), at('2026-03-29T07:00:00Z'))).toBe(true); // CEST
      expect(isScheduledFireTime(berlin('09:00'), at('2026-03-29T08:00:00Z'))).toBe(false);
    });

    it('never matches a wall-clock time skipped by spring forward', () => {
      // 02:30 does not exist on 2026-03-29; Temporal does not fire then either.
      for (const iso of ['2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', '2026-03-29T02:30:00Z']) {
        expect(isScheduledFireTime(berlin('02:30'), at(iso))).toBe(false);
      }
    });

    it('follows the wall clock when clocks fall back (2026-10-25)', () => {
      expect(isScheduledFireTime(berlin('09:00'), at('2026-10-24T07:00:00Z'))).toBe(true); // CEST
      expect(isScheduledFireTime(berlin('09:00'), at('2026-10-25T08:00:00Z'))).toBe(true); // CET
      expect(isScheduledFireTime(berlin('09:00'), at('2026-10-25T07:00:00Z'))).toBe(false);
    });

    it('matches both occurrences of a repeated wall-clock time on fall back', () => {
      expect(isScheduledFireTime(berlin('02:30'), at('2026-10-25T00:30:00Z'))).toBe(true); // CEST
      expect(isScheduledFireTime(berlin('02:30'), at('2026-10-25T01:30:00Z'))).toBe(true); // CET
    });
  });
});
