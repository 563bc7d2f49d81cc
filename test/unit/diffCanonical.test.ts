// Canonical payloads under reordering: every array the rules call unordered (src/graph/arrayRules.ts)
// and every object's keys shuffled in every generated payload of every type give the same hash
// and no diff; reordering an ordered array is still a change.
import { diffPolicy } from '../../src/diff';
import { listOf } from '../../src/emulator/tenantObjects';
import { TenantStore } from '../../src/emulator/tenantStore';
import type { EmulatorNode } from '../../src/emulator/types';
import { arrayRuleAt, arrayRulesOf } from '../../src/graph/arrayRules';
import { canonicalize, canonicalizePolicy } from '../../src/graph/canonical';
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';

/** The payload as the fetcher stores it: the item, its detail and its expanded lists. */
function payloadOf(node: EmulatorNode): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...node.object, ...node.detail, ...node.expandable };
  for (const property of Object.keys(node.lists ?? {}))
    payload[property] = listOf(node, property).map(payloadOf);
  return payload;
}

/** A seeded Fisher-Yates, so a failure reproduces. */
function shuffler(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  };
}

/** A copy with object keys and the arrays whose order the type's rules say means nothing shuffled. */
function shuffled(policyType: string, value: unknown, shuffle: <T>(items: T[]) => T[]): unknown {
  const rules = arrayRulesOf(policyType);
  const visit = (at: unknown, property: string, parent: string): unknown => {
    if (Array.isArray(at)) {
      const copy = at.map((element) => visit(element, property, parent));
      return arrayRuleAt(rules, parent, property) ? shuffle(copy) : copy;
    }
    if (typeof at !== 'object' || at === null) return at;
    const entries = Object.entries(at).map(([key, inner]) => [key, visit(inner, key, property)] as const);
    return Object.fromEntries(shuffle(entries));
  };
  return visit(value, '', '');
}

const tenant = new TenantStore().addGenerated({
  azureTenantId: '3d1f0c2b-8a7e-4c6d-9b5a-1e2f3a4b5c6d',
  clientId: 'client',
  clientSecret: 'secret',
  policies: 600,
});

describe('canonical payloads under reordering', () => {
  it.each(POLICY_TYPE_KEYS)('%s: same hash and no diff after shuffling unordered arrays and keys', (type) => {
    const shuffle = shuffler(POLICY_TYPE_KEYS.indexOf(type) + 1);
    let reordered = 0;
    for (const record of tenant.objects.all(type)) {
      const payload = payloadOf(tenant.objects.node(type, record));
      const copy = shuffled(type, payload, shuffle);
      const hash = canonicalizePolicy(type, payload).sha256;
      expect(canonicalizePolicy(type, copy).sha256).toBe(hash);
      expect(diffPolicy(type, payload, copy)).toBeNull();
      // The shuffle did reorder something the old (order-keeping) canonical form would have seen.
      if (canonicalize(copy, []).sha256 !== canonicalize(payload, []).sha256) reordered++;
    }
    if (['settingsCatalog', 'conditionalAccessPolicies', 'roleDefinitions'].includes(type))
      expect(reordered).toBeGreaterThan(0);
  });

  it('still changes the hash when an ordered array is reordered', () => {
    const vpn = { displayName: 'VPN', dnsSuffixes: ['a.example', 'b.example'], roleScopeTagIds: ['0', '1'] };
    const swapped = { ...vpn, dnsSuffixes: ['b.example', 'a.example'] };
    expect(canonicalizePolicy('deviceConfiguration', swapped).sha256).not.toBe(
      canonicalizePolicy('deviceConfiguration', vpn).sha256,
    );
    expect(canonicalizePolicy('deviceConfiguration', { ...vpn, roleScopeTagIds: ['1', '0'] }).sha256).toBe(
      canonicalizePolicy('deviceConfiguration', vpn).sha256,
    );
  });

  it('sorts identity arrays by key, then elements with the same key by text, and keeps duplicates', () => {
    const payload = {
      scheduledActionsForRule: [
        {
          ruleName: '',
          scheduledActionConfigurations: [
            { actionType: 'notification', gracePeriodHours: 72 },
            { actionType: 'block', gracePeriodHours: 0 },
            { actionType: 'notification', gracePeriodHours: 24 },
            { actionType: 'block', gracePeriodHours: 0 },
          ],
        },
      ],
    };
    expect(canonicalizePolicy('compliance', payload).json).toBe(
      '{"scheduledActionsForRule":[{"ruleName":"","scheduledActionConfigurations":[' +
        '{"actionType":"block","gracePeriodHours":0},{"actionType":"block","gracePeriodHours":0},' +
        '{"actionType":"notification","gracePeriodHours":24},{"actionType":"notification","gracePeriodHours":72}]}]}',
    );
  });

  it('applies a scoped rule only under its parent', () => {
    const settings = [{ definitionId: 'b' }, { definitionId: 'a' }];
    const json = canonicalizePolicy('endpointSecurityIntents', {
      categories: [{ id: 'c', settings }],
      settings,
    }).json;
    expect(json).toContain(
      '"categories":[{"id":"c","settings":[{"definitionId":"a"},{"definitionId":"b"}]}]',
    );
    expect(json).toContain('"settings":[{"definitionId":"b"},{"definitionId":"a"}]}');
  });

  it('is idempotent: a stored canonical payload canonicalizes to itself', () => {
    for (const type of POLICY_TYPE_KEYS) {
      const [record] = tenant.objects.all(type);
      if (!record) continue;
      const { json } = canonicalizePolicy(type, payloadOf(tenant.objects.node(type, record)));
      expect(canonicalizePolicy(type, JSON.parse(json)).json).toBe(json);
    }
  });
});
