import { restoreEndState } from '../../src/db/restoreLedger';
import { classifyWriteAnswer } from '../../src/graph/graphWriter';
import {
  emissionIntervalMs,
  NO_RETRY_AFTER_PAUSE_MS,
  nextSlot,
  pauseAfterThrottle,
} from '../../src/restore/writeBudget';

const INTUNE = { writes: 100, windowMs: 20_000 };
const CONDITIONAL_ACCESS = { writes: 1, windowMs: 1_000 };

/** Slots taken back to back by many callers at one instant, as the SQL hands them out. */
function slots(count: number, intervalMs: number, now = 0): number[] {
  let nextFreeAt: number | null = null;
  const taken: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = nextSlot(nextFreeAt, now, intervalMs);
    taken.push(slot.slotAt);
    nextFreeAt = slot.nextFreeAt;
  }
  return taken;
}

/** The most slots inside any window of `windowMs` (half-open), wherever it is placed. */
function maxInAnyWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const start of times)
    most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
  return most;
}

describe('GCRA write budget arithmetic', () => {
  it('paces at the fraction of the limit, rounded up to whole milliseconds', () => {
    expect(emissionIntervalMs(INTUNE, 1)).toBe(200);
    expect(emissionIntervalMs(INTUNE, 0.95)).toBe(211); // 210.53 -> 211: never faster than the fraction
    expect(emissionIntervalMs(CONDITIONAL_ACCESS, 0.95)).toBe(1053);
  });

  it('refuses a fraction outside (0, 1] and an empty limit', () => {
    expect(() => emissionIntervalMs(INTUNE, 0)).toThrow(RangeError);
    expect(() => emissionIntervalMs(INTUNE, 1.2)).toThrow(RangeError);
    expect(() => emissionIntervalMs({ writes: 0, windowMs: 1000 }, 0.95)).toThrow(RangeError);
  });

  it('a burst of callers never exceeds the limit in any window, and reaches the fraction of it', () => {
    const interval = emissionIntervalMs(INTUNE, 0.95);
    const taken = slots(500, interval);
    expect(maxInAnyWindow(taken, INTUNE.windowMs)).toBeLessThanOrEqual(INTUNE.writes);
    expect(maxInAnyWindow(taken, INTUNE.windowMs)).toBeGreaterThanOrEqual(94);
    const ca = slots(20, emissionIntervalMs(CONDITIONAL_ACCESS, 0.95));
    expect(maxInAnyWindow(ca, CONDITIONAL_ACCESS.windowMs)).toBe(1);
  });

  it('an idle budget gives the slot now; a slot in the past does not allow a burst', () => {
    expect(nextSlot(null, 1_000, 200)).toEqual({ slotAt: 1_000, nextFreeAt: 1_200, waitMs: 0 });
    expect(nextSlot(500, 1_000, 200)).toEqual({ slotAt: 1_000, nextFreeAt: 1_200, waitMs: 0 });
    expect(nextSlot(1_600, 1_000, 200)).toEqual({ slotAt: 1_600, nextFreeAt: 1_800, waitMs: 600 });
  });

  it('a 429 pauses by Retry-After, or a fixed back-off without one (Conditional Access)', () => {
    expect(pauseAfterThrottle(7_000)).toBe(7_000);
    expect(pauseAfterThrottle(null)).toBe(NO_RETRY_AFTER_PAUSE_MS);
  });
});

describe('write answers', () => {
  it('classifies ok, throttled, refused and ambiguous', () => {
    expect(classifyWriteAnswer(201, '{"id":"a"}', null)).toEqual({
      kind: 'ok',
      status: 201,
      body: { id: 'a' },
    });
    expect(classifyWriteAnswer(204, '', null)).toEqual({ kind: 'ok', status: 204, body: null });
    expect(classifyWriteAnswer(429, '', '3')).toEqual({ kind: 'throttled', retryAfterMs: 3_000 });
    expect(classifyWriteAnswer(429, '', null)).toEqual({ kind: 'throttled', retryAfterMs: null });
    expect(
      classifyWriteAnswer(400, '{"error":{"code":"BadRequest","message":"Property id is read-only"}}', null),
    ).toEqual({ kind: 'refused', status: 400, code: 'BadRequest', message: 'Property id is read-only' });
    expect(classifyWriteAnswer(503, '', null)).toMatchObject({ kind: 'ambiguous', status: 503 });
    expect(classifyWriteAnswer(504, '<html>', null)).toMatchObject({ kind: 'ambiguous', status: 504 });
  });
});

describe('restore end state', () => {
  it.each([
    [['created', 'updated', 'noop'], false, 'succeeded'],
    [[], false, 'succeeded'],
    [['created', 'stale'], false, 'partial'],
    [['updated', 'failed'], false, 'partial'],
    [['noop', 'blocked'], false, 'partial'],
    [['failed', 'blocked', 'noop'], false, 'failed'],
    [['created', null], false, 'partial'],
    [['created', null], true, 'canceled'],
  ] as const)('%j canceled=%s -> %s', (outcomes, canceled, expected) => {
    expect(restoreEndState([...outcomes], canceled)).toBe(expected);
  });
});
