// Exact changes to a stored emulator object (GET and PATCH of /_emulator/tenants/{id}/objects/...):
// merge patch and JSON Patch on the raw view, sub-resources included, seen through Graph's routes;
// Graph's write stamps; errors over HTTP.
import { Agent, fetch } from 'undici';
import { getObject, patchObject } from '../../src/emulator/adminObjects';
import * as client from '../../src/emulator/adminClient';
import { startGraphEmulator } from '../../src/emulator/server';
import { TenantStore } from '../../src/emulator/tenantStore';
import { CA_ID, CATALOG_ID, exactChangeSeed, serveAll, serveGet } from '../support/exactChangeSeed';

type Json = Record<string, unknown>;
const POLICIES = '/beta/deviceManagement/configurationPolicies';

function seeded() {
  const store = new TenantStore();
  return { store, tenant: store.add(exactChangeSeed()) };
}

describe('GET of a stored object', () => {
  test('is the object with its sub-resources as properties', () => {
    const { tenant } = seeded();
    const raw = getObject(tenant, 'settingsCatalog', CATALOG_ID);
    expect(raw).toMatchObject({ id: CATALOG_ID, name: 'Baseline', roleScopeTagIds: ['0', '1', '2', '3'] });
    expect((raw.settings as Json[]).map((s) => s.id)).toEqual(['0', '1']);
    expect((raw.assignments as Json[]).map((a) => a.id)).toEqual(
      ['g1', 'g2', 'g3'].map((g) => `${CATALOG_ID}_${g}`),
    );
  });

  test('names the unknown type or object', () => {
    const { tenant } = seeded();
    expect(() => getObject(tenant, 'nope', CATALOG_ID)).toThrow(/No policy type nope/);
    expect(() => getObject(tenant, 'settingsCatalog', 'missing')).toThrow(
      /no settingsCatalog object missing/,
    );
  });
});

describe('PATCH of a stored object', () => {
  test('a merge patch sets and removes properties and bumps lastModifiedDateTime', () => {
    const { store, tenant } = seeded();
    const started = Date.now();
    patchObject(tenant, 'settingsCatalog', CATALOG_ID, { description: 'Edited', roleScopeTagIds: null });
    const served = serveGet(store, tenant, `${POLICIES}/${CATALOG_ID}`).body;
    expect(served.description).toBe('Edited');
    expect(served).not.toHaveProperty('roleScopeTagIds');
    expect(served.name).toBe('Baseline');
    expect(Date.parse(served.lastModifiedDateTime as string)).toBeGreaterThanOrEqual(started);
    // Sub-resources the patch does not name are kept.
    expect(serveAll(store, tenant, `${POLICIES}/${CATALOG_ID}/assignments`)).toHaveLength(3);
  });

  test('a JSON Patch changes a nested setting value and adds and removes an assignment', () => {
    const { store, tenant } = seeded();
    const child = '/settings/0/settingInstance/choiceSettingValue/children/1/simpleSettingValue/value';
    const added = { id: 'new', target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } };
    const after = patchObject(
      tenant,
      'settingsCatalog',
      CATALOG_ID,
      [
        { op: 'test', path: child, value: 20 },
        { op: 'replace', path: child, value: 25 },
        { op: 'remove', path: '/assignments/0' },
        { op: 'add', path: '/assignments/-', value: added },
      ],
      'json-patch',
    );
    expect(after.lastModifiedDateTime).not.toBe('2025-01-02T00:00:00Z');

    const settings = serveAll(store, tenant, `${POLICIES}/${CATALOG_ID}/settings`);
    const first = settings[0] as { settingInstance: { choiceSettingValue: { children: Json[] } } };
    const children = first.settingInstance.choiceSettingValue.children;
    expect(children.map((c) => (c.simpleSettingValue as Json).value)).toEqual([10, 25, 30]);
    const assignments = serveAll(store, tenant, `${POLICIES}/${CATALOG_ID}/assignments`);
    expect(assignments.map((a) => a.id)).toEqual([`${CATALOG_ID}_g2`, `${CATALOG_ID}_g3`, 'new']);
  });

  test('a failing JSON Patch operation changes nothing', () => {
    const { tenant } = seeded();
    const before = getObject(tenant, 'settingsCatalog', CATALOG_ID);
    expect(() =>
      patchObject(
        tenant,
        'settingsCatalog',
        CATALOG_ID,
        [
          { op: 'replace', path: '/name', value: 'x' },
          { op: 'test', path: '/description', value: 'other' },
        ],
        'json-patch',
      ),
    ).toThrow(/cannot be applied/);
    expect(getObject(tenant, 'settingsCatalog', CATALOG_ID)).toEqual(before);
    expect(() => patchObject(tenant, 'settingsCatalog', CATALOG_ID, { id: 'other' })).toThrow(/object id/);
  });

  test('modifiedDateTime on Conditional Access; a generated object keeps its place and bumps its version', () => {
    const { store, tenant } = seeded();
    patchObject(tenant, 'conditionalAccessPolicies', CA_ID, { state: 'disabled' });
    const ca = serveGet(store, tenant, `/v1.0/identity/conditionalAccess/policies/${CA_ID}`).body;
    expect(ca.state).toBe('disabled');
    expect(ca.modifiedDateTime).not.toBe('2025-01-02T00:00:00Z');
    expect(ca).not.toHaveProperty('lastModifiedDateTime');

    tenant.objects.generate('deviceConfiguration', 5);
    const listed = () => serveAll(store, tenant, '/v1.0/deviceManagement/deviceConfigurations');
    const before = listed();
    const target = before[2] as Json;
    expect(typeof target.version).toBe('number');
    patchObject(tenant, 'deviceConfiguration', target.id as string, { displayName: 'Patched' });
    const after = listed();
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(after[2]).toMatchObject({ displayName: 'Patched', version: (target.version as number) + 1 });
    expect(after[1]).toEqual(before[1]);
  });
});

describe('admin routes over HTTP (admin client)', () => {
  let emulator: Awaited<ReturnType<typeof startGraphEmulator>>;
  let agent: Agent;
  const tenantId = exactChangeSeed().azureTenantId;
  const path = `/_emulator/tenants/${tenantId}/objects/settingsCatalog/${CATALOG_ID}`;
  beforeAll(async () => {
    emulator = await startGraphEmulator({ tenants: [exactChangeSeed()] });
    agent = new Agent({ connect: { ca: emulator.caPem } });
  });
  afterAll(async () => {
    await agent.close();
    await emulator.close();
  });

  const send = async (method: string, url: string, body?: string, contentType?: string) => {
    const response = await fetch(`${emulator.baseUrl}${url}`, {
      method,
      dispatcher: agent,
      ...(body === undefined ? {} : { body, headers: { 'content-type': contentType ?? 'application/json' } }),
    });
    return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
  };

  test('merge patch and JSON Patch by content type, read back with GET', async () => {
    await client.patchObject(emulator, tenantId, 'settingsCatalog', CATALOG_ID, { name: 'Merged' });
    await client.patchObject(emulator, tenantId, 'settingsCatalog', CATALOG_ID, [
      { op: 'remove', path: '/assignments/1' },
    ]);
    const raw = await client.getObject(emulator, tenantId, 'settingsCatalog', CATALOG_ID);
    expect(raw.name).toBe('Merged');
    expect((raw.assignments as Json[]).map((a) => a.id)).toEqual([`${CATALOG_ID}_g1`, `${CATALOG_ID}_g3`]);
    // Plain application/json is a merge patch.
    expect((await send('PATCH', path, '{"description":"plain"}')).status).toBe(200);
  });

  test('errors are JSON with a message: 404, 400, 415', async () => {
    const unknownType = await send('GET', `/_emulator/tenants/${tenantId}/objects/nope/${CATALOG_ID}`);
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.error?.message).toMatch(/No policy type nope/);
    expect((await send('GET', `/_emulator/tenants/${tenantId}/objects/settingsCatalog/missing`)).status).toBe(
      404,
    );
    const badPath = await send(
      'PATCH',
      path,
      JSON.stringify([{ op: 'replace', path: '/settings/9/id', value: 'x' }]),
      'application/json-patch+json',
    );
    expect(badPath.status).toBe(400);
    expect(badPath.body.error?.message).toMatch(/JSON Patch cannot be applied/);
    expect((await send('PATCH', path, '[1]', 'application/merge-patch+json')).status).toBe(400);
    expect((await send('PATCH', path, '{"name":', 'application/merge-patch+json')).status).toBe(400);
    expect((await send('PATCH', path, '{}', 'text/plain')).status).toBe(415);
  });

  test('shuffle answers the seed it used; a bad body is a 400', async () => {
    expect(await client.shuffleTenant(emulator, tenantId, 'fixed')).toEqual({ seed: 'fixed', objects: 2 });
    expect((await client.shuffleTenant(emulator, tenantId)).seed).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await send('POST', `/_emulator/tenants/${tenantId}/shuffle`, '{"seed":5}');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/seed/);
  });
});
