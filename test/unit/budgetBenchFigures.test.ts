import { budgetFigures, budgetTargets } from '../../bench/budgetFigures';

const GRAPH = { requests: 1_000, windowMs: 20_000 };

describe('bench:budget figures', () => {
  it('utilization is requests over budget rate x time, and the 429 share is of all requests', () => {
    // 10,000 requests in 220 s at 50 requests/s: 10,000 / 11,000.
    const figures = budgetFigures({ requests: 10_000, throttled: 50, ms: 220_000 }, GRAPH);
    expect(figures.utilization).toBeCloseTo(0.909, 3);
    expect(figures.throttledShare).toBeCloseTo(0.005, 6);
    // 11 windows of 20 s let through at most 11,000.
    expect(figures.windowShare).toBeCloseTo(0.909, 3);
    expect(budgetTargets(figures).map((t) => t.pass)).toEqual([true, true]);
  });

  it('misses the targets below 0.9 utilization or above 1 % 429s', () => {
    const slow = budgetFigures({ requests: 10_000, throttled: 0, ms: 240_000 }, GRAPH);
    expect(budgetTargets(slow).map((t) => t.pass)).toEqual([false, true]);
    const throttled = budgetFigures({ requests: 10_000, throttled: 101, ms: 200_000 }, GRAPH);
    expect(budgetTargets(throttled).map((t) => t.pass)).toEqual([true, false]);
  });

  it('counts the first window whole: a burst in a short run uses one window, not a share of it', () => {
    const burst = budgetFigures({ requests: 950, throttled: 0, ms: 2_000 }, GRAPH);
    expect(burst.utilization).toBeGreaterThan(1);
    expect(burst.windowShare).toBeCloseTo(0.95, 6);
  });
});
