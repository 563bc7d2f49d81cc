// Runs `prisma generate`. Prisma 6.19 with the driver-adapter engine resolves the datasource
// URL even though generation never connects; without one it falls back to downloading native
// engines, which fails offline. A placeholder URL keeps generation offline.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL || 'postgresql://generate@localhost/unused',
};
const result = spawnSync(process.execPath, [prismaCli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
