// Runs of one tenant that overlap (an hourly and a nightly schedule in the same minute, run-now
// during a scheduled run, a bulk run) must each capture exactly what they fetched: Graph's
// routine 429/5xx answers skew their timing, and no run may lose or report removed a policy
// that another run touched meanwhile.
import { createHash, randomUUID } from 'node:crypto';
import type { SyncPoliciesResult } from '../../src/activities/syncPolicies';
import {
  completeTypeCapture,
  releaseRunCapture,
  restartTypeCapture,
  takeCaptureOwnership,
} from '../../src/db/capture';
import { CaptureSupersededError, writePolicyPage } from '../../src/db/policies';
import type { PolicyTypeKey } from '../../src/graph';
import { directActivities } from '../support/activities';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, waitForRun } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
// Small pages: many writes per type, so runs interleave page by page.
useStackWithEmulator({ emulatorPageSize: 4 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const TYPES: PolicyTypeKey[] = ['deviceConfiguration', 'compliance', 'settingsCatalog'];

test('overlapping runs over the same types: every set equals the tenant, nothing reported removed', async () => {
  const { emulated, tenant } = await admin.createTenant(200);
  const counts = await admin.counts(emulated.azureTenantId);
  const expected = TYPES.reduce((sum, type) => sum + counts[type], 0);
  await admin.setFaults(emulated.azureTenantId, { rate429: 0.15, rate5xx: 0.05, retryAfterSeconds: 0 });

  const schedules = [];
  for (let i = 0; i < 4; i += 1)
    schedules.push(await createSchedule(stack, tenant.id, { policyTypes: TYPES }));
  // Started together, as a bulk run would.
  const bulk = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules/bulk`, {
    method: 'POST',
    body: { action: 'run', scheduleIds: schedules.map((schedule) => schedule.id) },
  });
  expect(bulk.status).toBe(200);
  const runs = await Promise.all(
    bulk.body.results.map((result: { runId: string }) => waitForRun(stack, tenant.id, result.runId, 180_000)),
  );

  for (const run of runs) {
    expect({ run: run.id, status: run.status }).toEqual({ run: run.id, status: 'succeeded' });
    for (const type of TYPES) {
      expect({ type, ...run.summary.types[type] }).toMatchObject({
        type,
        outcome: 'ok',
        fetched: counts[type],
        removed: 0,
      });
    }
    const set = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${run.backupSetId}`);
    expect({ run: run.id, items: set.body.itemCount }).toEqual({ run: run.id, items: expected });
    expect(run.summary.totals.itemCount).toBe(expected);
    expect(run.summary.changes.removed).toBe(0);
  }
  // The tenant's current state agrees too: nothing that exists is marked deleted.
  expect(await stack.db.policy.count({ where: { tenantId: tenant.id, deletedAt: { not: null } } })).toBe(0);
}, 300_000);

test('a set that would not hold exactly what its run fetched is never written', async () => {
  const { tenant } = await admin.createTenant(60);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: TYPES });
  const { activities, env, close } = directActivities(stack);
  const snapshot = (runId: string, policyTypes: string[]) =>
    env.run(activities.createSnapshot, { runId, tenantId: tenant.id, scheduleId: schedule.id, policyTypes });
  try {
    const runId = randomUUID();
    const types: SyncPoliciesResult = await env.run(activities.syncPolicies, {
      runId,
      tenantId: tenant.id,
      policyTypes: TYPES,
    });
    for (const type of TYPES) expect(types[type]?.outcome).toBe('ok');

    // A type the run did not capture completely cannot be part of its set.
    await expect(snapshot(runId, [...TYPES, 'powershellScripts'])).rejects.toMatchObject({
      type: 'capture_mismatch',
      nonRetryable: true,
    });
    // A capture that lost a policy after the sync counted it.
    const victim = await stack.db.runCapturedItem.findFirstOrThrow({
      where: { runId, policyType: 'compliance' },
    });
    await stack.db.runCapturedItem.delete({
      where: { runId_policyType_graphId: { runId, policyType: 'compliance', graphId: victim.graphId } },
    });
    await expect(snapshot(runId, TYPES)).rejects.toMatchObject({
      type: 'capture_mismatch',
      message: expect.stringContaining(`compliance: the run fetched ${types.compliance?.fetched}`),
    });
    expect(await stack.db.backupSet.count({ where: { runId } })).toBe(0);
    expect(
      await stack.db.auditLog.count({ where: { tenantId: tenant.id, action: 'backup_set.created' } }),
    ).toBe(0);
  } finally {
    await close();
  }
});

test('an older sync attempt still running cannot write, restart or complete the capture a newer one owns', async () => {
  const { tenant } = await admin.createTenant(60);
  const runId = randomUUID();
  const row = (graphId: string) => {
    const json = JSON.stringify({ id: graphId });
    return {
      graphId,
      displayName: graphId,
      canonicalJson: json,
      sha256: createHash('sha256').update(json).digest('hex'),
      sizeBytes: json.length,
      graphLastModified: null,
    };
  };
  const target = (attempt: number) => ({ runId, attempt, tenantId: tenant.id, policyType: 'compliance' });

  await takeCaptureOwnership(stack.db, { runId, attempt: 1 });
  await writePolicyPage(stack.db, target(1), [row('a')]);
  // Temporal started attempt 2 while attempt 1 still runs.
  await takeCaptureOwnership(stack.db, { runId, attempt: 2 });
  await expect(takeCaptureOwnership(stack.db, { runId, attempt: 1 })).rejects.toBeInstanceOf(
    CaptureSupersededError,
  );
  await expect(writePolicyPage(stack.db, target(1), [row('zombie')])).rejects.toBeInstanceOf(
    CaptureSupersededError,
  );
  await expect(restartTypeCapture(stack.db, target(1))).rejects.toBeInstanceOf(CaptureSupersededError);
  await expect(completeTypeCapture(stack.db, target(1), new Date())).rejects.toBeInstanceOf(
    CaptureSupersededError,
  );
  await restartTypeCapture(stack.db, target(2));
  await writePolicyPage(stack.db, target(2), [row('b')]);
  expect(await completeTypeCapture(stack.db, target(2), new Date())).toMatchObject({ fetched: 1 });
  const captured = await stack.db.runCapturedItem.findMany({ where: { runId } });
  expect(captured.map((item) => item.graphId)).toEqual(['b']);
  expect(await stack.db.policy.count({ where: { tenantId: tenant.id, graphId: 'zombie' } })).toBe(0);

  // The run's end closes the capture: no attempt writes to it any more.
  await releaseRunCapture(stack.db, runId);
  await expect(writePolicyPage(stack.db, target(2), [row('late')])).rejects.toBeInstanceOf(
    CaptureSupersededError,
  );
  expect(await stack.db.runCapturedItem.count({ where: { runId } })).toBe(0);
});
