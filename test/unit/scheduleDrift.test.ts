import type { ScheduleDescription } from '@temporalio/client';
import { scheduleDrift } from '../../src/temporal/scheduleDrift';
import { scheduleOptionsFor } from '../../src/temporal/scheduleOptions';

const schedule = {
  id: '3632ce7e-5b7f-4e31-b759-b2d31359b440',
  tenantId: 'bc0fc37a-2ed9-4d00-8522-8b7f93b10d92',
  version: 3,
  name: 'nightly',
  enabled: true,
  frequency: 'weekly' as const,
  minute: null,
  timeOfDay: '02:30',
  daysOfWeek: ['mon', 'thu'],
  timezone: 'Europe/Berlin',
};
const expected = scheduleOptionsFor(schedule, 'contoso');
const one = (start: number | string) => [{ start, end: start, step: 1 }];

// As Temporal describes the schedule it was given: ranges, with unset fields filled in.
function described(overrides: { spec?: object; action?: object } = {}): ScheduleDescription {
  return {
    spec: {
      calendars: [
        {
          second: one(0),
          minute: one(30),
          hour: one(2),
          dayOfMonth: [{ start: 1, end: 31, step: 1 }],
          month: [{ start: 'JANUARY', end: 'DECEMBER', step: 1 }],
          year: [],
          dayOfWeek: [...one('MONDAY'), ...one('THURSDAY')],
          comment: '',
        },
      ],
      intervals: [],
      skip: [],
      timezone: 'Europe/Berlin',
      ...overrides.spec,
    },
    action: {
      ...expected.action,
      memo: { tenantSlug: 'contoso', scheduleName: 'nightly' },
      ...overrides.action,
    },
    policies: { overlap: 'SKIP', catchupWindow: 10_000, pauseOnFailure: false },
    state: { paused: false, note: '' },
  } as unknown as ScheduleDescription;
}

test('a schedule as Temporal describes it has no drift, whatever the order of its memo', () => {
  expect(scheduleDrift(described(), expected)).toEqual([]);
});

test('a changed hour, timezone, task queue or policy is drift, each named', () => {
  const calendars = described().spec.calendars ?? [];
  const moved = [{ ...calendars[0], hour: one(13) }];
  expect(scheduleDrift(described({ spec: { calendars: moved } }), expected)).toEqual(['spec.calendars']);
  expect(scheduleDrift(described({ spec: { timezone: 'UTC' } }), expected)).toEqual(['spec.timezone']);
  expect(scheduleDrift(described({ action: { taskQueue: 'other' } }), expected)).toEqual(['action']);
  const allowAll = { ...described(), policies: { overlap: 'ALLOW_ALL', catchupWindow: 10_000 } };
  expect(scheduleDrift(allowAll as unknown as ScheduleDescription, expected)).toEqual(['policies.overlap']);
});

test('an extra interval or a renamed schedule (memo) is drift', () => {
  const withInterval = described({ spec: { intervals: [{ every: 60_000 }] } });
  expect(scheduleDrift(withInterval, expected)).toEqual(['spec.calendars']);
  const renamed = described({ action: { memo: { tenantSlug: 'contoso', scheduleName: 'old name' } } });
  expect(scheduleDrift(renamed, expected)).toEqual(['action']);
});

test('jitter is part of the spec: the configured jitter, or none, is what the schedule must have', () => {
  const jittered = scheduleOptionsFor(schedule, 'contoso', { jitterSeconds: 30 });
  expect(jittered.spec.jitter).toBe('30s');
  expect(scheduleDrift(described(), jittered)).toEqual(['spec.jitter']);
  expect(scheduleDrift(described({ spec: { jitter: 30_000 } }), jittered)).toEqual([]);
  expect(scheduleDrift(described({ spec: { jitter: 30_000 } }), expected)).toEqual(['spec.jitter']);
});
