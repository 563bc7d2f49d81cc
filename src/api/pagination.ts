import { z } from 'zod';
import type { KeysetPosition } from '../db/paging';

const limit = z.coerce.number().int().min(1).max(200).default(50);
const CURSOR = 'the nextCursor of the previous page: an opaque string, to be passed back as it came';
const NOT_A_CURSOR = 'must be a cursor returned as nextCursor';

/** Lists in id order (tenants, schedules, members, items, changes): the cursor is the last id. */
export const pageQuery = z.strictObject({
  limit,
  cursor: z.uuid({ error: NOT_A_CURSOR }).optional().describe(CURSOR),
});

// PostgreSQL's timestamptz has no year 0, and JSON-style dates stop at 9999: an instant outside
// those years (also one that an offset moves there) would fail in the database as a 500.
const isStorable = (date: Date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999;

// A newest-first cursor is where the previous page ended, (createdAt, id), as base64url of
// "<epoch milliseconds>.<id>": the next page needs no lookup of that row, so it continues in the
// right place even after the row was deleted. Clients must treat it as opaque.
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`, 'latin1').toString('base64url');
}

const POSITION = /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function decodeCursor(cursor: string): KeysetPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(cursor)) return undefined;
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) return undefined;
  const createdAt = new Date(Number(match[1]));
  return isStorable(createdAt) ? { createdAt, id: match[2] as string } : undefined;
}

const keysetCursor = z.string().transform((cursor, ctx) => {
  const position = decodeCursor(cursor);
  if (position) return position;
  ctx.addIssue({ code: 'custom', message: NOT_A_CURSOR });
  return z.NEVER;
});

/** Lists newest first (runs, backup sets, audit rows, notifications, tokens); see ../db/paging.ts. */
export const newestFirstPageQuery = z.strictObject({
  limit,
  cursor: keysetCursor.optional().describe(CURSOR),
});

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' })
  .transform((value, ctx) => {
    const date = new Date(value);
    if (isStorable(date)) return date;
    ctx.addIssue({ code: 'custom', message: 'must fall in the years 1 to 9999 (in UTC)' });
    return z.NEVER;
  });

/** Filters on creation time: `from` inclusive, `to` exclusive. */
export const createdRangeQuery = { from: instant.optional(), to: instant.optional() };

/** A `true`/`false` query flag, false when absent. */
export const queryFlag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** A `true`/`false` query filter: absent, it does not filter (undefined). */
export const optionalQueryFlag = (description: string) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true'))
    .describe(description);

/**
 * Repositories fetch limit + 1 rows; the extra row only says whether there is a next page, which
 * starts after the last item: `cursorOf` that item is the nextCursor (its id, unless given).
 */
export function page<T extends { id: string }, J>(
  rows: T[],
  limit: number,
  toJson: (row: T) => J,
  cursorOf: (row: T) => string = (row) => row.id,
) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toJson), nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}
