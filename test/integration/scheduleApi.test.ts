// Bad input gets a 4xx problem+json naming the field at fault, and never a half-written record.
import { type TestStack, useTestStack } from '../support/stack';
import { expectTemporalMatchesRow } from '../support/temporalSchedules';

let stack: TestStack;
useTestStack({}, (started) => {
  stack = started;
});

const path = () => `/v1/tenants/${stack.tenant.id}/backup-schedules`;
const valid = {
  name: 'hourly config',
  frequency: 'hourly',
  minute: 15,
  timezone: 'UTC',
  policyTypes: ['compliance'],
  retention: { keepLast: 3 },
};
const countSchedules = () => stack.db.backupSchedule.count({ where: { tenantId: stack.tenant.id } });

test.each([
  ['an unknown policy type', { policyTypes: ['compliance', 'nope'] }, 'policyTypes.1'],
  ['keepLast out of range', { retention: { keepLast: 0 } }, 'retention.keepLast'],
  ['a non-IANA timezone', { timezone: 'Mars/Olympus' }, 'timezone'],
  ['an unknown field', { colour: 'blue' }, 'colour'],
  ['an unknown nested field', { retention: { keepLast: 3, keepDays: 9 } }, 'retention.keepDays'],
  ['a daily schedule without timeOfDay', { frequency: 'daily', minute: null }, 'timeOfDay'],
])('%s is a 422 naming the field, and writes nothing', async (_label, patch, field) => {
  const before = await countSchedules();
  const response = await stack.api(path(), { method: 'POST', body: { ...valid, ...patch } });
  expect(response.status).toBe(422);
  expect(response.contentType).toMatch(/application\/problem\+json/);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  expect(await countSchedules()).toBe(before);
});

test('malformed JSON is a 400 problem', async () => {
  const response = await stack.api(path(), { method: 'POST', body: '{"name": ' });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ status: 400, code: 'entity_parse_failed' });
});

test('a duplicate name in the same tenant is a 409 naming `name`', async () => {
  const first = await stack.api(path(), { method: 'POST', body: { ...valid, name: 'twice' } });
  expect(first.status).toBe(201);
  const before = await countSchedules();
  const second = await stack.api(path(), { method: 'POST', body: { ...valid, name: 'twice' } });
  expect(second.status).toBe(409);
  expect(second.body).toMatchObject({ code: 'schedule_name_taken', errors: [{ field: 'name' }] });
  expect(await countSchedules()).toBe(before);
});

test('unknown tenants, schedules and runs are 404 problems', async () => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  for (const url of [
    `/v1/tenants/${unknown}`,
    `/v1/tenants/not-a-uuid/backup-schedules/${unknown}`,
    `${path()}/${unknown}`,
    `/v1/tenants/${stack.tenant.id}/runs/${unknown}`,
    `/v1/tenants/${stack.tenant.id}/backup-sets/${unknown}`,
  ]) {
    const response = await stack.api(url);
    expect([url, response.status]).toEqual([url, 404]);
    expect(response.contentType).toMatch(/application\/problem\+json/);
  }
  const post = await stack.api(`/v1/tenants/${unknown}/backup-schedules`, { method: 'POST', body: valid });
  expect(post.status).toBe(404);
});

test('run now on a schedule with a run in progress is a 409', async () => {
  const created = await stack.api(path(), { method: 'POST', body: { ...valid, name: 'busy' } });
  await stack.db.backupScheduleRun.create({
    data: {
      tenantId: stack.tenant.id,
      scheduleId: created.body.id,
      workflowId: `test-running-${created.body.id}`,
      trigger: 'manual',
      status: 'running',
    },
  });
  const response = await stack.api(`${path()}/${created.body.id}/run`, { method: 'POST' });
  expect(response.status).toBe(409);
  expect(response.body.code).toBe('run_in_progress');
});

test('GET lists schedules with cursor pagination', async () => {
  for (const name of ['page a', 'page b', 'page c']) {
    expect((await stack.api(path(), { method: 'POST', body: { ...valid, name } })).status).toBe(201);
  }
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const response = await stack.api(`${path()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeLessThanOrEqual(2);
    for (const item of response.body.items) seen.add(item.id);
    cursor = response.body.nextCursor;
  } while (cursor);
  expect(seen.size).toBe(await countSchedules());
});

test('a body over the 256 kB limit is a 413 problem, and writes nothing', async () => {
  const before = await countSchedules();
  const response = await stack.api(path(), {
    method: 'POST',
    body: { ...valid, name: 'big', padding: 'x'.repeat(300 * 1024) },
  });
  expect(response.status).toBe(413);
  expect(response.contentType).toMatch(/application\/problem\+json/);
  expect(await countSchedules()).toBe(before);
});

test('"25:00" is not a time of day', async () => {
  const response = await stack.api(path(), {
    method: 'POST',
    body: { ...valid, frequency: 'daily', minute: null, timeOfDay: '25:00' },
  });
  expect(response.status).toBe(422);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['timeOfDay']);
});

/** Local wall-clock "HH:MM" of `at` in `timeZone`. */
function localTime(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
}

test.each([
  ['Asia/Kathmandu', '09:30'], // UTC+05:45
  ['America/New_York', '09:00'], // DST: the UTC hour differs across the year
])('next run times honour %s', async (timezone, timeOfDay) => {
  const response = await stack.api(path(), {
    method: 'POST',
    body: { ...valid, name: `tz ${timezone}`, frequency: 'daily', minute: null, timeOfDay, timezone },
  });
  expect(response.status).toBe(201);
  await expectTemporalMatchesRow(stack, response.body.id);
  const next: string[] = response.body.temporal.nextRunTimes;
  expect(next.length).toBeGreaterThanOrEqual(3);
  for (const at of next) expect(localTime(at, timezone)).toBe(timeOfDay);
  if (timezone === 'Asia/Kathmandu') expect(new Date(next[0] as string).getUTCMinutes()).toBe(45);
});

test.each([
  ['/v1/tenants?colour=blue', 'colour'],
  ['/v1/tenants/{tenant}/backup-schedules?limit=10&sort=name', 'sort'],
  ['/v1/tenants/{tenant}/backup-schedules?limit=0', 'limit'],
])('GET %s is a 422 naming `%s`', async (url, field) => {
  const response = await stack.api(url.replace('{tenant}', stack.tenant.id));
  expect(response.status).toBe(422);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
});
