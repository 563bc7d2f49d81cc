// Measured child: the production sync activity (MockActivityEnvironment supplies the Temporal
// context), with the production Graph client and database layer, over every registry type.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createSyncPolicies, type SyncPoliciesResult } from '../src/activities/syncPolicies';
import { createDb } from '../src/db/client';
import { CLIENT_TENANT_BUDGET, GraphClientFactory, POLICY_TYPE_KEYS } from '../src/graph';
import { graphEndpointAllowlist } from '../src/outbound';
import { generateKeyRing, TenantSecretCipher } from '../src/secrets';
import { benchEnv, caPem, report } from './shared';

async function main(): Promise<void> {
  const env = benchEnv();
  const db = createDb(env.databaseUrl);
  // bench:sync lifts the 1,000 requests / 20 s budget (the emulator throttles nothing there): it
  // measures the client's own cost against the raw baseline. bench:budget sets
  // BENCH_PRODUCTION_BUDGET and keeps the client's own budget, against the emulator's.
  const graph = new GraphClientFactory({
    trustedCaPem: caPem(env),
    requestBudget: process.env.BENCH_PRODUCTION_BUDGET
      ? CLIENT_TENANT_BUDGET
      : { limit: 1_000_000, windowMs: 20_000 },
    endpointAllowlist: graphEndpointAllowlist([new URL(env.emulatorUrl).host]),
  });
  // The bench tenant's secret is stored as `plain`: any key ring reads it.
  const secrets = new TenantSecretCipher(generateKeyRing('bench'));
  const syncPolicies = createSyncPolicies({ db, graph, logger: pino({ level: 'silent' }), secrets });
  const started = performance.now();
  const result: SyncPoliciesResult = await new MockActivityEnvironment().run(syncPolicies, {
    runId: randomUUID(),
    tenantId: env.tenantId,
    policyTypes: [...POLICY_TYPE_KEYS],
  });
  const ms = performance.now() - started;
  const notOk = Object.entries(result).filter(([, summary]) => summary.outcome !== 'ok');
  if (notOk.length > 0) throw new Error(`sync incomplete: ${JSON.stringify(notOk)}`);
  const policies = Object.values(result).reduce((sum, summary) => sum + summary.fetched, 0);
  report({ phase: 'sync', ms, policies });
  await graph.close();
  await db.$disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
