// The Standard Webhooks body: `{type, timestamp, data}`, serialized once; the transport signs
// and sends exactly these bytes. A digest is one envelope of type `notification.digest` whose
// data lists the events, cut to stay under MAX_EVENT_BYTES.
import { type EventEnvelope, MAX_EVENT_BYTES } from '../types';

export const DIGEST_EVENT_TYPE = 'notification.digest';

export function renderEnvelope(event: EventEnvelope): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}

/** One body for several events; leaves out the newest events that do not fit, and says how many. */
export function renderDigestEnvelope(events: EventEnvelope[], timestamp: string): string {
  const body = (kept: EventEnvelope[]) =>
    renderEnvelope({
      type: DIGEST_EVENT_TYPE,
      timestamp,
      data: { count: events.length, omitted: events.length - kept.length, events: kept },
    });
  let kept = events;
  while (kept.length > 0 && Buffer.byteLength(body(kept)) > MAX_EVENT_BYTES)
    kept = kept.slice(0, Math.max(0, Math.floor(kept.length * 0.75)));
  return body(kept);
}
