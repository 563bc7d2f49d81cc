import { z } from 'zod';
import type { ScheduleFields } from '../../db/schedules';
import { POLICY_TYPE_KEYS } from '../../graph';
import { alongFieldErrors } from '../../shared/crossFieldRules';
import { temporalTimeZone } from '../../temporal/timeZones';

export const DAYS_OF_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const FREQUENCIES = ['hourly', 'daily', 'weekly'] as const;

// An enum of the registry's keys, so the reference lists them and Swagger UI offers them.
const policyType = z.enum(POLICY_TYPE_KEYS, {
  error: (issue) => `unknown policy type ${JSON.stringify(issue.input)}`,
});
const policyTypes = z
  .array(policyType)
  .min(1, 'select at least one policy type')
  .refine((keys) => new Set(keys).size === keys.length, 'policy types must not repeat')
  .describe('the policy types each run backs up: keys from GET /v1/policy-types');

const scheduleFields = {
  name: z.string().trim().min(1).max(100).describe("unique among the tenant's schedules"),
  enabled: z.boolean().describe('false pauses the Temporal Schedule: nothing runs until enabled'),
  frequency: z
    .enum(FREQUENCIES)
    .describe('hourly (at `minute`), daily (at `timeOfDay`) or weekly (also `daysOfWeek`)'),
  minute: z.int().min(0).max(59).nullish().describe('hourly only: the minute of each hour (0-59)'),
  timeOfDay: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM" (24-hour)')
    .nullish()
    .describe('daily and weekly only: "HH:MM", 24-hour, in `timezone`'),
  daysOfWeek: z.array(z.enum(DAYS_OF_WEEK)).nullish().describe('weekly only: the days it runs, "mon".."sun"'),
  timezone: z
    .string()
    .meta({
      format: 'iana-time-zone',
      description:
        'an IANA time zone name, such as "Europe/Berlin" or "UTC": times of day are wall-clock ' +
        'times there (daylight saving time included)',
      examples: ['Europe/Berlin'],
    })
    .transform((name, ctx) => {
      const spelled = temporalTimeZone(name);
      if (spelled) return spelled;
      ctx.addIssue({
        code: 'custom',
        message: 'must be an IANA time zone name Temporal knows, such as "Europe/Berlin"',
      });
      return z.NEVER;
    }),
  policyTypes,
  retention: z
    .strictObject({ keepLast: z.int().min(1).max(365).describe('how many of its newest sets it keeps') })
    .describe('what the retention sweep keeps of this schedule'),
};

/** Swagger UI's "Try it out" sends it as it is: it must pass as a create body. */
const SCHEDULE_EXAMPLE = {
  name: 'Nightly',
  enabled: true,
  frequency: 'daily',
  timeOfDay: '02:30',
  timezone: 'Europe/Berlin',
  policyTypes: ['deviceConfiguration', 'settingsCatalog', 'compliance'],
  retention: { keepLast: 30 },
};

/** PATCH: any subset of the fields; the merged schedule is then checked as a whole. */
export const updateScheduleBody = z
  .strictObject(scheduleFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, {
    message: 'send at least one field to change',
    ...alongFieldErrors,
  })
  .meta({ examples: [{ timeOfDay: '03:00', retention: { keepLast: 14 } }] });

export type ScheduleUpdate = z.infer<typeof updateScheduleBody>;

export const createScheduleBody = z
  .strictObject({ ...scheduleFields, enabled: scheduleFields.enabled.default(true) })
  .superRefine((body, ctx) => {
    const require = (field: 'minute' | 'timeOfDay' | 'daysOfWeek', ok: boolean, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [field], message });
    };
    // A field that failed its own rule still holds the value as sent (see alongFieldErrors).
    const days = Array.isArray(body.daysOfWeek) ? body.daysOfWeek : [];
    if (new Set(days).size !== days.length)
      ctx.addIssue({ code: 'custom', path: ['daysOfWeek'], message: 'days must not repeat' });
    // An unknown frequency is the field's own error; the timing rules depend on a known one.
    if (!FREQUENCIES.includes(body.frequency)) return;
    if (body.frequency === 'hourly') {
      require('minute', body.minute != null, 'required for hourly schedules (0-59)');
      require('timeOfDay', body.timeOfDay == null, 'applies to daily and weekly schedules only');
    } else {
      require('timeOfDay', body.timeOfDay != null, `required for ${body.frequency} schedules ("HH:MM")`);
      require('minute', body.minute == null, 'applies to hourly schedules only; use timeOfDay');
    }
    if (body.frequency === 'weekly')
      require('daysOfWeek', days.length >
        0, 'required for weekly schedules: a non-empty list of "mon".."sun"');
    else require('daysOfWeek', days.length === 0, 'applies to weekly schedules only');
  }, alongFieldErrors)
  .transform((body) => ({
    name: body.name,
    enabled: body.enabled,
    frequency: body.frequency,
    minute: body.frequency === 'hourly' ? (body.minute ?? 0) : null,
    timeOfDay: body.frequency === 'hourly' ? null : (body.timeOfDay ?? null),
    daysOfWeek: body.frequency === 'weekly' ? sortDays(body.daysOfWeek ?? []) : [],
    timezone: body.timezone,
    policyTypes: body.policyTypes,
    retentionKeepLast: body.retention.keepLast,
  }))
  .meta({ examples: [SCHEDULE_EXAMPLE] });

function sortDays(days: string[]): string[] {
  return [...days].sort((a, b) => DAYS_OF_WEEK.indexOf(a as never) - DAYS_OF_WEEK.indexOf(b as never));
}

/**
 * The schedule as a create body with the update applied. A change of frequency drops the timing
 * fields the new frequency does not use, unless the update sets them itself.
 */
export function mergeScheduleUpdate(current: ScheduleFields, update: ScheduleUpdate): unknown {
  const frequencyChanged = update.frequency !== undefined && update.frequency !== current.frequency;
  const timing = frequencyChanged
    ? { minute: null, timeOfDay: null, daysOfWeek: null }
    : { minute: current.minute, timeOfDay: current.timeOfDay, daysOfWeek: current.daysOfWeek };
  const { retentionKeepLast, ...rest } = current;
  return { ...rest, ...timing, retention: { keepLast: retentionKeepLast }, ...update };
}

export const bulkScheduleBody = z
  .strictObject({
    action: z
      .enum(['run', 'retry', 'delete'])
      .describe('run each now, retry the last failed run of each, or delete each'),
    scheduleIds: z
      .array(z.uuid({ error: 'must be a schedule id' }))
      .min(1, 'name at least one schedule')
      .max(100, 'at most 100 schedules per request')
      .refine((ids) => new Set(ids).size === ids.length, 'schedule ids must not repeat')
      .describe("the tenant's schedules to act on, each once"),
  })
  .meta({
    examples: [{ action: 'run', scheduleIds: ['3f6c2a8e-5b1d-4c7e-9a2f-1d8e4b6c0a57'] }],
  });
