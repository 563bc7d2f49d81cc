// The restore control plane: the tenant's opt-in (owners only, audited), plan requests (their
// validation and the RestorePlan start, described through Temporal), approval by a second user,
// apply rounds (one of two concurrent applies starts) and the plan's items, paged and filtered.
// The workflows are other branches' work: restores are put in `planned` directly here.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import * as r from '../../src/api/openapi/restoreResponses';
import type { RestoreItemAction } from '../../src/db/client';
import {
  RESTORE_PLAN_WORKFLOW,
  RESTORE_RUN_WORKFLOW,
  restorePlanWorkflowId,
  restoreRunWorkflowId,
  restoreTaskQueueOf,
} from '../../src/shared/constants';
import { TENANT_ID_KEY } from '../../src/shared/searchAttributes';
import { createSchedule } from '../support/runs';
import { type TestApp, type TestStack, type TestUser, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

// A queue no worker polls: started workflows wait there to be described, then are terminated.
const workflowTaskQueue = `restores-api-${randomUUID()}`;
let app: TestApp;
let owner: TestUser;
let manager: TestUser;
let secondManager: TestUser;
let operator: TestUser;
let readonly: TestUser;
let setId: string;
const started: string[] = [];
const base = () => `/v1/tenants/${stack.tenant.id}`;

async function insertSet(tenantId: string, items: { policyType: string; graphId: string }[]) {
  const schedule = await createSchedule(stack, tenantId, { enabled: false });
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId,
      scheduleId: schedule.id,
      workflowId: `restores-${randomUUID()}`,
      trigger: 'manual',
      status: 'succeeded',
      finishedAt: new Date(),
    },
  });
  const hash = randomUUID().replaceAll('-', '').padEnd(64, '0');
  await stack.db.backupPayload.create({ data: { hash, content: { displayName: 'p' }, sizeBytes: 17 } });
  const set = await stack.db.backupSet.create({
    data: {
      tenantId,
      scheduleId: schedule.id,
      runId: run.id,
      itemCount: items.length,
      totalBytes: 0,
      newPayloadBytes: 0,
    },
  });
  await stack.db.backupItem.createMany({
    data: items.map((item) => ({
      ...item,
      backupSetId: set.id,
      displayName: item.graphId,
      payloadHash: hash,
    })),
  });
  return set.id;
}

async function plannedRestore(requestedBy: string, items: RestoreItemAction[] = []) {
  const restore = await stack.db.restore.create({
    data: {
      tenantId: stack.tenant.id,
      backupSetId: setId,
      status: 'planned',
      mode: 'in_place',
      assignments: 'restore',
      conditionalAccessState: 'report_only',
      selection: {},
      requestedBy: `user:${requestedBy}`,
      planHash: 'sha256:test',
      plannedAt: new Date(),
    },
  });
  await stack.db.restoreItem.createMany({
    data: items.map((action, position) => ({
      restoreId: restore.id,
      position,
      policyType: position % 2 === 0 ? 'compliance' : 'powershellScripts',
      sourceGraphId: `src-${position}`,
      displayName: `Item ${position}`,
      payloadHash: 'h',
      action,
      precondition: { absent: true },
      changes: [
        { op: 'replace', path: '/scriptContent', label: 'Script content', before: 'old', after: 'new' },
      ],
    })),
  });
  return restore.id;
}

const settings = (user: TestUser, body: unknown) =>
  app.api(`${base()}/restore-settings`, { method: 'PUT', body, token: user.token });

const createBody = (over: Record<string, unknown> = {}) => ({
  backupSetId: setId,
  items: [{ policyType: 'compliance', graphId: 'c-1' }],
  mode: 'in_place',
  assignments: 'restore',
  ...over,
});

beforeAll(async () => {
  app = await stack.startApp({ workflowTaskQueue });
  owner = await stack.userWithRole('owner');
  manager = await stack.userWithRole('manager');
  secondManager = await stack.userWithRole('manager');
  operator = await stack.userWithRole('operator');
  readonly = await stack.userWithRole('readonly');
  setId = await insertSet(stack.tenant.id, [
    { policyType: 'compliance', graphId: 'c-1' },
    { policyType: 'compliance', graphId: 'c-2' },
    { policyType: 'settingsCatalog', graphId: 's-1' },
  ]);
});

afterAll(async () => {
  await Promise.allSettled(started.map((id) => stack.temporal.workflow.getHandle(id).terminate('test over')));
  await app?.close();
});

describe('restore settings', () => {
  test('are off by default; only an owner changes them, audited with before and after', async () => {
    const read = await app.api(`${base()}/restore-settings`, { token: readonly.token });
    expect(read.status).toBe(200);
    expect(r.restoreSettings.parse(read.body)).toMatchObject({ enabled: false, approvalRequired: false });
    const body = { enabled: true, approvalRequired: false };
    for (const user of [manager, operator, readonly]) expect((await settings(user, body)).status).toBe(403);
    expect((await settings(owner, { enabled: true })).body.errors).toContainEqual({
      field: 'approvalRequired',
      message: expect.any(String),
    });
    const changed = await settings(owner, body);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      enabled: true,
      approvalRequired: false,
      changedBy: `user:${owner.userId}`,
    });
    const audit = await stack.db.auditLog.findFirstOrThrow({
      where: { tenantId: stack.tenant.id, action: 'tenant.restore_settings_changed' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit).toMatchObject({
      actor: `user:${owner.userId}`,
      metadata: {
        before: { enabled: false, approvalRequired: false },
        after: { enabled: true, approvalRequired: false },
      },
    });
  });
});

describe('a plan request', () => {
  const post = (body: unknown, user: TestUser = manager) =>
    app.api(`${base()}/restores`, { method: 'POST', body, token: user.token });

  test('is refused in a tenant without restore enabled', async () => {
    const other = await stack.api('/v1/tenants', {
      method: 'POST',
      body: {
        slug: `restore-off-${randomUUID().slice(0, 8)}`,
        displayName: 'Off',
        azureTenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: 's',
      },
    });
    const otherSet = await insertSet(other.body.id, [{ policyType: 'compliance', graphId: 'x' }]);
    const refused = await app.api(`/v1/tenants/${other.body.id}/restores`, {
      method: 'POST',
      body: createBody({ backupSetId: otherSet, items: [{ policyType: 'compliance', graphId: 'x' }] }),
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'restore_not_enabled']);
    expect(await stack.db.restore.count({ where: { tenantId: other.body.id } })).toBe(0);
  });

  test('names every field at fault and writes nothing', async () => {
    const before = await stack.db.restore.count();
    const cases: [unknown, string[]][] = [
      [createBody({ mode: 'overwrite' }), ['mode']],
      [createBody({ assignments: undefined }), ['assignments']],
      [createBody({ policyTypes: ['compliance'] }), ['policyTypes']],
      [createBody({ items: [{ policyType: 'nope', graphId: 'c-1' }] }), ['items.0.policyType']],
      [
        createBody({
          items: [
            { policyType: 'compliance', graphId: 'c-1' },
            { policyType: 'compliance', graphId: 'gone' },
          ],
        }),
        ['items.1'],
      ],
      [createBody({ items: undefined, policyTypes: ['compliance', 'powershellScripts'] }), ['policyTypes.1']],
      [
        createBody({
          items: [
            { policyType: 'compliance', graphId: 'c-1' },
            { policyType: 'compliance', graphId: 'c-1' },
          ],
        }),
        ['items'],
      ],
      [createBody({ conditionalAccessState: 'enabled' }), ['conditionalAccessState']],
    ];
    for (const [body, fields] of cases) {
      const response = await post(body);
      expect([response.status, response.body.errors?.map((e: { field: string }) => e.field)]).toEqual([
        422,
        fields,
      ]);
    }
    expect((await post(createBody({ backupSetId: randomUUID() }))).status).toBe(404);
    expect(await stack.db.restore.count()).toBe(before);
  });

  test('is refused to readonly and operator members', async () => {
    for (const user of [readonly, operator]) expect((await post(createBody(), user)).status).toBe(403);
  });

  test('writes the restore and starts RestorePlan with its id, queue, input and tenant', async () => {
    const response = await post(createBody({ items: undefined, policyTypes: ['compliance'] }));
    expect(response.status).toBe(202);
    const restore = r.restore.parse(response.body);
    started.push(restorePlanWorkflowId(restore.id));
    expect(response.headers.get('location')).toBe(`${base()}/restores/${restore.id}`);
    expect(restore).toMatchObject({
      status: 'planning',
      requestedBy: `user:${manager.userId}`,
      options: {
        mode: 'in_place',
        assignments: 'restore',
        conditionalAccessState: 'report_only',
        selection: { policyTypes: ['compliance'] },
      },
    });
    const handle = stack.temporal.workflow.getHandle(restorePlanWorkflowId(restore.id));
    const described = await handle.describe();
    expect(described.type).toBe(RESTORE_PLAN_WORKFLOW);
    expect(described.taskQueue).toBe(restoreTaskQueueOf(workflowTaskQueue));
    expect(described.typedSearchAttributes.get(TENANT_ID_KEY)).toBe(stack.tenant.id);
    const history = await handle.fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(input ?? []).toString())).toEqual({ restoreId: restore.id });
    const list = await app.api(`${base()}/restores?limit=1`, { token: readonly.token });
    expect(r.restorePage.parse(list.body).items.map((item) => item.id)).toEqual([restore.id]);
  });

  test('Temporal unreachable: 503 and the restore ends plan_failed, not planning', async () => {
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const dead = await stack.startApp({ workflowTaskQueue, temporal });
    try {
      const response = await dead.api(`${base()}/restores`, {
        method: 'POST',
        body: createBody(),
        token: manager.token,
      });
      expect(response.status).toBe(503);
      const row = await stack.db.restore.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
      expect([row.status, row.error]).toEqual(['plan_failed', expect.stringContaining('Temporal')]);
    } finally {
      await dead.close();
    }
  }, 30_000);
});

describe('approval and apply', () => {
  const act = (restoreId: string, action: string, user: TestUser) =>
    app.api(`${base()}/restores/${restoreId}/${action}`, { method: 'POST', token: user.token });

  test('a second user approves; the requester cannot; apply waits for it', async () => {
    await settings(owner, { enabled: true, approvalRequired: true });
    const id = await plannedRestore(manager.userId);
    expect((await act(id, 'apply', manager)).body.code).toBe('approval_required');
    expect((await act(id, 'approve', manager)).body.code).toBe('approver_is_requester');
    expect((await act(id, 'approve', operator)).status).toBe(403);
    // Restore turned off meanwhile: no approval either.
    await settings(owner, { enabled: false, approvalRequired: true });
    expect((await act(id, 'approve', secondManager)).body.code).toBe('restore_not_enabled');
    await settings(owner, { enabled: true, approvalRequired: true });
    const approved = await act(id, 'approve', secondManager);
    expect(approved.status).toBe(200);
    expect(r.restore.parse(approved.body).approval?.approvedBy).toBe(`user:${secondManager.userId}`);
    const applied = await act(id, 'apply', manager);
    expect(applied.status).toBe(202);
    started.push(restoreRunWorkflowId(id, 1));
    expect(r.restore.parse(applied.body)).toMatchObject({
      status: 'applying',
      applyRounds: 1,
      appliedBy: `user:${manager.userId}`,
    });
    const described = await stack.temporal.workflow.getHandle(restoreRunWorkflowId(id, 1)).describe();
    expect([described.type, described.taskQueue]).toEqual([
      RESTORE_RUN_WORKFLOW,
      restoreTaskQueueOf(workflowTaskQueue),
    ]);
    await settings(owner, { enabled: true, approvalRequired: false });
  });

  test('an approval counts only while its approver and the requester are active', async () => {
    await settings(owner, { enabled: true, approvalRequired: true });
    const [requester, approver] = [await stack.userWithRole('manager'), await stack.userWithRole('manager')];
    const deactivate = (user: TestUser) =>
      stack.db.user.update({ where: { id: user.userId }, data: { deactivatedAt: new Date() } });
    const id = await plannedRestore(requester.userId);
    const other = await plannedRestore(requester.userId);
    expect((await act(id, 'approve', approver)).status).toBe(200);
    expect((await act(other, 'approve', approver)).status).toBe(200);
    await deactivate(approver);
    expect((await act(id, 'apply', manager)).body.code).toBe('approver_deactivated');
    // Another manager approves in their place, and the plan applies.
    expect((await act(id, 'approve', secondManager)).status).toBe(200);
    expect((await act(id, 'apply', manager)).status).toBe(202);
    started.push(restoreRunWorkflowId(id, 1));
    // With its requester deactivated, a plan can be neither approved nor applied: one signature is left.
    expect((await act(other, 'approve', secondManager)).status).toBe(200);
    await deactivate(requester);
    expect((await act(other, 'apply', manager)).body.code).toBe('requester_deactivated');
    const third = await plannedRestore(requester.userId);
    expect((await act(third, 'approve', secondManager)).body.code).toBe('requester_deactivated');
    const rows = await stack.db.restore.findMany({ where: { id: { in: [other, third] } } });
    expect(rows.map((row) => row.status)).toEqual(['planned', 'planned']);
    await settings(owner, { enabled: true, approvalRequired: false });
  });

  test('of two concurrent applies one starts, the other gets 409 restore_in_progress', async () => {
    const id = await plannedRestore(manager.userId);
    const answers = await Promise.all([act(id, 'apply', manager), act(id, 'apply', secondManager)]);
    started.push(restoreRunWorkflowId(id, 1));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('restore_in_progress');
    const row = await stack.db.restore.findUniqueOrThrow({ where: { id } });
    expect([row.status, row.applyRounds]).toEqual(['applying', 1]);
  });

  test('cancel cancels the current round; a re-apply starts round 2', async () => {
    const id = await plannedRestore(manager.userId);
    await act(id, 'apply', manager);
    started.push(restoreRunWorkflowId(id, 1), restoreRunWorkflowId(id, 2));
    expect((await act(id, 'cancel', manager)).status).toBe(200);
    const handle = stack.temporal.workflow.getHandle(restoreRunWorkflowId(id, 1));
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
    // The workflow records `canceled`; without a worker, the test does.
    await stack.db.restore.update({ where: { id }, data: { status: 'canceled' } });
    expect((await act(id, 'apply', manager)).body).toMatchObject({ status: 'applying', applyRounds: 2 });
  });

  test('Temporal unreachable: apply answers 503 and the restore is planned again', async () => {
    const id = await plannedRestore(manager.userId);
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const dead = await stack.startApp({ workflowTaskQueue, temporal });
    try {
      const response = await dead.api(`${base()}/restores/${id}/apply`, {
        method: 'POST',
        token: manager.token,
      });
      expect(response.status).toBe(503);
    } finally {
      await dead.close();
    }
    const row = await stack.db.restore.findUniqueOrThrow({ where: { id } });
    // The round number stays used: a start that timed out may still have run under its id.
    expect([row.status, row.applyRounds, row.appliedBy]).toEqual(['planned', 1, null]);
  }, 30_000);

  test('restore disabled meanwhile: apply refused', async () => {
    const id = await plannedRestore(manager.userId);
    await settings(owner, { enabled: false, approvalRequired: false });
    expect((await act(id, 'apply', manager)).body.code).toBe('restore_not_enabled');
    await settings(owner, { enabled: true, approvalRequired: false });
  });
});

test('items are paged in plan order, filtered, and script changes withheld from readers', async () => {
  const actions: RestoreItemAction[] = ['update', 'create', 'noop', 'blocked', 'update', 'update', 'create'];
  const id = await plannedRestore(manager.userId, actions);
  const url = `${base()}/restores/${id}/items`;
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const pageAnswer = await app.api(`${url}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
      token: operator.token,
    });
    const parsed = r.restoreItemPage.parse(pageAnswer.body);
    seen.push(...parsed.items.map((item) => item.position));
    cursor = parsed.nextCursor;
  } while (cursor);
  expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  const updates = await app.api(`${url}?action=update`, { token: operator.token });
  expect(updates.body.items.map((item: { position: number }) => item.position)).toEqual([0, 4, 5]);
  const asReader = await app.api(`${url}?limit=2`, { token: readonly.token });
  const [compliance, script] = asReader.body.items;
  expect(compliance.changes[0].after).toBe('new');
  expect(script.changes[0]).toMatchObject({ withheld: true });
  expect(script.changes[0].after).toBeUndefined();
  expect(script.valuesWithheld.permission).toBe('scripts:read');
  expect((await app.api(`${url}?action=everything`)).body.errors[0].field).toBe('action');
  expect((await app.api(`${url}?cursor=${randomUUID()}`)).body.errors[0].field).toBe('cursor');
  const one = await app.api(`${base()}/restores/${id}`, { token: readonly.token });
  expect(r.restore.parse(one.body).id).toBe(id);
});
