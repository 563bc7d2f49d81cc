// History that one token cannot erase: lowering keepLast (or the tenant's minimum) waits out a
// grace period, held sets are never deleted, and the newest set holding a type the newer sets
// lack is kept. Deletions name who caused them; every retention change is audited.
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { runToCompletion, timeFarFromNow } from '../support/runs';
import type { TestStack, TestUser } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const DAY = 24 * 60 * 60 * 1000;

async function setsOf(scheduleId: string): Promise<string[]> {
  const sets = await stack.db.backupSet.findMany({
    where: { scheduleId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return sets.map((set) => set.id);
}

async function retentionAudit(tenantId: string) {
  const rows = await stack.db.auditLog.findMany({
    where: { tenantId, action: 'retention.deleted_backup_sets' },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => ({ actor: row.actor, ...(row.metadata as object) }));
}

/** A tenant with a manager and an owner, and a schedule the manager made. */
async function tenantWithSchedule(overrides: Record<string, unknown>) {
  const { tenant } = await admin.createTenant(60);
  const manager = await stack.userWithRole('manager', tenant.id);
  const owner = await stack.userWithRole('owner', tenant.id);
  const created = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules`, {
    method: 'POST',
    token: manager.token,
    body: { ...scheduleDefaults, ...overrides },
  });
  expect(created.status).toBe(201);
  return { tenant, manager, owner, scheduleId: created.body.id as string };
}

const scheduleDefaults = {
  name: 'nightly',
  frequency: 'daily',
  timeOfDay: timeFarFromNow(),
  timezone: 'Europe/Berlin',
  policyTypes: ['compliance'],
  retention: { keepLast: 3 },
};

async function runs(tenantId: string, scheduleId: string, count: number) {
  const done = [];
  for (let i = 0; i < count; i += 1) {
    const run = await runToCompletion(stack, tenantId, scheduleId);
    expect(run.status).toBe('succeeded');
    done.push(run);
  }
  return done;
}

/** As if `days` had passed for what retention's safeguards wait on. */
async function letDaysPass(tenantId: string, days: number) {
  await stack.db.$executeRaw`
    UPDATE backup_schedules SET retention_reduced_until = retention_reduced_until - make_interval(days => ${days})
    WHERE tenant_id = ${tenantId}::uuid`;
  await stack.db.$executeRaw`
    UPDATE tenants SET retention_reduced_until = retention_reduced_until - make_interval(days => ${days})
    WHERE id = ${tenantId}::uuid`;
  await stack.db.$executeRaw`
    UPDATE backup_set_holds h SET protects_until = protects_until - make_interval(days => ${days})
    FROM backup_sets s WHERE s.id = h.backup_set_id AND s.tenant_id = ${tenantId}::uuid`;
}

test('a lowered keepLast deletes nothing more until the grace period ends, then names who lowered it', async () => {
  const { tenant, manager, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 3 } });
  await runs(tenant.id, scheduleId, 4);
  const afterAgeing = await setsOf(scheduleId);
  expect(afterAgeing).toHaveLength(3);

  const lowered = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules/${scheduleId}`, {
    method: 'PATCH',
    token: manager.token,
    body: { retention: { keepLast: 1 } },
  });
  expect(lowered.status).toBe(200);
  expect(lowered.body.retention).toMatchObject({
    keepLast: 1,
    reduction: { keepLast: 3, by: `user:${manager.userId}` },
  });
  const until = new Date(lowered.body.retention.reduction.inForceUntil).getTime();
  expect(Math.abs(until - (Date.now() + 7 * DAY))).toBeLessThan(60_000);
  const change = await stack.db.auditLog.findFirstOrThrow({
    where: { tenantId: tenant.id, action: 'backup_schedule.retention_changed' },
  });
  expect(change.actor).toBe(`user:${manager.userId}`);
  expect(change.metadata).toMatchObject({ from: { keepLast: 3 }, to: { keepLast: 1 }, keepLastInForce: 3 });

  // The lowering and a run right after it: only plain ageing, as before.
  const [next] = await runs(tenant.id, scheduleId, 1);
  expect(next.summary.retention).toMatchObject({ keepLast: 3, deletedBackupSetIds: [afterAgeing[2]] });
  expect(await setsOf(scheduleId)).toHaveLength(3);

  await letDaysPass(tenant.id, 8);
  const kept = await setsOf(scheduleId);
  const [afterGrace] = await runs(tenant.id, scheduleId, 1);
  expect(afterGrace.summary.retention.keepLast).toBe(1);
  expect(await setsOf(scheduleId)).toEqual([afterGrace.backupSetId]);
  // One run's deletions are audited per cause: the sets keepLast 3 would have kept are the
  // manager's doing, the oldest one was ageing anyway.
  const audit = await retentionAudit(tenant.id);
  expect(audit).toHaveLength(4);
  const last = audit.filter((row) => (row as { runId?: string }).runId === afterGrace.id);
  expect(last).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        actor: `user:${manager.userId}`,
        cause: 'retention_reduced',
        deletedBackupSetIds: kept.slice(0, 2),
      }),
      expect.objectContaining({ actor: 'system', cause: 'ageing', deletedBackupSetIds: [kept[2]] }),
    ]),
  );
  expect(audit.filter((row) => row.actor === 'system')).toHaveLength(3);
}, 180_000);

test("the tenant minimum is the owner's; lowering it waits out the grace period too", async () => {
  const { tenant, manager, owner, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 1 } });
  const path = `/v1/tenants/${tenant.id}/retention`;
  const put = (user: TestUser, body: unknown) => stack.api(path, { method: 'PUT', token: user.token, body });
  expect((await put(manager, { minKeepLast: 4, graceDays: 7 })).status).toBe(403);
  const raised = await put(owner, { minKeepLast: 4, graceDays: 7 });
  expect(raised.status).toBe(200);
  expect(raised.body).toEqual({ minKeepLast: 4, graceDays: 7, reduction: null });
  await runs(tenant.id, scheduleId, 5);
  expect(await setsOf(scheduleId)).toHaveLength(4);

  // Lowering the minimum and the grace period at once: both wait out the old grace period.
  const lowered = await put(owner, { minKeepLast: 1, graceDays: 0 });
  expect(lowered.body).toMatchObject({
    minKeepLast: 1,
    graceDays: 0,
    reduction: { minKeepLast: 4, graceDays: 7, by: `user:${owner.userId}` },
  });
  await runs(tenant.id, scheduleId, 1);
  expect(await setsOf(scheduleId)).toHaveLength(4);
  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: tenant.id, action: 'tenant.retention_changed' },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((row) => row.metadata)).toEqual([
    { from: { minKeepLast: 1, graceDays: 7 }, to: { minKeepLast: 4, graceDays: 7 } },
    {
      from: { minKeepLast: 4, graceDays: 7 },
      to: { minKeepLast: 1, graceDays: 0 },
      previousInForceUntil: expect.any(String),
    },
  ]);

  await letDaysPass(tenant.id, 8);
  await runs(tenant.id, scheduleId, 1);
  expect(await setsOf(scheduleId)).toHaveLength(1);
  const deletions = await retentionAudit(tenant.id);
  expect(deletions).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ actor: `user:${owner.userId}`, cause: 'retention_reduced' }),
    ]),
  );
}, 180_000);

test('a held set is never deleted, by retention or by hand, until the grace period after its release', async () => {
  const { tenant, manager, owner, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 1 } });
  const [first] = await runs(tenant.id, scheduleId, 1);
  const holdPath = `/v1/tenants/${tenant.id}/backup-sets/${first.backupSetId}/legal-hold`;
  const placed = await stack.api(holdPath, {
    method: 'PUT',
    token: manager.token,
    body: { reason: 'case 2026-117' },
  });
  expect(placed.status).toBe(200);
  expect(placed.body).toMatchObject({
    reason: 'case 2026-117',
    placedBy: `user:${manager.userId}`,
    releasedAt: null,
  });

  const [second] = await runs(tenant.id, scheduleId, 1);
  expect(second.summary.retention).toMatchObject({
    deletedBackupSetIds: [],
    keptForHold: [first.backupSetId],
  });
  const set = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${first.backupSetId}`);
  expect(set.body.legalHold).toMatchObject({ reason: 'case 2026-117' });
  await expect(stack.db.backupSet.delete({ where: { id: first.backupSetId } })).rejects.toThrow(/legal hold/);

  // Releasing is the owner's, and the set stays protected for the grace period.
  expect((await stack.api(holdPath, { method: 'DELETE', token: manager.token })).status).toBe(403);
  const released = await stack.api(holdPath, { method: 'DELETE', token: owner.token });
  expect(released.status).toBe(200);
  expect(new Date(released.body.protectsUntil).getTime()).toBeGreaterThan(Date.now() + 6 * DAY);
  expect((await stack.api(holdPath, { method: 'DELETE', token: owner.token })).status).toBe(409);
  await runs(tenant.id, scheduleId, 1);
  expect(await setsOf(scheduleId)).toContain(first.backupSetId);

  await letDaysPass(tenant.id, 8);
  const [last] = await runs(tenant.id, scheduleId, 1);
  expect(last.summary.retention.deletedBackupSetIds).toContain(first.backupSetId);
  expect(
    await stack.db.auditLog.count({
      where: { tenantId: tenant.id, action: { startsWith: 'backup_set.legal_hold' } },
    }),
  ).toBe(2);
}, 180_000);

test("narrowing a schedule's types keeps the newest set of each type it dropped", async () => {
  const { tenant, manager, scheduleId } = await tenantWithSchedule({
    policyTypes: ['compliance', 'deviceConfiguration'],
    retention: { keepLast: 1 },
  });
  const [wide] = await runs(tenant.id, scheduleId, 1);
  const narrowed = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules/${scheduleId}`, {
    method: 'PATCH',
    token: manager.token,
    body: { policyTypes: ['compliance'] },
  });
  expect(narrowed.status).toBe(200);
  const [first, second] = await runs(tenant.id, scheduleId, 2);
  expect(first.summary.retention).toMatchObject({
    deletedBackupSetIds: [],
    keptForTypes: [{ id: wide.backupSetId, policyTypes: ['deviceConfiguration'] }],
  });
  expect(second.summary.retention.deletedBackupSetIds).toEqual([first.backupSetId]);
  expect(await setsOf(scheduleId)).toEqual([second.backupSetId, wide.backupSetId]);
}, 180_000);
