// `npm run bench:backup`: a full BackupRun of a generated 5,000-policy emulator tenant through a
// real Temporal dev server and worker, then ten more runs with no change in between. Prints
// durations (per phase from the workflow history), new payload bytes and the storage ratio of
// eleven sets to one; exits 1 when a target is missed.
import type { Db } from '../src/db/client';
import { type RunFigures, startBackupHarness } from './backupHarness';
import { startBenchServices } from './services';
import { runBenchmark } from './shared';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const LATER_RUNS = 10;
const TARGET_NEW_BYTES = 0;
const TARGET_STORAGE_RATIO = 1.1;

async function main(): Promise<number> {
  const services = await startBenchServices('bench');
  try {
    const harness = await startBackupHarness(services, 'bench:backup', POLICIES, LATER_RUNS + 1);
    const { db } = harness;
    try {
      const first = await harness.runOnce();
      const firstPayloadBytes = await storedPayloadBytes(db);
      report('run 1 (full)', first);
      const later: RunFigures[] = [];
      for (let i = 0; i < LATER_RUNS; i++) {
        later.push(await harness.runOnce());
        report(`run ${i + 2} (no change)`, later.at(-1) as RunFigures);
      }
      const ratio = (await storedPayloadBytes(db)) / firstPayloadBytes;
      const sets = await db.backupSet.count({ where: { scheduleId: harness.scheduleId } });
      return printSummary(first, later, ratio, sets, firstPayloadBytes);
    } finally {
      await harness.close();
    }
  } finally {
    await services.stop();
  }
}

async function storedPayloadBytes(db: Db): Promise<number> {
  const total = await db.backupPayload.aggregate({ _sum: { sizeBytes: true } });
  return total._sum.sizeBytes ?? 0;
}

function report(label: string, run: RunFigures): void {
  const phases = Object.entries(run.phases)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
    .join(', ');
  console.log(
    `[bench] ${label}: ${(run.ms / 1000).toFixed(1)} s (${phases}); new payload bytes ${run.newPayloadBytes}`,
  );
}

function printSummary(
  first: RunFigures,
  later: RunFigures[],
  ratio: number,
  sets: number,
  firstPayloadBytes: number,
): number {
  const laterMs = later.map((run) => run.ms).sort((a, b) => a - b);
  const maxNewBytes = Math.max(...later.map((run) => run.newPayloadBytes));
  const ok = maxNewBytes <= TARGET_NEW_BYTES && ratio <= TARGET_STORAGE_RATIO && sets === later.length + 1;
  const phases = Object.entries(first.phases)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
    .join(', ');
  console.log(`
  bench:backup  ${POLICIES} policies, every registry type, ${sets} backup sets kept
    first run          ${(first.ms / 1000).toFixed(1)} s   (${phases})
    later runs         median ${((laterMs[Math.floor(laterMs.length / 2)] ?? 0) / 1000).toFixed(1)} s, max ${((laterMs.at(-1) ?? 0) / 1000).toFixed(1)} s   (${later.length} runs, no change)
    new payload bytes  max ${maxNewBytes} over the later runs   (target ${TARGET_NEW_BYTES})
    storage ratio      ${ratio.toFixed(3)}   (payload bytes of ${sets} sets / of 1 set = ${firstPayloadBytes}; target <= ${TARGET_STORAGE_RATIO})
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
  return ok ? 0 : 1;
}

runBenchmark(main);
