// The production API (src/api/main.ts) in its own process for a benchmark, so its memory is
// measured apart from the benchmark's own: a sampler of its VmRSS, and downloads streamed to
// files (never held in memory, which would blur nothing in the API but would in the bench).
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { freePort } from '../src/devstack/ports';
import type { Supervisor } from '../src/devstack/supervisor';
import { generateKeyRingEnv } from '../src/secrets/keyRing';
import { type DownloadFigures, rssFigures, vmRssBytes } from './exportFigures';

const ROOT = join(__dirname, '..');
const SAMPLE_EVERY_MS = 50;

export interface ApiProcess {
  url: string;
  pid: number;
  rssBytes(): number;
}

/** Starts the API under the benchmark's supervisor (which stops it); `BENCH_NODE_ARGS` reach it. */
export async function startApiProcess(supervisor: Supervisor, databaseUrl: string): Promise<ApiProcess> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = await supervisor.start({
    name: 'api',
    command: process.execPath,
    args: [...nodeArgs, '--import', 'tsx', join(ROOT, 'src', 'api', 'main.ts')],
    env: {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      // No Temporal work here: the reconciler stays off and the Temporal client is never used.
      RECONCILE_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'info',
      ...generateKeyRingEnv('bench'),
    },
    readyLine: /API listening/,
    // Request logs stay quiet; warnings and errors show (pino levels 40 and up).
    showOnly: /"level":(40|50|60)|Error/,
  });
  const pid = child.pid as number;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    rssBytes() {
      const rss = vmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss === null) throw new Error(`the API process ${pid} has no VmRSS: did it exit?`);
      return rss;
    },
  };
}

/** GETs `path` with the token into `file`, sampling the API's RSS every 50 ms meanwhile. */
export async function timedDownload(
  api: ApiProcess,
  token: string,
  path: string,
  file: string,
): Promise<DownloadFigures> {
  const baseline = api.rssBytes();
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(api.rssBytes()), SAMPLE_EVERY_MS);
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${path} answered ${res.statusCode}`));
          return;
        }
        pipeline(res, createWriteStream(file)).then(resolve, reject);
      });
      req.on('error', reject);
      req.end();
    });
    const ms = performance.now() - started;
    samples.push(api.rssBytes());
    return { ms, bytes: statSync(file).size, rss: rssFigures(baseline, samples) };
  } finally {
    clearInterval(sampler);
  }
}
