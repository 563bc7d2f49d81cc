// What the restore routes answer (../restoreSerializers.ts), described for the OpenAPI document
// and parsed against real responses by test/integration/restoresApi.test.ts.
import { z } from 'zod';
import { ITEM_ACTIONS, ITEM_OUTCOMES } from '../../restore/types';
import { component, fieldChange, withheld } from './responses';

const id = z.uuid();
const userActor = z.string();
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
      enabled: z.boolean().describe('whether restores may be requested for the tenant'),
      approvalRequired: z
        .boolean()
        .describe('whether a planned restore needs the approval of another user before it is applied'),
      changedAt: instant.nullable().describe('when the settings last changed, ISO 8601, UTC; null: never'),
      changedBy: z
        .string()
        .nullable()
        .describe('"user:<id>" of the owner who last changed them; null: never changed'),
    })
    .meta({
      examples: [
        {
          enabled: true,
          approvalRequired: true,
          changedAt: '2026-11-30T09:12:44.120Z',
          changedBy: 'user:6f1c2d9e-8b7a-4c6d-9e5f-1a2b3c4d5e6f',
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
  planHash: '5e0b9c1d2a3f4e5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b',
  requestedBy: 'user:6f1c2d9e-8b7a-4c6d-9e5f-1a2b3c4d5e6f',
  approval: {
    approvedBy: 'user:a2d94b7e-1c3f-4d5a-8e6b-7f9a0c1d2e3f',
    approvedAt: '2026-11-30T10:02:11.503Z',
  },
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
    id: id.describe('the restore id'),
    tenantId: id.describe('the tenant id'),
    backupSetId: id.describe('the backup set it restores from'),
    status: z
      .enum(RESTORE_STATUSES)
      .describe(
        'planning, then planned or plan_failed; on apply: applying, then succeeded, partial, failed or canceled',
      ),
    options: z
      .strictObject({
        mode: z.string().describe('in_place, missing_only or as_copy'),
        assignments: z.string().describe('restore: write the backed-up assignments; skip: leave them'),
        conditionalAccessState: z
          .string()
          .describe("report_only or as_backed_up: what a Conditional Access policy's state becomes"),
        selection: z.unknown().describe('{items}, {policyTypes}, or {} for the whole set, as requested'),
      })
      .describe('the options the restore was requested with'),
    // The ledger keeps the plan's counts per action and adds the outcomes beside them when an
    // apply round ends (src/db/restoreLedger.ts), so both shapes live in one object.
    counts: z
      .object({
        outcomes: z
          .record(z.string(), z.int())
          .optional()
          .describe(
            'per outcome of the last apply round ({created, updated, failed, ...}); absent until applied',
          ),
      })
      .catchall(z.int())
      .describe('items per planned action ({update, create, noop, blocked}), and the outcomes once applied'),
    planHash: z
      .string()
      .nullable()
      .describe('SHA-256 (hex) over the planned items: what an approval approves; null until planned'),
    requestedBy: userActor.describe('"user:<id>" of the user who requested it'),
    approval: z
      .strictObject({
        approvedBy: userActor.describe('"user:<id>" of the approver'),
        approvedAt: instant.nullable().describe('when it was approved, ISO 8601, UTC'),
      })
      .nullable()
      .describe('who approved the plan and when; null: not approved'),
    appliedBy: userActor.nullable().describe('"user:<id>" of the user who applied it; null: not applied'),
    applyRounds: z.int().describe('apply rounds so far; round n runs as workflow restore-run-<id>-<n>'),
    error: z.string().nullable().describe('why planning or apply failed, for people; null otherwise'),
    createdAt: instant,
    plannedAt: instant.nullable().describe('when planning ended, ISO 8601, UTC; null before'),
    applyStartedAt: instant
      .nullable()
      .describe('when the latest apply round started, ISO 8601, UTC; null before the first'),
    finishedAt: instant
      .nullable()
      .describe('when planning failed or the latest apply round ended, ISO 8601, UTC; null otherwise'),
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
  z
    .strictObject({ items: z.array(restore).describe('the restores of this page'), nextCursor })
    .meta({ examples: [{ items: [RESTORE_EXAMPLE], nextCursor: null }] }),
);

const fieldChanges = z.array(fieldChange).nullable();

const RESTORE_ITEM_EXAMPLE = {
  id: '4a0e1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  position: 3,
  policyType: 'settingsCatalog',
  sourceGraphId: '1b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  displayName: 'WIN - Defender - Baseline',
  action: 'update',
  blocked: null,
  targetGraphId: '1b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  precondition: {
    hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
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
};

export const restoreItem = component(
  'RestoreItem',
  'One item of the plan: what the restore does to it (`action`) and, once applied, what happened (`outcome`).',
  z
    .strictObject({
      id: id.describe('the item id'),
      position: z.int().describe('plan order: dependencies first, Conditional Access last'),
      policyType: z.string().describe('the policy type key (GET /v1/policy-types)'),
      sourceGraphId: z.string().describe("the object's Graph id in the backup set"),
      displayName: z.string().describe("the object's display name in the backup set"),
      action: z
        .enum(ITEM_ACTIONS)
        .describe(
          'what apply does: update the live object, create it anew, nothing (noop), or nothing because blocked',
        ),
      blocked: z
        .strictObject({
          reason: z
            .string()
            .describe(
              'type_refused, create_refused, permission_missing, missing_reference, ambiguous_match, secret_not_captured or not_in_backup',
            ),
          detail: z.string().nullable().describe('what exactly blocks it, for people; null: nothing to add'),
        })
        .nullable()
        .describe('why the item cannot be restored; null unless action is blocked'),
      targetGraphId: z
        .string()
        .nullable()
        .describe('the live object an update writes to; null when there is none (create, blocked)'),
      precondition: z
        .unknown()
        .describe('{hash, lastModifiedDateTime} of the live object, or {absent: true}'),
      changes: fieldChanges.describe('leaf changes from live to backup (update)'),
      adjustments: z
        .unknown()
        .describe('what the restore changes in the backed-up content (report-only state, copy name)'),
      outcome: z
        .enum(ITEM_OUTCOMES)
        .nullable()
        .describe(
          'what apply did: created, updated, noop, stale (the live object changed since the plan), blocked or failed; null before',
        ),
      outcomeDetail: z
        .string()
        .nullable()
        .describe('why it ended stale, blocked or failed, for people; null otherwise'),
      createdGraphId: z
        .string()
        .nullable()
        .describe('the Graph id of the object a create made; null otherwise'),
      verification: z
        .enum(['verified', 'verified_with_server_changes'])
        .nullable()
        .describe(
          'the read-back after the write: as sent, or with changes Graph made (serverChanges); null before',
        ),
      serverChanges: fieldChanges.describe('what Graph altered on the keys that were sent'),
      valuesWithheld: withheld
        .optional()
        .describe('present when the values of changes are withheld: the caller may not read scripts'),
      finishedAt: instant.nullable().describe('when apply finished the item, ISO 8601, UTC; null before'),
    })
    .meta({ examples: [RESTORE_ITEM_EXAMPLE] }),
);

export const restoreItemPage = component(
  'RestoreItemPage',
  "A page of the plan's items in plan order; pass nextCursor as cursor for the next one.",
  z
    .strictObject({ items: z.array(restoreItem).describe('the items of this page'), nextCursor })
    .meta({ examples: [{ items: [RESTORE_ITEM_EXAMPLE], nextCursor: null }] }),
);
