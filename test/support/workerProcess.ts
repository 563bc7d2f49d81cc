// A production worker (src/worker/main.ts) in its own process, on a task queue of its own, so a
// test can SIGKILL it mid-run the way a crashed host would, and start another.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphEmulator } from '../../src/emulator';
import { testEnv } from './env';

export interface WorkerProcess {
  process: ChildProcess;
  /** Everything it wrote, for diagnosis when a test fails. */
  output: string[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

export async function startWorkerProcess(opts: {
  taskQueue: string;
  /** The Graph emulator: the worker trusts its CA and allowlists its host:port. */
  emulator: Pick<GraphEmulator, 'caPem' | 'baseUrl'>;
  /** Tags the worker's PostgreSQL connections, so a test can terminate exactly those. */
  applicationName?: string;
  /** Serve /metrics on this port (off unless given). */
  metricsPort?: number;
  /** LOG_LEVEL of the worker; `info` unless given. */
  logLevel?: string;
  /** Another database than the shared one (a test that restarts its PostgreSQL). */
  databaseUrl?: string;
  /** More variables, e.g. NOTIFICATION_ENDPOINT_ALLOWLIST and NOTIFICATION_CA_FILE for a receiver. */
  env?: Record<string, string>;
}): Promise<WorkerProcess> {
  const env = testEnv();
  const caFile = join(tmpdir(), `tenantvault-test-ca-${process.pid}.pem`);
  writeFileSync(caFile, opts.emulator.caPem);
  const databaseUrl = new URL(opts.databaseUrl ?? env.databaseUrl);
  if (opts.applicationName) databaseUrl.searchParams.set('application_name', opts.applicationName);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'worker', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl.toString(),
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.namespace,
      WORKFLOW_BUNDLE_PATH: env.bundlePath,
      GRAPH_CA_FILE: caFile,
      GRAPH_ENDPOINT_ALLOWLIST: new URL(opts.emulator.baseUrl).host,
      WORKER_TASK_QUEUE: opts.taskQueue,
      METRICS_PORT: String(opts.metricsPort ?? 0),
      LOG_LEVEL: opts.logLevel ?? 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output.join('')}`)));
  });
  return {
    process: child,
    output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
