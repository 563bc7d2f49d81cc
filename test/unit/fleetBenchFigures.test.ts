// bench:fleet's figures: nearest-rank percentiles, throughput over complete runs only, the
// fairness ratio, and each target failing on the side it guards.
import { fleetFigures, fleetTargets, percentile } from '../../bench/fleetFigures';

test('nearest-rank percentiles of unsorted values; 0 for none', () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  expect(percentile(values, 50)).toBe(5);
  expect(percentile(values, 95)).toBe(10);
  expect(percentile(values, 0)).toBe(1);
  expect(percentile([], 50)).toBe(0);
});

const run = (durationMs: number, status = 'succeeded', itemCount: number | null = 300) => ({
  status,
  itemCount,
  durationMs,
});

test('throughput counts only runs that succeeded with the full count; fairness is p95/p50', () => {
  const figures = fleetFigures(
    [run(1_000), run(2_000), run(4_000, 'partial'), run(3_000, 'succeeded', 299)],
    300,
    4_000,
  );
  expect(figures.policiesPerSecond).toBe(150); // 2 complete x 300 in 4 s
  expect(figures.incomplete).toBe(2);
  expect(figures.fairness).toBe(2); // p95 4,000 / p50 2,000
  expect(figures.maxMs).toBe(4_000);
});

test('targets: all runs complete, throughput ratio >= 0.7, fairness <= 3, connections within bound', () => {
  const fleet = fleetFigures([run(1_000), run(2_000)], 300, 2_000); // 300 policies/s
  const bounds = {
    expectedRuns: 2,
    baselinePoliciesPerSecond: 400,
    peakConnections: 30,
    configuredConnections: 30,
  };
  expect(fleetTargets(fleet, bounds).every((t) => t.pass)).toBe(true);
  const failing = (changed: Partial<typeof bounds>) =>
    fleetTargets(fleet, { ...bounds, ...changed })
      .filter((t) => !t.pass)
      .map((t) => t.label);
  expect(failing({ baselinePoliciesPerSecond: 430 })).toEqual(['throughput / single tenant']);
  expect(failing({ peakConnections: 31 })).toEqual(['peak PostgreSQL connections']);
  expect(failing({ expectedRuns: 3 })).toEqual(['runs succeeded with full count']);
  const unfair = fleetFigures([run(1_000), run(1_000), run(3_100)], 300, 3_100);
  expect(fleetTargets(unfair, { ...bounds, expectedRuns: 3 }).find((t) => !t.pass)?.label).toBe(
    'fairness p95/p50',
  );
});
