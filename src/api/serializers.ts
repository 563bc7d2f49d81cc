// The API's JSON shapes, in one place. Secrets never appear here: a tenant shows only
// whether it has a client secret.
import type { BackupItemWithPayload, BackupSetWithHold } from '../db/backupSets';
import type {
  ApiToken,
  AuditLog,
  BackupSchedule,
  BackupScheduleRun,
  BackupSetChange,
  BackupSetReference,
  BackupSetHold,
  BackupSetOffsiteCopy,
  Baseline,
  BaselineSubscription,
  Notification,
  NotificationChannel,
  Tenant,
  User,
} from '../db/client';
import type { AuditActorEvent } from '../db/graphAuditEvents';
import type { InventoryRow, PolicyVersionRow } from '../db/inventory';
import type { Member } from '../db/memberships';
import type { CompareItem } from '../db/baselineCompare';
import type { DeliveryWithAttempts } from '../db/notificationChannels';
import type { IssuedToken } from '../db/tokens';
import { mayHoldScripts, unescapeStoredJson, unescapeStoredText } from '../graph';
import { pendingReductions, type TenantRetention } from '../retention/policy';
import { scheduleRetentionOf, tenantRetentionOf } from '../db/retention';
import { temporalScheduleId } from '../shared/constants';

export function tenantJson(tenant: Tenant) {
  return {
    id: tenant.id,
    slug: tenant.slug,
    displayName: tenant.displayName,
    azureTenantId: tenant.azureTenantId,
    clientId: tenant.clientId,
    hasClientSecret: tenant.clientSecret.length > 0,
    graphBaseUrl: tenant.graphBaseUrl,
    loginBaseUrl: tenant.loginBaseUrl,
    retention: tenantRetentionJson(tenantRetentionOf(tenant)),
    offboardedAt: tenant.offboardedAt,
    purgeAfter: tenant.purgeAfter,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}

/** The tenant's retention rules, and the reductions still waiting out their grace period. */
export function tenantRetentionJson(retention: TenantRetention) {
  return {
    minKeepLast: retention.minKeepLast,
    graceDays: retention.graceDays,
    pendingReductions: pendingReductions(retention.reductions, new Date()).map((reduction) => ({
      ...reduction.from,
      inForceUntil: reduction.inForceUntil,
      by: reduction.by,
    })),
  };
}

export function scheduleJson(
  schedule: BackupSchedule,
  nextRunTimes: Date[] | null = null,
  lastRun: BackupScheduleRun | null = null,
) {
  return {
    id: schedule.id,
    tenantId: schedule.tenantId,
    name: schedule.name,
    enabled: schedule.enabled,
    frequency: schedule.frequency,
    minute: schedule.minute,
    timeOfDay: schedule.timeOfDay,
    daysOfWeek: schedule.daysOfWeek,
    timezone: schedule.timezone,
    policyTypes: schedule.policyTypes,
    retention: scheduleRetentionJson(schedule),
    temporal: {
      scheduleId: temporalScheduleId(schedule.id),
      syncState: schedule.temporalSyncState,
      syncError: schedule.temporalSyncError,
      lastSyncedAt: schedule.temporalSyncedAt,
      nextRunTimes: nextRunTimes ?? [],
      nextRunTimesKnown: nextRunTimes !== null,
    },
    lastRun: lastRun && {
      id: lastRun.id,
      status: lastRun.status,
      trigger: lastRun.trigger,
      createdAt: lastRun.createdAt,
      finishedAt: lastRun.finishedAt,
    },
    version: schedule.version,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
}

function scheduleRetentionJson(schedule: BackupSchedule) {
  const { keepLast, reductions } = scheduleRetentionOf(schedule);
  return {
    keepLast,
    pendingReductions: pendingReductions(reductions, new Date()).map((reduction) => ({
      keepLast: reduction.from,
      inForceUntil: reduction.inForceUntil,
      by: reduction.by,
    })),
  };
}

export function runJson(run: BackupScheduleRun) {
  const skipped = run.status === 'skipped';
  return {
    id: run.id,
    tenantId: run.tenantId,
    scheduleId: run.scheduleId,
    workflowId: run.workflowId,
    temporalRunId: run.temporalRunId,
    trigger: run.trigger,
    status: run.status,
    ...(skipped ? { reason: run.errorCode } : {}),
    scheduledFor: run.scheduledFor,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    // Warnings name policies by Graph id and display name, stored escaped (src/graph/storedText.ts).
    summary: unescapeStoredJson(run.summary),
    references: run.referenceOutcome ?? null,
    auditEvents: run.auditEventOutcome ?? null,
    error: !skipped && run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
    backupSetId: run.backupSetId,
    retryOf: run.retryOfId,
    requestedBy: run.requestedBy,
    createdAt: run.createdAt,
  };
}

export function backupSetJson(set: BackupSetWithHold) {
  const stats = {
    itemCount: set.itemCount,
    totalBytes: Number(set.totalBytes),
    newPayloadBytes: Number(set.newPayloadBytes),
  };
  return {
    id: set.id,
    tenantId: set.tenantId,
    scheduleId: set.scheduleId,
    runId: set.runId,
    previousBackupSetId: set.previousSetId,
    itemCount: set.itemCount,
    policyTypes: set.policyTypes,
    stats,
    legalHold: set.hold && legalHoldJson(set.hold),
    offsiteCopy: set.offsiteCopy && offsiteCopyJson(set.offsiteCopy),
    createdAt: set.createdAt,
  };
}

/** The set's copy at the tenant's offsite destination (src/activities/copyOffsite.ts). */
export function offsiteCopyJson(copy: BackupSetOffsiteCopy) {
  return {
    status: copy.status,
    kind: copy.kind,
    objectName: copy.objectName,
    manifestObjectName: copy.manifestObjectName,
    sizeBytes: copy.sizeBytes === null ? null : Number(copy.sizeBytes),
    sha256: copy.sha256,
    etag: copy.etag,
    immutableUntil: copy.immutableUntil,
    attempts: copy.attempts,
    error:
      copy.status === 'failed' && copy.errorCode
        ? { code: copy.errorCode, message: copy.errorMessage }
        : null,
    updatedAt: copy.updatedAt,
  };
}

export function legalHoldJson(hold: BackupSetHold) {
  return {
    reason: hold.reason,
    placedBy: hold.placedBy,
    placedAt: hold.placedAt,
    releasedBy: hold.releasedBy,
    releasedAt: hold.releasedAt,
    protectsUntil: hold.protectsUntil,
  };
}

// Graph ids, display names and payloads are stored in a reversible escape (src/graph/storedText.ts);
// clients get them as Graph sent them.
type ChangeRowJson = Pick<BackupSetChange, 'policyType' | 'graphId' | 'displayName' | 'change'> & {
  previousDisplayName: string | null;
  fields: unknown;
  /** `restored`: the Graph id it was re-created from (restore_lineage). */
  restoredFromGraphId?: string | null;
  actors?: AuditActorEvent[] | null;
  actorsUnknown?: string;
};

/**
 * A policy's change with its field changes (src/diff FieldChange). The values of a script type's
 * fields are withheld like its payloads (backupItemJson) from callers who may not read scripts.
 */
export function backupSetChangeJson(access: { mayReadScripts: boolean }) {
  return (change: ChangeRowJson) => {
    const withhold = !access.mayReadScripts && mayHoldScripts(change.policyType);
    const fields = Array.isArray(change.fields)
      ? (unescapeStoredJson(change.fields) as Record<string, unknown>[]).map((field) =>
          withhold && !field.secret ? withheldField(field) : field,
        )
      : null;
    return {
      policyType: change.policyType,
      graphId: unescapeStoredText(change.graphId),
      displayName: unescapeStoredText(change.displayName),
      ...(change.previousDisplayName !== null
        ? { previousDisplayName: unescapeStoredText(change.previousDisplayName) }
        : {}),
      change: change.change,
      ...(change.restoredFromGraphId
        ? { restoredFromGraphId: unescapeStoredText(change.restoredFromGraphId) }
        : {}),
      fields,
      ...(withhold && fields ? { valuesWithheld: SCRIPTS_WITHHELD } : {}),
      ...(change.actors !== undefined ? { actors: change.actors?.map(actorEventJson) ?? null } : {}),
      ...(change.actorsUnknown ? { actorsUnknown: change.actorsUnknown } : {}),
    };
  };
}

/** One side of a diff: which set, when, of which schedule and run. */
export function diffSetJson(set: BackupSetWithHold) {
  return { backupSetId: set.id, scheduleId: set.scheduleId, runId: set.runId, createdAt: set.createdAt };
}

export function inventoryJson(row: InventoryRow) {
  return {
    policyType: row.policyType,
    graphId: unescapeStoredText(row.graphId),
    displayName: unescapeStoredText(row.displayName),
    graphLastModified: row.graphLastModified,
    lastSyncedAt: row.lastSyncedAt,
    lastChangedAt: row.lastChangedAt,
    deleted: row.deletedAt !== null,
    deletedAt: row.deletedAt,
  };
}

type VersionJson = PolicyVersionRow & {
  policyType: string;
  change: ChangeRowJson['change'] | null;
  fields: unknown;
} & Pick<ChangeRowJson, 'actors' | 'actorsUnknown'>;

/** One version of a policy; its field changes from the version before (`changeJson` withholds). */
export function policyVersionJson(version: VersionJson, changeJson: ReturnType<typeof backupSetChangeJson>) {
  const { fields, valuesWithheld, actors, actorsUnknown } = changeJson({
    policyType: version.policyType,
    graphId: '',
    displayName: version.displayName,
    previousDisplayName: null,
    change: version.change ?? 'modified',
    fields: version.fields,
    actors: version.actors,
    ...(version.actorsUnknown ? { actorsUnknown: version.actorsUnknown } : {}),
  });
  return {
    version: version.version,
    payloadHash: version.payloadHash,
    displayName: unescapeStoredText(version.displayName),
    change: version.change,
    firstSeen: { backupSetId: version.first.id, createdAt: version.first.createdAt },
    lastSeen: { backupSetId: version.last.id, createdAt: version.last.createdAt },
    setCount: version.setCount,
    fields,
    ...(valuesWithheld ? { valuesWithheld } : {}),
    actors,
    ...(actorsUnknown ? { actorsUnknown } : {}),
  };
}

// Dates stay dates (unescapeStoredJson would take them for objects); strings as Graph sent them.
function actorEventJson(event: AuditActorEvent) {
  return {
    source: event.source,
    actor: unescapeStoredJson(event.actor),
    activity: unescapeStoredText(event.activity),
    operation: event.operation,
    time: event.time,
  };
}

function withheldField({ before: _before, after: _after, ...rest }: Record<string, unknown>) {
  return { ...rest, withheld: true };
}

const SCRIPTS_WITHHELD = {
  permission: 'scripts:read',
  reason: 'script bodies can hold credentials: reading them needs the role operator or higher',
} as const;

export function backupItemJson(item: BackupItemWithPayload) {
  return {
    id: item.id,
    policyType: item.policyType,
    graphId: unescapeStoredText(item.graphId),
    displayName: unescapeStoredText(item.displayName),
    payloadHash: item.payloadHash,
    ...(item.payload
      ? { payload: unescapeStoredJson(item.payload.content), payloadBytes: item.payload.sizeBytes }
      : {}),
    ...(item.payloadWithheld ? { payloadWithheld: SCRIPTS_WITHHELD } : {}),
  };
}

export function backupSetReferenceJson(reference: BackupSetReference) {
  return {
    id: reference.id,
    kind: reference.kind,
    objectId: unescapeStoredText(reference.objectId),
    displayName: reference.displayName === null ? null : unescapeStoredText(reference.displayName),
    objectType: reference.objectType,
    details: unescapeStoredJson(reference.details),
    state: reference.state,
  };
}

export function auditLogJson(entry: AuditLog) {
  return {
    id: entry.id,
    tenantId: entry.tenantId,
    actor: entry.actor,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    metadata: entry.metadata,
    createdAt: entry.createdAt,
  };
}

export function notificationJson(notification: Notification) {
  return {
    id: notification.id,
    tenantId: notification.tenantId,
    kind: notification.kind,
    title: notification.title,
    body: notification.body,
    data: notification.data,
    read: notification.readAt !== null,
    readAt: notification.readAt,
    createdAt: notification.createdAt,
  };
}

export function userJson(user: User) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    platformAdmin: user.platformAdmin,
    active: user.deactivatedAt === null,
    deactivatedAt: user.deactivatedAt,
    createdAt: user.createdAt,
  };
}

/** The only time the token itself is shown. */
export function issuedTokenJson(issued: IssuedToken) {
  return {
    id: issued.id,
    name: issued.name,
    token: issued.token,
    expiresAt: issued.expiresAt,
    createdAt: issued.createdAt,
  };
}

export function apiTokenJson(token: Omit<ApiToken, 'tokenHash'>) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    createdAt: token.createdAt,
  };
}

export function memberJson(member: Member) {
  return {
    userId: member.userId,
    email: member.user.email,
    displayName: member.user.displayName,
    role: member.role,
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
  };
}

export function baselineJson(baseline: Baseline) {
  return {
    id: baseline.id,
    name: baseline.name,
    tenantId: baseline.tenantId,
    backupSetId: baseline.backupSetId,
    createdBy: baseline.createdBy,
    createdAt: baseline.createdAt,
  };
}

/**
 * An item of a baseline compare (names and ids are unescaped already: src/db/baselineCompare.ts).
 * Script values are withheld as in backupSetChangeJson unless the caller may read scripts in both tenants.
 */
export function compareItemJson(access: { mayReadScripts: boolean }) {
  return (item: CompareItem) => {
    const withhold = !access.mayReadScripts && mayHoldScripts(item.policyType) && item.fields !== undefined;
    return {
      bucket: item.bucket,
      policyType: item.policyType,
      baseline: item.baseline,
      tenant: item.tenant,
      matchedBy: item.matchedBy,
      ...(item.fields
        ? {
            fields: item.fields.map((field) =>
              withhold && !field.secret ? withheldField({ ...field }) : field,
            ),
          }
        : {}),
      ...(withhold ? { valuesWithheld: SCRIPTS_WITHHELD } : {}),
      unresolvedReferences: item.unresolvedReferences,
    };
  };
}

/**
 * A notification channel. Its secrets never: `secret` says whether one is set and when it was
 * rotated; a Teams URL is shown without its query (the signature that authorizes posting).
 */
export function channelJson(channel: NotificationChannel) {
  return {
    id: channel.id,
    tenantId: channel.tenantId,
    name: channel.name,
    kind: channel.kind,
    enabled: channel.enabled,
    disabledReason: channel.disabledReason,
    disabledAt: channel.disabledAt,
    url: channel.url,
    recipients: channel.recipients,
    eventTypes: channel.eventTypes,
    filters: channel.filters,
    digest: channel.digest,
    secret: {
      set: channel.secretCiphertext !== null,
      rotatedAt: channel.secretRotatedAt,
      previousExpiresAt: channel.previousSecretCiphertext === null ? null : channel.previousSecretExpiresAt,
    },
    createdBy: channel.createdBy,
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
  };
}

/** A delivery of one event (or, eventId null, of a digest) to a channel, with its attempts. */
export function deliveryJson(delivery: DeliveryWithAttempts) {
  return {
    id: delivery.id,
    channelId: delivery.channelId,
    eventId: delivery.eventId,
    eventType: delivery.event?.type ?? null,
    webhookId: delivery.webhookId,
    status: delivery.status,
    digestWindowEnd: delivery.digestWindowEnd,
    digestId: delivery.digestId,
    attemptCount: delivery.attemptCount,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.nextAttemptAt,
    deliveredAt: delivery.deliveredAt,
    attempts: delivery.attempts.map((attempt) => ({
      number: attempt.number,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      outcome: attempt.outcome,
      error: attempt.error,
    })),
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

export function baselineSubscriptionJson(subscription: BaselineSubscription) {
  return {
    tenantId: subscription.tenantId,
    baselineId: subscription.baselineId,
    createdBy: subscription.createdBy,
    createdAt: subscription.createdAt,
  };
}
