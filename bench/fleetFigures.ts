// bench:fleet's figures: percentiles of per-tenant run durations, fleet and baseline throughput,
// the fairness ratio, and issue 19's targets beside each figure. Pure, so a unit test covers it.
import type { Target } from './exportFigures';

export const FLEET_TARGETS = {
  /** Fleet policies per second over a single large tenant's, measured in the same run. */
  minThroughputRatio: 0.7,
  /** p95 / p50 of per-tenant durations. */
  maxFairnessRatio: 3,
} as const;

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface FleetRun {
  status: string;
  itemCount: number | null;
  /** From the trigger to the run's end (queueing included). */
  durationMs: number;
}

export interface FleetFigures {
  runs: number;
  makespanMs: number;
  policiesPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  fairness: number;
  /** Runs that did not end `succeeded` with exactly the expected item count. */
  incomplete: number;
}

export function fleetFigures(
  runs: readonly FleetRun[],
  policiesEach: number,
  makespanMs: number,
): FleetFigures {
  const durations = runs.map((run) => run.durationMs);
  const p50Ms = percentile(durations, 50);
  const p95Ms = percentile(durations, 95);
  const complete = runs.filter((run) => run.status === 'succeeded' && run.itemCount === policiesEach);
  return {
    runs: runs.length,
    makespanMs,
    policiesPerSecond: perSecond(complete.length * policiesEach, makespanMs),
    p50Ms,
    p95Ms,
    maxMs: Math.max(0, ...durations),
    fairness: p50Ms > 0 ? p95Ms / p50Ms : Number.POSITIVE_INFINITY,
    incomplete: runs.length - complete.length,
  };
}

export const perSecond = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : 0);

export interface FleetBounds {
  expectedRuns: number;
  baselinePoliciesPerSecond: number;
  peakConnections: number;
  /** Workers x pool size + the API's (here the bench's) pool. */
  configuredConnections: number;
}

export function fleetTargets(fleet: FleetFigures, bounds: FleetBounds): Target[] {
  const ratio =
    bounds.baselinePoliciesPerSecond > 0 ? fleet.policiesPerSecond / bounds.baselinePoliciesPerSecond : 0;
  return [
    {
      label: 'runs succeeded with full count',
      shown: `${fleet.runs - fleet.incomplete} of ${bounds.expectedRuns}`,
      target: `${bounds.expectedRuns} of ${bounds.expectedRuns}`,
      pass: fleet.incomplete === 0 && fleet.runs === bounds.expectedRuns,
    },
    {
      label: 'throughput / single tenant',
      shown: `${ratio.toFixed(2)} (${fleet.policiesPerSecond.toFixed(1)} / ${bounds.baselinePoliciesPerSecond.toFixed(1)} policies/s)`,
      target: `>= ${FLEET_TARGETS.minThroughputRatio}`,
      pass: ratio >= FLEET_TARGETS.minThroughputRatio,
    },
    {
      label: 'fairness p95/p50',
      shown: fleet.fairness.toFixed(2),
      target: `<= ${FLEET_TARGETS.maxFairnessRatio}`,
      pass: fleet.fairness <= FLEET_TARGETS.maxFairnessRatio,
    },
    {
      label: 'peak PostgreSQL connections',
      shown: String(bounds.peakConnections),
      target: `<= ${bounds.configuredConnections} (configured bound)`,
      pass: bounds.peakConnections <= bounds.configuredConnections,
    },
  ];
}
