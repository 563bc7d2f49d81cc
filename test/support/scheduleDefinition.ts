import type { ScheduleDefinition } from '../../src/temporal/scheduleOptions';

/** A daily 02:30 schedule; unit tests override what they exercise. */
export function scheduleDefinition(overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return {
    id: 'sch-1',
    tenantId: 'ten-1',
    version: 1,
    name: 'Nightly',
    enabled: true,
    frequency: 'daily',
    minute: null,
    timeOfDay: '02:30',
    daysOfWeek: [],
    timezone: 'UTC',
    ...overrides,
  };
}
