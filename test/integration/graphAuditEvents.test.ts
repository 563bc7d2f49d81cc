// Who changed what, through real backup runs against the emulator: the sync stores the tenant's
// Intune audit events since its cursor (each once), moves the cursor only on success, and a tenant
// whose app may not read the log still gets a succeeded run saying `permission_missing`.
import { randomUUID } from 'node:crypto';
import { actorsOf, auditCoverage, storeGraphAuditEvents } from '../../src/db/graphAuditEvents';
import { DEFAULT_GRANTS } from '../../src/emulator/graphSurface';
import { FETCH_OVERLAP_MINUTES } from '../../src/graph';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

interface GraphAuditEvent {
  id: string;
  activity: string;
  activityDateTime: string;
  actor: { userPrincipalName: string };
  resources: { resourceId: string }[];
}

/** Every Intune audit event of the tenant since `since`, as Graph lists them. */
async function graphEvents(emulated: EmulatedTenant, since: Date): Promise<GraphAuditEvent[]> {
  const all: GraphAuditEvent[] = [];
  const filter = encodeURIComponent(`activityDateTime ge ${since.toISOString()}`);
  let path: string | undefined = `/v1.0/deviceManagement/auditEvents?$filter=${filter}`;
  while (path) {
    const page = JSON.parse(await admin.rawGraphText(emulated, path)) as {
      value: GraphAuditEvent[];
      '@odata.nextLink'?: string;
    };
    all.push(...page.value);
    const next = page['@odata.nextLink'];
    path = next ? next.slice(stack.emulator.baseUrl.length) : undefined;
  }
  return all;
}

/** A cursor as if a read had succeeded at `readUntil` (the emulator's events lie in a fixed past window). */
async function plantCursor(tenantId: string, readUntil: Date) {
  await stack.db.$executeRaw`
    INSERT INTO graph_audit_cursors (tenant_id, source, read_until, covered_from, last_outcome, last_attempted_at)
    VALUES (${tenantId}::uuid, 'intune', ${readUntil}, ${readUntil}, '{"outcome":"ok"}'::jsonb, ${readUntil})
    ON CONFLICT (tenant_id, source) DO UPDATE SET read_until = EXCLUDED.read_until`;
}

const storedIds = async (tenantId: string) =>
  (await stack.db.graphAuditEvent.findMany({ where: { tenantId }, select: { eventId: true } })).map(
    (row) => row.eventId,
  );

const OVERLAP_MS = FETCH_OVERLAP_MINUTES * 60_000;

test('a sync stores the audit events since the cursor, once each, and moves the cursor', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const planted = new Date('2026-10-01T00:15:00Z');
  await plantCursor(tenant.id, planted);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });

  const first = await runToCompletion(stack, tenant.id, schedule.id);
  expect(first.status).toBe('succeeded');
  const since = new Date(planted.getTime() - OVERLAP_MS);
  const expected = await graphEvents(emulated, since);
  expect(expected.length).toBeGreaterThan(100);
  expect(first.auditEvents).toEqual({
    intune: { outcome: 'ok', fetched: expected.length, added: expected.length, since: since.toISOString() },
  });
  expect((await storedIds(tenant.id)).sort()).toEqual(expected.map((event) => event.id).sort());
  // The cursor is where the read began, within the run.
  const cursor = await stack.db.graphAuditCursor.findUniqueOrThrow({
    where: { tenantId_source: { tenantId: tenant.id, source: 'intune' } },
  });
  const readUntil = cursor.readUntil as Date;
  expect(readUntil.getTime()).toBeGreaterThanOrEqual(Date.parse(first.startedAt));
  expect(readUntil.getTime()).toBeLessThanOrEqual(Date.parse(first.finishedAt));

  // The next sync reads from shortly before that; what it lists again is not stored twice.
  const second = await runToCompletion(stack, tenant.id, schedule.id);
  expect(second.status).toBe('succeeded');
  const secondSince = new Date(readUntil.getTime() - OVERLAP_MS);
  const relisted = await graphEvents(emulated, secondSince);
  expect(second.auditEvents).toEqual({
    intune: { outcome: 'ok', fetched: relisted.length, added: 0, since: secondSince.toISOString() },
  });
  expect(await storedIds(tenant.id)).toHaveLength(expected.length);

  // An overlap over stored events (a cursor set back a month) adds nothing either.
  await plantCursor(tenant.id, new Date('2026-11-01T00:00:00Z'));
  const third = await runToCompletion(stack, tenant.id, schedule.id);
  const thirdListed = await graphEvents(emulated, new Date(Date.parse('2026-11-01T00:00:00Z') - OVERLAP_MS));
  expect(thirdListed.length).toBeGreaterThan(50);
  expect(third.auditEvents.intune).toMatchObject({ outcome: 'ok', fetched: thirdListed.length, added: 0 });
  expect(await storedIds(tenant.id)).toHaveLength(expected.length);

  // actorsOf: the stored event on a resource id, inside the window and not outside it.
  const event = expected[40] as GraphAuditEvent;
  const resourceId = event.resources[0]?.resourceId as string;
  const time = new Date(event.activityDateTime);
  const actors = await actorsOf(stack.db, tenant.id, [resourceId, 'no-such-id'], since, time);
  expect(actors.get(resourceId)).toEqual([
    {
      actor: { type: 'user', userPrincipalName: event.actor.userPrincipalName },
      activity: event.activity,
      operation: expect.any(String),
      time,
      source: 'intune',
    },
  ]);
  expect(actors.get('no-such-id')).toEqual([]);
  const after = await actorsOf(stack.db, tenant.id, [resourceId], time, new Date('2026-12-31T00:00:00Z'));
  expect(after.get(resourceId)).toEqual([]);

  const coverage = await auditCoverage(stack.db, tenant.id);
  expect(coverage.intune).toMatchObject({ state: 'ok', readUntil: expect.any(Date) });
  expect(coverage.directory).toMatchObject({ state: 'never_fetched' });
});

test('actorsOf lists each resource id’s events in (from, to], oldest first, of the tenant only', async () => {
  const { tenant } = await admin.createTenant(50);
  const { tenant: other } = await admin.createTenant(50);
  const policyId = randomUUID();
  const at = (day: number) => new Date(Date.UTC(2026, 9, day));
  const event = (eventId: string, day: number, upn: string, resourceIds = [policyId]) => ({
    eventId,
    source: 'intune' as const,
    activityTime: at(day),
    actor: { type: 'user' as const, userPrincipalName: upn },
    activity: `Patch on day ${day}`,
    operation: 'Patch',
    resourceIds,
  });
  await storeGraphAuditEvents(stack.db, tenant.id, [
    event('e3', 3, 'c@contoso.example', [randomUUID(), policyId]),
    event('e1', 1, 'a@contoso.example'),
    event('e2', 2, 'b@contoso.example'),
    event('e4', 4, 'd@contoso.example'),
  ]);
  await storeGraphAuditEvents(stack.db, other.id, [event('x2', 2, 'other@fabrikam.example')]);

  const actors = await actorsOf(stack.db, tenant.id, [policyId], at(1), at(3));
  expect(actors.get(policyId)?.map((found) => [found.actor, found.activity, found.time])).toEqual([
    [{ type: 'user', userPrincipalName: 'b@contoso.example' }, 'Patch on day 2', at(2)],
    [{ type: 'user', userPrincipalName: 'c@contoso.example' }, 'Patch on day 3', at(3)],
  ]);
});

test('an app that may not read the Intune audit log gets a succeeded run saying permission_missing', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  await admin.setGrants(
    emulated.azureTenantId,
    DEFAULT_GRANTS.filter((permission) => !permission.startsWith('DeviceManagementApps.')),
  );
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  expect(run.status).toBe('succeeded');
  expect(run.summary.types.deviceConfiguration.outcome).toBe('ok');
  expect(run.auditEvents).toEqual({
    intune: {
      outcome: 'permission_missing',
      requiredPermission: 'DeviceManagementApps.Read.All',
      reason: expect.stringContaining('403'),
    },
  });
  expect(await storedIds(tenant.id)).toEqual([]);
  const coverage = await auditCoverage(stack.db, tenant.id);
  expect(coverage.intune).toMatchObject({
    state: 'permission_missing',
    requiredPermission: 'DeviceManagementApps.Read.All',
    readUntil: null,
    coveredFrom: null,
  });
});

test('a first read looks back 30 days; the directory log is read only for the types it covers', async () => {
  const { emulated, tenant } = await admin.createTenant(50);
  const intune = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });
  const run = await runToCompletion(stack, tenant.id, intune.id);
  expect(run.status).toBe('succeeded');
  const cursor = await stack.db.graphAuditCursor.findUniqueOrThrow({
    where: { tenantId_source: { tenantId: tenant.id, source: 'intune' } },
  });
  const since = new Date(cursor.lastAttemptedAt.getTime() - 30 * 86_400_000);
  const listed = await graphEvents(emulated, since);
  expect(run.auditEvents.intune).toEqual({
    outcome: 'ok',
    fetched: listed.length,
    added: listed.length,
    since: since.toISOString(),
  });
  expect(cursor.coveredFrom).toEqual(since);

  // Conditional Access only: the directory log alone; whatever Graph answers, the run succeeds.
  const ca = await createSchedule(stack, tenant.id, {
    policyTypes: ['conditionalAccessPolicies', 'namedLocations'],
  });
  const caRun = await runToCompletion(stack, tenant.id, ca.id);
  expect(caRun.status).toBe('succeeded');
  expect(Object.keys(caRun.auditEvents)).toEqual(['directory']);
});
