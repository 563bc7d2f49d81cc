// The relay: deliveries committed but never started (the process died between its commit and
// startDeliveryWorkflows) are started by the next pass. Only rows older than RELAY_AFTER_MS, so
// a start still on its way is not raced, and a page at a time, so a backlog drains over passes.
import { unstartedDeliveryIds } from '../db/deliveryRelay';
import { DEFAULT_DELIVERY_STARTS } from './notify';
import type { ReconcilerDeps } from './reconcileSchedules';
import { startDeliveryWorkflows } from '../temporal/deliveryStarts';

export const RELAY_AFTER_MS = 30_000;
const PAGE = 100;
/** Pages per pass: at most 1,000 starts, so a huge backlog does not stall schedule repairs. */
const MAX_PAGES = 10;

/** Starts the lost deliveries' workflows; returns how many. */
export async function relayUnstartedDeliveries(deps: ReconcilerDeps, now = new Date()): Promise<number> {
  const olderThan = new Date(now.getTime() - (deps.relayAfterMs ?? RELAY_AFTER_MS));
  let started = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const ids = await unstartedDeliveryIds(deps.db, olderThan, PAGE);
    // startDeliveryWorkflows marks them started, so the next read returns the next page.
    await startDeliveryWorkflows(deps.temporal, deps.db, ids, deps.deliveries ?? DEFAULT_DELIVERY_STARTS);
    started += ids.length;
    if (ids.length < PAGE) break;
  }
  return started;
}
