// Review of issue 17 (restore) as an MSP or API client meets it, on one shared stack with the
// emulator: a plan canceled from Temporal (UI, CLI or the API's cancel) is recorded on the restore,
// not left `planning` for ever; an apply round that is no longer the restore's current one (started
// late, after the API recorded its cancel and a new round began) writes and finishes nothing; a copy
// (as_copy) is no re-creation of its source, so a later missing_only restore still re-creates it.
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import {
  addBackedUpButGone,
  backedUpSet,
  grantedTenant,
  simpleCatalogPolicy,
} from '../support/restoreFixtures';
import { appliedRound, createRestore, runPlan, startPlan, startRound } from '../support/restoreRounds';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 2 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '7a3f9c74-39c2-4e77-9c20-2f9a7d3e2c39';
const POLICY = '17000000-0000-4000-8000-000000000001';
/** Backed up, gone from Graph. */
const DELETED = '17000000-0000-4000-8000-0000000000d1';

let tenantId: string;
let backupSetId: string;

beforeAll(async () => {
  ({ tenantId } = await grantedTenant(admin, AZURE_TENANT, ['DeviceManagementConfiguration.ReadWrite.All']));
  await admin.plantPolicy(AZURE_TENANT, simpleCatalogPolicy(POLICY, 'Restore review: planted'));
  backupSetId = await backedUpSet(stack, tenantId, ['settingsCatalog']);
  await addBackedUpButGone(stack, backupSetId, POLICY, [[DELETED, 'Restore review: deleted']]);
}, 180_000);

function newRestore(mode: 'in_place' | 'missing_only' | 'as_copy' = 'in_place', graphIds?: string[]) {
  const items = graphIds?.map((graphId) => ({ policyType: 'settingsCatalog', graphId }));
  return createRestore(stack, { tenantId, backupSetId, mode, items, requestedBy: 'user:restore-review' });
}

async function planned(restoreId: string) {
  await runPlan(stack, restoreId);
  return stack.db.restoreItem.findMany({ where: { restoreId } });
}

test('a plan canceled in Temporal ends plan_failed on the restore, not planning for ever', async () => {
  const restore = await newRestore();
  // Slow Graph answers: the cancel lands while the type is being planned.
  await admin.setFaults(AZURE_TENANT, { latencyMs: 1_000 });
  try {
    const handle = await startPlan(stack, restore.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await handle.cancel();
    await handle.result().catch(() => undefined);
  } finally {
    await admin.setFaults(AZURE_TENANT, {});
  }
  const row = await stack.db.restore.findUniqueOrThrow({ where: { id: restore.id } });
  expect(row.status).toBe('plan_failed');
  expect(row.error).toMatch(/cancel/i);
  expect(row.finishedAt).not.toBeNull();
}, 120_000);

test("a stale apply round (not the restore's current one) writes and finishes nothing", async () => {
  const restore = await newRestore();
  await runPlan(stack, restore.id);
  // As the API leaves it: round 1 recorded canceled (its workflow not yet known), round 2 applying.
  await stack.db.restore.update({
    where: { id: restore.id },
    data: { status: 'applying', applyRounds: 2, appliedBy: 'user:restore-review' },
  });
  // Round 1's start arrives late.
  await (await startRound(stack, restore.id, 1)).result();
  const row = await stack.db.restore.findUniqueOrThrow({ where: { id: restore.id } });
  expect(row.status).toBe('applying');
  expect(await stack.db.restoreItem.count({ where: { restoreId: restore.id, outcome: { not: null } } })).toBe(
    0,
  );
}, 120_000);

test('a copy is not linked as its source re-created: missing_only still re-creates the deleted source', async () => {
  const copy = await newRestore('as_copy', [DELETED]);
  expect((await planned(copy.id)).map((item) => item.action)).toEqual(['create']);
  await appliedRound(stack, copy.id, 'user:restore-review');
  const [made] = await stack.db.restoreItem.findMany({ where: { restoreId: copy.id } });
  expect(made?.outcome).toBe('created');
  // The source is still gone: a copy beside it does not make it present.
  const missing = await newRestore('missing_only', [DELETED]);
  expect((await planned(missing.id)).map((item) => [item.action, item.targetGraphId])).toEqual([
    ['create', null],
  ]);
}, 180_000);
