// The shared write budget on real PostgreSQL: callers drawing slots at once (as the workers of
// several processes do) are spaced so that no window of the limit's length holds more than the
// limit, and a 429 holds every caller of the family for Retry-After.
import { randomUUID } from 'node:crypto';
import { WriteBudget } from '../../src/restore/writeBudget';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

// Small limits keep the test short; the arithmetic is the same at Graph's.
const LIMITS = {
  intune: { writes: 5, windowMs: 1_000, retryAfter: true },
  conditionalAccess: { writes: 1, windowMs: 500, retryAfter: false },
};

function maxInAnyWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const start of times)
    most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
  return most;
}

test('slots drawn at once by two budgets (two workers) never exceed the limit in any window', async () => {
  const tenantId = randomUUID();
  const workers = [
    new WriteBudget(stack.db, { limits: LIMITS, fraction: 0.95 }),
    new WriteBudget(stack.db, { limits: LIMITS, fraction: 0.95 }),
  ];
  const started = Date.now();
  const drawn = await Promise.all(
    Array.from({ length: 16 }, async (_, index) => {
      const slot = await workers[index % 2]!.acquire(tenantId, 'intune');
      return { slot: slot.getTime(), sent: Date.now() };
    }),
  );
  // The slots the shared budget granted: when each caller resolved also holds the event loop's
  // lag, which under CI load bunched 6 resolutions into one window of evenly spaced slots.
  const slots = drawn.map((d) => d.slot);
  expect(maxInAnyWindow(slots, LIMITS.intune.windowMs)).toBeLessThanOrEqual(LIMITS.intune.writes);
  const sent = drawn.map((d) => d.sent);
  // Paced at 0.95 of 5 per second: 16 writes take about 3 s, not 16 x nothing nor far longer.
  expect(Math.max(...sent) - started).toBeGreaterThanOrEqual(2_800);
  expect(Math.max(...sent) - started).toBeLessThan(6_000);
  // Another tenant and another family have budgets of their own.
  const other = Date.now();
  await workers[0]!.acquire(randomUUID(), 'intune');
  await workers[0]!.acquire(tenantId, 'conditionalAccess');
  expect(Date.now() - other).toBeLessThan(500);
}, 30_000);

test('a 429 holds the family for Retry-After, or a fixed back-off without one', async () => {
  const tenantId = randomUUID();
  const budget = new WriteBudget(stack.db, { limits: LIMITS, fraction: 0.95 });
  await budget.acquire(tenantId, 'intune');
  expect(await budget.throttled(tenantId, 'intune', 1_500)).toBe(1_500);
  const before = Date.now();
  await budget.acquire(tenantId, 'intune');
  expect(Date.now() - before).toBeGreaterThanOrEqual(1_400);
  expect(await budget.throttled(tenantId, 'conditionalAccess', null)).toBeGreaterThan(0);
  const row = await stack.db.graphWriteBudget.findUniqueOrThrow({
    where: { tenantId_family: { tenantId, family: 'conditionalAccess' } },
  });
  expect(row.nextSlotAt.getTime()).toBeGreaterThan(Date.now() + 3_000);
}, 30_000);
