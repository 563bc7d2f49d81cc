// Review (issue 17): the plan reads the settings catalog templates its items were made from and
// blocks what Graph would refuse from a template that is no longer usable; and a type the app
// may not read blocks its own items (permission_missing) instead of failing the whole plan.
import { configurationPolicyTemplateIdAt } from '../../src/emulator/pools/configurationPolicyTemplates';
import { writePermissionsOf } from '../../src/restore/recipes';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import {
  addBackedUpButGone,
  backedUpSet,
  grantedTenant,
  simpleCatalogPolicy,
  windowsFilter,
} from '../support/restoreFixtures';
import { createRestore, runPlan } from '../support/restoreRounds';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const RETIRED_TEMPLATE = configurationPolicyTemplateIdAt(0);
const ACTIVE_TEMPLATE = configurationPolicyTemplateIdAt(1);
/** Live, from the template retired after the backup, edited since: an update (a PUT). */
const RETIRED_LIVE = 'e1000000-0000-4000-8000-000000000001';
const ACTIVE_LIVE = 'e1000000-0000-4000-8000-000000000002';
const UNTEMPLATED_LIVE = 'e1000000-0000-4000-8000-000000000003';
/** Backed up, gone from Graph: creates, from each template and from none. */
const RETIRED_GONE = 'e2000000-0000-4000-8000-000000000001';
const ACTIVE_GONE = 'e2000000-0000-4000-8000-000000000002';
const UNTEMPLATED_GONE = 'e2000000-0000-4000-8000-000000000003';
const FILTER = 'e3000000-0000-4000-8000-000000000001';

function templatedPolicy(id: string, name: string, templateId: string) {
  const policy = simpleCatalogPolicy(id, name);
  const templateReference = {
    templateId,
    templateFamily: 'none',
    templateDisplayName: null,
    templateDisplayVersion: null,
  };
  return { ...policy, object: { ...policy.object, templateReference } };
}

async function backedUpTenant(azureTenantId: string, types: ('settingsCatalog' | 'assignmentFilters')[]) {
  const { emulated, tenantId } = await grantedTenant(
    admin,
    azureTenantId,
    writePermissionsOf('settingsCatalog'),
  );
  await admin.plantPolicy(
    emulated.azureTenantId,
    templatedPolicy(RETIRED_LIVE, 'Tpl: retired', RETIRED_TEMPLATE),
  );
  await admin.plantPolicy(
    emulated.azureTenantId,
    templatedPolicy(ACTIVE_LIVE, 'Tpl: active', ACTIVE_TEMPLATE),
  );
  await admin.plantPolicy(emulated.azureTenantId, templatedPolicy(UNTEMPLATED_LIVE, 'Tpl: none', ''));
  await admin.plantPolicy(emulated.azureTenantId, windowsFilter(FILTER, 'Tpl: filter'));
  const backupSetId = await backedUpSet(stack, tenantId, types);
  await addBackedUpButGone(stack, backupSetId, RETIRED_LIVE, [[RETIRED_GONE, 'Tpl: retired, gone']]);
  await addBackedUpButGone(stack, backupSetId, ACTIVE_LIVE, [[ACTIVE_GONE, 'Tpl: active, gone']]);
  await addBackedUpButGone(stack, backupSetId, UNTEMPLATED_LIVE, [[UNTEMPLATED_GONE, 'Tpl: none, gone']]);
  for (const id of [RETIRED_LIVE, ACTIVE_LIVE])
    await admin.patchObject(emulated.azureTenantId, 'settingsCatalog', id, { description: 'edited' });
  return { emulated, tenantId, backupSetId };
}

async function plan(tenantId: string, backupSetId: string, items: { policyType: string; graphId: string }[]) {
  const restore = await createRestore(stack, {
    tenantId,
    backupSetId,
    mode: 'in_place',
    items,
    requestedBy: 'user:restore-plan-templates-test',
  });
  const result = await runPlan(stack, restore.id);
  const row = await stack.db.restore.findUniqueOrThrow({ where: { id: restore.id } });
  const rows = await stack.db.restoreItem.findMany({ where: { restoreId: restore.id } });
  return { result, row, byId: Object.fromEntries(rows.map((item) => [item.sourceGraphId, item])) };
}

const CATALOG_ITEMS = [RETIRED_LIVE, ACTIVE_LIVE, RETIRED_GONE, ACTIVE_GONE, UNTEMPLATED_GONE].map(
  (graphId) => ({ policyType: 'settingsCatalog', graphId }),
);

test('a template retired since the backup: its create is blocked create_refused and its update type_refused, naming the template and its state; other templates and none are planned', async () => {
  const { emulated, tenantId, backupSetId } = await backedUpTenant('6b1f0c3e-8d2a-4f51-9e47-3c0a5d7b9e11', [
    'settingsCatalog',
  ]);
  await admin.setTemplateLifecycle(emulated.azureTenantId, RETIRED_TEMPLATE, 'retired');
  const { row, byId } = await plan(tenantId, backupSetId, CATALOG_ITEMS);
  expect(row.status).toBe('planned');
  expect(byId[RETIRED_GONE]).toMatchObject({ action: 'blocked', blockedReason: 'create_refused' });
  expect(byId[RETIRED_GONE]?.blockedDetail).toContain(`${RETIRED_TEMPLATE} is retired`);
  expect(byId[RETIRED_LIVE]).toMatchObject({ action: 'blocked', blockedReason: 'type_refused' });
  expect(byId[RETIRED_LIVE]?.blockedDetail).toContain(`${RETIRED_TEMPLATE} is retired`);
  expect(byId[ACTIVE_GONE]?.action).toBe('create');
  expect(byId[UNTEMPLATED_GONE]?.action).toBe('create');
  expect(byId[ACTIVE_LIVE]?.action).toBe('update');
  // A superseded version still takes writes: the same items are planned again.
  await admin.setTemplateLifecycle(emulated.azureTenantId, RETIRED_TEMPLATE, 'superseded');
  const again = await plan(tenantId, backupSetId, CATALOG_ITEMS);
  expect(again.byId[RETIRED_GONE]?.action).toBe('create');
  expect(again.byId[RETIRED_LIVE]?.action).toBe('update');
}, 180_000);

test('a type the app may not read: its items are blocked permission_missing naming the read permission, the other types are planned', async () => {
  const { emulated, tenantId, backupSetId } = await backedUpTenant('7c2e1d4f-9e3b-4a62-8f58-4d1b6e8c0f22', [
    'settingsCatalog',
    'assignmentFilters',
  ]);
  await admin.setFaults(emulated.azureTenantId, { forbiddenTypes: ['assignmentFilters'] });
  const { result, row, byId } = await plan(tenantId, backupSetId, [
    ...CATALOG_ITEMS,
    { policyType: 'assignmentFilters', graphId: FILTER },
  ]);
  expect(result).toMatchObject({ status: 'planned' });
  expect(row).toMatchObject({ status: 'planned', error: null });
  expect(byId[FILTER]).toMatchObject({ action: 'blocked', blockedReason: 'permission_missing' });
  expect(byId[FILTER]?.blockedDetail).toContain('DeviceManagementConfiguration.Read.All');
  expect(byId[FILTER]?.blockedDetail).toContain('403');
  expect(byId[ACTIVE_GONE]?.action).toBe('create');
  expect(byId[ACTIVE_LIVE]?.action).toBe('update');
}, 180_000);
