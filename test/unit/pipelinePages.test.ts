// The sync's page pipeline: a page is written while the next is fetched, and a failed write ends
// the listing at once (its fetch aborted) and surfaces, never left unobserved.
import { pipelinePages } from '../../src/activities/syncPolicies';

/** Pages 1, 2, … ; from `stallAt` on, the fetch waits until the signal aborts. */
async function* pages(signal: AbortSignal, stallAt = Number.POSITIVE_INFINITY, count = 5) {
  for (let page = 1; page <= count; page += 1) {
    if (page >= stallAt) {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }
    yield page;
  }
}

test('writes every page in order', async () => {
  const controller = new AbortController();
  const written: number[] = [];
  await pipelinePages(pages(controller.signal), controller, async (page) => {
    written.push(page);
  });
  expect(written).toEqual([1, 2, 3, 4, 5]);
});

test('a failed write aborts the fetch in flight and is what the listing fails with', async () => {
  const controller = new AbortController();
  const failure = new Error('ECONNREFUSED');
  // Page 2 never arrives unless the fetch is aborted: without the abort this would hang.
  const listing = pipelinePages(pages(controller.signal, 2), controller, async () => {
    throw failure;
  });
  await expect(listing).rejects.toBe(failure);
  expect(controller.signal.aborted).toBe(true);
});

test('a failed fetch waits for the write in flight, then fails with the fetch error', async () => {
  const controller = new AbortController();
  let finished = false;
  async function* failing() {
    yield 1;
    throw new Error('Graph 400');
  }
  await expect(
    pipelinePages(failing(), controller, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
    }),
  ).rejects.toThrow('Graph 400');
  expect(finished).toBe(true);
});
