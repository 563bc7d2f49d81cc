import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;

/** node-postgres' own default; DATABASE_POOL_SIZE (src/config/env.ts) sets it per process. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * How long a transaction waits for a pooled connection before it fails (Prisma's P2028). Prisma's
 * 2 s default failed activity attempts of bench:fleet when a worker's sync and bookkeeping slots
 * all wanted the pool at once; waiting is what a full pool should cause, not a retried activity.
 */
const TRANSACTION_MAX_WAIT_MS = 15_000;

// The pool behind each client, for the few bulk statements that bypass Prisma (see sqlPoolOf).
const pools = new WeakMap<Db, Pool>();

/**
 * One client per process; Prisma's pg adapter runs its queries over our pool. An idle pooled
 * connection that PostgreSQL drops (restart, failover, pg_terminate_backend) makes the pool
 * emit 'error'; without a listener that would crash the process instead of just reconnecting.
 * A connection checked out of the pool (a transaction, the snapshot, the reconciler's lock) has
 * no pool listener while it is out, and pg emits the same 'error' on the connection itself, even
 * after failing its query with it: it gets a listener of its own until it is released (pg then
 * discards a broken one).
 */
export function createDb(
  databaseUrl: string,
  logger?: Pick<Logger, 'warn'>,
  poolSize = DEFAULT_POOL_SIZE,
): Db {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', (error) =>
    logger?.warn(connectionLost(error), 'idle PostgreSQL connection lost; it will be replaced'),
  );
  const lostWhileCheckedOut = (error: Error) =>
    logger?.warn(connectionLost(error), 'PostgreSQL connection in use lost; what ran on it fails');
  pool.on('acquire', (client) => client.on('error', lostWhileCheckedOut));
  pool.on('release', (_error, client) => client.removeListener('error', lostWhileCheckedOut));
  const db = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    transactionOptions: { maxWait: TRANSACTION_MAX_WAIT_MS },
  });
  pools.set(db, pool);
  return db;
}

/**
 * What a lost connection is logged with. Not the error whole: pg-pool hangs the dead connection
 * on it (`err.client`, kilobytes of driver state with the backend's cancel key), once per pooled
 * connection at every restart of the server.
 */
function connectionLost(error: Error & { code?: unknown }) {
  return { error: error.message, ...(typeof error.code === 'string' ? { code: error.code } : {}) };
}

/**
 * The pg pool under `db`. Bulk writes of large payloads go straight to pg: Prisma's query compiler
 * copies every parameter through its WebAssembly memory, which grows to the largest batch and
 * never shrinks (bench:sync measured ~200 MB more peak RSS and a third more time through Prisma).
 */
export function sqlPoolOf(db: Db): Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('This Prisma client was not made by createDb; it has no pg pool');
  return pool;
}

/**
 * Runs `work` in one transaction on a pooled connection of its own (`begin` names the isolation),
 * for the statements that bypass Prisma; commits what it returns, rolls back what it throws.
 * `work` also gets the pool, for reads that may run beside the transaction (src/db/changeRows.ts).
 */
export async function inSqlTransaction<T>(
  db: Db,
  begin: 'BEGIN' | 'BEGIN ISOLATION LEVEL REPEATABLE READ',
  work: (client: PoolClient, pool: Pool) => Promise<T>,
): Promise<T> {
  const pool = sqlPoolOf(db);
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client, pool);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export type * from './generated/client';
export { Prisma } from './generated/client';

/** Either the client or an interactive transaction: repositories work inside both. */
export type DbClient = import('./generated/client').Prisma.TransactionClient;
