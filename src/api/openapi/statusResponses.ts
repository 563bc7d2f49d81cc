// Tenant status as the status routes answer it (mirrors ../statusSerializers.ts).
import { z } from 'zod';
import { STATE_ORDER } from '../../services/statusRules';
import { component } from './responses';

const instant = z.iso.datetime().describe('ISO 8601, UTC');
const state = z
  .enum(STATE_ORDER)
  .describe('failing, degraded, never_run, healthy or offboarded (docs: tenant status)');

const run = z
  .strictObject({
    id: z.uuid().describe('the run id'),
    status: z
      .string()
      .describe('the run status (queued, running, succeeded, partial, failed, skipped, canceled)'),
    createdAt: instant,
    finishedAt: instant.nullable().describe('null while the run is active'),
    error: z
      .strictObject({
        code: z.string().describe('e.g. graph_auth_failed, all_types_failed'),
        message: z.string().nullable().describe('secret-free message'),
      })
      .nullable()
      .describe('why the run failed, was skipped or canceled; null otherwise'),
  })
  .nullable();

const EXAMPLE_RUN = {
  id: '0b7d9c52-4d0e-4a55-9f2c-1f1c6a0c2d11',
  status: 'partial',
  createdAt: '2026-11-30T02:30:00.000Z',
  finishedAt: '2026-11-30T02:31:12.000Z',
  error: null,
};

const STATUS_EXAMPLE = {
  tenant: { id: '5a0c8d1e-2f3b-4c4d-8e5f-6a7b8c9d0e1f', slug: 'contoso', displayName: 'Contoso Ltd' },
  state: 'degraded',
  reasons: [
    {
      state: 'degraded',
      code: 'types_failing',
      message: 'the last run of "nightly" was partial: powershellScripts (permission_missing: 403)',
      scheduleId: '3c2b1a09-8f7e-4d6c-b5a4-938271605f4e',
    },
  ],
  offboarding: null,
  newestCompleteBackup: {
    backupSetId: '7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9',
    createdAt: '2026-11-29T02:31:00.000Z',
    ageSeconds: 158400,
  },
  credentials: { secretUnderActiveKey: true, lastTokenFailure: null, lastConnectionTest: null },
  schedules: [
    {
      id: '3c2b1a09-8f7e-4d6c-b5a4-938271605f4e',
      name: 'nightly',
      enabled: true,
      syncState: 'synced',
      lastRun: EXAMPLE_RUN,
      lastOutcomeRun: EXAMPLE_RUN,
      lastSuccessfulRun: {
        ...EXAMPLE_RUN,
        id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        status: 'succeeded',
        createdAt: '2026-11-29T02:30:00.000Z',
        finishedAt: '2026-11-29T02:31:00.000Z',
      },
      failingTypes: [
        {
          type: 'powershellScripts',
          outcome: 'permission_missing',
          reason: '403',
          requiredPermission: 'DeviceManagementScripts.Read.All',
        },
      ],
      nextRunTimes: ['2026-12-01T02:30:00.000Z', '2026-12-02T02:30:00.000Z'],
      nextRunTimesKnown: true,
    },
  ],
};

export const tenantStatus = component(
  'TenantStatus',
  "A tenant's health: its state with every reason, its schedules' last and next runs, its credentials, and the age of its newest complete backup.",
  z
    .strictObject({
      tenant: z
        .strictObject({
          id: z.uuid().describe('the tenant id'),
          slug: z.string().describe('the tenant slug'),
          displayName: z.string().describe('the display name'),
        })
        .describe('the tenant'),
      state,
      reasons: z
        .array(
          z.strictObject({
            state: state.exclude(['healthy']).describe('the state this reason pushes the tenant to'),
            code: z.string().describe('stable, e.g. last_run_failed, types_failing, schedule_disabled'),
            message: z.string().describe('what is wrong, for people'),
            scheduleId: z
              .uuid()
              .nullable()
              .describe('the schedule concerned; null for the tenant as a whole'),
          }),
        )
        .describe('every rule that applies; empty when healthy. The state is the worst of them'),
      offboarding: z
        .strictObject({
          offboardedAt: instant,
          purgeAfter: instant.nullable().describe('when its data is purged'),
        })
        .nullable()
        .describe('set when the tenant is offboarded (state offboarded, no other reason); else null'),
      newestCompleteBackup: z
        .strictObject({
          backupSetId: z.uuid().describe('the backup set id'),
          createdAt: instant,
          ageSeconds: z.int().describe('seconds since the set was made'),
        })
        .nullable()
        .describe(
          'the newest set whose run captured every type the tenant has (types unsupported by its licence do not count); null when none',
        ),
      credentials: z
        .strictObject({
          secretUnderActiveKey: z
            .boolean()
            .describe('whether the client secret is encrypted with the active key'),
          lastTokenFailure: z
            .strictObject({
              at: instant,
              runId: z.uuid().nullable().describe('the run that could not get a token'),
              message: z.string().nullable().describe('the secret-free error'),
            })
            .nullable()
            .describe('the newest run that failed to get a Graph token (graph_auth_failed); null when none'),
          lastConnectionTest: z
            .strictObject({
              at: instant,
              result: z.unknown().describe("the connection test's audit metadata"),
            })
            .nullable()
            .describe('the newest connection test (audit action tenant.connection_tested); null when none'),
        })
        .describe("the state of the tenant's Graph credentials"),
      schedules: z
        .array(
          z.strictObject({
            id: z.uuid().describe('the schedule id'),
            name: z.string().describe('the schedule name'),
            enabled: z.boolean().describe('false: paused in Temporal'),
            syncState: z
              .enum(['pending', 'synced', 'error'])
              .describe('whether Temporal holds the current version'),
            lastRun: run.describe('the newest run, whatever its status; null before the first'),
            lastOutcomeRun: run.describe('the newest run that succeeded, was partial or failed'),
            lastSuccessfulRun: run.describe('the newest run that succeeded'),
            failingTypes: z
              .array(
                z.strictObject({
                  type: z.string().describe('the policy type key'),
                  outcome: z.string().describe('permission_missing, unsupported or failed'),
                  reason: z.string().optional().describe('the stored reason'),
                  requiredPermission: z.string().optional().describe('the Graph permission missing'),
                }),
              )
              .describe('the types that did not end ok in lastOutcomeRun'),
            nextRunTimes: z
              .array(instant)
              .describe('the next (at most 5) fire times, as Temporal computes them'),
            nextRunTimesKnown: z
              .boolean()
              .describe('false when Temporal could not tell: nextRunTimes is then empty'),
          }),
        )
        .describe('the live schedules'),
    })
    .meta({ examples: [STATUS_EXAMPLE] }),
);

export const tenantStatusPage = component(
  'TenantStatusPage',
  'A page of tenant statuses, worst first; pass nextCursor as cursor for the next one.',
  z
    .strictObject({
      items: z.array(tenantStatus).describe('the statuses, in the order asked for'),
      nextCursor: z
        .string()
        .nullable()
        .describe('an opaque string: pass it as `cursor` for the next page; null on the last page'),
    })
    .meta({ examples: [{ items: [STATUS_EXAMPLE], nextCursor: null }] }),
);
