// `npm run bench:budget`: sync of a generated 5,000-policy emulator tenant with Graph's
// per-app-per-tenant budget enforced by the emulator (1,000 requests per 20 s, 429 beyond it)
// and the client's own production budget. Prints requests, 429s, time and budget utilization
// against the targets of issue 19 (exit 1 if one is missed).
import { GRAPH_TENANT_BUDGET } from '../src/graph';
import { type Budget, budgetFigures, budgetTargets } from './budgetFigures';
import { createBenchTenant, emulatorAdmin, startBenchServices } from './services';
import { runBenchmark, runPhase } from './shared';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const GRAPH_BUDGET: Budget = { requests: GRAPH_TENANT_BUDGET.limit, windowMs: GRAPH_TENANT_BUDGET.windowMs };
/**
 * Added to every Graph response. Intune reads from a nearby region take on the order of 100 ms;
 * it is also what ITEM_CONCURRENCY (src/graph/graphClient.ts) is sized for. The higher end of
 * Graph-like latencies is the harder case: more requests must be in flight to use the budget.
 */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

async function main(): Promise<number> {
  const services = await startBenchServices('budget');
  try {
    const env = await createBenchTenant(services, POLICIES);
    const tenantPath = `/_emulator/tenants/${env.azureTenantId}`;
    await emulatorAdmin(env, 'PUT', `${tenantPath}/faults`, {
      requestBudget: GRAPH_BUDGET,
      latencyMs: LATENCY_MS,
    });
    await emulatorAdmin(env, 'POST', `${tenantPath}/stats/reset`);
    const sync = await runPhase('syncPhase', env, { BENCH_PRODUCTION_BUDGET: '1' });
    const stats = (await emulatorAdmin(env, 'GET', `${tenantPath}/stats`)) as {
      total: number;
      byStatus: Record<string, number>;
    };
    const run = { requests: stats.total, throttled: stats.byStatus['429'] ?? 0, ms: sync.ms };
    const figures = budgetFigures(run, GRAPH_BUDGET);
    const targets = budgetTargets(figures);
    const ok = targets.every((t) => t.pass);
    console.log(`
  bench:budget  ${sync.policies} policies (${POLICIES} requested), every registry type
    Graph budget   ${GRAPH_BUDGET.requests} requests per ${GRAPH_BUDGET.windowMs / 1000} s (emulator), latency ${LATENCY_MS} ms
    sync           ${(sync.ms / 1000).toFixed(1)} s   ${run.requests} Graph requests (${(run.requests / sync.policies).toFixed(3)} per policy)   ${run.throttled} answered 429   peak RSS ${sync.peakRssMb} MB
    ${targets.map((t) => `${t.label.padEnd(24)} ${t.shown}   (target ${t.target})`).join('\n    ')}
    of the sliding windows' capacity ${(figures.windowShare * 100).toFixed(1)} % (limit x started windows)
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
    return ok ? 0 : 1;
  } finally {
    await services.stop();
  }
}

runBenchmark(main);
