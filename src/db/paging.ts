// Keyset paging newest first: a page ends at its last row's (createdAt, id), and the next page
// starts strictly after that position in (createdAt desc, id desc) order. The position carries
// everything needed, so the next page needs no lookup of that row and still continues in the
// right place after the row was deleted (retention deleting sets while a client pages them).
// Offsets would skip or repeat rows while new ones are written.

export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** Where a newest-first page ended: its last row's creation time and id. */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

/** A where clause for the rows after `position` (none without one: the first page). */
export function after(position: KeysetPosition | undefined) {
  if (!position) return {};
  return {
    OR: [
      { createdAt: { lt: position.createdAt } },
      { createdAt: position.createdAt, id: { lt: position.id } },
    ],
  };
}

/** A createdAt range from optional bounds: `from` inclusive, `to` exclusive. */
export function createdBetween(from?: Date, to?: Date) {
  if (!from && !to) return {};
  return { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } };
}
