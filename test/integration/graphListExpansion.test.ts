// List-level `$expand` (src/graph/listExpansion.ts) never costs completeness: on a generated
// tenant whose Graph pages inline lists, every type fetched with and without it gives the same
// objects and canonical payloads, and a tenant refusing it is fetched per item, the refusal paid
// once. Real MSAL and undici against the in-process emulator; no PostgreSQL or Temporal.
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { canonicalizePolicy } from '../../src/graph/canonical';
import { GraphClientFactory } from '../../src/graph/clientFactory';
import type { GraphTenantCredentials } from '../../src/graph/credentials';
import { POLICY_TYPE_KEYS, POLICY_TYPES, type PolicyTypeKey } from '../../src/graph/policyTypes';
import { graphEndpointAllowlist } from '../../src/outbound';

const TENANT = {
  azureTenantId: '19e19e19-0000-4000-8000-000000000019',
  clientId: '19c19c19-0000-4000-8000-000000000019',
  clientSecret: 'list-expansion-secret',
};
// Small enough that some inline lists are paged (asserted below), large enough that most are not.
const INLINE_PAGE = 5;
const REFUSING: PolicyTypeKey[] = ['deviceConfiguration', 'appProtection'];

type Canonical = Map<string, string>;

let emulator: GraphEmulator;
let creds: GraphTenantCredentials;
const factories: GraphClientFactory[] = [];

function factory(listExpansions: boolean): GraphClientFactory {
  const made = new GraphClientFactory({
    trustedCaPem: emulator.caPem,
    endpointAllowlist: graphEndpointAllowlist([new URL(emulator.baseUrl).host]),
    requestBudget: { limit: 1_000_000, windowMs: 1000 },
    listExpansions,
  });
  factories.push(made);
  return made;
}

/** graphId -> canonical JSON of every object of the type, and the Graph requests it took. */
async function fetchType(from: GraphClientFactory, type: PolicyTypeKey) {
  const client = await from.forTenant('list-expansion', creds);
  const before = emulator.graphRequests(TENANT.azureTenantId);
  const canonical: Canonical = new Map();
  for await (const page of client.fetchPolicyPages(type))
    for (const policy of page) canonical.set(policy.graphId, canonicalizePolicy(type, policy.payload).json);
  return { canonical, requests: emulator.graphRequests(TENANT.azureTenantId) - before };
}

const perItem = new Map<PolicyTypeKey, Canonical>();
const hasListExpand = (type: PolicyTypeKey) => POLICY_TYPES[type].collections.some((c) => c.listExpand);

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0, pageSize: 40 });
  emulator.createTenant({ ...TENANT, policies: 300 });
  emulator.setFaults(TENANT.azureTenantId, { inlineExpansionPageSize: INLINE_PAGE });
  creds = { ...TENANT, graphBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl };
});

afterAll(async () => {
  for (const made of factories) await made.close();
  await emulator.close();
});

it('fetches every type with list expansion exactly as per item, in fewer requests', async () => {
  const expanded = factory(true);
  const plain = factory(false);
  let saved = 0;
  for (const type of POLICY_TYPE_KEYS) {
    const withIt = await fetchType(expanded, type);
    const without = await fetchType(plain, type);
    perItem.set(type, without.canonical);
    expect({ type, size: withIt.canonical.size }).toEqual({
      type,
      size: emulator.policyCount(TENANT.azureTenantId, [type]),
    });
    expect({ type, objects: withIt.canonical }).toEqual({ type, objects: without.canonical });
    // Never more; the same where the registry names no list expansion.
    const more = withIt.requests > without.requests;
    const changed = withIt.requests !== without.requests;
    expect({ type, more, changed }).toEqual({ type, more: false, changed: changed && hasListExpand(type) });
    saved += without.requests - withIt.requests;
  }
  expect(saved).toBeGreaterThan(100);
  // Some inline lists were paged (the generated tenant has items with more assignments than that).
  const assignments = [...(perItem.get('deviceConfiguration')?.values() ?? [])].map(
    (json) => (JSON.parse(json) as { assignments: unknown[] }).assignments.length,
  );
  expect(Math.max(...assignments)).toBeGreaterThan(INLINE_PAGE);
}, 120_000);

it('falls back per item where Graph refuses list expansion, and pays the 400 once', async () => {
  emulator.setFaults(TENANT.azureTenantId, {
    inlineExpansionPageSize: INLINE_PAGE,
    refuseListExpansionTypes: REFUSING,
  });
  const refusals = () => emulator.stats(TENANT.azureTenantId).byStatus['400'] ?? 0;
  const listings = REFUSING.flatMap((type) => POLICY_TYPES[type].collections.filter((c) => c.listExpand));
  const shared = factory(true);
  const before = refusals();
  for (const type of REFUSING)
    expect({ type, objects: (await fetchType(shared, type)).canonical }).toEqual({
      type,
      objects: perItem.get(type),
    });
  expect(refusals() - before).toBe(listings.length);
  for (const type of REFUSING)
    expect({ type, objects: (await fetchType(shared, type)).canonical }).toEqual({
      type,
      objects: perItem.get(type),
    });
  expect(refusals() - before).toBe(listings.length);
}, 60_000);

it('believes no empty inline list until the listing showed it filled, and lists per item where Graph empties them', async () => {
  // Graph accepts the expansion and answers empty lists (as for scope tags): nothing refuses it.
  const EMPTYING: PolicyTypeKey[] = ['deviceConfiguration', 'autopilotProfiles'];
  emulator.setFaults(TENANT.azureTenantId, {
    inlineExpansionPageSize: INLINE_PAGE,
    emptyListExpansionTypes: EMPTYING,
  });
  const shared = factory(true);
  for (const type of EMPTYING) {
    const first = await fetchType(shared, type);
    expect({ type, objects: first.canonical }).toEqual({ type, objects: perItem.get(type) });
    // Learned: the next fetch lists per item, and costs what per-item fetching costs.
    const second = await fetchType(shared, type);
    const plain = await fetchType(factory(false), type);
    expect({ type, objects: second.canonical }).toEqual({ type, objects: perItem.get(type) });
    expect({ type, requests: second.requests }).toEqual({ type, requests: plain.requests });
  }
}, 60_000);
