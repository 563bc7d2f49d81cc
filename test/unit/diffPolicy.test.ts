// The diff engine (src/diff) on hand-written payloads: what is a change, and how it is reported.
import { diffPolicy, type FieldChange, settingDefinitionIdsOf } from '../../src/diff';

const DEFENDER = 'device_vendor_msft_policy_config_defender_allowrealtimemonitoring';
const GROUP = '#microsoft.graph.groupAssignmentTarget';
const EXCLUDE = '#microsoft.graph.exclusionGroupAssignmentTarget';

const assignment = (type: string, groupId?: string, filterId?: string) => ({
  id: `p_${groupId ?? 'all'}`,
  target: {
    '@odata.type': type,
    ...(groupId ? { groupId } : {}),
    deviceAndAppManagementAssignmentFilterId: filterId ?? null,
    deviceAndAppManagementAssignmentFilterType: filterId ? 'include' : 'none',
  },
});

const choice = (definitionId: string, value: string, children: unknown[] = []) => ({
  '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance',
  settingDefinitionId: definitionId,
  choiceSettingValue: { value, children },
});
const simple = (definitionId: string, value: unknown) => ({
  '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance',
  settingDefinitionId: definitionId,
  simpleSettingValue: { value },
});

function catalogPolicy() {
  return {
    id: 'p',
    name: 'Win - Defender',
    lastModifiedDateTime: '2026-01-01T00:00:00Z',
    roleScopeTagIds: ['0', '7', '9'],
    settings: [
      { id: '0', settingInstance: choice(DEFENDER, `${DEFENDER}_1`) },
      {
        id: '1',
        settingInstance: choice('parent', 'parent_1', [
          simple('parent_size', 10),
          choice('parent_mode', 'parent_mode_0', [simple('parent_mode_depth', 2)]),
        ]),
      },
      {
        id: '2',
        settingInstance: {
          settingDefinitionId: 'group',
          groupSettingCollectionValue: [
            { children: [simple('group_ssid', 'a'), simple('group_auto', true)] },
            { children: [simple('group_ssid', 'b'), simple('group_auto', false)] },
          ],
        },
      },
    ],
    assignments: [assignment(GROUP, 'g1'), assignment(GROUP, 'g2', 'f1'), assignment(EXCLUDE, 'g3')],
  };
}

type Policy = ReturnType<typeof catalogPolicy>;
const edited = (edit: (policy: Policy) => void): Policy => {
  const policy = catalogPolicy();
  edit(policy);
  return policy;
};

describe('diffPolicy', () => {
  it('reports added and removed policies without fields, and nothing for two absent ones', () => {
    expect(diffPolicy('settingsCatalog', null, catalogPolicy())).toEqual({ change: 'added', fields: [] });
    expect(diffPolicy('settingsCatalog', catalogPolicy(), null)).toEqual({ change: 'removed', fields: [] });
    expect(diffPolicy('settingsCatalog', null, null)).toBeNull();
  });

  it('never reports reordered settings, children, assignments or sets', () => {
    const reordered = edited((p) => {
      p.settings.reverse();
      for (const [i, setting] of p.settings.entries()) setting.id = String(i);
      const parent = p.settings[1]?.settingInstance as ReturnType<typeof choice>;
      parent.choiceSettingValue.children.reverse();
      const group = p.settings[0]?.settingInstance as {
        groupSettingCollectionValue: { children: unknown[] }[];
      };
      group.groupSettingCollectionValue[0]?.children.reverse();
      p.assignments.reverse();
      p.roleScopeTagIds.reverse();
    });
    expect(diffPolicy('settingsCatalog', catalogPolicy(), reordered)).toBeNull();
  });

  it('gives one changed nested setting as exactly one leaf change with path, label, before and after', () => {
    const after = edited((p) => {
      const parent = p.settings[1]?.settingInstance as ReturnType<typeof choice>;
      const mode = parent.choiceSettingValue.children[1] as ReturnType<typeof choice>;
      (mode.choiceSettingValue.children[0] as ReturnType<typeof simple>).simpleSettingValue.value = 3;
    });
    const labels = {
      settingDefinitionName: (id: string) => (id === 'parent_mode_depth' ? 'Depth' : undefined),
    };
    expect(diffPolicy('settingsCatalog', catalogPolicy(), after, labels)).toEqual({
      change: 'modified',
      fields: [
        {
          op: 'replace',
          path:
            '/settings/[settingDefinitionId=parent]/settingInstance/choiceSettingValue/children/' +
            '[settingDefinitionId=parent_mode]/choiceSettingValue/children/' +
            '[settingDefinitionId=parent_mode_depth]/simpleSettingValue/value',
          label: 'Depth',
          before: 2,
          after: 3,
        },
      ],
    });
  });

  it('labels a setting without a known display name by its definition id, humanized', () => {
    const after = edited((p) => {
      const setting = p.settings[0]?.settingInstance as ReturnType<typeof choice>;
      setting.choiceSettingValue.value = `${DEFENDER}_0`;
    });
    const [field] = diffPolicy('settingsCatalog', catalogPolicy(), after)?.fields ?? [];
    expect(field?.label).toBe('Defender allowrealtimemonitoring');
    expect(field?.path).toBe(
      `/settings/[settingDefinitionId=${DEFENDER}]/settingInstance/choiceSettingValue/value`,
    );
  });

  it('gives an added and a removed assignment as exactly two changes, each the whole assignment', () => {
    const added = assignment(GROUP, 'g4');
    const after = edited((p) => {
      p.assignments = [p.assignments[2], p.assignments[0], added] as Policy['assignments'];
    });
    const diff = diffPolicy('settingsCatalog', catalogPolicy(), after);
    expect(diff?.change).toBe('modified');
    expect(diff?.fields).toEqual<FieldChange[]>([
      {
        op: 'remove',
        path:
          '/assignments/[@odata.type=#microsoft.graph.groupAssignmentTarget,groupId=g2,' +
          'deviceAndAppManagementAssignmentFilterId=f1,deviceAndAppManagementAssignmentFilterType=include]',
        label: 'Assignment: group g2 (include) with filter f1 (include)',
        before: assignment(GROUP, 'g2', 'f1'),
      },
      {
        op: 'add',
        path:
          '/assignments/[@odata.type=#microsoft.graph.groupAssignmentTarget,groupId=g4,' +
          'deviceAndAppManagementAssignmentFilterType=none]',
        label: 'Assignment: group g4 (include)',
        after: added,
      },
    ]);
  });

  it('gives an added or removed setting as one change, not one per leaf', () => {
    const after = edited((p) => {
      p.settings.splice(1, 1);
    });
    const fields = diffPolicy('settingsCatalog', catalogPolicy(), after)?.fields;
    expect(fields).toHaveLength(1);
    expect(fields?.[0]).toMatchObject({
      op: 'remove',
      path: '/settings/[settingDefinitionId=parent]',
      label: 'Parent',
    });
    expect(fields?.[0]?.before).toEqual(catalogPolicy().settings[1]);
  });

  it('treats [], null and an absent property as one state, and a new nested object as one add', () => {
    const before = { displayName: 'x', a: [], b: null, nested: null, list: null };
    expect(diffPolicy('deviceConfiguration', before, { displayName: 'x', c: [], b: [] })).toBeNull();
    const diff = diffPolicy('deviceConfiguration', before, {
      displayName: 'x',
      nested: { deep: { value: 1 }, other: 'y' },
      list: ['a'],
    });
    expect(diff?.fields).toEqual([
      { op: 'add', path: '/list/0', label: 'List', after: 'a' },
      { op: 'add', path: '/nested', label: 'Nested', after: { deep: { value: 1 }, other: 'y' } },
    ]);
  });

  it('never shows volatile fields or response annotations', () => {
    const after = {
      ...catalogPolicy(),
      lastModifiedDateTime: '2027-01-01T00:00:00Z',
      '@odata.etag': 'W/"2"',
    };
    expect(diffPolicy('settingsCatalog', catalogPolicy(), after)).toBeNull();
    const config = { displayName: 'x', version: 1, passwordMinimumLength: 8 };
    expect(
      diffPolicy('deviceConfiguration', config, { ...config, version: 2, passwordMinimumLength: 12 })?.fields,
    ).toEqual([
      {
        op: 'replace',
        path: '/passwordMinimumLength',
        label: 'Password minimum length',
        before: 8,
        after: 12,
      },
    ]);
  });

  it('says a secret changed without its values, even inside an added element', () => {
    const oma = (value: string, reference: string) => ({
      '@odata.type': '#microsoft.graph.omaSettingString',
      omaUri: './Device/Vendor/MSFT/Secret',
      isEncrypted: true,
      secretReferenceValueId: reference,
      value,
    });
    const before = { displayName: 'x', omaSettings: [oma('tenantvault-secret:v1:aaaa', 'ref-1')] };
    const after = {
      displayName: 'x',
      omaSettings: [
        oma('tenantvault-secret:v1:bbbb', 'ref-2'),
        { ...oma('tenantvault-secret:v1:cccc', 'ref-3'), omaUri: './Device/Other' },
      ],
    };
    const diff = diffPolicy('deviceConfiguration', before, after);
    const text = JSON.stringify(diff);
    for (const secret of ['aaaa', 'bbbb', 'cccc', 'ref-1', 'ref-2', 'ref-3'])
      expect(text).not.toContain(secret);
    expect(diff?.fields).toEqual([
      {
        op: 'replace',
        path: '/omaSettings/0/secretReferenceValueId',
        label: 'Secret reference value id',
        secret: true,
      },
      {
        op: 'replace',
        path: '/omaSettings/0/value',
        label: 'Value',
        secret: true,
      },
      expect.objectContaining({ op: 'add', path: '/omaSettings/1', secret: true }),
    ]);
  });

  it('reports a rename with every leaf change, the name included', () => {
    const after = edited((p) => {
      p.name = 'Win - Defender (new)';
      p.roleScopeTagIds = ['0', '9'];
    });
    expect(diffPolicy('settingsCatalog', catalogPolicy(), after)).toEqual({
      change: 'renamed',
      fields: [
        {
          op: 'replace',
          path: '/name',
          label: 'Name',
          before: 'Win - Defender',
          after: 'Win - Defender (new)',
        },
        { op: 'remove', path: '/roleScopeTagIds/[=7]', label: 'Role scope tag ids', before: '7' },
      ],
    });
    const token = { tokenName: 'ADE', appleIdentifier: 'a@b' };
    expect(diffPolicy('appleEnrollmentProfiles', token, { ...token, tokenName: 'ADE 2' })?.change).toBe(
      'renamed',
    );
  });

  it('still detects a change of order in arrays whose order is meaningful', () => {
    const vpn = { displayName: 'VPN', dnsSuffixes: ['a.example', 'b.example'] };
    const diff = diffPolicy('deviceConfiguration', vpn, { ...vpn, dnsSuffixes: ['b.example', 'a.example'] });
    expect(diff?.fields).toEqual([
      {
        op: 'replace',
        path: '/dnsSuffixes/0',
        label: 'Dns suffixes',
        before: 'a.example',
        after: 'b.example',
      },
      {
        op: 'replace',
        path: '/dnsSuffixes/1',
        label: 'Dns suffixes',
        before: 'b.example',
        after: 'a.example',
      },
    ]);
  });

  it('pairs elements with the same identity in order, and reports only the one that changed', () => {
    const action = (gracePeriodHours: number, templateId: string) => ({
      actionType: 'notification',
      gracePeriodHours,
      notificationTemplateId: templateId,
    });
    const rules = (second: number) => ({
      displayName: 'c',
      scheduledActionsForRule: [
        {
          ruleName: 'PasswordRequired',
          scheduledActionConfigurations: [
            { actionType: 'block', gracePeriodHours: 0 },
            action(24, 't1'),
            action(second, 't2'),
          ],
        },
      ],
    });
    const shuffled = rules(72);
    shuffled.scheduledActionsForRule[0]?.scheduledActionConfigurations.reverse();
    expect(diffPolicy('compliance', rules(72), shuffled)).toBeNull();
    const fields = diffPolicy('compliance', rules(72), rules(96))?.fields;
    expect(fields).toEqual([
      expect.objectContaining({
        op: 'replace',
        path: '/scheduledActionsForRule/[ruleName=PasswordRequired]/scheduledActionConfigurations/[actionType=notification]/gracePeriodHours',
        before: 72,
        after: 96,
      }),
    ]);
  });

  it('escapes brackets, commas, equals signs, backslashes, ~ and / in element names', () => {
    const before = {
      displayName: 'n',
      localizedNotificationMessages: [{ locale: 'a,b=c]d\\e~f/g', subject: 's' }],
    };
    const after = {
      displayName: 'n',
      localizedNotificationMessages: [{ locale: 'a,b=c]d\\e~f/g', subject: 't' }],
    };
    expect(diffPolicy('notificationTemplates', before, after)?.fields[0]?.path).toBe(
      '/localizedNotificationMessages/[locale=a\\,b\\=c\\]d\\\\e~0f~1g]/subject',
    );
    const tags = diffPolicy(
      'scopeTags',
      { displayName: 'n' },
      { displayName: 'n', roleScopeTagIds: ['x/y'] },
    );
    expect(tags?.fields[0]?.path).toBe('/roleScopeTagIds/[=x~1y]');
    const keyed = diffPolicy('deviceConfiguration', { 'a/b': 1, 'c~d': 1 }, { 'a/b': 2, 'c~d': 2 });
    expect(keyed?.fields.map((f) => f.path)).toEqual(['/a~1b', '/c~0d']);
  });

  it('labels changes inside an assignment with the assignment', () => {
    const before = {
      displayName: 'r',
      assignments: [{ ...assignment(GROUP, 'g1'), runRemediationScript: true }],
    };
    const after = {
      displayName: 'r',
      assignments: [{ ...assignment(GROUP, 'g1'), runRemediationScript: false }],
    };
    expect(diffPolicy('remediations', before, after)?.fields[0]?.label).toBe(
      'Assignment: group g1 (include): Run remediation script',
    );
  });

  it('reports a reorder of simple and group collection values: some are priority lists', () => {
    const suites = (values: string[]) => ({
      id: 'p',
      name: 'TLS',
      settings: [
        {
          id: '0',
          settingInstance: {
            '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance',
            settingDefinitionId: 'device_vendor_msft_policy_config_cryptography_tlsciphersuites',
            simpleSettingCollectionValue: values.map((value) => ({ value })),
          },
        },
      ],
    });
    const reordered = diffPolicy('settingsCatalog', suites(['A', 'B']), suites(['B', 'A']));
    expect(reordered?.fields.length).toBeGreaterThan(0);
    const group = catalogPolicy();
    const groupReordered = edited((p) => {
      const holder = p.settings.find((setting) => 'groupSettingCollectionValue' in setting.settingInstance);
      if (!holder) throw new Error('the policy has a group collection');
      (
        holder.settingInstance as { groupSettingCollectionValue: unknown[] }
      ).groupSettingCollectionValue.reverse();
    });
    expect(diffPolicy('settingsCatalog', group, groupReordered)?.fields.length).toBeGreaterThan(0);
  });

  it('matches an assignment whose filter id is null on one side and absent on the other', () => {
    const withNull = { id: 'p', displayName: 'x', assignments: [assignment(GROUP, 'g1')] };
    const { deviceAndAppManagementAssignmentFilterId: _, ...target } = withNull.assignments[0]!.target;
    const absent = { ...withNull, assignments: [{ ...withNull.assignments[0]!, target }] };
    expect(diffPolicy('deviceConfiguration', withNull, absent)).toBeNull();
  });

  it('never shows a settings catalog secret value, only that it changed', () => {
    const secret = (value: string) => ({
      id: 'p',
      name: 'Wi-Fi',
      settings: [
        {
          id: '0',
          settingInstance: {
            '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance',
            settingDefinitionId: 'wifi_psk',
            simpleSettingValue: {
              '@odata.type': '#microsoft.graph.deviceManagementConfigurationSecretSettingValue',
              value,
              valueState: 'encryptedValueToken',
            },
          },
        },
      ],
    });
    const changed = diffPolicy('settingsCatalog', secret('token-1'), secret('token-2'));
    expect(changed?.fields).toEqual([expect.objectContaining({ op: 'replace', secret: true })]);
    expect(JSON.stringify(changed)).not.toMatch(/token-/);
    const added = diffPolicy('settingsCatalog', { ...secret('token-1'), settings: [] }, secret('token-1'));
    expect(JSON.stringify(added)).not.toMatch(/token-/);
  });

  it('lists every setting definition id a payload holds, once', () => {
    expect(settingDefinitionIdsOf(catalogPolicy())).toEqual([
      DEFENDER,
      'group',
      'group_auto',
      'group_ssid',
      'parent',
      'parent_mode',
      'parent_mode_depth',
      'parent_size',
    ]);
  });
});
