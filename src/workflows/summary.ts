// Pure run-summary logic, shared by the workflow and unit tests.
import type { PolicyTypeSummary, RunOutcome, RunSummary } from '../shared/types';

/** All types ok -> succeeded; some -> partial; none -> failed. */
export function runStatusFor(
  types: Record<string, PolicyTypeSummary>,
): Extract<RunOutcome, 'succeeded' | 'partial' | 'failed'> {
  const outcomes = Object.values(types).map((t) => t.outcome);
  const ok = outcomes.filter((o) => o === 'ok').length;
  if (outcomes.length > 0 && ok === outcomes.length) return 'succeeded';
  return ok > 0 ? 'partial' : 'failed';
}

export function summarize(types: Record<string, PolicyTypeSummary>, itemCount: number): RunSummary {
  const totals = { fetched: 0, added: 0, modified: 0, removed: 0, itemCount };
  for (const t of Object.values(types)) {
    totals.fetched += t.fetched;
    totals.added += t.added;
    totals.modified += t.modified;
    totals.removed += t.removed;
  }
  return { types, totals };
}
