// POST /_emulator/tenants/{id}/shuffle: every unordered array and every object's keys permuted,
// the same elements, ordered arrays untouched, the new order served by Graph's routes, the same
// seed giving the same order.
import { getObject, shuffleTenant } from '../../src/emulator/adminObjects';
import { ENTITY_SETS, type NavigationRule } from '../../src/emulator/graphSurface';
import { TenantStore } from '../../src/emulator/tenantStore';
import { UNORDERED_NAVIGATIONS } from '../../src/emulator/unorderedArrays';
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';
import { CA_ID, CATALOG_ID, exactChangeSeed, serveAll, serveGet } from '../support/exactChangeSeed';

type Json = Record<string, unknown>;

/** Keys sorted and every array sorted: equal for two values with the same elements anywhere. */
function asSets(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(asSets).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, asSets((value as Json)[key])]),
  );
}

function seeded(seed = exactChangeSeed()) {
  const store = new TenantStore();
  return { store, tenant: store.add(seed) };
}

const ids = (items: unknown) => (items as Json[]).map((item) => item.id);

describe('shuffle', () => {
  test('permutes unordered arrays and keys, keeps ordered arrays and every element', () => {
    const { tenant } = seeded();
    const before = getObject(tenant, 'settingsCatalog', CATALOG_ID);
    const caBefore = getObject(tenant, 'conditionalAccessPolicies', CA_ID);
    expect(shuffleTenant(tenant, { seed: 'one' })).toEqual({ seed: 'one', objects: 2 });
    const after = getObject(tenant, 'settingsCatalog', CATALOG_ID);
    const caAfter = getObject(tenant, 'conditionalAccessPolicies', CA_ID);

    expect(asSets(after)).toEqual(asSets(before));
    expect(asSets(caAfter)).toEqual(asSets(caBefore));
    expect(Object.keys(after)).not.toEqual(Object.keys(before));
    expect(after.lastModifiedDateTime).toBe(before.lastModifiedDateTime);
    expect(ids(after.assignments)).not.toEqual(ids(before.assignments));
    expect(after.roleScopeTagIds).not.toEqual(before.roleScopeTagIds);

    const setting = (view: Json, n: number) =>
      ((view.settings as Json[]).find((s) => s.id === String(n)) as Json).settingInstance as Json;
    const children = (view: Json) =>
      ((setting(view, 0).choiceSettingValue as Json).children as Json[]).map((c) => c.settingDefinitionId);
    expect(children(after)).not.toEqual(children(before));
    // Ordered: DNS servers are tried in order.
    expect(setting(after, 1).simpleSettingCollectionValue).toEqual(
      setting(before, 1).simpleSettingCollectionValue,
    );

    const conditions = (view: Json) =>
      view.conditions as { users: Json; applications: Json; clientAppTypes: string[] };
    expect(conditions(caAfter).users.excludeUsers).not.toEqual(conditions(caBefore).users.excludeUsers);
    expect(conditions(caAfter).users.excludeGroups).not.toEqual(conditions(caBefore).users.excludeGroups);
    expect(conditions(caAfter).applications.includeApplications).not.toEqual(
      conditions(caBefore).applications.includeApplications,
    );
    expect(conditions(caAfter).clientAppTypes).not.toEqual(conditions(caBefore).clientAppTypes);
    expect((caAfter.grantControls as Json).builtInControls).not.toEqual(
      (caBefore.grantControls as Json).builtInControls,
    );
    expect(tenant.objects.audit.list('auditEvents')).toHaveLength(0);
    expect(tenant.objects.audit.list('directoryAudits')).toHaveLength(0);
  });

  test('Graph serves the shuffled order', () => {
    const { store, tenant } = seeded();
    const path = `/beta/deviceManagement/configurationPolicies/${CATALOG_ID}`;
    const before = serveAll(store, tenant, `${path}/assignments`);
    const item = serveGet(store, tenant, path).body;
    shuffleTenant(tenant, { seed: 'two' });
    const served = serveAll(store, tenant, `${path}/assignments`);
    expect(ids(served)).not.toEqual(ids(before));
    expect(ids(served)).toEqual(ids(getObject(tenant, 'settingsCatalog', CATALOG_ID).assignments));
    expect(Object.keys(serveGet(store, tenant, path).body)).not.toEqual(Object.keys(item));
  });

  test('the same seed shuffles the same tenant the same way; generated objects too', () => {
    const shuffled = (seed: string) => {
      const spec = {
        azureTenantId: '11111111-2222-4333-8444-5555555555e2',
        clientId: 'c',
        clientSecret: 's',
      };
      const tenant = new TenantStore().addGenerated({ ...spec, policies: 120 });
      const views = () =>
        POLICY_TYPE_KEYS.flatMap((type) =>
          tenant.objects.all(type).map((record) => getObject(tenant, type, record.id)),
        );
      const before = views();
      shuffleTenant(tenant, { seed });
      return { before, after: views() };
    };
    const first = shuffled('same');
    expect(JSON.stringify(shuffled('same').after)).toBe(JSON.stringify(first.after));
    expect(JSON.stringify(shuffled('other').after)).not.toBe(JSON.stringify(first.after));
    expect(first.after.map(asSets)).toEqual(first.before.map(asSets));
    const changed = first.after.filter((view, i) => JSON.stringify(view) !== JSON.stringify(first.before[i]));
    expect(changed).toHaveLength(first.before.length);
  });

  test('every collection navigation of the Graph surface is unordered', () => {
    const collections = (rules: Readonly<Record<string, NavigationRule>>): string[] =>
      Object.entries(rules).flatMap(([name, rule]) => [
        ...(rule.single || rule.references ? [] : [name]),
        ...collections(rule.elements ?? {}),
      ]);
    const names = ENTITY_SETS.flatMap((set) => [
      ...collections(set.navigations),
      ...Object.values(set.casts ?? {}).flatMap((cast) => collections(cast.navigations)),
    ]);
    expect(names.filter((name) => !UNORDERED_NAVIGATIONS.has(name))).toEqual([]);
  });
});
