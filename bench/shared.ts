// What the benchmark's parent and its measured child processes agree on.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchEnv {
  databaseUrl: string;
  emulatorUrl: string;
  caFile: string;
  tenantId: string;
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
}

/** One measured phase, printed by a child as its last stdout line. */
export interface PhaseResult {
  phase: string;
  ms: number;
  policies: number;
  /** Peak resident set size of the measuring process, in MB. */
  peakRssMb: number;
}

export const BENCH_ENV_VAR = 'TENANTVAULT_BENCH';

export function benchEnv(): BenchEnv {
  const raw = process.env[BENCH_ENV_VAR];
  if (!raw) throw new Error(`${BENCH_ENV_VAR} is not set; run \`npm run bench:sync\``);
  return JSON.parse(raw) as BenchEnv;
}

export function caPem(env: Pick<BenchEnv, 'caFile'>): string {
  return readFileSync(env.caFile, 'utf8');
}

export function report(result: Omit<PhaseResult, 'peakRssMb'>): void {
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb } satisfies PhaseResult)}\n`);
}

/** Runs a benchmark's main: its return value is the exit code (1 when a target is missed). */
export function runBenchmark(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error('[bench]', error);
      process.exit(1);
    },
  );
}

/** Runs a measured child (bench/<script>.ts) in its own process; resolves to its PhaseResult. */
export function runPhase(
  script: string,
  env: BenchEnv,
  childEnv: NodeJS.ProcessEnv = {},
): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS passes flags such as --cpu-prof to the measured children only.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(__dirname, `${script}.ts`)], {
      env: { ...process.env, ...childEnv, [BENCH_ENV_VAR]: JSON.stringify(env) },
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
