// Baselines against real backups of emulator tenants: a tenant compared with a copy of itself
// shows exactly its edits; two tenants whose groups, filters and scope tags have other ids but
// the same names compare equal, unresolved ids are listed and never differ; a caller sees a
// compare only if they may read both tenants; bad input is a 422 naming the field.
import { randomUUID } from 'node:crypto';
import { baselineComparison } from '../../src/api/openapi/responses';
import type { Tenant } from '../../src/db/client';
import type { PolicyTypeKey } from '../../src/graph';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const TYPES: PolicyTypeKey[] = [
  'compliance',
  'deviceConfiguration',
  'settingsCatalog',
  'assignmentFilters',
  'scopeTags',
  'conditionalAccessPolicies',
];

interface Item {
  bucket: string;
  policyType: string;
  baseline: { graphId: string; displayName: string } | null;
  tenant: { graphId: string; displayName: string } | null;
  matchedBy: string | null;
  fields?: { op: string; path: string; before?: unknown; after?: unknown }[];
  unresolvedReferences: { kind: string; id: string; side: string }[];
}

/** A second tenant row of ours pointing at the same emulated tenant: a copy of it. */
async function tenantRowFor(emulated: EmulatedTenant): Promise<Tenant> {
  const id = randomUUID();
  return stack.db.tenant.create({
    data: {
      id,
      slug: `copy-${id.slice(0, 8)}`,
      displayName: 'Copy',
      azureTenantId: emulated.azureTenantId,
      clientId: emulated.clientId,
      ...stack.secrets.encrypt(id, emulated.clientSecret),
      graphBaseUrl: stack.emulator.baseUrl,
      loginBaseUrl: stack.emulator.baseUrl,
      retentionGraceDays: 0,
    },
  });
}

async function backup(tenantId: string): Promise<string> {
  const schedule = await createSchedule(stack, tenantId, { policyTypes: TYPES });
  const run = await runToCompletion(stack, tenantId, schedule.id);
  expect(run.status).toBe('succeeded');
  return run.backupSetId as string;
}

async function pin(tenantId: string, backupSetId: string, token?: string): Promise<string> {
  const created = await stack.api('/v1/baselines', {
    method: 'POST',
    ...(token ? { token } : {}),
    body: { name: `baseline ${randomUUID()}`, tenantId, backupSetId },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** Every item of a compare, through its pages, and its counts. */
async function compare(baselineId: string, tenantId: string) {
  const items: Item[] = [];
  let counts: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const query: string = `tenantId=${tenantId}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await stack.api(`/v1/baselines/${baselineId}/compare?${query}`);
    expect(page.status).toBe(200);
    // The documented shape is the served one (strict: no field left out of either).
    baselineComparison.parse(page.body);
    items.push(...(page.body.items as Item[]));
    counts = page.body.counts;
    cursor = page.body.nextCursor;
  } while (cursor);
  return { items, counts, inBucket: (bucket: string) => items.filter((item) => item.bucket === bucket) };
}

test('a tenant against a copy of itself with two edits shows exactly those two, and what only one side has', async () => {
  const { emulated, tenant } = await admin.createTenant(60);
  const copy = await tenantRowFor(emulated);
  const baselineSet = await backup(tenant.id);
  const baselineId = await pin(tenant.id, baselineSet);
  const items = await stack.db.backupItem.count({ where: { backupSetId: baselineSet } });

  const { modified } = await admin.mutate(emulated.azureTenantId, { modify: 2, types: ['compliance'] });
  const { removed, unlinked } = await admin.mutate(emulated.azureTenantId, {
    remove: 1,
    types: ['deviceConfiguration'],
  });
  const added = await admin.plantPolicy(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    object: {
      '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
      id: randomUUID(),
      displayName: `Only in the copy ${randomUUID()}`,
      lastModifiedDateTime: '2026-10-02T16:40:05Z',
      version: 1,
    },
  });
  await backup(copy.id);

  const result = await compare(baselineId, copy.id);
  const different = result.inBucket('different');
  // A profile linking to the removed one (a trusted root) differs too: its link is now unset.
  const differing = [...(modified.compliance ?? []), ...(unlinked.deviceConfiguration ?? [])];
  expect(different.map((item) => item.baseline?.graphId).sort()).toEqual(differing.sort());
  for (const item of different) {
    expect(item.tenant?.graphId).toBe(item.baseline?.graphId);
    expect(item.fields?.length).toBeGreaterThan(0);
  }
  expect(result.inBucket('only_in_baseline').map((item) => item.baseline?.graphId)).toEqual(
    removed.deviceConfiguration,
  );
  expect(result.inBucket('only_in_tenant').map((item) => item.tenant?.graphId)).toEqual([added]);
  expect(result.counts).toEqual({
    different: differing.length,
    only_in_baseline: 1,
    only_in_tenant: 1,
    matching: items - differing.length - 1,
  });
  // Every referenced object of these sets resolved: nothing is reported unresolved.
  expect(result.items.flatMap((item) => item.unresolvedReferences)).toEqual([]);
}, 240_000);

/** A filter, a scope tag and two profiles naming them (and a group that does not exist). */
async function plantNamedObjects(
  emulated: EmulatedTenant,
  names: { tag: string; otherFilter: string },
  tagId: string,
) {
  const filter = (displayName: string) =>
    admin.plantPolicy(emulated.azureTenantId, {
      type: 'assignmentFilters',
      object: {
        '@odata.type': '#microsoft.graph.deviceAndAppManagementAssignmentFilter',
        id: randomUUID(),
        displayName,
        platform: 'windows10AndLater',
        rule: '(device.manufacturer -eq "Contoso")',
      },
    });
  const pilot = await filter(`Pilot devices ${names.tag}`);
  const other = await filter(names.otherFilter);
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'scopeTags',
    object: { id: tagId, displayName: `Berlin ${names.tag}`, description: 'planted' },
  });
  const missingGroup = randomUUID();
  const profile = (displayName: string, filterId: string) =>
    admin.plantPolicy(emulated.azureTenantId, {
      type: 'deviceConfiguration',
      object: {
        '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
        id: randomUUID(),
        displayName,
        roleScopeTagIds: ['0', tagId],
        passwordMinimumLength: 12,
        lastModifiedDateTime: '2026-10-02T16:40:05Z',
        version: 1,
      },
      assignments: [
        {
          id: randomUUID(),
          target: {
            '@odata.type': '#microsoft.graph.groupAssignmentTarget',
            groupId: missingGroup,
            deviceAndAppManagementAssignmentFilterId: filterId,
            deviceAndAppManagementAssignmentFilterType: 'include',
          },
        },
      ],
    });
  return {
    missingGroup,
    same: await profile(`Same by names ${names.tag}`, pilot),
    otherFilter: await profile(`Other filter ${names.tag}`, other),
  };
}

test('two tenants: the same names under other ids compare equal; unresolved ids are listed, never differences; access needs both tenants', async () => {
  const run = randomUUID().slice(0, 8);
  const a = await admin.createTenant(50);
  const b = await admin.createTenant(50);
  const inA = await plantNamedObjects(a.emulated, { tag: run, otherFilter: `Kiosks ${run}` }, '9001');
  const inB = await plantNamedObjects(b.emulated, { tag: run, otherFilter: `Laptops ${run}` }, '9002');
  const baselineId = await pin(a.tenant.id, await backup(a.tenant.id));
  await backup(b.tenant.id);

  const result = await compare(baselineId, b.tenant.id);
  const byName = (name: string) => result.items.find((item) => item.baseline?.displayName === name);
  const same = byName(`Same by names ${run}`);
  expect(same).toMatchObject({
    bucket: 'matching',
    matchedBy: 'exactName',
    tenant: { graphId: inB.same },
  });
  expect(same?.unresolvedReferences).toEqual([
    { kind: 'group', id: inA.missingGroup, side: 'baseline' },
    { kind: 'group', id: inB.missingGroup, side: 'tenant' },
  ]);
  const other = byName(`Other filter ${run}`);
  expect(other).toMatchObject({ bucket: 'different', tenant: { graphId: inB.otherFilter } });
  const shown = JSON.stringify(other?.fields);
  expect(shown).toContain(`assignmentFilter:Kiosks ${run}`);
  expect(shown).toContain(`assignmentFilter:Laptops ${run}`);
  expect(shown).not.toContain('Berlin');
  // The filters themselves differ only in their names: matched neither by name nor guessed.
  expect(result.inBucket('only_in_baseline').map((item) => item.baseline?.displayName)).toContain(
    `Kiosks ${run}`,
  );

  // An explicit mapping pairs them.
  const [kiosks, laptops] = [`Kiosks ${run}`, `Laptops ${run}`].map((name) =>
    result.items.find((item) => (item.baseline ?? item.tenant)?.displayName === name),
  );
  const mapped = await stack.api(`/v1/baselines/${baselineId}/mappings`, {
    method: 'PUT',
    body: {
      tenantId: b.tenant.id,
      mappings: [
        {
          policyType: 'assignmentFilters',
          baselineGraphId: kiosks?.baseline?.graphId,
          tenantGraphId: laptops?.tenant?.graphId,
        },
      ],
    },
  });
  expect(mapped.status).toBe(200);
  const remapped = await compare(baselineId, b.tenant.id);
  expect(remapped.items.find((item) => item.baseline?.displayName === `Kiosks ${run}`)).toMatchObject({
    bucket: 'different',
    matchedBy: 'explicit',
    tenant: { displayName: `Laptops ${run}` },
  });

  // Readers of one tenant only: the compare does not exist for them.
  const readerOfA = await stack.userWithRole('readonly', a.tenant.id);
  const readerOfB = await stack.userWithRole('readonly', b.tenant.id);
  const path = `/v1/baselines/${baselineId}`;
  expect((await stack.api(path, { token: readerOfA.token })).status).toBe(200);
  expect(
    (await stack.api(`${path}/compare?tenantId=${b.tenant.id}`, { token: readerOfA.token })).status,
  ).toBe(404);
  expect((await stack.api(path, { token: readerOfB.token })).status).toBe(404);
  expect(
    (await stack.api(`${path}/compare?tenantId=${b.tenant.id}`, { token: readerOfB.token })).status,
  ).toBe(404);
  const listed = await stack.api('/v1/baselines?limit=200', { token: readerOfB.token });
  expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(baselineId);
  expect((await stack.api(path, { method: 'DELETE', token: readerOfA.token })).status).toBe(403);
}, 240_000);

test('bad input is a 422 naming the field', async () => {
  const a = await admin.createTenant(50);
  const b = await admin.createTenant(50);
  const setOfA = await backup(a.tenant.id);
  const setOfB = await backup(b.tenant.id);
  const managerOfA = await stack.userWithRole('manager', a.tenant.id);
  const readerOfA = await stack.userWithRole('readonly', a.tenant.id);
  const post = (body: unknown, token = managerOfA.token) =>
    stack.api('/v1/baselines', { method: 'POST', token, body });
  const named = (response: { status: number; body: { errors?: { field: string }[] } }, field: string) => {
    expect(response.status).toBe(422);
    expect(response.body.errors?.map((error) => error.field)).toContain(field);
  };
  named(await post({ name: 'x', tenantId: a.tenant.id, backupSetId: setOfB }), 'backupSetId');
  named(await post({ name: 'x', tenantId: b.tenant.id, backupSetId: setOfB }), 'tenantId');
  named(await post({ name: 'x', tenantId: a.tenant.id, backupSetId: setOfA }, readerOfA.token), 'tenantId');
  named(await post({ name: '', tenantId: a.tenant.id, backupSetId: setOfA }), 'name');
  named(await post({ name: 'x', tenantId: 'nope', backupSetId: setOfA }), 'tenantId');
  expect((await post({ name: 'gold', tenantId: a.tenant.id, backupSetId: setOfA })).status).toBe(201);
  expect((await post({ name: 'gold', tenantId: a.tenant.id, backupSetId: setOfA })).status).toBe(409);

  const baselineId = await pin(a.tenant.id, setOfA);
  const compareOf = (query: string) => stack.api(`/v1/baselines/${baselineId}/compare?${query}`);
  named(await compareOf(''), 'tenantId');
  named(await compareOf(`tenantId=${b.tenant.id}&backupSetId=${setOfA}`), 'backupSetId');
  named(await compareOf(`tenantId=${b.tenant.id}&bucket=conflicts`), 'bucket');
  named(await compareOf(`tenantId=${b.tenant.id}&cursor=abc`), 'cursor');
  // A cursor keeps comparing the set its first page compared, even after a newer set exists.
  const first = await compareOf(`tenantId=${b.tenant.id}&limit=1`);
  expect(first.body.backupSetId).toBe(setOfB);
  const newer = await backup(b.tenant.id);
  const second = await compareOf(`tenantId=${b.tenant.id}&limit=1&cursor=${first.body.nextCursor}`);
  expect(second.body.backupSetId).toBe(setOfB);
  expect((await compareOf(`tenantId=${b.tenant.id}&limit=1`)).body.backupSetId).toBe(newer);
  named(
    await compareOf(`tenantId=${b.tenant.id}&backupSetId=${newer}&cursor=${first.body.nextCursor}`),
    'cursor',
  );
  const twice = { policyType: 'compliance', baselineGraphId: 'x', tenantGraphId: 'y' };
  const mappings = await stack.api(`/v1/baselines/${baselineId}/mappings`, {
    method: 'PUT',
    body: { tenantId: b.tenant.id, mappings: [twice, { ...twice, tenantGraphId: 'z' }] },
  });
  named(mappings, 'mappings.1.baselineGraphId');
}, 240_000);
