// Request schemas of notification channels (per tenant and platform-wide), parsed by the routes
// and documented from the route table. The host of a URL is checked by the service (its
// addresses, NOTIFICATION_ENDPOINT_ALLOWLIST); the form is checked here.
import { z } from 'zod';
import { POLICY_TYPE_KEYS } from '../../graph';
import { CHANNEL_KINDS, kindFieldProblems } from '../../notifications/channelKinds';
import { DEFAULT_EVENT_TYPES, SUBSCRIBABLE_EVENT_TYPES } from '../../notifications/eventTypes';
import { urlFormProblem } from '../../outbound';
import { alongFieldErrors } from '../../shared/crossFieldRules';
import { newestFirstPageQuery } from '../pagination';

export const MAX_RECIPIENTS = 50;

const endpointUrl = z
  .string()
  .max(2048)
  .superRefine((url, ctx) => {
    const problem = urlFormProblem(url, 'endpoint');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    format: 'uri',
    description:
      'webhook and teams: an https:// URL (no user info or fragment; a webhook URL takes no query). ' +
      'A Teams URL is stored encrypted and shown without its query, which carries its signature.',
  });

const unique = <T>(values: T[]) => new Set(values).size === values.length;

const filters = z
  .strictObject({
    scheduleIds: z
      .array(z.uuid())
      .max(100)
      .refine(unique, 'must not repeat an id')
      .optional()
      .describe("only these schedules' events (schedules of the channel's tenant)"),
    policyTypes: z
      .array(z.enum(POLICY_TYPE_KEYS))
      .max(POLICY_TYPE_KEYS.length)
      .refine(unique, 'must not repeat a type')
      .optional()
      .describe('only events about these policy types (keys from GET /v1/policy-types)'),
    minChangeCount: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('only change and drift events with at least this many changes'),
  })
  .describe('an absent filter lets every event through; filters apply to the event types they fit');

const channelFields = {
  name: z.string().trim().min(1).max(200).describe('e.g. "On-call webhook"'),
  url: endpointUrl.optional(),
  recipients: z
    .array(z.email({ error: 'must be an e-mail address' }).max(320))
    .min(1)
    .max(MAX_RECIPIENTS)
    .refine(unique, 'must not repeat an address')
    .optional()
    .describe(`email: 1 to ${MAX_RECIPIENTS} addresses`),
  eventTypes: z
    .array(z.enum(SUBSCRIBABLE_EVENT_TYPES))
    .max(SUBSCRIBABLE_EVENT_TYPES.length)
    .refine(unique, 'must not repeat a type')
    .describe('the event types the channel delivers, e.g. backup.run.failed'),
  filters,
  digest: z
    .enum(['none', 'hourly', 'daily'])
    .describe('none: one message per event; hourly or daily: one message summarizing the window'),
  enabled: z.boolean().describe('false keeps the channel but delivers nothing'),
};

export const createChannelBody = z
  .strictObject({
    ...channelFields,
    kind: z.enum(CHANNEL_KINDS).describe('how it delivers: fixed at creation'),
    eventTypes: channelFields.eventTypes
      .default([...DEFAULT_EVENT_TYPES])
      .describe(`default: ${DEFAULT_EVENT_TYPES.join(', ')}`),
    filters: filters.default({}),
    digest: channelFields.digest.default('none'),
    enabled: channelFields.enabled.default(true),
  })
  .superRefine((body, ctx) => {
    // Fields that failed their own rules still hold the values as sent (see alongFieldErrors).
    if (!CHANNEL_KINDS.includes(body.kind)) return;
    const url = typeof body.url === 'string' ? body.url : undefined;
    const given = { url: body.url === undefined ? undefined : (url ?? ''), recipients: body.recipients };
    for (const { field, message } of kindFieldProblems(body.kind, given))
      ctx.addIssue({ code: 'custom', path: [field], message });
  }, alongFieldErrors)
  .meta({
    examples: [
      { name: 'Operations mail', kind: 'email', recipients: ['ops@contoso.example'], digest: 'daily' },
    ],
  });

// The kind is fixed at creation (a webhook's secret means nothing to an e-mail channel); the
// fields given are checked against it by the service.
export const updateChannelBody = z
  .strictObject({
    name: channelFields.name.optional(),
    url: channelFields.url,
    recipients: channelFields.recipients,
    eventTypes: channelFields.eventTypes.optional(),
    filters: filters.optional().describe('replaces the filters as a whole'),
    digest: channelFields.digest.optional(),
    enabled: channelFields.enabled.optional().describe('true also clears a disabledReason (410 Gone)'),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'send at least one field to change',
    ...alongFieldErrors,
  })
  .meta({ examples: [{ digest: 'none', enabled: true }] });

export const rotateSecretBody = z
  .strictObject({
    overlapHours: z
      .int()
      .min(0)
      .max(168)
      .default(24)
      .describe('how long the previous secret still signs (both signatures are sent); 0 ends it now'),
  })
  .meta({ examples: [{ overlapHours: 24 }] });

export const deliveriesQuery = newestFirstPageQuery;
