// Keyset paging newest first: the cursor is the id of the last row of the previous page, and the
// next page starts strictly after that row in (createdAt desc, id desc) order. Offsets would skip
// or repeat rows while new ones are written.

export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** A where clause for the rows after `cursorRow` (none when there is no cursor row). */
export function after(cursorRow: { createdAt: Date; id: string } | null) {
  if (!cursorRow) return {};
  return {
    OR: [
      { createdAt: { lt: cursorRow.createdAt } },
      { createdAt: cursorRow.createdAt, id: { lt: cursorRow.id } },
    ],
  };
}

/** A createdAt range from optional bounds: `from` inclusive, `to` exclusive. */
export function createdBetween(from?: Date, to?: Date) {
  if (!from && !to) return {};
  return { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } };
}
