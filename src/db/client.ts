import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;

/** One client per process; the pg adapter pools connections. */
export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

export type * from './generated/client';
export { Prisma } from './generated/client';

/** Either the client or an interactive transaction: repositories work inside both. */
export type DbClient = import('./generated/client').Prisma.TransactionClient;
