import {
  OVERDUE_INTERVALS,
  judgedRunStatus,
  type ScheduleFacts,
  scheduleIntervalMs,
  type TenantFacts,
  tenantStateOf,
} from '../../src/services/statusRules';

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY = 24 * 3600_000;

function schedule(overrides: Partial<ScheduleFacts> = {}): ScheduleFacts {
  return {
    id: 's1',
    name: 'nightly',
    enabled: true,
    syncState: 'synced',
    intervalMs: DAY,
    lastOutcome: { status: 'succeeded', errorCode: null, finishedAt: new Date(NOW.getTime() - 3600_000) },
    failingTypes: [],
    lastBackupAt: new Date(NOW.getTime() - 3600_000),
    createdAt: new Date(NOW.getTime() - 2 * 3600_000),
    ...overrides,
  };
}

function judge(schedules: ScheduleFacts[], rest: Partial<TenantFacts> = {}) {
  const result = tenantStateOf({
    schedules,
    secretUnderActiveKey: true,
    secretStored: true,
    offboarding: null,
    now: NOW,
    ...rest,
  });
  return { state: result.state, codes: result.reasons.map((reason) => reason.code) };
}

test('each rule of the table, alone, gives its state and reason', () => {
  const ago = (intervals: number) => new Date(NOW.getTime() - intervals * DAY);
  const cases: [string, ScheduleFacts[], Partial<TenantFacts>, ReturnType<typeof judge>][] = [
    ['healthy', [schedule()], {}, { state: 'healthy', codes: [] }],
    ['no schedules', [], {}, { state: 'never_run', codes: ['no_schedules'] }],
    [
      'no run yet',
      [schedule({ lastOutcome: null, lastBackupAt: null })],
      {},
      { state: 'never_run', codes: ['no_run_yet'] },
    ],
    [
      'last run failed',
      [schedule({ lastOutcome: { status: 'failed', errorCode: 'graph_auth_failed', finishedAt: NOW } })],
      {},
      { state: 'failing', codes: ['last_run_failed'] },
    ],
    [
      'only failed runs, no set ever: failing for the failure, not as overdue',
      [schedule({ lastOutcome: { status: 'failed', errorCode: 'x', finishedAt: NOW }, lastBackupAt: null })],
      {},
      { state: 'failing', codes: ['last_run_failed'] },
    ],
    [
      'partial with a failing type',
      [
        schedule({
          lastOutcome: { status: 'partial', errorCode: null, finishedAt: NOW },
          failingTypes: [{ type: 'powershellScripts', outcome: 'permission_missing', reason: '403' }],
        }),
      ],
      {},
      { state: 'degraded', codes: ['types_failing'] },
    ],
    [
      'backup overdue',
      [schedule({ lastBackupAt: ago(OVERDUE_INTERVALS.degraded + 0.5) })],
      {},
      { state: 'degraded', codes: ['backup_overdue'] },
    ],
    [
      'no recent backup',
      [schedule({ lastBackupAt: ago(OVERDUE_INTERVALS.failing + 0.5) })],
      {},
      { state: 'failing', codes: ['no_recent_backup'] },
    ],
    ['disabled', [schedule({ enabled: false })], {}, { state: 'degraded', codes: ['schedule_disabled'] }],
    [
      'out of sync',
      [schedule({ syncState: 'pending' })],
      {},
      { state: 'degraded', codes: ['schedule_out_of_sync'] },
    ],
    [
      'old key',
      [schedule()],
      { secretUnderActiveKey: false },
      { state: 'degraded', codes: ['secret_not_under_active_key'] },
    ],
    // A disabled schedule's old backup is not overdue: it is not meant to run.
    [
      'disabled and old',
      [schedule({ enabled: false, lastBackupAt: ago(30) })],
      {},
      { state: 'degraded', codes: ['schedule_disabled'] },
    ],
    [
      'never ran, created 3 and 21 intervals ago: overdue from its creation',
      [
        schedule({ lastOutcome: null, lastBackupAt: null, createdAt: ago(3) }),
        schedule({ id: 's2', lastOutcome: null, lastBackupAt: null, createdAt: ago(21) }),
      ],
      {},
      { state: 'failing', codes: ['no_run_yet', 'backup_overdue', 'no_recent_backup'] },
    ],
    [
      'erased secret (offboarding): no key rule',
      [schedule()],
      { secretUnderActiveKey: false, secretStored: false },
      { state: 'healthy', codes: [] },
    ],
    [
      'offboarded: that state alone, whatever else holds',
      [],
      {
        secretUnderActiveKey: false,
        offboarding: { offboardedAt: ago(1), purgeAfter: new Date(NOW.getTime() + 29 * DAY) },
      },
      { state: 'offboarded', codes: ['tenant_offboarded'] },
    ],
  ];
  for (const [name, schedules, rest, expected] of cases)
    expect([name, judge(schedules, rest)]).toEqual([name, expected]);
});

test('the worst state wins; a new schedule beside one that ran does not make the tenant never_run', () => {
  const failed = schedule({
    id: 's2',
    lastOutcome: { status: 'failed', errorCode: 'all_types_failed', finishedAt: NOW },
  });
  expect(judge([schedule({ enabled: false }), failed]).state).toBe('failing');
  expect(judge([schedule(), schedule({ id: 's3', lastOutcome: null, lastBackupAt: null })])).toEqual({
    state: 'healthy',
    codes: [],
  });
});

test('a reason names the failing type and its stored reason', () => {
  const result = tenantStateOf({
    now: NOW,
    secretUnderActiveKey: true,
    secretStored: true,
    offboarding: null,
    schedules: [
      schedule({
        lastOutcome: { status: 'partial', errorCode: null, finishedAt: NOW },
        failingTypes: [{ type: 'powershellScripts', outcome: 'permission_missing', reason: 'Forbidden' }],
      }),
    ],
  });
  expect(result.reasons[0]).toMatchObject({
    scheduleId: 's1',
    message: expect.stringContaining('powershellScripts (permission_missing: Forbidden)'),
  });
});

test('the interval is the longest gap between fires', () => {
  expect(scheduleIntervalMs({ frequency: 'hourly', daysOfWeek: [] })).toBe(3600_000);
  expect(scheduleIntervalMs({ frequency: 'daily', daysOfWeek: [] })).toBe(DAY);
  expect(scheduleIntervalMs({ frequency: 'weekly', daysOfWeek: ['mon', 'thu'] })).toBe(4 * DAY);
  expect(scheduleIntervalMs({ frequency: 'weekly', daysOfWeek: ['wed'] })).toBe(7 * DAY);
});

test('a partial run is judged succeeded only when every type not ok is unsupported', () => {
  expect(judgedRunStatus('partial', ['ok', 'unsupported'])).toBe('succeeded');
  expect(judgedRunStatus('partial', ['ok', 'unsupported', 'permission_missing'])).toBe('partial');
  expect(judgedRunStatus('failed', ['failed'])).toBe('failed');
});
