// What the restore routes answer (../restoreSerializers.ts), described for the OpenAPI document
// and parsed against real responses by test/integration/restoresApi.test.ts.
import { z } from 'zod';
import { ITEM_ACTIONS, ITEM_OUTCOMES } from '../../restore/types';
import { component, fieldChange, withheld } from './responses';

const id = z.uuid();
const instant = z.iso.datetime().describe('ISO 8601, UTC');
const nextCursor = z
  .string()
  .nullable()
  .describe('an opaque string: pass it as `cursor` for the next page; null on the last page');
const RESTORE_STATUSES = [
  'planning',
  'planned',
  'plan_failed',
  'applying',
  'succeeded',
  'partial',
  'failed',
  'canceled',
] as const;

export const restoreSettings = component(
  'RestoreSettings',
  "The tenant's opt-in to restore: off until an owner turns it on (audited with before and after).",
  z
    .strictObject({
      enabled: z.boolean(),
      approvalRequired: z.boolean(),
      changedAt: instant.nullable(),
      changedBy: z.string().nullable().describe('"user:<id>" of the owner who last changed them'),
    })
    .meta({
      examples: [
        {
          enabled: true,
          approvalRequired: true,
          changedAt: '2026-11-30T09:12:44.120Z',
          changedBy: 'user:6f1c…',
        },
      ],
    }),
);

const RESTORE_EXAMPLE = {
  id: '0b7e5a4c-9d1f-4f2e-8a61-3c5d2e9f7a10',
  tenantId: '3f2a1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  backupSetId: '9c411a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  status: 'planned',
  options: {
    mode: 'in_place',
    assignments: 'restore',
    conditionalAccessState: 'report_only',
    selection: { policyTypes: ['settingsCatalog', 'conditionalAccess'] },
  },
  counts: { update: 3, create: 2, noop: 40, blocked: 1 },
  planHash: 'sha256:5e0b…',
  requestedBy: 'user:6f1c…',
  approval: { approvedBy: 'user:a2d9…', approvedAt: '2026-11-30T10:02:11.503Z' },
  appliedBy: null,
  applyRounds: 0,
  error: null,
  createdAt: '2026-11-30T09:58:01.002Z',
  plannedAt: '2026-11-30T09:58:09.871Z',
  applyStartedAt: null,
  finishedAt: null,
};

const restoreShape = z
  .strictObject({
    id,
    tenantId: id,
    backupSetId: id,
    status: z.enum(RESTORE_STATUSES),
    options: z.strictObject({
      mode: z.string(),
      assignments: z.string(),
      conditionalAccessState: z.string(),
      selection: z.unknown().describe('{items}, {policyTypes}, or {} for the whole set, as requested'),
    }),
    counts: z
      .record(z.string(), z.int())
      .describe('per action once planned ({update, create, noop, blocked}); per outcome once applied'),
    planHash: z.string().nullable().describe('SHA-256 over the planned items: what an approval approves'),
    requestedBy: z.string(),
    approval: z.strictObject({ approvedBy: z.string(), approvedAt: instant.nullable() }).nullable(),
    appliedBy: z.string().nullable(),
    applyRounds: z.int().describe('apply rounds so far; round n runs as workflow restore-run-<id>-<n>'),
    error: z.string().nullable(),
    createdAt: instant,
    plannedAt: instant.nullable(),
    applyStartedAt: instant.nullable(),
    finishedAt: instant.nullable(),
  })
  .meta({ examples: [RESTORE_EXAMPLE] });

export const restore = component(
  'Restore',
  'A restore: its plan (status planning → planned), then apply rounds (applying → succeeded, partial, failed or canceled).',
  restoreShape,
);

export const restorePage = component(
  'RestorePage',
  'A page of restores, newest first; pass nextCursor as cursor for the next one.',
  z.strictObject({ items: z.array(restore), nextCursor }),
);

const fieldChanges = z.array(fieldChange).nullable();

export const restoreItem = component(
  'RestoreItem',
  'One item of the plan: what the restore does to it (`action`) and, once applied, what happened (`outcome`).',
  z
    .strictObject({
      id,
      position: z.int().describe('plan order: dependencies first, Conditional Access last'),
      policyType: z.string(),
      sourceGraphId: z.string().describe("the object's Graph id in the backup set"),
      displayName: z.string(),
      action: z.enum(ITEM_ACTIONS),
      blocked: z.strictObject({ reason: z.string(), detail: z.string().nullable() }).nullable(),
      targetGraphId: z.string().nullable().describe('the live object an update writes to'),
      precondition: z
        .unknown()
        .describe('{hash, lastModifiedDateTime} of the live object, or {absent: true}'),
      changes: fieldChanges.describe('leaf changes from live to backup (update)'),
      adjustments: z
        .unknown()
        .describe('what the restore changes in the backed-up content (report-only state, copy name)'),
      outcome: z.enum(ITEM_OUTCOMES).nullable(),
      outcomeDetail: z.string().nullable(),
      createdGraphId: z.string().nullable(),
      verification: z.enum(['verified', 'verified_with_server_changes']).nullable(),
      serverChanges: fieldChanges.describe('what Graph altered on the keys that were sent'),
      valuesWithheld: withheld.optional(),
      finishedAt: instant.nullable(),
    })
    .meta({
      examples: [
        {
          id: '4a0e1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
          position: 3,
          policyType: 'settingsCatalog',
          sourceGraphId: '1b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
          displayName: 'WIN - Defender - Baseline',
          action: 'update',
          blocked: null,
          targetGraphId: '1b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
          precondition: {
            hash: 'e3b01a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
            lastModifiedDateTime: '2026-11-29T17:40:02Z',
          },
          changes: [
            {
              op: 'replace',
              path: '/settings/[settingDefinitionId=device_vendor_msft_defender_allowarchivescanning]/value',
              label: 'Allow Archive Scanning',
              before: 'disabled',
              after: 'enabled',
            },
          ],
          adjustments: null,
          outcome: 'updated',
          outcomeDetail: null,
          createdGraphId: null,
          verification: 'verified',
          serverChanges: null,
          finishedAt: '2026-11-30T10:03:55.118Z',
        },
      ],
    }),
);

export const restoreItemPage = component(
  'RestoreItemPage',
  "A page of the plan's items in plan order; pass nextCursor as cursor for the next one.",
  z.strictObject({ items: z.array(restoreItem), nextCursor }),
);
