// The batch read's handling of a list cut off by its deadline and of many stale schedules, over a
// hand-made client (the integration side is test/integration/tenantStatus.test.ts).
import type { Client } from '@temporalio/client';
import { temporalScheduleId } from '../../src/shared/constants';
import { nextRunTimesOf, STALE_DESCRIBE_CONCURRENCY } from '../../src/temporal/nextRunTimesBatch';

const NOW = new Date('2026-11-30T12:00:00Z');
const times = (count: number) =>
  Array.from({ length: count }, (_, i) => new Date(NOW.getTime() + (i + 1) * 3600_000));

function fakeClient(list: () => AsyncIterable<unknown>, describe: (id: string) => Promise<unknown>): Client {
  return {
    withDeadline: (_deadline: number, call: () => Promise<unknown>) => call(),
    schedule: { list, getHandle: (id: string) => ({ describe: () => describe(id) }) },
  } as unknown as Client;
}

test('a list cut off by its deadline keeps the schedules it listed; the rest stay unknown', async () => {
  const client = fakeClient(
    async function* () {
      yield { scheduleId: temporalScheduleId('a'), info: { nextActionTimes: times(5) } };
      throw Object.assign(new Error('deadline exceeded'), { code: 4 });
    },
    async () => {
      throw new Error('not described after a cut-off list');
    },
  );
  const result = await nextRunTimesOf(client, ['a', 'b'], NOW);
  expect([result.get('a'), result.get('b')]).toEqual([times(5), null]);
});

test('stale schedules are described at most STALE_DESCRIBE_CONCURRENCY at once', async () => {
  let inFlight = 0;
  let most = 0;
  const client = fakeClient(
    async function* () {},
    async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { info: { nextActionTimes: times(5) } };
    },
  );
  const ids = Array.from({ length: 30 }, (_, i) => `s${i}`);
  const result = await nextRunTimesOf(client, ids, NOW);
  expect([most, [...result.values()].every((value) => value?.length === 5)]).toEqual([
    STALE_DESCRIBE_CONCURRENCY,
    true,
  ]);
});
