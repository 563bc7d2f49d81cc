// The events of one backup run, built from what the audit step read: its outcome, the set's
// stored changes and its drift from the baselines the tenant is subscribed to. Pure, so every
// rule is unit-tested. Data is thin (ids, counts, codes, labels, links): setting values stay
// behind the link, where reading them is an authorized, audited API call.
import type { ChangeCounts, PolicyTypeOutcome, RunSummary } from '../shared/types';
import type { EventType } from './eventTypes';
import { renderEnvelope } from './render/envelope';
import { MAX_EVENT_BYTES, type NewEvent } from './types';

export interface RunFacts {
  runId: string;
  tenantId: string;
  scheduleId: string;
  trigger: string;
  status: 'succeeded' | 'partial' | 'failed';
  backupSetId?: string;
  summary?: RunSummary;
  errorCode?: string;
  errorMessage?: string;
}

export interface ChangeActor {
  /** Who, as the tenant's audit log names them (a user or an application). */
  actor: object;
  activity: string;
  time: Date;
}

/** A changed policy of the set (backup_set_changes), its actors attributed. */
export interface ChangedPolicy {
  policyType: string;
  graphId: string;
  displayName: string;
  previousDisplayName: string | null;
  change: keyof ChangeCounts;
  /** src/diff FieldChange[]; null for added and removed policies. */
  fields: unknown;
  actors: ChangeActor[] | null;
  actorsUnknown?: string;
}

export interface SetChanges {
  previousSetId: string | null;
  total: ChangeCounts;
  byType: Record<string, ChangeCounts>;
  /** The first changed policies (at most MAX_CHANGED_POLICIES), in the order they are shown. */
  first: ChangedPolicy[];
}

export interface BaselineDrift {
  baselineId: string;
  baselineName: string;
  baselineSetId: string;
  counts: { different: number; only_in_baseline: number; only_in_tenant: number; matching: number };
  /** The types with a difference. */
  policyTypes: string[];
}

/** Changed policies read for a changes event; more are counted, not listed. */
export const MAX_CHANGED_POLICIES = 50;
/** Leaf changes listed across the policies of a changes event. */
export const MAX_LEAF_CHANGES = 100;
const MAX_ACTORS = 5;
const MAX_TEXT = 300;
/** Room left for what a channel adds around `data` (ids, the tenant): the body stays under 20 KB. */
const ENVELOPE_MARGIN = 1024;

/** Failures that mean the tenant's credentials no longer work (rules as data). */
export const CREDENTIAL_FAILURE_CODES = ['graph_auth_failed'];
/** A type's failure reason that says Graph refused the token. */
const AUTH_REFUSED_REASON = /\b401\b/;

export const causeKeyOf = (runId: string, type: EventType, suffix?: string): string =>
  `run:${runId}:${type}${suffix ? `:${suffix}` : ''}`;

export function runEvents(
  run: RunFacts,
  found: { changes?: SetChanges; drift: BaselineDrift[] },
  publicApiUrl: string,
  now = new Date(),
): NewEvent[] {
  const base = publicApiUrl.replace(/\/+$/, '');
  const links = { run: `${base}/v1/tenants/${run.tenantId}/runs/${run.runId}` };
  const about = { runId: run.runId, scheduleId: run.scheduleId, trigger: run.trigger, links };
  const event = (
    type: EventType,
    data: Record<string, unknown>,
    extra: Partial<NewEvent> = {},
  ): NewEvent => ({
    tenantId: run.tenantId,
    type,
    causeKey: causeKeyOf(run.runId, type),
    attributes: { scheduleId: run.scheduleId },
    data,
    ...extra,
  });
  const events: NewEvent[] = [];
  const set = run.backupSetId ? { backupSetId: run.backupSetId } : {};
  if (run.status === 'failed') {
    events.push(
      event('backup.run.failed', {
        ...about,
        ...set,
        errorCode: run.errorCode ?? 'unknown',
        message: cut(run.errorMessage ?? ''),
      }),
    );
    if (credentialsFailing(run))
      events.push(event('tenant.credentials.failing', { ...about, errorCode: run.errorCode ?? 'unknown' }));
  }
  if (run.status === 'partial') {
    const types = notOkTypes(run.summary);
    events.push(
      event(
        'backup.run.partial',
        { ...about, ...set, types },
        { attributes: { scheduleId: run.scheduleId, policyTypes: types.map((t) => t.policyType) } },
      ),
    );
  }
  if (run.status === 'succeeded')
    events.push(event('backup.run.succeeded', { ...about, ...set, totals: run.summary?.totals ?? null }));
  // A schedule's first set has no previous one to differ from (its rows call everything `added`):
  // announcing the whole inventory as changes would alert on every new schedule.
  const changes = found.changes?.previousSetId ? found.changes : undefined;
  if (run.backupSetId && changes && changeCountOf(changes.total) > 0)
    events.push(changesEvent(run, run.backupSetId, changes, about, base, now));
  for (const drift of found.drift) {
    const changeCount = drift.counts.different + drift.counts.only_in_baseline + drift.counts.only_in_tenant;
    if (changeCount === 0 || !run.backupSetId) continue;
    const query = `tenantId=${run.tenantId}&backupSetId=${run.backupSetId}`;
    events.push(
      event(
        'baseline.drift.detected',
        {
          ...about,
          backupSetId: run.backupSetId,
          baselineId: drift.baselineId,
          baselineName: drift.baselineName,
          baselineSetId: drift.baselineSetId,
          counts: drift.counts,
          changeCount,
          links: { ...links, compare: `${base}/v1/baselines/${drift.baselineId}/compare?${query}` },
        },
        {
          causeKey: causeKeyOf(run.runId, 'baseline.drift.detected', drift.baselineId),
          attributes: { scheduleId: run.scheduleId, policyTypes: drift.policyTypes, changeCount },
        },
      ),
    );
  }
  return events;
}

/** A failure naming the credentials, or every type refused with 401. */
export function credentialsFailing(run: Pick<RunFacts, 'errorCode' | 'summary'>): boolean {
  if (run.errorCode && CREDENTIAL_FAILURE_CODES.includes(run.errorCode)) return true;
  const types = Object.values(run.summary?.types ?? {});
  return (
    types.length > 0 && types.every((t) => t.outcome === 'failed' && AUTH_REFUSED_REASON.test(t.reason ?? ''))
  );
}

export interface NotOkType {
  policyType: string;
  outcome: Exclude<PolicyTypeOutcome, 'ok'>;
  requiredPermission?: string;
  reason?: string;
}

export function notOkTypes(summary: RunSummary | undefined): NotOkType[] {
  return Object.entries(summary?.types ?? {})
    .filter(([, t]) => t.outcome !== 'ok')
    .map(([policyType, t]) => ({
      policyType,
      outcome: t.outcome as NotOkType['outcome'],
      ...(t.requiredPermission ? { requiredPermission: t.requiredPermission } : {}),
      ...(t.reason ? { reason: cut(t.reason) } : {}),
    }));
}

export const changeCountOf = (c: ChangeCounts): number =>
  c.added + c.removed + c.modified + c.renamed + (c.restored ?? 0);

function changesEvent(
  run: RunFacts,
  backupSetId: string,
  changes: SetChanges,
  about: Record<string, unknown> & { links: Record<string, string> },
  base: string,
  now: Date,
): NewEvent {
  const changeCount = changeCountOf(changes.total);
  const listed = listedChanges(changes.first);
  const data = (policies: typeof listed) => ({
    ...about,
    backupSetId,
    previousSetId: changes.previousSetId,
    changeCount,
    counts: { total: changes.total, byType: changes.byType },
    changes: policies,
    policiesLeftOut: changeCount - policies.length,
    links: {
      ...about.links,
      changes: `${base}/v1/tenants/${run.tenantId}/backup-sets/${backupSetId}/changes`,
    },
  });
  // Cut from the end until the envelope fits: half the last policy's leaves at a time, then the
  // policy itself once it has none left.
  const policies = listed;
  while (
    policies.length > 0 &&
    envelopeBytes('backup.changes.detected', data(policies), now) > MAX_EVENT_BYTES - ENVELOPE_MARGIN
  ) {
    const last = policies[policies.length - 1]!;
    if (last.fields.length === 0) {
      policies.pop();
      continue;
    }
    const dropped = Math.ceil(last.fields.length / 2);
    last.fields = last.fields.slice(0, last.fields.length - dropped);
    last.fieldsLeftOut += dropped;
  }
  return {
    tenantId: run.tenantId,
    type: 'backup.changes.detected',
    causeKey: causeKeyOf(run.runId, 'backup.changes.detected'),
    attributes: { scheduleId: run.scheduleId, policyTypes: Object.keys(changes.byType), changeCount },
    data: data(policies),
  };
}

/** The first policies with their first leaf changes (labels, no values), within MAX_LEAF_CHANGES. */
function listedChanges(first: ChangedPolicy[]) {
  let budget = MAX_LEAF_CHANGES;
  return first.slice(0, MAX_CHANGED_POLICIES).map((policy) => {
    const leaves = Array.isArray(policy.fields) ? (policy.fields as Record<string, unknown>[]) : [];
    const shown = leaves.slice(0, Math.max(budget, 0));
    budget -= shown.length;
    return {
      policyType: policy.policyType,
      graphId: policy.graphId,
      displayName: cut(policy.displayName),
      ...(policy.previousDisplayName ? { previousDisplayName: cut(policy.previousDisplayName) } : {}),
      change: policy.change,
      fields: shown.map((leaf) => ({
        op: leaf.op,
        path: cut(String(leaf.path ?? '')),
        label: cut(String(leaf.label ?? '')),
        ...(leaf.secret ? { secret: true } : {}),
      })),
      fieldsLeftOut: leaves.length - shown.length,
      actors:
        policy.actors?.slice(0, MAX_ACTORS).map((a) => ({
          actor: a.actor,
          activity: cut(a.activity),
          time: a.time.toISOString(),
        })) ?? null,
      ...(policy.actorsUnknown ? { actorsUnknown: cut(policy.actorsUnknown) } : {}),
    };
  });
}

export function envelopeBytes(type: string, data: Record<string, unknown>, now: Date): number {
  return Buffer.byteLength(renderEnvelope({ type, timestamp: now.toISOString(), data }), 'utf8');
}

const cut = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);
