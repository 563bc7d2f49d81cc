// Adversarial checks of restore apply on the real stack: a worker process SIGKILLed while its
// creates' answers are lost (ledger intent, objects made) and a new worker finishing the same run,
// and markerless creates (named locations, found by name and creation time) that share a name.
// Either way every item must end with an object of its own and no object may be made twice.
import { randomUUID } from 'node:crypto';
import type { PolicyTypeKey } from '../../src/graph/policyTypes';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { backedUpSet, grantedTenant, simpleCatalogPolicy } from '../support/restoreFixtures';
import { appliedRound, createRestore, runPlan, startApplyRound } from '../support/restoreRounds';
import { eventually, type TestStack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 2 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
});

const AZURE_TENANT = '3c9a1f0e-7d2b-4e8a-9b1c-5a7e2d4f6b80';
const CATALOG = [
  'a5000000-0000-4000-8000-000000000001',
  'a5000000-0000-4000-8000-000000000002',
  'a5000000-0000-4000-8000-000000000003',
];
/** Two named locations with one name: Graph does not make names unique. */
const LOCATIONS = ['b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002'];
const TEMPLATE = 'c5000000-0000-4000-8000-000000000001';
const CATALOG_PATH = '/beta/deviceManagement/configurationPolicies';
const LOCATION_PATH = '/beta/identity/conditionalAccess/namedLocations';
const TEMPLATE_PATH = '/beta/deviceManagement/notificationMessageTemplates';
const APPLIED_BY = 'user:restore-safety-test';

let emulated: EmulatedTenant;
let tenantId: string;
let backupSetId: string;

function namedLocation(id: string, cidr: string) {
  return {
    type: 'namedLocations' as const,
    object: {
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      id,
      displayName: 'Restore safety: office',
      isTrusted: false,
      ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: cidr }],
      createdDateTime: '2026-01-01T10:00:00Z',
      modifiedDateTime: '2026-01-01T10:00:00Z',
    },
  };
}

beforeAll(async () => {
  ({ emulated, tenantId } = await grantedTenant(admin, AZURE_TENANT, [
    'DeviceManagementConfiguration.ReadWrite.All',
    'Policy.ReadWrite.ConditionalAccess',
  ]));
  for (const [index, id] of CATALOG.entries())
    await admin.plantPolicy(AZURE_TENANT, simpleCatalogPolicy(id, `Restore safety: catalog ${index}`));
  await admin.plantPolicy(AZURE_TENANT, namedLocation(LOCATIONS[0]!, '10.1.0.0/16'));
  await admin.plantPolicy(AZURE_TENANT, namedLocation(LOCATIONS[1]!, '10.2.0.0/16'));
  await admin.plantPolicy(AZURE_TENANT, {
    type: 'notificationTemplates',
    object: {
      id: TEMPLATE,
      displayName: 'Restore safety: non-compliance email',
      description: 'planted',
      defaultLocale: 'en-us',
      brandingOptions: 'includeCompanyLogo',
      roleScopeTagIds: ['0'],
      lastModifiedDateTime: '2026-01-01T10:00:00Z',
    },
  });
  backupSetId = await backedUpSet(stack, tenantId, [
    'settingsCatalog',
    'namedLocations',
    'notificationTemplates',
  ]);
}, 180_000);

/** A plan of copies of the given objects (as_copy: every item is a create), made by RestorePlan. */
async function planCopies(policyType: PolicyTypeKey, graphIds: string[]): Promise<string> {
  const restoreId = await plan('as_copy', policyType, graphIds);
  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(items.map((item) => item.action)).toEqual(graphIds.map(() => 'create'));
  return restoreId;
}

function planInPlace(policyType: PolicyTypeKey, graphIds: string[]): Promise<string> {
  return plan('in_place', policyType, graphIds);
}

async function plan(mode: 'as_copy' | 'in_place', policyType: PolicyTypeKey, graphIds: string[]) {
  const items = graphIds.map((graphId) => ({ policyType, graphId }));
  const restore = await createRestore(stack, { tenantId, backupSetId, mode, items, requestedBy: APPLIED_BY });
  await runPlan(stack, restore.id);
  return restore.id;
}

/** What POST …/apply does: a round, `applying`, that round's RestoreRun on the queue's restore queue. */
const startApply = (restoreId: string, queue?: string) =>
  startApplyRound(stack, restoreId, APPLIED_BY, queue);
const apply = (restoreId: string) => appliedRound(stack, restoreId, APPLIED_BY);

async function postsTo(path: string, since: number) {
  return (await admin.writes(AZURE_TENANT))
    .slice(since)
    .filter((write) => write.method === 'POST' && write.path.startsWith(path));
}

test('a worker SIGKILLed after its creates reached Graph but before their ids were recorded: a new worker finishes the run, and a second round, without a duplicate', async () => {
  const taskQueue = `restore-crash-${randomUUID()}`;
  const restoreId = await planCopies('settingsCatalog', CATALOG);
  const before = await admin.countByPaging(emulated, CATALOG_PATH);
  const logged = (await admin.writes(AZURE_TENANT)).length;
  // Every create is performed and its answer lost, and the objects stay unlisted for a while:
  // the first worker is looking for them (ledger intent, no id) when it dies.
  await admin.setFaults(AZURE_TENANT, {
    dropWriteResponses: { next: 1_000 },
    createVisibilityDelayMs: 20_000,
  });
  const first = await startWorkerProcess({ taskQueue, emulator: stack.emulator });
  workers.push(first);
  const handle = await startApply(restoreId, taskQueue);
  await eventually(async () => (await postsTo(CATALOG_PATH, logged)).length >= 2, {
    what: 'creates performed with their answers lost',
    intervalMs: 50,
    timeoutMs: 60_000,
  });
  expect(
    await stack.db.restoreStep.count({ where: { restoreId, step: 'create', state: 'intent' } }),
  ).toBeGreaterThan(0);
  await first.kill('SIGKILL');
  await admin.setFaults(AZURE_TENANT, {});

  workers.push(await startWorkerProcess({ taskQueue, emulator: stack.emulator }));
  await expect(handle.result()).resolves.toMatchObject({ status: 'succeeded' });

  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(items.map((item) => item.outcome)).toEqual(CATALOG.map(() => 'created'));
  expect(new Set(items.map((item) => item.createdGraphId)).size).toBe(CATALOG.length);
  expect(await admin.countByPaging(emulated, CATALOG_PATH)).toBe(before + CATALOG.length);
  expect(await postsTo(CATALOG_PATH, logged)).toHaveLength(CATALOG.length);
  // Copies, not re-creations: no lineage (a later restore of the sources must not take a copy for them).
  expect(await stack.db.restoreLineage.count({ where: { restoreId } })).toBe(0);

  // A re-apply of the same plan on the new worker writes nothing.
  await expect((await startApply(restoreId, taskQueue)).result()).resolves.toMatchObject({
    status: 'succeeded',
  });
  expect(await postsTo(CATALOG_PATH, logged)).toHaveLength(CATALOG.length);
}, 300_000);

test("two markerless creates of one name whose answers were lost each adopt their own object, not the other item's", async () => {
  const restoreId = await planCopies('namedLocations', LOCATIONS);
  const before = await admin.countByPaging(emulated, LOCATION_PATH);
  const logged = (await admin.writes(AZURE_TENANT)).length;
  await admin.setFaults(AZURE_TENANT, { dropWriteResponses: { next: 2 } });
  try {
    await expect(apply(restoreId)).resolves.toMatchObject({ status: 'succeeded' });
  } finally {
    await admin.setFaults(AZURE_TENANT, {});
  }
  const posts = await postsTo(LOCATION_PATH, logged);
  expect(posts.filter((write) => write.dropped !== undefined)).toHaveLength(2);
  expect(await admin.countByPaging(emulated, LOCATION_PATH)).toBe(before + LOCATIONS.length);
  const items = await stack.db.restoreItem.findMany({ where: { restoreId }, orderBy: { position: 'asc' } });
  // Each item claims a different object, and the one that holds its own ranges.
  expect(new Set(items.map((item) => item.createdGraphId)).size).toBe(LOCATIONS.length);
  for (const item of items) {
    const created = await admin.getObject(AZURE_TENANT, 'namedLocations', item.createdGraphId!);
    const source = await admin.getObject(AZURE_TENANT, 'namedLocations', item.sourceGraphId);
    expect(created.ipRanges).toEqual(source.ipRanges);
  }
}, 180_000);

test('a notification template create whose answer was lost is found again, though Graph gives templates no createdDateTime', async () => {
  const restoreId = await planCopies('notificationTemplates', [TEMPLATE]);
  const before = await admin.countByPaging(emulated, TEMPLATE_PATH);
  const logged = (await admin.writes(AZURE_TENANT)).length;
  await admin.setFaults(AZURE_TENANT, { dropWriteResponses: { next: 1 } });
  try {
    await expect(apply(restoreId)).resolves.toMatchObject({ status: 'succeeded' });
  } finally {
    await admin.setFaults(AZURE_TENANT, {});
  }
  const posts = await postsTo(TEMPLATE_PATH, logged);
  expect(posts[0]?.dropped).toBeDefined();
  // One POST, one new template: the lost answer's object was adopted, not posted again.
  expect(posts.filter((write) => !write.path.includes('/localizedNotificationMessages'))).toHaveLength(1);
  expect(await admin.countByPaging(emulated, TEMPLATE_PATH)).toBe(before + 1);
}, 180_000);

test('a precondition checked in an earlier round is checked again: an edit made between a canceled round and the re-apply is not overwritten', async () => {
  const target = CATALOG[0]!;
  await admin.patchObject(AZURE_TENANT, 'settingsCatalog', target, {
    description: 'edited after the backup',
  });
  const restoreId = await planInPlace('settingsCatalog', [target]);
  const [item] = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(item?.action).toBe('update');
  // Round 1 was canceled right after the item's precondition step (a cancel lands between steps):
  // its ledger row and the round are what that round leaves.
  await stack.db.restore.update({ where: { id: restoreId }, data: { status: 'canceled', applyRounds: 1 } });
  await stack.db.restoreStep.create({
    data: { restoreId, itemId: item!.id, step: 'precondition', state: 'done', result: { ok: true } },
  });
  // Days later someone edits the policy, then the plan is applied again.
  await admin.patchObject(AZURE_TENANT, 'settingsCatalog', target, { description: 'a newer edit' });

  await expect(apply(restoreId)).resolves.toMatchObject({ status: 'partial' });

  expect(await stack.db.restoreItem.findUniqueOrThrow({ where: { id: item!.id } })).toMatchObject({
    outcome: 'stale',
  });
  expect(await admin.getObject(AZURE_TENANT, 'settingsCatalog', target)).toMatchObject({
    description: 'a newer edit',
  });
}, 180_000);
