// Issue 17: the update-only actions restore sends that the emulator refused as no route:
// settings-based compliance `setScheduledActions` and an intent's `updateSettings`.
import type { GraphCall } from '../../src/emulator/graphApi';
import { listOf } from '../../src/emulator/tenantObjects';
import { TenantStore } from '../../src/emulator/tenantStore';
import type { GraphJson } from '../../src/emulator/types';
import { itemRoute, serveItemRoute } from '../../src/emulator/writes/itemRoutes';

const tenant = new TenantStore().add({
  azureTenantId: 'a0000000-0000-4000-8000-000000000117',
  clientId: 'c0000000-0000-4000-8000-000000000117',
  clientSecret: 'secret',
  displayName: 'Update actions',
  grantedPermissions: ['DeviceManagementConfiguration.ReadWrite.All'],
  policies: {
    settingsCompliance: [
      {
        object: { id: 'lnx', name: 'Linux', platforms: 'linux', technologies: 'linuxMdm' },
        scheduledActionsForRule: [
          {
            id: 'rule-1',
            ruleName: null,
            scheduledActionConfigurations: [{ id: 'a-1', actionType: 'block', gracePeriodHours: 0 }],
          },
        ],
      },
    ],
  },
});
const [intentId] = tenant.objects.generate('endpointSecurityIntents', 1);

function post(path: string, body: unknown) {
  const call: GraphCall = {
    method: 'POST',
    url: new URL(`https://graph.example/beta${path}`),
    version: 'beta',
    segments: path.split('/').filter(Boolean),
    body: JSON.stringify(body),
  };
  const route = itemRoute(call);
  return route === undefined ? undefined : serveItemRoute(call, route, tenant);
}

function node(type: 'settingsCompliance' | 'endpointSecurityIntents', id: string) {
  const record = tenant.objects.find(type, id);
  if (record === undefined) throw new Error(id);
  return tenant.objects.node(type, record);
}

const rules = () =>
  listOf(node('settingsCompliance', 'lnx'), 'scheduledActionsForRule').map((rule) => ({
    ...rule.object,
    actions: listOf(rule, 'scheduledActionConfigurations').map((action) => action.object),
  }));

describe('compliancePolicies/{id}/setScheduledActions', () => {
  const PATH = '/deviceManagement/compliancePolicies/lnx/setScheduledActions';
  const block = { actionType: 'block', gracePeriodHours: 48, notificationTemplateId: '' };
  const notify = { actionType: 'notification', gracePeriodHours: 24, notificationTemplateId: '' };

  it('replaces every rule with the posted ones and answers 200 with them', () => {
    const reply = post(PATH, {
      scheduledActions: [{ ruleName: null, scheduledActionConfigurations: [block, notify] }],
    });
    expect(reply?.status).toBe(200);
    const value = (reply?.body as { value: GraphJson[] } | undefined)?.value ?? [];
    expect(value).toEqual([
      {
        id: expect.any(String),
        ruleName: null,
        scheduledActionConfigurations: [
          { id: expect.any(String), ...block },
          { id: expect.any(String), ...notify },
        ],
      },
    ]);
    expect(rules()).toEqual([
      { id: value[0]?.id, ruleName: null, actions: value[0]?.scheduledActionConfigurations },
    ]);
  });

  it('refuses rules without exactly one block action, or under another key, and stores nothing', () => {
    const before = rules();
    const noBlock = [{ ruleName: null, scheduledActionConfigurations: [notify] }];
    expect(post(PATH, { scheduledActions: noBlock })?.status).toBe(400);
    const twoBlocks = [{ ruleName: null, scheduledActionConfigurations: [block, block] }];
    expect(post(PATH, { scheduledActions: twoBlocks })?.status).toBe(400);
    const legacyKey = [{ ruleName: null, scheduledActionConfigurations: [block] }];
    expect(post(PATH, { deviceComplianceScheduledActionForRules: legacyKey })?.status).toBe(400);
    expect(rules()).toEqual(before);
  });
});

describe('intents/{id}/updateSettings', () => {
  const PATH = `/deviceManagement/intents/${intentId}/updateSettings`;
  const settings = () =>
    listOf(node('endpointSecurityIntents', intentId as string), 'categories').flatMap((category) =>
      listOf(category, 'settings').map((setting) => setting.object),
    );

  it('sets the value of the settings with the posted definitionIds and leaves the others (204)', () => {
    const [first, second, ...rest] = settings();
    if (first === undefined || second === undefined) throw new Error('a generated intent has settings');
    const reply = post(PATH, {
      settings: [
        {
          '@odata.type': first['@odata.type'],
          id: first.id,
          definitionId: first.definitionId,
          valueJson: 'null',
        },
        { '@odata.type': second['@odata.type'], definitionId: second.definitionId, valueJson: '"x"' },
      ],
    });
    expect(reply?.status).toBe(204);
    const [one, two, ...others] = settings();
    expect(one).toMatchObject({ id: first.id, definitionId: first.definitionId, valueJson: 'null' });
    expect(one).not.toHaveProperty('value');
    expect(two).toMatchObject({ id: second.id, valueJson: '"x"' });
    expect(others).toEqual(rest);
  });

  it("adds a definition of the intent's template it had no instance of to that definition's category", () => {
    const intent = node('endpointSecurityIntents', intentId as string);
    const template = tenant.objects.pools.find(String(intent.object.templateId), ['templates']);
    const [category] = template === undefined ? [] : listOf(template, 'categories');
    const [definition] = category === undefined ? [] : listOf(category, 'settingDefinitions');
    const definitionId = definition?.object.id;
    expect(settings().some((s) => s.definitionId === definitionId)).toBe(false);
    expect(post(PATH, { settings: [{ definitionId, valueJson: '"added"' }] })?.status).toBe(204);
    const categoryNode = listOf(node('endpointSecurityIntents', intentId as string), 'categories').find(
      (c) => c.object.id === category?.object.id,
    );
    expect(listOf(categoryNode as never, 'settings').map((s) => s.object)).toContainEqual(
      expect.objectContaining({ definitionId, valueJson: '"added"', id: expect.any(String) }),
    );
  });

  it('refuses an unknown definitionId or a value that is not JSON, and changes nothing', () => {
    const before = settings();
    const known = before[0]?.definitionId;
    expect(
      post(PATH, { settings: [{ definitionId: 'no_such_definition', valueJson: 'true' }] })?.status,
    ).toBe(400);
    expect(
      post(PATH, {
        settings: [
          { definitionId: known, valueJson: 'false' },
          { definitionId: known, valueJson: '{not json' },
        ],
      })?.status,
    ).toBe(400);
    expect(post(PATH, { settings: [{ definitionId: known }] })?.status).toBe(400);
    expect(post(PATH, { values: [] })?.status).toBe(400);
    expect(settings()).toEqual(before);
  });
});
