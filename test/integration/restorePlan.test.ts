// RestorePlan started directly (the API route is another part) on restores inserted here, over a
// real backup of an emulator tenant with planted settings catalog policies, then changed as an
// admin would change them. Every collection is paged at 2, so the live inventory spans pages.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createRestoreActivities } from '../../src/activities';
import { GraphClientFactory } from '../../src/graph';
import { writePermissionsOf } from '../../src/restore/recipes';
import type { RestoreMode } from '../../src/restore/types';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import {
  addBackedUpButGone,
  backedUpSet,
  grantedTenant,
  simpleCatalogPolicy,
} from '../support/restoreFixtures';
import { createRestore, runPlan } from '../support/restoreRounds';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 2 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '5e1d7a52-17a0-4c55-9a0e-0d7e5b1c0a17';
const DUPLICATE_A = 'a0000000-0000-4000-8000-000000000001';
const UNCHANGED = 'a0000000-0000-4000-8000-000000000002';
const MODIFIED = 'a0000000-0000-4000-8000-000000000003';
const GROUP_GONE = 'a0000000-0000-4000-8000-000000000004';
const DUPLICATE_B = 'a0000000-0000-4000-8000-000000000005';
const LATE_PAGE = 'a0000000-0000-4000-8000-000000000006';
/** Backed up, then gone from Graph: the set holds them, the tenant does not. */
const DELETED = 'b0000000-0000-4000-8000-000000000001';
const DELETED_DUPLICATE = 'b0000000-0000-4000-8000-000000000002';
const NEVER_BACKED_UP = 'c0000000-0000-4000-8000-000000000001';
const DELETED_GROUP = 'd0000000-0000-4000-8000-000000000001';

function catalogPolicy(id: string, name: string, assignments: Record<string, unknown>[] = []) {
  return simpleCatalogPolicy(id, name, { assignments });
}

interface Planned {
  backupSetId: string;
  tenantId: string;
}
let planned: Planned;

beforeAll(async () => {
  // Restore is opted into with write permissions; without them every item is blocked (below).
  const { emulated, tenantId } = await grantedTenant(
    admin,
    AZURE_TENANT,
    writePermissionsOf('settingsCatalog'),
  );
  // Planted in listing order: the duplicates on the first and third page, the unchanged and
  // late-page objects on later pages, where a listing that reads one page would not see them.
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(DUPLICATE_A, 'Restore plan: same name'));
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(UNCHANGED, 'Restore plan: unchanged'));
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(MODIFIED, 'Restore plan: modified'));
  await admin.plantPolicy(
    emulated.azureTenantId,
    catalogPolicy(GROUP_GONE, 'Restore plan: deleted group', [
      {
        id: randomUUID(),
        target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: DELETED_GROUP },
      },
    ]),
  );
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(DUPLICATE_B, 'Restore plan: same name'));
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(LATE_PAGE, 'Restore plan: late page'));
  const backupSetId = await backedUpSet(stack, tenantId, ['settingsCatalog']);
  // Two objects the set holds that Graph no longer has: one deleted, one whose name two live objects share.
  await addBackedUpButGone(stack, backupSetId, UNCHANGED, [
    [DELETED, 'Restore plan: deleted'],
    [DELETED_DUPLICATE, 'Restore plan: same name'],
  ]);
  // An admin's edits after the backup: a noop writes nothing, so the deleted group blocks only
  // an object that needs a write.
  for (const id of [MODIFIED, GROUP_GONE])
    await admin.patchObject(emulated.azureTenantId, 'settingsCatalog', id, {
      description: 'edited after the backup',
    });
  planned = { backupSetId, tenantId };
}, 180_000);

const SELECTED = [
  DUPLICATE_A,
  UNCHANGED,
  MODIFIED,
  GROUP_GONE,
  LATE_PAGE,
  DELETED,
  DELETED_DUPLICATE,
  NEVER_BACKED_UP,
];

function selectedRestore(mode: RestoreMode, target: Planned = planned) {
  return createRestore(stack, {
    ...target,
    mode,
    items: SELECTED.map((graphId) => ({ policyType: 'settingsCatalog', graphId })),
    requestedBy: 'user:restore-plan-test',
  });
}

async function plan(mode: RestoreMode, target: Planned = planned) {
  const restore = await selectedRestore(mode, target);
  const result = await runPlan(stack, restore.id);
  const row = await stack.db.restore.findUniqueOrThrow({ where: { id: restore.id } });
  const items = await stack.db.restoreItem.findMany({
    where: { restoreId: restore.id },
    orderBy: { position: 'asc' },
  });
  const byId = Object.fromEntries(items.map((item) => [item.sourceGraphId, item]));
  return { result, row, items, byId };
}

test('in place: noop, update with its leaf change, create, blocked for a deleted group, an ambiguous name and an object not in the set; every item has a precondition', async () => {
  const { result, row, items, byId } = await plan('in_place');
  expect(row.error).toBeNull();
  expect(row.status).toBe('planned');
  expect(result).toMatchObject({ status: 'planned', items: SELECTED.length });
  const actions = Object.fromEntries(
    items.map((item) => [item.sourceGraphId, [item.action, item.blockedReason]]),
  );
  expect(actions).toEqual({
    [DUPLICATE_A]: ['noop', null],
    [UNCHANGED]: ['noop', null],
    [LATE_PAGE]: ['noop', null],
    [MODIFIED]: ['update', null],
    [GROUP_GONE]: ['blocked', 'missing_reference'],
    [DELETED]: ['create', null],
    [DELETED_DUPLICATE]: ['blocked', 'ambiguous_match'],
    [NEVER_BACKED_UP]: ['blocked', 'not_in_backup'],
  });
  expect(byId[MODIFIED]?.targetGraphId).toBe(MODIFIED);
  expect(byId[MODIFIED]?.changes).toEqual([
    expect.objectContaining({
      op: 'replace',
      path: expect.stringContaining('description'),
      before: 'edited after the backup',
      after: 'planted',
    }),
  ]);
  expect(byId[GROUP_GONE]?.blockedDetail).toContain(DELETED_GROUP);
  // Live objects by hash and modification time; gone ones as absent.
  for (const id of [DUPLICATE_A, UNCHANGED, MODIFIED, GROUP_GONE, LATE_PAGE])
    expect(byId[id]?.precondition).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      lastModifiedDateTime: expect.any(String),
    });
  expect(byId[DELETED]?.precondition).toEqual({ absent: true });
  // An unchanged object's live hash is the hash its backup stored.
  expect(byId[UNCHANGED]?.precondition).toMatchObject({ hash: byId[UNCHANGED]?.payloadHash });
  expect(row.counts).toEqual({ update: 1, create: 1, noop: 3, blocked: 3 });
  expect(items.map((item) => item.position)).toEqual(items.map((_, index) => index));
  expect(row.planHash).toMatch(/^[0-9a-f]{64}$/);
}, 120_000);

test('missing only: a present object is left alone (noop), a deleted one created; as copy: every backed-up object is created', async () => {
  const missingOnly = await plan('missing_only');
  expect(missingOnly.row.status).toBe('planned');
  expect(missingOnly.byId[MODIFIED]?.action).toBe('noop');
  expect(missingOnly.byId[DELETED]?.action).toBe('create');
  const asCopy = await plan('as_copy');
  expect(asCopy.row.status).toBe('planned');
  for (const id of [UNCHANGED, MODIFIED, DELETED, DELETED_DUPLICATE, LATE_PAGE])
    expect(asCopy.byId[id]?.action).toBe('create');
}, 120_000);

test('a plan started again for a planned restore changes nothing: items are not duplicated, the hash stays', async () => {
  const { row, items } = await plan('in_place');
  const again = await runPlan(stack, row.id);
  expect(again).toMatchObject({ status: 'planned' });
  const after = await stack.db.restore.findUniqueOrThrow({ where: { id: row.id } });
  expect(after.planHash).toBe(row.planHash);
  expect(await stack.db.restoreItem.count({ where: { restoreId: row.id } })).toBe(items.length);
}, 120_000);

test('a retried type activity replaces its items: none duplicated, no unique-key failure', async () => {
  const restore = await selectedRestore('in_place');
  const graph = new GraphClientFactory({
    trustedCaPem: stack.emulator.caPem,
    endpointAllowlist: stack.graphEndpoints,
  });
  try {
    const activities = createRestoreActivities({
      db: stack.db,
      graph,
      logger: pino({ level: 'silent' }),
      secrets: stack.secrets,
    });
    const env = new MockActivityEnvironment();
    const input = { restoreId: restore.id, type: 'settingsCatalog' };
    expect(await env.run(activities.planRestoreType, input)).toEqual({ items: SELECTED.length });
    expect(await env.run(activities.planRestoreType, input)).toEqual({ items: SELECTED.length });
    expect(await stack.db.restoreItem.count({ where: { restoreId: restore.id } })).toBe(SELECTED.length);
    expect(await env.run(activities.finishRestorePlan, { restoreId: restore.id })).toEqual({
      status: 'planned',
    });
  } finally {
    await graph.close();
  }
}, 120_000);

test("an app whose token lacks the type's write permission: every item that would write is blocked permission_missing", async () => {
  // A tenant of its own: the worker's cached token of the first one keeps its roles until expiry.
  const { emulated, tenantId } = await grantedTenant(admin, '7a3c9d74-39c2-4e77-9c20-2f9a7d3e2c39', []);
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(MODIFIED, 'Restore plan: read only'));
  await admin.plantPolicy(
    emulated.azureTenantId,
    catalogPolicy(UNCHANGED, 'Restore plan: read only, unchanged'),
  );
  const backupSetId = await backedUpSet(stack, tenantId, ['settingsCatalog']);
  await admin.patchObject(emulated.azureTenantId, 'settingsCatalog', MODIFIED, { description: 'edited' });
  const { row, byId } = await plan('in_place', { tenantId, backupSetId });
  expect(row.status).toBe('planned');
  expect(byId[MODIFIED]).toMatchObject({ action: 'blocked', blockedReason: 'permission_missing' });
  expect(byId[MODIFIED]?.blockedDetail).toContain('DeviceManagementConfiguration.ReadWrite.All');
  expect(byId[MODIFIED]?.precondition).toMatchObject({ hash: expect.any(String) });
  // Nothing to write, nothing to block.
  expect(byId[UNCHANGED]?.action).toBe('noop');
}, 180_000);

test('a restore whose backup set does not exist ends plan_failed and says why', async () => {
  const restore = await createRestore(stack, {
    tenantId: planned.tenantId,
    backupSetId: randomUUID(),
    mode: 'in_place',
    requestedBy: 'user:restore-plan-test',
  });
  const result = await runPlan(stack, restore.id);
  expect(result).toMatchObject({ status: 'plan_failed' });
  const row = await stack.db.restore.findUniqueOrThrow({ where: { id: restore.id } });
  expect(row).toMatchObject({ status: 'plan_failed', error: expect.stringContaining('does not exist') });
}, 60_000);
