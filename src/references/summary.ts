// The references outcome of a run, as its run resource shows it: counts per state and, per kind,
// whether it could be read. A kind the app may not read is `permission_missing` naming the
// permission; it never fails the run.
import type { KindOutcome, ResolvedReference } from './resolve';
import type { ReferenceKind } from './rules';

export interface StateCounts {
  resolved: number;
  missing: number;
  unreadable: number;
}

export type KindSummary = KindOutcome & StateCounts;

export interface ReferencesOutcome extends StateCounts {
  outcome: 'ok' | 'permission_missing' | 'failed';
  /** The permissions that would let the run read what it could not. */
  requiredPermissions?: string[];
  kinds: Partial<Record<ReferenceKind, KindSummary>>;
}

export function countStates(rows: readonly ResolvedReference[]): StateCounts {
  const counts: StateCounts = { resolved: 0, missing: 0, unreadable: 0 };
  for (const row of rows) counts[row.state] += 1;
  return counts;
}

export function summarize(kinds: Partial<Record<ReferenceKind, KindSummary>>): ReferencesOutcome {
  const all = Object.values(kinds);
  const total = (state: keyof StateCounts) => all.reduce((sum, kind) => sum + kind[state], 0);
  const permissions = [
    ...new Set(
      all.flatMap((kind) => (kind.outcome === 'permission_missing' ? [kind.requiredPermission] : [])),
    ),
  ].sort();
  const outcome = all.some((kind) => kind.outcome === 'failed')
    ? 'failed'
    : permissions.length > 0
      ? 'permission_missing'
      : 'ok';
  return {
    outcome,
    resolved: total('resolved'),
    missing: total('missing'),
    unreadable: total('unreadable'),
    ...(permissions.length > 0 ? { requiredPermissions: permissions } : {}),
    kinds,
  };
}
