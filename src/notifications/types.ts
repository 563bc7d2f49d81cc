// The shapes events and channels share across the rooms that produce, store and deliver them.
import type { EventType } from './eventTypes';

/** What subscription filters look at; each event sets what applies to it. */
export interface EventAttributes {
  scheduleId?: string;
  /** The policy types the event is about (changed, failed...). */
  policyTypes?: string[];
  /** Changes in the event (changes and drift events). */
  changeCount?: number;
}

/** An event as a producer hands it over, before it is stored. */
export interface NewEvent {
  tenantId: string | null;
  type: EventType;
  /** Unique per cause, e.g. `run:<runId>:backup.run.failed`: a second publish of it is a no-op. */
  causeKey: string;
  attributes: EventAttributes;
  /** The event's `data`: ids, counts, codes, labels and links; never a secret; under 20 KB. */
  data: Record<string, unknown>;
}

/** Channel filters (the `filters` column). An absent filter lets everything through. */
export interface ChannelFilters {
  scheduleIds?: string[];
  policyTypes?: string[];
  minChangeCount?: number;
}

/** The Standard Webhooks payload: `{ type, timestamp, data }`. */
export interface EventEnvelope {
  type: string;
  /** ISO 8601, when the event happened. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The largest body one event may have (Standard Webhooks recommends under 20 KB). */
export const MAX_EVENT_BYTES = 20 * 1024;
