import { z } from 'zod';

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid({ error: 'must be a cursor returned as nextCursor' }).optional(),
});

// PostgreSQL's timestamptz has no year 0, and JSON-style dates stop at 9999: an instant outside
// those years (also one that an offset moves there) would fail in the database as a 500.
const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' })
  .transform((value, ctx) => {
    const date = new Date(value);
    const year = date.getUTCFullYear();
    if (year >= 1 && year <= 9999) return date;
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

/** Repositories fetch limit + 1 rows; the extra row only says whether there is a next page. */
export function page<T extends { id: string }, J>(rows: T[], limit: number, toJson: (row: T) => J) {
  const items = rows.slice(0, limit);
  return { items: items.map(toJson), nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
