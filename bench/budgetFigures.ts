// bench:budget's figures: how much of Graph's per-app-per-tenant budget a sync used, and how
// often Graph refused it (issue 19, point 2), beside their targets.
import type { Target } from './exportFigures';

export const BUDGET_TARGETS = {
  /** Requests made / (budget rate x time). */
  minUtilization: 0.9,
  /** Share of requests answered 429. */
  maxThrottledShare: 0.01,
} as const;

export interface Budget {
  requests: number;
  windowMs: number;
}

export interface BudgetRun {
  /** Every Graph request the emulator answered for the tenant, 429s included. */
  requests: number;
  /** Of those, answered 429. */
  throttled: number;
  ms: number;
}

export interface BudgetFigures {
  utilization: number;
  throttledShare: number;
  /**
   * Requests / the most a sliding window lets through in that time (a full window at the start,
   * then one per window): utilization counts the first window's burst as if it were spread out,
   * so it can exceed 1 on short runs; this cannot.
   */
  windowShare: number;
}

export function budgetFigures(run: BudgetRun, budget: Budget): BudgetFigures {
  const ratePerMs = budget.requests / budget.windowMs;
  const windows = Math.max(1, Math.ceil(run.ms / budget.windowMs));
  return {
    utilization: run.ms > 0 ? run.requests / (ratePerMs * run.ms) : 0,
    throttledShare: run.requests > 0 ? run.throttled / run.requests : 0,
    windowShare: run.requests / (budget.requests * windows),
  };
}

export function budgetTargets(figures: BudgetFigures): Target[] {
  return [
    {
      label: 'budget utilization',
      shown: figures.utilization.toFixed(2),
      target: `>= ${BUDGET_TARGETS.minUtilization}`,
      pass: figures.utilization >= BUDGET_TARGETS.minUtilization,
    },
    {
      label: 'requests answered 429',
      shown: `${(figures.throttledShare * 100).toFixed(2)} %`,
      target: `<= ${BUDGET_TARGETS.maxThrottledShare * 100} %`,
      pass: figures.throttledShare <= BUDGET_TARGETS.maxThrottledShare,
    },
  ];
}
