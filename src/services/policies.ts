// The tenant's policy inventory, and one policy's history: its versions across the tenant's backup
// sets, each with the field changes from the version before it and who made them.
import { findPayloadContents } from '../db/backupSets';
import type { Db, Policy } from '../db/client';
import type { AuditActorEvent } from '../db/graphAuditEvents';
import { listInventory, listPolicyVersions, type PolicyVersionRow } from '../db/inventory';
import type { KeysetPosition } from '../db/paging';
import { findPolicy } from '../db/policies';
import type { FieldChange, PolicyChangeKind } from '../diff';
import { escapeStoredText } from '../graph';
import { actorAttribution } from '../db/changeActors';
import { diffBatchOf } from '../db/storedDiff';
import { NotFoundError } from './errors';
import { getTenant } from './tenants';

export async function getInventory(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: string; policyType?: string; search?: string; deleted?: boolean },
) {
  await getTenant(db, tenantId);
  return listInventory(db, tenantId, page);
}

/** A version as the API shows it: stored versions that differ only in stored form, merged. */
export interface PolicyVersion extends PolicyVersionRow {
  policyType: string;
  change: PolicyChangeKind | null;
  fields: FieldChange[] | null;
  actors: AuditActorEvent[] | null;
  actorsUnknown?: string;
}

/**
 * A page of the policy's versions, newest first, and one more if there is a next page. Stored
 * versions (runs of sets holding one payload) whose diff from the one before is empty (a change
 * of canonical form, `[]` for null) are one version: the merged version spans them all, keeps the
 * oldest's number (when that configuration appeared) and the newest's payload hash, and its change
 * is the one from the version before the oldest. Numbers then skip the merged ones.
 */
export async function getPolicyHistory(
  db: Db,
  tenantId: string,
  key: { policyType: string; graphId: string },
  page: { limit: number; cursor?: KeysetPosition },
): Promise<{ policy: Policy; versions: PolicyVersion[] }> {
  await getTenant(db, tenantId);
  const policy = { tenantId, policyType: key.policyType, graphId: escapeStoredText(key.graphId) };
  const current = await findPolicy(db, policy);
  if (!current) throw new NotFoundError('policy');
  const stored = await listPolicyVersions(db, policy, page.cursor ? { before: page.cursor } : {});
  const payloadOf = payloadReader(db, stored);
  const diff = diffBatchOf(db);
  const attributeActors = actorAttribution(db, tenantId);
  const versions: PolicyVersion[] = [];
  for (let i = 0; i < stored.length && versions.length <= page.limit; ) {
    const newest = stored[i] as PolicyVersionRow;
    let oldest = newest;
    let setCount = newest.setCount;
    let found: Awaited<ReturnType<typeof diff>>[number] = null;
    let previous = stored[i + 1];
    while (previous) {
      const pair = { before: await payloadOf(previous), after: await payloadOf(oldest) };
      found = (await diff([{ policyType: key.policyType, ...pair }]))[0] ?? null;
      if (found) break;
      oldest = previous;
      setCount += previous.setCount;
      i++;
      previous = stored[i + 1];
    }
    i++;
    const [attributed] = await attributeActors(
      { from: previous ? sideOf(previous, 'last') : null, to: sideOf(oldest, 'first') },
      [{ policyType: key.policyType, graphId: policy.graphId }],
    );
    versions.push({
      ...newest,
      version: oldest.version,
      first: oldest.first,
      firstRunId: oldest.firstRunId,
      setCount,
      policyType: key.policyType,
      change: previous ? (found?.change ?? null) : 'added',
      fields: previous ? (found?.fields ?? []) : null,
      actors: attributed?.actors ?? null,
      ...(attributed?.actorsUnknown ? { actorsUnknown: attributed.actorsUnknown } : {}),
    });
  }
  return { policy: current, versions };
}

/** Payloads of the versions, read a page ahead at a time (not one query per version). */
function payloadReader(db: Db, versions: PolicyVersionRow[]) {
  const cache = new Map<string, unknown>();
  return async (version: PolicyVersionRow): Promise<unknown> => {
    if (!cache.has(version.payloadHash)) {
      const at = versions.indexOf(version);
      const ahead = versions.slice(at, at + 25).map((row) => row.payloadHash);
      cache.clear();
      for (const [hash, content] of await findPayloadContents(db, ahead)) cache.set(hash, content);
    }
    return cache.get(version.payloadHash) ?? null;
  };
}

const sideOf = (row: PolicyVersionRow, end: 'first' | 'last') => ({
  createdAt: row[end].createdAt,
  runId: end === 'first' ? row.firstRunId : row.lastRunId,
});
