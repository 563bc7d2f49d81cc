// Newest-first lists page by position (createdAt, id), not by looking the cursor's row up: a
// client paging backup sets while retention deletes them continues where it was, instead of
// silently starting over at page 1 (and looping). A cursor the API did not make is a 422.
import { randomUUID } from 'node:crypto';
import { deleteBackupSets } from '../../src/db/retention';
import { createSchedule } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

async function pageOf(path: string, cursor: string | null, token?: string) {
  const separator = path.includes('?') ? '&' : '?';
  const response = await stack.api(`${path}${separator}limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
    token,
  });
  expect(response.status).toBe(200);
  return response.body as { items: { id: string }[]; nextCursor: string | null };
}

/** The runs, backup sets, audit rows, notifications and tokens a member of the stack's tenant sees. */
function newestFirstLists(userId: string): string[] {
  const tenant = `/v1/tenants/${stack.tenant.id}`;
  return [
    `${tenant}/runs`,
    `${tenant}/backup-sets`,
    `${tenant}/audit-logs`,
    '/v1/me/notifications',
    `/v1/users/${userId}/tokens`,
  ];
}

/** Every item, one per page. */
async function pageThrough(path: string, token?: string): Promise<string[]> {
  const seen: string[] = [];
  for (let cursor: string | null = null; ; ) {
    const body = await pageOf(path, cursor, token);
    seen.push(...ids(body));
    cursor = body.nextCursor;
    if (!cursor) return seen;
    if (seen.length > 50) throw new Error(`${path} does not end`);
  }
}

/** A schedule with `count` runs and sets; two share one creation time, to page through a tie. */
async function scheduleWithSets(count: number) {
  const schedule = await createSchedule(stack, stack.tenant.id, { enabled: false });
  const base = Date.now() - 60_000;
  for (let n = 0; n < count; n++) {
    const createdAt = new Date(base + Math.min(n, count - 2) * 1000);
    const run = await stack.db.backupScheduleRun.create({
      data: {
        tenantId: stack.tenant.id,
        scheduleId: schedule.id,
        workflowId: `cursor-${randomUUID()}`,
        trigger: 'manual',
        status: 'succeeded',
        createdAt,
      },
    });
    await stack.db.backupSet.create({
      data: {
        tenantId: stack.tenant.id,
        scheduleId: schedule.id,
        runId: run.id,
        itemCount: 0,
        totalBytes: 0,
        newPayloadBytes: 0,
        createdAt,
      },
    });
  }
  return schedule.id;
}

test('paging backup sets continues after retention deleted the set the cursor points at', async () => {
  const scheduleId = await scheduleWithSets(5);
  const path = `/v1/tenants/${stack.tenant.id}/backup-sets?scheduleId=${scheduleId}`;
  const all = ids((await stack.api(`${path}&limit=200`)).body);
  expect(all).toHaveLength(5);

  const page1 = await pageOf(path, null);
  const page2 = await pageOf(path, page1.nextCursor);
  expect([...ids(page1), ...ids(page2)]).toEqual(all.slice(0, 2));
  // Retention keeps the newest one: the second, where the client's cursor points, goes.
  await deleteBackupSets(stack.db, all.slice(1));
  expect(await stack.db.backupSet.count({ where: { id: { in: all.slice(1) } } })).toBe(0);

  // The sets after the cursor were deleted too: the next page is empty and the last.
  expect(await pageOf(path, page2.nextCursor)).toEqual({ items: [], nextCursor: null });
});

test('paging continues after the cursor row is deleted, through rows that share a creation time', async () => {
  const scheduleId = await scheduleWithSets(6);
  const path = `/v1/tenants/${stack.tenant.id}/backup-sets?scheduleId=${scheduleId}`;
  const all = ids((await stack.api(`${path}&limit=200`)).body);

  const seen: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 3; n++) {
    const body = await pageOf(path, cursor);
    seen.push(...ids(body));
    cursor = body.nextCursor;
  }
  await stack.db.backupSet.delete({ where: { id: seen.at(-1) as string } });
  for (; cursor; ) {
    const body = await pageOf(path, cursor);
    seen.push(...ids(body));
    cursor = body.nextCursor;
  }
  expect(seen).toEqual(all);
});

test('each newest-first list pages through all its rows, one per page', async () => {
  const user = await stack.userWithRole('readonly');
  await scheduleWithSets(3);
  for (let n = 0; n < 3; n++) {
    await stack.db.notification.create({
      data: { userId: user.userId, tenantId: null, kind: 'test', title: `n${n}`, body: 'paging' },
    });
    const issued = await stack.api(`/v1/users/${user.userId}/tokens`, {
      method: 'POST',
      body: { name: `t${n}` },
    });
    expect(issued.status).toBe(201);
  }
  for (const path of newestFirstLists(user.userId)) {
    const all = ids((await stack.api(`${path}?limit=200`, { token: user.token })).body);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(await pageThrough(path, user.token)).toEqual(all);
  }
});

describe('a cursor the API did not make is a 422 naming `cursor`', () => {
  const position = (text: string) => Buffer.from(text).toString('base64url');
  test.each([
    ['garbage', 'not-a-cursor!'],
    ['a row id (the old cursor)', randomUUID()],
    ['base64url of something else', position('hello')],
    ['a position past year 9999', position(`253402300800000.${randomUUID()}`)],
  ])('%s', async (_what, cursor) => {
    const user = await stack.userWithRole('readonly');
    for (const path of newestFirstLists(user.userId)) {
      const response = await stack.api(`${path}?cursor=${encodeURIComponent(cursor)}`, { token: user.token });
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect(response.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    }
  });
});
