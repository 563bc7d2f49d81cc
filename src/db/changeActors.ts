// Who changed a policy between two backups: the events of the tenant's audit logs on that policy's
// id (src/db/graphAuditEvents.ts), from the start of the earlier set's run (a change made while it
// ran may be missing from that set) to the later set's creation. Events are attributed when asked,
// so one a later sync stored still names the change. With no event, where the log that covers the
// type could not be read or was not read back that far, `actors` is null with the reason, never
// an empty list that would read as "nobody".
import type { Db } from './client';
import { actorsOf, auditCoverage, type AuditActorEvent } from './graphAuditEvents';
import { findRun } from './runs';
import { auditSourceFor } from '../graph';

export interface ActorAttribution {
  actors: AuditActorEvent[] | null;
  /** Why `actors` is null: the audit log of the type could not be read, with its reason. */
  actorsUnknown?: string;
}

/** The two sides of a change: sets, or where a policy's version was first and last seen. */
export interface ChangeSide {
  createdAt: Date;
  runId: string;
}

/**
 * Attributes changes to their actors, one window (a pair of sets) per call; what the tenant's
 * audit logs cover is read once, on the first call, however many windows are attributed (a
 * policy's history has one per version).
 */
export function actorAttribution(db: Db, tenantId: string) {
  let coverage: ReturnType<typeof auditCoverage> | undefined;
  return async <T extends { policyType: string; graphId: string }>(
    sets: { from: ChangeSide | null; to: ChangeSide },
    rows: T[],
  ): Promise<(T & ActorAttribution)[]> => {
    if (rows.length === 0) return [];
    const [earlier, later] =
      sets.from && sets.from.createdAt > sets.to.createdAt ? [sets.to, sets.from] : [sets.from, sets.to];
    const earlierRun = earlier ? await findRun(db, tenantId, earlier.runId) : null;
    const since = earlierRun?.startedAt ?? earlier?.createdAt ?? new Date(0);
    coverage ??= auditCoverage(db, tenantId);
    const [events, covered] = await Promise.all([
      actorsOf(
        db,
        tenantId,
        rows.map((row) => row.graphId),
        since,
        later.createdAt,
      ),
      coverage,
    ]);
    return rows.map((row) => {
      const source = covered[auditSourceFor(row.policyType)];
      const found = events.get(row.graphId) ?? [];
      // Events stored by earlier reads still name who changed it, whatever the latest read's outcome.
      if (found.length > 0) return { ...row, actors: found };
      if (source.state !== 'ok') return { ...row, actors: null, actorsUnknown: source.reason };
      // No event, and the log was not read back to the window's start: not known, not "nobody".
      if (source.coveredFrom && since < source.coveredFrom) {
        const from = source.coveredFrom.toISOString();
        return {
          ...row,
          actors: null,
          actorsUnknown: `the audit log is stored from ${from} on; the change may be older`,
        };
      }
      return { ...row, actors: found };
    });
  };
}
