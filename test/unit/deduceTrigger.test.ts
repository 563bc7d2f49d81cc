import { type BeginRunInput, deduceTrigger } from '../../src/activities/beginRun';
import { scheduleDefinition } from '../support/scheduleDefinition';

const schedule = scheduleDefinition({ timezone: 'America/New_York' });

// 02:30 in New York on 2026-01-15 (EST, UTC-5).
const FIRE_TIME = '2026-01-15T07:30:00.000Z';

function input(overrides: Partial<BeginRunInput> = {}): BeginRunInput {
  return {
    tenantId: 'ten-1',
    scheduleId: 'sch-1',
    workflowId: 'backup-run-sch-1-2026-01-15T07:30:00Z',
    temporalRunId: 'run-1',
    startedBySchedule: false,
    ...overrides,
  };
}

describe('deduceTrigger', () => {
  it('keeps an explicit manual trigger even on a scheduled start at a fire time', () => {
    expect(
      deduceTrigger(input({ trigger: 'manual', startedBySchedule: true, scheduledFor: FIRE_TIME }), schedule),
    ).toBe('manual');
  });

  it('keeps an explicit retry trigger', () => {
    expect(deduceTrigger(input({ trigger: 'retry' }), schedule)).toBe('retry');
  });

  it('is scheduled when the schedule started it at one of its fire times', () => {
    expect(deduceTrigger(input({ startedBySchedule: true, scheduledFor: FIRE_TIME }), schedule)).toBe(
      'scheduled',
    );
  });

  it('is operator when the schedule started it off a fire time (a trigger-now)', () => {
    expect(
      deduceTrigger(input({ startedBySchedule: true, scheduledFor: '2026-01-15T07:31:12.345Z' }), schedule),
    ).toBe('operator');
  });

  it('is operator when the fire time is only right in UTC, not in the schedule timezone', () => {
    expect(
      deduceTrigger(input({ startedBySchedule: true, scheduledFor: '2026-01-15T02:30:00Z' }), schedule),
    ).toBe('operator');
  });

  it('is operator when the schedule started it without a scheduled time', () => {
    expect(deduceTrigger(input({ startedBySchedule: true }), schedule)).toBe('operator');
  });

  it('is operator when the schedule did not start it, even at a fire time', () => {
    expect(deduceTrigger(input({ startedBySchedule: false, scheduledFor: FIRE_TIME }), schedule)).toBe(
      'operator',
    );
  });
});
