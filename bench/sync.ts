// `npm run bench:sync`: sync of a generated 5,000-policy emulator tenant, against a raw baseline
// measured in the same run. Each phase runs in its own process so its peak RSS is its own; the
// emulator runs in another. Prints the figures and checks the targets (exit 1 if one is missed).
import { createBenchTenant, emulatorAdmin, startBenchServices } from './services';
import { type PhaseResult, runBenchmark, runPhase } from './shared';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const TARGET_RATIO = 1.25;
const TARGET_RSS_MB = 400;
/** Graph requests per policy of the sync, on the generated mix (issue 19: list `$expand`). */
const TARGET_REQUESTS_PER_POLICY = 1.15;

async function main(): Promise<number> {
  const services = await startBenchServices('bench');
  try {
    const env = await createBenchTenant(services, POLICIES);
    const results: (PhaseResult & { requests: number })[] = [];
    // Baseline on both sides of the sync, so neither profits alone from a warm emulator or page cache.
    for (const phase of ['rawPhase', 'syncPhase', 'rawPhase'] as const) {
      await emulatorAdmin(env, 'POST', `/_emulator/tenants/${env.azureTenantId}/stats/reset`);
      const result = await runPhase(phase, env);
      const stats = (await emulatorAdmin(env, 'GET', `/_emulator/tenants/${env.azureTenantId}/stats`)) as {
        total: number;
      };
      console.log(
        `[bench] ${result.phase}: ${result.policies} policies in ${(result.ms / 1000).toFixed(1)} s, ${stats.total} Graph requests, peak RSS ${result.peakRssMb} MB`,
      );
      results.push({ ...result, requests: stats.total });
    }
    return printSummary(results);
  } finally {
    await services.stop();
  }
}

function printSummary(results: (PhaseResult & { requests: number })[]): number {
  const sync = results.find((r) => r.phase === 'sync');
  const raws = results.filter((r) => r.phase === 'raw');
  if (!sync || raws.length === 0) throw new Error('a phase is missing');
  const raw = raws.reduce((best, r) => (r.ms < best.ms ? r : best));
  const ratio = sync.ms / raw.ms;
  const perPolicy = sync.requests / sync.policies;
  const ok =
    ratio <= TARGET_RATIO &&
    sync.peakRssMb <= TARGET_RSS_MB &&
    sync.policies === raw.policies &&
    perPolicy <= TARGET_REQUESTS_PER_POLICY;
  console.log(`
  bench:sync  ${sync.policies} policies (${POLICIES} requested), every registry type
    sync           ${(sync.ms / 1000).toFixed(1)} s   ${Math.round(sync.policies / (sync.ms / 1000))} policies/s   ${sync.requests} Graph requests
    raw baseline   ${(raw.ms / 1000).toFixed(1)} s   ${Math.round(raw.policies / (raw.ms / 1000))} policies/s   ${raw.requests} Graph requests (faster of ${raws.length})
    requests       ${perPolicy.toFixed(3)} per policy   (target <= ${TARGET_REQUESTS_PER_POLICY})
    time ratio     ${ratio.toFixed(2)}   (target <= ${TARGET_RATIO})
    peak RSS sync  ${sync.peakRssMb} MB   (target <= ${TARGET_RSS_MB} MB; raw baseline ${raw.peakRssMb} MB)
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
  return ok ? 0 : 1;
}

runBenchmark(main);
