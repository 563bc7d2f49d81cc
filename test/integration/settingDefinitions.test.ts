// Settings catalog definitions through real backup runs of generated emulator tenants: each
// distinct definition is stored once, shared by tenants, never inside a payload or its hash (a
// re-published catalog changes no payload), and labels settings by their display names.
import { choiceOptionNames, settingDefinitionNames } from '../../src/db/settingDefinitions';
import { CHOICE_OPTIONS, displayNameOf } from '../../src/emulator/generators/settingDefinitions';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const TYPES = ['settingsCatalog', 'settingsCompliance'];

/** A generated tenant (fixed id: the same objects every run) backed up once. */
async function backedUp(azureTenantId: string) {
  const { emulated, tenant } = await admin.createTenant(120, azureTenantId);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: TYPES });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  expect(run.status).toBe('succeeded');
  return { emulated, tenant, schedule, setId: run.backupSetId as string };
}

/** Every settingDefinitionId in the set's payloads, at any depth. */
async function definitionIdsIn(setId: string): Promise<string[]> {
  const rows = await stack.db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT jsonb_path_query(p.content, 'strict $.**.settingDefinitionId') #>> '{}' AS id
    FROM backup_items i JOIN backup_payloads p ON p.hash = i.payload_hash
    WHERE i.backup_set_id = ${setId}::uuid`;
  return rows.map((row) => row.id).sort();
}

/** Stored rows per definition id, for these ids. */
async function rowsPerId(ids: string[]): Promise<Map<string, number>> {
  const rows = await stack.db.$queryRaw<{ definition_id: string; rows: number }[]>`
    SELECT definition_id, count(*)::int AS rows FROM setting_definitions
    WHERE definition_id = ANY(${ids}::text[]) GROUP BY definition_id`;
  return new Map(rows.map((row) => [row.definition_id, row.rows]));
}

async function payloadHashes(setId: string): Promise<Map<string, string>> {
  const items = await stack.db.backupItem.findMany({ where: { backupSetId: setId } });
  return new Map(items.map((item) => [`${item.policyType}/${item.graphId}`, item.payloadHash]));
}

let first: Awaited<ReturnType<typeof backedUp>>;
let firstIds: string[];

test('a backup stores each distinct definition once, outside the payloads, with its display name', async () => {
  first = await backedUp('5e77d001-0000-4000-8000-00000000d001');
  firstIds = await definitionIdsIn(first.setId);
  expect(firstIds.length).toBeGreaterThan(100);
  const rows = await rowsPerId(firstIds);
  expect(rows.size).toBe(firstIds.length);
  expect([...rows.values()].every((count) => count === 1)).toBe(true);

  const [holding] = await stack.db.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM backup_items i JOIN backup_payloads p ON p.hash = i.payload_hash
    WHERE i.backup_set_id = ${first.setId}::uuid AND p.content::text LIKE '%"settingDefinitions"%'`;
  expect(holding?.count).toBe(0);

  const names = await settingDefinitionNames(stack.db, firstIds);
  expect(names.size).toBe(firstIds.length);
  for (const id of firstIds) expect(names.get(id)).toBe(displayNameOf(id));
  // Choice values are option item ids: they have names too.
  const options = await choiceOptionNames(stack.db, firstIds);
  const [choice] = await stack.db.$queryRaw<{ value: string }[]>`
    SELECT jsonb_path_query_first(p.content, 'strict $.**.choiceSettingValue.value') #>> '{}' AS value
    FROM backup_items i JOIN backup_payloads p ON p.hash = i.payload_hash
    WHERE i.backup_set_id = ${first.setId}::uuid AND i.policy_type = 'settingsCatalog'
      AND jsonb_path_exists(p.content, 'strict $.**.choiceSettingValue.value') LIMIT 1`;
  const suffix = String(choice?.value).split('_').at(-1) as string;
  expect(options.get(String(choice?.value))).toBe(CHOICE_OPTIONS[suffix]);
});

test('tenants share definitions; a re-published catalog adds definitions and changes no payload', async () => {
  const second = await backedUp('5e77d002-0000-4000-8000-00000000d002');
  const secondIds = await definitionIdsIn(second.setId);
  const shared = secondIds.filter((id) => firstIds.includes(id));
  expect(shared.length).toBeGreaterThan(10);
  const rows = await rowsPerId(secondIds);
  expect(rows.size).toBe(secondIds.length);
  expect([...rows.values()].every((count) => count === 1)).toBe(true);

  // Microsoft re-publishes every definition; the tenant changes nothing.
  await admin.setFaults(second.emulated.azureTenantId, { catalogRevision: 1 });
  const run = await runToCompletion(stack, second.tenant.id, second.schedule.id);
  expect(run.status).toBe('succeeded');
  expect(run.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
  expect(await payloadHashes(run.backupSetId)).toEqual(await payloadHashes(second.setId));
  const republished = await rowsPerId(secondIds);
  expect([...republished.values()].every((count) => count === 2)).toBe(true);
  // The newest definition names the setting.
  const names = await settingDefinitionNames(stack.db, secondIds);
  for (const id of secondIds) expect(names.get(id)).toBe(displayNameOf(id));
});
