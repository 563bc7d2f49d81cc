import {
  changeScheduleRetention,
  changeTenantRetention,
  keepLastInForce,
  planRetention,
  type ScheduleRetention,
  type SetForRetention,
  type TenantRetention,
  tenantRetentionInForce,
} from '../../src/retention/policy';

const DAY = 24 * 60 * 60 * 1000;
const t0 = new Date('2026-11-30T12:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);
const tenant = (overrides: Partial<TenantRetention> = {}): TenantRetention => ({
  minKeepLast: 1,
  graceDays: 7,
  reductions: [],
  ...overrides,
});
const schedule = (keepLast: number): ScheduleRetention => ({ keepLast, reductions: [] });
/** Sets made daily, the newest `youngest` days before t0. */
const sets = (count: number, youngest = 10, types = ['compliance']): SetForRetention[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    createdAt: at(-(youngest + i)),
    policyTypes: types,
    held: false,
    pinned: false,
  }));
const ids = (plan: ReturnType<typeof planRetention>) => plan.delete.map((entry) => entry.id);

describe('lowering keepLast', () => {
  it('keeps the previous value in force for the grace period, then applies the new one', () => {
    const lowered = changeScheduleRetention(schedule(30), 1, { tenant: tenant(), by: 'user:a', now: t0 });
    expect(lowered).toEqual({
      keepLast: 1,
      reductions: [{ from: 30, to: 1, inForceUntil: at(7), by: 'user:a' }],
    });
    expect(keepLastInForce(lowered, tenant(), at(6.9))).toBe(30);
    expect(keepLastInForce(lowered, tenant(), at(7))).toBe(1);
  });

  it('each lowering waits its own grace period; the highest value in force wins', () => {
    const once = changeScheduleRetention(schedule(30), 10, { tenant: tenant(), by: 'user:a', now: t0 });
    const twice = changeScheduleRetention(once, 1, { tenant: tenant(), by: 'user:b', now: at(3) });
    expect(keepLastInForce(twice, tenant(), at(6))).toBe(30);
    expect(keepLastInForce(twice, tenant(), at(8))).toBe(10);
    expect(keepLastInForce(twice, tenant(), at(10))).toBe(1);
  });

  it('raising, or an update that leaves keepLast alone, adds no reduction and keeps pending ones', () => {
    const lowered = changeScheduleRetention(schedule(30), 5, { tenant: tenant(), by: 'user:a', now: t0 });
    const untouched = changeScheduleRetention(lowered, 5, { tenant: tenant(), by: 'user:b', now: at(1) });
    expect(untouched.reductions).toBe(lowered.reductions);
    const raised = changeScheduleRetention(lowered, 9, { tenant: tenant(), by: 'user:b', now: at(1) });
    expect(raised).toEqual({ keepLast: 9, reductions: lowered.reductions });
  });

  it('a grace period of 0 days applies a lowering at once; never below the tenant minimum', () => {
    const immediate = changeScheduleRetention(schedule(30), 1, {
      tenant: tenant({ graceDays: 0 }),
      by: 'user:a',
      now: t0,
    });
    expect(keepLastInForce(immediate, tenant({ graceDays: 0 }), t0)).toBe(1);
    expect(keepLastInForce(schedule(2), tenant({ minKeepLast: 14 }), t0)).toBe(14);
  });
});

describe("the tenant's own settings", () => {
  it('lowering the minimum or the grace period is itself delayed by the grace period in force', () => {
    const lowered = changeTenantRetention(
      tenant({ minKeepLast: 14 }),
      { minKeepLast: 1, graceDays: 0 },
      {
        by: 'user:owner',
        now: t0,
      },
    );
    expect(tenantRetentionInForce(lowered, at(6))).toEqual({ minKeepLast: 14, graceDays: 7 });
    expect(tenantRetentionInForce(lowered, at(7))).toEqual({ minKeepLast: 1, graceDays: 0 });
    // A schedule lowered meanwhile still waits the old grace period.
    const scheduleLowered = changeScheduleRetention(schedule(30), 1, {
      tenant: lowered,
      by: 'user:m',
      now: at(1),
    });
    expect(scheduleLowered.reductions[0]?.inForceUntil).toEqual(at(8));
  });

  it('raising applies at once', () => {
    expect(
      changeTenantRetention(tenant(), { minKeepLast: 30, graceDays: 14 }, { by: 'user:o', now: t0 }),
    ).toEqual(tenant({ minKeepLast: 30, graceDays: 14 }));
  });
});

describe('planRetention', () => {
  const rules = (overrides: Partial<Parameters<typeof planRetention>[1]> = {}) => ({
    schedule: schedule(2),
    tenant: tenant(),
    now: t0,
    keepSetId: 'new',
    ...overrides,
  });

  it('deletes older sets beyond keepLast as ageing', () => {
    const plan = planRetention(sets(4), rules());
    expect(plan.delete).toEqual([
      { id: 's2', cause: { kind: 'ageing' } },
      { id: 's3', cause: { kind: 'ageing' } },
    ]);
  });

  it('never deletes nor counts sets younger than the grace period: run-now cannot push history out', () => {
    const burst: SetForRetention[] = Array.from({ length: 50 }, (_, i) => ({
      id: `now${i}`,
      createdAt: at(-i / 1000),
      policyTypes: ['compliance'],
      held: false,
      pinned: false,
    }));
    expect(ids(planRetention([...burst, ...sets(3)], rules({ schedule: schedule(3) })))).toEqual([]);
    // With no grace period the burst counts like any sets.
    expect(
      ids(planRetention([...burst, ...sets(3)], rules({ tenant: tenant({ graceDays: 0 }) }))),
    ).toHaveLength(51);
  });

  it('during the grace period of a lowering, deletes nothing more than before it; then names its author', () => {
    const lowered = changeScheduleRetention(schedule(3), 1, { tenant: tenant(), by: 'user:m', now: t0 });
    expect(ids(planRetention(sets(5), rules({ schedule: lowered, now: at(1) })))).toEqual(['s3', 's4']);
    const after = planRetention(sets(5, 2), rules({ schedule: lowered, now: at(8) }));
    expect(after.delete).toEqual([
      { id: 's1', cause: { kind: 'reduction', by: 'user:m' } },
      { id: 's2', cause: { kind: 'reduction', by: 'user:m' } },
      { id: 's3', cause: { kind: 'ageing' } },
      { id: 's4', cause: { kind: 'ageing' } },
    ]);
  });

  it('two lowerings by two users: each is named for the sets it removed', () => {
    const first = changeScheduleRetention(schedule(10), 5, { tenant: tenant(), by: 'user:m1', now: t0 });
    const second = changeScheduleRetention(first, 4, { tenant: tenant(), by: 'user:m2', now: at(1) });
    const plan = planRetention(sets(12, 5), rules({ schedule: second, now: at(20) }));
    expect(plan.delete.map((entry) => [entry.id, entry.cause])).toEqual([
      ['s4', { kind: 'reduction', by: 'user:m2' }],
      ...[5, 6, 7, 8, 9].map((i) => [`s${i}`, { kind: 'reduction', by: 'user:m1' }]),
      ['s10', { kind: 'ageing' }],
      ['s11', { kind: 'ageing' }],
    ]);
  });

  it('keeps held sets, sets a baseline pins, and the newest holder of a type the kept sets lack', () => {
    const old = (id: string, days: number, policyTypes: string[], held = false, pinned = false) => ({
      id,
      createdAt: at(-days),
      policyTypes,
      held,
      pinned,
    });
    const history: SetForRetention[] = [
      old('s0', 10, ['compliance']),
      old('s1', 11, ['compliance'], false, true),
      old('s2', 12, ['compliance', 'settingsCatalog'], true),
      old('s3', 13, ['compliance', 'settingsCatalog', 'powershellScripts']),
      old('s4', 14, ['compliance', 'settingsCatalog', 'powershellScripts']),
      old('s5', 15, ['compliance', 'deviceConfiguration']),
    ];
    const plan = planRetention(history, rules({ schedule: schedule(1) }));
    expect(plan.keptForHold).toEqual(['s2']);
    expect(plan.keptForBaseline).toEqual(['s1']);
    expect(plan.keptForTypes).toEqual([
      { id: 's3', policyTypes: ['powershellScripts'] },
      { id: 's5', policyTypes: ['deviceConfiguration'] },
    ]);
    expect(ids(plan)).toEqual(['s4']);
  });

  it('with no grace period, the set the run just made is the newest of keepLast', () => {
    const history = [
      { id: 'new', createdAt: t0, policyTypes: ['compliance'], held: false, pinned: false },
      ...sets(2),
    ];
    const plan = planRetention(history, rules({ schedule: schedule(1), tenant: tenant({ graceDays: 0 }) }));
    expect(ids(plan)).toEqual(['s0', 's1']);
  });

  it('never deletes the set the run just made', () => {
    expect(ids(planRetention(sets(3), rules({ schedule: schedule(1), keepSetId: 's2' })))).toEqual(['s1']);
  });
});
