import { RequestBudget } from '../../src/graph/requestBudget';

/** A clock the test moves; the budget's waits are real sleeps, so the windows are short. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RequestBudget', () => {
  it('lets `limit` requests start at once and counts them in the window', async () => {
    const time = clock();
    const budget = new RequestBudget({ limit: 3, windowMs: 20_000 }, time.now);
    for (let i = 0; i < 3; i++) await budget.acquire();
    expect(budget.inWindow()).toBe(3);
  });

  it('makes the next request wait until the oldest leaves the sliding window', async () => {
    const time = clock();
    const budget = new RequestBudget({ limit: 2, windowMs: 100 }, time.now);
    await budget.acquire();
    time.advance(60);
    await budget.acquire();
    let started = false;
    const third = budget.acquire().then(() => (started = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toBe(false);
    time.advance(40); // the first request is now 100 ms old
    await third;
    expect(started).toBe(true);
    expect(budget.inWindow()).toBe(2);
  });

  it('holds every request while paused by a Retry-After', async () => {
    const time = clock();
    const budget = new RequestBudget({ limit: 100, windowMs: 1_000 }, time.now);
    budget.pauseFor(200);
    let started = false;
    const request = budget.acquire().then(() => (started = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toBe(false);
    time.advance(200);
    budget.pauseFor(0); // a shorter pause never shortens the current one
    await request;
    expect(started).toBe(true);
  });

  it('gives up waiting when the signal aborts', async () => {
    const budget = new RequestBudget({ limit: 1, windowMs: 60_000 });
    await budget.acquire();
    const controller = new AbortController();
    const waiting = budget.acquire(controller.signal);
    controller.abort(new Error('canceled'));
    await expect(waiting).rejects.toThrow('canceled');
  });
});
