import {
  type ChangedPolicy,
  credentialsFailing,
  envelopeBytes,
  MAX_LEAF_CHANGES,
  type RunFacts,
  runEvents,
  type SetChanges,
} from '../../src/notifications/runEvents';
import { MAX_EVENT_BYTES } from '../../src/notifications/types';
import type { PolicyTypeSummary } from '../../src/shared/types';

const URL = 'https://vault.example/';
const run: RunFacts = {
  runId: 'r1',
  tenantId: 't1',
  scheduleId: 's1',
  trigger: 'scheduled',
  status: 'succeeded',
  backupSetId: 'set2',
};
const type = (outcome: PolicyTypeSummary['outcome'], extra: Partial<PolicyTypeSummary> = {}) => ({
  outcome,
  fetched: 0,
  added: 0,
  modified: 0,
  removed: 0,
  ...extra,
});
const totals = { fetched: 0, added: 0, modified: 0, removed: 0, itemCount: 0 };
const noChanges = { added: 0, removed: 0, modified: 0, renamed: 0 };

function policy(i: number, leaves: number): ChangedPolicy {
  return {
    policyType: 'settingsCatalog',
    graphId: `g${i}`,
    displayName: `Policy ${i} ${'x'.repeat(200)}`,
    previousDisplayName: null,
    change: 'modified',
    fields: Array.from({ length: leaves }, (_, j) => ({
      op: 'replace',
      path: `/settings/${j}`,
      label: `Setting ${j} ${'y'.repeat(150)}`,
      before: 'old-value',
      after: 'new-value',
    })),
    actors: [{ actor: { type: 'user', userPrincipalName: 'a@x' }, activity: 'Patch', time: new Date(0) }],
  };
}

test('a failed run with rejected credentials gives backup.run.failed and tenant.credentials.failing, keyed by the run', () => {
  const events = runEvents(
    { ...run, status: 'failed', backupSetId: undefined, errorCode: 'graph_auth_failed', errorMessage: 'no' },
    { drift: [] },
    URL,
  );
  expect(events.map((e) => [e.type, e.causeKey])).toEqual([
    ['backup.run.failed', 'run:r1:backup.run.failed'],
    ['tenant.credentials.failing', 'run:r1:tenant.credentials.failing'],
  ]);
  expect(events[0]?.data).toMatchObject({
    errorCode: 'graph_auth_failed',
    message: 'no',
    trigger: 'scheduled',
  });
  expect(events[0]?.data.links).toEqual({ run: 'https://vault.example/v1/tenants/t1/runs/r1' });
});

test('credentials fail on an auth error code or when every type was refused with 401, not otherwise', () => {
  const summary = (types: Record<string, PolicyTypeSummary>) => ({ types, totals });
  expect(credentialsFailing({ errorCode: 'capture_mismatch' })).toBe(false);
  const refused = type('failed', { reason: 'Graph answered 401 on /x' });
  expect(credentialsFailing({ summary: summary({ a: refused, b: refused }) })).toBe(true);
  expect(credentialsFailing({ summary: summary({ a: refused, b: type('failed', { reason: '500' }) }) })).toBe(
    false,
  );
});

test('a partial run names each type that was not ok, its outcome and permission', () => {
  const summary = {
    types: {
      deviceConfiguration: type('ok'),
      powershellScripts: type('permission_missing', {
        requiredPermission: 'DeviceManagementScripts.Read.All',
      }),
    },
    totals,
  };
  const [partial] = runEvents({ ...run, status: 'partial', summary }, { drift: [] }, URL);
  expect(partial?.type).toBe('backup.run.partial');
  expect(partial?.data.types).toEqual([
    {
      policyType: 'powershellScripts',
      outcome: 'permission_missing',
      requiredPermission: 'DeviceManagementScripts.Read.All',
    },
  ]);
  expect(partial?.attributes).toEqual({ scheduleId: 's1', policyTypes: ['powershellScripts'] });
});

test('changes list labelled leaves without values, cut to stay under 20 KB, saying how many were left out', () => {
  const changes: SetChanges = {
    previousSetId: 'set1',
    total: { ...noChanges, modified: 60 },
    byType: { settingsCatalog: { ...noChanges, modified: 60 } },
    first: Array.from({ length: 50 }, (_, i) => policy(i, 4)),
  };
  const events = runEvents(run, { changes, drift: [] }, URL);
  const event = events.find((e) => e.type === 'backup.changes.detected')!;
  expect(event.causeKey).toBe('run:r1:backup.changes.detected');
  expect(event.attributes).toEqual({ scheduleId: 's1', policyTypes: ['settingsCatalog'], changeCount: 60 });
  expect(envelopeBytes(event.type, event.data, new Date())).toBeLessThanOrEqual(MAX_EVENT_BYTES);
  const listed = event.data.changes as { fields: { label: string }[]; fieldsLeftOut: number }[];
  expect(listed.length).toBeGreaterThan(0);
  expect(listed.length).toBeLessThan(50);
  expect(listed.at(-1)?.fieldsLeftOut).toBeGreaterThanOrEqual(0);
  expect(event.data.policiesLeftOut).toBe(60 - listed.length);
  expect(listed[0]?.fields[0]).toEqual({
    op: 'replace',
    path: '/settings/0',
    label: expect.stringMatching(/^Setting 0/),
  });
  expect(JSON.stringify(event.data)).not.toContain('new-value');
  expect(event.data.links).toMatchObject({
    changes: 'https://vault.example/v1/tenants/t1/backup-sets/set2/changes',
  });
});

const short = (p: ChangedPolicy): ChangedPolicy => ({
  ...p,
  displayName: p.graphId,
  fields: (p.fields as { label: string }[]).map((f) => ({ ...f, label: 'L' })),
});

test('leaf changes stop at MAX_LEAF_CHANGES across policies', () => {
  const changes: SetChanges = {
    previousSetId: 'set1',
    total: { ...noChanges, modified: 2 },
    byType: { settingsCatalog: { ...noChanges, modified: 2 } },
    first: [short(policy(0, MAX_LEAF_CHANGES - 1)), short(policy(1, 5))],
  };
  const event = runEvents(run, { changes, drift: [] }, URL).find(
    (e) => e.type === 'backup.changes.detected',
  )!;
  const listed = event.data.changes as { fields: unknown[]; fieldsLeftOut: number }[];
  expect(listed.map((p) => [p.fields.length, p.fieldsLeftOut])).toEqual([
    [MAX_LEAF_CHANGES - 1, 0],
    [1, 4],
  ]);
});

test("a schedule's first set (no previous set, everything `added`) gives no changes event", () => {
  const changes: SetChanges = {
    previousSetId: null,
    total: { ...noChanges, added: 500 },
    byType: { settingsCatalog: { ...noChanges, added: 500 } },
    first: [],
  };
  expect(runEvents(run, { changes, drift: [] }, URL).map((e) => e.type)).toEqual(['backup.run.succeeded']);
});

test('no changes, no changes event; succeeded gives backup.run.succeeded', () => {
  const changes: SetChanges = { previousSetId: 'set1', total: noChanges, byType: {}, first: [] };
  expect(runEvents(run, { changes, drift: [] }, URL).map((e) => e.type)).toEqual(['backup.run.succeeded']);
});

test('drift: one event per differing baseline, keyed by run and baseline, with a compare link', () => {
  const counts = { different: 1, only_in_baseline: 0, only_in_tenant: 2, matching: 5 };
  const drift = [
    { baselineId: 'b1', baselineName: 'Gold', baselineSetId: 'bs1', counts, policyTypes: ['compliance'] },
    {
      baselineId: 'b2',
      baselineName: 'Same',
      baselineSetId: 'bs2',
      counts: { ...counts, different: 0, only_in_tenant: 0 },
      policyTypes: [],
    },
  ];
  const events = runEvents(run, { drift }, URL).filter((e) => e.type === 'baseline.drift.detected');
  expect(events).toHaveLength(1);
  expect(events[0]?.causeKey).toBe('run:r1:baseline.drift.detected:b1');
  expect(events[0]?.attributes).toEqual({ scheduleId: 's1', policyTypes: ['compliance'], changeCount: 3 });
  expect(events[0]?.data.links).toMatchObject({
    compare: 'https://vault.example/v1/baselines/b1/compare?tenantId=t1&backupSetId=set2',
  });
});

test('one policy with many long leaves keeps its first leaves rather than vanishing', () => {
  const changes: SetChanges = {
    previousSetId: 'set1',
    total: { ...noChanges, modified: 1 },
    byType: { settingsCatalog: { ...noChanges, modified: 1 } },
    first: [policy(0, MAX_LEAF_CHANGES)],
  };
  const event = runEvents(run, { changes, drift: [] }, URL).find(
    (e) => e.type === 'backup.changes.detected',
  )!;
  const [only] = event.data.changes as { fields: unknown[]; fieldsLeftOut: number }[];
  expect(only?.fields.length).toBeGreaterThan(10);
  expect(only!.fields.length + only!.fieldsLeftOut).toBe(MAX_LEAF_CHANGES);
  expect(envelopeBytes(event.type, event.data, new Date())).toBeLessThanOrEqual(MAX_EVENT_BYTES);
});
