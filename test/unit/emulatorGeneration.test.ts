// Generated emulator tenants: deterministic, exact in size, cheap to create, realistic in size.

import { serveCall } from '../../src/emulator/graphApi';
import { isLoopback } from '../../src/emulator/loopback';
import { mutate } from '../../src/emulator/mutations';
import { Rng } from '../../src/emulator/prng';
import { listOf } from '../../src/emulator/tenantObjects';
import { TenantStore } from '../../src/emulator/tenantStore';
import { allocate } from '../../src/emulator/typeMix';
import { CERTIFICATE_REFERENCES } from '../../src/graph/certificateReferences';
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';

const spec = (azureTenantId: string, policies: number) => ({
  azureTenantId,
  clientId: 'client',
  clientSecret: 'secret',
  policies,
});

type Tenant = ReturnType<TenantStore['addGenerated']>;

/**
 * Each device configuration profile as a backup holds it, volatile fields left out: its object,
 * its lists, and its certificate links as Graph serves them (the sync's reference reads).
 */
function backedUp(store: TenantStore, tenant: Tenant): Map<string, string> {
  const payloads = new Map<string, string>();
  for (const record of tenant.objects.all('deviceConfiguration')) {
    const node = tenant.objects.node('deviceConfiguration', record);
    const { lastModifiedDateTime: _at, version: _version, ...object } = node.object;
    const odataType = String(object['@odata.type']);
    const links = (CERTIFICATE_REFERENCES[odataType] ?? []).map(({ name }) => {
      const segments = ['deviceManagement', 'deviceConfigurations', record.id, odataType.slice(1), name];
      const url = new URL(`https://emulator.test/beta/${segments.join('/')}`);
      const reply = serveCall(
        { method: 'GET', url, version: 'beta', segments },
        { store, tenant, defaultPageSize: 100 },
      );
      if (reply.status === 404) return [name, null];
      expect(reply.status).toBe(200);
      const body = reply.body as { id?: string; value?: { id: string }[] };
      return [name, body.value?.map((target) => target.id) ?? body.id];
    });
    const lists = Object.keys(node.lists ?? {}).map((p) => [p, listOf(node, p).map((e) => e.object)]);
    payloads.set(record.id, JSON.stringify([object, lists, links]));
  }
  return payloads;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

describe('generated emulator tenants', () => {
  it(`splits the total exactly over all ${POLICY_TYPE_KEYS.length} types, at least one each`, () => {
    for (const total of [50, 61, 400, 9_999, 10_000]) {
      const counts = allocate(total);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(total);
      for (const key of POLICY_TYPE_KEYS) expect(counts[key]).toBeGreaterThanOrEqual(1);
    }
    expect(allocate(1_000).settingsCatalog).toBeGreaterThan(allocate(1_000).driverUpdateProfiles);
  });

  it('gives the collections tenants hold few of (ADE tokens, ADMX files, policy sets...) a few percent', () => {
    const counts = allocate(5_000);
    const rare = POLICY_TYPE_KEYS.slice(POLICY_TYPE_KEYS.indexOf('namedLocations') + 1);
    const share = rare.reduce((sum, key) => sum + counts[key], 0) / 5_000;
    expect(rare.length).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.05);
  });

  it('generates the same tenant from the same id, and a different one from another id', () => {
    const id = '6c0b9a54-3e1f-4d7b-9a2c-0f5e8d7c6b5a';
    const payloads = (azureTenantId: string) => {
      const tenant = new TenantStore().addGenerated(spec(azureTenantId, 120));
      return POLICY_TYPE_KEYS.map((key) =>
        tenant.objects.all(key).map((record) => {
          const node = tenant.objects.node(key, record);
          const lists = Object.keys(node.lists ?? {}).map((p) => listOf(node, p).map((e) => e.object));
          return JSON.stringify([node.object, node.detail, node.expandable, lists]);
        }),
      );
    };
    const first = payloads(id);
    expect(payloads(id.toUpperCase())).toEqual(first);
    expect(payloads('0d3c5e7a-1b2c-4d5e-8f90-a1b2c3d4e5f6')).not.toEqual(first);
  });

  it('creates a 10,000-policy tenant within a few seconds and a few MB', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const tenant = new TenantStore().addGenerated(spec('f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a0b', 10_000));
    const ms = performance.now() - started;
    const total = Object.values(tenant.objects.counts()).reduce((a, b) => a + b, 0);
    expect(total).toBe(10_000);
    expect(ms).toBeLessThan(3_000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('gives settings catalog payloads a median of ~25 KB, p90 ~84 KB, a few ~500 KB, some >100 settings', () => {
    const tenant = new TenantStore().addGenerated(spec('a9b8c7d6-e5f4-4321-9876-543210fedcba', 3_000));
    const sizes: number[] = [];
    const settingCounts: number[] = [];
    for (const record of tenant.objects.all('settingsCatalog')) {
      const node = tenant.objects.node('settingsCatalog', record);
      const settings = listOf(node, 'settings').map((e) => e.object);
      const assignments = listOf(node, 'assignments').map((e) => e.object);
      expect(node.object.settingCount).toBe(settings.length);
      sizes.push(Buffer.byteLength(JSON.stringify({ ...node.object, settings, assignments })));
      settingCounts.push(settings.length);
    }
    sizes.sort((a, b) => a - b);
    expect(quantile(sizes, 0.5)).toBeGreaterThan(18_000);
    expect(quantile(sizes, 0.5)).toBeLessThan(35_000);
    expect(quantile(sizes, 0.9)).toBeGreaterThan(60_000);
    expect(quantile(sizes, 0.9)).toBeLessThan(110_000);
    expect(sizes.filter((size) => size > 400_000).length).toBeGreaterThanOrEqual(2);
    expect(sizes.at(-1)).toBeLessThan(650_000);
    expect(settingCounts.filter((n) => n > 100).length).toBeGreaterThan(0);
  });

  it('mutates exactly the requested numbers of objects', () => {
    const tenant = new TenantStore().addGenerated(spec('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 200));
    const before = tenant.objects.counts();
    const beforeTotal = Object.values(before).reduce((a, b) => a + b, 0);
    const modifiedBefore = new Map<string, string>();
    for (const record of tenant.objects.all('deviceConfiguration')) {
      modifiedBefore.set(
        record.id,
        JSON.stringify(tenant.objects.node('deviceConfiguration', record).object),
      );
    }
    const result = mutate(tenant.objects, { add: 7, modify: 5, remove: 3 }, new Rng('m'));
    const ids = (byType: Record<string, string[] | undefined>) =>
      Object.values(byType).flatMap((list) => list ?? []);
    expect(ids(result.added)).toHaveLength(7);
    expect(ids(result.modified)).toHaveLength(5);
    expect(ids(result.removed)).toHaveLength(3);
    expect(Object.values(tenant.objects.counts()).reduce((a, b) => a + b, 0)).toBe(beforeTotal + 7 - 3);
    for (const [type, removed] of Object.entries(result.removed)) {
      for (const id of removed ?? []) expect(tenant.objects.find(type as 'compliance', id)).toBeUndefined();
    }

    const onlyDc = mutate(
      tenant.objects,
      { add: 0, modify: 4, remove: 0, types: ['deviceConfiguration'] },
      new Rng('n'),
    );
    expect(Object.keys(onlyDc.modified)).toEqual(['deviceConfiguration']);
    for (const id of onlyDc.modified.deviceConfiguration ?? []) {
      const record = tenant.objects.find('deviceConfiguration', id);
      if (record === undefined) throw new Error('modified object vanished');
      const after = tenant.objects.node('deviceConfiguration', record).object;
      const original = JSON.parse(modifiedBefore.get(id) ?? '{}') as Record<string, unknown>;
      expect(after.lastModifiedDateTime).not.toBe(original.lastModifiedDateTime);
      // A configuration property changed, not only the timestamp and version.
      const { lastModifiedDateTime: _a, version: _b, ...configAfter } = after;
      const { lastModifiedDateTime: _c, version: _d, ...configBefore } = original;
      expect(configAfter).not.toEqual(configBefore);
    }
    expect(() => mutate(tenant.objects, { add: 0, modify: 0, remove: 10_000 }, new Rng('x'))).toThrow(/only/);
  });

  it('reports the profiles whose link a removal left dangling, and changes no others', () => {
    // Found by generating tenants until one did (~3% of 120-object ones): this tenant's mutation
    // removes an iOS trusted root that an unmodified Wi-Fi profile links to for server validation.
    const store = new TenantStore();
    const tenant = store.addGenerated(spec('a4784d18-c61d-4c62-b057-540f452c26af', 120));
    const before = backedUp(store, tenant);
    const request = { add: 4, modify: 3, remove: 2, types: ['deviceConfiguration' as const] };
    const change = mutate(tenant.objects, request, tenant.mutationRng);
    const after = backedUp(store, tenant);

    const changed = [...before.keys()].filter((id) => after.has(id) && after.get(id) !== before.get(id));
    const reported = [
      ...(change.modified.deviceConfiguration ?? []),
      ...(change.unlinked.deviceConfiguration ?? []),
    ];
    expect(change.unlinked.deviceConfiguration).toEqual(['25f79cd4-7fd3-450e-b95f-70e9ba32db1f']);
    expect(changed.sort()).toEqual(reported.sort());
    expect(Object.keys(change.unlinked)).toEqual(['deviceConfiguration']);
  });

  it('recognises loopback addresses only', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.5', '192.168.1.1', '::ffff:10.0.0.1', 'fe80::1', undefined]) {
      expect(isLoopback(address)).toBe(false);
    }
  });
});
