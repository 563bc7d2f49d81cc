// The emulator serves settings catalog definitions as Graph does: inline on a policy's settings
// list with `$expand=settingDefinitions` (the setting's own and its children's), as a navigation
// of one setting, never nested below the policy (MaxExpansionDepth 1); the same id has the same
// definition in every policy and tenant. Called in-process (no HTTP).
import { type GraphCall, serveCall } from '../../src/emulator/graphApi';
import { TenantStore } from '../../src/emulator/tenantStore';
import { buildSettings } from '../../src/emulator/generators/catalogSettings';
import { Rng } from '../../src/emulator/prng';
import { listOf } from '../../src/emulator/tenantObjects';

type Json = Record<string, unknown>;
const NS = '#microsoft.graph.deviceManagementConfiguration';
const BASE = 'https://emulator.test';
const CATALOG = '/beta/deviceManagement/configurationPolicies';
const COMPLIANCE = '/beta/deviceManagement/compliancePolicies';
const ROOT = 'device_vendor_msft_policy_config_defender_allowarchivescanning_3';
const CHILD = 'device_vendor_msft_policy_config_defender_scheduledscantime_child1_30';

const setting = () => ({
  '@odata.type': `${NS}Setting`,
  id: '0',
  settingInstance: {
    '@odata.type': `${NS}ChoiceSettingInstance`,
    settingDefinitionId: ROOT,
    settingInstanceTemplateReference: null,
    choiceSettingValue: {
      value: `${ROOT}_1`,
      settingValueTemplateReference: null,
      children: [
        {
          '@odata.type': `${NS}SimpleSettingInstance`,
          settingDefinitionId: CHILD,
          simpleSettingValue: { '@odata.type': `${NS}IntegerSettingValue`, value: 120 },
        },
      ],
    },
  },
});

function tenant(azureTenantId: string, policyId: string) {
  const store = new TenantStore();
  const added = store.add({
    azureTenantId,
    clientId: 'c',
    clientSecret: 's',
    displayName: 'T',
    policies: {
      settingsCatalog: [{ object: { id: policyId, name: 'Defender' }, settings: [setting()] }],
      settingsCompliance: [{ object: { id: policyId, name: 'Linux' }, settings: [setting()] }],
    },
  });
  return { store, tenant: added };
}

function get(ctx: ReturnType<typeof tenant>, path: string) {
  const url = new URL(`${BASE}${path}`);
  const [version, ...segments] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const call: GraphCall = { method: 'GET', url, version: version as 'beta', segments };
  const reply = serveCall(call, { ...ctx, defaultPageSize: 100 });
  return { status: reply.status, body: reply.body as Json };
}

const DEFINITION_OF: Record<string, string> = {
  [`${NS}ChoiceSettingInstance`]: `${NS}ChoiceSettingDefinition`,
  [`${NS}SimpleSettingInstance`]: `${NS}SimpleSettingDefinition`,
  [`${NS}SimpleSettingCollectionInstance`]: `${NS}SimpleSettingCollectionDefinition`,
  [`${NS}GroupSettingCollectionInstance`]: `${NS}SettingGroupCollectionDefinition`,
};

const first = (body: Json) => (body.value as Json[])[0] as Json;
const definitionsOf = (body: Json) => first(body).settingDefinitions as Json[];

const A = tenant('11111111-2222-4333-8444-555555555501', 'p-1');
const B = tenant('11111111-2222-4333-8444-555555555502', 'p-2');

test('settings carry their definitions only when expanded, the setting first, then its children', () => {
  expect(first(get(A, `${CATALOG}/p-1/settings`).body)).not.toHaveProperty('settingDefinitions');
  for (const collection of [CATALOG, COMPLIANCE]) {
    const expanded = get(A, `${collection}/p-1/settings?$expand=settingDefinitions`);
    expect(expanded.status).toBe(200);
    const definitions = definitionsOf(expanded.body);
    expect(definitions.map((d) => d.id)).toEqual([ROOT, CHILD]);
    expect(definitions.map((d) => [d['@odata.type'], d.displayName])).toEqual([
      [`${NS}ChoiceSettingDefinition`, 'Allow Archive Scanning'],
      [`${NS}SimpleSettingDefinition`, 'Scheduled Scan Time (dependent setting)'],
    ]);
    // The configured value is one of the choice's options, which have names of their own.
    const options = definitions[0]?.options as Json[];
    expect(options.find((o) => o.itemId === `${ROOT}_1`)).toMatchObject({ displayName: 'Enabled' });
  }
});

test('one id has one definition across policies and tenants', () => {
  const a = definitionsOf(get(A, `${CATALOG}/p-1/settings?$expand=settingDefinitions`).body);
  const b = definitionsOf(get(B, `${CATALOG}/p-2/settings?$expand=settingDefinitions`).body);
  expect(b).toEqual(a);
});

test('a setting’s definitions are a navigation of their own', () => {
  const listed = get(A, `${CATALOG}/p-1/settings/0/settingDefinitions`);
  expect(listed.status).toBe(200);
  expect((listed.body.value as Json[]).map((d) => d.id)).toEqual([ROOT, CHILD]);
});

test('refused where Graph refuses: nested below the policy, or settings expanded on the listing', () => {
  const nested = get(A, `${CATALOG}/p-1?$expand=settings($expand=settingDefinitions)`);
  expect(nested.status).toBe(400);
  expect(JSON.stringify(nested.body)).toContain('The maximum depth allowed is 1');
  const listing = get(A, `${CATALOG}?$expand=settings`);
  expect(listing.status).toBe(400);
  const unknown = get(A, `${CATALOG}/p-1/settings?$expand=settingDefinition`);
  expect(unknown.status).toBe(400);
});

test('generated settings: every setting has a definition, of the instance type, whatever the policy', () => {
  const seen = new Map<string, string>();
  for (const seed of ['x', 'y', 'z']) {
    for (const node of buildSettings(new Rng(seed), 'windows10', 60, 0, 0)) {
      const instance = node.object.settingInstance as Json;
      const definitions = listOf(node, 'settingDefinitions').map((n) => n.object);
      const own = definitions[0] as Json;
      expect(own.id).toBe(instance.settingDefinitionId);
      expect(own['@odata.type']).toBe(DEFINITION_OF[String(instance['@odata.type'])]);
      for (const definition of definitions) {
        const text = JSON.stringify(definition);
        const before = seen.get(String(definition.id));
        if (before !== undefined) expect(text).toBe(before);
        seen.set(String(definition.id), text);
      }
    }
  }
  expect(seen.size).toBeGreaterThan(60);
});
