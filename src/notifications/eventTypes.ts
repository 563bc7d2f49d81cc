// The event types TenantVault produces, as data: what each means, whether a new channel gets it
// without asking, and which subscription filters apply to it. Types are dot-separated segments
// of [a-z0-9_], as the Standard Webhooks specification recommends.

export const EVENT_TYPES = {
  'backup.run.failed': {
    description: 'A backup run failed: no set was written.',
    subscribedByDefault: true,
    filters: ['scheduleIds'],
  },
  'backup.run.partial': {
    description: 'A backup run wrote a set but some policy types were not fetched (each with its outcome).',
    subscribedByDefault: true,
    filters: ['scheduleIds', 'policyTypes'],
  },
  'backup.run.succeeded': {
    description: 'A backup run fetched every policy type. Off unless subscribed.',
    subscribedByDefault: false,
    filters: ['scheduleIds'],
  },
  'backup.run.missed': {
    description: "A schedule's fire time passed and no run started.",
    subscribedByDefault: true,
    filters: ['scheduleIds'],
  },
  'backup.changes.detected': {
    description:
      "A run's set differs from the schedule's previous set: counts and the first field changes (none for a schedule's first set).",
    subscribedByDefault: true,
    filters: ['scheduleIds', 'policyTypes', 'minChangeCount'],
  },
  'baseline.drift.detected': {
    description: 'A new set differs from a baseline the tenant is subscribed to compare with.',
    subscribedByDefault: true,
    filters: ['scheduleIds', 'policyTypes', 'minChangeCount'],
  },
  'restore.finished': {
    description:
      'A restore was applied: succeeded, partial, failed or canceled, with counts of items by outcome.',
    subscribedByDefault: true,
    filters: ['policyTypes'],
  },
  'offsite.copy.failed': {
    description:
      "A run's set could not be copied to the tenant's offsite destination after every retry (the run itself is unaffected).",
    subscribedByDefault: true,
    filters: ['scheduleIds'],
  },
  'schedule.paused_by_operator': {
    description: 'An operator paused a schedule in Temporal (Web UI or CLI).',
    subscribedByDefault: true,
    filters: ['scheduleIds'],
  },
  'tenant.credentials.failing': {
    description: "A run could not authenticate to Microsoft Graph with the tenant's credentials.",
    subscribedByDefault: true,
    filters: [],
  },
  'notification.test': {
    description: 'Sent by POST …/notification-channels/{id}/test; always delivered to that channel only.',
    subscribedByDefault: false,
    filters: [],
  },
} as const satisfies Record<string, EventTypeRule>;

export interface EventTypeRule {
  description: string;
  subscribedByDefault: boolean;
  filters: readonly SubscriptionFilterName[];
}

export type EventType = keyof typeof EVENT_TYPES;
export type SubscriptionFilterName = 'scheduleIds' | 'policyTypes' | 'minChangeCount';

/** Types a channel may subscribe to (the test event goes to its own channel regardless). */
export const SUBSCRIBABLE_EVENT_TYPES = (Object.keys(EVENT_TYPES) as EventType[]).filter(
  (type) => type !== 'notification.test',
);

export const DEFAULT_EVENT_TYPES = SUBSCRIBABLE_EVENT_TYPES.filter(
  (type) => EVENT_TYPES[type].subscribedByDefault,
);

export function isEventType(text: string): text is EventType {
  return Object.hasOwn(EVENT_TYPES, text);
}
