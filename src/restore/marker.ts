// The marker a create writes into a round-tripping property (the description), so that after an
// ambiguous outcome (timeout, 5xx, lost connection) the apply can find the object it may have
// created before it ever posts again (restore-graph.md section 2, "What makes a retried create
// safe"). The last step of such a create writes the property back without it.
import { createHash } from 'node:crypto';

const PREFIX = 'tv-restore:';

/** Short and unique per (restore, item): `tv-restore:` and 10 hex digits of a SHA-256. */
export function markerOf(restoreId: string, itemId: string): string {
  const digest = createHash('sha256').update(`${restoreId}\u0000${itemId}`, 'utf8').digest('hex');
  return `${PREFIX}${digest.slice(0, 10)}`;
}

/** The value with the marker appended in brackets (a null or empty value becomes the marker alone). */
export function withMarker(value: unknown, marker: string): string {
  const text = typeof value === 'string' ? value : '';
  return text === '' ? `[${marker}]` : `${text} [${marker}]`;
}

export function hasMarker(value: unknown, marker: string): boolean {
  return typeof value === 'string' && value.includes(`[${marker}]`);
}
