// Restore end to end (issue 17 point 5), through the HTTP API as a client drives it: an owner
// enables restore, a manager plans (POST …/restores, poll until planned), applies (POST …/apply,
// poll until finished) and reads the items; the real BackupRun backs up before and after, the
// RestorePlan and RestoreRun workflows run on the stack's worker against the Graph emulator.
// One generated tenant (fixed id, so the same objects every run) with every type, one backup.
// Endpoint security intents are writable but Graph no longer creates them (MC955748): a deleted
// one cannot come back, so none is deleted here (the plan blocks it create_refused).
import { POLICY_TYPE_KEYS, POLICY_TYPES, type PolicyTypeKey, unescapeStoredJson } from '../../src/graph';
import { restorableContent } from '../../src/restore/content';
import {
  collectionOf,
  isWritableType,
  objectRefusalOf,
  restoreOrder,
  WRITE_RECIPES,
  writePermissionsOf,
} from '../../src/restore/recipes';
import type { GraphJson } from '../../src/restore/types';
import { restorePlanWorkflowId, restoreRunWorkflowId } from '../../src/shared/constants';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { RESTORE_HISTORY_VERSION, recordHistoryIfAsked } from '../support/histories';
import {
  enabledCaPolicy,
  grantedTenant,
  scopeTag,
  simpleCatalogPolicy,
  windowsFilter,
} from '../support/restoreFixtures';
import { createSchedule, runToCompletion } from '../support/runs';
import { eventually, type TestStack, type TestUser } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '7a3f9c74-39c2-4e77-9c2a-2f9a7d3e2c39';
const CA_REPORT_ONLY = 'c0000000-0000-4000-8000-000000000001';
const CA_AS_BACKED_UP = 'c0000000-0000-4000-8000-000000000002';
const CATALOG_MODIFIED = 'c0000000-0000-4000-8000-000000000003';
const CATALOG_UNCHANGED = 'c0000000-0000-4000-8000-000000000004';
/** A filter and a scope tag nothing points at (every generated one is in use). */
const FILTER = 'c0000000-0000-4000-8000-000000000005';
const SCOPE_TAG = '917';
const WRITABLE = POLICY_TYPE_KEYS.filter(isWritableType);

type Json = Record<string, unknown>;
interface BackedUp {
  policyType: PolicyTypeKey;
  graphId: string;
  payload: Json;
}

let emulated: EmulatedTenant;
let tenantId: string;
let manager: TestUser;
let scheduleId: string;
let backupSetId: string;
let backedUp: BackedUp[];

beforeAll(async () => {
  ({ emulated, tenantId } = await grantedTenant(
    admin,
    AZURE_TENANT,
    WRITABLE.flatMap(writePermissionsOf),
    150,
  ));
  await admin.plantPolicy(AZURE_TENANT, enabledCaPolicy(CA_REPORT_ONLY, 'E2E: restored report-only'));
  await admin.plantPolicy(AZURE_TENANT, enabledCaPolicy(CA_AS_BACKED_UP, 'E2E: restored as backed up'));
  await admin.plantPolicy(AZURE_TENANT, simpleCatalogPolicy(CATALOG_MODIFIED, 'E2E: modified'));
  await admin.plantPolicy(AZURE_TENANT, simpleCatalogPolicy(CATALOG_UNCHANGED, 'E2E: unchanged'));
  await admin.plantPolicy(AZURE_TENANT, windowsFilter(FILTER, 'E2E: unused filter'));
  await admin.plantPolicy(AZURE_TENANT, scopeTag(SCOPE_TAG, 'E2E: unused tag'));
  const owner = await stack.userWithRole('owner', tenantId);
  manager = await stack.userWithRole('manager', tenantId);
  const enabled = await stack.api(`/v1/tenants/${tenantId}/restore-settings`, {
    method: 'PUT',
    body: { enabled: true, approvalRequired: false },
    token: owner.token,
  });
  expect(enabled.status).toBe(200);
  scheduleId = (await createSchedule(stack, tenantId, { policyTypes: [...POLICY_TYPE_KEYS] })).id;
  const run = await runToCompletion(stack, tenantId, scheduleId, 180_000);
  expect(run.status).toBe('succeeded');
  backupSetId = run.backupSetId;
  backedUp = await backedUpIn(backupSetId);
}, 300_000);

/** A backup set's items with their payloads as Graph sent them. */
async function backedUpIn(setId: string): Promise<BackedUp[]> {
  const items = await stack.db.backupItem.findMany({ where: { backupSetId: setId } });
  const payloads = await stack.db.backupPayload.findMany({
    where: { hash: { in: items.map((item) => item.payloadHash) } },
  });
  const contentOf = new Map(payloads.map((p) => [p.hash, unescapeStoredJson(p.content) as Json]));
  return items.map((item) => ({
    policyType: item.policyType as PolicyTypeKey,
    graphId: item.graphId,
    payload: contentOf.get(item.payloadHash) as Json,
  }));
}

/** Deletes objects as an admin does in the portal (Graph DELETE). */
async function deleteInGraph(victims: BackedUp[]): Promise<void> {
  for (const { policyType, graphId, payload } of victims)
    await admin.deleteInGraph(
      emulated,
      `/${POLICY_TYPES[policyType].graphVersion}${collectionOf(policyType, payload)}/${graphId}`,
    );
}

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  stack.api(`/v1/tenants/${tenantId}${path}`, { ...init, token: manager.token });

/** POST …/restores, then GET until the plan is made; returns the restore id. */
async function plan(body: Json): Promise<string> {
  const created = await api('/restores', { method: 'POST', body: { backupSetId, ...body } });
  expect(created.status).toBe(202);
  const planned = await eventually(
    async () => {
      const restore = await api(`/restores/${created.body.id}`);
      return restore.body.status === 'planning' ? undefined : restore.body;
    },
    { what: 'the plan', timeoutMs: 60_000 },
  );
  expect(planned.status).toBe('planned');
  return created.body.id;
}

/** POST …/apply, then GET until the restore finishes; returns it with all its items. */
async function apply(restoreId: string) {
  const started = await api(`/restores/${restoreId}/apply`, { method: 'POST' });
  expect(started.status).toBe(202);
  const finished = await eventually(
    async () => {
      const restore = await api(`/restores/${restoreId}`);
      return restore.body.status === 'applying' ? undefined : restore.body;
    },
    { what: 'the apply', timeoutMs: 120_000 },
  );
  return { restore: finished, items: await itemsOf(restoreId) };
}

async function itemsOf(restoreId: string): Promise<Json[]> {
  const page = await api(`/restores/${restoreId}/items?limit=200`);
  expect(page.status).toBe(200);
  expect(page.body.nextCursor ?? null).toBeNull();
  return page.body.items;
}

const mentions = (holder: BackedUp, target: BackedUp) =>
  holder.graphId !== target.graphId && JSON.stringify(holder.payload).includes(target.graphId);

/**
 * One object per writable type that a create can bring back: no refused object (built-in,
 * default, Microsoft's), no create Graph refuses (intents), and none another victim points at (a
 * re-created filter or tag has a new id, so that victim's plan would block on it). Policies are
 * picked first, then their dependencies (restore order), preferring objects nothing points at.
 */
function victims(): BackedUp[] {
  const chosen: BackedUp[] = [];
  const types = WRITABLE.filter((type) => WRITE_RECIPES[type].createRefused === null).sort(
    (a, b) => restoreOrder(b) - restoreOrder(a),
  );
  for (const policyType of types) {
    const candidates = backedUp.filter(
      (item) =>
        item.policyType === policyType &&
        (policyType !== 'conditionalAccessPolicies' || item.graphId === CA_REPORT_ONLY) &&
        item.payload.isBuiltIn !== true &&
        objectRefusalOf(policyType, item.payload) === undefined &&
        !chosen.some((victim) => mentions(victim, item)),
    );
    const pick = candidates.find((item) => !backedUp.some((other) => mentions(other, item))) ?? candidates[0];
    if (pick) chosen.push(pick);
  }
  return chosen;
}

test('restore one deleted policy of each writable type Graph can create: created, verified, content equal to the backup; a fresh backup shows each restored', async () => {
  const deleted = victims();
  const creatable = WRITABLE.filter((type) => WRITE_RECIPES[type].createRefused === null);
  expect(deleted.map((victim) => victim.policyType).sort()).toEqual([...creatable].sort());
  await deleteInGraph(deleted);

  const restoreId = await plan({
    items: deleted.map(({ policyType, graphId }) => ({ policyType, graphId })),
    mode: 'in_place',
    assignments: 'restore',
  });
  const planned = await itemsOf(restoreId);
  expect(Object.fromEntries(planned.map((item) => [item.policyType, [item.action, item.blocked]]))).toEqual(
    Object.fromEntries(deleted.map((victim) => [victim.policyType, ['create', null]])),
  );

  const { restore, items } = await apply(restoreId);
  recordHistoryIfAsked(restorePlanWorkflowId(restoreId), `restorePlan-${RESTORE_HISTORY_VERSION}-every-type`);
  recordHistoryIfAsked(
    restoreRunWorkflowId(restoreId, 1),
    `restoreRun-${RESTORE_HISTORY_VERSION}-every-type-succeeded`,
  );
  const outcomes = Object.fromEntries(
    items.map((item) => [item.policyType, [item.outcome, item.verification, item.outcomeDetail]]),
  );
  expect(outcomes).toEqual(
    Object.fromEntries(deleted.map((victim) => [victim.policyType, ['created', 'verified', null]])),
  );

  expect(restore.status).toBe('succeeded');

  // What Graph now serves under the new id, as the fresh backup read it, is the backup by what
  // the recipe writes back (its notWritten names what it does not: certificate links, WIP
  // AppLocker files, MAM catalog settings, per-driver approvals); a Conditional Access policy
  // differs in state only (report-only by default).
  const fresh = await runToCompletion(stack, tenantId, scheduleId, 180_000);
  expect(fresh.status).toBe('succeeded');
  const freshById = new Map((await backedUpIn(fresh.backupSetId)).map((item) => [item.graphId, item]));
  const bySource = new Map(items.map((item) => [item.sourceGraphId, item]));
  for (const victim of deleted) {
    const restored = freshById.get(bySource.get(victim.graphId)?.createdGraphId as string);
    const expected = restorableContent(victim.policyType, victim.payload as GraphJson);
    if (victim.policyType === 'conditionalAccessPolicies')
      expected.state = 'enabledForReportingButNotEnforced';
    expect({
      type: victim.policyType,
      content: restored && restorableContent(victim.policyType, restored.payload as GraphJson),
    }).toEqual({ type: victim.policyType, content: expected });
  }

  const caRestored = freshById.get(bySource.get(CA_REPORT_ONLY)?.createdGraphId as string);
  expect(caRestored?.payload.state).toBe('enabledForReportingButNotEnforced');

  // The fresh backup's changes: one `restored` per item, from its source; no removal, no addition.
  const changes = await stack.api(
    `/v1/tenants/${tenantId}/backup-sets/${fresh.backupSetId}/changes?limit=200`,
  );
  expect(changes.status).toBe(200);
  // Nothing else changed in the tenant between the two backups.
  expect(changes.body.counts).toEqual({
    added: 0,
    removed: 0,
    modified: 0,
    renamed: 0,
    restored: items.length,
  });
  const involved = new Set(items.flatMap((item) => [item.sourceGraphId, item.createdGraphId]));
  const ofRestore = (changes.body.items as Json[]).filter((change) => involved.has(change.graphId));
  expect(
    ofRestore.map((change) => [change.graphId, change.change, change.restoredFromGraphId]).sort(),
  ).toEqual(items.map((item) => [item.createdGraphId, 'restored', item.sourceGraphId]).sort());
  // What a restored change lists besides its new identity (ids, times, versions): only what the
  // restore changes on purpose, what its recipe does not write back, and what Graph derives from
  // other properties that the emulator does not derive on a create (named in the closing note of
  // issue 17). Anything else is a property lost on the way.
  const fieldsOf = (change: Json) =>
    ((change.fields as Json[] | null) ?? []).map((field) =>
      String(field.path).replace(/\/\[id=[^\]]*\]$/, '/[id]'),
    );
  const explained: Record<string, string[]> = {
    conditionalAccessPolicies: ['/state'], // report-only unless asked (the adjustment)
    driverUpdateProfiles: ['/driverInventories/[id]'], // notWritten: per-driver approvals
  };
  for (const change of ofRestore) {
    const unexplained = fieldsOf(change).filter(
      (path) => !(explained[String(change.policyType)] ?? []).includes(path),
    );
    expect([change.policyType, unexplained]).toEqual([change.policyType, []]);
  }
}, 600_000);

test('Conditional Access restored as backed up when asked: the enabled policy is enabled again', async () => {
  const source = backedUp.find((item) => item.graphId === CA_AS_BACKED_UP) as BackedUp;
  expect(source.payload.state).toBe('enabled');
  await deleteInGraph([source]);
  const restoreId = await plan({
    items: [{ policyType: 'conditionalAccessPolicies', graphId: CA_AS_BACKED_UP }],
    mode: 'in_place',
    assignments: 'restore',
    conditionalAccessState: 'as_backed_up',
  });
  const { restore, items } = await apply(restoreId);
  expect([restore.status, items[0]?.outcome, items[0]?.verification]).toEqual([
    'succeeded',
    'created',
    'verified',
  ]);
  const live = await admin.getObject(
    AZURE_TENANT,
    'conditionalAccessPolicies',
    items[0]?.createdGraphId as string,
  );
  expect(live.state).toBe('enabled');
}, 120_000);

test('a modified settings catalog policy is updated in place and verified; an unchanged one is noop', async () => {
  await admin.patchObject(AZURE_TENANT, 'settingsCatalog', CATALOG_MODIFIED, {
    name: 'E2E: renamed by an admin',
    description: 'edited after the backup',
  });
  const restoreId = await plan({
    items: [CATALOG_MODIFIED, CATALOG_UNCHANGED].map((graphId) => ({
      policyType: 'settingsCatalog',
      graphId,
    })),
    mode: 'in_place',
    assignments: 'restore',
  });
  const planned = await itemsOf(restoreId);
  expect(Object.fromEntries(planned.map((item) => [item.sourceGraphId, item.action]))).toEqual({
    [CATALOG_MODIFIED]: 'update',
    [CATALOG_UNCHANGED]: 'noop',
  });
  const { restore, items } = await apply(restoreId);
  expect(restore.status).toBe('succeeded');
  expect(
    Object.fromEntries(
      items.map((item) => [item.sourceGraphId, [item.outcome, item.verification, item.createdGraphId]]),
    ),
  ).toEqual({
    [CATALOG_MODIFIED]: ['updated', 'verified', null],
    [CATALOG_UNCHANGED]: ['noop', null, null],
  });
  const after = await admin.getObject(AZURE_TENANT, 'settingsCatalog', CATALOG_MODIFIED);
  expect(after).toMatchObject({ name: 'E2E: modified', description: 'planted' });
  const source = backedUp.find((item) => item.graphId === CATALOG_MODIFIED) as BackedUp;
  expect(restorableContent('settingsCatalog', after as GraphJson)).toEqual(
    restorableContent('settingsCatalog', source.payload as GraphJson),
  );
  // A noop writes nothing.
  const writes = await admin.writes(AZURE_TENANT);
  expect(writes.filter((write) => write.path.includes(CATALOG_UNCHANGED))).toEqual([]);
}, 120_000);
