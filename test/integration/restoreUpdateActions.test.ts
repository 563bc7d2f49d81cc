// In-place restore of the types whose update writes a sub-resource through an action Graph has
// only for updates: an endpoint security intent (`updateSettings`) and a settings-based
// compliance policy (`setScheduledActions`). Both are planted, backed up, edited in the portal's
// way, then planned and applied through RestorePlan and RestoreRun: updated, verified, and the
// live objects' restorable content equals the backup's.
import { intentCategoryId, intentTemplateId } from '../../src/emulator/pools/templates';
import { type PolicyTypeKey, unescapeStoredJson } from '../../src/graph';
import { restorableContent } from '../../src/restore/content';
import type { GraphJson } from '../../src/restore/types';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { backedUpSet, grantedTenant, simpleCatalogPolicy } from '../support/restoreFixtures';
import { appliedRound, planned } from '../support/restoreRounds';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '3c8d1e57-17a4-4f0b-9e31-5b7a2c9d4e17';
const INTENT = 'd1700000-0000-4000-8000-000000000001';
const COMPLIANCE = 'd1700000-0000-4000-8000-000000000002';
const APPLIED_BY = 'user:restore-update-actions-test';
const PLANTED_AT = '2026-10-01T10:00:00Z';
const TYPES: PolicyTypeKey[] = ['endpointSecurityIntents', 'settingsCompliance'];
const CATEGORY = { id: intentCategoryId('Antivirus', 'Cloud protection'), displayName: 'Cloud protection' };

const intentSetting = (n: number, value: boolean) => ({
  '@odata.type': '#microsoft.graph.deviceManagementBooleanSettingInstance',
  id: `d1700000-0000-4000-8000-00000000010${n}`,
  definitionId: `deviceConfiguration--windows10EndpointProtectionConfiguration_cloud${n}`,
  valueJson: JSON.stringify(value),
  value,
});
const categories = (values: readonly boolean[]) => [
  { ...CATEGORY, hasRequiredSetting: false, settings: values.map((v, n) => intentSetting(n, v)) },
];
const rules = (graceHours: number) => [
  {
    id: 'd1700000-0000-4000-8000-000000000201',
    ruleName: null,
    scheduledActionConfigurations: [
      {
        id: 'd1700000-0000-4000-8000-000000000202',
        actionType: 'block',
        gracePeriodHours: graceHours,
        notificationTemplateId: '00000000-0000-0000-0000-000000000000',
        notificationMessageCCList: [],
      },
    ],
  },
];

let tenantId: string;
let backupSetId: string;

beforeAll(async () => {
  ({ tenantId } = await grantedTenant(admin, AZURE_TENANT, ['DeviceManagementConfiguration.ReadWrite.All']));
  await admin.plantPolicy(AZURE_TENANT, {
    type: 'endpointSecurityIntents',
    object: {
      id: INTENT,
      displayName: 'Update actions: antivirus',
      description: 'planted',
      isAssigned: false,
      isMigratingToConfigurationPolicy: false,
      lastModifiedDateTime: PLANTED_AT,
      templateId: intentTemplateId('Antivirus'),
      roleScopeTagIds: ['0'],
    },
  });
  await admin.patchObject(AZURE_TENANT, 'endpointSecurityIntents', INTENT, {
    categories: categories([true, false]),
  });
  // A catalog-shaped setting, as settings-based compliance keeps its settings.
  const catalog = simpleCatalogPolicy(COMPLIANCE, 'Update actions: linux compliance');
  const compliance = {
    ...catalog,
    type: 'settingsCompliance' as const,
    object: { ...catalog.object, platforms: 'linux', technologies: 'linuxMdm', isAssigned: false },
  };
  await admin.plantPolicy(AZURE_TENANT, compliance);
  await admin.patchObject(AZURE_TENANT, 'settingsCompliance', COMPLIANCE, {
    scheduledActionsForRule: rules(24),
  });
  backupSetId = await backedUpSet(stack, tenantId, TYPES);
  // Edits after the backup: a setting's value, the metadata, the block action's grace period.
  await admin.patchObject(AZURE_TENANT, 'endpointSecurityIntents', INTENT, {
    description: 'edited after the backup',
    categories: categories([false, false]),
  });
  await admin.patchObject(AZURE_TENANT, 'settingsCompliance', COMPLIANCE, {
    description: 'edited after the backup',
    scheduledActionsForRule: rules(72),
  });
}, 180_000);

async function backedUp(policyType: PolicyTypeKey, graphId: string): Promise<GraphJson> {
  const item = await stack.db.backupItem.findUniqueOrThrow({
    where: { backupSetId_policyType_graphId: { backupSetId, policyType, graphId } },
    include: { payload: true },
  });
  return unescapeStoredJson(item.payload.content) as GraphJson;
}

test('a modified intent and a modified settings-based compliance policy are updated in place, verified, equal to the backup', async () => {
  const restoreId = await planned(stack, {
    tenantId,
    backupSetId,
    mode: 'in_place',
    assignments: 'restore',
    conditionalAccessState: 'report_only',
    selection: {
      items: [
        { policyType: 'endpointSecurityIntents', graphId: INTENT },
        { policyType: 'settingsCompliance', graphId: COMPLIANCE },
      ],
    },
    requestedBy: APPLIED_BY,
  });
  const plan = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(plan.map((item) => [item.sourceGraphId, item.action]).sort()).toEqual(
    [
      [INTENT, 'update'],
      [COMPLIANCE, 'update'],
    ].sort(),
  );

  const result = await appliedRound(stack, restoreId, APPLIED_BY);

  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  for (const item of items)
    expect({ id: item.sourceGraphId, outcome: item.outcome, detail: item.outcomeDetail }).toEqual({
      id: item.sourceGraphId,
      outcome: 'updated',
      detail: null,
    });
  expect(items.every((item) => /^verified/.test(item.verification ?? ''))).toBe(true);
  expect(result).toMatchObject({ status: 'succeeded' });
  for (const [type, id] of [
    ['endpointSecurityIntents', INTENT],
    ['settingsCompliance', COMPLIANCE],
  ] as const) {
    const live = await admin.getObject(AZURE_TENANT, type, id);
    expect(restorableContent(type, live as GraphJson)).toEqual(
      restorableContent(type, await backedUp(type, id)),
    );
  }
  // The actions were the ones sent: one updateSettings, one setScheduledActions, both accepted.
  const writes = await admin.writes(AZURE_TENANT);
  const actions = writes.filter((w) => /\/(updateSettings|setScheduledActions)$/.test(w.path));
  expect(actions.map((w) => [w.path.split('/').pop(), w.status]).sort()).toEqual([
    ['setScheduledActions', 200],
    ['updateSettings', 204],
  ]);
}, 180_000);
