// A tenant's backup set against a baseline: policies matched across the two sets
// (src/baselines/match.ts), reference ids replaced by names (src/baselines/referenceTokens.ts),
// then each matched pair diffed (src/diff with setting definitions' names as labels, baseline as
// before, tenant as after). Two items with
// the same payload hash are the same configuration and are not looked into.
import { matchPolicies, type MatchRule } from '../baselines/match';
import { knownDifferences, tokenizePair, type UnresolvedReference } from '../baselines/referenceTokens';
import { findPayloadContents } from './backupSets';
import { mappingsOf, referenceNamesOf, type SetPolicy, setPolicies } from './baselines';
import type { Db } from './client';
import type { FieldChange } from '../diff';
import { diffBatchOf } from './storedDiff';
import { unescapeStoredJson, unescapeStoredText } from '../graph/storedText';

export const BUCKETS = ['different', 'only_in_baseline', 'only_in_tenant', 'matching'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface ComparedPolicy {
  graphId: string;
  displayName: string;
}

export interface CompareItem {
  bucket: Bucket;
  policyType: string;
  baseline: ComparedPolicy | null;
  tenant: ComparedPolicy | null;
  /** How the two were matched; null in the only_in buckets. */
  matchedBy: MatchRule | null;
  /** different only: the leaf changes from the baseline to the tenant. */
  fields?: FieldChange[];
  unresolvedReferences: UnresolvedReference[];
}

export interface Comparison {
  counts: Record<Bucket, number>;
  items: CompareItem[];
}

/** Payloads are loaded this many pairs at a time. */
const PAIRS_PER_BATCH = 200;

export async function compareSets(
  db: Db,
  input: {
    baselineId: string;
    baselineSetId: string;
    tenantId: string;
    tenantSetId: string;
  },
): Promise<Comparison> {
  const [baselineItems, tenantItems, mappings, baselineNames, tenantNames] = await Promise.all([
    readablePolicies(db, input.baselineSetId),
    readablePolicies(db, input.tenantSetId),
    mappingsOf(db, input.baselineId, input.tenantId),
    readableNames(db, input.baselineSetId),
    readableNames(db, input.tenantSetId),
  ]);
  const matching = matchPolicies(baselineItems, tenantItems, mappings);
  const items: CompareItem[] = [];
  const policy = (p: SetPolicy): ComparedPolicy => ({ graphId: p.graphId, displayName: p.displayName });
  for (const p of matching.onlyInBaseline)
    items.push(onlyIn('only_in_baseline', p.policyType, policy(p), null));
  for (const p of matching.onlyInTenant) items.push(onlyIn('only_in_tenant', p.policyType, null, policy(p)));

  const diffBatch = diffBatchOf(db);
  const toDiff = matching.pairs.filter((pair) => {
    if (pair.baseline.payloadHash !== pair.tenant.payloadHash) return true;
    items.push({ ...pairItem('matching', pair.baseline, pair.tenant, pair.rule), unresolvedReferences: [] });
    return false;
  });
  for (let start = 0; start < toDiff.length; start += PAIRS_PER_BATCH) {
    const batch = toDiff.slice(start, start + PAIRS_PER_BATCH);
    const payloads = await findPayloadContents(
      db,
      batch.flatMap((pair) => [pair.baseline.payloadHash, pair.tenant.payloadHash]),
    );
    const tokenized = batch.map((pair) =>
      tokenizePair(
        pair.baseline.policyType,
        { payload: unescapeStoredJson(payloads.get(pair.baseline.payloadHash)), names: baselineNames },
        { payload: unescapeStoredJson(payloads.get(pair.tenant.payloadHash)), names: tenantNames },
      ),
    );
    const diffs = await diffBatch(
      batch.map((pair, i) => ({
        policyType: pair.baseline.policyType,
        before: tokenized[i]?.baseline,
        after: tokenized[i]?.tenant,
      })),
    );
    batch.forEach((pair, i) => {
      const unresolved = tokenized[i]?.unresolved ?? [];
      const fields = knownDifferences(diffs[i]?.fields ?? [], unresolved);
      const base = pairItem(
        fields.length > 0 ? 'different' : 'matching',
        pair.baseline,
        pair.tenant,
        pair.rule,
      );
      items.push({ ...base, ...(fields.length > 0 ? { fields } : {}), unresolvedReferences: unresolved });
    });
  }
  items.sort(byBucketTypeAndName);
  const counts = Object.fromEntries(BUCKETS.map((bucket) => [bucket, 0])) as Record<Bucket, number>;
  for (const item of items) counts[item.bucket] += 1;
  return { counts, items };
}

async function readablePolicies(db: Db, setId: string): Promise<SetPolicy[]> {
  return (await setPolicies(db, setId)).map((p) => ({
    ...p,
    graphId: unescapeStoredText(p.graphId),
    displayName: unescapeStoredText(p.displayName),
  }));
}

async function readableNames(db: Db, setId: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [key, name] of await referenceNamesOf(db, setId))
    names.set(unescapeStoredText(key), unescapeStoredText(name));
  return names;
}

function onlyIn(
  bucket: Bucket,
  policyType: string,
  baseline: ComparedPolicy | null,
  tenant: ComparedPolicy | null,
): CompareItem {
  return { bucket, policyType, baseline, tenant, matchedBy: null, unresolvedReferences: [] };
}

function pairItem(bucket: Bucket, baseline: SetPolicy, tenant: SetPolicy, rule: MatchRule) {
  return {
    bucket,
    policyType: baseline.policyType,
    baseline: { graphId: baseline.graphId, displayName: baseline.displayName },
    tenant: { graphId: tenant.graphId, displayName: tenant.displayName },
    matchedBy: rule,
  };
}

function byBucketTypeAndName(a: CompareItem, b: CompareItem): number {
  const key = (item: CompareItem) => [
    String(BUCKETS.indexOf(item.bucket)),
    item.policyType,
    (item.baseline ?? item.tenant)?.displayName ?? '',
    item.baseline?.graphId ?? '',
    item.tenant?.graphId ?? '',
  ];
  const [left, right] = [key(a), key(b)];
  for (let i = 0; i < left.length; i += 1) {
    const order = (left[i] as string) < (right[i] as string) ? -1 : left[i] === right[i] ? 0 : 1;
    if (order !== 0) return order;
  }
  return 0;
}
