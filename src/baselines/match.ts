// Which baseline policy is which policy of the compared tenant. Pure: the compare service hands
// in both sides' policies and the user's explicit matches.
//
// The rule, in order; each step sees only what the steps before it left unmatched, and never
// pairs across policy types:
// 1. explicit: a mapping a user set (PUT /v1/baselines/{id}/mappings) pairs its two policies,
//    whatever their names: it overrides every rule below.
// 2. same Graph id: ids that are GUIDs are unique across tenants, so the same GUID on both sides
//    is the same object (a baseline of the tenant itself, built-in role definitions). Non-GUID
//    ids ("1", "2" of scope tags) are per tenant and never match this way.
// 3. exact display name, where the name occurs once among each side's unmatched policies of the
//    type.
// 4. the same name ignoring case, Unicode compatibility forms and whitespace runs (trimmed,
//    collapsed), again only where it is unique on both sides.
// 5. similar names: each name's word tokens (runs of letters and digits, lowercased) are compared
//    by Jaccard similarity |A ∩ B| / |A ∪ B|; a pair matches when the score is at least
//    SIMILARITY_THRESHOLD and each is the other's single best candidate (a tie for the best
//    score on either side leaves both unmatched). "Win - Defender AV" and "Win - Defender AV v2"
//    score 0.75 and match; "PROD Baseline" and "TEST Baseline" score 1/3 and do not.
// A name shared by several policies of one side is ambiguous: those policies are never guessed,
// they stay in only_in_baseline / only_in_tenant until a user maps them.

export interface NamedPolicy {
  policyType: string;
  graphId: string;
  displayName: string;
}

export interface ExplicitMatch {
  policyType: string;
  baselineGraphId: string;
  tenantGraphId: string;
}

export type MatchRule = 'explicit' | 'graphId' | 'exactName' | 'normalizedName' | 'similarName';

export interface MatchedPair<P extends NamedPolicy> {
  baseline: P;
  tenant: P;
  rule: MatchRule;
}

export interface Matching<P extends NamedPolicy> {
  pairs: MatchedPair<P>[];
  onlyInBaseline: P[];
  onlyInTenant: P[];
}

export const SIMILARITY_THRESHOLD = 0.6;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normalizedName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

export function nameTokens(name: string): Set<string> {
  return new Set(normalizedName(name).match(/[\p{L}\p{N}]+/gu) ?? []);
}

export function nameSimilarity(a: string, b: string): number {
  const left = nameTokens(a);
  const right = nameTokens(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared += 1;
  return shared / (left.size + right.size - shared);
}

export function matchPolicies<P extends NamedPolicy>(
  baseline: readonly P[],
  tenant: readonly P[],
  explicit: readonly ExplicitMatch[] = [],
): Matching<P> {
  const pairs: MatchedPair<P>[] = [];
  const left = new Set(baseline);
  const right = new Set(tenant);
  const pair = (b: P, t: P, rule: MatchRule) => {
    pairs.push({ baseline: b, tenant: t, rule });
    left.delete(b);
    right.delete(t);
  };

  const byKey = (policies: Iterable<P>, key: (p: P) => string) => {
    const found = new Map<string, P>();
    for (const p of policies) found.set(`${p.policyType}\u0000${key(p)}`, p);
    return found;
  };
  const baselineById = byKey(left, (p) => p.graphId);
  const tenantById = byKey(right, (p) => p.graphId);
  for (const mapping of explicit) {
    const b = baselineById.get(`${mapping.policyType}\u0000${mapping.baselineGraphId}`);
    const t = tenantById.get(`${mapping.policyType}\u0000${mapping.tenantGraphId}`);
    if (b && t && left.has(b) && right.has(t)) pair(b, t, 'explicit');
  }
  for (const b of [...left]) {
    const t = GUID.test(b.graphId) ? tenantById.get(`${b.policyType}\u0000${b.graphId}`) : undefined;
    if (t && right.has(t)) pair(b, t, 'graphId');
  }
  pairUniqueKeys(
    left,
    right,
    (p) => p.displayName,
    (b, t) => pair(b, t, 'exactName'),
  );
  pairUniqueKeys(
    left,
    right,
    (p) => normalizedName(p.displayName),
    (b, t) => pair(b, t, 'normalizedName'),
  );
  for (const [b, t] of mutualBestSimilar([...left], [...right])) pair(b, t, 'similarName');

  return { pairs, onlyInBaseline: [...left], onlyInTenant: [...right] };
}

/** Pairs policies whose type and key occur exactly once on each side. */
function pairUniqueKeys<P extends NamedPolicy>(
  left: ReadonlySet<P>,
  right: ReadonlySet<P>,
  key: (p: P) => string,
  pair: (b: P, t: P) => void,
): void {
  const unique = (side: ReadonlySet<P>) => {
    const groups = new Map<string, P[]>();
    for (const p of side) {
      const k = `${p.policyType}\u0000${key(p)}`;
      groups.set(k, [...(groups.get(k) ?? []), p]);
    }
    return groups;
  };
  const rightGroups = unique(right);
  for (const [k, bs] of unique(left)) {
    const ts = rightGroups.get(k);
    if (bs.length === 1 && ts?.length === 1) pair(bs[0] as P, ts[0] as P);
  }
}

/** Pairs of the same type that are each other's single best candidate at or above the threshold. */
function mutualBestSimilar<P extends NamedPolicy>(left: readonly P[], right: readonly P[]): [P, P][] {
  const best = (from: P, candidates: readonly P[]): P | undefined => {
    let top: P | undefined;
    let topScore = SIMILARITY_THRESHOLD;
    let tied = false;
    for (const candidate of candidates) {
      if (candidate.policyType !== from.policyType) continue;
      const score = nameSimilarity(from.displayName, candidate.displayName);
      if (score > topScore || (score === topScore && !top)) {
        [top, topScore, tied] = [candidate, score, false];
      } else if (top && score === topScore) {
        tied = true;
      }
    }
    return tied ? undefined : top;
  };
  const found: [P, P][] = [];
  for (const b of left) {
    const t = best(b, right);
    if (t && best(t, left) === b) found.push([b, t]);
  }
  return found;
}
