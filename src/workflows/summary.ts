// Pure run-summary logic, shared by the workflow and unit tests.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
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

/**
 * The code and message a failed offsite copy is reported with: the activity's own failure (its
 * type and secret-free message, src/activities/copyOffsite.ts), or a timeout of its attempts.
 */
export function offsiteFailureOf(error: unknown): { code: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure)
    return {
      code: 'offsite_timeout',
      message: `the copy's last attempt timed out (${cause.timeoutType ?? 'unknown'} timeout)`,
    };
  if (cause instanceof ApplicationFailure) {
    // A refusal (type offsite_refused) names its own code, e.g. offsite_object_conflict.
    const detail = cause.details?.[0] as { code?: unknown } | undefined;
    const code = typeof detail?.code === 'string' ? detail.code : cause.type;
    return { code: code ?? 'offsite_copy_failed', message: cause.message };
  }
  return { code: 'offsite_copy_failed', message: 'the copy failed' };
}
