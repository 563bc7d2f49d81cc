// What every human-facing renderer (Teams, e-mail, in-app) shows of an event or a digest: a
// title, facts, a few lines and a link back to the API resource. Built from the event's data by
// rules held as data, so a new event type needs a title here and nothing else.
import { EVENT_TYPES, isEventType } from '../eventTypes';
import type { EventEnvelope } from '../types';

export interface MessageSummary {
  title: string;
  /** Name and value pairs, in display order. */
  facts: [string, string][];
  /** Free lines below the facts (a digest's events, the first changes). */
  lines: string[];
  /** Absolute URL of the API resource the event is about. */
  link: string;
}

/** The title of each event type; `{tenant}` is replaced by the tenant's name or id. */
const TITLES: Record<string, string> = {
  'backup.run.failed': 'Backup run failed for {tenant}',
  'backup.run.partial': 'Backup run partially succeeded for {tenant}',
  'backup.run.succeeded': 'Backup run succeeded for {tenant}',
  'backup.run.missed': 'Scheduled backup did not run for {tenant}',
  'backup.changes.detected': 'Configuration changes detected in {tenant}',
  'baseline.drift.detected': 'Drift from a baseline detected in {tenant}',
  'offsite.copy.failed': 'Offsite copy of a backup of {tenant} failed',
  'schedule.paused_by_operator': 'A backup schedule of {tenant} was paused by an operator',
  'tenant.credentials.failing': 'Microsoft Graph credentials of {tenant} are failing',
  'notification.test': 'Test notification from TenantVault',
};

/**
 * Which resource an event links to: the first rule whose data field is present. Paths are the
 * API's (src/api/routeTable.ts); `{tenantId}` and the field itself are filled in.
 */
const LINK_RULES: [field: string, path: string][] = [
  ['runId', '/v1/tenants/{tenantId}/runs/{runId}'],
  ['backupSetId', '/v1/tenants/{tenantId}/backup-sets/{backupSetId}'],
  ['baselineId', '/v1/baselines/{baselineId}'],
  ['scheduleId', '/v1/tenants/{tenantId}/backup-schedules/{scheduleId}'],
  ['tenantId', '/v1/tenants/{tenantId}'],
];

/** Data fields shown as facts when present (scalars only), with their labels. */
const FACT_FIELDS: [field: string, label: string][] = [
  ['tenantName', 'Tenant'],
  ['tenantId', 'Tenant id'],
  ['scheduleName', 'Schedule'],
  ['scheduleId', 'Schedule id'],
  ['runId', 'Run'],
  ['status', 'Status'],
  ['errorCode', 'Error'],
  ['changeCount', 'Changes'],
  ['baselineName', 'Baseline'],
  ['backupSetId', 'Backup set'],
  ['channelName', 'Channel'],
];

/** Lines shown from `data.changes` (or another list) before saying how many were left out. */
export const MAX_LINES = 20;

export function summarizeEvent(event: EventEnvelope, publicApiUrl: string): MessageSummary {
  const data = event.data;
  const tenant = text(data.tenantName) ?? text(data.tenantId) ?? 'the platform';
  const template =
    TITLES[event.type] ?? (isEventType(event.type) ? EVENT_TYPES[event.type].description : event.type);
  const facts: [string, string][] = [
    ['Event', event.type],
    ['At', event.timestamp],
  ];
  for (const [field, label] of FACT_FIELDS) {
    const value = text(data[field]);
    if (value !== undefined) facts.push([label, value]);
  }
  return {
    title: template.replace('{tenant}', tenant),
    facts,
    lines: limitLines(listLines(data)),
    link: linkOf(data, publicApiUrl),
  };
}

/** One summary of several events (a digest), newest last; lists at most MAX_LINES of them. */
export function summarizeDigest(events: EventEnvelope[], publicApiUrl: string): MessageSummary {
  const lines = events.map((event) => `${event.timestamp} ${summarizeEvent(event, publicApiUrl).title}`);
  const tenants = new Set(events.map((event) => text(event.data.tenantId)).filter(Boolean));
  const first = events[0];
  return {
    title: `TenantVault digest: ${events.length} event${events.length === 1 ? '' : 's'}`,
    facts: [
      ['Events', String(events.length)],
      ['From', first?.timestamp ?? ''],
      ['To', events.at(-1)?.timestamp ?? ''],
    ],
    lines: limitLines(lines),
    link:
      tenants.size === 1 && first
        ? linkOf({ tenantId: first.data.tenantId }, publicApiUrl)
        : `${base(publicApiUrl)}/v1/tenants`,
  };
}

/** Characters of one line; with MAX_LINES lines every rendered body stays well under 20 KB. */
export const MAX_LINE_CHARS = 300;

export function limitLines(lines: string[], max = MAX_LINES): string[] {
  const cut = lines.map((line) =>
    line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line,
  );
  if (cut.length <= max) return cut;
  return [...cut.slice(0, max), `… and ${cut.length - max} more`];
}

function linkOf(data: Record<string, unknown>, publicApiUrl: string): string {
  for (const [field, path] of LINK_RULES) {
    if (text(data[field]) === undefined) continue;
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(text(data[name]) ?? ''),
    );
    if (!filled.includes('//')) return `${base(publicApiUrl)}${filled}`;
  }
  return `${base(publicApiUrl)}/v1/tenants`;
}

/** A changes or drift event's first changes, one line each. */
function listLines(data: Record<string, unknown>): string[] {
  const list = Array.isArray(data.changes) ? data.changes : Array.isArray(data.types) ? data.types : [];
  return list.map((entry) => (typeof entry === 'object' && entry !== null ? describe(entry) : String(entry)));
}

function describe(entry: object): string {
  const fields = Object.entries(entry)
    .filter(([, value]) => text(value) !== undefined)
    .map(([name, value]) => `${name}: ${text(value)}`);
  return fields.join(', ');
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const base = (url: string) => url.replace(/\/+$/, '');
