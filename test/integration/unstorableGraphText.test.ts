// Graph may send "\u0000" and unpaired surrogates in any string; PostgreSQL's jsonb refuses both
// (22P05, "unsupported Unicode escape sequence"), so a tenant with one such policy failed its type
// on every run. They are stored in a reversible escape (src/graph/storedText.ts): the run
// succeeds, the policy is in the backup set, and the API gives it back as Graph sent it.
import { randomUUID } from 'node:crypto';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

test('a policy whose strings hold U+0000 and unpaired surrogates is backed up and given back whole', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const object = {
    '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
    id: randomUUID(),
    displayName: 'Kiosk\u0000profile \ud800',
    description: 'a NUL \u0000, a lone low \udc00, a pair \ud83d\ude00 and a literal \\u0000',
    'odd\u0000key': ['\ud800', '\uffffstarts with U+FFFF'],
    passwordRequired: true,
  };
  await admin.plantPolicy(emulated.azureTenantId, { type: 'deviceConfiguration', object });

  // The emulator sends them as Graph's JSON does: as \u escapes.
  const raw = await admin.rawGraphText(emulated, `/beta/deviceManagement/deviceConfigurations/${object.id}`);
  expect(raw).toContain('Kiosk\\u0000profile \\ud800');
  expect(raw).toContain('lone low \\udc00');

  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  expect(first.summary.types.deviceConfiguration).toMatchObject({ outcome: 'ok' });
  expect(first.status).toBe('succeeded');

  const items = await stack.api(
    `/v1/tenants/${tenant.id}/backup-sets/${first.backupSetId}/items?includePayload=true&limit=200`,
  );
  const item = items.body.items.find((candidate: { graphId: string }) => candidate.graphId === object.id);
  expect(item).toMatchObject({ displayName: object.displayName, payload: object });

  // Stored escaped (no U+0000 in the database), and the same payload gives the same bytes: the
  // next run reuses the payload and reports nothing modified.
  const stored = await stack.db.backupPayload.findUniqueOrThrow({ where: { hash: item.payloadHash } });
  const storedStrings: string[] = [];
  JSON.parse(JSON.stringify(stored.content), (key, value) => {
    storedStrings.push(key, ...(typeof value === 'string' ? [value] : []));
    return value;
  });
  expect(storedStrings).toContain('\uffffKiosk\\u0000profile \\ud800');
  expect(storedStrings.filter((text) => /[\0\p{Cs}]/u.test(text))).toEqual([]);
  const second = await runToCompletion(stack, tenant.id, schedule.id);
  expect(second.status).toBe('succeeded');
  const again = await stack.api(
    `/v1/tenants/${tenant.id}/backup-sets/${second.backupSetId}/items?policyType=deviceConfiguration&limit=200`,
  );
  expect(
    again.body.items.find((candidate: { graphId: string }) => candidate.graphId === object.id),
  ).toMatchObject({ payloadHash: item.payloadHash });
  expect(second.summary.types.deviceConfiguration).toMatchObject({ outcome: 'ok', modified: 0 });
});
