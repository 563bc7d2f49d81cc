// `npm run bench:diff`: field-level changes at 5,000 policies. Backs up a generated tenant, backs
// it up twice more unchanged, then twice more after the emulator modified 10 % of its policies.
// Prints the snapshot time of the changed run against the unchanged runs' (target: at most 1.5x),
// the storage the stored field changes add, and the time the API takes to serve every page of 200
// changes of that set (target: each under 200 ms), then the same for a comparison with the first
// set (computed on its first request). Exits 1 when a target is missed.
import { GraphClientFactory } from '../src/graph';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../src/api/app';
import { listenOnLoopback } from '../src/devstack/ports';
import { issueApiToken } from '../src/db/tokens';
import { generateKeyRing, TenantSecretCipher } from '../src/secrets';
import { type BackupHarness, startBackupHarness } from './backupHarness';
import { emulatorAdmin, startBenchServices } from './services';
import { runBenchmark } from './shared';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const MODIFIED = Math.round(POLICIES / 10);
const PAGE = 200;
const TARGET_SNAPSHOT_RATIO = 1.5;
const TARGET_PAGE_MS = 200;

async function main(): Promise<number> {
  const services = await startBenchServices('bench-diff');
  try {
    const harness = await startBackupHarness(services, 'bench:diff', POLICIES, 10);
    try {
      const first = await harness.runOnce();
      const unchanged = [await harness.runOnce(), await harness.runOnce()];
      // Two runs after a change of 10 % each: one snapshot is a few hundred milliseconds, so each
      // side takes the better of two (a busy moment of the machine is not the code's cost).
      const changedRuns = [];
      for (let i = 0; i < 2; i++) {
        await emulatorAdmin(harness.env, 'POST', `/_emulator/tenants/${harness.env.azureTenantId}/mutate`, {
          add: 0,
          modify: MODIFIED,
          remove: 0,
        });
        changedRuns.push(await harness.runOnce());
      }
      const snapshotOf = (run: { phases: Record<string, number> }) => run.phases.createSnapshot ?? NaN;
      const baseline = Math.min(...unchanged.map(snapshotOf));
      const changed = changedRuns.reduce((best, run) => (snapshotOf(run) < snapshotOf(best) ? run : best));
      const ratio = snapshotOf(changed) / baseline;
      const stored = await storedChanges(harness, changed.backupSetId);
      const served = await serveDiff(harness, changed.backupSetId);
      const compared = await serveDiff(harness, changed.backupSetId, first.backupSetId);
      const ok =
        ratio <= TARGET_SNAPSHOT_RATIO && served.maxMs < TARGET_PAGE_MS && stored.changes >= MODIFIED * 0.9;
      console.log(`
  bench:diff  ${POLICIES} policies, ${MODIFIED} modified in the emulator
    snapshot, unchanged run   ${baseline.toFixed(0)} ms (best of ${unchanged.length})
    snapshot, changed run     ${snapshotOf(changed).toFixed(0)} ms (best of ${changedRuns.length})   ratio ${ratio.toFixed(2)} (target <= ${TARGET_SNAPSHOT_RATIO})
    stored changes            ${stored.changes} policies, ${stored.fields} field changes, ${stored.bytes} bytes of fields (${(stored.bytes / Math.max(stored.changes, 1)).toFixed(0)} per policy)
    API, set vs previous      ${served.pages} pages of ${PAGE}: median ${served.medianMs.toFixed(1)} ms, max ${served.maxMs.toFixed(1)} ms (target < ${TARGET_PAGE_MS})
    API, set vs first set     first page (computes and keeps the comparison) ${compared.firstMs.toFixed(0)} ms; later pages median ${compared.medianMs.toFixed(1)} ms, max ${compared.maxMs.toFixed(1)} ms
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
      return ok ? 0 : 1;
    } finally {
      await harness.close();
    }
  } finally {
    await services.stop();
  }
}

async function storedChanges(harness: BackupHarness, setId: string) {
  const [row] = await harness.db.$queryRaw<{ changes: number; fields: number; bytes: number }[]>`
    SELECT count(*)::int AS changes,
           coalesce(sum(jsonb_array_length(coalesce(fields, '[]'::jsonb))), 0)::int AS fields,
           coalesce(sum(pg_column_size(fields)), 0)::int AS bytes
    FROM backup_set_changes WHERE backup_set_id = ${setId}::uuid`;
  return row ?? { changes: 0, fields: 0, bytes: 0 };
}

/** Every page of the set's diff through the API, timed one by one. */
async function serveDiff(harness: BackupHarness, setId: string, against?: string) {
  const { db, temporal, env } = harness;
  const admin = await db.user.create({
    data: {
      email: `bench-${setId.slice(0, 8)}-${against ?? 'previous'}@bench.local`,
      displayName: 'Bench',
      platformAdmin: true,
    },
  });
  const { token } = await issueApiToken(db, { userId: admin.id, name: 'bench' });
  const app = createApp({
    db,
    temporal,
    logger: pino({ level: 'warn' }),
    secrets: new TenantSecretCipher(generateKeyRing('bench')),
    // Serves diffs only: no connection test runs, so the factory never opens a connection.
    graph: new GraphClientFactory(),
    rateLimitPerMinute: 1_000_000,
  });
  const server = await listenOnLoopback(app);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/tenants/${env.tenantId}/backup-sets/${setId}/diff`;
  const times: number[] = [];
  try {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({
        limit: String(PAGE),
        ...(against ? { against } : {}),
        ...(cursor ? { cursor } : {}),
      });
      const started = performance.now();
      const response = await fetch(`${base}?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { nextCursor: string | null };
      times.push(performance.now() - started);
      if (response.status !== 200)
        throw new Error(`diff answered ${response.status}: ${JSON.stringify(body)}`);
      cursor = body.nextCursor;
    } while (cursor);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const [firstMs = 0, ...rest] = times;
  const later = (against ? rest : times).sort((a, b) => a - b);
  return {
    pages: times.length,
    firstMs,
    medianMs: later[Math.floor(later.length / 2)] ?? 0,
    maxMs: later.at(-1) ?? 0,
  };
}

runBenchmark(main);
