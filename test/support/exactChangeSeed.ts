// A small hand-written tenant for the emulator's exact-change tests (patch, shuffle, audit logs):
// a settings catalog policy with nested child settings, an ordered simple collection and three
// assignments; a Conditional Access policy with several ids per condition.
import { type GraphCall, serveCall } from '../../src/emulator/graphApi';
import type { EmulatorTenant, TenantStore } from '../../src/emulator/tenantStore';
import type { EmulatorTenantSeed } from '../../src/emulator/types';

export const CATALOG_ID = 'c0000000-0000-4000-8000-000000000001';
export const CA_ID = 'ca000000-0000-4000-8000-000000000001';
export const EXACT_TENANT_ID = '11111111-2222-4333-8444-5555555555e1';

const choiceChild = (n: number) => ({
  '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance',
  settingDefinitionId: `device_vendor_msft_policy_child_${n}`,
  simpleSettingValue: {
    '@odata.type': '#microsoft.graph.deviceManagementConfigurationIntegerSettingValue',
    value: n * 10,
  },
});

const groupTarget = (n: number) => ({
  id: `${CATALOG_ID}_g${n}`,
  target: {
    '@odata.type': '#microsoft.graph.groupAssignmentTarget',
    groupId: `00000000-0000-4000-8000-00000000000${n}`,
    deviceAndAppManagementAssignmentFilterId: null,
    deviceAndAppManagementAssignmentFilterType: 'none',
  },
});

export function exactChangeSeed(azureTenantId = EXACT_TENANT_ID): EmulatorTenantSeed {
  return {
    azureTenantId,
    clientId: 'client',
    clientSecret: 'secret',
    displayName: 'Exact changes',
    policies: {
      settingsCatalog: [
        {
          object: {
            '@odata.type': '#microsoft.graph.deviceManagementConfigurationPolicy',
            id: CATALOG_ID,
            name: 'Baseline',
            description: 'Security baseline',
            platforms: 'windows10',
            technologies: 'mdm',
            roleScopeTagIds: ['0', '1', '2', '3'],
            settingCount: 2,
            createdDateTime: '2025-01-01T00:00:00Z',
            lastModifiedDateTime: '2025-01-02T00:00:00Z',
          },
          settings: [
            {
              id: '0',
              settingInstance: {
                '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance',
                settingDefinitionId: 'device_vendor_msft_policy_choice',
                choiceSettingValue: {
                  value: 'device_vendor_msft_policy_choice_1',
                  children: [choiceChild(1), choiceChild(2), choiceChild(3)],
                },
              },
            },
            {
              id: '1',
              settingInstance: {
                '@odata.type':
                  '#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance',
                settingDefinitionId: 'device_vendor_msft_policy_dns_servers',
                // Ordered: the order of DNS servers is the order they are tried.
                simpleSettingCollectionValue: ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((value) => ({
                  '@odata.type': '#microsoft.graph.deviceManagementConfigurationStringSettingValue',
                  value,
                })),
              },
            },
          ],
          assignments: [groupTarget(1), groupTarget(2), groupTarget(3)],
        },
      ],
      conditionalAccessPolicies: [
        {
          object: {
            id: CA_ID,
            displayName: 'Require MFA',
            state: 'enabled',
            createdDateTime: '2025-01-01T00:00:00Z',
            modifiedDateTime: '2025-01-02T00:00:00Z',
            conditions: {
              users: {
                includeUsers: ['All'],
                excludeUsers: ['u1', 'u2', 'u3', 'u4'],
                includeGroups: [],
                excludeGroups: ['g1', 'g2', 'g3'],
              },
              applications: { includeApplications: ['a1', 'a2', 'a3'], excludeApplications: [] },
              clientAppTypes: ['browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync'],
            },
            grantControls: {
              operator: 'OR',
              builtInControls: ['mfa', 'compliantDevice', 'domainJoinedDevice'],
            },
          },
        },
      ],
    },
  };
}

type Json = Record<string, unknown>;

/** One Graph GET answered in-process (no HTTP): status and body. */
export function serveGet(
  store: TenantStore,
  tenant: EmulatorTenant,
  path: string,
): { status: number; body: Json } {
  const url = new URL(path.startsWith('https://') ? path : `https://emulator.test${path}`);
  const [version, ...segments] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const call: GraphCall = { method: 'GET', url, version: version as 'v1.0' | 'beta', segments };
  const reply = serveCall(call, { store, tenant, defaultPageSize: 100 });
  return { status: reply.status, body: reply.body as Json };
}

/** Every element of a Graph list, following next links. */
export function serveAll(store: TenantStore, tenant: EmulatorTenant, path: string): Json[] {
  const out: Json[] = [];
  for (let next: string | undefined = path; next !== undefined; ) {
    const page = serveGet(store, tenant, next);
    if (page.status !== 200) throw new Error(`${next} answered ${page.status}: ${JSON.stringify(page.body)}`);
    out.push(...(page.body.value as Json[]));
    next = page.body['@odata.nextLink'] as string | undefined;
  }
  return out;
}
