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
  // The product's default grace period (test support makes it 0 for the other tests).
  await stack.db.tenant.update({ where: { id: tenant.id }, data: { retentionGraceDays: 7 } });
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

/**
 * As if `days` had passed for the tenant: its sets, pending reductions and released holds are
 * moved that far into the past. Sets are immutable, so their trigger is lifted for the update.
 */
async function letDaysPass(tenantId: string, days: number) {
  const shift = (iso: unknown) => new Date(Date.parse(String(iso)) - days * DAY).toISOString();
  const shiftAll = (reductions: unknown) =>
    (reductions as { inForceUntil: string }[]).map((r) => ({ ...r, inForceUntil: shift(r.inForceUntil) }));
  const tenant = await stack.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  await stack.db.tenant.update({
    where: { id: tenantId },
    data: { retentionReductions: shiftAll(tenant.retentionReductions) },
  });
  for (const schedule of await stack.db.backupSchedule.findMany({ where: { tenantId } })) {
    await stack.db.backupSchedule.update({
      where: { id: schedule.id },
      data: { retentionReductions: shiftAll(schedule.retentionReductions) },
    });
  }
  await stack.db.$transaction([
    stack.db.$executeRawUnsafe('ALTER TABLE backup_sets DISABLE TRIGGER backup_sets_immutable'),
    stack.db.$executeRaw`
      UPDATE backup_sets SET created_at = created_at - make_interval(days => ${days})
      WHERE tenant_id = ${tenantId}::uuid`,
    stack.db.$executeRawUnsafe('ALTER TABLE backup_sets ENABLE TRIGGER backup_sets_immutable'),
  ]);
  await stack.db.$executeRaw`
    UPDATE backup_set_holds h SET protects_until = protects_until - make_interval(days => ${days})
    FROM backup_sets s WHERE s.id = h.backup_set_id AND s.tenant_id = ${tenantId}::uuid`;
}

test('sets younger than the grace period are never deleted: run now, over and over, keeps history', async () => {
  const { tenant, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 2 } });
  await runs(tenant.id, scheduleId, 3);
  // All three are younger than the grace period: none counts towards keepLast, none goes.
  expect(await setsOf(scheduleId)).toHaveLength(3);
  await letDaysPass(tenant.id, 8);
  const history = await setsOf(scheduleId);

  const burst = await runs(tenant.id, scheduleId, 5);
  // The oldest of three was beyond keepLast anyway (plain ageing); the five new sets pushed
  // nothing else out.
  expect(burst[0].summary.retention).toMatchObject({ keepLast: 2, deletedBackupSetIds: [history[2]] });
  for (const run of burst.slice(1)) expect(run.summary.retention.deletedBackupSetIds).toEqual([]);
  expect(await setsOf(scheduleId)).toEqual([
    ...burst.map((run) => run.backupSetId).reverse(),
    ...history.slice(0, 2),
  ]);
}, 180_000);

test('a lowered keepLast deletes nothing more until the grace period ends, then names who lowered it', async () => {
  const { tenant, manager, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 3 } });
  await runs(tenant.id, scheduleId, 4);
  await letDaysPass(tenant.id, 8);

  const lowered = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules/${scheduleId}`, {
    method: 'PATCH',
    token: manager.token,
    body: { retention: { keepLast: 1 } },
  });
  expect(lowered.status).toBe(200);
  expect(lowered.body.retention).toMatchObject({
    keepLast: 1,
    pendingReductions: [{ keepLast: 3, by: `user:${manager.userId}` }],
  });
  const until = new Date(lowered.body.retention.pendingReductions[0].inForceUntil).getTime();
  expect(Math.abs(until - (Date.now() + 7 * DAY))).toBeLessThan(60_000);
  const change = await stack.db.auditLog.findFirstOrThrow({
    where: { tenantId: tenant.id, action: 'backup_schedule.retention_changed' },
  });
  expect(change.actor).toBe(`user:${manager.userId}`);
  expect(change.metadata).toMatchObject({ from: { keepLast: 3 }, to: { keepLast: 1 }, keepLastInForce: 3 });
  // Another edit of the schedule later neither restarts the grace period nor takes the blame.
  const renamed = await stack.api(`/v1/tenants/${tenant.id}/backup-schedules/${scheduleId}`, {
    method: 'PATCH',
    body: { name: 'renamed by the admin' },
  });
  expect(renamed.body.retention.pendingReductions).toEqual(lowered.body.retention.pendingReductions);

  // The lowering and a run right after it: only plain ageing, as before (keepLast 3 in force).
  const old = await setsOf(scheduleId);
  const [next] = await runs(tenant.id, scheduleId, 1);
  expect(next.summary.retention).toMatchObject({ keepLast: 3, deletedBackupSetIds: [old[3]] });

  await letDaysPass(tenant.id, 8);
  const [afterGrace] = await runs(tenant.id, scheduleId, 1);
  expect(afterGrace.summary.retention.keepLast).toBe(1);
  // Old now: the set of the run after the lowering and the three kept then.
  expect(await setsOf(scheduleId)).toEqual([afterGrace.backupSetId, next.backupSetId]);
  const audit = await retentionAudit(tenant.id);
  expect(audit.filter((row) => (row as { runId?: string }).runId === afterGrace.id)).toEqual(
    expect.arrayContaining([
      // The sets keepLast 3 kept are the manager's doing.
      expect.objectContaining({
        actor: `user:${manager.userId}`,
        cause: 'retention_reduced',
        deletedBackupSetIds: old.slice(0, 2),
      }),
      expect.objectContaining({ actor: 'system', cause: 'ageing', deletedBackupSetIds: [old[2]] }),
    ]),
  );
}, 180_000);

test("the tenant minimum is the owner's; lowering it waits out the grace period too", async () => {
  const { tenant, manager, owner, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 1 } });
  const path = `/v1/tenants/${tenant.id}/retention`;
  const put = (user: TestUser, body: unknown) => stack.api(path, { method: 'PUT', token: user.token, body });
  expect((await put(manager, { minKeepLast: 4, graceDays: 7 })).status).toBe(403);
  const raised = await put(owner, { minKeepLast: 4, graceDays: 7 });
  expect(raised.status).toBe(200);
  expect(raised.body).toEqual({ minKeepLast: 4, graceDays: 7, pendingReductions: [] });
  await runs(tenant.id, scheduleId, 5);
  await letDaysPass(tenant.id, 8);
  await runs(tenant.id, scheduleId, 1);
  expect(await setsOf(scheduleId)).toHaveLength(5);

  // Lowering the minimum and the grace period at once: both wait out the old grace period.
  const lowered = await put(owner, { minKeepLast: 1, graceDays: 0 });
  expect(lowered.body).toMatchObject({
    minKeepLast: 1,
    graceDays: 0,
    pendingReductions: [{ minKeepLast: 4, graceDays: 7, by: `user:${owner.userId}` }],
  });
  await runs(tenant.id, scheduleId, 1);
  expect(await setsOf(scheduleId)).toHaveLength(6);
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

  // Now keepLast 1 and no grace period: the new set is the one kept.
  await letDaysPass(tenant.id, 8);
  const [last] = await runs(tenant.id, scheduleId, 1);
  expect(await setsOf(scheduleId)).toEqual([last.backupSetId]);
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

  await runs(tenant.id, scheduleId, 1);
  await letDaysPass(tenant.id, 8);
  const [third] = await runs(tenant.id, scheduleId, 1);
  expect(third.summary.retention).toMatchObject({
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
  const [first] = await runs(tenant.id, scheduleId, 1);
  await letDaysPass(tenant.id, 8);
  const [second] = await runs(tenant.id, scheduleId, 1);
  expect(second.summary.retention).toMatchObject({
    deletedBackupSetIds: [],
    keptForTypes: [{ id: wide.backupSetId, policyTypes: ['deviceConfiguration'] }],
  });
  await letDaysPass(tenant.id, 8);
  const [third] = await runs(tenant.id, scheduleId, 1);
  expect(third.summary.retention.deletedBackupSetIds).toEqual([first.backupSetId]);
  expect(await setsOf(scheduleId)).toEqual([third.backupSetId, second.backupSetId, wide.backupSetId]);
}, 180_000);

test('a set a baseline pins is never deleted, by retention or by hand; deleting the baseline unpins it', async () => {
  const { tenant, manager, scheduleId } = await tenantWithSchedule({ retention: { keepLast: 1 } });
  const [first] = await runs(tenant.id, scheduleId, 1);
  const pinned = await stack.api('/v1/baselines', {
    method: 'POST',
    token: manager.token,
    body: { name: 'gold', tenantId: tenant.id, backupSetId: first.backupSetId },
  });
  expect(pinned.status).toBe(201);

  await runs(tenant.id, scheduleId, 1);
  await letDaysPass(tenant.id, 8);
  const [third] = await runs(tenant.id, scheduleId, 1);
  expect(third.summary.retention).toMatchObject({
    deletedBackupSetIds: [],
    keptForHold: [],
    keptForBaseline: [first.backupSetId],
  });
  await expect(stack.db.backupSet.delete({ where: { id: first.backupSetId } })).rejects.toThrow(
    /pinned by a baseline/,
  );

  const deleted = await stack.api(`/v1/baselines/${pinned.body.id}`, {
    method: 'DELETE',
    token: manager.token,
  });
  expect(deleted.status).toBe(204);
  const [last] = await runs(tenant.id, scheduleId, 1);
  expect(last.summary.retention.deletedBackupSetIds).toContain(first.backupSetId);
  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: tenant.id, action: { startsWith: 'baseline.' } },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((row) => [row.action, row.actor])).toEqual([
    ['baseline.created', `user:${manager.userId}`],
    ['baseline.deleted', `user:${manager.userId}`],
  ]);
}, 180_000);
