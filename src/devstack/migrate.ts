import { createRequire } from 'node:module';
import { runToCompletion } from './supervisor';

const prismaCli = createRequire(__filename).resolve('prisma/build/index.js');

/** Applies prisma/migrations with the same `prisma migrate deploy` that production runs. */
export function migrateDatabase(databaseUrl: string): Promise<void> {
  return runToCompletion(process.execPath, [prismaCli, 'migrate', 'deploy'], { DATABASE_URL: databaseUrl });
}
