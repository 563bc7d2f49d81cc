// Tenant status as GET /v1/tenants/{id}/status and GET /v1/status answer it (schemas:
// ./openapi/statusResponses.ts).
import type { StatusRun } from '../db/tenantStatus';
import type { TenantStatus } from '../services/tenantStatus';

function runJson(run: StatusRun | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
  };
}

const ageSeconds = (from: Date, now: Date) =>
  Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));

export function tenantStatusJson(status: TenantStatus, now = new Date()) {
  const set = status.newestCompleteSet;
  return {
    tenant: { id: status.tenant.id, slug: status.tenant.slug, displayName: status.tenant.displayName },
    state: status.state,
    reasons: status.reasons.map((reason) => ({
      state: reason.state,
      code: reason.code,
      message: reason.message,
      scheduleId: reason.scheduleId ?? null,
    })),
    offboarding: status.tenant.offboardedAt
      ? { offboardedAt: status.tenant.offboardedAt, purgeAfter: status.tenant.purgeAfter }
      : null,
    newestCompleteBackup: set
      ? { backupSetId: set.id, createdAt: set.createdAt, ageSeconds: ageSeconds(set.createdAt, now) }
      : null,
    credentials: {
      secretUnderActiveKey: status.secretUnderActiveKey,
      lastTokenFailure: status.lastTokenFailure && {
        at: status.lastTokenFailure.at,
        runId: status.lastTokenFailure.runId,
        message: status.lastTokenFailure.detail as string | null,
      },
      lastConnectionTest: status.lastConnectionTest && {
        at: status.lastConnectionTest.at,
        result: status.lastConnectionTest.detail,
      },
    },
    schedules: status.schedules.map(({ schedule, runs, failingTypes }) => {
      const nextRunTimes = status.nextRunTimes.get(schedule.id) ?? null;
      return {
        id: schedule.id,
        name: schedule.name,
        enabled: schedule.enabled,
        syncState: schedule.temporalSyncState,
        lastRun: runJson(runs.last),
        lastOutcomeRun: runJson(runs.last_outcome),
        lastSuccessfulRun: runJson(runs.last_success),
        failingTypes,
        nextRunTimes: nextRunTimes ?? [],
        nextRunTimesKnown: nextRunTimes !== null,
      };
    }),
  };
}
