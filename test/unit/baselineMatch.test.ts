// Matching a baseline's policies to another tenant's (src/baselines/match.ts): each rule, in its
// order, and ambiguity left unmatched.
import { matchPolicies, nameSimilarity } from '../../src/baselines/match';

const p = (displayName: string, graphId = displayName, policyType = 'compliance') => ({
  policyType,
  graphId,
  displayName,
});
const pairs = (result: ReturnType<typeof matchPolicies>) =>
  result.pairs.map((pair) => [pair.baseline.graphId, pair.tenant.graphId, pair.rule]);

test('the same name matches, exactly first, then ignoring case and whitespace; types never mix', () => {
  const result = matchPolicies(
    [p('WIN - Defender', 'b1'), p('Mac  Baseline ', 'b2'), p('Shared', 'b3', 'settingsCatalog')],
    [p('WIN - Defender', 't1'), p('mac baseline', 't2'), p('Shared', 't3', 'deviceConfiguration')],
  );
  expect(pairs(result)).toEqual([
    ['b1', 't1', 'exactName'],
    ['b2', 't2', 'normalizedName'],
  ]);
  expect(result.onlyInBaseline.map((x) => x.graphId)).toEqual(['b3']);
  expect(result.onlyInTenant.map((x) => x.graphId)).toEqual(['t3']);
});

test('the same GUID is the same object whatever its name; other ids are per tenant', () => {
  const guid = '3f1c2b4a-0000-4000-8000-00000000000a';
  const result = matchPolicies(
    [p('Old name', guid), p('Tag A', '1', 'scopeTags')],
    [p('New name', guid), p('Tag B', '1', 'scopeTags')],
  );
  expect(pairs(result)).toEqual([[guid, guid, 'graphId']]);
  expect(result.onlyInTenant.map((x) => x.displayName)).toEqual(['Tag B']);
});

test("a similar name matches only when each is the other's single best candidate", () => {
  expect(nameSimilarity('Win - Defender AV', 'Win - Defender AV v2')).toBe(0.75);
  expect(nameSimilarity('PROD Baseline', 'TEST Baseline')).toBeCloseTo(1 / 3);
  const renamed = matchPolicies([p('Win - Defender AV', 'b1')], [p('Win - Defender AV v2', 't1')]);
  expect(pairs(renamed)).toEqual([['b1', 't1', 'similarName']]);
  // Two equally good candidates: never guessed.
  const tied = matchPolicies(
    [p('Win Defender AV', 'b1')],
    [p('Win Defender AV v2', 't1'), p('Win Defender AV v3', 't2')],
  );
  expect(tied.pairs).toEqual([]);
  expect(matchPolicies([p('PROD Baseline', 'b1')], [p('TEST Baseline', 't1')]).pairs).toEqual([]);
});

test('a name held by several policies of one side is ambiguous: none of them is matched by it', () => {
  const result = matchPolicies([p('Dup', 'b1'), p('Dup', 'b2')], [p('Dup', 't1')]);
  expect(result.pairs).toEqual([]);
  expect(result.onlyInBaseline).toHaveLength(2);
});

test('an explicit mapping overrides every name rule', () => {
  const result = matchPolicies(
    [p('Alpha', 'b1'), p('Beta', 'b2')],
    [p('Alpha', 't1'), p('Beta', 't2')],
    [{ policyType: 'compliance', baselineGraphId: 'b1', tenantGraphId: 't2' }],
  );
  expect(pairs(result)).toEqual([['b1', 't2', 'explicit']]);
  expect(result.onlyInBaseline.map((x) => x.graphId)).toEqual(['b2']);
  expect(result.onlyInTenant.map((x) => x.graphId)).toEqual(['t1']);
});
