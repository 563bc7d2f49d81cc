// bench:fleet's measured processes: production workers (src/worker/main.ts) as child processes
// under the benchmark's supervisor, and a sampler of their VmRSS, the runs in progress and
// PostgreSQL's connections, polled together while the fleet runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../src/db/client';
import type { Supervisor } from '../src/devstack/supervisor';
import { generateKeyRingEnv } from '../src/secrets/keyRing';
import { vmRssBytes } from './exportFigures';

const ROOT = join(__dirname, '..');

export interface FleetWorker {
  name: string;
  pid: number;
}

export async function startFleetWorkers(
  supervisor: Supervisor,
  count: number,
  env: Record<string, string>,
): Promise<FleetWorker[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `worker-${i + 1}`;
      const child = await supervisor.start({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', join(ROOT, 'src', 'worker', 'main.ts')],
        // The bench tenants' secrets are stored `plain`: any key ring reads them.
        env: { METRICS_PORT: '0', LOG_LEVEL: 'info', ...generateKeyRingEnv('bench'), ...env },
        readyLine: /worker started/,
        // Errors only: the sync and notify queues warn at start that they run no workflows.
        showOnly: /"level":(50|60)|Error/,
      });
      return { name, pid: child.pid as number };
    }),
  );
}

export interface FleetPeaks {
  runsInProgress: number;
  connections: number;
  rssBytes: Record<string, number>;
}

/** Polls every `everyMs` until stopped; stop() resolves to the peaks seen. */
export function samplePeaks(db: Db, workers: FleetWorker[], everyMs = 250) {
  const peaks: FleetPeaks = { runsInProgress: 0, connections: 0, rssBytes: {} };
  let stopped = false;
  const sample = async () => {
    for (const worker of workers) {
      const rss = vmRssBytes(readFileSync(`/proc/${worker.pid}/status`, 'utf8')) ?? 0;
      peaks.rssBytes[worker.name] = Math.max(peaks.rssBytes[worker.name] ?? 0, rss);
    }
    const [row] = await db.$queryRaw<{ connections: bigint; running: bigint }[]>`
      SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections,
             (SELECT count(*) FROM backup_schedule_runs WHERE status = 'running') AS running`;
    peaks.connections = Math.max(peaks.connections, Number(row?.connections ?? 0));
    peaks.runsInProgress = Math.max(peaks.runsInProgress, Number(row?.running ?? 0));
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop(): Promise<FleetPeaks> {
      stopped = true;
      await loop;
      return peaks;
    },
  };
}
