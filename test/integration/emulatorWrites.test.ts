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
let tenantId: string;
let readOnlyToken: string;
let readOnlyTenantId: string;

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
async function listAll(first: string, bearer = token): Promise<Json[]> {
  const out: Json[] = [];
  for (let url: string | undefined = first; url; ) {
    const page = await call('GET', url, undefined, bearer);
    expect(page.status).toBe(200);
    out.push(...(page.body.value as Json[]));
    url = page.body['@odata.nextLink'] as string | undefined;
  }
  return out;
}

const message = (reply: { body: Json }) => (reply.body.error as { message: string }).message;
const code = (reply: { body: Json }) => (reply.body.error as { code: string }).code;

async function newTenant(grantedPermissions: string[]): Promise<[string, string]> {
  const app = { azureTenantId: randomUUID(), clientId: randomUUID(), clientSecret: `s-${randomUUID()}` };
  const created = await call('POST', '/_emulator/tenants', { ...app, policies: 300, grantedPermissions }, '');
  expect(created.status).toBe(201);
  return [await emulatorToken(emulator.baseUrl, agent, app), app.azureTenantId];
}

/** Graph's write limits off, for tests of what a write does rather than how fast. */
const UNTHROTTLED = {
  writeLimits: { intune: { requests: 0, windowMs: 1 }, conditionalAccess: { requests: 0, windowMs: 1 } },
};

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  agent = new Agent({ connect: { ca: emulator.caPem } });
  [token, tenantId] = await newTenant(WRITE_GRANTS);
  [readOnlyToken, readOnlyTenantId] = await newTenant([]);
  emulator.setFaults(tenantId, UNTHROTTLED);
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

/** Some group of the tenant's directory, and an assignment filter of the tenant. */
async function directory() {
  const groups = await call('GET', '/v1.0/groups?$top=3');
  const filters = await call('GET', '/beta/deviceManagement/assignmentFilters?$top=1');
  return {
    groups: (groups.body.value as Json[]).map((g) => g.id as string),
    filter: (filters.body.value as Json[])[0]?.id as string,
  };
}
const groupTarget = (groupId: string, filterId?: string) => ({
  target: {
    '@odata.type': '#microsoft.graph.groupAssignmentTarget',
    groupId,
    deviceAndAppManagementAssignmentFilterId: filterId ?? null,
    deviceAndAppManagementAssignmentFilterType: filterId ? 'include' : 'none',
  },
});

describe('actions and sub-resources', () => {
  it('/assign replaces the whole list, ignores a target listed twice and stores nothing when one is refused', async () => {
    const { groups, filter } = await directory();
    const [g1, g2] = groups as [string, string];
    const { body } = await call('POST', CATALOG, catalogPolicy('Assigned'));
    const assignUrl = `${CATALOG}/${body.id as string}/assign`;
    const first = await call('POST', assignUrl, { assignments: [groupTarget(g1), groupTarget(g2, filter)] });
    expect(first.status).toBe(200);
    const twice = await call('POST', assignUrl, { assignments: [groupTarget(g2), groupTarget(g2, filter)] });
    expect(twice.status).toBe(200);
    const read = await call('GET', `${CATALOG}/${body.id as string}/assignments`);
    expect((read.body.value as Json[]).map((a) => a.target)).toEqual([groupTarget(g2).target]);
    const unknownGroup = await call('POST', assignUrl, {
      assignments: [groupTarget(g1), groupTarget(randomUUID())],
    });
    expect(unknownGroup.status).toBe(400);
    const unknownFilter = await call('POST', assignUrl, { assignments: [groupTarget(g1, randomUUID())] });
    expect(unknownFilter.status).toBe(400);
    const after = await call('GET', `${CATALOG}/${body.id as string}/assignments`);
    expect(after.body.value).toEqual(read.body.value);
    expect((await call('GET', `${CATALOG}/${body.id as string}`)).body.isAssigned).toBe(true);
  });

  it('takes each family’s body key: scripts, enrollment, app configurations behind the cast', async () => {
    const [g1] = (await directory()).groups as [string];
    const script = await call('POST', '/beta/deviceManagement/deviceManagementScripts', {
      displayName: 'Restored script',
      scriptContent: Buffer.from('Write-Output 1').toString('base64'),
      runAsAccount: 'system',
      fileName: 'x.ps1',
    });
    expect(script.status).toBe(201);
    const scriptUrl = `/beta/deviceManagement/deviceManagementScripts/${script.body.id as string}`;
    const wrongKey = await call('POST', `${scriptUrl}/assign`, { assignments: [groupTarget(g1)] });
    expect(wrongKey.status).toBe(400);
    const assigned = await call('POST', `${scriptUrl}/assign`, {
      deviceManagementScriptAssignments: [groupTarget(g1)],
    });
    expect(assigned.status).toBe(204);
    expect((await call('GET', `${scriptUrl}/assignments`)).body.value).toHaveLength(1);
    const configs = await call('GET', '/beta/deviceAppManagement/mobileAppConfigurations?$top=1');
    const configId = (configs.body.value as Json[])[0]?.id as string;
    const cast = await call(
      'POST',
      `/beta/deviceAppManagement/mobileAppConfigurations/${configId}/microsoft.graph.managedDeviceMobileAppConfiguration/assign`,
      { assignments: [groupTarget(g1)] },
    );
    expect(cast.status).toBe(204);
  });

  it('enrollment priority only through setPriority; Autopilot groups one POST each, its /assign takes device ids', async () => {
    const [g1] = (await directory()).groups as [string];
    const restriction = await call('POST', '/beta/deviceManagement/deviceEnrollmentConfigurations', {
      '@odata.type': '#microsoft.graph.deviceEnrollmentLimitConfiguration',
      displayName: 'Limit',
      limit: 5,
    });
    expect(restriction.status).toBe(201);
    const url = `/beta/deviceManagement/deviceEnrollmentConfigurations/${restriction.body.id as string}`;
    expect((await call('PATCH', url, { priority: 4 })).status).toBe(400);
    expect((await call('POST', `${url}/setPriority`, { priority: 4 })).status).toBe(204);
    expect((await call('GET', url)).body.priority).toBe(4);
    const profile = await call('POST', '/beta/deviceManagement/windowsAutopilotDeploymentProfiles', {
      '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
      displayName: 'Autopilot',
    });
    const profileUrl = `/beta/deviceManagement/windowsAutopilotDeploymentProfiles/${profile.body.id as string}`;
    expect((await call('POST', `${profileUrl}/assign`, { assignments: [groupTarget(g1)] })).status).toBe(400);
    const one = await call('POST', `${profileUrl}/assignments`, groupTarget(g1));
    expect(one.status).toBe(201);
    expect((await call('POST', `${profileUrl}/assignments`, groupTarget(g1))).status).toBe(400);
    expect((await call('GET', `${profileUrl}/assignments`)).body.value).toHaveLength(1);
  });

  it('compliance actions through scheduleActionsForRules; notification messages per locale', async () => {
    const template = await call('POST', '/beta/deviceManagement/notificationMessageTemplates', {
      displayName: 'Notice',
      brandingOptions: 'includeCompanyLogo',
    });
    expect(template.status).toBe(201);
    const templateUrl = `/beta/deviceManagement/notificationMessageTemplates/${template.body.id as string}`;
    const message = { locale: 'en-us', subject: 'Fix it', messageTemplate: 'Please', isDefault: true };
    const created = await call('POST', `${templateUrl}/localizedNotificationMessages`, message);
    expect(created.status).toBe(201);
    const patched = await call(
      'PATCH',
      `${templateUrl}/localizedNotificationMessages/${created.body.id as string}`,
      {
        subject: 'Fix it now',
      },
    );
    expect(patched.status).toBe(204);
    const read = await call('GET', `${templateUrl}/localizedNotificationMessages`);
    expect((read.body.value as Json[]).map((m) => m.subject)).toEqual(['Fix it now']);
    const policy = await call('POST', COMPLIANCE, compliancePolicy('Scheduled'));
    const url = `${COMPLIANCE}/${policy.body.id as string}/scheduleActionsForRules`;
    const withNotice = [
      {
        ruleName: 'PasswordRequired',
        scheduledActionConfigurations: [
          { actionType: 'block', gracePeriodHours: 12 },
          { actionType: 'notification', gracePeriodHours: 0, notificationTemplateId: template.body.id },
        ],
      },
    ];
    const key = 'deviceComplianceScheduledActionForRules';
    expect((await call('POST', url, { [key]: [] })).status).toBe(400);
    const badTemplate = structuredClone(withNotice);
    (badTemplate[0]?.scheduledActionConfigurations[1] as Json).notificationTemplateId = randomUUID();
    expect((await call('POST', url, { [key]: badTemplate })).status).toBe(400);
    expect((await call('POST', url, { [key]: withNotice })).status).toBe(204);
    const after = await call(
      'GET',
      `${COMPLIANCE}/${policy.body.id as string}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`,
    );
    const [rule] = after.body.scheduledActionsForRule as [Json];
    expect((rule.scheduledActionConfigurations as Json[]).map((c) => c.gracePeriodHours)).toEqual([12, 0]);
  });

  it('ADMX values bind to the catalog: POST definitionValues and updateDefinitionValues', async () => {
    const policies = await call('GET', '/beta/deviceManagement/groupPolicyConfigurations?$top=1');
    const sourceId = (policies.body.value as Json[])[0]?.id as string;
    const values = await call(
      'GET',
      `/beta/deviceManagement/groupPolicyConfigurations/${sourceId}/definitionValues?$expand=definition`,
    );
    const [value] = values.body.value as [Json];
    const definitionId = (value.definition as Json).id as string;
    const bind = `https://graph.microsoft.com/beta/deviceManagement/groupPolicyDefinitions('${definitionId}')`;
    const { body } = await call('POST', '/beta/deviceManagement/groupPolicyConfigurations', {
      displayName: 'ADMX',
    });
    const url = `/beta/deviceManagement/groupPolicyConfigurations/${body.id as string}`;
    const unknown = await call('POST', `${url}/definitionValues`, {
      enabled: true,
      'definition@odata.bind': bind.replace(definitionId, randomUUID()),
    });
    expect(unknown.status).toBe(400);
    const added = await call('POST', `${url}/definitionValues`, {
      enabled: true,
      'definition@odata.bind': bind,
    });
    expect(added.status).toBe(201);
    const update = await call('POST', `${url}/updateDefinitionValues`, {
      added: [],
      updated: [{ id: added.body.id, enabled: false }],
      deletedIds: [],
    });
    expect(update.status).toBe(204);
    const read = await call('GET', `${url}/definitionValues?$expand=definition`);
    expect((read.body.value as Json[]).map((v) => [v.enabled, (v.definition as Json).id])).toEqual([
      [false, definitionId],
    ]);
    const removed = await call('POST', `${url}/updateDefinitionValues`, { deletedIds: [added.body.id] });
    expect(removed.status).toBe(204);
    expect((await call('GET', `${url}/definitionValues`)).body.value).toEqual([]);
  });

  it('creates a role assignment under the role it binds, listed in both places', async () => {
    const [g1] = (await directory()).groups as [string];
    const role = await call('POST', '/beta/deviceManagement/roleDefinitions', {
      '@odata.type': '#microsoft.graph.deviceAndAppManagementRoleDefinition',
      displayName: 'Helpdesk',
      rolePermissions: [],
    });
    expect(role.status).toBe(201);
    const bind = `https://graph.microsoft.com/beta/deviceManagement/roleDefinitions('${role.body.id as string}')`;
    const body = {
      displayName: 'Helpdesk EU',
      members: [g1],
      resourceScopes: [g1],
      'roleDefinition@odata.bind': bind,
    };
    const unknownRole = await call('POST', '/beta/deviceManagement/roleAssignments', {
      ...body,
      'roleDefinition@odata.bind': bind.replace(role.body.id as string, randomUUID()),
    });
    expect(unknownRole.status).toBe(400);
    const created = await call('POST', '/beta/deviceManagement/roleAssignments', body);
    expect(created.status).toBe(201);
    const listed = await call(
      'GET',
      `/beta/deviceManagement/roleDefinitions/${role.body.id as string}/roleAssignments`,
    );
    expect((listed.body.value as Json[]).map((a) => a.id)).toEqual([created.body.id]);
    const item = await call('GET', `/beta/deviceManagement/roleAssignments/${created.body.id as string}`);
    expect(item.body).toMatchObject({ displayName: 'Helpdesk EU', members: [g1] });
  });

  it('MAM targetApps replaces the apps and their group type; intents cannot be instantiated', async () => {
    const created = await call('POST', '/beta/deviceAppManagement/iosManagedAppProtections', {
      displayName: 'iOS MAM',
    });
    expect(created.status).toBe(201);
    const url = `/beta/deviceAppManagement/iosManagedAppProtections/${created.body.id as string}`;
    const apps = [
      {
        mobileAppIdentifier: {
          '@odata.type': '#microsoft.graph.iosMobileAppIdentifier',
          bundleId: 'com.microsoft.office.outlook',
        },
      },
    ];
    expect(
      (await call('POST', `${url}/targetApps`, { apps, appGroupType: 'selectedPublicApps' })).status,
    ).toBe(204);
    const read = await call('GET', `${url}?$expand=apps`);
    // deployedAppCount drifts on every read (the set's drifting properties), so only the group type is checked.
    expect(read.body).toMatchObject({ appGroupType: 'selectedPublicApps' });
    expect((read.body.apps as Json[]).map((a) => a.mobileAppIdentifier)).toEqual([
      apps[0]?.mobileAppIdentifier,
    ]);
    const instance = await call(
      'POST',
      `/beta/deviceManagement/templates/${randomUUID()}/createInstance`,
      {},
    );
    expect(instance.status).toBe(400);
  });
});

describe('throttling, lost responses, eventual consistency, tokens', () => {
  const named = (name: string) => ({ ...catalogPolicy(name), roleScopeTagIds: ['0'] });

  it('answers the 101st Intune write in 20 s 429 with Retry-After, and never stores it', async () => {
    const [fresh, id] = await newTenant(WRITE_GRANTS);
    const replies = [];
    for (let i = 0; i < 101; i++) replies.push(await call('POST', CATALOG, named(`burst ${i}`), fresh));
    expect(replies.slice(0, 100).every((r) => r.status === 201)).toBe(true);
    const last = replies[100] as { status: number; body: Json };
    expect([last.status, code(last)]).toEqual([429, 'TooManyRequests']);
    const log = emulator.writeLog(id);
    expect(log).toHaveLength(101);
    expect(log.map((entry) => entry.status)).toEqual([...Array(100).fill(201), 429]);
    expect(log[0]).toMatchObject({
      method: 'POST',
      path: '/beta/deviceManagement/configurationPolicies',
      body: expect.objectContaining({ name: 'burst 0' }),
    });
    const stored = await listAll(CATALOG, fresh);
    expect(stored.filter((p) => String(p.name).startsWith('burst '))).toHaveLength(100);
  });

  it('the Retry-After of an Intune 429 is the seconds until a slot frees; Conditional Access 429s have none', async () => {
    const [fresh, id] = await newTenant(WRITE_GRANTS);
    emulator.setFaults(id, { writeLimits: { intune: { requests: 2, windowMs: 5_000 } } });
    const intune = [];
    for (let i = 0; i < 3; i++) intune.push(await rawFetch('POST', CATALOG, named(`slot ${i}`), fresh));
    expect(intune.map((r) => r.status)).toEqual([201, 201, 429]);
    expect(Number(intune[2]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    expect(Number(intune[2]?.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    const location = (name: string) => ({
      '@odata.type': '#microsoft.graph.countryNamedLocation',
      displayName: name,
      countriesAndRegions: ['NL'],
    });
    const first = await rawFetch(
      'POST',
      '/v1.0/identity/conditionalAccess/namedLocations',
      location('a'),
      fresh,
    );
    const second = await rawFetch(
      'POST',
      '/v1.0/identity/conditionalAccess/namedLocations',
      location('b'),
      fresh,
    );
    expect([first.status, second.status]).toEqual([201, 429]);
    expect(second.headers.get('retry-after')).toBeNull();
  });

  it('drops the response of a performed write: a reset connection, then a 503', async () => {
    const [fresh, id] = await newTenant(WRITE_GRANTS);
    emulator.setFaults(id, { dropWriteResponses: { next: 1, as: 'reset' } });
    await expect(rawFetch('POST', CATALOG, named('lost create'), fresh)).rejects.toThrow();
    emulator.setFaults(id, { dropWriteResponses: { next: 1, as: '503' } });
    const unavailable = await call('POST', CATALOG, named('lost create'), fresh);
    expect(unavailable.status).toBe(503);
    const all = await listAll(CATALOG, fresh);
    expect(all.filter((p) => p.name === 'lost create')).toHaveLength(2);
    expect(emulator.writeLog(id).map((entry) => [entry.status, entry.dropped])).toEqual([
      [201, 'reset'],
      [201, '503'],
    ]);
    const next = await call('POST', CATALOG, named('answered'), fresh);
    expect(next.status).toBe(201);
  });

  it('a created object answers GET by id at once but is listed only after the visibility delay', async () => {
    emulator.setFaults(tenantId, { ...UNTHROTTLED, createVisibilityDelayMs: 1_500 });
    const created = await call('POST', '/beta/deviceManagement/roleScopeTags', { displayName: 'Eventually' });
    emulator.setFaults(tenantId, UNTHROTTLED);
    const id = created.body.id as string;
    expect((await call('GET', `/beta/deviceManagement/roleScopeTags/${id}`)).status).toBe(200);
    const filter = `/beta/deviceManagement/roleScopeTags?$filter=displayName eq 'Eventually'`;
    expect((await call('GET', filter)).body.value).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(((await call('GET', filter)).body.value as Json[]).map((t) => t.id)).toEqual([id]);
  });

  it('issues JWT-shaped tokens whose roles are the grants at issue time; grants can be added', async () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', tid: tenantId, idtyp: 'app' });
    expect(claims.roles).toEqual(expect.arrayContaining(WRITE_GRANTS));
    expect((claims.exp as number) - (claims.iat as number)).toBeGreaterThan(3000);
    emulator.grantPermissions(readOnlyTenantId, ['DeviceManagementRBAC.ReadWrite.All']);
    const tag = await call(
      'POST',
      '/beta/deviceManagement/roleScopeTags',
      { displayName: 'Granted' },
      readOnlyToken,
    );
    expect(tag.status).toBe(201);
  });
});

/** The raw response, for headers. */
async function rawFetch(method: string, url: string, body: unknown, bearer: string) {
  return fetch(`${emulator.baseUrl}${url}`, {
    method,
    dispatcher: agent,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
