// Creating schedules and running them through the API, as a client would, or on a test's own
// task queue, as an operator's "start workflow" would.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Tenant } from '../../src/db/client';
import { POLICY_TYPE_KEYS } from '../../src/graph';
import { BACKUP_RUN_WORKFLOW, backupRunWorkflowIdBase } from '../../src/shared/constants';
import type { BackupRunInput, BackupRunResult } from '../../src/shared/types';
import type { EmulatorAdmin } from './emulatorAdmin';
import { type ApiResponse, eventually, type TestStack } from './stack';

/** Statuses a run ends in. */
export const FINISHED = ['succeeded', 'partial', 'failed', 'skipped', 'canceled'];

/**
 * A local time of day about 12 hours from now: a schedule a test makes must not fire while the
 * tests run (a fixed 02:30 once started a real scheduled run in the middle of a test that ran at
 * 02:30 on a Monday, and its run was then skipped as `already_running`).
 */
export function timeFarFromNow(timeZone = 'Europe/Berlin'): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(Date.now() + 12 * 3600_000));
}

/** A minute of the hour about half an hour from now, for hourly schedules (see timeFarFromNow). */
export function minuteFarFromNow(): number {
  return (new Date().getUTCMinutes() + 30) % 60;
}

export function scheduleBody(overrides: Record<string, unknown> = {}) {
  return {
    name: `nightly ${Math.random().toString(36).slice(2, 8)}`,
    enabled: true,
    frequency: 'weekly',
    timeOfDay: timeFarFromNow(),
    daysOfWeek: ['mon', 'thu'],
    timezone: 'Europe/Berlin',
    policyTypes: ['deviceConfiguration', 'settingsCatalog', 'compliance'],
    retention: { keepLast: 2 },
    ...overrides,
  };
}

export async function createSchedule(
  stack: TestStack,
  tenantId: string,
  overrides: Record<string, unknown> = {},
) {
  const created = await stack.api(`/v1/tenants/${tenantId}/backup-schedules`, {
    method: 'POST',
    body: scheduleBody(overrides),
  });
  if (created.status !== 201) throw new Error(`schedule not created: ${JSON.stringify(created.body)}`);
  return created.body as { id: string };
}

/** Starts a run with the API and waits for it to finish; returns the run as the API shows it. */
export async function runToCompletion(
  stack: TestStack,
  tenantId: string,
  scheduleId: string,
  timeoutMs = 90_000,
): Promise<ApiResponse['body']> {
  const started = await stack.api(`/v1/tenants/${tenantId}/backup-schedules/${scheduleId}/run`, {
    method: 'POST',
  });
  if (started.status !== 202) throw new Error(`run not started: ${JSON.stringify(started.body)}`);
  return waitForRun(stack, tenantId, started.body.id, timeoutMs);
}

/** Waits for a run to finish; returns it as the API shows it. */
export function waitForRun(
  stack: TestStack,
  tenantId: string,
  runId: string,
  timeoutMs = 90_000,
): Promise<ApiResponse['body']> {
  return eventually(
    async () => {
      const run = await stack.api(`/v1/tenants/${tenantId}/runs/${runId}`);
      return FINISHED.includes(run.body.status) ? run.body : undefined;
    },
    { what: `run ${runId} to finish`, timeoutMs },
  );
}

/**
 * A new emulated tenant whose scripts answer 403, a schedule of scripts and device
 * configurations, and that schedule's first run, which is therefore partial.
 */
export async function runWithScriptsForbidden(stack: TestStack, admin: EmulatorAdmin) {
  const { emulated, tenant } = await admin.createTenant(60);
  await admin.setFaults(emulated.azureTenantId, { forbiddenTypes: ['powershellScripts'] });
  const schedule = await createSchedule(stack, tenant.id, {
    policyTypes: ['deviceConfiguration', 'powershellScripts'],
  });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  return { emulated, tenant, schedule, run };
}

/**
 * A generated tenant slow enough (latency on every Graph call) to be interrupted mid-sync, a
 * schedule of every policy type for it, and how many objects a complete sync captures.
 */
export async function slowTenant(
  stack: TestStack,
  admin: EmulatorAdmin,
  policies: number,
  latencyMs: number,
) {
  const { emulated, tenant } = await admin.createTenant(policies);
  await admin.setFaults(emulated.azureTenantId, { latencyMs });
  const counts = await admin.counts(emulated.azureTenantId);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  // Runs are started directly on the test's task queue; the weekly schedule is only the record.
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: [...POLICY_TYPE_KEYS] });
  return { tenant, schedule, total };
}

/** Starts BackupRun as an operator's "start workflow" would, on the given task queue. */
export function startRunOnQueue(stack: TestStack, tenant: Tenant, scheduleId: string, taskQueue: string) {
  const input: BackupRunInput = { tenantId: tenant.id, scheduleId };
  return stack.temporal.workflow.start(BACKUP_RUN_WORKFLOW, {
    taskQueue,
    workflowId: `${backupRunWorkflowIdBase(scheduleId)}-test-${randomUUID()}`,
    args: [input],
  }) as Promise<WorkflowHandle<(input: BackupRunInput) => Promise<BackupRunResult>>>;
}

/**
 * The highest attempt Temporal started an activity of the run with: the sync's in a run whose sync
 * was interrupted (2 or more: it was retried).
 */
export async function syncAttempts(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return Math.max(
    0,
    ...(history.events ?? []).map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0),
  );
}
