// The shared Graph write budget (graph_write_budgets): one row per tenant and write family holds
// the next free slot (GCRA, see src/restore/writeBudget.ts). Each statement is atomic on its row,
// so every worker of every process draws from one sequence of slots.
import type { DbClient } from './client';

export interface TakenSlot {
  /** When the caller may send its write. */
  slotAt: Date;
  /** The database's clock when the slot was taken: the caller waits slotAt - now. */
  now: Date;
}

/**
 * Takes the next slot: max(next free slot, now), and moves the next free slot one interval on.
 * The database's clock decides, so workers with skewed clocks still share one pace.
 */
export async function takeWriteSlot(
  db: DbClient,
  tenantId: string,
  family: string,
  intervalMs: number,
): Promise<TakenSlot> {
  const rows = await db.$queryRaw<{ slot_at: Date; now: Date }[]>`
    INSERT INTO graph_write_budgets (tenant_id, family, next_slot_at)
    VALUES (${tenantId}::uuid, ${family}, clock_timestamp() + ${intervalMs} * interval '1 millisecond')
    ON CONFLICT (tenant_id, family) DO UPDATE
      SET next_slot_at = GREATEST(graph_write_budgets.next_slot_at, clock_timestamp())
        + ${intervalMs} * interval '1 millisecond'
    RETURNING next_slot_at - ${intervalMs} * interval '1 millisecond' AS slot_at, clock_timestamp() AS now`;
  const row = rows[0];
  if (!row) throw new Error('graph_write_budgets returned no slot');
  return { slotAt: row.slot_at, now: row.now };
}

/** Graph refused a write with 429: no slot is free before `pauseMs` from now. */
export async function pushWriteSlots(
  db: DbClient,
  tenantId: string,
  family: string,
  pauseMs: number,
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO graph_write_budgets (tenant_id, family, next_slot_at)
    VALUES (${tenantId}::uuid, ${family}, clock_timestamp() + ${pauseMs} * interval '1 millisecond')
    ON CONFLICT (tenant_id, family) DO UPDATE
      SET next_slot_at = GREATEST(graph_write_budgets.next_slot_at,
        clock_timestamp() + ${pauseMs} * interval '1 millisecond')`;
}
