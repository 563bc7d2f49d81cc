// What the API answers, as zod schemas that mirror ../serializers.ts. The serializers stay the
// source of the JSON; these only describe it, so the integration test parses real responses
// with them (strict objects: a field added to a serializer but not here fails that test).
import { z } from 'zod';
import { OFFSITE_STORE_KINDS } from '../../export/types';
import { AUDIT_SOURCE_KEYS } from '../../graph/auditSources';
import { REFERENCE_KINDS } from '../../references/rules';
import { DAYS_OF_WEEK, updateScheduleBody } from '../routes/backupSchedules.schema';
import { CHANGE_KINDS } from '../routes/backupSets.schema';
import { runsQuery } from '../routes/runs';
import { memberBody } from '../routes/users.schema';

/** The schemas the document lists under components/schemas, by name. */
export const components = z.registry<{ id: string }>();

export function component<S extends z.ZodType>(id: string, description: string, schema: S): S {
  const described = schema.describe(description) as S;
  components.add(described, { id });
  return described;
}

const id = z.uuid();
const nextCursor = z
  .string()
  .nullable()
  .describe('an opaque string: pass it as `cursor` for the next page; null on the last page');
const instant = z.iso.datetime().describe('ISO 8601, UTC');
const nullableInstant = instant.nullable();
const timestamps = {
  createdAt: instant.describe('when it was created, ISO 8601, UTC'),
  updatedAt: instant.describe('when it last changed, ISO 8601, UTC'),
};
// Stored JSON (run summaries, audit metadata, Graph payloads) has no fixed shape here.
const anyJson = z.unknown();

// The enums the filters accept are the values the resources carry.
const runStatus = runsQuery.shape.status.unwrap();
const runTrigger = runsQuery.shape.trigger.unwrap();
const changeKind = z.enum(CHANGE_KINDS);

/** A page of items; its example is the last page holding the item's own examples. */
const paged = <S extends z.ZodType>(name: string, item: S) => {
  const examples = z.globalRegistry.get(item)?.examples as unknown[] | undefined;
  const page = z.strictObject({
    items: z.array(item).describe('the items of this page'),
    nextCursor,
  });
  return component(
    `${name}Page`,
    `A page of ${name} items; pass nextCursor as cursor for the next one (null on the last page).`,
    examples?.length ? page.meta({ examples: [{ items: examples, nextCursor: null }] }) : page,
  );
};

/** A resource (with an example of it, for the reference), and the page that lists it. */
function resource<Shape extends z.core.$ZodLooseShape>(
  name: string,
  description: string,
  shape: Shape,
  example?: Record<string, unknown>,
) {
  const schema = z.strictObject(shape);
  const one = component(name, description, example ? schema.meta({ examples: [example] }) : schema);
  return [one, paged(name, one)] as const;
}

export const problem = component(
  'Problem',
  'RFC 9457 problem details, sent as application/problem+json.',
  z
    .strictObject({
      type: z.string().describe('urn:tenantvault:problem:<code>'),
      title: z.string().describe('a short summary of the kind of problem'),
      status: z.int().describe('the HTTP status code'),
      code: z.string().describe('stable and machine-readable, e.g. run_in_progress'),
      detail: z.string().optional().describe('what went wrong in this request'),
      instance: z.string().optional().describe('the request path, without its query'),
      errors: z
        .array(
          z.strictObject({
            field: z.string().describe('dotted path, e.g. retention.keepLast'),
            message: z.string().describe('what is wrong with it'),
          }),
        )
        .optional()
        .describe('one entry per field at fault (validation failures)'),
      runId: id.optional().describe('the run already in progress (run_in_progress)'),
    })
    .meta({
      examples: [
        {
          type: 'urn:tenantvault:problem:validation_failed',
          title: 'Validation failed',
          status: 422,
          code: 'validation_failed',
          detail: 'the request body is invalid',
          instance: '/v1/tenants/6f1c3b2a-8d4e-4f5a-9b7c-2e1d0a9f8b76/backup-schedules',
          errors: [{ field: 'timeOfDay', message: 'required for daily schedules ("HH:MM")' }],
        },
        {
          type: 'urn:tenantvault:problem:run_in_progress',
          title: 'Conflict',
          status: 409,
          code: 'run_in_progress',
          detail: 'run 2c4e6a8b-1d3f-4a5b-8c7d-9e0f1a2b3c4d of this schedule is already in progress',
          instance:
            '/v1/tenants/6f1c3b2a-8d4e-4f5a-9b7c-2e1d0a9f8b76/backup-schedules/3f6c2a8e-5b1d-4c7e-9a2f-1d8e4b6c0a57/run',
          runId: '2c4e6a8b-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
        },
      ],
    }),
);

export const health = component(
  'Health',
  'The process answers.',
  z
    .strictObject({
      status: z.literal('ok').describe('always ok; a process that cannot answer sends nothing'),
    })
    .meta({ examples: [{ status: 'ok' }] }),
);

const probe = z.enum(['ok', 'unavailable']);
export const readiness = component(
  'Readiness',
  'Whether PostgreSQL and Temporal answer.',
  z
    .strictObject({
      status: probe.describe('ok when every check is ok (200), else unavailable (503)'),
      checks: z
        .strictObject({
          postgres: probe.describe('whether the database answered a query'),
          temporal: probe.describe('whether the Temporal frontend answered'),
        })
        .describe('one outcome per dependency'),
    })
    .meta({
      examples: [
        { status: 'ok', checks: { postgres: 'ok', temporal: 'ok' } },
        { status: 'unavailable', checks: { postgres: 'ok', temporal: 'unavailable' } },
      ],
    }),
);

export const policyTypes = component(
  'PolicyTypeList',
  'Every policy type a schedule may list.',
  z
    .strictObject({
      items: z
        .array(
          z.strictObject({
            key: z.string().describe("the type's key, as schedules' policyTypes list it"),
            displayName: z.string().describe('what it is, for people'),
            permission: z.string().describe('the Microsoft Graph application permission it needs'),
          }),
        )
        .describe('every policy type of the registry'),
    })
    .meta({
      examples: [
        {
          items: [
            {
              key: 'settingsCatalog',
              displayName: 'Settings catalog policies',
              permission: 'DeviceManagementConfiguration.Read.All',
            },
            {
              key: 'compliance',
              displayName: 'Compliance policies',
              permission: 'DeviceManagementConfiguration.Read.All',
            },
          ],
        },
      ],
    }),
);

const reducedBy = z.string().describe('who made the reduction (an audit actor such as user:<id>)');
const inForceUntil = instant.describe('when the earlier value stops applying, ISO 8601, UTC');

const TENANT_ID = '6f1c3b2a-8d4e-4f5a-9b7c-2e1d0a9f8b76';
const SCHEDULE_ID = '3f6c2a8e-5b1d-4c7e-9a2f-1d8e4b6c0a57';
const RUN_ID = '2c4e6a8b-1d3f-4a5b-8c7d-9e0f1a2b3c4d';
const BACKUP_SET_ID = '8998b4f1-2573-4159-9cf1-148567d0b82d';
const PREVIOUS_BACKUP_SET_ID = '68b0392c-81ef-44e3-be3f-6b910c67b0a4';
const USER_ACTOR = 'user:d5b371b4-86cc-4195-9322-db8e03867d89';

const TENANT_RETENTION_EXAMPLE = {
  minKeepLast: 7,
  graceDays: 14,
  pendingReductions: [
    { minKeepLast: 14, graceDays: 14, inForceUntil: '2026-12-29T09:30:00.000Z', by: USER_ACTOR },
  ],
};

export const tenantRetention = component(
  'TenantRetention',
  "The tenant's retention safeguards: no schedule keeps fewer than minKeepLast sets older than " +
    'graceDays, sets younger than graceDays are never deleted, and a reduction (a lower ' +
    'keepLast, minimum or grace period, a released legal hold) takes effect graceDays after it ' +
    'is made. `pendingReductions`: the earlier values still in force, and until when.',
  z
    .strictObject({
      minKeepLast: z.int().describe('the fewest sets a schedule keeps, whatever its keepLast'),
      graceDays: z.int().describe('days a set is safe from deletion, and a reduction waits'),
      pendingReductions: z
        .array(
          z.strictObject({
            minKeepLast: z.int().describe('the minimum in force until then'),
            graceDays: z.int().describe('the grace period in force until then'),
            inForceUntil,
            by: reducedBy,
          }),
        )
        .describe('reductions still waiting out the grace period; empty when none'),
    })
    .meta({ examples: [TENANT_RETENTION_EXAMPLE] }),
);

/** A tenant as the API shows it (exported for the responses that extend it). */
export const TENANT_EXAMPLE = {
  id: TENANT_ID,
  slug: 'contoso',
  displayName: 'Contoso',
  azureTenantId: '0f9e8d7c-6b5a-4392-8170-6f5e4d3c2b1a',
  clientId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  hasClientSecret: true,
  graphBaseUrl: null,
  loginBaseUrl: null,
  retention: { minKeepLast: 7, graceDays: 14, pendingReductions: [] },
  offboardedAt: null,
  purgeAfter: null,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
};

export const [tenant, tenantPage] = resource(
  'Tenant',
  'A Microsoft 365 tenant. The client secret is write-only.',
  {
    id: id.describe('the tenant id'),
    slug: z.string().describe('a short unique name: lowercase letters, digits, hyphens'),
    displayName: z.string().describe('the name shown for the tenant'),
    azureTenantId: z.string().describe('the Entra ID (Azure AD) tenant id'),
    clientId: z.string().describe('the client id of the app registration the backups use'),
    hasClientSecret: z.boolean().describe('whether a client secret is stored (the secret is never shown)'),
    graphBaseUrl: z
      .string()
      .nullable()
      .describe("Microsoft Graph's service root; null: https://graph.microsoft.com"),
    loginBaseUrl: z
      .string()
      .nullable()
      .describe('the Entra ID login root; null: https://login.microsoftonline.com'),
    retention: tenantRetention,
    offboardedAt: nullableInstant.describe('when it was offboarded (DELETE); null: an active tenant'),
    purgeAfter: nullableInstant.describe('when an offboarded tenant is purged; null: an active tenant'),
    ...timestamps,
  },
  TENANT_EXAMPLE,
);

export const [schedule, schedulePage] = resource(
  'BackupSchedule',
  'A backup schedule and the state of its Temporal Schedule.',
  {
    id: id.describe('the schedule id'),
    tenantId: id.describe('the tenant it backs up'),
    name: z.string().describe('the name shown for the schedule'),
    enabled: z.boolean().describe('false: paused, no run fires and none can be started'),
    frequency: updateScheduleBody.shape.frequency.unwrap().describe('how often it fires'),
    minute: z.int().nullable().describe('hourly: the minute past each hour (0-59); null otherwise'),
    timeOfDay: z.string().nullable().describe('daily and weekly: the local time, "HH:MM"; null for hourly'),
    daysOfWeek: z
      .array(z.enum(DAYS_OF_WEEK))
      .describe('weekly: the days it fires, mon..sun in week order; empty otherwise'),
    timezone: z.string().describe('the IANA time zone of minute and timeOfDay, e.g. Europe/Berlin'),
    policyTypes: z.array(z.string()).describe('the policy type keys it backs up (GET /v1/policy-types)'),
    retention: z
      .strictObject({
        keepLast: z.int().describe('how many of its newest backup sets retention keeps'),
        pendingReductions: z
          .array(
            z.strictObject({
              keepLast: z.int().describe('the keepLast in force until then'),
              inForceUntil,
              by: reducedBy,
            }),
          )
          .describe(
            'a lowered keepLast waits out the grace period: the earlier value stays in force until then',
          ),
      })
      .describe("how many of the schedule's sets are kept"),
    temporal: z
      .strictObject({
        scheduleId: z.string().describe('the id of its Temporal Schedule'),
        syncState: z
          .enum(['pending', 'synced', 'error'])
          .describe(
            'whether the Temporal Schedule matches this one: pending until written, error if it failed',
          ),
        syncError: z.string().nullable().describe('why the last write to Temporal failed; null unless error'),
        lastSyncedAt: nullableInstant.describe(
          'when Temporal last took the schedule; null before the first time',
        ),
        nextRunTimes: z.array(instant).describe('the next (at most 5) fire times, as Temporal computes them'),
        nextRunTimesKnown: z
          .boolean()
          .describe(
            'false when Temporal could not tell (unreachable, or the schedule not yet synced): nextRunTimes is then empty',
          ),
      })
      .describe('the state of its Temporal Schedule, which fires the runs'),
    lastRun: z
      .strictObject({
        id: id.describe('the run id'),
        status: runStatus.describe('where the run stands'),
        trigger: runsQuery.shape.trigger.unwrap().describe('what started it'),
        createdAt: instant.describe('when it was queued, ISO 8601, UTC'),
        finishedAt: nullableInstant.describe('when it ended; null while queued or running'),
      })
      .nullable()
      .describe('the most recent run of the schedule, null before the first'),
    version: z.int().describe('increases with every change'),
    ...timestamps,
  },
  {
    id: SCHEDULE_ID,
    tenantId: TENANT_ID,
    name: 'Nightly',
    enabled: true,
    frequency: 'daily',
    minute: null,
    timeOfDay: '02:30',
    daysOfWeek: [],
    timezone: 'Europe/Berlin',
    policyTypes: ['deviceConfiguration', 'settingsCatalog', 'compliance'],
    retention: { keepLast: 30, pendingReductions: [] },
    temporal: {
      scheduleId: `backup-schedule-${SCHEDULE_ID}`,
      syncState: 'synced',
      syncError: null,
      lastSyncedAt: '2026-12-01T09:05:00.412Z',
      nextRunTimes: ['2026-12-16T01:30:00.000Z', '2026-12-17T01:30:00.000Z', '2026-12-18T01:30:00.000Z'],
      nextRunTimesKnown: true,
    },
    lastRun: {
      id: RUN_ID,
      status: 'succeeded',
      trigger: 'manual',
      createdAt: '2026-12-15T02:00:00.871Z',
      finishedAt: '2026-12-15T02:01:40.512Z',
    },
    version: 3,
    createdAt: '2026-12-01T09:05:00.000Z',
    updatedAt: '2026-12-10T16:20:00.000Z',
  },
);

export const bulkResult = component(
  'BulkScheduleResult',
  'One result per schedule id, and the notification that sums them up.',
  z
    .strictObject({
      action: z.enum(['run', 'retry', 'delete']).describe('the action requested'),
      results: z
        .array(
          z.strictObject({
            scheduleId: id.describe('the schedule, as the request named it'),
            result: z
              .enum(['dispatched', 'skipped', 'deleted', 'forbidden', 'not_found'])
              .describe('dispatched: a run was started; skipped: see reason; forbidden: the role may not'),
            reason: z
              .string()
              .optional()
              .describe(
                'why it was skipped or forbidden: a problem code (run_in_progress, schedule_disabled, ' +
                  'temporal_unavailable...), nothing_to_retry or role_too_low',
              ),
            runId: id.optional().describe('the run started (dispatched only)'),
          }),
        )
        .describe('one per schedule id, in the order of the request'),
      notificationId: id.describe("the caller's notification that sums up the results"),
    })
    .meta({
      examples: [
        {
          action: 'run',
          results: [
            { scheduleId: SCHEDULE_ID, result: 'dispatched', runId: RUN_ID },
            {
              scheduleId: '286fe227-9fe5-425a-bd44-af7903d51c9f',
              result: 'skipped',
              reason: 'schedule_disabled',
            },
          ],
          notificationId: '48931cae-87c4-4439-b3da-2d1c9ab26f53',
        },
      ],
    }),
);

const referenceKind = z.enum(REFERENCE_KINDS);
const stateCounts = {
  resolved: z.int().describe('references read'),
  missing: z.int().describe('references to objects that no longer exist'),
  unreadable: z.int().describe('references the app may not read, or that Graph failed to answer'),
};
const referenceOutcome = z
  .enum(['ok', 'permission_missing', 'failed'])
  .describe('ok: all read; permission_missing: Graph refused (403); failed: another Graph error');
const referencesOutcome = component(
  'ReferencesOutcome',
  'What the run could read of the objects its policies reference (groups, filters, scope tags, named ' +
    'locations, notification templates, apps); null until the sync has resolved them. ' +
    '`permission_missing` names the Graph permissions that would let it read the rest; it never fails the run.',
  z.strictObject({
    outcome: referenceOutcome,
    ...stateCounts,
    requiredPermissions: z
      .array(z.string())
      .optional()
      .describe('the Graph permissions that would let it read the rest (permission_missing only)'),
    kinds: z
      .partialRecord(
        referenceKind,
        z.strictObject({
          outcome: referenceOutcome,
          requiredPermission: z
            .string()
            .optional()
            .describe('the Graph permission to grant (permission_missing)'),
          reason: z.string().optional().describe("Graph's answer, when not ok"),
          ...stateCounts,
        }),
      )
      .describe('the same per kind of object referenced; a kind no policy references is absent'),
  }),
);

const auditSourceOutcome = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('ok').describe('the log was read'),
    fetched: z
      .int()
      .describe('entries Graph listed since `since` (an overlap with the previous read included)'),
    added: z.int().describe('entries not stored before'),
    since: instant.describe('the start of the period read, ISO 8601, UTC'),
  }),
  z.strictObject({
    outcome: z.literal('permission_missing').describe('Graph refused the read (403)'),
    requiredPermission: z.string().describe('the Graph permission to grant'),
    reason: z.string().describe("Graph's answer"),
  }),
  z.strictObject({
    outcome: z.literal('failed').describe('another Graph error'),
    reason: z.string().describe('the error'),
  }),
]);
const auditEventOutcome = component(
  'AuditEventOutcome',
  'Whether the sync could read who changed what, per audit log: `intune` (Intune audit events) and ' +
    '`directory` (the Entra ID directory audit log, for Conditional Access policies and named locations); ' +
    'a log is read only when the run backs up a type it covers. Null until the sync has read them. ' +
    '`permission_missing` names the Graph permission to grant; no outcome here fails the run.',
  z.partialRecord(z.enum(AUDIT_SOURCE_KEYS), auditSourceOutcome),
);

const RUN_SUMMARY_EXAMPLE = {
  types: { compliance: { outcome: 'ok', fetched: 12, added: 1, modified: 2, removed: 0 } },
  totals: { fetched: 12, added: 1, modified: 2, removed: 0, itemCount: 12 },
  changes: { added: 1, removed: 0, modified: 2, renamed: 0 },
  retention: { deletedBackupSetIds: [] },
  offsite: {
    status: 'failed',
    error: {
      code: 'offsite_refused',
      message: 'the destination refused the write (403 AuthorizationPermissionMismatch)',
    },
  },
};

const RUN_EXAMPLE = {
  id: RUN_ID,
  tenantId: TENANT_ID,
  scheduleId: SCHEDULE_ID,
  workflowId: `backup-run-${SCHEDULE_ID}-manual-c8041494-1ca4-4b41-9328-1ba331bb5b72`,
  temporalRunId: '0193c1e2-7a4b-7c3d-9e5f-1a2b3c4d5e6f',
  trigger: 'manual',
  status: 'succeeded',
  scheduledFor: null,
  startedAt: '2026-12-15T02:00:01.204Z',
  finishedAt: '2026-12-15T02:01:40.512Z',
  summary: RUN_SUMMARY_EXAMPLE,
  references: {
    outcome: 'permission_missing',
    resolved: 14,
    missing: 1,
    unreadable: 2,
    requiredPermissions: ['DeviceManagementApps.Read.All'],
    kinds: {
      group: { outcome: 'ok', resolved: 14, missing: 1, unreadable: 0 },
      mobileApp: {
        outcome: 'permission_missing',
        requiredPermission: 'DeviceManagementApps.Read.All',
        reason: 'Graph answered 403 on /deviceAppManagement/mobileApps',
        resolved: 0,
        missing: 0,
        unreadable: 2,
      },
    },
  },
  auditEvents: {
    intune: { outcome: 'ok', fetched: 9, added: 3, since: '2026-12-14T01:55:00.000Z' },
  },
  error: null,
  backupSetId: BACKUP_SET_ID,
  retryOf: null,
  requestedBy: USER_ACTOR,
  createdAt: '2026-12-15T02:00:00.871Z',
};

export const [run, runPage] = resource(
  'Run',
  'One backup run of a schedule.',
  {
    id: id.describe('the run id'),
    tenantId: id.describe('the tenant backed up'),
    scheduleId: id.describe('the schedule it ran'),
    workflowId: z.string().describe("the Temporal workflow's id"),
    temporalRunId: z.string().nullable().describe("the Temporal workflow's run id; null until it started"),
    trigger: runTrigger.describe(
      'scheduled: its schedule fired; manual: POST …/run; retry: POST …/retry; operator: started in Temporal itself (a trigger or reset there)',
    ),
    status: runStatus.describe(
      'queued, running, then succeeded, partial (some types failed), failed, skipped or canceled',
    ),
    reason: z.string().nullable().optional().describe('why the run was skipped (skipped runs only)'),
    scheduledFor: nullableInstant.describe(
      'the fire time its Temporal Schedule gave it; null for runs started through the API',
    ),
    startedAt: nullableInstant.describe('when it began to back up; null while queued'),
    finishedAt: nullableInstant.describe('when it ended; null while queued or running'),
    summary: anyJson
      .describe(
        'counts per policy type and in total; null until the run ends. types.<key>.outcome says whether the ' +
          'type was captured; an ok type may carry warnings (e.g. encrypted_values_not_readable) naming ' +
          'policies whose items lack data a restore needs, and the Graph permission that would capture it. ' +
          '`offsite` (only when the tenant has an offsite destination): status copied|failed, objectName, ' +
          'sizeBytes, sha256, and error {code, message} of a copy that failed after its retries (the run ' +
          'keeps its status)',
      )
      .meta({ examples: [RUN_SUMMARY_EXAMPLE] }),
    references: referencesOutcome
      .nullable()
      .describe('what it could read of referenced objects; null until resolved'),
    auditEvents: auditEventOutcome
      .nullable()
      .describe('what it could read of the audit logs; null until read'),
    error: z
      .strictObject({
        code: z.string().describe('stable and machine-readable, e.g. all_types_failed'),
        message: z.string().nullable().describe('what went wrong, for people'),
      })
      .nullable()
      .describe('why it failed or was canceled; null otherwise'),
    backupSetId: id.nullable().describe('the set it wrote; null until then, and for runs that wrote none'),
    retryOf: id.nullable().describe('the run this one retries; null unless a retry'),
    requestedBy: z
      .string()
      .nullable()
      .describe(
        'user:<id> for runs started through the API, system for scheduled ones, operator for runs started in Temporal',
      ),
    createdAt: instant.describe('when it was queued, ISO 8601, UTC'),
  },
  RUN_EXAMPLE,
);

const LEGAL_HOLD_EXAMPLE = {
  reason: 'Case 2026-114: litigation hold',
  placedBy: USER_ACTOR,
  placedAt: '2026-12-16T10:12:03.000Z',
  releasedBy: null,
  releasedAt: null,
  protectsUntil: null,
};

export const legalHold = component(
  'LegalHold',
  'A legal hold on a backup set: retention never deletes the set while it is on, nor until ' +
    'protectsUntil (the grace period) after it is released.',
  z
    .strictObject({
      reason: z.string().describe('why the set must be kept, e.g. a case number'),
      placedBy: z.string().describe('who placed it (an audit actor such as user:<id>)'),
      placedAt: instant.describe('when it was placed, ISO 8601, UTC'),
      releasedBy: z.string().nullable().describe('who released it; null while it is on'),
      releasedAt: nullableInstant.describe('when it was released; null while it is on'),
      protectsUntil: nullableInstant.describe(
        'released holds: retention may delete the set from then on; null while it is on',
      ),
    })
    .meta({ examples: [LEGAL_HOLD_EXAMPLE] }),
);

const OFFSITE_COPY_EXAMPLE = {
  status: 'copied',
  kind: 'azure_blob',
  objectName: 'tenantvault/contoso/contoso-2026-12-15T020012Z-6f1c2a9e.zip',
  manifestObjectName: 'tenantvault/contoso/contoso-2026-12-15T020012Z-6f1c2a9e.manifest.json',
  sizeBytes: 1843212,
  sha256: '3f0b6c1d9e2a47b8c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c',
  etag: '"0x8DD1C2E4F5A6B7C"',
  immutableUntil: '2027-01-14T02:01:40.512Z',
  attempts: 1,
  error: null,
  updatedAt: '2026-12-15T02:01:40.512Z',
};

export const offsiteCopy = component(
  'OffsiteCopy',
  "The set's copy at the tenant's offsite destination: its zip archive and manifest, written once " +
    'and never overwritten. `copying` while its first attempt runs; `failed` carries the last ' +
    "attempt's error (a retry keeps it until it ends), and the run summary's `offsite` says the same.",
  z
    .strictObject({
      status: z
        .enum(['copying', 'copied', 'failed'])
        .describe('copying while the first attempt runs, then copied or failed'),
      kind: z.enum(OFFSITE_STORE_KINDS).describe('the kind of store: Azure Blob Storage or S3'),
      objectName: z.string().nullable().describe('blob or key name, prefix included'),
      manifestObjectName: z
        .string()
        .nullable()
        .describe("the manifest's blob or key name; null until written"),
      sizeBytes: z.int().nullable().describe("the archive's size in bytes; null until written"),
      sha256: z.string().nullable().describe("hex SHA-256 of the archive's bytes"),
      etag: z.string().nullable().describe("the store's ETag of the archive; null until written"),
      immutableUntil: nullableInstant.describe('end of the WORM period, where the store supports it'),
      attempts: z.int().describe('attempts made so far'),
      error: z
        .strictObject({
          code: z.string().describe('stable and machine-readable, e.g. offsite_refused'),
          message: z.string().nullable().describe('what the store answered, for people'),
        })
        .nullable()
        .describe("the last attempt's error (failed only); null otherwise"),
      updatedAt: instant.describe('when the copy last changed, ISO 8601, UTC'),
    })
    .meta({ examples: [OFFSITE_COPY_EXAMPLE] }),
);

export const [backupSet, backupSetPage] = resource(
  'BackupSet',
  'An immutable backup set, written by one run.',
  {
    id: id.describe('the backup set id'),
    tenantId: id.describe('the tenant backed up'),
    scheduleId: id.describe('the schedule whose run wrote it'),
    runId: id.describe('the run that wrote it'),
    previousBackupSetId: id
      .nullable()
      .describe("the schedule's set before it, which its changes compare with; null for the first"),
    itemCount: z.int().describe('policies in the set'),
    policyTypes: z.array(z.string()).describe('the policy types the run captured completely'),
    stats: z
      .strictObject({
        itemCount: z.int().describe('policies in the set'),
        totalBytes: z.int().describe("bytes of all its policies' payloads"),
        newPayloadBytes: z
          .int()
          .describe('bytes of payloads no earlier set held (what the set added to storage)'),
      })
      .describe('the size of the set'),
    legalHold: legalHold.nullable().describe('its legal hold, on or released; null if it never had one'),
    offsiteCopy: offsiteCopy.nullable().describe('null when the tenant had no offsite destination'),
    createdAt: instant.describe('when it was written, ISO 8601, UTC'),
  },
  {
    id: BACKUP_SET_ID,
    tenantId: TENANT_ID,
    scheduleId: SCHEDULE_ID,
    runId: RUN_ID,
    previousBackupSetId: PREVIOUS_BACKUP_SET_ID,
    itemCount: 12,
    policyTypes: ['deviceConfiguration', 'settingsCatalog', 'compliance'],
    stats: { itemCount: 12, totalBytes: 184320, newPayloadBytes: 20480 },
    legalHold: LEGAL_HOLD_EXAMPLE,
    offsiteCopy: OFFSITE_COPY_EXAMPLE,
    createdAt: '2026-12-15T02:01:38.004Z',
  },
);

export const backupSetReferencePage = paged(
  'BackupSetReference',
  z
    .strictObject({
      id: id.describe('the id of this reference'),
      kind: referenceKind.describe('the kind of object referenced'),
      objectId: z.string().describe('the id as the policies hold it'),
      displayName: z.string().nullable().describe('null unless state is resolved'),
      objectType: z.string().nullable().describe('the Graph type, e.g. group, windows10CompliancePolicy'),
      details: anyJson.describe(
        'groups: groupTypes, membershipRule, membershipRuleProcessingState, onPremisesSyncEnabled, ' +
          'securityEnabled, mailEnabled; users: userPrincipalName; null for other kinds',
      ),
      state: z
        .enum(['resolved', 'missing', 'unreadable'])
        .describe('missing: no such object any more; unreadable: the app may not read it, or Graph failed'),
    })
    .meta({
      examples: [
        {
          id: 'bc67f8cf-38a5-4a85-a5f5-7c09e20e0ca1',
          kind: 'group',
          objectId: '6c2a6d2f-3a76-46e7-9223-6e4d98b02c81',
          displayName: 'All Windows devices',
          objectType: 'group',
          details: {
            groupTypes: ['DynamicMembership'],
            membershipRule: '(device.deviceOSType -eq "Windows")',
            membershipRuleProcessingState: 'On',
            onPremisesSyncEnabled: null,
            securityEnabled: true,
            mailEnabled: false,
          },
          state: 'resolved',
        },
      ],
    }),
);

export const backupItemPage = paged(
  'BackupItem',
  z
    .strictObject({
      id: id.describe('the id of this item of the set'),
      policyType: z.string().describe('the policy type key'),
      graphId: z.string().describe("the policy's id in Microsoft Graph"),
      displayName: z.string().describe("the policy's name when it was backed up"),
      payloadHash: z.string().describe('hex SHA-256 of the canonical payload; equal hashes, equal payloads'),
      payload: anyJson
        .optional()
        .describe('the payload as Graph sent it, volatile fields left out (includePayload=true only)'),
      payloadBytes: z.int().optional().describe("the canonical payload's size in bytes (with payload only)"),
      payloadWithheld: z
        .strictObject({
          permission: z.literal('scripts:read').describe('the permission that would show it'),
          reason: z.string().describe('why it is withheld'),
        })
        .optional()
        .describe('instead of the payload, for a caller without scripts:read: the type holds scripts'),
    })
    .meta({
      examples: [
        {
          id: '9148a2ff-ca84-4735-b506-502190d3fe7b',
          policyType: 'compliance',
          graphId: 'b61ac437-0ab1-4b98-bbca-bb2d69250c8d',
          displayName: 'Windows 11 baseline compliance',
          payloadHash: '9c1d4b7e2f0a3c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5',
          payload: {
            '@odata.type': '#microsoft.graph.windows10CompliancePolicy',
            displayName: 'Windows 11 baseline compliance',
            bitLockerEnabled: true,
            secureBootEnabled: true,
          },
          payloadBytes: 1532,
        },
      ],
    }),
);

const changeCounts = z.strictObject({
  added: z.int().describe('policies new in the later set'),
  removed: z.int().describe('policies gone from the later set'),
  modified: z.int().describe('policies whose content changed'),
  renamed: z.int().describe('policies whose name changed (and perhaps their content)'),
  restored: z.int().optional().describe('re-created by a restore under a new Graph id; absent when none'),
});

export const fieldChange = component(
  'FieldChange',
  'One leaf change of a policy (src/diff). `path` is a JSON Pointer in which array elements with ' +
    'an identity are addressed by it (`[settingDefinitionId=…]`, `[target.@odata.type=…,…]`), ' +
    'elements of unordered lists of values as `[=value]` and ordered elements by index. Secret ' +
    'values show as `secret: true` without values; script values as `withheld: true` to callers ' +
    'who may not read scripts.',
  z.strictObject({
    op: z.enum(['add', 'remove', 'replace']).describe('whether the leaf was added, removed or changed'),
    path: z.string().describe('where in the payload: a JSON Pointer with identities (see above)'),
    label: z.string().describe("a name people read: the setting's display name, or the property humanized"),
    before: anyJson.optional().describe('the earlier value; absent for add, secret and withheld values'),
    after: anyJson.optional().describe('the later value; absent for remove, secret and withheld values'),
    secret: z.literal(true).optional().describe('true: a secret value, whose values are never shown'),
    withheld: z
      .literal(true)
      .optional()
      .describe('true: a script value, withheld from a caller without scripts:read'),
  }),
);

const changeActor = component(
  'ChangeActor',
  "An event of the tenant's audit log on the policy between the two backups.",
  z.strictObject({
    source: z
      .enum(['intune', 'directory'])
      .describe('deviceManagement/auditEvents or auditLogs/directoryAudits'),
    actor: anyJson.describe('{ type: user, userPrincipalName } or { type: application, displayName, appId }'),
    activity: z.string().describe("the log's name for what was done"),
    operation: z.string().nullable().describe('Create, Patch, Delete, ... (Intune), or null'),
    time: instant.describe('when it was done, ISO 8601, UTC'),
  }),
);

export const withheld = z
  .strictObject({
    permission: z.string().describe('the permission that would show the values'),
    reason: z.string().describe('why they are withheld'),
  })
  .describe("the field values are withheld from this caller (a script type's, without scripts:read)");

const policyChange = component(
  'PolicyChange',
  'One policy that differs between two sets. `fields` lists every leaf change of a modified or ' +
    'renamed policy (null for added and removed ones, and for changes recorded before field-level ' +
    'changes existed). `actors` is null when the audit log covering the type could not be read ' +
    '(`actorsUnknown` says why).',
  z.strictObject({
    policyType: z.string().describe('the policy type key'),
    graphId: z.string().describe("the policy's id in Microsoft Graph"),
    displayName: z.string().describe("the policy's name in the later set (the earlier one's if removed)"),
    previousDisplayName: z.string().optional().describe('renamed: the name in the earlier set'),
    change: changeKind.describe('added, removed, modified, renamed or restored'),
    restoredFromGraphId: z
      .string()
      .optional()
      .describe(
        '`restored`: the Graph id of the object it was re-created from (its removal is folded into this change)',
      ),
    fields: z.array(fieldChange).nullable().describe('every leaf change; null for added and removed'),
    valuesWithheld: withheld.optional(),
    actors: z
      .array(changeActor)
      .nullable()
      .describe("who changed it, from the tenant's audit log; null when that is not known"),
    actorsUnknown: z.string().optional().describe('why actors is null'),
  }),
);

const DIFF_SIDE_FROM = {
  backupSetId: '0b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  scheduleId: '5e1d1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  runId: '9a421a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  createdAt: '2026-11-29T02:00:04.120Z',
};

const CHANGED_POLICY_EXAMPLE = {
  policyType: 'settingsCatalog',
  graphId: 'a1b21a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  displayName: 'WIN - Defender',
  change: 'modified',
  fields: [
    {
      op: 'replace',
      path: '/settings/[settingDefinitionId=device_vendor_msft_policy_config_defender_allowrealtimemonitoring]/settingInstance/choiceSettingValue/value',
      label: 'Allow Realtime Monitoring',
      before: 'device_vendor_msft_policy_config_defender_allowrealtimemonitoring_1',
      after: 'device_vendor_msft_policy_config_defender_allowrealtimemonitoring_0',
    },
  ],
  actors: [
    {
      source: 'intune',
      actor: { type: 'user', userPrincipalName: 'admin@contoso.com' },
      activity: 'Patch DeviceManagementConfigurationPolicy',
      operation: 'Patch',
      time: '2026-11-29T14:12:40Z',
    },
  ],
};

const DIFF_EXAMPLE = {
  from: DIFF_SIDE_FROM,
  to: {
    backupSetId: '3f901a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
    scheduleId: '5e1d1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
    runId: 'c1d71a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
    createdAt: '2026-11-30T02:00:03.870Z',
  },
  comparedTypes: ['settingsCatalog', 'compliance'],
  counts: {
    total: { added: 0, removed: 0, modified: 1, renamed: 0 },
    byType: { settingsCatalog: { added: 0, removed: 0, modified: 1, renamed: 0 } },
  },
  items: [CHANGED_POLICY_EXAMPLE],
  nextCursor: null,
};

const allCounts = 'the changes of each kind over the whole pair of sets, whatever the page and filters show';

export const backupSetChanges = component(
  'BackupSetChangePage',
  "A page of the set's changes against the previous set, with the counts of all of them.",
  z
    .strictObject({
      backupSetId: id.describe('the set whose changes these are'),
      previousBackupSetId: id
        .nullable()
        .describe("the schedule's set before it; null for a schedule's first set (everything is added)"),
      counts: changeCounts.describe(allCounts),
      items: z.array(policyChange).describe('the changed policies of this page'),
      nextCursor,
    })
    .meta({
      examples: [
        {
          backupSetId: DIFF_EXAMPLE.to.backupSetId,
          previousBackupSetId: DIFF_SIDE_FROM.backupSetId,
          counts: { added: 0, removed: 0, modified: 1, renamed: 0 },
          items: [CHANGED_POLICY_EXAMPLE],
          nextCursor: null,
        },
      ],
    }),
);

const diffSide = z.strictObject({
  backupSetId: id.describe('the backup set'),
  scheduleId: id.describe('the schedule that wrote it'),
  runId: id.describe('the run that wrote it'),
  createdAt: instant,
});

export const backupSetDiff = component(
  'BackupSetDiffPage',
  'A page of the changes from one set (`from`) to another (`to`) of the tenant, with the counts ' +
    'of all of them per type and kind.',
  z
    .strictObject({
      from: diffSide.nullable().describe("null for a schedule's first set: everything is added"),
      to: diffSide.describe('the set the changes lead to'),
      comparedTypes: z.array(z.string()).nullable().describe('the policy types both sets hold'),
      counts: z
        .strictObject({
          total: changeCounts.describe('of all types together'),
          byType: z
            .record(z.string(), changeCounts)
            .describe('by policy type key (e.g. settingsCatalog); a type without changes is absent'),
        })
        .describe(allCounts),
      items: z.array(policyChange).describe('the changed policies of this page'),
      nextCursor,
    })
    .meta({ examples: [DIFF_EXAMPLE] }),
);

const policyType = z.string().describe('the policy type key (GET /v1/policy-types), e.g. settingsCatalog');
const graphId = z.string().describe("the policy's id in Microsoft Graph");

export const inventoryPage = paged(
  'PolicyInventoryEntry',
  component(
    'PolicyInventoryEntry',
    'A policy of the tenant as the newest sync saw it; `lastChangedAt` is when a backup set last recorded a change of it.',
    z
      .strictObject({
        policyType,
        graphId,
        displayName: z.string().describe('its display name as the newest sync saw it'),
        graphLastModified: instant
          .nullable()
          .describe("Graph's lastModifiedDateTime of it, ISO 8601; null when Graph gives none"),
        lastSyncedAt: instant.describe('when a sync last saw it, ISO 8601, UTC'),
        lastChangedAt: instant
          .nullable()
          .describe('when a backup set last recorded a change of it; null when none has'),
        deleted: z.boolean().describe('true: a sync no longer found it in the tenant'),
        deletedAt: instant.nullable().describe('when a sync first missed it; null while it exists'),
      })
      .meta({
        examples: [
          {
            policyType: 'compliance',
            graphId: '5d0c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
            displayName: 'WIN - Compliance - BitLocker',
            graphLastModified: '2026-11-12T09:31:07Z',
            lastSyncedAt: '2026-11-30T02:00:01.204Z',
            lastChangedAt: '2026-11-13T02:00:03.870Z',
            deleted: false,
            deletedAt: null,
          },
        ],
      }),
  ),
);

const setPoint = z.strictObject({ backupSetId: id.describe('the backup set'), createdAt: instant });

const HISTORY_EXAMPLE = {
  policyType: 'compliance',
  graphId: '5d0c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  displayName: 'WIN - Compliance - BitLocker',
  deletedAt: null,
  items: [
    {
      version: 2,
      payloadHash: 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
      displayName: 'WIN - Compliance - BitLocker',
      change: 'modified',
      firstSeen: {
        backupSetId: '3f901a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
        createdAt: '2026-11-13T02:00:03.870Z',
      },
      lastSeen: {
        backupSetId: '7a111a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
        createdAt: '2026-11-30T02:00:03.120Z',
      },
      setCount: 18,
      fields: [
        { op: 'replace', path: '/bitLockerEnabled', label: 'Bit locker enabled', before: false, after: true },
      ],
      actors: [
        {
          source: 'intune',
          actor: { type: 'user', userPrincipalName: 'admin@contoso.com' },
          activity: 'Patch DeviceCompliancePolicy',
          operation: 'Patch',
          time: '2026-11-12T09:31:07Z',
        },
      ],
    },
    {
      version: 1,
      payloadHash: '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d',
      displayName: 'WIN - Compliance - BitLocker',
      change: 'added',
      firstSeen: {
        backupSetId: '0b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
        createdAt: '2026-10-02T02:00:02.410Z',
      },
      lastSeen: {
        backupSetId: '2c4d1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
        createdAt: '2026-11-12T02:00:03.010Z',
      },
      setCount: 42,
      fields: null,
      actors: [],
    },
  ],
  nextCursor: null,
};

const valuesWithheld = withheld
  .optional()
  .describe(
    'present when the values are withheld from the caller: the permission that would show them, and why',
  );

export const policyHistory = component(
  'PolicyHistoryPage',
  "A page of a policy's versions, newest first: consecutive sets holding the same configuration " +
    'are one version; each lists its field changes from the version before and who made them.',
  z
    .strictObject({
      policyType,
      graphId,
      displayName: z.string().describe('its newest display name'),
      deletedAt: instant
        .nullable()
        .describe('when a sync first missed it in the tenant; null while it exists'),
      items: z
        .array(
          z.strictObject({
            version: z.int().describe('1 for the oldest version, counting up'),
            payloadHash: z
              .string()
              .describe('SHA-256 (hex) of the canonical configuration: equal hashes, equal configurations'),
            displayName: z.string().describe('its display name in this version'),
            change: changeKind
              .nullable()
              .describe('added for the first version; null when only the stored form differs'),
            firstSeen: setPoint.describe('the oldest set holding this version'),
            lastSeen: setPoint.describe('the newest set holding this version'),
            setCount: z.int().describe('how many sets hold this version'),
            fields: z
              .array(fieldChange)
              .nullable()
              .describe(
                'the leaf changes from the version before; null for the first version and for changes recorded before field-level changes existed',
              ),
            valuesWithheld,
            actors: z
              .array(changeActor)
              .nullable()
              .describe(
                "the tenant's audit events on the policy since the version before; null when the audit log could not be read",
              ),
            actorsUnknown: z.string().optional().describe('why actors is null'),
          }),
        )
        .describe('the versions of this page, newest first'),
      nextCursor,
    })
    .meta({ examples: [HISTORY_EXAMPLE] }),
);

const EXAMPLE_TENANT_ID = '4c2a1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b';
const EXAMPLE_USER_ID = '2b7e4c1d-9a3f-4e5b-8c6d-7e8f9a0b1c2d';
const createdBy = z.string().describe('who created it: "user:<id>"');

export const auditLogPage = paged(
  'AuditLog',
  z
    .strictObject({
      id: id.describe('the audit row id'),
      tenantId: id.nullable().describe('the tenant it concerns; null for platform-wide actions'),
      actor: z.string().describe('"system", "operator" or "user:<id>"'),
      action: z.string().describe('<resource type>.<what happened>, e.g. backup_schedule.created'),
      resourceType: z.string().describe('the kind of resource acted on, e.g. backup_schedule'),
      resourceId: z.string().nullable().describe('its id; null when the action concerns no single resource'),
      metadata: anyJson.describe('details of the action, by action (never a secret)'),
      createdAt: instant,
    })
    .meta({
      examples: [
        {
          id: '073bd1bf-0e73-4285-a5cc-5017f344b0c8',
          tenantId: EXAMPLE_TENANT_ID,
          actor: `user:${EXAMPLE_USER_ID}`,
          action: 'backup_schedule.created',
          resourceType: 'backup_schedule',
          resourceId: '5e1d1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
          metadata: { name: 'Nightly', frequency: 'daily', enabled: true },
          createdAt: '2026-11-30T09:14:02.311Z',
        },
      ],
    }),
);

export const notification = component(
  'Notification',
  "A notification for the token's user.",
  z
    .strictObject({
      id: id.describe('the notification id'),
      tenantId: id.nullable().describe('the tenant it concerns; null when none'),
      kind: z
        .string()
        .describe('what it is about: an event type (in-app channels), notification.digest or bulk_action'),
      title: z.string().describe('a one-line summary'),
      body: z.string().describe('the text, one fact per line'),
      data: anyJson.describe('details by kind, e.g. the channel and a link, or the results of a bulk action'),
      read: z.boolean().describe('true once marked read'),
      readAt: nullableInstant.describe('when it was marked read; null while unread'),
      createdAt: instant,
    })
    .meta({
      examples: [
        {
          id: 'e2416c2b-528b-4578-81d6-2d7d08722281',
          tenantId: EXAMPLE_TENANT_ID,
          kind: 'backup.run.failed',
          title: 'Backup failed: Contoso Ltd, Nightly',
          body: 'Schedule: Nightly\nError: Microsoft Graph answered 401 Unauthorized',
          data: {
            channelId: '8a3f1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
            link: 'https://tenantvault.example.com/v1/tenants/4c2a1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b/runs/9a421a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
          },
          read: false,
          readAt: null,
          createdAt: '2026-11-30T02:00:05.412Z',
        },
      ],
    }),
);
export const notificationPage = paged('Notification', notification);

const USER_EXAMPLE = {
  id: EXAMPLE_USER_ID,
  email: 'grace@contoso-msp.example',
  displayName: 'Grace Hopper',
  platformAdmin: true,
  active: true,
  deactivatedAt: null,
  createdAt: '2026-11-02T08:30:00.000Z',
};

export const user = component(
  'User',
  'A user. Their access comes from their memberships (and platformAdmin).',
  z
    .strictObject({
      id: id.describe('the user id'),
      email: z.string().describe("the user's e-mail address"),
      displayName: z.string().describe('the name shown for the user'),
      platformAdmin: z.boolean().describe('creates tenants and users, and acts in every tenant'),
      active: z.boolean().describe("false: deactivated, the user's tokens are refused"),
      deactivatedAt: nullableInstant.describe('when the user was deactivated; null while active'),
      createdAt: instant,
    })
    .meta({ examples: [USER_EXAMPLE] }),
);

const tokenName = z.string().describe('the name it was issued with, e.g. "laptop"');

export const apiToken = component(
  'ApiToken',
  "One of a user's API tokens; never its secret.",
  z
    .strictObject({
      id: id.describe('the token id'),
      name: tokenName,
      prefix: z.string().describe('the characters after `tv_`: tells tokens apart'),
      expiresAt: nullableInstant.describe(
        'null: never expires (only tokens issued before every token had to)',
      ),
      revokedAt: nullableInstant.describe('when it was revoked; null while not revoked'),
      createdAt: instant,
    })
    .meta({
      examples: [
        {
          id: '0b8f6c1e-2d3a-4b5c-9e7f-6a5b4c3d2e1f',
          name: 'laptop',
          prefix: 'Qm9vY2FtcDEy',
          expiresAt: '2027-03-01T09:00:00.000Z',
          revokedAt: null,
          createdAt: '2026-12-01T09:00:00.000Z',
        },
      ],
    }),
);
export const apiTokenPage = paged('ApiToken', apiToken);

export const issuedToken = component(
  'IssuedApiToken',
  'A new API token. `token` is shown only here: only its hash is stored.',
  z
    .strictObject({
      id: id.describe('the token id'),
      name: tokenName,
      token: z.string().describe('tv_<prefix>_<secret>; send as `Authorization: Bearer <token>`'),
      expiresAt: instant.describe('every new token expires'),
      createdAt: instant,
    })
    .meta({
      examples: [
        {
          id: '0b8f6c1e-2d3a-4b5c-9e7f-6a5b4c3d2e1f',
          name: 'laptop',
          token: 'tv_Qm9vY2FtcDEy_1sNr1lzaKXbt3vK9f7Fp3xj1qH5C-7f3-U-b9j_FSnk',
          expiresAt: '2027-03-01T09:00:00.000Z',
          createdAt: '2026-12-01T09:00:00.000Z',
        },
      ],
    }),
);

export const revokedTokens = component(
  'RevokedApiTokens',
  "What a revocation of all of a user's tokens did.",
  z
    .strictObject({
      revoked: z.int().describe('tokens revoked (those already revoked or expired are not counted)'),
      keptTokenId: id
        .nullable()
        .describe("the caller's own token, kept when users revoke their other tokens"),
    })
    .meta({ examples: [{ revoked: 3, keptTokenId: '0b8f6c1e-2d3a-4b5c-9e7f-6a5b4c3d2e1f' }] }),
);

export const member = component(
  'Member',
  "A user's role in the tenant.",
  z
    .strictObject({
      userId: id.describe('the user id'),
      email: z.string().describe("the user's e-mail address"),
      displayName: z.string().describe('the name shown for the user'),
      role: memberBody.shape.role,
      ...timestamps,
    })
    .meta({
      examples: [
        {
          userId: EXAMPLE_USER_ID,
          email: 'grace@contoso-msp.example',
          displayName: 'Grace Hopper',
          role: 'operator',
          createdAt: '2026-12-01T09:05:00.000Z',
          updatedAt: '2026-12-01T09:05:00.000Z',
        },
      ],
    }),
);
export const memberPage = paged('Member', member);

const EXAMPLE_BASELINE_ID = '7d1e1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b';

export const baseline = component(
  'Baseline',
  'A backup set pinned under a name: retention keeps the set while the baseline exists.',
  z
    .strictObject({
      id: id.describe('the baseline id'),
      name: z.string().describe('a name people read, e.g. "CIS L1 November 2026"'),
      tenantId: id.describe('the tenant whose set it pins'),
      backupSetId: id.describe('the pinned backup set'),
      createdBy,
      createdAt: instant,
    })
    .meta({
      examples: [
        {
          id: EXAMPLE_BASELINE_ID,
          name: 'CIS L1 November 2026',
          tenantId: EXAMPLE_TENANT_ID,
          backupSetId: '0b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
          createdBy: `user:${EXAMPLE_USER_ID}`,
          createdAt: '2026-11-30T10:00:00.000Z',
        },
      ],
    }),
);
export const baselinePage = paged('Baseline', baseline);

export const baselineMappings = component(
  'BaselineMappings',
  "The baseline's explicit matches with one tenant.",
  z
    .strictObject({
      baselineId: id.describe('the baseline id'),
      tenantId: id.describe('the tenant the matches are with'),
      mappings: z
        .array(
          z.strictObject({
            policyType,
            baselineGraphId: z.string().describe("the Graph id of the policy in the baseline's set"),
            tenantGraphId: z.string().describe("the Graph id of the tenant's policy it matches"),
          }),
        )
        .describe('every explicit match, by policy type and baseline Graph id'),
    })
    .meta({
      examples: [
        {
          baselineId: EXAMPLE_BASELINE_ID,
          tenantId: '3d388bc0-c9b5-4024-bd1c-294bedb94c02',
          mappings: [
            {
              policyType: 'deviceConfiguration',
              baselineGraphId: 'a1b21a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
              tenantGraphId: '12cc422f-2214-4b4e-84f4-c171804b765a',
            },
          ],
        },
      ],
    }),
);

const comparedPolicy = z.strictObject({
  graphId,
  displayName: z.string().describe('its display name'),
});
const compareBucket = z.enum(['different', 'only_in_baseline', 'only_in_tenant', 'matching']);

const COMPARE_EXAMPLE = {
  baselineId: EXAMPLE_BASELINE_ID,
  baselineBackupSetId: '0b7c1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  tenantId: EXAMPLE_TENANT_ID,
  backupSetId: '3f901a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  counts: { different: 1, only_in_baseline: 1, only_in_tenant: 0, matching: 41 },
  items: [
    {
      bucket: 'different',
      policyType: 'deviceConfiguration',
      baseline: { graphId: 'a1b21a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b', displayName: 'WIN - Restrictions' },
      tenant: { graphId: 'c3d41a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b', displayName: 'WIN - Restrictions' },
      matchedBy: 'exactName',
      fields: [
        {
          op: 'replace',
          path: '/passwordMinimumLength',
          label: 'Password minimum length',
          before: 12,
          after: 8,
        },
        {
          op: 'remove',
          path: '/assignments/[target=#microsoft.graph.groupAssignmentTarget:group:SG - Pilot]',
          label: 'Assignment: SG - Pilot',
          before: { target: { groupId: 'group:SG - Pilot' } },
        },
      ],
      unresolvedReferences: [{ kind: 'group', id: '5f0e1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b', side: 'tenant' }],
    },
  ],
  nextCursor: 'o50',
};

export const baselineComparison = component(
  'BaselineComparison',
  "A tenant's backup set against a baseline: counts per bucket, and a page of items (different " +
    'first, then only_in_baseline, only_in_tenant, matching). Referenced objects appear in ' +
    '`fields` as "<kind>:<name>" tokens; an id a set holds no name for is listed in ' +
    '`unresolvedReferences` and compares equal to any other unresolved id.',
  z
    .strictObject({
      baselineId: id.describe('the baseline id'),
      baselineBackupSetId: id.describe('the set the baseline pins'),
      tenantId: id.describe('the compared tenant'),
      backupSetId: id.describe("the compared set: the one asked for, else the tenant's newest"),
      counts: z
        .strictObject({
          different: z.int().describe('policies paired with each other whose configurations differ'),
          only_in_baseline: z.int().describe('baseline policies no tenant policy is paired with'),
          only_in_tenant: z.int().describe('tenant policies no baseline policy is paired with'),
          matching: z.int().describe('policies paired with each other whose configurations are equal'),
        })
        .describe('the items of each bucket in the whole comparison, whatever the page shows'),
      items: z
        .array(
          z.strictObject({
            bucket: compareBucket.describe('which bucket the item is in'),
            policyType,
            baseline: comparedPolicy.nullable().describe('the baseline side; null for only_in_tenant'),
            tenant: comparedPolicy.nullable().describe("the tenant's side; null for only_in_baseline"),
            matchedBy: z
              .enum(['explicit', 'graphId', 'exactName', 'normalizedName', 'similarName'])
              .nullable()
              .describe('the matching rule that paired the two; null in the only_in buckets'),
            fields: z.array(fieldChange).optional().describe('different items only: every leaf change'),
            valuesWithheld,
            unresolvedReferences: z
              .array(
                z.strictObject({
                  kind: referenceKind.describe('the kind of object referenced, e.g. group'),
                  id: z.string().describe('the referenced id'),
                  side: z.enum(['baseline', 'tenant']).describe('the set whose policy holds the reference'),
                }),
              )
              .describe('referenced ids a set holds no name for (empty when none)'),
          }),
        )
        .describe('the items of this page'),
      nextCursor,
    })
    .meta({ examples: [COMPARE_EXAMPLE] }),
);

const CHANNEL_EXAMPLE = {
  id: '8a3f1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  tenantId: EXAMPLE_TENANT_ID,
  name: 'On-call webhook',
  kind: 'webhook',
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  url: 'https://hooks.example.com/tenantvault',
  recipients: [],
  eventTypes: ['backup.run.failed', 'backup.run.partial', 'backup.changes.detected'],
  filters: { minChangeCount: 1 },
  digest: 'none',
  secret: { set: true, rotatedAt: null, previousExpiresAt: null },
  createdBy: `user:${EXAMPLE_USER_ID}`,
  createdAt: '2026-12-05T09:00:00.000Z',
  updatedAt: '2026-12-05T09:00:00.000Z',
};

const channelShape = {
  id: id.describe('the channel id'),
  tenantId: id.nullable().describe('null: platform-wide, receiving the events of every tenant'),
  name: z.string().describe('a name people read, e.g. "On-call webhook"'),
  kind: z.enum(['webhook', 'teams', 'email', 'in_app']).describe('how it delivers: fixed at creation'),
  enabled: z.boolean().describe('false: kept, but delivers nothing'),
  disabledReason: z
    .string()
    .nullable()
    .describe('why TenantVault disabled it (e.g. the receiver answered 410 Gone); null when a user did'),
  disabledAt: nullableInstant.describe('when it was disabled; null while enabled'),
  url: z.string().nullable().describe('webhook and teams; a Teams URL without its query (its signature)'),
  recipients: z.array(z.string()).describe('email: the addresses it sends to; empty for other kinds'),
  eventTypes: z.array(z.string()).describe('the event types it delivers, e.g. backup.run.failed'),
  filters: z
    .strictObject({
      scheduleIds: z.array(id).optional().describe("only these schedules' events"),
      policyTypes: z
        .array(z.string())
        .optional()
        .describe('only events about these policy types (keys from GET /v1/policy-types)'),
      minChangeCount: z
        .int()
        .optional()
        .describe('only change and drift events with at least this many changes'),
    })
    .describe('an absent filter lets every event through; filters apply to the event types they fit'),
  digest: z
    .enum(['none', 'hourly', 'daily'])
    .describe('none: one message per event; hourly or daily: one message summarizing the window'),
  secret: z
    .strictObject({
      set: z.boolean().describe('a signing secret (webhook) or an encrypted URL (teams) is stored'),
      rotatedAt: nullableInstant.describe('when the secret was last rotated; null if never'),
      previousExpiresAt: nullableInstant.describe('until then the previous secret also signs'),
    })
    .describe('never the secret itself'),
  createdBy,
  ...timestamps,
};

export const notificationChannel = component(
  'NotificationChannel',
  'Where events go: a webhook (Standard Webhooks), a Teams Workflows URL, e-mail or in-app.',
  z.strictObject(channelShape).meta({ examples: [CHANNEL_EXAMPLE] }),
);
export const notificationChannelPage = paged('NotificationChannel', notificationChannel);

export const notificationChannelWithSecret = component(
  'NotificationChannelWithSecret',
  'A channel as created or rotated: a webhook carries its signing secret, shown this once.',
  z
    .strictObject({
      ...channelShape,
      signingSecret: z
        .string()
        .optional()
        .describe('webhook: whsec_ and base64 of 32 random bytes; verify with the standardwebhooks package'),
    })
    .meta({
      examples: [{ ...CHANNEL_EXAMPLE, signingSecret: 'whsec_D6QK/B6ksFo2pJk3D7X1bPdRNPoSmYyQMbWva7auJxI=' }],
    }),
);

const DELIVERY_EXAMPLE = {
  id: '51c01a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  channelId: '8a3f1a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  eventId: 'e9d21a2b-4c3d-4e4f-8a6b-7c8d9e0f1a2b',
  eventType: 'backup.run.failed',
  webhookId: 'msg_11a288adb42d4173a4f2962299cb3a1c',
  status: 'succeeded',
  digestWindowEnd: null,
  digestId: null,
  attemptCount: 2,
  lastStatusCode: 200,
  lastError: null,
  nextAttemptAt: null,
  deliveredAt: '2026-12-05T02:00:05.412Z',
  attempts: [
    {
      number: 1,
      startedAt: '2026-12-05T02:00:00.120Z',
      durationMs: 15000,
      statusCode: null,
      outcome: 'timeout',
      error: 'no answer within 15 s',
    },
    {
      number: 2,
      startedAt: '2026-12-05T02:00:05.300Z',
      durationMs: 112,
      statusCode: 200,
      outcome: 'succeeded',
      error: null,
    },
  ],
  createdAt: '2026-12-05T02:00:00.050Z',
  updatedAt: '2026-12-05T02:00:05.412Z',
};

export const notificationDelivery = component(
  'NotificationDelivery',
  'One event (or, eventId null, one digest) delivered to one channel, with its attempts.',
  z
    .strictObject({
      id: id.describe('the delivery id'),
      channelId: id.describe('the channel it goes to'),
      eventId: id.nullable().describe('null: a digest of several events'),
      eventType: z.string().nullable().describe('the event type, e.g. backup.run.failed; null for a digest'),
      webhookId: z.string().describe('the webhook-id header: the same on every attempt and replay'),
      status: z
        .enum(['pending', 'succeeded', 'failed', 'batched'])
        .describe('pending: attempts go on; failed: given up; batched: folded into a digest (digestId)'),
      digestWindowEnd: nullableInstant.describe(
        'digest channels: the end of the hour or day whose events it collects; null otherwise',
      ),
      digestId: id.nullable().describe('batched: the digest delivery it was folded into'),
      attemptCount: z.int().describe('the attempts made so far'),
      lastStatusCode: z
        .int()
        .nullable()
        .describe('the HTTP status of the last attempt; null before one, or when none came back'),
      lastError: z.string().nullable().describe('what went wrong in the last attempt; null when nothing did'),
      nextAttemptAt: nullableInstant.describe('when the next attempt is due; null when none is'),
      deliveredAt: nullableInstant.describe('when an attempt succeeded; null until one does'),
      attempts: z
        .array(
          z.strictObject({
            number: z.int().describe('1 for the first attempt, counting up'),
            startedAt: instant,
            durationMs: z.int().describe('how long the attempt took, in milliseconds'),
            statusCode: z.int().nullable().describe('the HTTP status answered; null when none came back'),
            outcome: z.string().describe('succeeded, failed, gone, refused, timeout…'),
            error: z.string().nullable().describe('what went wrong; null when nothing did'),
          }),
        )
        .describe('every attempt, oldest first'),
      ...timestamps,
    })
    .meta({ examples: [DELIVERY_EXAMPLE] }),
);
export const notificationDeliveryPage = paged('NotificationDelivery', notificationDelivery);

const SUBSCRIPTION_EXAMPLE = {
  tenantId: EXAMPLE_TENANT_ID,
  baselineId: EXAMPLE_BASELINE_ID,
  createdBy: `user:${EXAMPLE_USER_ID}`,
  createdAt: '2026-12-05T09:00:00.000Z',
};

export const baselineSubscription = component(
  'BaselineSubscription',
  'The tenant compares each of its new sets with the baseline (event baseline.drift.detected).',
  z
    .strictObject({
      tenantId: id.describe('the subscribed tenant'),
      baselineId: id.describe('the baseline its new sets are compared with'),
      createdBy,
      createdAt: instant,
    })
    .meta({ examples: [SUBSCRIPTION_EXAMPLE] }),
);

export const baselineSubscriptionList = component(
  'BaselineSubscriptionList',
  "The tenant's baseline subscriptions, oldest first.",
  z
    .strictObject({ items: z.array(baselineSubscription).describe('every subscription of the tenant') })
    .meta({ examples: [{ items: [SUBSCRIPTION_EXAMPLE] }] }),
);
