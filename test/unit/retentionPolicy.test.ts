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
  reduction: null,
  ...overrides,
});
const schedule = (keepLast: number, reduction: ScheduleRetention['reduction'] = null): ScheduleRetention => ({
  keepLast,
  reduction,
});
const sets = (count: number, types = ['compliance']): SetForRetention[] =>
  Array.from({ length: count }, (_, i) => ({ id: `s${i}`, policyTypes: types, held: false }));
const ids = (plan: ReturnType<typeof planRetention>) => plan.delete.map((entry) => entry.id);

describe('lowering keepLast', () => {
  it('keeps the previous value in force for the grace period, then applies the new one', () => {
    const lowered = changeScheduleRetention(schedule(30), 1, { tenant: tenant(), by: 'user:a', now: t0 });
    expect(lowered).toEqual({
      keepLast: 1,
      reduction: { previous: { keepLast: 30 }, inForceUntil: at(7), by: 'user:a' },
    });
    expect(keepLastInForce(lowered, tenant(), at(6.9))).toBe(30);
    expect(keepLastInForce(lowered, tenant(), at(7))).toBe(1);
  });

  it('a second lowering during the grace period keeps the highest value and restarts the period', () => {
    const once = changeScheduleRetention(schedule(30), 10, { tenant: tenant(), by: 'user:a', now: t0 });
    const twice = changeScheduleRetention(once, 1, { tenant: tenant(), by: 'user:b', now: at(3) });
    expect(twice.reduction).toEqual({ previous: { keepLast: 30 }, inForceUntil: at(10), by: 'user:b' });
    expect(keepLastInForce(twice, tenant(), at(9))).toBe(30);
  });

  it('raising applies at once; a grace period of 0 days applies a lowering at once', () => {
    expect(changeScheduleRetention(schedule(5), 9, { tenant: tenant(), by: 'user:a', now: t0 })).toEqual(
      schedule(9),
    );
    const immediate = changeScheduleRetention(schedule(30), 1, {
      tenant: tenant({ graceDays: 0 }),
      by: 'user:a',
      now: t0,
    });
    expect(keepLastInForce(immediate, tenant({ graceDays: 0 }), t0)).toBe(1);
  });

  it('never below the tenant minimum', () => {
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
    expect(scheduleLowered.reduction?.inForceUntil).toEqual(at(8));
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
    keepSetId: 's0',
    ...overrides,
  });

  it('deletes beyond keepLast as ageing', () => {
    const plan = planRetention(sets(4), rules());
    expect(plan.delete).toEqual([
      { id: 's2', cause: { kind: 'ageing' } },
      { id: 's3', cause: { kind: 'ageing' } },
    ]);
  });

  it('during the grace period of a lowering, deletes nothing more than before it', () => {
    const lowered = changeScheduleRetention(schedule(3), 1, { tenant: tenant(), by: 'user:m', now: t0 });
    expect(ids(planRetention(sets(5), rules({ schedule: lowered, now: at(1) })))).toEqual(['s3', 's4']);
    // Afterwards, the sets the old value kept are the lowering's doing; older ones are ageing.
    const after = planRetention(sets(5), rules({ schedule: lowered, now: at(8) }));
    expect(after.delete).toEqual([
      { id: 's1', cause: { kind: 'reduction', by: 'user:m' } },
      { id: 's2', cause: { kind: 'reduction', by: 'user:m' } },
      { id: 's3', cause: { kind: 'ageing' } },
      { id: 's4', cause: { kind: 'ageing' } },
    ]);
  });

  it('keeps held sets and the newest holder of a type the kept sets lack', () => {
    const history: SetForRetention[] = [
      { id: 's0', policyTypes: ['compliance'], held: false },
      { id: 's1', policyTypes: ['compliance'], held: false },
      { id: 's2', policyTypes: ['compliance', 'settingsCatalog'], held: true },
      { id: 's3', policyTypes: ['compliance', 'settingsCatalog', 'powershellScripts'], held: false },
      { id: 's4', policyTypes: ['compliance', 'settingsCatalog', 'powershellScripts'], held: false },
      { id: 's5', policyTypes: ['compliance', 'deviceConfiguration'], held: false },
    ];
    const plan = planRetention(history, rules({ schedule: schedule(1) }));
    expect(plan.keptForHold).toEqual(['s2']);
    expect(plan.keptForTypes).toEqual([
      { id: 's3', policyTypes: ['powershellScripts'] },
      { id: 's5', policyTypes: ['deviceConfiguration'] },
    ]);
    expect(ids(plan)).toEqual(['s1', 's4']);
  });

  it('never deletes the set the run just made', () => {
    expect(ids(planRetention(sets(3), rules({ schedule: schedule(1), keepSetId: 's2' })))).toEqual(['s1']);
  });
});
