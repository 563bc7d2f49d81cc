import { isPolicyTypeKey, POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';
import { parseRetryAfter, sleep } from '../../src/graph/retryPolicy';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(' 12 ')).toBe(12_000);
    expect(parseRetryAfter('1.5')).toBe(1_500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores missing or unparseable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('policy type registry', () => {
  it('recognises its keys only', () => {
    expect(POLICY_TYPE_KEYS).toHaveLength(30);
    expect(POLICY_TYPE_KEYS).toEqual(
      expect.arrayContaining(['settingsCatalog', 'conditionalAccessPolicies']),
    );
    expect(isPolicyTypeKey('settingsCatalog')).toBe(true);
    expect(isPolicyTypeKey('toString')).toBe(false);
    expect(isPolicyTypeKey('unknown')).toBe(false);
  });
});
