// Offboarding a tenant (DELETE /v1/tenants/{id}): its schedules leave Temporal, its secret is
// erased, its data stays read-only until the TenantPurge workflow deletes all of it; afterwards
// no table of the database holds anything of the tenant but the platform's purge record.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import type { ActivityDeps } from '../../src/activities/deps';
import { createPurgeTenant } from '../../src/activities/tenantPurge';
import { insertBaseline } from '../../src/db/baselines';
import { placeHold } from '../../src/db/retention';
import { reconcileOnce } from '../../src/reconciler/runReconciler';
import { tenantPurgeWorkflowId } from '../../src/shared/constants';
import { insertSchedule, type ScheduleFields } from '../../src/db/schedules';
import { markPurgeStarted } from '../../src/db/tenantPurge';
import { startManualRun } from '../../src/services/runs';
import { createSchedule as createScheduleService } from '../../src/services/schedules';
import { updateTenant } from '../../src/services/tenants';
import { describeTemporalSchedule, upsertTemporalSchedule } from '../../src/temporal/scheduleSync';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion, timeFarFromNow } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const offboard = (tenantId: string, body: unknown, query = '', token?: string) =>
  stack.api(`/v1/tenants/${tenantId}${query}`, { method: 'DELETE', body, ...(token ? { token } : {}) });

const silent = pino({ level: 'silent' });
/** A schedule that never fires during the tests. */
const lateSchedule = (): ScheduleFields => ({
  name: 'late',
  enabled: true,
  frequency: 'daily',
  minute: null,
  timeOfDay: timeFarFromNow(),
  daysOfWeek: [],
  timezone: 'UTC',
  policyTypes: ['compliance'],
  retentionKeepLast: 1,
});
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'done',
    (error: Error & { code?: string }) => error.code ?? error.message,
  );

/** A tenant with a schedule in Temporal and a backup set (made by a real run when `run`). */
async function tenantWithData(run: boolean) {
  const { tenant } = await admin.createTenant(50);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['compliance', 'settingsCatalog'] });
  if (run) expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');
  else await setOf(tenant.id, schedule.id);
  const set = await stack.db.backupSet.findFirstOrThrow({ where: { tenantId: tenant.id } });
  return { tenant, scheduleId: schedule.id, setId: set.id };
}

/** Rows of every table whose uuid or text columns hold one of `ids`, by table.column. */
async function rowsNaming(ids: string[]): Promise<Record<string, number>> {
  const columns = await stack.db.$queryRaw<{ table_name: string; column_name: string }[]>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type IN ('uuid', 'text')
      AND c.table_name <> '_prisma_migrations'`;
  const found: Record<string, number> = {};
  for (const { table_name: table, column_name: column } of columns) {
    const [{ count }] = await stack.db.$queryRawUnsafe<[{ count: number }]>(
      `SELECT count(*)::int AS count FROM "${table}" WHERE "${column}"::text = ANY($1::text[])
         AND NOT (${table === 'audit_logs' ? `action = 'tenant.purged' AND tenant_id IS NULL` : 'false'})`,
      ids,
    );
    if (count > 0) found[`${table}.${column}`] = count;
  }
  return found;
}

test('purge=now deletes everything of the tenant, in every table and in Temporal, but payloads another tenant shares', async () => {
  const { tenant, scheduleId, setId } = await tenantWithData(true);
  const owner = await stack.userWithRole('owner', tenant.id);
  const baseline = await insertBaseline(stack.db, {
    name: 'gold',
    tenantId: tenant.id,
    backupSetId: setId,
    createdBy: 'system',
  });
  // Another tenant's subscription to this tenant's baseline goes with it.
  await stack.db.baselineSubscription.create({
    data: { tenantId: stack.tenant.id, baselineId: baseline.id, createdBy: 'system' },
  });
  const channel = await stack.db.notificationChannel.create({
    data: { tenantId: tenant.id, name: 'ops', kind: 'in_app', enabled: false, createdBy: 'system' },
  });
  const event = await stack.db.notificationEvent.create({
    data: { tenantId: tenant.id, type: 'notification.test', causeKey: `t:${randomUUID()}`, data: {} },
  });
  await stack.db.notificationDelivery.create({
    data: { channelId: channel.id, eventId: event.id, webhookId: `msg_${randomUUID().replaceAll('-', '')}` },
  });
  await stack.db.notification.create({
    data: { userId: owner.userId, tenantId: tenant.id, kind: 'test', title: 't', body: 'b' },
  });
  await stack.db.restore.create({
    data: {
      tenantId: tenant.id,
      backupSetId: setId,
      status: 'succeeded',
      mode: 'in_place',
      assignments: 'restore',
      conditionalAccessState: 'report_only',
      selection: {},
      requestedBy: 'system',
      finishedAt: new Date(),
    },
  });
  // One of its payloads is also held by a set of the stack's tenant: it must survive the purge.
  const items = await stack.db.backupItem.findMany({ where: { backupSetId: setId } });
  expect(items.length).toBeGreaterThan(1);
  const [shared, ...own] = items.map((item) => item.payloadHash);
  const otherSchedule = await createSchedule(stack, stack.tenant.id, {
    enabled: false,
    policyTypes: ['compliance'],
  });
  const otherRun = await stack.db.backupScheduleRun.create({
    data: {
      tenantId: stack.tenant.id,
      scheduleId: otherSchedule.id,
      workflowId: `t-${randomUUID()}`,
      trigger: 'manual',
      status: 'succeeded',
    },
  });
  const otherSet = await stack.db.backupSet.create({
    data: {
      tenantId: stack.tenant.id,
      scheduleId: otherSchedule.id,
      runId: otherRun.id,
      itemCount: 1,
      totalBytes: 1,
      newPayloadBytes: 0,
    },
  });
  const { policyType, graphId, displayName } = items[0]!;
  await stack.db.backupItem.create({
    data: { backupSetId: otherSet.id, policyType, graphId, displayName, payloadHash: shared! },
  });

  const ids = [
    tenant.id,
    scheduleId,
    ...(await stack.db.backupScheduleRun.findMany({ where: { tenantId: tenant.id } })).map((row) => row.id),
    ...(await stack.db.backupSet.findMany({ where: { tenantId: tenant.id } })).map((row) => row.id),
    ...(await stack.db.restore.findMany({ where: { tenantId: tenant.id } })).map((row) => row.id),
    baseline.id,
    channel.id,
    event.id,
  ];
  expect(Object.keys(await rowsNaming(ids)).length).toBeGreaterThan(10);

  const response = await offboard(tenant.id, { confirmSlug: tenant.slug }, '?purge=now');
  expect(response.status).toBe(202);
  expect(response.body).toMatchObject({ hasClientSecret: false, schedulesDeleted: 1 });
  const result = await stack.temporal.workflow.getHandle(tenantPurgeWorkflowId(tenant.id)).result();
  expect(result.deleted.backup_sets).toBe(1);

  expect(await rowsNaming(ids)).toEqual({});
  const payloads = await stack.db.backupPayload.findMany({ where: { hash: { in: [shared!, ...own] } } });
  expect(payloads.map((payload) => payload.hash)).toEqual([shared]);
  for await (const summary of stack.temporal.schedule.list())
    expect(summary.scheduleId).not.toContain(scheduleId);
  // The platform's record: the tenant id and counts, no slug, name or Azure id.
  const record = await stack.db.auditLog.findFirstOrThrow({
    where: { action: 'tenant.purged', resourceId: tenant.id },
  });
  expect(record).toMatchObject({ tenantId: null, metadata: { trigger: 'now', deleted: { backup_sets: 1 } } });
  for (const secretive of [tenant.slug, tenant.displayName, tenant.azureTenantId, tenant.clientId])
    expect(JSON.stringify(record)).not.toContain(secretive);
  // The owner's user stays (users are not a tenant's), without the membership.
  expect(await stack.db.user.findUnique({ where: { id: owner.userId } })).not.toBeNull();
});

test('offboarding keeps the tenant read-only until its purge, which waits for legal holds', async () => {
  const { tenant, scheduleId, setId } = await tenantWithData(false);
  const owner = await stack.userWithRole('owner', tenant.id);
  const before = await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });

  for (const body of [{}, { confirmSlug: `${tenant.slug}-x` }, { confirmSlug: tenant.slug.toUpperCase() }]) {
    const refused = await offboard(tenant.id, body);
    expect([refused.status, refused.body.errors?.map((e: { field: string }) => e.field)]).toEqual([
      422,
      ['confirmSlug'],
    ]);
  }
  expect((await offboard(tenant.id, { confirmSlug: tenant.slug }, '', owner.token)).status).toBe(403);
  expect(await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toEqual(before);
  expect(await scheduleInTemporal(scheduleId)).toBe(true);

  const done = await offboard(tenant.id, { confirmSlug: tenant.slug });
  expect(done.status).toBe(202);
  const days = (Date.parse(done.body.purgeAfter) - Date.parse(done.body.offboardedAt)) / 86_400_000;
  expect(days).toBe(30);
  const row = await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
  expect(row).toMatchObject({ clientSecret: '', secretKeyId: 'erased', clientId: before.clientId });
  expect(await scheduleInTemporal(scheduleId)).toBe(false);
  // A schedule a create that passed its check just before the offboarding made, in Temporal too:
  // the reconciler deletes it, and recreates neither.
  const late = await insertSchedule(stack.db, tenant.id, lateSchedule());
  await upsertTemporalSchedule(stack.temporal, late, tenant.slug);
  await reconcileOnce({ db: stack.db, temporal: stack.temporal, logger: silent });
  expect(await scheduleInTemporal(scheduleId)).toBe(false);
  expect(await scheduleInTemporal(late.id)).toBe(false);
  expect(
    (await stack.db.backupSchedule.findUniqueOrThrow({ where: { id: late.id } })).deletedAt,
  ).not.toBeNull();

  // Reads work, writes answer 409 (the owner's as much as a platform admin's).
  expect((await stack.api(`/v1/tenants/${tenant.id}`)).body).toMatchObject({
    hasClientSecret: false,
    purgeAfter: done.body.purgeAfter,
  });
  expect(
    (await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${setId}`, { token: owner.token })).status,
  ).toBe(200);
  for (const [method, path, token] of [
    ['POST', `/v1/tenants/${tenant.id}/backup-schedules/${scheduleId}/run`, undefined],
    ['PATCH', `/v1/tenants/${tenant.id}`, owner.token],
  ] as const) {
    const refused = await stack.api(path, {
      method,
      body: method === 'PATCH' ? { displayName: 'x' } : undefined,
      token,
    });
    expect([path, refused.status, refused.body.code]).toEqual([path, 409, 'tenant_offboarded']);
  }
  const handle = stack.temporal.workflow.getHandle(tenantPurgeWorkflowId(tenant.id));
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // Repeated: the same offboarding.
  const again = await offboard(tenant.id, { confirmSlug: tenant.slug });
  expect([again.status, again.body.purgeAfter, again.body.offboardedAt]).toEqual([
    202,
    done.body.purgeAfter,
    done.body.offboardedAt,
  ]);

  // A legal hold (still placeable on an offboarded tenant) refuses purge=now and changes nothing.
  await placeHold(stack.db, setId, { reason: 'case 7', by: 'system' });
  const held = await offboard(tenant.id, { confirmSlug: tenant.slug }, '?purge=now');
  expect([held.status, held.body.code]).toEqual([409, 'tenant_under_legal_hold']);
  expect((await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).purgeAfter).toEqual(
    row.purgeAfter,
  );
  const released = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${setId}/legal-hold`, {
    method: 'DELETE',
  });
  expect(released.status).toBe(200);

  expect((await offboard(tenant.id, { confirmSlug: tenant.slug }, '?purge=now')).status).toBe(202);
  await handle.result();
  expect(await stack.db.tenant.findUnique({ where: { id: tenant.id } })).toBeNull();
  expect((await stack.api(`/v1/tenants/${tenant.id}`)).status).toBe(404);
  expect(await stack.db.auditLog.count({ where: { tenantId: tenant.id } })).toBe(0);
});

test('writes that raced the offboarding or name the tenant in the body are refused; the purge waits for runs to end', async () => {
  const { tenant, scheduleId, setId } = await tenantWithData(false);
  const owner = await stack.userWithRole('owner', tenant.id);
  expect((await offboard(tenant.id, { confirmSlug: tenant.slug })).status).toBe(202);

  // What the handlers call once authorization let them through just before the DELETE committed.
  const deps = { db: stack.db, temporal: stack.temporal, logger: silent };
  const live = await insertSchedule(stack.db, tenant.id, lateSchedule());
  expect({
    patch: await codeOf(
      updateTenant(stack.db, stack.secrets, tenant.id, { clientSecret: 'new-123' }, owner.userId),
    ),
    schedule: await codeOf(
      createScheduleService(deps, tenant.id, { ...lateSchedule(), name: 'later' }, owner.userId),
    ),
    run: await codeOf(startManualRun(deps, tenant.id, live.id, owner.userId)),
  }).toEqual({ patch: 'tenant_offboarded', schedule: 'tenant_offboarded', run: 'tenant_offboarded' });
  expect(await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject(ERASED);
  expect(await stack.db.backupScheduleRun.count({ where: { scheduleId: live.id } })).toBe(0);

  // Routes without :tenantId that write the tenant named in their body.
  const pinned = await stack.api('/v1/baselines', {
    method: 'POST',
    body: { name: 'after-offboarding', tenantId: tenant.id, backupSetId: setId },
    token: owner.token,
  });
  const other = await insertBaseline(stack.db, {
    name: `other-${randomUUID()}`,
    tenantId: stack.tenant.id,
    backupSetId: (await setOf(stack.tenant.id)).id,
    createdBy: 'system',
  });
  const mapped = await stack.api(`/v1/baselines/${other.id}/mappings`, {
    method: 'PUT',
    body: { tenantId: tenant.id, mappings: [] },
  });
  expect([pinned.status, pinned.body.code, mapped.status, mapped.body.code]).toEqual([
    409,
    'tenant_offboarded',
    409,
    'tenant_offboarded',
  ]);

  // A run it asked to cancel that has not ended yet: the purge refuses to begin (and retries).
  const running = await stack.db.backupScheduleRun.create({
    data: {
      tenantId: tenant.id,
      scheduleId,
      workflowId: `t-${randomUUID()}`,
      trigger: 'manual',
      status: 'running',
    },
  });
  const purge = createPurgeTenant({ db: stack.db, logger: silent } as ActivityDeps);
  await expect(
    new MockActivityEnvironment().run(purge, { tenantId: tenant.id, trigger: 'now' as const }),
  ).rejects.toThrow(/waiting for 1 run\(s\) and 0 restore\(s\)/);
  expect(await stack.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({
    purgeStartedAt: null,
  });
  await stack.db.backupScheduleRun.update({
    where: { id: running.id },
    data: { status: 'canceled', finishedAt: new Date() },
  });
  await expect(
    new MockActivityEnvironment().run(purge, { tenantId: tenant.id, trigger: 'now' as const }),
  ).resolves.toMatchObject({ status: 'purged' });
  expect(await stack.db.tenant.findUnique({ where: { id: tenant.id } })).toBeNull();
  await stack.temporal.workflow.getHandle(tenantPurgeWorkflowId(tenant.id)).terminate('test: purged by hand');
});

test('the reconciler restarts a purge that is not running; a hold is refused once the purge has begun', async () => {
  const { tenant, setId } = await tenantWithData(false);
  expect((await offboard(tenant.id, { confirmSlug: tenant.slug })).status).toBe(202);
  const handle = stack.temporal.workflow.getHandle(tenantPurgeWorkflowId(tenant.id));
  const first = (await handle.describe()).runId;
  await handle.terminate('test: an operator ended it');

  await reconcileOnce({ db: stack.db, temporal: stack.temporal, logger: silent });
  const restarted = await stack.temporal.workflow.getHandle(tenantPurgeWorkflowId(tenant.id)).describe();
  expect([restarted.status.name, restarted.runId === first]).toEqual(['RUNNING', false]);

  // The purge activity has checked the holds and begun deleting: a hold now would stop it halfway.
  expect(await markPurgeStarted(stack.db, tenant.id)).toBe(true);
  const hold = await stack.api(`/v1/tenants/${tenant.id}/backup-sets/${setId}/legal-hold`, {
    method: 'PUT',
    body: { reason: 'case 9' },
  });
  expect([hold.status, hold.body.code]).toEqual([409, 'tenant_purge_started']);
  expect(await stack.db.backupSetHold.count({ where: { backupSetId: setId } })).toBe(0);
  await handle.terminate('test: done');
});

const ERASED = { clientSecret: '', secretKeyId: 'erased' };

/** A backup set (no items) of the schedule, or of a new disabled schedule of the tenant. */
async function setOf(tenantId: string, givenScheduleId?: string) {
  const scheduleId =
    givenScheduleId ??
    (await createSchedule(stack, tenantId, { enabled: false, policyTypes: ['compliance'] })).id;
  const run = await stack.db.backupScheduleRun.create({
    data: { tenantId, scheduleId, workflowId: `t-${randomUUID()}`, trigger: 'manual', status: 'succeeded' },
  });
  return stack.db.backupSet.create({
    data: { tenantId, scheduleId, runId: run.id, itemCount: 0, totalBytes: 0, newPayloadBytes: 0 },
  });
}

async function scheduleInTemporal(scheduleId: string): Promise<boolean> {
  const row = await stack.db.backupSchedule.findUniqueOrThrow({
    where: { id: scheduleId },
    include: { tenant: true },
  });
  return (await describeTemporalSchedule(stack.temporal, row, row.tenant.slug)) !== undefined;
}
