// RestoreRun over a plan made by RestorePlan (both started directly; the API is another part), on
// an emulator tenant with planted settings catalog policies: a deleted policy is created and
// verified with its lineage, a modified one updated in place, one edited again between plan and
// apply is left stale, and a create whose answer was lost (ledger intent, object made) is adopted,
// not posted again. Every collection is paged at 2.
import { markerOf } from '../../src/restore/marker';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { RESTORE_HISTORY_VERSION, recordHistoryIfAsked } from '../support/histories';
import {
  addBackedUpButGone,
  backedUpSet,
  grantedTenant,
  simpleCatalogPolicy,
} from '../support/restoreFixtures';
import { appliedRound, createRestore, runPlan, startApplyRound } from '../support/restoreRounds';
import { eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 2 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '6f2e8b63-28b1-4d66-8b1f-1e8f6c2d1b28';
const UNCHANGED = 'e0000000-0000-4000-8000-000000000001';
const MODIFIED = 'e0000000-0000-4000-8000-000000000002';
const EDITED_AGAIN = 'e0000000-0000-4000-8000-000000000003';
/** Backed up, gone from Graph. */
const DELETED = 'f0000000-0000-4000-8000-000000000001';
/** Backed up, gone; its create's answer is "lost" below. */
const LOST_ANSWER = 'f0000000-0000-4000-8000-000000000002';
const COLLECTION = '/beta/deviceManagement/configurationPolicies';
const APPLIED_BY = 'user:restore-apply-test';

let emulated: EmulatedTenant;
let tenantId: string;
let backupSetId: string;

beforeAll(async () => {
  ({ emulated, tenantId } = await grantedTenant(admin, AZURE_TENANT, [
    'DeviceManagementConfiguration.ReadWrite.All',
  ]));
  for (const [id, name] of [
    [UNCHANGED, 'Restore apply: unchanged'],
    [MODIFIED, 'Restore apply: modified'],
    [EDITED_AGAIN, 'Restore apply: edited again'],
  ] as const)
    await admin.plantPolicy(AZURE_TENANT, simpleCatalogPolicy(id, name));
  backupSetId = await backedUpSet(stack, tenantId, ['settingsCatalog']);
  await addBackedUpButGone(stack, backupSetId, UNCHANGED, [
    [DELETED, 'Restore apply: deleted'],
    [LOST_ANSWER, 'Restore apply: lost answer'],
  ]);
  for (const id of [MODIFIED, EDITED_AGAIN])
    await admin.patchObject(AZURE_TENANT, 'settingsCatalog', id, { description: 'edited after the backup' });
}, 180_000);

async function planRestore(mode: 'in_place' | 'as_copy' = 'in_place') {
  const restore = await createRestore(stack, {
    tenantId,
    backupSetId,
    mode,
    items: [UNCHANGED, MODIFIED, EDITED_AGAIN, DELETED, LOST_ANSWER].map((graphId) => ({
      policyType: 'settingsCatalog',
      graphId,
    })),
    requestedBy: APPLIED_BY,
  });
  await runPlan(stack, restore.id);
  return restore.id;
}

/** What POST …/apply does (the API part): a round, `applying`, the workflow of that round. */
const startApply = (restoreId: string) => startApplyRound(stack, restoreId, APPLIED_BY);
const apply = (restoreId: string) => appliedRound(stack, restoreId, APPLIED_BY);

test('apply: created with lineage, updated in place, stale after a newer edit, noop; a create whose answer was lost is adopted, not posted twice; a second round writes nothing', async () => {
  const restoreId = await planRestore();
  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  const byId = Object.fromEntries(items.map((item) => [item.sourceGraphId, item]));
  expect(Object.fromEntries(items.map((item) => [item.sourceGraphId, item.action]))).toEqual({
    [UNCHANGED]: 'noop',
    [MODIFIED]: 'update',
    [EDITED_AGAIN]: 'update',
    [DELETED]: 'create',
    [LOST_ANSWER]: 'create',
  });
  // Between plan and apply: someone edits again, and a crashed earlier attempt had posted the
  // lost-answer create (its ledger intent and the marked object exist, its id was never recorded).
  await admin.patchObject(AZURE_TENANT, 'settingsCatalog', EDITED_AGAIN, { description: 'a newer edit' });
  const lostItem = byId[LOST_ANSWER]!;
  const marker = markerOf(restoreId, lostItem.id);
  await stack.db.restoreStep.createMany({
    data: [
      { restoreId, itemId: lostItem.id, step: 'precondition', state: 'done' },
      {
        restoreId,
        itemId: lostItem.id,
        step: 'create',
        state: 'intent',
        marker,
        attempts: 1,
        attemptStartedAt: new Date(),
      },
    ],
  });
  const adopted = 'f1000000-0000-4000-8000-000000000002';
  await admin.plantPolicy(
    AZURE_TENANT,
    simpleCatalogPolicy(adopted, 'Restore apply: lost answer', { description: `planted [${marker}]` }),
  );
  const before = await admin.countByPaging(emulated, COLLECTION);

  const result = await apply(restoreId);

  expect(result).toMatchObject({ status: 'partial' });
  const after = await stack.db.restoreItem.findMany({ where: { restoreId } });
  const outcome = Object.fromEntries(after.map((item) => [item.sourceGraphId, item]));
  expect(outcome[UNCHANGED]?.outcome).toBe('noop');
  expect(outcome[EDITED_AGAIN]).toMatchObject({ outcome: 'stale' });
  expect(outcome[MODIFIED]).toMatchObject({
    outcome: 'updated',
    verification: expect.stringMatching(/^verified/),
  });
  expect(outcome[DELETED]).toMatchObject({
    outcome: 'created',
    verification: expect.stringMatching(/^verified/),
  });
  expect(outcome[LOST_ANSWER]).toMatchObject({ outcome: 'created', createdGraphId: adopted });
  const createdId = outcome[DELETED]!.createdGraphId!;
  expect(createdId).not.toBe(DELETED);
  // Exactly one new object: the deleted policy's; the lost answer's object was adopted.
  expect(await admin.countByPaging(emulated, COLLECTION)).toBe(before + 1);
  const created = await admin.getObject(AZURE_TENANT, 'settingsCatalog', createdId);
  expect(created).toMatchObject({ name: 'Restore apply: deleted', description: 'planted' });
  expect(await admin.getObject(AZURE_TENANT, 'settingsCatalog', MODIFIED)).toMatchObject({
    description: 'planted',
  });
  expect(await admin.getObject(AZURE_TENANT, 'settingsCatalog', EDITED_AGAIN)).toMatchObject({
    description: 'a newer edit',
  });
  expect(
    await stack.db.restoreLineage.findMany({
      where: { tenantId, restoreId },
      orderBy: { sourceGraphId: 'asc' },
    }),
  ).toEqual([
    expect.objectContaining({
      policyType: 'settingsCatalog',
      sourceGraphId: DELETED,
      targetGraphId: createdId,
    }),
    expect.objectContaining({
      policyType: 'settingsCatalog',
      sourceGraphId: LOST_ANSWER,
      targetGraphId: adopted,
    }),
  ]);
  // The ledger: every step of the written items done, the create recorded with its target.
  const steps = await stack.db.restoreStep.findMany({ where: { restoreId, itemId: outcome[DELETED]!.id } });
  expect(steps.every((step) => step.state === 'done')).toBe(true);
  expect(steps.find((step) => step.step === 'create')).toMatchObject({
    targetGraphId: createdId,
    attempts: 1,
  });
  // The user is named in the audit rows, and the event is published.
  const audit = await stack.db.auditLog.findMany({ where: { tenantId, action: { startsWith: 'restore.' } } });
  expect(audit.filter((row) => row.action === 'restore.item.written')).toHaveLength(3);
  expect(audit.find((row) => row.action === 'restore.partial')).toMatchObject({
    actor: APPLIED_BY,
    resourceId: restoreId,
  });
  expect(audit.every((row) => row.actor === APPLIED_BY)).toBe(true);
  const event = await stack.db.notificationEvent.findFirst({
    where: { causeKey: `restore:${restoreId}:1:restore.finished` },
  });
  expect(event?.data).toMatchObject({
    status: 'partial',
    outcomes: { created: 2, updated: 1, stale: 1, noop: 1 },
  });
  const row = await stack.db.restore.findUniqueOrThrow({ where: { id: restoreId } });
  expect(row).toMatchObject({ status: 'partial', finishedAt: expect.any(Date) });

  // Round 2 of the same plan: every item has its outcome, nothing is written again.
  const again = await apply(restoreId);
  expect(again).toMatchObject({ status: 'partial' });
  expect(await admin.countByPaging(emulated, COLLECTION)).toBe(before + 1);
}, 180_000);

test('cancel stops between steps with a consistent ledger; re-applying finishes the rest and creates nothing twice', async () => {
  const restoreId = await planRestore('as_copy');
  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(items.every((item) => item.action === 'create')).toBe(true);
  const before = await admin.countByPaging(emulated, COLLECTION);
  // Slow answers, so the cancel arrives while items are in flight.
  await admin.setFaults(AZURE_TENANT, { latencyMs: 300 });
  try {
    const handle = await startApply(restoreId);
    await eventually(() => stack.db.restoreItem.findFirst({ where: { restoreId, outcome: 'created' } }), {
      what: 'a first item created',
    });
    await handle.cancel();
    await expect(handle.result()).resolves.toMatchObject({ status: 'canceled' });
    recordHistoryIfAsked(handle.workflowId, `restoreRun-${RESTORE_HISTORY_VERSION}-canceled`);
  } finally {
    await admin.setFaults(AZURE_TENANT, {});
  }
  const canceled = await stack.db.restore.findUniqueOrThrow({ where: { id: restoreId } });
  expect(canceled.status).toBe('canceled');
  const open = await stack.db.restoreItem.count({ where: { restoreId, outcome: null } });
  expect(open).toBeGreaterThan(0);
  // Every step that was started has its answer recorded: none is left in flight.
  expect(await stack.db.restoreStep.count({ where: { restoreId, state: 'intent' } })).toBe(0);

  await expect(apply(restoreId)).resolves.toMatchObject({ status: 'succeeded' });
  const after = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(after.every((item) => item.outcome === 'created')).toBe(true);
  expect(new Set(after.map((item) => item.createdGraphId)).size).toBe(items.length);
  expect(await admin.countByPaging(emulated, COLLECTION)).toBe(before + items.length);
  const creates = await stack.db.restoreStep.findMany({ where: { restoreId, step: 'create' } });
  expect(creates.map((step) => step.attempts)).toEqual(items.map(() => 1));
}, 180_000);

test('answers of writes lost after Graph performed them (503, 504, reset) create no duplicate: the create is found by its marker', async () => {
  const restoreId = await planRestore('as_copy');
  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  const before = await admin.countByPaging(emulated, COLLECTION);
  const logged = (await admin.writes(AZURE_TENANT)).length;
  // Created objects show in lists a second late, as Graph's do: one look is not enough.
  await admin.setFaults(AZURE_TENANT, { dropWriteResponses: { rate: 0.5 }, createVisibilityDelayMs: 1_000 });
  try {
    await expect(apply(restoreId)).resolves.toMatchObject({ status: 'succeeded' });
  } finally {
    await admin.setFaults(AZURE_TENANT, {});
  }
  const writes = (await admin.writes(AZURE_TENANT)).slice(logged);
  const creates = writes.filter((write) => write.method === 'POST' && write.path.startsWith(COLLECTION));
  expect(creates.some((write) => write.dropped !== undefined)).toBe(true);
  expect(await admin.countByPaging(emulated, COLLECTION)).toBe(before + items.length);
  const after = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(new Set(after.map((item) => item.createdGraphId)).size).toBe(items.length);
}, 180_000);

test("Graph's write throttling is honoured: its 429s are waited out (Retry-After), never hammered, and the restore completes", async () => {
  const restoreId = await planRestore('as_copy');
  const items = await stack.db.restoreItem.findMany({ where: { restoreId } });
  const logged = (await admin.writes(AZURE_TENANT)).length;
  // A far lower limit than Graph's, so the pacing (at Graph's) meets 429s within seconds.
  await admin.setFaults(AZURE_TENANT, { writeLimits: { intune: { requests: 3, windowMs: 2_000 } } });
  try {
    await expect(apply(restoreId)).resolves.toMatchObject({ status: 'succeeded' });
  } finally {
    await admin.setFaults(AZURE_TENANT, {});
  }
  const writes = (await admin.writes(AZURE_TENANT)).slice(logged);
  const throttled = writes.filter((write) => write.status === 429);
  const accepted = writes.filter((write) => write.status !== 429);
  expect(throttled.length).toBeGreaterThan(0);
  // Resending at once would meet a 429 for nearly every try while the window is full (21 429s
  // for 10 writes without the pause, 12-13 when writers that had taken a slot before a 429 still
  // sent). A 429 pauses every writer of the family, those already waiting for a slot included.
  expect(throttled.length).toBeLessThanOrEqual(accepted.length);
  const after = await stack.db.restoreItem.findMany({ where: { restoreId } });
  expect(new Set(after.map((item) => item.createdGraphId)).size).toBe(items.length);
}, 180_000);
