// The Temporal dev server (SQLite persistence, Web UI) run through the project-local CLI.
import { spawnSync } from 'node:child_process';
import { SEARCH_ATTRIBUTES } from '../shared/constants';
import type { Supervisor } from './supervisor';

export interface TemporalServerOptions {
  cli: string;
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** Omit for an in-memory server (tests). */
  dbFile?: string;
  /** Where the frontend, its HTTP API, metrics and the UI listen; clients use 127.0.0.1. */
  ip?: string;
}

export async function startTemporalDevServer(
  supervisor: Supervisor,
  opts: TemporalServerOptions,
): Promise<string> {
  const address = `127.0.0.1:${opts.port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    opts.ip ?? '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
  ];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const name of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=Keyword`);
  // Sync activities carry their tenant as fairness key: their queue's backlog is then served
  // tenant by tenant instead of first come, first served (Temporal's task queue fairness).
  args.push('--dynamic-config-value', 'matching.enableFairness=true');
  // Its warnings (polling retries during start and stop) are noise; errors are not.
  await supervisor.start({
    name: 'temporal',
    command: opts.cli,
    args,
    showOnly: /level=(ERROR|FATAL|DPANIC|PANIC)/,
  });
  await waitUntilServing(opts.cli, address);
  return address;
}

async function waitUntilServing(cli: string, address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = spawnSync(cli, ['operator', 'cluster', 'health', '--address', address], {
      encoding: 'utf8',
    });
    if (health.status === 0 && health.stdout.includes('SERVING')) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Temporal dev server at ${address} not serving after ${timeoutMs}ms`);
}
