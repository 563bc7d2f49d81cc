// What a set's ids point to, through real backup runs of generated emulator tenants: every
// assignment group and filter reference resolves to a name; a group that does not exist is
// `missing`; an app that may not read groups gets `permission_missing` and a succeeded run.
import { randomUUID } from 'node:crypto';
import { DEFAULT_GRANTS } from '../../src/emulator/graphSurface';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const TYPES = [
  'deviceConfiguration',
  'compliance',
  'settingsCatalog',
  'assignmentFilters',
  'scopeTags',
  'conditionalAccessPolicies',
];
const GROUP_PERMISSIONS = [
  'Directory.Read.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Group.ReadWrite.All',
];

interface Reference {
  kind: string;
  objectId: string;
  displayName: string | null;
  objectType: string | null;
  details: Record<string, unknown> | null;
  state: string;
}

/** Every reference of the set, of one kind, through the API's pages. */
async function references(tenantId: string, setId: string, kind: string): Promise<Map<string, Reference>> {
  const all = new Map<string, Reference>();
  let cursor: string | null = null;
  do {
    const query: string = `kind=${kind}&limit=50${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await stack.api(`/v1/tenants/${tenantId}/backup-sets/${setId}/references?${query}`);
    expect(page.status).toBe(200);
    for (const item of page.body.items as Reference[]) all.set(item.objectId, item);
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

/** The assignment targets' ids of a property over the set's payloads, read from the database. */
async function assignmentIds(setId: string, property: string): Promise<string[]> {
  const rows = await stack.db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT a->'target'->>${property} AS id
    FROM backup_items i JOIN backup_payloads p ON p.hash = i.payload_hash,
         jsonb_array_elements(coalesce(p.content->'assignments', '[]'::jsonb)) a
    WHERE i.backup_set_id = ${setId}::uuid AND a->'target'->>${property} IS NOT NULL`;
  return rows.map((row) => row.id).sort();
}

/** A generated tenant with one more profile, assigned to a group the directory does not have. */
async function tenantWithDeletedGroup(grants?: string[]) {
  const { emulated, tenant } = await admin.createTenant(300);
  if (grants) await admin.setGrants(emulated.azureTenantId, grants);
  const deletedGroup = randomUUID();
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    object: {
      '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
      id: randomUUID(),
      displayName: 'Assigned to a deleted group',
      lastModifiedDateTime: '2025-10-02T16:40:05Z',
      version: 1,
    },
    assignments: [
      {
        id: randomUUID(),
        target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: deletedGroup },
      },
    ],
  });
  // A workload identity policy naming one of the tenant's service principals and users (generated
  // tenants have such policies only now and then).
  const firstOf = async (path: string) =>
    (JSON.parse(await admin.rawGraphText(emulated, `/v1.0/${path}?$top=1`)) as { value: { id: string }[] })
      .value[0]?.id;
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'conditionalAccessPolicies',
    object: {
      id: randomUUID(),
      displayName: 'Block workload identities outside trusted locations',
      state: 'enabled',
      modifiedDateTime: '2025-10-02T16:40:05Z',
      conditions: {
        users: { includeUsers: ['None'], excludeUsers: [await firstOf('users')] },
        clientApplications: { includeServicePrincipals: [await firstOf('servicePrincipals')] },
        // A named location by id as well: generated policies name one only by chance (one
        // generated tenant in a CI run named none, and this test failed on it).
        locations: {
          includeLocations: ['All'],
          excludeLocations: ['AllTrusted', await firstOf('identity/conditionalAccess/namedLocations')],
        },
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    },
  });
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: TYPES });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  return { tenant, run, deletedGroup };
}

test('every assignment group and filter of a generated tenant resolves to its name; a deleted group is missing', async () => {
  const { tenant, run, deletedGroup } = await tenantWithDeletedGroup();
  expect(run.status).toBe('succeeded');
  expect(run.references).toMatchObject({ outcome: 'ok', unreadable: 0 });
  const setId = run.backupSetId as string;

  const groupIds = await assignmentIds(setId, 'groupId');
  expect(groupIds.length).toBeGreaterThan(10);
  const groups = await references(tenant.id, setId, 'group');
  for (const id of groupIds) {
    const group = groups.get(id);
    if (id === deletedGroup) {
      expect(group).toMatchObject({ state: 'missing', displayName: null });
      continue;
    }
    expect(group).toMatchObject({ state: 'resolved', displayName: expect.any(String), objectType: 'group' });
    expect(group?.details).toHaveProperty('membershipRule');
    expect(group?.details).toHaveProperty('onPremisesSyncEnabled');
  }
  expect(run.references.kinds.group).toMatchObject({ outcome: 'ok', missing: 1 });

  const filterIds = await assignmentIds(setId, 'deviceAndAppManagementAssignmentFilterId');
  expect(filterIds.length).toBeGreaterThan(0);
  const filters = await references(tenant.id, setId, 'assignmentFilter');
  for (const id of filterIds)
    expect(filters.get(id)).toMatchObject({ state: 'resolved', displayName: expect.any(String) });

  // Scope tags come from the run's own capture of them, the built-in Default tag ('0') included.
  const tags = [...(await references(tenant.id, setId, 'scopeTag')).values()];
  expect(tags.map((tag) => tag.objectId)).toContain('0');
  for (const tag of tags) expect(tag).toMatchObject({ state: 'resolved', displayName: expect.any(String) });

  // Every user, service principal and named location a Conditional Access policy names resolves.
  for (const kind of ['user', 'servicePrincipal', 'namedLocation']) {
    const named = [...(await references(tenant.id, setId, kind)).values()];
    expect({ kind, named: named.length > 0 }).toEqual({ kind, named: true });
    for (const object of named) expect({ kind, state: object.state }).toEqual({ kind, state: 'resolved' });
  }
});

test('an app that may not read groups gets permission_missing naming the permission, and the run succeeds', async () => {
  const grants = DEFAULT_GRANTS.filter((permission) => !GROUP_PERMISSIONS.includes(permission));
  const { tenant, run } = await tenantWithDeletedGroup(grants);
  expect(run.status).toBe('succeeded');
  expect(run.references).toMatchObject({
    outcome: 'permission_missing',
    // Groups name their narrower permission; users and service principals need Directory.Read.All.
    requiredPermissions: ['Directory.Read.All', 'Group.Read.All'],
    kinds: {
      group: { outcome: 'permission_missing', requiredPermission: 'Group.Read.All', resolved: 0, missing: 0 },
    },
  });
  const groups = await references(tenant.id, run.backupSetId, 'group');
  expect(groups.size).toBeGreaterThan(10);
  for (const group of groups.values())
    expect(group).toMatchObject({ state: 'unreadable', displayName: null });
  const filters = await references(tenant.id, run.backupSetId, 'assignmentFilter');
  expect([...filters.values()].every((filter) => filter.state === 'resolved')).toBe(true);
});

test('with Group.Read.All but not Directory.Read.All the groups are read from their listing', async () => {
  const grants = DEFAULT_GRANTS.filter((permission) => permission !== 'Directory.Read.All');
  const { tenant, run, deletedGroup } = await tenantWithDeletedGroup([...grants, 'Group.Read.All']);
  expect(run.status).toBe('succeeded');
  expect(run.references.kinds.group).toMatchObject({ outcome: 'ok', missing: 1, unreadable: 0 });
  const groups = await references(tenant.id, run.backupSetId, 'group');
  expect(groups.get(deletedGroup)?.state).toBe('missing');
  expect([...groups.values()].filter((group) => group.state === 'resolved').length).toBe(groups.size - 1);
});
