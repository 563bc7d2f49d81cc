// A transaction a test holds open, with the locks it took, until the test lets go: it makes a
// race certain (a delete not yet committed, a table the code under test must wait for).
import type { Db, Prisma } from '../../src/db/client';

export interface HeldTransaction {
  /** Lets the transaction commit. */
  release(): void;
  /** Settles once it committed (or failed). */
  done: Promise<void>;
}

/** Runs `take` in a transaction and keeps that open until release(); returns once `take` ran. */
export async function holdTransaction(
  db: Db,
  take: (tx: Prisma.TransactionClient) => Promise<unknown>,
  timeoutMs = 120_000,
): Promise<HeldTransaction> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let taken!: () => void;
  const tookIt = new Promise<void>((resolve) => {
    taken = resolve;
  });
  const done = db.$transaction(
    async (tx) => {
      await take(tx);
      taken();
      await released;
    },
    { timeout: timeoutMs, maxWait: 10_000 },
  );
  await Promise.race([tookIt, done]);
  return { release, done };
}
