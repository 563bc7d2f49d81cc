// Creating schedules and running them through the API, as a client would.
import type { EmulatorAdmin } from './emulatorAdmin';
import { type ApiResponse, eventually, type TestStack } from './stack';

/** Statuses a run ends in. */
export const FINISHED = ['succeeded', 'partial', 'failed', 'skipped', 'canceled'];

export function scheduleBody(overrides: Record<string, unknown> = {}) {
  return {
    name: `nightly ${Math.random().toString(36).slice(2, 8)}`,
    enabled: true,
    frequency: 'weekly',
    timeOfDay: '02:30',
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
