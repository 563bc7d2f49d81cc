import type { GraphObject } from './graphHttp';
import type { PolicyTypeKey } from './policyTypes';
import { escapeStoredText } from './storedText';

// The audit logs that say who changed a policy, as data beside the policy-type registry: where
// each is read, under which permission, which policy types it covers, and how one of its entries
// becomes an AuditEvent. The sync reads each since its last successful read
// (src/activities/captureAuditEvents.ts).

export const AUDIT_SOURCE_KEYS = ['intune', 'directory'] as const;
export type AuditSourceKey = (typeof AUDIT_SOURCE_KEYS)[number];

export type AuditActor =
  | { type: 'user'; userPrincipalName: string | null; displayName?: string }
  | { type: 'application'; displayName: string | null; appId: string | null };

/** One audit log entry, its strings in the stored escape (./storedText.ts) like policy ids. */
export interface AuditEvent {
  eventId: string;
  source: AuditSourceKey;
  activityTime: Date;
  actor: AuditActor;
  activity: string;
  operation: string | null;
  /** The Graph ids of the objects it changed: what a policy's Graph id is matched against. */
  resourceIds: string[];
}

export interface AuditSource {
  key: AuditSourceKey;
  displayName: string;
  graphVersion: 'v1.0' | 'beta';
  path: string;
  /** Application permission the tenant's app registration needs to read it. */
  permission: string;
  /**
   * How long Microsoft keeps the log; the first read of a tenant looks back at most this far
   * (and at most FIRST_FETCH_LOOKBACK_DAYS).
   */
  retentionDays: number;
  /** The entry as an AuditEvent, or null when it is not about configuration TenantVault backs up. */
  toEvent(entry: GraphObject): AuditEvent | null;
}

/** The policy types whose changes the directory log records; every other type is Intune's. */
const DIRECTORY_TYPES: readonly PolicyTypeKey[] = ['conditionalAccessPolicies', 'namedLocations'];

export function auditSourceFor(policyType: string): AuditSourceKey {
  return (DIRECTORY_TYPES as readonly string[]).includes(policyType) ? 'directory' : 'intune';
}

/**
 * The first read of a tenant's logs: 30 days back. Enough to name who made the changes the first
 * backups can show (a change is attributed only between two backups), the whole of the directory
 * log's retention, and a bounded read of Intune's year-long log.
 */
export const FIRST_FETCH_LOOKBACK_DAYS = 30;

/**
 * Each later read starts this long before the previous successful read began: both logs list an
 * event some time after its activityDateTime (usually minutes; neither log promises a bound), so a
 * read that started just after a change may not have seen it yet. Two hours covers the delays
 * seen in practice at little cost: events read twice are stored once (by event id), and the API
 * attributes actors when it is asked, so an event stored by a later sync still names the change.
 */
export const FETCH_OVERLAP_MINUTES = 120;

export const AUDIT_SOURCES: Readonly<Record<AuditSourceKey, AuditSource>> = {
  // Learn intune-auditing-auditevent-list (v1.0): Application permission DeviceManagementApps.Read.All
  // (or its ReadWrite); `activityDateTime ge` as IntuneManagement's audit view filters it. Entries
  // name the changed objects in resources[].resourceId and the actor in auditActor
  // (userPrincipalName for people; applicationId/applicationDisplayName for apps). Intune keeps
  // audit events one year (Learn "Use audit logs to track and monitor events in Microsoft Intune").
  intune: {
    key: 'intune',
    displayName: 'Intune audit events',
    graphVersion: 'v1.0',
    path: '/deviceManagement/auditEvents',
    permission: 'DeviceManagementApps.Read.All',
    retentionDays: 365,
    toEvent: (entry) => {
      const actor = object(entry.actor);
      const upn = text(actor?.userPrincipalName);
      return event(entry, 'intune', {
        actor: upn
          ? { type: 'user', userPrincipalName: upn }
          : {
              type: 'application',
              displayName: text(actor?.applicationDisplayName) ?? text(actor?.servicePrincipalName),
              appId: text(actor?.applicationId),
            },
        activity: text(entry.activity) ?? text(entry.displayName) ?? text(entry.activityType) ?? '',
        operation: text(entry.activityOperationType),
        resourceIds: ids(entry.resources, 'resourceId'),
      });
    },
  },
  // Learn directoryaudit-list (v1.0): AuditLog.Read.All (the current page also names
  // Directory.Read.All, which the references step already recommends); activityDateTime supports
  // `ge`. Conditional Access policies and named locations are logged by "Conditional Access" in
  // category "Policy" (Learn "Microsoft Entra audit log categories and activities"), the changed
  // object in targetResources[].id and the actor in initiatedBy.user or initiatedBy.app. Entra
  // keeps audit logs 30 days (7 on free tenants). Only category Policy is kept: the rest of the
  // directory log (users, groups, sign-in settings) is no configuration TenantVault backs up.
  directory: {
    key: 'directory',
    displayName: 'Entra ID directory audit log (Conditional Access)',
    graphVersion: 'v1.0',
    path: '/auditLogs/directoryAudits',
    permission: 'AuditLog.Read.All',
    retentionDays: 30,
    toEvent: (entry) => {
      if (entry.category !== 'Policy') return null;
      const initiatedBy = object(entry.initiatedBy);
      const user = object(initiatedBy?.user);
      const app = object(initiatedBy?.app);
      const upn = text(user?.userPrincipalName);
      const userName = text(user?.displayName);
      return event(entry, 'directory', {
        actor:
          upn || userName || !app
            ? { type: 'user', userPrincipalName: upn, ...(userName ? { displayName: userName } : {}) }
            : {
                type: 'application',
                displayName: text(app.displayName) ?? text(app.servicePrincipalName),
                appId: text(app.appId),
              },
        activity: text(entry.activityDisplayName) ?? '',
        operation: text(entry.operationType),
        resourceIds: ids(entry.targetResources, 'id'),
      });
    },
  },
};

/** The first page's URL path and query: every entry at or after `since`, oldest first. */
export function auditEventsQuery(source: AuditSource, since: Date): string {
  return `${source.path}?$filter=${encodeURIComponent(`activityDateTime ge ${since.toISOString()}`)}`;
}

function event(
  entry: GraphObject,
  source: AuditSourceKey,
  rest: Omit<AuditEvent, 'eventId' | 'source' | 'activityTime'>,
): AuditEvent | null {
  const eventId = text(entry.id);
  const time = typeof entry.activityDateTime === 'string' ? new Date(entry.activityDateTime) : null;
  // An entry without id or time cannot be stored once or placed between two backups.
  if (!eventId || !time || Number.isNaN(time.getTime())) return null;
  return { eventId, source, activityTime: time, ...rest };
}

function object(value: unknown): GraphObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as GraphObject)
    : undefined;
}

/** A non-empty string, in the stored escape; null otherwise. */
function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? escapeStoredText(value) : null;
}

function ids(list: unknown, property: string): string[] {
  if (!Array.isArray(list)) return [];
  const found = list.map((item) => text(object(item)?.[property])).filter((id) => id !== null);
  return [...new Set(found)];
}
