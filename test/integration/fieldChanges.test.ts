// Field-level changes through real backup runs of a generated emulator tenant with hand-planted
// policies changed by the emulator's admin API as an admin would change them in Intune:
// reordering is never a change, one nested setting is one leaf change with its path, label,
// values and actor, assignments are matched by identity, a policy's history has a version per
// change, and any two sets can be compared in either order.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { sqlPoolOf } from '../../src/db/client';
import { getObject, patchObject, shuffleTenant } from '../../src/emulator/adminClient';
import { POLICY_TYPE_KEYS } from '../../src/graph';
import { getBackupSetDiff } from '../../src/services/diffs';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';
import { catalogObject } from '../support/restoreFixtures';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const NS = '#microsoft.graph.deviceManagementConfiguration';
const PARENT = 'device_vendor_msft_policy_config_defender_allowarchivescanning_7';
const CHILD = 'device_vendor_msft_policy_config_defender_scheduledscantime_child1_70';
const GROUP_A = randomUUID();
const GROUP_B = randomUUID();
const GROUP_C = randomUUID();

const groupAssignment = (groupId: string) => ({
  id: randomUUID(),
  target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
});

/** A settings catalog policy whose one choice setting has a child integer setting. */
function catalogPolicy(id: string) {
  return {
    type: 'settingsCatalog' as const,
    object: catalogObject(id, 'Field changes: Defender'),
    settings: [
      {
        id: '0',
        settingInstance: {
          '@odata.type': `${NS}ChoiceSettingInstance`,
          settingDefinitionId: PARENT,
          settingInstanceTemplateReference: null,
          choiceSettingValue: {
            value: `${PARENT}_1`,
            settingValueTemplateReference: null,
            children: [
              {
                '@odata.type': `${NS}SimpleSettingInstance`,
                settingDefinitionId: CHILD,
                settingInstanceTemplateReference: null,
                simpleSettingValue: {
                  '@odata.type': `${NS}IntegerSettingValue`,
                  value: 120,
                  settingValueTemplateReference: null,
                },
              },
            ],
          },
        },
      },
    ],
  };
}

interface Field {
  op: string;
  path: string;
  label: string;
  before?: unknown;
  after?: unknown;
}
interface Change {
  policyType: string;
  graphId: string;
  change: string;
  fields: Field[] | null;
  actors: { actor: { userPrincipalName?: string }; source: string }[] | null;
  actorsUnknown?: string;
}

async function diffItems(tenantId: string, setId: string, against?: string): Promise<Change[]> {
  const items: Change[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({
      limit: '200',
      ...(against ? { against } : {}),
      ...(cursor ? { cursor } : {}),
    });
    const page = await stack.api(`/v1/tenants/${tenantId}/backup-sets/${setId}/diff?${query}`);
    expect(page.status).toBe(200);
    items.push(...(page.body.items as Change[]));
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

test('reordering is never a change; one nested setting and two assignments are exactly those leaf changes, with labels, values, actors and history', async () => {
  const { emulated, tenant } = await admin.createTenant(250);
  const azure = emulated.azureTenantId;
  const emulator = { baseUrl: stack.emulator.baseUrl, caPem: stack.emulator.caPem };
  const catalogId = randomUUID();
  const profileId = randomUUID();
  await admin.plantPolicy(azure, catalogPolicy(catalogId));
  await admin.plantPolicy(azure, {
    type: 'deviceConfiguration',
    object: {
      '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
      id: profileId,
      displayName: 'Field changes: restrictions',
      lastModifiedDateTime: '2026-10-01T10:00:00Z',
      version: 1,
      passwordMinimumLength: 8,
    },
    assignments: [groupAssignment(GROUP_A), groupAssignment(GROUP_B)],
  });
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: [...POLICY_TYPE_KEYS],
    retention: { keepLast: 10 },
  });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  expect(first.status).toBe('succeeded');

  // Every unordered array and every object's keys reordered across the tenant: no change at all.
  const shuffled = await shuffleTenant(emulator, azure, 'field-changes');
  expect(shuffled.objects).toBeGreaterThan(250);
  const second = await runToCompletion(stack, tenant.id, schedule.id);
  expect(second.status).toBe('succeeded');
  const secondSet = await stack.db.backupSet.findUniqueOrThrow({ where: { id: second.backupSetId } });
  expect({ changes: second.summary.changes, newPayloadBytes: Number(secondSet.newPayloadBytes) }).toEqual({
    changes: { added: 0, removed: 0, modified: 0, renamed: 0 },
    newPayloadBytes: 0,
  });

  // One nested setting's value, and one assignment swapped for another, by two people.
  const before = await getObject(emulator, azure, 'settingsCatalog', catalogId);
  const children = '/settings/0/settingInstance/choiceSettingValue/children/0';
  expect(before).toHaveProperty('settings.0.settingInstance.settingDefinitionId', PARENT);
  await patchObject(
    emulator,
    azure,
    'settingsCatalog',
    catalogId,
    [{ op: 'replace', path: `${children}/simpleSettingValue/value`, value: 90 }],
    'alice@contoso.example',
  );
  const profile = await getObject(emulator, azure, 'deviceConfiguration', profileId);
  const assignments = (profile.assignments as { target: { groupId: string } }[]).filter(
    (assignment) => assignment.target.groupId !== GROUP_A,
  );
  await patchObject(
    emulator,
    azure,
    'deviceConfiguration',
    profileId,
    { assignments: [...assignments, groupAssignment(GROUP_C)] },
    'bob@contoso.example',
  );
  const third = await runToCompletion(stack, tenant.id, schedule.id);
  expect(third.status).toBe('succeeded');
  expect(third.summary.changes).toEqual({ added: 0, removed: 0, modified: 2, renamed: 0 });

  const label = await definitionName(emulated, catalogId, CHILD);
  const changes = await diffItems(tenant.id, third.backupSetId);
  const catalog = changes.find((change) => change.graphId === catalogId);
  expect(catalog).toMatchObject({
    change: 'modified',
    fields: [
      {
        op: 'replace',
        path: `/settings/[settingDefinitionId=${PARENT}]/settingInstance/choiceSettingValue/children/[settingDefinitionId=${CHILD}]/simpleSettingValue/value`,
        label,
        before: 120,
        after: 90,
      },
    ],
  });
  expect(catalog?.fields).toHaveLength(1);
  expect(catalog?.actors?.map((event) => event.actor.userPrincipalName)).toEqual(['alice@contoso.example']);

  const restrictions = changes.find((change) => change.graphId === profileId);
  expect(restrictions?.fields?.map((field) => [field.op, (field.before ?? field.after) as object])).toEqual(
    expect.arrayContaining([
      ['remove', expect.objectContaining({ target: expect.objectContaining({ groupId: GROUP_A }) })],
      ['add', expect.objectContaining({ target: expect.objectContaining({ groupId: GROUP_C }) })],
    ]),
  );
  expect(restrictions?.fields).toHaveLength(2);
  expect(restrictions?.actors?.map((event) => event.actor.userPrincipalName)).toEqual([
    'bob@contoso.example',
  ]);
  // The set's own change list holds the same field changes.
  const listed = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${third.backupSetId}/changes`);
  expect(listed.body.items).toHaveLength(2);
  expect(listed.body.items.find((item: Change) => item.graphId === catalogId).fields).toEqual(
    catalog?.fields,
  );

  // A second change of the setting: the history shows three versions, newest first.
  await patchObject(
    emulator,
    azure,
    'settingsCatalog',
    catalogId,
    [{ op: 'replace', path: `${children}/simpleSettingValue/value`, value: 60 }],
    'carol@contoso.example',
  );
  const fourth = await runToCompletion(stack, tenant.id, schedule.id);
  // A new empty list where there was none: another payload hash, but no change, in the set's
  // changes or as a version of its own.
  await patchObject(emulator, azure, 'settingsCatalog', catalogId, { keywords: [] });
  const fifth = await runToCompletion(stack, tenant.id, schedule.id);
  const [fourthHash, fifthHash] = await Promise.all(
    [fourth, fifth].map(
      async (run) =>
        (
          await stack.db.backupItem.findFirstOrThrow({
            where: { backupSetId: run.backupSetId, graphId: catalogId },
          })
        ).payloadHash,
    ),
  );
  expect(fifthHash).not.toBe(fourthHash);
  expect(fifth.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
  const history = await stack.api(`/v1/tenants/${tenant.id}/policies/settingsCatalog/${catalogId}/history`);
  expect(history.status).toBe(200);
  const versions = history.body.items as {
    version: number;
    change: string;
    setCount: number;
    fields: Field[] | null;
    actors: Change['actors'];
  }[];
  expect(versions.map((version) => [version.version, version.change, version.setCount])).toEqual([
    [3, 'modified', 2],
    [2, 'modified', 1],
    [1, 'added', 2],
  ]);
  expect(
    versions.map((version) => version.fields?.map((field) => [field.before, field.after]) ?? null),
  ).toEqual([[[90, 60]], [[120, 90]], null]);
  expect(versions[0]?.actors?.map((event) => event.actor.userPrincipalName)).toEqual([
    'carol@contoso.example',
  ]);

  // Any two sets, either order: the first set against the fourth, and back.
  const forward = await diffItems(tenant.id, fourth.backupSetId, first.backupSetId);
  expect(forward.map((change) => change.graphId).sort()).toEqual([catalogId, profileId].sort());
  expect(forward.find((change) => change.graphId === catalogId)?.fields).toMatchObject([
    { op: 'replace', before: 120, after: 60 },
  ]);
  const backward = await diffItems(tenant.id, first.backupSetId, fourth.backupSetId);
  expect(backward.find((change) => change.graphId === catalogId)?.fields).toMatchObject([
    { op: 'replace', before: 60, after: 120 },
  ]);
  expect(
    backward
      .find((change) => change.graphId === profileId)
      ?.fields?.map((field) => field.op)
      .sort(),
  ).toEqual(['add', 'remove']);

  // The inventory lists the policy with the time of its last change.
  const inventory = await stack.api(
    `/v1/tenants/${tenant.id}/policies?policyType=settingsCatalog&search=${encodeURIComponent('field changes')}`,
  );
  expect(inventory.body.items).toEqual([
    expect.objectContaining({ graphId: catalogId, deleted: false, lastChangedAt: expect.any(String) }),
  ]);
  const fourthSet = await stack.db.backupSet.findUniqueOrThrow({ where: { id: fourth.backupSetId } });
  expect(new Date(inventory.body.items[0].lastChangedAt)).toEqual(fourthSet.createdAt);
});

/** The display name Graph gives a setting definition, as served with the policy's settings. */
async function definitionName(tenant: EmulatedTenant, policyId: string, definitionId: string) {
  const text = await admin.rawGraphText(
    tenant,
    `/beta/deviceManagement/configurationPolicies/${policyId}/settings?$expand=settingDefinitions`,
  );
  const settings = JSON.parse(text).value as { settingDefinitions: { id: string; displayName: string }[] }[];
  const definition = settings
    .flatMap((setting) => setting.settingDefinitions)
    .find((d) => d.id === definitionId);
  if (!definition) throw new Error(`the emulator serves no definition ${definitionId}`);
  return definition.displayName;
}

test('a comparison computed while every other pooled connection is taken completes on its own connection', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const catalogId = randomUUID();
  await admin.plantPolicy(emulated.azureTenantId, catalogPolicy(catalogId));
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['settingsCatalog'],
    retention: { keepLast: 10 },
  });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  const emulator = { baseUrl: stack.emulator.baseUrl, caPem: stack.emulator.caPem };
  const value = '/settings/0/settingInstance/choiceSettingValue/children/0/simpleSettingValue/value';
  await patchObject(emulator, emulated.azureTenantId, 'settingsCatalog', catalogId, [
    { op: 'replace', path: value, value: 30 },
  ]);
  const second = await runToCompletion(stack, tenant.id, schedule.id);

  // Take every connection of the pool but one: the comparison holds that one while it reads
  // payloads and setting names, which must not wait for a connection nobody will return.
  const pool = sqlPoolOf(stack.db);
  const held: PoolClient[] = [];
  while (pool.idleCount > 0 || pool.totalCount < (pool.options.max ?? 10)) held.push(await pool.connect());
  held.pop()?.release();
  try {
    const diff = getBackupSetDiff(stack.db, tenant.id, first.backupSetId, {
      against: second.backupSetId,
      limit: 50,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('waited for a connection')), 15_000);
    });
    const result = (await Promise.race([diff, timeout])) as Awaited<typeof diff>;
    expect(result.rows.find((row) => row.graphId === catalogId)?.fields).toMatchObject([
      { op: 'replace', before: 30, after: 120 },
    ]);
    clearTimeout(timer);
  } finally {
    for (const client of held) client.release();
  }

  // Two requests for a pair nobody compared yet compute it once and answer alike.
  const third = await runToCompletion(stack, tenant.id, schedule.id);
  const [a, b] = await Promise.all(
    [1, 2].map(() =>
      getBackupSetDiff(stack.db, tenant.id, third.backupSetId, { against: first.backupSetId, limit: 50 }),
    ),
  );
  expect(a?.counts).toEqual(b?.counts);
  expect(a?.counts.total.modified).toBe(1);
  expect(
    await stack.db.backupSetComparison.count({
      where: { fromSetId: first.backupSetId, toSetId: third.backupSetId },
    }),
  ).toBe(1);
});
