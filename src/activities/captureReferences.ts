// The sync's last step: the identities of the objects the run's policies reference (groups,
// filters, scope tags, named locations, notification templates, apps), read from the run's own
// capture and resolved against Graph (src/references/). What the app may not read is recorded as
// `permission_missing` with the permission that would; it never fails the run. A transient Graph
// error is retried by Temporal like a policy type's (syncOutcome.ts); on the last attempt it is
// recorded as `failed`.
import { capturedObjects, capturedReferenceKeys, writeRunReferences } from '../db/references';
import type { Db } from '../db/client';
import type { CaptureOwner } from '../db/policies';
import type { GraphClient } from '../graph';
import {
  countStates,
  type FailureOutcome,
  type KindSummary,
  type ReferenceKind,
  type ReferenceReader,
  type ReferencesOutcome,
  type ResolvedReference,
  referenceOfKey,
  resolveKind,
  summarize,
} from '../references';
import { outcomeForFailure } from './syncOutcome';

export interface ReferenceCapture {
  db: Db;
  client: GraphClient;
  owner: CaptureOwner;
  /** The types the run captured completely: only their policies go into the set. */
  policyTypes: readonly string[];
  lastAttempt: boolean;
  signal?: AbortSignal;
}

export async function captureReferences(capture: ReferenceCapture): Promise<ReferencesOutcome> {
  const { db, owner, policyTypes } = capture;
  const ids = await referencedIds(db, owner.runId, policyTypes);
  const reader = readerOf(capture);
  const onFailure = failureOutcome(capture.lastAttempt);
  const rows: ResolvedReference[] = [];
  const kinds: Partial<Record<ReferenceKind, KindSummary>> = {};
  for (const [kind, kindIds] of ids) {
    const resolved = await resolveKind(kind, [...kindIds].sort(), reader, onFailure);
    rows.push(...resolved.rows);
    kinds[kind] = { ...resolved.outcome, ...countStates(resolved.rows) };
  }
  const outcome = summarize(kinds);
  await writeRunReferences(db, owner, rows, outcome);
  return outcome;
}

/** Distinct ids per kind, as the sync stored them with each captured item (syncPolicies.ts). */
async function referencedIds(db: Db, runId: string, policyTypes: readonly string[]) {
  const ids = new Map<ReferenceKind, Set<string>>();
  for (const key of await capturedReferenceKeys(db, runId, policyTypes)) {
    const reference = referenceOfKey(key);
    if (reference === undefined) continue;
    const set = ids.get(reference.kind) ?? new Set<string>();
    ids.set(reference.kind, set.add(reference.id));
  }
  return ids;
}

function readerOf({ db, client, owner, policyTypes, signal }: ReferenceCapture): ReferenceReader {
  return {
    getByIds: (ids, types) => client.directoryObjectsByIds(ids, types, signal),
    listPages: (version, pathAndQuery) =>
      client.collectionPages(client.url(version, pathAndQuery), 'collection', signal),
    captured: async (policyType, ids) =>
      policyTypes.includes(policyType) ? capturedObjects(db, owner.runId, policyType, ids) : undefined,
  };
}

/** A policy type's failure rules (syncOutcome.ts), read as a kind's outcome. */
export function failureOutcome(lastAttempt: boolean): FailureOutcome {
  return (error, permission) => {
    const summary = outcomeForFailure(error, { permission, fetchedSoFar: 0, lastAttempt });
    if (summary.outcome === 'permission_missing')
      return { outcome: 'permission_missing', requiredPermission: permission, reason: summary.reason ?? '' };
    return { outcome: 'failed', reason: summary.reason ?? summary.outcome };
  };
}
