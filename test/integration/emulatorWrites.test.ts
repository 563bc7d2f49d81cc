// The emulator writes as Graph does: creates, merges, replaces and deletes on every writable set,
// refusing what Graph refuses with Graph's error shape, and every write served back by the read
// paths (a re-created object reads as the original but for ids and server fields). In-process,
// over HTTPS, with a token from the emulator's token endpoint.
import { randomUUID } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { ENTITY_SETS } from '../../src/emulator/graphSurface';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { COMMON_READ_ONLY, WRITABLE_SETS } from '../../src/emulator/writes/surface';
import { emulatorToken } from '../support/emulatorToken';

type Json = Record<string, unknown>;

let emulator: GraphEmulator;
let agent: Agent;
let token: string;
let readOnlyToken: string;

const WRITE_GRANTS = [
  'DeviceManagementConfiguration.ReadWrite.All',
  'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementApps.ReadWrite.All',
  'DeviceManagementRBAC.ReadWrite.All',
  'DeviceManagementScripts.ReadWrite.All',
  'Policy.ReadWrite.ConditionalAccess',
];

async function call(method: string, url: string, body?: unknown, bearer = token) {
  const response = await fetch(url.startsWith('https://') ? url : `${emulator.baseUrl}${url}`, {
    method,
    dispatcher: agent,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

/** Every page of a listing. */
async function listAll(first: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let url: string | undefined = first; url; ) {
    const page = await call('GET', url);
    expect(page.status).toBe(200);
    out.push(...(page.body.value as Json[]));
    url = page.body['@odata.nextLink'] as string | undefined;
  }
  return out;
}

const message = (reply: { body: Json }) => (reply.body.error as { message: string }).message;
const code = (reply: { body: Json }) => (reply.body.error as { code: string }).code;

async function newTenant(grantedPermissions: string[]): Promise<string> {
  const app = { azureTenantId: randomUUID(), clientId: randomUUID(), clientSecret: `s-${randomUUID()}` };
  const created = await call('POST', '/_emulator/tenants', { ...app, policies: 300, grantedPermissions }, '');
  expect(created.status).toBe(201);
  return emulatorToken(emulator.baseUrl, agent, app);
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  agent = new Agent({ connect: { ca: emulator.caPem } });
  token = await newTenant(WRITE_GRANTS);
  readOnlyToken = await newTenant([]);
});
afterAll(async () => {
  await agent?.close();
  await emulator?.close();
});

const CATALOG = '/beta/deviceManagement/configurationPolicies';
const COMPLIANCE = '/beta/deviceManagement/deviceCompliancePolicies';
const SETTING = {
  '@odata.type': '#microsoft.graph.deviceManagementConfigurationSetting',
  settingInstance: {
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance',
    settingDefinitionId: 'device_vendor_msft_policy_config_defender_allowrealtimemonitoring',
    choiceSettingValue: {
      value: 'device_vendor_msft_policy_config_defender_allowrealtimemonitoring_1',
      children: [],
    },
  },
};
const catalogPolicy = (name: string) => ({
  name,
  description: 'restored',
  platforms: 'windows10',
  technologies: 'mdm',
  roleScopeTagIds: ['0'],
  settings: [SETTING],
});
const BLOCK = [
  {
    ruleName: 'PasswordRequired',
    scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0 }],
  },
];
const compliancePolicy = (name: string, rules: unknown = BLOCK) => ({
  '@odata.type': '#microsoft.graph.windows10CompliancePolicy',
  displayName: name,
  passwordRequired: true,
  scheduledActionsForRule: rules,
});

describe('generic writes', () => {
  it('refuses writes without a ReadWrite scope with 403 naming the scopes', async () => {
    const reply = await call('POST', CATALOG, catalogPolicy('no grant'), readOnlyToken);
    expect(reply.status).toBe(403);
    expect(message(reply)).toContain('DeviceManagementConfiguration.ReadWrite.All');
  });

  it('creates a settings catalog policy with its settings inline and serves it on every read path', async () => {
    const created = await call('POST', CATALOG, catalogPolicy('Restored baseline'));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body).toMatchObject({ name: 'Restored baseline', settingCount: 1, isAssigned: false });
    expect(typeof created.body.createdDateTime).toBe('string');
    const item = await call('GET', `${CATALOG}/${id}?$expand=settings`);
    expect(item.status).toBe(200);
    const settings = item.body.settings as Json[];
    expect(settings.map((s) => s.settingInstance)).toEqual([SETTING.settingInstance]);
    expect((await listAll(CATALOG)).filter((p) => p.name === 'Restored baseline').map((p) => p.id)).toEqual([
      id,
    ]);
    const definitions = await call(
      'GET',
      `${CATALOG}/${id}/settings/${settings[0]?.id as string}/settingDefinitions`,
    );
    expect(definitions.status).toBe(200);
  });

  it('refuses read-only properties, inline assignments and unknown scope tags on create', async () => {
    const readOnly = await call('POST', CATALOG, { ...catalogPolicy('x'), settingCount: 3 });
    expect([readOnly.status, code(readOnly)]).toEqual([400, 'ModelValidationFailure']);
    expect(message(readOnly)).toContain("'settingCount'");
    const withId = await call('POST', CATALOG, { ...catalogPolicy('x'), id: randomUUID() });
    expect(withId.status).toBe(400);
    const assignments = await call('POST', CATALOG, { ...catalogPolicy('x'), assignments: [] });
    expect(assignments.status).toBe(400);
    expect(message(assignments)).toContain("'assignments'");
    const tag = await call('POST', CATALOG, { ...catalogPolicy('x'), roleScopeTagIds: ['98765'] });
    expect(tag.status).toBe(400);
    expect(message(tag)).toContain('98765');
    expect((await listAll(CATALOG)).filter((p) => p.name === 'x')).toEqual([]);
  });

  it('PATCH merges properties but never settings; PUT replaces the settings', async () => {
    const { body } = await call('POST', CATALOG, catalogPolicy('To edit'));
    const id = body.id as string;
    const refused = await call('PATCH', `${CATALOG}/${id}`, { settings: [SETTING] });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain("Cannot apply PATCH to navigation property 'settings'");
    const patched = await call('PATCH', `${CATALOG}/${id}`, { description: 'edited' });
    expect(patched.status).toBe(204);
    const read = await call('GET', `${CATALOG}/${id}`);
    expect(read.body).toMatchObject({ name: 'To edit', description: 'edited' });
    const platform = await call('PUT', `${CATALOG}/${id}`, {
      ...catalogPolicy('To edit'),
      platforms: 'macOS',
    });
    expect(platform.status).toBe(400);
    const second = {
      ...SETTING,
      settingInstance: { ...SETTING.settingInstance, settingDefinitionId: 'other_setting' },
    };
    const replaced = await call('PUT', `${CATALOG}/${id}`, {
      ...catalogPolicy('Replaced'),
      settings: [second, SETTING],
    });
    expect(replaced.status).toBe(204);
    const after = await call('GET', `${CATALOG}/${id}?$expand=settings`);
    expect(after.body).toMatchObject({
      name: 'Replaced',
      settingCount: 2,
      createdDateTime: body.createdDateTime,
    });
    expect(
      (after.body.settings as Json[]).map((s) => (s.settingInstance as Json).settingDefinitionId),
    ).toEqual(['other_setting', SETTING.settingInstance.settingDefinitionId]);
  });

  it('wants exactly one block action on a compliance create, and a known derived type', async () => {
    const none = await call('POST', COMPLIANCE, compliancePolicy('none', []));
    expect(none.status).toBe(400);
    expect(message(none)).toBe('Compliance policy must have one and only one block scheduled action');
    const abstract = await call('POST', COMPLIANCE, {
      ...compliancePolicy('abstract'),
      '@odata.type': undefined,
    });
    expect(message(abstract)).toBe('Cannot create an abstract class.');
    const unknown = await call('POST', COMPLIANCE, {
      ...compliancePolicy('u'),
      '@odata.type': '#microsoft.graph.fooPolicy',
    });
    expect(message(unknown)).toContain("'microsoft.graph.fooPolicy' could not be resolved");
    const created = await call('POST', COMPLIANCE, compliancePolicy('with block'));
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const read = await call(
      'GET',
      `${COMPLIANCE}/${created.body.id as string}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`,
    );
    const [rule] = read.body.scheduledActionsForRule as Json[];
    expect(rule?.scheduledActionConfigurations).toEqual([expect.objectContaining({ actionType: 'block' })]);
    const patchRules = await call('PATCH', `${COMPLIANCE}/${created.body.id as string}`, {
      scheduledActionsForRule: BLOCK,
    });
    expect(patchRules.status).toBe(400);
  });

  it('deletes with 204, then answers 404; refuses built-in objects and intent creates', async () => {
    const { body } = await call('POST', CATALOG, catalogPolicy('To delete'));
    expect((await call('DELETE', `${CATALOG}/${body.id as string}`)).status).toBe(204);
    expect((await call('GET', `${CATALOG}/${body.id as string}`)).status).toBe(404);
    const again = await call('DELETE', `${CATALOG}/${body.id as string}`);
    expect([again.status, code(again)]).toEqual([404, 'ResourceNotFound']);
    expect((await call('DELETE', '/beta/deviceManagement/roleScopeTags/0')).status).toBe(400);
    const intent = await call('POST', '/beta/deviceManagement/intents', { displayName: 'x' });
    expect(intent.status).toBe(400);
  });

  it('keeps an assignment filter on its platform and stamps Entra objects with modifiedDateTime', async () => {
    const filter = await call('POST', '/beta/deviceManagement/assignmentFilters', {
      displayName: 'Corporate',
      platform: 'windows10AndLater',
      rule: '(device.manufacturer -eq "Contoso")',
    });
    expect(filter.status).toBe(201);
    const moved = await call(
      'PATCH',
      `/beta/deviceManagement/assignmentFilters/${filter.body.id as string}`,
      {
        platform: 'iOS',
      },
    );
    expect(moved.status).toBe(400);
    const location = await call('POST', '/v1.0/identity/conditionalAccess/namedLocations', {
      '@odata.type': '#microsoft.graph.countryNamedLocation',
      displayName: 'Home',
      countriesAndRegions: ['NL'],
      includeUnknownCountriesAndRegions: false,
    });
    expect(location.status).toBe(201);
    expect(typeof location.body.modifiedDateTime).toBe('string');
    expect(location.body.lastModifiedDateTime).toBeUndefined();
  });
});

/** What a restore sends: the object without server fields, annotations and separate navigations. */
function writable(object: Json, navigations: readonly string[], serverOwned: ReadonlySet<string>): Json {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([key]) =>
        !serverOwned.has(key) && !navigations.includes(key) && (key === '@odata.type' || !key.includes('@')),
    ),
  );
}

/** Element ids are the server's: compare the rest. */
const withoutIds = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutIds)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([k]) => k !== 'id')
            .map(([k, v]) => [k, withoutIds(v)]),
        )
      : value;

describe('a re-created object reads as the original', () => {
  // Role assignments are created under their role definition (./actions), not as set members.
  const cases = WRITABLE_SETS.filter((rules) => rules.create && !rules.path.endsWith('/roleAssignments')).map(
    (rules) => {
      const set = ENTITY_SETS.find((s) => s.path === rules.path);
      return [rules.path, rules, set] as const;
    },
  );

  it.each(cases)('%s', async (path, rules, set) => {
    if (set === undefined) throw new Error(`no entity set ${path}`);
    const expand = (rules.deepInsert ?? [])
      .map((name) =>
        name === 'scheduledActionsForRule' && (set.maxExpansionDepth ?? 1) > 1
          ? `${name}($expand=scheduledActionConfigurations)`
          : name,
      )
      .join(',');
    const query = expand ? `?$expand=${expand}` : '';
    const listed = await call('GET', `/beta${path}?$top=50`);
    expect(listed.status).toBe(200);
    const builtIn = rules.builtIn;
    const original = (listed.body.value as Json[]).find(
      (o) => builtIn === undefined || !builtIn.when.values.includes(o[builtIn.when.property]),
    );
    if (original === undefined) return; // the generated tenant has none of this set
    const serverOwned = new Set<string>([
      ...COMMON_READ_ONLY,
      ...(rules.readOnly ?? []),
      ...(set.drifting ?? []),
    ]);
    const navigations = Object.keys(set.navigations).filter((n) => !(rules.deepInsert ?? []).includes(n));
    const source = await call('GET', `/beta${path}/${original.id as string}${query}`);
    const body = writable(source.body, navigations, serverOwned);
    const created = await call('POST', `/beta${path}`, withoutIds(body));
    expect([created.status, created.status === 201 ? '' : message(created)]).toEqual([201, '']);
    const copy = await call('GET', `/beta${path}/${created.body.id as string}${query}`);
    expect(withoutIds(writable(copy.body, navigations, serverOwned))).toEqual(withoutIds(body));
  });
});
