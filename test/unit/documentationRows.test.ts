// The rows of one policy's as-built documentation (src/export/documentation/rows.ts): labels and
// paths as the diff names them, choice values by option name, secrets never shown, scripts withheld
// without scripts:read, and assignments with their group and filter names.
import { documentPolicy } from '../../src/export/documentation/rows';

const NS = '#microsoft.graph.deviceManagementConfiguration';
const names: Record<string, string> = {
  device_vendor_msft_policy_config_wifi_psk: 'Pre-shared key',
  device_vendor_msft_policy_config_defender_allowrealtime: 'Allow real-time monitoring',
};
const labels = {
  settingName: (id: string) => names[id],
  optionName: (itemId: string) => (itemId.endsWith('_1') ? 'Allowed' : undefined),
  referenceName: (kind: string, id: string) =>
    kind === 'group' && id === 'g-1' ? 'Pilot devices' : kind === 'assignmentFilter' ? 'Win 11' : undefined,
};

const catalog = {
  id: 'p-1',
  name: 'Wi-Fi',
  lastModifiedDateTime: '2026-01-01T00:00:00Z',
  settings: [
    {
      id: '0',
      settingInstance: {
        '@odata.type': `${NS}ChoiceSettingInstance`,
        settingDefinitionId: 'device_vendor_msft_policy_config_defender_allowrealtime',
        choiceSettingValue: {
          value: 'device_vendor_msft_policy_config_defender_allowrealtime_1',
          children: [],
        },
      },
    },
    {
      id: '1',
      settingInstance: {
        '@odata.type': `${NS}SimpleSettingInstance`,
        settingDefinitionId: 'device_vendor_msft_policy_config_wifi_psk',
        simpleSettingValue: {
          '@odata.type': `${NS}SecretSettingValue`,
          value: 'hunter2',
          valueState: 'notEncrypted',
        },
      },
    },
  ],
  assignments: [
    {
      id: 'a-1',
      target: {
        '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget',
        groupId: 'g-1',
        deviceAndAppManagementAssignmentFilterId: 'f-1',
        deviceAndAppManagementAssignmentFilterType: 'exclude',
      },
    },
    { id: 'a-2', target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } },
  ],
};

test('settings catalog: labels from definitions, choice option names, identity paths, secrets hidden', () => {
  const doc = documentPolicy(
    { policyType: 'settingsCatalog', payload: catalog, mayReadScripts: true },
    labels,
  );
  expect(doc.withheld).toBe(false);
  expect(doc.settings).toEqual(
    expect.arrayContaining([
      {
        label: 'Allow real-time monitoring',
        path: '/settings/[settingDefinitionId=device_vendor_msft_policy_config_defender_allowrealtime]/settingInstance/choiceSettingValue/value',
        value: 'Allowed',
      },
      {
        label: 'Pre-shared key',
        path: '/settings/[settingDefinitionId=device_vendor_msft_policy_config_wifi_psk]/settingInstance/simpleSettingValue/value',
        value: '(secret, not shown)',
      },
    ]),
  );
  expect(JSON.stringify(doc)).not.toContain('hunter2');
  // Volatile fields, the id and the settings' positions are not settings.
  expect(doc.settings.map((row) => row.path)).not.toContain('/lastModifiedDateTime');
  expect(doc.settings.map((row) => row.path)).not.toContain('/id');
  expect(doc.settings.some((row) => row.path.endsWith('/id'))).toBe(false);
  expect(doc.assignments).toEqual([
    {
      mode: 'exclude',
      target: 'group',
      groupId: 'g-1',
      groupName: 'Pilot devices',
      filterId: 'f-1',
      filterName: 'Win 11',
      filterMode: 'exclude',
    },
    {
      mode: 'include',
      target: 'all licensed users',
      groupId: null,
      groupName: null,
      filterId: null,
      filterName: null,
      filterMode: null,
    },
  ]);
});

test('an encrypted OMA-URI value (stored as a fingerprint) is a secret for everyone', () => {
  const profile = {
    '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
    id: 'p-2',
    omaSettings: [{ omaUri: './Vendor/MSFT/X', value: 'tenantvault-secret:abc123', isEncrypted: true }],
  };
  const doc = documentPolicy(
    { policyType: 'deviceConfiguration', payload: profile, mayReadScripts: true },
    labels,
  );
  expect(JSON.stringify(doc.settings)).not.toContain('abc123');
  expect(doc.settings.find((row) => row.path.endsWith('/value'))?.value).toBe('(secret, not shown)');
});

test('script types are withheld without scripts:read, shown with it', () => {
  const script = { id: 's-1', displayName: 'Fix', scriptContent: 'V3JpdGUtSG9zdA==' };
  const hidden = documentPolicy(
    { policyType: 'powershellScripts', payload: script, mayReadScripts: false },
    labels,
  );
  expect(hidden).toEqual({ settings: [], assignments: [], withheld: true });
  const shown = documentPolicy(
    { policyType: 'powershellScripts', payload: script, mayReadScripts: true },
    labels,
  );
  expect(shown.settings).toContainEqual({
    label: 'Script content',
    path: '/scriptContent',
    value: 'V3JpdGUtSG9zdA==',
  });
});

test("Graph's own ids, creation times and versions are not settings, at any depth", () => {
  const compliance = {
    '@odata.type': '#microsoft.graph.androidWorkProfileCompliancePolicy',
    id: 'c-1',
    createdDateTime: '2025-03-14T09:12:44Z',
    version: 3,
    displayName: 'Android',
    passwordMinimumLength: 6,
    scheduledActionsForRule: [
      {
        id: 'r-1',
        ruleName: 'PasswordRequired',
        scheduledActionConfigurations: [{ id: 'x-1', actionType: 'block', gracePeriodHours: 0 }],
      },
    ],
  };
  const doc = documentPolicy({ policyType: 'compliance', payload: compliance, mayReadScripts: true }, labels);
  const paths = doc.settings.map((row) => row.path);
  expect(paths).toContain('/passwordMinimumLength');
  expect(paths.some((path) => path.endsWith('/gracePeriodHours'))).toBe(true);
  expect(paths.filter((path) => /\/(id|createdDateTime|version)$/.test(path))).toEqual([]);
  expect(JSON.stringify(doc.settings)).not.toContain('x-1');
});
