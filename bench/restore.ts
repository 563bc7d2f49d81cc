// `npm run bench:restore`: a generated emulator tenant, one backup, 500 policies of the writable
// types deleted in the emulator, then a RestorePlan and a RestoreRun through a real Temporal dev
// server and worker, under the emulator's write throttling (Graph's limits: Intune 100 per 20 s,
// Conditional Access and named locations 1 per s). Prints writes per policy, 429s, the apply's
// time and each write family's achieved rate against its limit; exits 1 when the Intune rate is
// under 0.8 of the limit (the restore should be bound by Graph, not by TenantVault) or when a
// deleted policy was not created again.
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import type { Db } from '../src/db/client';
import { DEFAULT_GRANTS } from '../src/emulator/graphSurface';
import type { WriteLogEntry } from '../src/emulator/writes/writeGate';
import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../src/graph/policyTypes';
import { isWritableType, restoreOrder, WRITE_RECIPES, writePermissionsOf } from '../src/restore/recipes';
import type { ItemRef } from '../src/restore/types';
import { applyRestore, getRestore, type RestoreServiceDeps, requestRestore } from '../src/services/restores';
import { BACKUP_TASK_QUEUE, restorePlanWorkflowId, restoreRunWorkflowId } from '../src/shared/constants';
import { startBackupHarness } from './backupHarness';
import { type WriteFigures, writeFigures } from './restoreFigures';
import { emulatorAdmin, startBenchServices } from './services';
import { runBenchmark } from './shared';

const DELETED = Number(process.env.BENCH_RESTORE_POLICIES ?? 500);
/** The generated tenant: enough objects of the writable types to delete DELETED of them. */
const POLICIES = Number(process.env.BENCH_POLICIES ?? Math.max(1_000, DELETED * 2));
const TARGET_RATIO = 0.8;
const REFUSALS = ['type_refused', 'create_refused'];
/** The manager who requests and applies (audit rows name users by id). */
const BENCH_USER = 'bench-restore';

/** restoreOrder of the policies themselves; dependencies come lower. */
const POLICY_TIER = 100;
const WRITABLE_TYPES = POLICY_TYPE_KEYS.filter(isWritableType);
/**
 * The types deleted: writable, creatable (Graph refuses new endpoint security intents), and not a
 * dependency of others (restoreOrder under the policies' 100): a policy referring to a filter or
 * named location deleted with it is planned `missing_reference`, since a plan does not map
 * references onto objects the same restore creates.
 */
const DELETED_TYPES = WRITABLE_TYPES.filter(
  (type) => WRITE_RECIPES[type].createRefused === null && restoreOrder(type) >= POLICY_TIER,
);

async function main(): Promise<number> {
  const services = await startBenchServices('bench-restore');
  try {
    const harness = await startBackupHarness(services, 'bench:restore', POLICIES, 2);
    const { env, db } = harness;
    const admin = (method: string, path: string, body?: unknown) =>
      emulatorAdmin(env, method, `/_emulator/tenants/${env.azureTenantId}${path}`, body);
    try {
      const grants = new Set([...DEFAULT_GRANTS, ...WRITABLE_TYPES.flatMap(writePermissionsOf)]);
      await admin('PUT', '/grants', { permissions: [...grants] });
      await db.tenant.update({ where: { id: env.tenantId }, data: { restoreEnabled: true } });
      const backup = await harness.runOnce();
      console.log(`[bench] backup of ${POLICIES} policies: ${(backup.ms / 1000).toFixed(1)} s`);
      const countsBefore = (await admin('GET', '/counts')).counts as Record<PolicyTypeKey, number>;
      const removed = (await admin('POST', '/mutate', { remove: DELETED, types: DELETED_TYPES }))
        .removed as Partial<Record<PolicyTypeKey, string[]>>;
      const selection = Object.entries(removed).flatMap(([policyType, ids]) =>
        (ids ?? []).map((graphId) => ({ policyType: policyType as PolicyTypeKey, graphId })),
      );
      console.log(`[bench] deleted in the emulator: ${describeTypes(removed)}`);

      const deps = {
        db,
        temporal: harness.temporal,
        logger: pino({ level: 'warn' }),
        workflowTaskQueue: BACKUP_TASK_QUEUE,
      };
      const plan = await planRestore(deps, env.tenantId, backup.backupSetId, selection);
      console.log(
        `[bench] plan: ${(plan.ms / 1000).toFixed(1)} s, actions ${JSON.stringify(plan.actions)}${
          plan.blocked.length ? `, blocked: ${plan.blocked.join('; ')}` : ''
        }`,
      );
      const applyStart = new Date();
      const applied = await runApply(deps, env.tenantId, plan.restoreId);
      console.log(`[bench] apply: ${(applied.ms / 1000).toFixed(1)} s, restore ${applied.status}`);

      const log = (await admin('GET', '/writes')).writes as WriteLogEntry[];
      if (process.env.BENCH_WRITE_LOG)
        writeFileSync(process.env.BENCH_WRITE_LOG, JSON.stringify(log, null, 1));
      const figures = writeFigures(log, applyStart);
      const outcomes = await outcomesOf(db, plan.restoreId);
      const countsAfter = (await admin('GET', '/counts')).counts as Record<PolicyTypeKey, number>;
      const missing = POLICY_TYPE_KEYS.filter((type) => countsAfter[type] !== countsBefore[type]).map(
        (type) => `${type} ${countsAfter[type]}/${countsBefore[type]}`,
      );
      return printSummary({ plan, applied, figures, outcomes, missing, deleted: selection.length });
    } finally {
      await harness.close();
    }
  } finally {
    await services.stop();
  }
}

function describeTypes(removed: Partial<Record<string, string[]>>): string {
  return Object.entries(removed)
    .map(([type, ids]) => [type, ids?.length ?? 0] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
}

/**
 * The API's own services (POST /v1/tenants/{t}/restores and POST …/apply, minus HTTP): the
 * `restores` row and its audit, then the workflow, which the bench waits for.
 */
async function planRestore(
  deps: RestoreServiceDeps,
  tenantId: string,
  backupSetId: string,
  items: ItemRef[],
) {
  const started = performance.now();
  const request = {
    backupSetId,
    items,
    mode: 'in_place',
    assignments: 'restore',
    conditionalAccessState: 'report_only',
  } as const;
  const restore = await requestRestore(deps, tenantId, request, BENCH_USER);
  await deps.temporal.workflow.getHandle(restorePlanWorkflowId(restore.id)).result();
  const planned = await getRestore(deps.db, tenantId, restore.id);
  if (planned.status !== 'planned') throw new Error(`plan ended ${planned.status}: ${planned.error}`);
  const rows = await deps.db.restoreItem.findMany({ where: { restoreId: restore.id } });
  const actions: Record<string, number> = {};
  for (const row of rows) actions[row.action] = (actions[row.action] ?? 0) + 1;
  const blocked = rows
    .filter((row) => row.action === 'blocked')
    .map((row) => `${row.policyType} ${row.blockedReason}`);
  return { restoreId: restore.id, ms: performance.now() - started, actions, blocked };
}

async function runApply(deps: RestoreServiceDeps, tenantId: string, restoreId: string) {
  const started = performance.now();
  const { applyRounds } = await applyRestore(deps, tenantId, restoreId, BENCH_USER);
  await deps.temporal.workflow.getHandle(restoreRunWorkflowId(restoreId, applyRounds)).result();
  const { status } = await getRestore(deps.db, tenantId, restoreId);
  return { ms: performance.now() - started, status };
}

async function outcomesOf(db: Db, restoreId: string) {
  const rows = await db.restoreItem.findMany({ where: { restoreId } });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.outcome ?? 'open'] = (counts[row.outcome ?? 'open'] ?? 0) + 1;
  // Objects the plan refuses by rule (built-in or Microsoft-published ones) are not expected back.
  const refusedByRule = rows.filter(
    (row) => row.action === 'blocked' && REFUSALS.includes(row.blockedReason ?? ''),
  ).length;
  const notCreated = rows
    .filter((row) => row.outcome !== 'created' && !REFUSALS.includes(row.blockedReason ?? ''))
    .map(
      (row) =>
        `${row.policyType} ${row.outcome ?? 'open'}${row.outcomeDetail ? ` (${row.outcomeDetail})` : ''}`,
    );
  return { counts, created: counts.created ?? 0, expected: rows.length - refusedByRule, notCreated };
}

function printSummary(run: {
  plan: { ms: number };
  applied: { ms: number; status: string };
  figures: WriteFigures;
  outcomes: Awaited<ReturnType<typeof outcomesOf>>;
  missing: string[];
  deleted: number;
}): number {
  const { figures, outcomes } = run;
  const intune = figures.byFamily.intune;
  const ca = figures.byFamily.conditionalAccess;
  const family = (name: string, f: typeof intune) =>
    f
      ? `${name.padEnd(18)} ${f.writes} writes in ${(f.spanMs / 1000).toFixed(1)} s = ${f.perSecond.toFixed(2)}/s of ${f.limitPerSecond}/s: ratio ${f.ratio.toFixed(3)}, ${f.throttled} x 429`
      : `${name.padEnd(18)} no writes`;
  const ok =
    (intune?.ratio ?? 0) >= TARGET_RATIO &&
    outcomes.created === outcomes.expected &&
    outcomes.notCreated.length === 0;
  console.log(`
  bench:restore  ${run.deleted} deleted policies of mixed writable types, restored in place
    plan               ${(run.plan.ms / 1000).toFixed(1)} s
    apply              ${(run.applied.ms / 1000).toFixed(1)} s, restore ${run.applied.status}, outcomes ${JSON.stringify(outcomes.counts)}
    writes             ${figures.writes} accepted, ${(figures.writes / Math.max(1, run.deleted)).toFixed(2)} per policy, ${figures.throttled} x 429
    ${family('intune', intune)}   (target >= ${TARGET_RATIO})
    ${family('conditionalAccess', ca)}
    refused writes     ${figures.refused.map(([shape, n]) => `${n} ${shape}`).join('; ') || 'none'}
    write shapes       ${figures.shapes.map(([shape, n]) => `${n} ${shape}`).join('\n                       ')}
    every item created ${outcomes.created}/${outcomes.expected} (${run.deleted - outcomes.expected} refused by rule)${outcomes.notCreated.length ? `: not created ${outcomes.notCreated.slice(0, 10).join('; ')}` : ''}
    emulator counts    ${run.missing.length ? `differ from before the deletion: ${run.missing.join(', ')}` : 'back to before the deletion'}
    ${ok ? 'targets met' : 'TARGETS MISSED'}
`);
  return ok ? 0 : 1;
}

runBenchmark(main);
