// The tenant's policy inventory, and one policy's history: its versions across the tenant's backup
// sets, each with the field changes from the version before it and who made them.
import { findPayloadContents } from '../db/backupSets';
import type { Db } from '../db/client';
import { listInventory, listPolicyVersions, type PolicyVersionRow } from '../db/inventory';
import type { KeysetPosition } from '../db/paging';
import { findPolicy } from '../db/policies';
import type { PolicyChangeKind } from '../diff';
import { escapeStoredText } from '../graph';
import { attributeActors } from './changeActors';
import { diffBatchOf } from './diffs';
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

export async function getPolicyHistory(
  db: Db,
  tenantId: string,
  key: { policyType: string; graphId: string },
  page: { limit: number; cursor?: KeysetPosition },
) {
  await getTenant(db, tenantId);
  const policy = { tenantId, policyType: key.policyType, graphId: escapeStoredText(key.graphId) };
  const current = await findPolicy(db, policy);
  if (!current) throw new NotFoundError('policy');
  // One row beyond the page: the predecessor of the page's oldest version.
  const rows = await listPolicyVersions(db, policy, {
    limit: page.limit + 1,
    ...(page.cursor ? { before: page.cursor } : {}),
  });
  const shown = rows.slice(0, page.limit + 1);
  const payloads = await findPayloadContents(
    db,
    rows.map((row) => row.payloadHash),
  );
  const pairs = shown.map((row, i) => ({ row, previous: rows[i + 1] }));
  const diffs = await diffBatchOf(db)(
    pairs.map(({ row, previous }) => ({
      policyType: key.policyType,
      before: previous ? (payloads.get(previous.payloadHash) ?? null) : null,
      after: payloads.get(row.payloadHash) ?? null,
    })),
  );
  const versions = await Promise.all(
    pairs.map(async ({ row, previous }, i) => {
      const diff = previous ? diffs[i] : null;
      const change: PolicyChangeKind | null = previous ? (diff?.change ?? null) : 'added';
      const [attributed] = await attributeActors(
        db,
        tenantId,
        { from: previous ? sideOf(previous, 'last') : null, to: sideOf(row, 'first') },
        [{ policyType: key.policyType, graphId: policy.graphId }],
      );
      return {
        ...row,
        policyType: key.policyType,
        change,
        fields: diff?.fields ?? (previous ? [] : null),
        actors: attributed?.actors ?? null,
        ...(attributed?.actorsUnknown ? { actorsUnknown: attributed.actorsUnknown } : {}),
      };
    }),
  );
  return { policy: current, versions };
}

const sideOf = (row: PolicyVersionRow, end: 'first' | 'last') => ({
  createdAt: row[end].createdAt,
  runId: end === 'first' ? row.firstRunId : row.lastRunId,
});
