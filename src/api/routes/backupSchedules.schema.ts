import { z } from 'zod';
import type { ScheduleFields } from '../../db/schedules';
import { isPolicyTypeKey } from '../../graph';
import { alongFieldErrors } from '../../shared/crossFieldRules';
import { temporalTimeZone } from '../../temporal/timeZones';

export const DAYS_OF_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const FREQUENCIES = ['hourly', 'daily', 'weekly'] as const;

const policyTypes = z
  .array(z.string())
  .min(1, 'select at least one policy type')
  .superRefine((keys, ctx) => {
    keys.forEach((key, index) => {
      if (!isPolicyTypeKey(key))
        ctx.addIssue({ code: 'custom', path: [index], message: `unknown policy type "${key}"` });
    });
    if (new Set(keys).size !== keys.length)
      ctx.addIssue({ code: 'custom', message: 'policy types must not repeat' });
  });

const scheduleFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  frequency: z.enum(FREQUENCIES),
  minute: z.int().min(0).max(59).nullish(),
  timeOfDay: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM" (24-hour)')
    .nullish(),
  daysOfWeek: z.array(z.enum(DAYS_OF_WEEK)).nullish(),
  timezone: z.string().transform((name, ctx) => {
    const spelled = temporalTimeZone(name);
    if (spelled) return spelled;
    ctx.addIssue({
      code: 'custom',
      message: 'must be an IANA time zone name Temporal knows, such as "Europe/Berlin"',
    });
    return z.NEVER;
  }),
  policyTypes,
  retention: z.strictObject({ keepLast: z.int().min(1).max(365) }),
};

/** PATCH: any subset of the fields; the merged schedule is then checked as a whole. */
export const updateScheduleBody = z
  .strictObject(scheduleFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, {
    message: 'send at least one field to change',
    ...alongFieldErrors,
  });

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
  }));

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

export const bulkScheduleBody = z.strictObject({
  action: z.enum(['run', 'retry', 'delete']),
  scheduleIds: z
    .array(z.uuid({ error: 'must be a schedule id' }))
    .min(1, 'name at least one schedule')
    .max(100, 'at most 100 schedules per request')
    .refine((ids) => new Set(ids).size === ids.length, 'schedule ids must not repeat'),
});
