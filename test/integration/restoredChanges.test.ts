// Lineage in the next backup's changes (issue 17): an object a restore re-created under a new
// Graph id (restore_lineage) whose source the previous set held and this one does not is ONE
// change `restored`, with the field changes from the source's payload, not a removal plus an
// unrelated addition. The sets are written by the snapshot itself from captures planted here.
import { createHash, randomUUID } from 'node:crypto';
import { writeSnapshot } from '../../src/db/snapshot';
import { storedPayloadDiff } from '../../src/diff';
import { createSchedule } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const policy = (id: string, displayName: string, passwordMinimumLength: number) => ({
  '@odata.type': '#microsoft.graph.windows10CompliancePolicy',
  id,
  displayName,
  passwordMinimumLength,
});

async function payload(content: object) {
  const text = JSON.stringify(content);
  const hash = createHash('sha256').update(text).digest('hex');
  await stack.db.backupPayload.upsert({
    where: { hash },
    create: { hash, content, sizeBytes: Buffer.byteLength(text) },
    update: {},
  });
  return { hash, bytes: Buffer.byteLength(text) };
}

/** A run whose capture holds `policies` (compliance), snapshotted into the schedule's next set. */
async function snapshotOf(scheduleId: string, policies: ReturnType<typeof policy>[]) {
  const tenantId = stack.tenant.id;
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId,
      scheduleId,
      workflowId: `lineage-${randomUUID()}`,
      trigger: 'manual',
      status: 'running',
    },
  });
  await stack.db.runCapturedType.create({
    data: { runId: run.id, policyType: 'compliance', fetched: policies.length },
  });
  for (const p of policies) {
    const { hash, bytes } = await payload(p);
    await stack.db.runCapturedItem.create({
      data: {
        runId: run.id,
        policyType: 'compliance',
        graphId: p.id,
        displayName: p.displayName,
        payloadHash: hash,
        payloadBytes: bytes,
      },
    });
  }
  const target = { tenantId, scheduleId, runId: run.id, policyTypes: ['compliance'] };
  const audit = () => ({ tenantId, actor: 'system' as const, action: 'test.snapshot', resourceType: 'run' });
  const stats = await writeSnapshot(stack.db, target, audit, storedPayloadDiff);
  // One running run per schedule: this one is done.
  await stack.db.backupScheduleRun.update({
    where: { id: run.id },
    data: { status: 'succeeded', finishedAt: new Date() },
  });
  return stats;
}

test('a re-created policy whose source is gone is one `restored` change; one whose source remains is added', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id, {
    enabled: false,
    policyTypes: ['compliance'],
  });
  const [source, kept, copy, restored] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const first = await snapshotOf(schedule.id, [policy(source, 'Passwords', 8), policy(kept, 'Kept', 10)]);
  // What the restore's apply records (restore-apply): the new objects and the ones they restore.
  for (const [target, from] of [
    [restored, source],
    [copy, kept],
  ] as const)
    await stack.db.restoreLineage.create({
      data: {
        tenantId: stack.tenant.id,
        policyType: 'compliance',
        targetGraphId: target,
        sourceGraphId: from,
        restoreId: randomUUID(),
      },
    });

  const second = await snapshotOf(schedule.id, [
    policy(restored, 'Passwords', 12),
    policy(kept, 'Kept', 10),
    policy(copy, 'Kept (copy)', 10),
  ]);
  expect(second.changes).toEqual({ added: 1, removed: 0, modified: 0, renamed: 0, restored: 1 });
  expect(first.changes.restored).toBeUndefined();

  const base = `/v1/tenants/${stack.tenant.id}/backup-sets/${second.backupSetId}/changes`;
  const all = await stack.api(base);
  expect(all.status).toBe(200);
  expect(all.body.counts).toEqual(second.changes);
  const byId = Object.fromEntries(all.body.items.map((item: { graphId: string }) => [item.graphId, item]));
  expect(Object.keys(byId).sort()).toEqual([copy, restored].sort());
  expect(byId[restored]).toMatchObject({
    change: 'restored',
    restoredFromGraphId: source,
    fields: [
      expect.objectContaining({ op: 'replace', path: '/passwordMinimumLength', before: 8, after: 12 }),
    ],
  });
  expect(byId[restored].fields).toHaveLength(1);
  expect(byId[copy]).toMatchObject({ change: 'added', fields: null });
  expect(byId[copy].restoredFromGraphId).toBeUndefined();
  const filtered = await stack.api(`${base}?change=restored`);
  expect(filtered.body.items.map((item: { graphId: string }) => item.graphId)).toEqual([restored]);
});
