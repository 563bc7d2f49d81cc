// Pure comparison of a Temporal Schedule's description with the options Postgres says it should
// have. Temporal returns calendars as ranges ({ start, end, step }) with defaults filled in, so
// both sides are expanded to the sets of values they match before comparing.
import type {
  CalendarSpec,
  ScheduleDescription,
  ScheduleOptions,
  ScheduleSpec,
  ScheduleSpecDescription,
} from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { canonicalize } from '../graph/canonical';

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

type Field = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';
// Each field's domain, and what an unset field means (Temporal's defaults).
const FIELDS: Record<Field, { domain: number[]; unset: number[]; names?: string[] }> = {
  second: { domain: range(0, 59), unset: [0] },
  minute: { domain: range(0, 59), unset: [0] },
  hour: { domain: range(0, 23), unset: [0] },
  dayOfMonth: { domain: range(1, 31), unset: range(1, 31) },
  month: { domain: range(1, 12), unset: range(1, 12), names: MONTHS },
  dayOfWeek: { domain: range(0, 6), unset: range(0, 6), names: DAYS },
};

/** The names of what differs ("spec.calendars", "action", ...); empty when in line. */
export function scheduleDrift(description: ScheduleDescription, expected: ScheduleOptions): string[] {
  const drift = specDrift(description.spec, expected.spec);
  const action = description.action;
  const wantAction = expected.action;
  if (
    action.type !== 'startWorkflow' ||
    action.workflowType !== wantAction.workflowType ||
    action.taskQueue !== wantAction.taskQueue ||
    action.workflowId !== wantAction.workflowId ||
    json(action.args) !== json(wantAction.args) ||
    json(action.memo ?? {}) !== json(wantAction.memo ?? {})
  ) {
    drift.push('action');
  }
  if (description.policies.overlap !== expected.policies?.overlap) drift.push('policies.overlap');
  const catchup = expected.policies?.catchupWindow;
  if (catchup !== undefined && description.policies.catchupWindow !== msToNumber(catchup))
    drift.push('policies.catchupWindow');
  return drift;
}

/**
 * What differs in the spec alone. Temporal's schedule list carries the spec (not the action or
 * policies), so the reconciler can check every schedule's timing without a describe each.
 */
export function specDrift(have: ScheduleSpecDescription, want: ScheduleSpec): string[] {
  const drift: string[] = [];
  if ((have.timezone ?? 'UTC') !== (want.timezone ?? 'UTC')) drift.push('spec.timezone');
  const wantJitter = want.jitter === undefined ? 0 : msToNumber(want.jitter);
  if ((have.jitter === undefined ? 0 : msToNumber(have.jitter)) !== wantJitter) drift.push('spec.jitter');
  const haveCalendars = have.calendars ?? [];
  const wantCalendars = want.calendars ?? [];
  if (
    (have.intervals?.length ?? 0) > 0 ||
    (have.skip?.length ?? 0) > 0 ||
    haveCalendars.length !== wantCalendars.length ||
    haveCalendars.some((calendar, i) => !sameCalendar(calendar, wantCalendars[i] as CalendarSpec))
  ) {
    drift.push('spec.calendars');
  }
  return drift;
}

function sameCalendar(have: unknown, want: CalendarSpec): boolean {
  return (Object.keys(FIELDS) as Field[]).every(
    (field) =>
      json(valuesOf((have as Record<string, unknown>)[field], field)) ===
      json(valuesOf((want as Record<string, unknown>)[field], field)),
  );
}

/** The sorted values a calendar field matches. */
function valuesOf(spec: unknown, field: Field): number[] {
  const { domain, unset, names } = FIELDS[field];
  const index = (value: unknown): number => {
    if (typeof value === 'number') return value;
    const at = names?.indexOf(String(value).toUpperCase()) ?? -1;
    // Months are 1-based; days of the week 0-based (Sunday).
    return field === 'month' ? at + 1 : at;
  };
  if (spec === undefined || spec === null) return unset;
  if (spec === '*') return domain;
  const parts = Array.isArray(spec) ? spec : [spec];
  if (parts.length === 0) return unset;
  const values = new Set<number>();
  for (const part of parts) {
    if (typeof part === 'object' && part !== null && 'start' in part) {
      const { start, end, step } = part as { start: unknown; end?: unknown; step?: number };
      const from = index(start);
      const to = end === undefined ? from : index(end);
      for (let v = from; v <= to; v += step || 1) values.add(v);
    } else {
      values.add(index(part));
    }
  }
  return [...values].sort((a, b) => a - b);
}

function json(value: unknown): string {
  return canonicalize(value, []).json;
}
